"""The handling side's background tasks: the e-mail sender, and the hourly round of deadline reminders and
retention. Started and cancelled with the application (`cleanup_ctx`); a failing round is logged and the
next one tries again, so one bad row never stops mail or retention for good.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from aiohttp import web

from panel import clock
from panel.keys import DB, SETTINGS

from .outbound import send_due_mail
from .reminders import is_reminder_time, send_reminders
from .retention import purge_closed_contacts

log = logging.getLogger(__name__)

MAIL_POLL_SECONDS = 5.0
ROUND_SECONDS = 3600.0


async def mail_loop(app: web.Application) -> None:
    while True:
        try:
            sent = await send_due_mail(app[DB], app[SETTINGS])
        except Exception:
            log.exception("sending e-mail failed")
            sent = 0
        await asyncio.sleep(0.2 if sent else MAIL_POLL_SECONDS)


async def hourly_round(app: web.Application) -> None:
    settings, db = app[SETTINGS], app[DB]
    now = clock.utcnow()
    local_now = clock.local(now)
    if local_now is not None and is_reminder_time(local_now):
        await send_reminders(db, base_url=settings.base_url, now=now)
    purged = await purge_closed_contacts(db, days=settings.retention_closed_case_days, now=now)
    if purged:
        log.info("retention: removed contact details from %d cases", purged)


async def round_loop(app: web.Application) -> None:
    while True:
        try:
            await hourly_round(app)
        except Exception:
            log.exception("the hourly handling round failed")
        await asyncio.sleep(ROUND_SECONDS)


async def jobs_ctx(app: web.Application) -> AsyncIterator[None]:
    tasks = [asyncio.create_task(mail_loop(app), name="feedback-mail"),
             asyncio.create_task(round_loop(app), name="feedback-round")]
    yield
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task


def setup(app: web.Application) -> None:
    app.cleanup_ctx.append(jobs_ctx)
