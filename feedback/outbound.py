"""Messages to residents on the channel they used: e-mail through our own outbox, SMS through the SMS outbox.

`notify_resident` is called inside the transaction that causes the message (a receipt with the new case,
an answer with its decision), so the message exists exactly when the change does. E-mail rows are sent by
`send_due_mail`, run by a small background task: the console backend only marks them sent (staff read them
on /staff/mail-outbox), the SMTP backend hands them to the configured server.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from panel import clock
from panel.db import Database, Row, Transaction
from panel.settings import Settings
from sms import outbox as sms_outbox

log = logging.getLogger(__name__)

_MAX_ATTEMPTS = 5
_SMTP_TIMEOUT = 30.0
# An answer by SMS longer than this (seven segments with å, ä, ö) is cut; the tracking link has all of it.
SMS_LIMIT = 469


def _dedupe_key(case_id: int, kind: str, ref: str) -> str | None:
    # A receipt is sent once per case whatever happens; other messages once per triggering row (ref).
    if kind == "receipt":
        return f"case:{case_id}:receipt"
    return f"case:{case_id}:{kind}:{ref}" if ref else None


def reply_channel(case_channel: str, email: str, phone: str) -> str:
    """Where a message to the resident goes: 'sms', 'email', or 'web' (only their tracking page).

    The case's own channel decides first (an SMS case is answered by SMS, a mail case by mail); otherwise
    e-mail is preferred over SMS because an answer can be long.
    """
    if phone and not sms_outbox.E164.match(phone):
        phone = ""  # not a mobile number we can text (a landline written down by staff, say)
    if phone and (case_channel == "sms" or not email):
        return "sms"
    return "email" if email else "web"


def shorten_for_sms(text: str, limit: int = SMS_LIMIT) -> str:
    """`text` cut to what one SMS may carry, keeping a closing paragraph with a link (the tracking page
    has the whole answer)."""
    if len(text) <= limit:
        return text
    body, sep, last = text.rpartition("\n\n")
    if sep and "http" in last and len(last) < limit // 2:
        room = limit - len(last) - len(sep) - 1
        return body[:room].rstrip() + "…" + sep + last
    return text[: limit - 1].rstrip() + "…"


async def notify_resident(tx: Transaction, case_id: int, *, subject: str, text: str, kind: str,
                          ref: str = "") -> None:
    """Send `text` to the resident of a case on their channel; nothing if they left no way to reach them.

    See `reply_channel`; residents who left no contact read everything on their tracking page. `kind`
    names the message (receipt, answer, completion...) and, with `ref`, makes a repeated call a no-op.
    """
    row = await tx.fetch_one(
        "SELECT c.channel, COALESCE(k.email, '') AS email, COALESCE(k.phone, '') AS phone"
        " FROM cases c LEFT JOIN case_contacts k ON k.case_id = c.id WHERE c.id = ?",
        (case_id,),
    )
    if row is None:
        raise LookupError(f"no case {case_id}")
    email, phone = row["email"].strip(), row["phone"].strip()
    dedupe = _dedupe_key(case_id, kind, ref)
    channel = reply_channel(row["channel"], email, phone)
    if channel == "sms":
        await sms_outbox.enqueue(tx, recipient=phone, body=shorten_for_sms(text), purpose=f"case_{kind}",
                                 ref_type="case", ref_id=case_id, dedupe_key=dedupe)
    elif channel == "email":
        await enqueue_mail(tx, recipient=email, subject=subject, body=text, purpose=f"case_{kind}",
                           ref_type="case", ref_id=case_id, dedupe_key=dedupe)


async def enqueue_mail(tx: Transaction, *, recipient: str, subject: str, body: str, purpose: str,
                       ref_type: str = "", ref_id: int | None = None, dedupe_key: str | None = None) -> None:
    now = clock.now_db()
    await tx.execute(
        "INSERT INTO email_outbox (recipient, subject, body, purpose, ref_type, ref_id, dedupe_key,"
        " next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (dedupe_key) DO NOTHING",
        (recipient, subject, body, purpose, ref_type, ref_id, dedupe_key, now, now),
    )


def build_message(row: Row, settings: Settings) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = row["recipient"]
    message["Subject"] = row["subject"]
    # Our own Message-ID per outbox row: a resident's reply references it, which threads it to the case.
    domain = settings.mail_from.rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(f"mail{row['id']}", domain=domain)
    message.set_content(row["body"])
    return message


def _smtp_send(message: EmailMessage, settings: Settings) -> None:
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=_SMTP_TIMEOUT) as smtp:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
        smtp.send_message(message)


async def send_due_mail(db: Database, settings: Settings, *, limit: int = 50) -> int:
    """Send what is due; return how many were handled. A failure is retried with backoff, then given up."""
    rows = await db.fetch_all(
        "SELECT * FROM email_outbox WHERE state = 'queued' AND next_attempt_at <= ? ORDER BY id LIMIT ?",
        (clock.now_db(), limit),
    )
    for row in rows:
        error = ""
        if settings.mail_backend == "smtp":
            try:
                await asyncio.to_thread(_smtp_send, build_message(row, settings), settings)
            except (OSError, smtplib.SMTPException) as exc:
                error = str(exc) or type(exc).__name__
                log.warning("mail %s to the SMTP server failed: %s", row["id"], error)
        await _record_attempt(db, row, error)
    return len(rows)


async def _record_attempt(db: Database, row: Row, error: str) -> None:
    now = clock.utcnow()
    attempts = row["attempts"] + 1
    async with db.transaction() as tx:
        if not error:
            await tx.execute(
                "UPDATE email_outbox SET state = 'sent', attempts = ?, sent_at = ?, error_message = ''"
                " WHERE id = ?", (attempts, clock.to_db(now), row["id"]))
            return
        state = "failed" if attempts >= _MAX_ATTEMPTS else "queued"
        retry_at = now + timedelta(minutes=2 ** attempts)
        await tx.execute(
            "UPDATE email_outbox SET state = ?, attempts = ?, next_attempt_at = ?, error_message = ?"
            " WHERE id = ?", (state, attempts, clock.to_db(retry_at), error[:500], row["id"]))


async def recent_mail(db: Database, *, limit: int = 100) -> list[Row]:
    """The newest outgoing e-mail for the staff outbox page."""
    return await db.fetch_all("SELECT * FROM email_outbox ORDER BY id DESC LIMIT ?", (limit,))
