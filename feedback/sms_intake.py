"""SMS from residents: the fallback inbound handler, after surveys and keywords have had their turn.

An SMS from a number with a case still being handled, active within the last `sms_thread_days` days, joins
that case's thread (and reopens it if it was waiting for the resident); any other SMS starts a new case,
which answers with an SMS receipt carrying the reference and the tracking link.
"""

from __future__ import annotations

from datetime import timedelta

from panel import clock
from panel.db import Transaction
from panel.settings import Settings
from sms.hooks import InboundHandler, InboundMessage

from . import store
from .case_actions import resident_replied
from .intake import IncomingItem, existing_case, intake


def make_inbound_handler(settings: Settings) -> InboundHandler:
    async def handle(tx: Transaction, message: InboundMessage) -> bool:
        return await receive_sms(
            tx, message, thread_days=settings.sms_thread_days, base_url=settings.base_url
        )

    return handle


async def receive_sms(tx: Transaction, message: InboundMessage, *, thread_days: int, base_url: str) -> bool:
    """Register the SMS as a case or a message in the sender's open case; False if there is nothing to keep."""
    body = message.body.strip()
    if not body:
        return False
    key = f"sms:{message.message_sid}"
    if await existing_case(tx, key) is not None:
        return True  # the provider delivered the webhook twice
    received = clock.from_db(message.received_at)
    since = clock.to_db(received - timedelta(days=thread_days))
    case = await store.open_case_of_phone(tx, message.from_number, since)
    if case is not None:
        stored = await store.insert_message(
            tx, case["id"], message.received_at, direction="in", channel="sms", body=body, external_id=key
        )
        if stored is not None:
            await resident_replied(tx, case["id"], message.received_at)
            await store.insert_event(tx, case["id"], message.received_at, "message_in", "sms")
        return True
    item = IncomingItem(
        channel="sms", kind="question", body=body, contact_phone=message.from_number, idempotency_key=key
    )
    await intake(tx, item, now=received, base_url=base_url)
    return True
