"""The embedded SMTP receiver (aiosmtpd) that the municipality's mailbox forwards feedback mail to.

It runs on the application's own event loop, so a mail is stored through the one database writer like
every other intake. Each mail gets a real SMTP answer: 250 when the case is stored (or was stored before),
552 when it is too big (aiosmtpd enforces the size limit), 550 for a message that cannot become a case,
and 451 for a failure on our side, so the sending server keeps the mail and tries again later.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web
from aiosmtpd.smtp import SMTP, Envelope, Session

from panel import clock
from panel.db import Database
from panel.keys import DB, SETTINGS
from panel.settings import Settings

from .parse import MailError, parse_mail
from .receive import receive_mail

log = logging.getLogger(__name__)

MAX_RECIPIENTS = 20
SMTP_SERVER = web.AppKey("feedback_smtp_server", asyncio.Server)


class FeedbackMailHandler:
    """aiosmtpd's handler: called once per SMTP command that it implements."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    async def handle_RCPT(  # the name aiosmtpd calls
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return "452 4.5.3 Too many recipients"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", errors="surrogateescape")
        try:
            mail = parse_mail(raw)
        except MailError as exc:
            return f"550 5.6.0 Message not accepted: {exc}"
        try:
            async with self.db.transaction() as tx:
                outcome = await receive_mail(tx, mail, now=clock.utcnow(), base_url=self.settings.base_url)
        except Exception:  # the sender keeps the mail and retries; nothing was half-stored
            log.exception("storing inbound mail %s failed", mail.message_id or mail.fingerprint)
            return "451 4.3.0 Temporary failure, please try again later"
        log.info("mail %s: %s %s", mail.message_id, outcome.action, outcome.reference)
        return f"250 2.0.0 OK {outcome.reference}"


async def start_listener(db: Database, settings: Settings, host: str, port: int) -> asyncio.Server:
    """Listen for SMTP on host:port (port 0: any free port) on the running loop."""
    loop = asyncio.get_running_loop()
    handler = FeedbackMailHandler(db, settings)

    def protocol() -> SMTP:
        return SMTP(
            handler,
            data_size_limit=settings.max_request_bytes,
            hostname="synpunkter",
            ident="Synpunktsmottagning",
            timeout=60,
            loop=loop,
        )

    return await loop.create_server(protocol, host=host, port=port)


def split_host_port(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host.strip("[]"), int(port)


async def smtp_listener_ctx(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx entry: the receiver runs while the application does."""
    settings = app[SETTINGS]
    host, port = split_host_port(settings.smtp_listen)
    server = await start_listener(app[DB], settings, host, port)
    app[SMTP_SERVER] = server
    log.info("receiving feedback e-mail on %s", settings.smtp_listen)
    yield
    server.close()
    await server.wait_closed()


def listening_port(server: asyncio.Server) -> Any:
    """The port actually bound (useful with port 0)."""
    return server.sockets[0].getsockname()[1]
