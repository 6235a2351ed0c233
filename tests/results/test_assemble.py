"""A survey's results put together: trends across surveys, and the demo's publication."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from panel.db import Database
from surveys.results import assemble, demo, queries
from tests.results import builders as b


async def _load(db: Database, survey_id: int) -> assemble.Results:
    results = await assemble.load(db, survey_id, language="sv", min_size=5, yes="Ja", no="Nej")
    assert results is not None
    return results


async def test_the_same_question_asked_again_makes_a_trend(db: Database) -> None:
    async with db.transaction() as tx:
        spring = await b.survey(tx, "Våren", sent=b.SENT - timedelta(days=180))
        autumn = await b.survey(tx, "Hösten")
        text = "Är du nöjd med snöröjningen?"
        old = await b.question(tx, spring, 1, "yes_no", text)
        new = await b.question(tx, autumn, 1, "yes_no", text)
        scale = await b.question(tx, autumn, 2, "scale_5", "Betyg?")
        for value in ("yes", "no", "no", "no"):
            await b.respondent(tx, spring, ("N", "18-29", "woman"), {old: value})
        for value in ("yes", "yes", "yes", "no"):
            await b.respondent(tx, autumn, ("N", "18-29", "woman"), {new: value, scale: "4"})
    results = await _load(db, autumn)
    await assemble.add_trends(db, results, language="sv")
    assert list(results.trends) == [new]  # the scale question was asked once: no trend
    points = [(p.title, p.base, p.shares["yes"]) for p in results.trends[new]]
    assert points == [("Våren", 4, 0.25), ("Hösten", 4, 0.75)]


async def test_unknown_survey_is_none(db: Database) -> None:
    assert await assemble.load(db, 404, language="sv", min_size=5, yes="Ja", no="Nej") is None


async def test_cumulative_curve_and_survey_margin(db: Database) -> None:
    async with db.transaction() as tx:
        sid = await b.survey(tx)
        for minutes in (2, 3, 20, 100):
            await b.invitation(tx, sid, minutes=minutes)
    results = await _load(db, sid)
    assert [running for _, running in results.cumulative_curve][:5] == [2, 2, 3, 3, 4]
    assert results.cumulative_curve[-1] == (None, 4)
    assert results.max_margin == pytest.approx(1.959964 * (0.25 / 4) ** 0.5, abs=1e-6)


async def test_demo_publishes_the_closed_demo_survey_once(db: Database) -> None:
    now = datetime(2026, 11, 25, 12, tzinfo=UTC)
    await demo.seed(db, random.Random(1), now)  # nothing to publish yet: no error
    async with db.transaction() as tx:
        sid = await b.survey(tx, demo.DEMO_SURVEY)
    await demo.seed(db, random.Random(1), now)
    await demo.seed(db, random.Random(1), now + timedelta(days=1))
    rows = await queries.published_surveys(db)
    assert [(r["id"], r["published_at"]) for r in rows] == [(sid, "2026-11-25T12:00:00.000Z")]


async def test_districts_come_in_swedish_order_in_every_breakdown_and_table(db: Database) -> None:
    names = {"OST": "Östra Kvarnbyn", "VAS": "Västerhamn", "ALV": "Älvsby", "ABY": "Åby", "CEN": "Centrum"}
    async with db.transaction() as tx:
        for code, name in names.items():
            await b.population(tx, await b.district(tx, code, name), "30-44", "woman", 100)
        sid = await b.survey(tx)
        q = await b.question(tx, sid, 1, "yes_no", "Trivs du?")
        for code in names:
            for _ in range(6):
                await b.respondent(tx, sid, (code, "30-44", "woman"), {q: "yes"})
        await b.respondent(tx, sid, ("", "30-44", "woman"), {q: "no"})
    results = await _load(db, sid)
    swedish = ["CEN", "VAS", "ABY", "ALV", "OST"]  # Centrum, Västerhamn, Åby, Älvsby, Östra Kvarnbyn
    assert list(results.district_names) == swedish
    assert [row.key for row in results.results[0].breakdowns[0].rows] == [*swedish, ""]  # unknown last
    assert [row.key for row in results.representation["district"]] == [*swedish, ""]
