"""The demo: surveys sent to the demo panel with answers arriving over time, seeded once."""

from __future__ import annotations

import random

from panel.clock import utcnow
from panel.db import Database
from panel.members import demo as members_demo
from surveys import demo


async def test_demo_seeds_a_closed_an_open_and_a_draft_survey_once(db: Database) -> None:
    now = utcnow()
    await members_demo.seed(db, random.Random(1), now)
    await demo.seed(db, random.Random(2), now, base_url="http://panel.example.se")
    await demo.seed(db, random.Random(3), now, base_url="http://panel.example.se")
    states = [r["state"] for r in await db.fetch_all("SELECT state FROM surveys ORDER BY id")]
    assert states == ["closed", "open", "draft"]
    members = await db.fetch_value("SELECT COUNT(*) FROM members WHERE status = 'active'")
    rows = await db.fetch_all(
        "SELECT survey_id, COUNT(*) AS invited, COUNT(completed_at) AS completed,"
        " SUM(julianday(completed_at) - julianday(sent_at) <= 30.0 / 1440) AS quick"
        " FROM invitations GROUP BY survey_id ORDER BY survey_id")
    for row in rows:
        assert row["invited"] == members
        assert 0.4 < row["completed"] / row["invited"] < 0.85  # a realistic response rate
        assert row["quick"] > row["completed"] / 2  # most answer within half an hour of the SMS
    link = await db.fetch_value("SELECT body FROM sms_messages WHERE purpose = 'invitation' LIMIT 1")
    assert "http://panel.example.se/s/" in link  # the demo's links lead to the demo's own address
    answered = await db.fetch_value("SELECT COUNT(DISTINCT invitation_id) FROM answers")
    assert answered == sum(row["completed"] for row in rows)
    assert await db.fetch_value("SELECT COUNT(*) FROM sms_messages WHERE state = 'queued'") == 0
