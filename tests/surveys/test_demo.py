"""The demo: surveys sent to the demo panel with answers arriving over time, seeded once."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from panel.clock import STOCKHOLM, from_db, local, utcnow
from panel.db import Database
from panel.members import demo as members_demo
from sms.schedule import QuietHours
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


async def test_demo_surveys_go_out_at_ten_and_close_at_eight_in_the_evening(db: Database) -> None:
    now = datetime(2026, 11, 25, 6, 41, tzinfo=UTC)  # 07:41 in Stockholm: "three hours ago" is in the night
    await members_demo.seed(db, random.Random(1), now)
    await demo.seed(db, random.Random(2), now, base_url="http://panel.example.se")
    rows = await db.fetch_all("SELECT title, sent_at, closes_at FROM surveys ORDER BY id")
    for row in rows:
        closes = local(row["closes_at"])
        assert closes is not None and f"{closes:%H:%M}" == "20:00", row["title"]
        if row["sent_at"] is not None:
            sent = local(row["sent_at"])
            assert sent is not None and f"{sent:%H:%M}" == "10:00" and sent <= now, row["title"]
    parks = next(row for row in rows if row["title"] == "Parker och grönområden")
    assert local(parks["sent_at"]) == datetime(2026, 11, 24, 10, 0, tzinfo=STOCKHOLM)  # yesterday, not 04:41
    bodies = [r["body"] for r in await db.fetch_all("SELECT body FROM sms_messages WHERE purpose = 'invitation'")]
    assert bodies and all(" 20:00: http://panel.example.se/s/" in body for body in bodies)
    assert any("Svara senast 1 december 20:00" in body for body in bodies)
    quiet = QuietHours.parse("20:00-08:00")  # the default quiet hours
    assert quiet is not None
    sms_sent = [from_db(r["sent_at"]) for r in await db.fetch_all("SELECT sent_at FROM invitations")]
    assert sms_sent and not any(quiet.contains(moment) for moment in sms_sent)


def test_sending_and_closing_times_keep_to_local_time_across_the_clock_change() -> None:
    after_change = datetime(2026, 3, 29, 12, 0, tzinfo=UTC)  # summer time began that night
    sent = demo.sending_time(after_change, timedelta(hours=3))
    assert sent.astimezone(STOCKHOLM) == datetime(2026, 3, 29, 10, 0, tzinfo=STOCKHOLM)
    closes = demo.closing_time(datetime(2026, 3, 25, 9, 0, tzinfo=UTC), timedelta(days=7))
    assert closes.astimezone(STOCKHOLM) == datetime(2026, 4, 1, 20, 0, tzinfo=STOCKHOLM)
