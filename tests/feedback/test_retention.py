"""Retention: contact details of long-closed cases are removed and personal data in their texts masked."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from feedback.retention import purge_closed_contacts
from panel import clock
from panel.db import Database
from panel.privacy import EMAIL_MASK, PHONE_MASK
from tests.feedback.handling_support import case_row, new_case
from tests.helpers import migrated_database

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with migrated_database(tmp_path) as database:
        yield database


async def closed_case(db: Database, days_ago: int, state: str = "closed") -> int:
    case = await new_case(db, contact_email="anna@exempel.se", contact_phone="+46701234567",
                          body="Ring mig på 070-123 45 67 eller skriv till anna@exempel.se om gropen.")
    at = clock.to_db(NOW - timedelta(days=days_ago))
    await db.execute("UPDATE cases SET state = ?, closed_at = ?, answered_at = ? WHERE id = ?",
                     (state, at, at, case.case_id))
    async with db.transaction() as tx:
        await tx.execute("INSERT INTO case_messages (case_id, at, direction, channel, body) VALUES (?, ?, 'in', 'web',"
                         " 'Min e-post är anna@exempel.se')", (case.case_id, at))
    return case.case_id


async def test_old_closed_cases_lose_their_contact_details(db: Database) -> None:
    old = await closed_case(db, days_ago=400)
    recent = await closed_case(db, days_ago=10)
    assert await purge_closed_contacts(db, days=365, now=NOW) == 1
    assert await db.fetch_one("SELECT * FROM case_contacts WHERE case_id = ?", (old,)) is None
    assert await db.fetch_one("SELECT * FROM case_contacts WHERE case_id = ?", (recent,)) is not None
    row = await case_row(db, old)
    assert row["body"] == f"Ring mig på {PHONE_MASK} eller skriv till {EMAIL_MASK} om gropen."
    assert row["contacts_purged_at"] == clock.to_db(NOW)
    message = await db.fetch_value("SELECT body FROM case_messages WHERE case_id = ?", (old,))
    assert message == f"Min e-post är {EMAIL_MASK}"
    assert await db.fetch_value("SELECT recipient FROM email_outbox WHERE ref_id = ?", (old,)) == ""
    assert await db.fetch_value(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'retention_purge' AND object_id = ?", (str(old),)) == 1


async def test_purging_twice_does_nothing_more(db: Database) -> None:
    await closed_case(db, days_ago=400, state="rejected")
    assert await purge_closed_contacts(db, days=365, now=NOW) == 1
    assert await purge_closed_contacts(db, days=365, now=NOW) == 0


async def test_open_cases_are_kept_whatever_their_age(db: Database) -> None:
    case = await new_case(db, contact_email="anna@exempel.se", now=NOW - timedelta(days=900))
    assert await purge_closed_contacts(db, days=365, now=NOW) == 0
    assert await db.fetch_one("SELECT * FROM case_contacts WHERE case_id = ?", (case.case_id,)) is not None


async def test_the_sms_log_of_a_purged_case_is_erased_too(db: Database) -> None:
    old = await closed_case(db, days_ago=400)
    async with db.transaction() as tx:
        await tx.execute("INSERT INTO sms_inbound (message_sid, from_number, body) VALUES"
                         " ('SMold', '+46701234567', 'Gropen är kvar'), ('SMother', '+46709999999', 'Annat')")
        await tx.execute("UPDATE case_messages SET external_id = 'sms:SMold' WHERE case_id = ?", (old,))
        await tx.execute("INSERT INTO sms_messages (recipient, body, purpose, ref_type, ref_id, state) VALUES"
                         " ('+46701234567', 'Tack för din synpunkt', 'receipt', 'case', ?, 'delivered'),"
                         " ('+46701234567', 'Svar på din synpunkt', 'answer', 'case', ?, 'queued')", (old, old))
    assert await purge_closed_contacts(db, days=365, now=NOW) == 1
    sent = await db.fetch_all("SELECT recipient, body, state FROM sms_messages ORDER BY id")
    assert [tuple(row) for row in sent] == [("", "", "delivered"), ("", "", "cancelled")]
    inbound = await db.fetch_all("SELECT message_sid, from_number, body FROM sms_inbound ORDER BY id")
    assert [tuple(row) for row in inbound] == [("SMold", "", ""), ("SMother", "+46709999999", "Annat")]
