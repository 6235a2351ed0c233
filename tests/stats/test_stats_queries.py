"""Feedback statistics counted by SQL over a handful of hand-made cases."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from feedback import demo as feedback_demo
from feedback import demo_handling as feedback_demo_handling
from feedback.stats import demo, opendata, presentation, queries, report
from feedback.stats.periods import parse
from feedback.stats.queries import Scope
from panel import auth
from panel.clock import to_db
from panel.db import Database
from panel.members import demo as members_demo
from tests.stats.conftest import add_case, add_event

OCT = Scope("2026-10-01T00:00:00.000Z", "2026-11-01T00:00:00.000Z")
NOW = "2026-11-20T12:00:00.000Z"


async def fill(db: Database) -> None:
    async with db.transaction() as tx:
        # Answered after 24 h, first response after 2 h, on time.
        a = await add_case(tx, "2026-10-02T08:00:00.000Z", answered_at="2026-10-03T08:00:00.000Z",
                           answer_due_at="2026-10-10T08:00:00.000Z", state="answered")
        await add_event(tx, a, "2026-10-02T10:00:00.000Z", "completion_requested")
        await add_event(tx, a, "2026-10-03T08:00:00.000Z", "answered")
        # Answered after 240 h, late.
        b = await add_case(tx, "2026-10-05T08:00:00.000Z", category="park", kind="idea", channel="sms",
                           answered_at="2026-10-15T08:00:00.000Z", answer_due_at="2026-10-12T08:00:00.000Z",
                           state="answered")
        await add_event(tx, b, "2026-10-15T08:00:00.000Z", "answered")
        await add_event(tx, b, "2026-10-05T09:00:00.000Z", "assigned")  # not a response
        # Open and past its deadline: late, and overdue in the backlog.
        await add_case(tx, "2026-10-20T08:00:00.000Z", answer_due_at="2026-11-03T08:00:00.000Z")
        # Resolved at first contact.
        await add_case(tx, "2026-10-21T08:00:00.000Z", channel="phone", answered_directly=1, state="closed")
        # Secret: counted for staff, not published.
        await add_case(tx, "2026-10-22T08:00:00.000Z", secret=1, body="Hemligt")
        # A merged duplicate, and a case from September: never counted in October.
        await add_case(tx, "2026-10-23T08:00:00.000Z", merged_into_id=a)
        await add_case(tx, "2026-09-30T23:00:00.000Z", category="park")


async def test_volumes_leave_out_merged_duplicates_and_other_months(db: Database) -> None:
    await fill(db)
    assert await queries.volumes(db, OCT, "kind") == {"complaint": 4, "idea": 1}
    assert await queries.volumes(db, OCT, "channel") == {"web": 3, "sms": 1, "phone": 1}
    assert await queries.volumes(db, OCT, "category") == {"gata": 4, "park": 1}
    published = Scope(OCT.start, OCT.end, public=True)
    assert sum((await queries.volumes(db, published, "kind")).values()) == 4  # without the secret case
    one_department = Scope(OCT.start, OCT.end, department="Samhällsbyggnad")
    assert sum((await queries.volumes(db, one_department, "kind")).values()) == 5
    assert await queries.volumes(db, Scope(OCT.start, OCT.end, department="Utbildning"), "kind") == {}


async def test_deadlines_first_contact_and_medians(db: Database) -> None:
    await fill(db)
    totals = await queries.totals(db, OCT, NOW)
    assert (totals["cases"], totals["first_contact"], totals["answered"]) == (5, 1, 2)
    assert (totals["due"], totals["on_time"]) == (3, 1)  # a on time; b late; the open one past due
    assert await queries.median_hours_to_answer(db, OCT) == pytest.approx(24.0, abs=0.01)  # of 24 and 240
    assert await queries.median_hours_to_first_response(db, OCT) == pytest.approx(2.0, abs=0.01)  # of 2 and 240
    backlog = await queries.backlog(db, department="", public=False, now=NOW)
    assert (backlog["open"], backlog["overdue"]) == (3, 1)  # the open one, the secret one, September's


async def test_a_deadline_passed_without_an_answer_stays_missed_whatever_became_of_the_case(db: Database) -> None:
    """Waiting, rejected or open: past the deadline without an answer is a miss in the published record, so
    closing a late case cannot erase it. Today's backlog counts as overdue only what the inbox does."""
    past = "2026-10-16T21:59:59.999Z"
    async with db.transaction() as tx:
        await add_case(tx, "2026-10-02T08:00:00.000Z", state="waiting", answer_due_at=past)
        await add_case(tx, "2026-10-02T09:00:00.000Z", state="rejected", answer_due_at=past,
                       closed_at="2026-10-05T09:00:00.000Z")
        await add_case(tx, "2026-10-02T10:00:00.000Z", state="open", answer_due_at=past)
        await add_case(tx, "2026-10-02T11:00:00.000Z", state="answered", answer_due_at=past,
                       answered_at="2026-10-06T11:00:00.000Z")
    totals = await queries.totals(db, OCT, NOW)
    assert (totals["due"], totals["on_time"]) == (4, 1)
    assert (await queries.backlog(db, department="", public=False, now=NOW))["overdue"] == 1


async def test_the_report_compares_with_the_month_before(db: Database) -> None:
    await fill(db)
    period = parse("2026-10")
    assert period is not None
    stats = await report.load(db, period, department="", public=False, now=NOW)
    assert stats.cases == 5 and stats.previous_cases == 1
    assert not stats.ongoing  # October is over on NOW, 20 November
    assert stats.change == pytest.approx(4.0)
    assert stats.on_time_share == pytest.approx(1 / 3)
    assert stats.first_contact_share == pytest.approx(1 / 5)
    assert [(r.code, r.now, r.before) for r in stats.rising] == [("gata", 4, 0)]
    assert list(stats.by_month)[-1] == "2026-10" and len(stats.by_month) == 12
    assert stats.by_month["2026-09"] == 1
    texts = {e["text"] for e in stats.examples}
    assert "Trasig lampa" in texts and "Hemligt" not in texts
    public = await report.load(db, period, department="", public=True, now=NOW)
    assert public.cases == 4 and public.examples == []


def test_rising_orders_by_increase() -> None:
    rows = report.rising({"a": 5, "b": 9, "c": 2, "d": 3}, {"a": 1, "b": 6, "c": 2, "d": 0}, top=2)
    assert [(r.code, r.now - r.before) for r in rows] == [("a", 4), ("b", 3)]


async def test_publishing_a_period_twice_keeps_one_row(db: Database) -> None:
    async with db.transaction() as tx:
        await queries.publish(tx, "2026-10", None, NOW)
        await queries.publish(tx, "2026-10", None, NOW)
    assert [r["period"] for r in await queries.published_periods(db)] == ["2026-10"]
    assert await queries.is_published(db, "2026-10")
    async with db.transaction() as tx:
        await queries.unpublish(tx, "2026-10")
    assert not await queries.is_published(db, "2026-10")


async def test_demo_publishes_last_month_once(db: Database) -> None:
    now = datetime(2026, 11, 25, 12, tzinfo=UTC)
    await demo.seed(db, random.Random(1), now)
    await demo.seed(db, random.Random(1), now)
    assert [r["period"] for r in await queries.published_periods(db)] == ["2026-10"]


@pytest.mark.parametrize("now", [datetime(2026, 11, 25, 6, 30, tzinfo=UTC), datetime(2027, 3, 2, 9, 0, tzinfo=UTC)])
async def test_the_demo_publishes_a_month_with_response_times_and_a_deadline_record(db: Database,
                                                                                    now: datetime) -> None:
    async with db.transaction() as tx:
        await auth.create_user(tx, "handlaggare", "correct horse battery", "handler", "Hassan")
    for seeder in (members_demo, feedback_demo, feedback_demo_handling, demo):
        await seeder.seed(db, random.Random(2026), now, base_url="http://panel.example.se")
    [published] = await queries.published_periods(db)
    period = parse(published["period"])
    assert period is not None and period.end <= now.date()
    stats = await report.load(db, period, department="", public=True, now=to_db(now))
    assert stats.cases > 0
    assert stats.median_first_response_hours is not None and stats.median_first_response_hours > 0
    assert stats.median_answer_hours is not None and stats.median_answer_hours > 0
    assert stats.on_time_share is not None and stats.on_time_share > 0
    assert "–" not in presentation.duration(stats.median_answer_hours)
    # Every deadline is after the case came in, the ones the residents restarted included.
    assert await db.fetch_value("SELECT COUNT(*) FROM cases WHERE answer_due_at <= created_at") == 0
    assert await db.fetch_value("SELECT COUNT(*) FROM cases WHERE answer_due_at IS NOT NULL") > 0


async def test_volumes_by_district_with_unplaced_cases_apart(db: Database) -> None:
    async with db.transaction() as tx:
        await tx.execute("INSERT INTO districts (code, name) VALUES ('NOR', 'Norrby'), ('CEN', 'Centrum')")
        for created, district in [("2026-10-02T08:00:00.000Z", "NOR"), ("2026-10-03T08:00:00.000Z", "NOR"),
                                  ("2026-10-04T08:00:00.000Z", "CEN"), ("2026-10-05T08:00:00.000Z", "")]:
            await add_case(tx, created, district_code=district)
    assert await queries.volumes(db, OCT, "district") == {"NOR": 2, "CEN": 1, "": 1}
    stats = await report.load(db, parse("2026-10"), department="", public=True, now=NOW)
    chart = str(presentation.district_chart(stats).svg)
    assert "Norrby" in chart and "Ej angiven" in chart
    assert opendata.document(stats, municipality="Exempelby", base_url="")["by_district"] == {
        "Norrby": 2, "Centrum": 1, "ej angiven": 1}
