"""Retention of the SMS logs: phone numbers and texts go once a message is `PANEL_RETENTION_SMS_DAYS` old.

Outgoing messages are redacted when they are finished (sent, delivered, undelivered, failed or cancelled,
or accepted by the provider: a delivery report that has not come within the period never will) and neither
created nor changed within the period; queued ones and those whose request to the provider has no known
outcome are never touched, so nothing waiting to go loses its number. Received
SMS are redacted by the time they arrived. The rows stay, without number, text and error message (a
provider's message may quote the number): the provider SID and MessageSid keep callbacks and repeated
webhooks idempotent, dedupe keys keep enqueueing idempotent, and the outbox counts stay right. What other
packages copied out of a message (a case's text) follows their own retention.

The work goes in short transactions of `BATCH_SIZE` rows, so a large backlog never holds the single writer
for long; each run is written to the audit log with its counts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiohttp import web

from panel import audit
from panel.clock import to_db
from panel.db import Database, Transaction
from panel.keys import DB, SETTINGS
from sms import store
from sms.keys import SMS_CLOCK

log = logging.getLogger(__name__)

BATCH_SIZE = 500
INTERVAL = 3600.0  # seconds between runs
FIRST_RUN = 60.0  # after start-up, so a restart loop does not hammer the database


@dataclass(frozen=True)
class Purged:
    outbox: int = 0  # outgoing messages redacted
    inbound: int = 0  # received SMS redacted
    batches: int = 0  # transactions used

    def __bool__(self) -> bool:
        return bool(self.outbox or self.inbound)


async def _in_batches(db: Database, step: Callable[[Transaction], Awaitable[int]], size: int) -> tuple[int, int]:
    """Run `step` in its own transaction until a batch comes back short; return (rows, transactions).

    Every redacted row leaves the selection (its number is blank), so each full batch shrinks what is
    left and the loop ends; a batch that changes nothing ends it at once.
    """
    total = batches = 0
    while True:
        async with db.transaction() as tx:
            changed = await step(tx)
        total += changed
        batches += 1
        if changed < size:
            return total, batches
        await asyncio.sleep(0)  # let other writers in between batches


async def purge(db: Database, *, days: int, now: datetime, batch_size: int = BATCH_SIZE) -> Purged:
    """Redact every finished outgoing and every received SMS older than `days`; return the counts."""
    if days < 1 or batch_size < 1:
        raise ValueError("days and batch_size must be 1 or more")
    cutoff, stamp = to_db(now - timedelta(days=days)), to_db(now)
    outbox, outbox_batches = await _in_batches(
        db, lambda tx: store.redact_finished(tx, cutoff=cutoff, now=stamp, limit=batch_size),
        batch_size,
    )
    inbound, inbound_batches = await _in_batches(
        db, lambda tx: store.redact_inbound(tx, cutoff=cutoff, limit=batch_size), batch_size
    )
    if outbox or inbound:
        async with db.transaction() as tx:
            if outbox:
                await audit.record(tx, None, "retention_purge", "sms_outbox", "retention",
                                   f"number and text removed from {outbox} outgoing SMS older than {days} days")
            if inbound:
                await audit.record(tx, None, "retention_purge", "sms_inbound", "retention",
                                   f"number and text removed from {inbound} received SMS older than {days} days")
    return Purged(outbox, inbound, outbox_batches + inbound_batches)


async def run(app: web.Application) -> Purged:
    """One round of the periodic job (`panel.tasks.periodic`)."""
    days = app[SETTINGS].retention_sms_days
    purged = await purge(app[DB], days=days, now=app[SMS_CLOCK].now())
    if purged:
        log.info("retention: removed numbers and texts from %d outgoing and %d received SMS older than %d days",
                 purged.outbox, purged.inbound, days)
    return purged
