"""Putting SMS in the outbox: the one way any package sends a text.

`enqueue` writes a row inside the caller's transaction, so the message exists exactly when what caused it
(an invitation, a case receipt) exists. The paced dispatcher sends it; it is woken right after the commit
and also polls, so a missed wake-up only delays a message by a poll interval.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from datetime import datetime

from panel.clock import to_db, utcnow
from panel.db import Transaction
from sms import segments, store

E164 = re.compile(r"^\+[1-9]\d{6,14}$")

# The events of the dispatchers running in this process (one per application; tests may run several).
_wakers: set[asyncio.Event] = set()


def register_waker(event: asyncio.Event) -> None:
    _wakers.add(event)


def unregister_waker(event: asyncio.Event) -> None:
    _wakers.discard(event)


def _wake() -> None:
    for event in _wakers:
        event.set()


def check(recipient: str, body: str, purpose: str) -> None:
    """Refuse a message the provider would refuse, before anything is stored; raise ValueError."""
    if not E164.match(recipient):
        raise ValueError(f"recipient must be a phone number in E.164 form (+46701234567), got {recipient!r}")
    if not body.strip():
        raise ValueError("an SMS needs a text")
    if len(body) > segments.MAX_CHARACTERS:
        raise ValueError(f"an SMS may have at most {segments.MAX_CHARACTERS} characters, this has {len(body)}")
    if not purpose:
        raise ValueError("purpose is required (it groups messages on the outbox page)")


async def enqueue(tx: Transaction, *, recipient: str, body: str, purpose: str, ref_type: str = "",
                  ref_id: int | None = None, dedupe_key: str | None = None, urgent: bool = False,
                  now: datetime | None = None) -> int | None:
    """Queue one SMS; return its id, or None when a message with `dedupe_key` already exists.

    Give a `dedupe_key` such as "invitation:42" whenever a resubmitted form or a repeated job could queue
    the same message twice. `urgent` messages are sent first and also during quiet hours: use it for replies
    to something the resident just did (an opt-out confirmation, a receipt), never for bulk sends.
    """
    check(recipient, body, purpose)
    message_id = await store.insert_message(
        tx, recipient=recipient, body=body, purpose=purpose, ref_type=ref_type, ref_id=ref_id,
        dedupe_key=dedupe_key, urgent=urgent, segments=max(1, segments.count(body).segments),
        now=to_db(now or utcnow()),
    )
    if message_id is not None:
        tx.after_commit(_wake)
    return message_id


async def cancel_queued(tx: Transaction, *, recipient: str | None = None, ref_type: str | None = None,
                        ref_ids: Sequence[int] | None = None) -> int:
    """Cancel messages not yet handed to the provider; return how many. Messages already sent stay.

    At least one filter is required, so a mistake cannot empty the whole queue. Status listeners are not
    called: the caller is the one deciding, and records its own side (e.g. invitations cancelled).
    """
    if recipient is None and ref_type is None and ref_ids is None:
        raise ValueError("cancel_queued needs recipient, ref_type or ref_ids")
    return await store.cancel_queued(tx, recipient=recipient, ref_type=ref_type, ref_ids=ref_ids,
                                     now=to_db(utcnow()))


async def forget_ref(tx: Transaction, *, ref_type: str, ref_id: int, inbound_sids: Sequence[str] = ()) -> int:
    """Erase what the SMS logs hold for one thing: messages sent for it, and the inbound ones it came from.

    Used by retention, when a case's contact details are purged; queued messages for it are cancelled.
    """
    now = to_db(utcnow())
    return await store.forget_ref(tx, ref_type, ref_id, now=now) + await store.forget_inbound(tx, list(inbound_sids))


async def forget_number(tx: Transaction, phone: str) -> int:
    """Erase a phone number from the SMS logs (a member's right to erasure); return the rows changed.

    Queued messages to the number are cancelled first, so nothing is sent to a number we no longer hold.
    """
    await store.cancel_queued(tx, recipient=phone, ref_type=None, ref_ids=None, now=to_db(utcnow()))
    return await store.forget_number(tx, phone, now=to_db(utcnow()))
