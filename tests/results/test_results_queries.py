"""The results' SQL against a small database filled by hand: every count is known in advance."""

from __future__ import annotations

import pytest

from panel.db import Database
from surveys.results import queries
from tests.results import builders as b


async def test_funnel_counts_each_step_and_never_widens(db: Database) -> None:
    async with db.transaction() as tx:
        sid = await b.survey(tx)
        await b.invitation(tx, sid, state="queued")
        await b.invitation(tx, sid, state="failed")
        await b.invitation(tx, sid, state="sent")
        await b.invitation(tx, sid, state="delivered")
        await b.invitation(tx, sid, minutes=3)
        await b.invitation(tx, sid, minutes=30)
        other = await b.survey(tx, "En annan enkät")
        await b.invitation(tx, other, minutes=3)
    funnel = await queries.funnel(db, sid)
    assert (funnel.invited, funnel.sent, funnel.delivered, funnel.completed) == (6, 5, 3, 2)
    assert funnel.opened == 2  # completed without an open counts as opened
    assert funnel.failed == 1
    assert funnel.response_rate == pytest.approx(2 / 6)


async def test_funnel_of_a_survey_without_invitations(db: Database) -> None:
    async with db.transaction() as tx:
        sid = await b.survey(tx, sent=None, state="draft")
    funnel = await queries.funnel(db, sid)
    assert funnel.invited == 0
    assert funnel.response_rate is None


async def test_response_curve_buckets_and_median(db: Database) -> None:
    async with db.transaction() as tx:
        sid = await b.survey(tx)
        for minutes in (1, 4, 6, 14, 50, 3000, 20000):
            await b.invitation(tx, sid, minutes=minutes)
        await b.invitation(tx, sid)  # not answered
    curve = await queries.response_curve(db, sid)
    # buckets: <=5, <=15, <=30, <=60, <=120, <=360, <=1440, <=4320, <=10080, later
    assert curve == [2, 2, 0, 1, 0, 0, 0, 1, 0, 1]
    assert await queries.median_minutes(db, sid, 7) == pytest.approx(14, abs=0.01)
    assert await queries.median_minutes(db, sid, 0) is None


async def test_cube_counts_per_cell_and_value_and_leaves_out_unfinished_answers(db: Database) -> None:
    async with db.transaction() as tx:
        sid = await b.survey(tx)
        yes_no = await b.question(tx, sid, 1, "yes_no", "Bra?", dont_know=True)
        many = await b.question(tx, sid, 2, "multiple_choice", "Vad?", ["Buss", "Bil", "Cykel"], dont_know=True)
        text = await b.question(tx, sid, 3, "free_text", "Något mer?")
        north, south = ("N", "18-29", "woman"), ("S", "65-79", "man")
        await b.respondent(tx, sid, north, {yes_no: "yes", many: ["1", "3"], text: "Fler bussar"})
        await b.respondent(tx, sid, north, {yes_no: "yes", many: ["1"]})
        await b.respondent(tx, sid, south, {yes_no: "no", many: ["dont_know"]})
        await b.respondent(tx, sid, south, {yes_no: "dont_know", many: ["2", "3"]})
        unfinished = await b.invitation(tx, sid, south, state="delivered")
        await tx.execute(
            "INSERT INTO answers (invitation_id, question_id, value, answered_at) VALUES (?, ?, 'no', ?)",
            (unfinished, yes_no, "2026-10-01T09:00:00.000Z"),
        )
    cube = await queries.cube(db, sid)
    assert cube.counts[yes_no] == {north: {"yes": 2}, south: {"no": 1, "dont_know": 1}}
    assert cube.counts[many][north] == {"1": 2, "3": 1}
    assert text not in cube.counts
    assert cube.respondents[many] == {north: (2, 0), south: (1, 1)}
    assert yes_no not in cube.respondents
    assert await queries.cells(db, sid) == {north: (2, 2), south: (3, 2)}


async def test_population_by_district_code(db: Database) -> None:
    async with db.transaction() as tx:
        north = await b.district(tx, "N", "Norr")
        await b.population(tx, north, "18-29", "woman", 120)
        await b.population(tx, north, "18-29", "man", 110)
    assert await queries.population(db) == {("N", "18-29", "woman"): 120, ("N", "18-29", "man"): 110}
    assert await queries.district_names(db) == {"N": "Norr"}


async def test_free_text_pages_and_searches_literally(db: Database) -> None:
    async with db.transaction() as tx:
        sid = await b.survey(tx)
        q = await b.question(tx, sid, 1, "free_text", "Något mer?")
        for text in ("Fler bussar", "Bättre cykelbanor", "100% nöjd", "Bussen är sen", "dont_know"):
            await b.respondent(tx, sid, ("N", "18-29", "woman"), {q: text})
    total, page = await queries.free_text(db, q, search="", limit=2, offset=0)
    assert total == 4
    assert page == ["Bussen är sen", "100% nöjd"]
    total, page = await queries.free_text(db, q, search="buss", limit=10, offset=0)
    assert (total, page) == (2, ["Bussen är sen", "Fler bussar"])
    total, _ = await queries.free_text(db, q, search="0%", limit=10, offset=0)
    assert total == 1  # '%' is matched as a character, not as a wildcard


async def test_earlier_questions_find_the_same_wording_in_sent_surveys(db: Database) -> None:
    async with db.transaction() as tx:
        first = await b.survey(tx, "Våren", sent=b.SENT.replace(month=4))
        second = await b.survey(tx, "Hösten")
        draft = await b.survey(tx, "Utkast", sent=None, state="draft")
        old = await b.question(tx, first, 1, "yes_no", "Är du nöjd?")
        now = await b.question(tx, second, 1, "yes_no", "Är du nöjd?")
        await b.question(tx, draft, 1, "yes_no", "Är du nöjd?")
        await b.question(tx, first, 2, "scale_5", "Är du nöjd?")
        await b.respondent(tx, first, ("N", "18-29", "woman"), {old: "yes"})
        await b.respondent(tx, second, ("N", "18-29", "woman"), {now: "no"})
        await b.respondent(tx, second, ("N", "18-29", "man"), {now: "no"})
    row = await db.fetch_one("SELECT * FROM questions WHERE id = ?", (now,))
    assert row is not None
    matches = await queries.earlier_questions(db, row)
    assert [m["id"] for m in matches] == [old, now]
    assert await queries.distributions(db, [old, now]) == {old: {"yes": 1}, now: {"no": 2}}
    assert await queries.distributions(db, []) == {}


async def test_respondent_batches_page_through_completed_invitations(db: Database) -> None:
    async with db.transaction() as tx:
        sid = await b.survey(tx)
        q = await b.question(tx, sid, 1, "yes_no", "Bra?")
        for index in range(5):
            await b.respondent(tx, sid, ("N", "18-29", "woman"), {q: "yes" if index % 2 else "no"})
        await b.invitation(tx, sid)
    batches = [batch async for batch in queries.respondent_batches(db, sid, batch=2)]
    assert [len(batch) for batch in batches] == [2, 2, 1]
    assert [[a["value"] for a in answers] for batch in batches for _, answers in batch] == [
        ["no"], ["yes"], ["no"], ["yes"], ["no"]
    ]


async def test_publish_twice_keeps_one_row_and_the_first_time(db: Database) -> None:
    async with db.transaction() as tx:
        sid = await b.survey(tx)
        await queries.publish(tx, sid, None, "Första", "2026-11-01T10:00:00.000Z")
    async with db.transaction() as tx:
        await queries.publish(tx, sid, None, "Andra", "2026-11-02T10:00:00.000Z")
    rows = await queries.published_surveys(db)
    assert [(r["id"], r["summary"], r["published_at"]) for r in rows] == [(sid, "Andra", "2026-11-01T10:00:00.000Z")]
    async with db.transaction() as tx:
        assert await queries.unpublish(tx, sid)
        assert not await queries.unpublish(tx, sid)
    assert await queries.publication(db, sid) is None
