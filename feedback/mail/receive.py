"""An inbound e-mail becomes a case, or a message in the case it answers.

A mail joins an existing case when its subject carries the case reference (SYN-2026-00042) or when its
In-Reply-To/References name a message already in a case's thread. The same Message-ID delivered twice
(the municipality's mailbox forwarding again, an SMTP retry) finds the stored copy and stores nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from panel import clock
from panel.db import Transaction

from .. import store
from ..case_actions import resident_replied
from ..intake import IncomingItem, existing_case, find_reference, intake
from .parse import ParsedMail, strip_quoted


@dataclass(frozen=True)
class MailOutcome:
    case_id: int
    reference: str
    action: str  # "created", "joined" or "duplicate"


async def thread_case(tx: Transaction, mail: ParsedMail) -> int | None:
    """The case this mail continues, if any."""
    reference = find_reference(mail.subject)
    if reference is not None:
        case = await store.case_by_reference(tx, reference)
        if case is not None:
            return int(case["id"])
    return await store.case_for_external_ids(tx, [f"email:{message_id}" for message_id in mail.refers_to])


def case_text(mail: ParsedMail) -> str:
    text = mail.text or mail.subject
    if mail.skipped_files:
        text += "\n\n[Bilagor som inte sparades (fel filtyp): " + ", ".join(mail.skipped_files) + "]"
    return text


async def receive_mail(tx: Transaction, mail: ParsedMail, *, now: datetime, base_url: str) -> MailOutcome:
    key = mail.idempotency_key
    found = await existing_case(tx, key)
    if found is not None:
        return MailOutcome(found.case_id, found.reference, "duplicate")
    case_id = await thread_case(tx, mail)
    at = clock.to_db(now)
    if case_id is not None:
        body = strip_quoted(case_text(mail))
        message_id = await store.insert_message(
            tx, case_id, at, direction="in", channel="email", body=body, external_id=key
        )
        for upload in mail.attachments:
            await store.insert_attachment(tx, case_id, upload, at, message_id)
        # An out-of-office answer is kept in the thread but is not the completion a waiting case waits for.
        await resident_replied(tx, case_id, at, reopen=not mail.automatic)
        await store.insert_event(tx, case_id, at, "message_in", "email")
        return MailOutcome(case_id, await store.reference_of(tx, case_id), "joined")
    item = IncomingItem(
        channel="email",
        kind="question",
        subject=mail.subject,
        body=case_text(mail),
        contact_name=mail.from_name,
        contact_email=mail.from_address,
        attachments=mail.attachments,
        idempotency_key=key,
        send_receipt=not mail.automatic,
    )
    result = await intake(tx, item, now=now, base_url=base_url)
    return MailOutcome(result.case_id, result.reference, "created")
