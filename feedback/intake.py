"""The one way a case is created, whatever the channel: web form, e-mail, SMS, staff entry or Open311.

Each adapter checks its own input and builds an `IncomingItem`; `intake` gives the case its reference
(SYN-2026-00042) and tracking token, its deadlines in Swedish working days from the category, stores the
contact details apart from the text, records the first event and queues the receipt, all in the caller's
transaction. An item carries the channel's own id (form nonce, Message-ID, MessageSid): delivered twice,
it returns the case that the first delivery created.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from panel import clock
from panel.db import Transaction

from . import outbound, store
from .forms import KINDS, Checked, Upload
from .workdays import add_working_days

CHANNELS = ("web", "email", "sms", "phone", "visit", "letter", "open311")
REFERENCE_PREFIX = "SYN"
REFERENCE = re.compile(r"\bSYN-(\d{4})-(\d{5,})\b")
DEFAULT_ACK_DAYS = 2
DEFAULT_ANSWER_DAYS = 10


class IntakeError(ValueError):
    """The item cannot become a case (an adapter let through what it should have refused)."""


@dataclass(frozen=True)
class IncomingItem:
    channel: str
    body: str
    kind: str = "question"
    category_code: str | None = None
    subject: str = ""
    location_text: str = ""
    district_code: str = ""  # a code of the districts table, already checked
    latitude: float | None = None
    longitude: float | None = None
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""  # E.164
    attachments: Sequence[Upload] = ()
    idempotency_key: str | None = None
    answered_directly: bool = False
    user_id: int | None = None  # the staff member who registered it
    open311_key_id: int | None = None
    send_receipt: bool = True


def item_from_form(checked: Checked, *, channel: str, idempotency_key: str, **extra: Any) -> IncomingItem:
    """The item a checked form describes (the public form and staff quick entry share their fields)."""
    values = checked.values
    return IncomingItem(
        channel=channel, kind=values["kind"], category_code=values["category"], body=values["body"],
        location_text=values["location"], district_code=values["district"], latitude=checked.latitude,
        longitude=checked.longitude,
        contact_name=values["name"], contact_email=values["email"], contact_phone=values["phone"],
        attachments=checked.attachments, idempotency_key=idempotency_key, **extra,
    )


@dataclass(frozen=True)
class IntakeResult:
    case_id: int
    reference: str
    tracking_token: str
    created: bool


def format_reference(year: int, number: int) -> str:
    return f"{REFERENCE_PREFIX}-{year}-{number:05d}"


def find_reference(text: str) -> str | None:
    """The first case reference in a text such as an e-mail subject ("Re: SYN-2026-00042 ...")."""
    match = REFERENCE.search(text)
    return match.group(0) if match else None


def due_at(received: datetime, working_days: int) -> str:
    """The end of the working day `working_days` after the local day of `received`, as UTC text."""
    local_day: date = clock.local(received).date()  # type: ignore[union-attr]
    due_day = add_working_days(local_day, working_days)
    end = datetime.combine(due_day + timedelta(days=1), time(0), tzinfo=clock.STOCKHOLM) - timedelta(
        milliseconds=1
    )
    return clock.to_db(end)


def tracking_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/t/{token}"


def _check(item: IncomingItem) -> None:
    if item.channel not in CHANNELS:
        raise IntakeError(f"unknown channel {item.channel!r}")
    if item.kind not in KINDS:
        raise IntakeError(f"unknown kind {item.kind!r}")
    if not item.body.strip():
        raise IntakeError("empty text")


async def existing_case(tx: Transaction, key: str | None) -> IntakeResult | None:
    """The case an earlier delivery of the same item created or joined, if any."""
    if not key:
        return None
    row = await store.case_by_idempotency_key(tx, key)
    if row is None:
        case_id = await store.message_case_id(tx, key)
        if case_id is None:
            return None
        row = await store.case_by_id(tx, case_id)
        assert row is not None  # case_messages.case_id is a foreign key
    return IntakeResult(row["id"], row["reference"], row["tracking_token"], created=False)


async def intake(tx: Transaction, item: IncomingItem, *, now: datetime, base_url: str = "") -> IntakeResult:
    """Create the case for `item`, or return the one an earlier delivery of it created."""
    found = await existing_case(tx, item.idempotency_key)
    if found is not None:
        return found
    _check(item)
    category = None
    if item.category_code:
        category = await store.category_by_code(tx, item.category_code)
        if category is None:
            raise IntakeError(f"unknown category {item.category_code!r}")
    at = clock.to_db(now)
    year = clock.local(now).year  # type: ignore[union-attr]
    reference = format_reference(year, await store.next_reference_number(tx, REFERENCE_PREFIX, year))
    token = secrets.token_urlsafe(16)
    answer_days = category["answer_days"] if category else DEFAULT_ANSWER_DAYS
    ack_days = category["ack_days"] if category else DEFAULT_ACK_DAYS
    case_id = await store.insert_case(
        tx,
        {
            "reference": reference,
            "channel": item.channel,
            "kind": item.kind,
            "category_id": category["id"] if category else None,
            "body": item.body.strip(),
            "subject": item.subject.strip()[:200],
            "location_text": item.location_text.strip(),
            "district_code": item.district_code,
            "latitude": item.latitude,
            "longitude": item.longitude,
            # Resolved on first contact (a call answered there and then) is done, but still counted.
            "state": "closed" if item.answered_directly else "new",
            "closed_at": at if item.answered_directly else None,
            "tracking_token": token,
            "idempotency_key": item.idempotency_key,
            "answered_directly": int(item.answered_directly),
            "department": category["department"] if category else "",
            "created_by_user_id": item.user_id,
            "open311_key_id": item.open311_key_id,
            "created_at": at,
            "updated_at": at,
            "ack_due_at": None if item.answered_directly else due_at(now, ack_days),
            "answer_due_at": None if item.answered_directly else due_at(now, answer_days),
        },
    )
    await store.insert_contact(tx, case_id, item.contact_name, item.contact_email, item.contact_phone)
    await store.insert_event(tx, case_id, at, "received", item.channel, user_id=item.user_id)
    if item.answered_directly:
        await store.insert_event(tx, case_id, at, "answered_directly", user_id=item.user_id)
    for upload in item.attachments:
        await store.insert_attachment(tx, case_id, upload, at)
    result = IntakeResult(case_id, reference, token, created=True)
    if item.send_receipt and not item.answered_directly and (item.contact_email or item.contact_phone):
        await send_receipt(tx, result, answer_days=answer_days, base_url=base_url)
    return result


def receipt_text(reference: str, answer_days: int, link: str) -> str:
    """Short enough for an SMS of three segments, and the same words in an e-mail."""
    text = (
        f"Tack! Vi har tagit emot din synpunkt och gett den nummer {reference}. "
        f"Du får svar inom {answer_days} arbetsdagar."
    )
    return f"{text} Följ ärendet: {link}" if link else text


async def send_receipt(tx: Transaction, result: IntakeResult, *, answer_days: int, base_url: str) -> None:
    """Acknowledge on the resident's own channel (e-mail outbox or SMS outbox), in the same transaction."""
    link = tracking_url(base_url, result.tracking_token) if base_url else ""
    await outbound.notify_resident(
        tx,
        result.case_id,
        subject=f"Vi har tagit emot din synpunkt {result.reference}",
        text=receipt_text(result.reference, answer_days, link),
        kind="receipt",
    )
