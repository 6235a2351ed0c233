import random
from datetime import UTC, datetime

from panel.db import Database
from panel.members import demo
from panel.members.targeting import Target, count_recipients

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


async def test_demo_seeds_a_realistic_panel_once(db: Database) -> None:
    await demo.seed(db, random.Random(2026), NOW)
    await demo.seed(db, random.Random(2026), NOW)  # idempotent: running the demo twice adds nothing
    assert await db.fetch_value("SELECT COUNT(*) FROM districts") == 10
    assert await db.fetch_value("SELECT COUNT(*) FROM population") == 100
    assert await db.fetch_value("SELECT COUNT(*) FROM members") == demo.PANEL_SIZE
    statuses = {row["status"] for row in await db.fetch_all("SELECT DISTINCT status FROM members")}
    assert {"active", "left"} <= statuses
    assert await db.fetch_value("SELECT COUNT(*) FROM members WHERE consent_at IS NULL OR consent_version = ''") == 0
    assert await db.fetch_value(
        "SELECT COUNT(*) FROM members m WHERE NOT EXISTS"
        " (SELECT 1 FROM member_status_history h WHERE h.member_id = m.id)") == 0
    sample = Target(kind="sample", sample_size=50, seed=1)
    assert await count_recipients(db, sample, now=NOW) == 50
