"""The demo seed: a year of varied cases with a consistent history, and nothing more when it runs again."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from feedback import demo
from feedback.intake import DEFAULT_ANSWER_DAYS, due_at
from feedback.workdays import is_working_day
from panel import auth, clock
from panel.members import demo as members_demo
from tests.helpers import migrated_database


async def test_the_demo_is_varied_and_idempotent(tmp_path: Path) -> None:
    async with migrated_database(tmp_path) as db:
        now = clock.utcnow()
        await demo.seed(db, random.Random(2026), now)
        await demo.seed(db, random.Random(7), now)
        assert await db.fetch_value("SELECT count(*) FROM cases") == demo.CASES
        channels = {row[0] for row in await db.fetch_all("SELECT DISTINCT channel FROM cases")}
        assert channels == set(demo.CHANNEL_WEIGHTS)
        states = {row[0] for row in await db.fetch_all("SELECT DISTINCT state FROM cases")}
        assert {"new", "open", "answered", "closed"} <= states
        oldest, newest = await db.fetch_one("SELECT min(created_at), max(created_at) FROM cases") or ("", "")
        assert oldest < clock.to_db(now - timedelta(days=270)) and newest > clock.to_db(now - timedelta(days=30))


@pytest.mark.parametrize("now", [datetime(2026, 11, 25, 6, 30, tzinfo=UTC), datetime(2027, 4, 6, 13, 0, tzinfo=UTC)])
async def test_the_demo_cases_have_a_consistent_history(tmp_path: Path, now: datetime) -> None:
    async with migrated_database(tmp_path) as db:
        async with db.transaction() as tx:
            await auth.create_user(tx, "handlaggare", "correct horse battery", "handler", "Hassan")
        await members_demo.seed(db, random.Random(2026), now)
        await demo.seed(db, random.Random(2026), now)
        cases = await db.fetch_all(
            "SELECT c.*, COALESCE(k.answer_days, ?) AS days FROM cases c LEFT JOIN categories k ON k.id = c.category_id"
            " ORDER BY c.id", (DEFAULT_ANSWER_DAYS,))
        assert [row["created_at"] for row in cases] == sorted(row["created_at"] for row in cases)
        handled = [row for row in cases if row["state"] in ("answered", "closed") and not row["answered_directly"]]
        assert len(handled) > demo.CASES // 2
        late = 0
        for row in cases:
            created = clock.from_db(row["created_at"])
            if not row["answered_directly"]:  # the deadline of the day it came in, in Swedish working days
                assert row["answer_due_at"] == due_at(created, row["days"]), row["reference"]
            if row in handled:
                answered = clock.local(row["answered_at"])
                assert answered is not None and created < answered < now, row["reference"]
                assert is_working_day(answered.date()) and 8 <= answered.hour <= 16, row["answered_at"]
                late += row["answered_at"] > row["answer_due_at"]
            if row["state"] == "closed" and not row["answered_directly"]:
                assert row["answered_at"] <= row["closed_at"] < clock.to_db(now)
        assert 0 < late < len(handled) // 4  # mostly within the deadline, some late
        # Every answered case's answer is the first response its events record, by its handler.
        responses = await db.fetch_all(
            "SELECT c.answered_at, c.assignee_user_id, MIN(e.at) AS first FROM cases c JOIN case_events e"
            " ON e.case_id = c.id AND e.kind IN ('answered', 'completion_requested', 'rejected') GROUP BY c.id")
        assert responses and all(row["assignee_user_id"] is not None for row in responses)
        assert all(row["first"] == row["answered_at"] for row in responses if row["answered_at"])


async def test_the_demo_places_are_in_the_fictional_municipality(tmp_path: Path) -> None:
    async with migrated_database(tmp_path) as db:
        await members_demo.seed(db, random.Random(2026), clock.utcnow())
        await demo.seed(db, random.Random(2026), clock.utcnow())
        districts = {code for code, _name, _size in members_demo.DISTRICTS}
        assert set(demo.PLACES) == districts
        rows = await db.fetch_all("SELECT location_text, district_code FROM cases WHERE location_text != ''")
        assert rows and {row["location_text"] for row in rows} <= set(demo.ALL_PLACES)
        assert all(row["location_text"] in demo.PLACES[row["district_code"]] for row in rows if row["district_code"])
        texts = " ".join([*demo.ALL_PLACES, *(text for _category, _kind, text in demo.TEXTS)])
        for real in ("Nödinge", "Alafors", "Ale torg", "Surte", "Älvängen", "Skepplanda", "Bohus", "Nol,"):
            assert real not in texts
