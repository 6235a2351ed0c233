"""Routing an inbound SMS: stored once, then keywords, then the handlers other packages registered, in order.

Everything happens in the caller's transaction, so the stored message, what a handler did with it (an
answer, an opt-out, a new case) and any reply in the outbox commit together or not at all.
"""

from __future__ import annotations

import logging
from datetime import datetime

from panel.clock import to_db
from panel.db import Transaction
from sms import keywords, outbox, store
from sms.hooks import InboundMessage, Keyword, SmsHooks

log = logging.getLogger(__name__)

UNHANDLED = ""


def default_help(municipality: str) -> str:
    """The HELP reply when no package gave one. SMS have no page language, so both languages in one text."""
    return (f"{municipality}: medborgarpanelen. Svara STOPP för att avsluta, START för att gå med igen. "
            "Reply STOP to leave, START to rejoin.")


def _name(handler: object) -> str:
    module = getattr(handler, "__module__", "") or ""
    return f"{module}.{getattr(handler, '__qualname__', type(handler).__name__)}".strip(".")


async def receive(tx: Transaction, hooks: SmsHooks, *, message_sid: str, from_number: str, to_number: str,
                  body: str, now: datetime, help_text: str) -> str | None:
    """Store and route one inbound SMS; return who handled it ('' for nobody), or None for a repeat."""
    inbound_id = await store.insert_inbound(tx, message_sid=message_sid, from_number=from_number,
                                            to_number=to_number, body=body, received_at=to_db(now))
    if inbound_id is None:
        return None  # the provider delivered this MessageSid before: it has been handled already
    message = InboundMessage(inbound_id, message_sid, from_number, to_number, body, to_db(now))
    keyword = keywords.match(body)
    if keyword is not None:
        handled_by = f"keyword:{keyword.value}"
        await _keyword(tx, hooks, keyword, message, help_text)
    else:
        handled_by = UNHANDLED
        for handler in hooks.inbound:
            if await handler(tx, message):
                handled_by = _name(handler)
                break
    await store.set_inbound_handled(tx, inbound_id, handled_by)
    return handled_by


async def _keyword(tx: Transaction, hooks: SmsHooks, keyword: Keyword, message: InboundMessage,
                   help_text: str) -> None:
    # Every keyword handler runs (the registry opts the number out, another package may also act);
    # the first reply text is the one sent.
    reply: str | None = None
    for handler in hooks.keyword:
        text = await handler(tx, keyword, message)
        reply = reply or text
    if reply is None and keyword is Keyword.HELP:
        reply = help_text
    if not reply:
        return
    if not outbox.E164.match(message.from_number):
        log.info("no reply to %s: not a phone number that can receive SMS", message.message_sid)
        return
    # Urgent: the resident is waiting for the answer to what they just sent, even in quiet hours.
    await outbox.enqueue(tx, recipient=message.from_number, body=reply, purpose="keyword_reply",
                         ref_type="sms_inbound", ref_id=message.id, dedupe_key=f"reply:{message.message_sid}",
                         urgent=True)
