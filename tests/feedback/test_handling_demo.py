"""The handling demo: on top of the intake demo, every state, assignments, phrases; a second run adds nothing."""

from __future__ import annotations

import random
from pathlib import Path

from feedback import demo, demo_handling
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
        assert await db.fetch_value("SELECT COUNT(*) FROM cases WHERE resolved IS NOT NULL") == 2
        # The answers are in both console outboxes, as the demo promises.
        assert await db.fetch_value("SELECT COUNT(*) FROM email_outbox WHERE purpose = 'case_answer'") >= 1
        assert await db.fetch_value("SELECT COUNT(*) FROM sms_messages WHERE purpose = 'case_answer'") >= 1

        counts = [await db.fetch_value(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - fixed table names
                  for table in ("case_events", "case_messages", "email_outbox", "sms_messages", "departments")]
        await demo_handling.seed(db, random.Random(2026), clock.utcnow(), base_url="http://panel.example.se")
        again = [await db.fetch_value(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
                 for table in ("case_events", "case_messages", "email_outbox", "sms_messages", "departments")]
        assert again == counts
