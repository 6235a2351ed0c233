"""The demo seed: a year of varied cases, and nothing more when it runs again."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from feedback import demo
from panel import clock
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
