"""Retention: contact details of finished cases are removed once they have been closed long enough.

The case itself stays (it is a public document and counts in the statistics), but the resident's name,
e-mail address and phone number go, and personal data written into the texts (personnummer, phone
numbers, e-mail addresses) is masked. The job is idempotent: a purged case is marked and never touched again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from panel import audit, clock
from panel.db import Database
from panel.privacy import mask
from sms import outbox

from . import handling_store, jobs_store


async def purge_closed_contacts(db: Database, *, days: int, now: datetime) -> int:
    """Purge every case finished more than `days` ago; return how many were purged."""
    cutoff = clock.to_db(now - timedelta(days=days))
    at = clock.to_db(now)
    purged = 0
    while case_ids := await jobs_store.cases_to_purge(db, cutoff):
        # One transaction per case: a failure leaves the others done, and the writer is never held long.
        for case_id in case_ids:
            async with db.transaction() as tx:
                subject, body, messages = await jobs_store.texts_of(tx, case_id)
                await jobs_store.purge_case(
                    tx, case_id, subject=mask(subject), body=mask(body),
                    messages={row["id"]: mask(row["body"]) for row in messages}, at=at,
                )
                await outbox.forget_ref(tx, ref_type="case", ref_id=case_id,
                                        inbound_sids=await jobs_store.sms_ids_of(tx, case_id))
                await handling_store.add_event(tx, case_id, at, "contacts_purged", str(days))
                await audit.record(tx, None, "retention_purge", "case", case_id, f"closed more than {days} days")
            purged += 1
    return purged
