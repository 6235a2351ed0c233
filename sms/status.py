"""Moving an outbox message to a new state and telling the status listeners, inside the caller's transaction.

Used by the dispatcher (what the provider answered) and by the status webhook (what the provider reported
later). Both can arrive in any order, twice, or for an earlier attempt; `advance` sorts that out.
"""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta

from panel.clock import to_db
from panel.db import Row, Transaction
from panel.numbers import whole
from sms import policy, store
from sms.hooks import SmsHooks

log = logging.getLogger(__name__)


async def notify(tx: Transaction, hooks: SmsHooks, row: Row) -> None:
    for listener in hooks.status:
        await listener(tx, row, row["state"])


def _code(text: str) -> int | None:
    return whole(text, max_digits=9)


async def advance(tx: Transaction, hooks: SmsHooks, message_id: int, *, provider_sid: str, state: str,
                  error_code: str = "", error_message: str = "", now: datetime,
                  rng: random.Random) -> Row | None:
    """Apply the provider's news about `provider_sid`; return the updated row, or None if nothing changed."""
    row = await store.get_message(tx, message_id)
    if row is None:
        return None
    known_sid = row["provider_sid"]
    if known_sid is not None and known_sid != provider_sid:
        return None  # news about an earlier attempt of a message that has been retried since
    if known_sid is None and row["state"] != policy.SENDING:
        return None  # queued again or cancelled: this try is over
    stamp = to_db(now)
    if not policy.can_move(row["state"], state):
        if known_sid is None:
            # The provider's callback beat our own record of the send: keep its SID so later news matches.
            return await store.record_provider_state(
                tx, message_id, expected=row["state"], provider_sid=provider_sid, state=row["state"],
                error_code=row["error_code"], error_message=row["error_message"], now=stamp,
            )
        return None  # late, repeated or out of order: states only move forward
    # A redacted message (retention, erasure) has no number left to try again: record the failure instead.
    if state in (policy.UNDELIVERED, policy.FAILED) and row["recipient"] and policy.retry_after_delivery_failure(
        _code(error_code), row["attempts"]
    ):
        # The handset was unreachable: nobody got the text, so a later try cannot double it.
        delay = policy.backoff(row["attempts"], rng)
        updated = await store.set_state(
            tx, message_id, expected=row["state"], state=policy.QUEUED, error_code=error_code,
            error_message=error_message, next_attempt_at=to_db(now + timedelta(seconds=delay)), now=stamp,
        )
    else:
        updated = await store.record_provider_state(
            tx, message_id, expected=row["state"], provider_sid=provider_sid, state=state,
            error_code=error_code, error_message=error_message, now=stamp,
        )
    if updated is not None:
        await notify(tx, hooks, updated)
    return updated


async def give_up(tx: Transaction, hooks: SmsHooks, row: Row, *, error_code: str, error_message: str,
                  now: datetime) -> Row | None:
    """Record a permanent failure of a claimed message (e.g. 21211 invalid number) and tell the listeners."""
    updated = await store.set_state(tx, row["id"], expected=policy.SENDING, state=policy.FAILED,
                                    error_code=error_code, error_message=error_message, now=to_db(now))
    if updated is not None:
        log.warning("SMS #%d failed for good: %s %s", row["id"], error_code, error_message)
        await notify(tx, hooks, updated)
    return updated


async def retry_later(tx: Transaction, hooks: SmsHooks, row: Row, *, error_code: str, error_message: str,
                      at: datetime, now: datetime) -> Row | None:
    """Put a claimed message that certainly did not go back in the queue until `at`."""
    updated = await store.set_state(tx, row["id"], expected=policy.SENDING, state=policy.QUEUED,
                                    error_code=error_code, error_message=error_message,
                                    next_attempt_at=to_db(at), now=to_db(now))
    if updated is not None:
        await notify(tx, hooks, updated)
    return updated
