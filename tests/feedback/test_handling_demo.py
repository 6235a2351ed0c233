"""The handling demo: on top of the intake demo, every state, assignments, phrases; a second run adds nothing."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

from feedback import demo, demo_handling
from feedback.intake import DEFAULT_ANSWER_DAYS, due_at
from panel import auth, clock
from tests.helpers import migrated_database


async def test_demo_has_every_state_and_is_idempotent(tmp_path: Path) -> None:
    async with migrated_database(tmp_path) as db:
        async with db.transaction() as tx:
            await auth.create_user(tx, "handlaggare", "correct horse battery", "handler", "Hassan")
        now = clock.utcnow()
        await demo.seed(db, random.Random(2026), now)
        await demo_handling.seed(db, random.Random(2026), now, base_url="http://panel.example.se")
        states = {row[0] for row in await db.fetch_all("SELECT DISTINCT state FROM cases")}
        assert states == {"new", "open", "waiting", "answered", "closed", "rejected"}
        assert await db.fetch_value("SELECT COUNT(*) FROM cases WHERE assignee_user_id IS NOT NULL") > 0
        assert await db.fetch_value("SELECT COUNT(*) FROM case_phrases") == len(demo_handling.PHRASES)
        assert await db.fetch_value("SELECT COUNT(*) FROM case_events WHERE kind = 'answered'") >= 1
        # Two residents give their verdict on an answer (the intake demo's history has more, all "resolved").
        verdicts = await db.fetch_all("SELECT kind FROM case_events WHERE kind LIKE 'resident_%resolved'")
        assert [row["kind"] for row in verdicts].count("resident_unresolved") == 1
        assert await db.fetch_value("SELECT COUNT(*) FROM cases WHERE resolved = 0") == 1
        # The answers are in both console outboxes, as the demo promises.
        assert await db.fetch_value("SELECT COUNT(*) FROM email_outbox WHERE purpose = 'case_answer'") >= 1
        assert await db.fetch_value("SELECT COUNT(*) FROM sms_messages WHERE purpose = 'case_answer'") >= 1

        counts = [await db.fetch_value(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - fixed table names
                  for table in ("case_events", "case_messages", "email_outbox", "sms_messages", "departments")]
        await demo_handling.seed(db, random.Random(2026), clock.utcnow(), base_url="http://panel.example.se")
        again = [await db.fetch_value(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
                 for table in ("case_events", "case_messages", "email_outbox", "sms_messages", "departments")]
        assert again == counts


async def test_the_handling_demo_happens_between_each_case_and_now(tmp_path: Path) -> None:
    async with migrated_database(tmp_path) as db:
        async with db.transaction() as tx:
            await auth.create_user(tx, "handlaggare", "correct horse battery", "handler", "Hassan")
        now = datetime(2026, 11, 25, 6, 30, tzinfo=UTC)
        await demo.seed(db, random.Random(2026), now)
        await demo_handling.seed(db, random.Random(2026), now, base_url="http://panel.example.se")
        outside = await db.fetch_value(
            "SELECT COUNT(*) FROM case_events e JOIN cases c ON c.id = e.case_id WHERE e.at < c.created_at OR e.at > ?",
            (clock.to_db(now),))
        assert outside == 0
        unrecorded = await db.fetch_value(
            "SELECT COUNT(*) FROM cases c WHERE c.assignee_user_id IS NOT NULL AND NOT EXISTS"
            " (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.kind = 'assigned')")
        assert unrecorded == 0
        # Each deadline runs from the case's own arrival, or from the day a resident's "not resolved" restarted it.
        rows = await db.fetch_all(
            "SELECT c.reference, c.answer_due_at, COALESCE(k.answer_days, ?) AS days, MAX(c.created_at, COALESCE("
            "(SELECT MAX(e.at) FROM case_events e WHERE e.case_id = c.id AND e.kind IN ('resident_unresolved',"
            " 'reopened')), '')) AS start FROM cases c LEFT JOIN categories k ON k.id = c.category_id"
            " WHERE c.answer_due_at IS NOT NULL", (DEFAULT_ANSWER_DAYS,))
        assert rows
        for row in rows:
            assert row["answer_due_at"] == due_at(clock.from_db(row["start"]), row["days"]), row["reference"]
