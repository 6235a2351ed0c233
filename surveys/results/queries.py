"""All SQL of the results: aggregates counted by the database over indexes, never answer rows in Python.

The heart is the *cube*: answers counted per question, cell (district, age band, gender) and value, kept
as counters in `answer_counts` by the database's own triggers as answers arrive (migration 0009), and next to
it the invitations counted by cell and funnel step. A 10-question survey with 100,000 invitations has a few
thousand counter rows, and everything on the results page — funnel, distributions, breakdowns, weighted
estimates, trends — is summed from them. The response curve and median read one index; only the exports
and the free-text lists read answer rows, and they page through them.
"""

# ruff: noqa: S608 - the SQL below is joined from this module's constant fragments; every value is a bound parameter.
from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from itertools import pairwise

from panel.collation import swedish_key
from panel.db import Database, Row, Transaction
from surveys.results.weighting import Cell  # (district_code, age_band, gender)

# Upper bounds, in minutes after sending, of the response-curve buckets; later answers fall in a last one.
CURVE_MINUTES = (5, 15, 30, 60, 120, 360, 1440, 4320, 10080)
DONT_KNOW = "dont_know"


@dataclass(frozen=True)
class Funnel:
    invited: int
    sent: int
    delivered: int
    opened: int
    completed: int
    failed: int
    opted_out: int

    @property
    def response_rate(self) -> float | None:
        return self.completed / self.invited if self.invited else None


@dataclass
class Cube:
    """counts[question][cell][value] = answers; for multiple choice also the respondents per cell."""

    counts: dict[int, dict[Cell, dict[str, int]]]
    respondents: dict[int, dict[Cell, tuple[int, int]]]  # (substantive respondents, "don't know")


async def survey(db: Database, survey_id: int) -> Row | None:
    return await db.fetch_one("SELECT * FROM surveys WHERE id = ?", (survey_id,))


async def sent_survey_by_title(db: Database, title: str) -> int | None:
    value = await db.fetch_value(
        "SELECT id FROM surveys WHERE title = ? AND sent_at IS NOT NULL ORDER BY id LIMIT 1", (title,)
    )
    return None if value is None else int(value)


async def questions(db: Database, survey_id: int) -> list[Row]:
    return await db.fetch_all("SELECT * FROM questions WHERE survey_id = ? ORDER BY position", (survey_id,))


async def _invitation_counts(db: Database, survey_id: int) -> list[Row]:
    """The survey's invitations counted by cell, funnel step and state (kept by migration 0009's triggers)."""
    return await db.fetch_all(
        "SELECT district_code, age_band, gender, step, state, n FROM invitation_counts"
        " WHERE survey_id = ? AND n > 0",
        (survey_id,),
    )


async def funnel(db: Database, survey_id: int) -> Funnel:
    # Each step implies the ones before it (an SMS answer never "opens" the page, and a delivery receipt
    # may be lost), so a later step counts towards every earlier one and the funnel never widens.
    reached = [0] * 5  # invitations whose furthest step is 0 queued, 1 sent, 2 delivered, 3 opened, 4 completed
    by_state: dict[str, int] = {}
    for row in await _invitation_counts(db, survey_id):
        reached[row["step"]] += row["n"]
        by_state[row["state"]] = by_state.get(row["state"], 0) + row["n"]
    at_least = [sum(reached[step:]) for step in range(5)]
    return Funnel(invited=at_least[0], sent=at_least[1], delivered=at_least[2], opened=at_least[3],
                  completed=at_least[4], failed=by_state.get("failed", 0), opted_out=by_state.get("opted_out", 0))


_MINUTES = "FROM invitations WHERE survey_id = ? AND completed_at IS NOT NULL"  # over invitations_answer_minutes


async def response_curve(db: Database, survey_id: int) -> list[int]:
    """Completions per bucket of CURVE_MINUTES (plus one for later answers), not yet cumulative."""
    # A range count per bound, each a walk along invitations_answer_minutes, then the differences.
    up_to = ", ".join(f"(SELECT COUNT(*) {_MINUTES} AND answer_minutes <= ?)" for _ in CURVE_MINUTES)
    row = await db.fetch_one(
        f"SELECT {up_to}, (SELECT COUNT(*) {_MINUTES})",
        [*(value for bound in CURVE_MINUTES for value in (survey_id, bound)), survey_id],
    )
    assert row is not None  # a SELECT without FROM returns one row
    running = [int(value) for value in row]
    return [running[0], *(later - earlier for earlier, later in pairwise(running))]


async def median_minutes(db: Database, survey_id: int, completed: int) -> float | None:
    """Minutes from sending until half of the answers were in (SQLite has no MEDIAN: one step into the index)."""
    if completed <= 0:
        return None
    value = await db.fetch_value(
        f"SELECT answer_minutes {_MINUTES} ORDER BY answer_minutes LIMIT 1 OFFSET ?",
        (survey_id, (completed - 1) // 2),
    )
    return None if value is None else max(0.0, float(value))


async def cells(db: Database, survey_id: int) -> dict[Cell, tuple[int, int]]:
    """Invited and answered per cell."""
    found: dict[Cell, tuple[int, int]] = {}
    for row in await _invitation_counts(db, survey_id):
        cell = (row["district_code"], row["age_band"], row["gender"])
        invited, completed = found.get(cell, (0, 0))
        found[cell] = (invited + row["n"], completed + (row["n"] if row["step"] == 4 else 0))
    return found


async def cube(db: Database, survey_id: int) -> Cube:
    """The survey's answer counters, a few thousand rows at most."""
    rows = await db.fetch_all(
        "SELECT c.question_id, c.district_code, c.age_band, c.gender, c.value, c.n"
        " FROM questions q JOIN answer_counts c ON c.question_id = q.id WHERE q.survey_id = ? AND c.n > 0",
        (survey_id,),
    )
    counts: dict[int, dict[Cell, dict[str, int]]] = {}
    for r in rows:
        cell = (r["district_code"], r["age_band"], r["gender"])
        counts.setdefault(r["question_id"], {}).setdefault(cell, {})[r["value"]] = r["n"]
    rows = await db.fetch_all(
        "SELECT c.question_id, c.district_code, c.age_band, c.gender, c.base, c.dont_know"
        " FROM questions q JOIN answer_respondents c ON c.question_id = q.id"
        " WHERE q.survey_id = ? AND (c.base > 0 OR c.dont_know > 0)",
        (survey_id,),
    )
    respondents: dict[int, dict[Cell, tuple[int, int]]] = {}
    for r in rows:
        cell = (r["district_code"], r["age_band"], r["gender"])
        respondents.setdefault(r["question_id"], {})[cell] = (r["base"], r["dont_know"])
    return Cube(counts, respondents)


async def population(db: Database) -> dict[Cell, int]:
    rows = await db.fetch_all(
        "SELECT d.code, p.age_band, p.gender, p.count FROM population p JOIN districts d ON d.id = p.district_id"
    )
    return {(r["code"], r["age_band"], r["gender"]): r["count"] for r in rows}


async def district_names(db: Database) -> dict[str, str]:
    """District code -> name, in Swedish alphabetical order of the names (as the survey forms list them)."""
    rows = await db.fetch_all("SELECT code, name FROM districts")
    return {r["code"]: r["name"] for r in sorted(rows, key=lambda r: swedish_key(r["name"]))}


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def free_text(
    db: Database, question_id: int, *, search: str, limit: int, offset: int
) -> tuple[int, list[str]]:
    """One page of a free-text question's answers (newest first) and how many match `search` in all."""
    # CROSS JOIN keeps SQLite to this order: the question's answers by index, then each one's invitation
    # (left to itself it walks every completed invitation of the survey instead, three times slower).
    where = (
        " FROM answers a CROSS JOIN invitations i ON i.id = a.invitation_id"
        " WHERE a.question_id = ? AND i.completed_at IS NOT NULL AND a.value <> ? AND a.value LIKE ? ESCAPE '\\'"
    )
    params = (question_id, DONT_KNOW, _like(search))
    total = int(await db.fetch_value("SELECT COUNT(*)" + where, params) or 0)
    rows = await db.fetch_all(
        "SELECT a.value" + where + " ORDER BY a.id DESC LIMIT ? OFFSET ?", (*params, limit, offset)
    )
    return total, [r["value"] for r in rows]


async def earlier_questions(db: Database, question: Row, *, limit: int = 6) -> list[Row]:
    """The same question (same wording, kind and options) in sent surveys, oldest first, this one included."""
    rows = await db.fetch_all(
        "SELECT q.id, q.survey_id, s.title, s.title_en, s.sent_at FROM questions q JOIN surveys s ON s.id = q.survey_id"
        " WHERE q.text = ? AND q.kind = ? AND q.options = ? AND s.sent_at IS NOT NULL"
        " ORDER BY s.sent_at DESC LIMIT ?",
        (question["text"], question["kind"], question["options"], limit),
    )
    return list(reversed(rows))


async def distributions(db: Database, question_ids: list[int]) -> dict[int, dict[str, int]]:
    """Answers per value for each of `question_ids` (completed invitations only), for trends."""
    if not question_ids:
        return {}
    marks = ", ".join("?" for _ in question_ids)
    sql = (
        "SELECT question_id, value, SUM(n) AS n FROM answer_counts"
        f" WHERE question_id IN ({marks}) GROUP BY question_id, value HAVING SUM(n) > 0"
    )
    rows = await db.fetch_all(sql, question_ids)
    result: dict[int, dict[str, int]] = {qid: {} for qid in question_ids}
    for r in rows:
        result[r["question_id"]][r["value"]] = r["n"]
    return result


async def respondent_batches(
    db: Database, survey_id: int, *, batch: int = 500
) -> AsyncIterator[list[tuple[Row, list[Row]]]]:
    """Completed invitations with their answers, `batch` at a time (keyset paging, for exports).

    A survey's invitations are made in one transaction, so their ids are one run: the pages walk that run
    by primary key (the `+` keeps SQLite off the survey's indexes, which would sort every page anew).
    """
    bounds = await db.fetch_one("SELECT MIN(id), MAX(id) FROM invitations WHERE survey_id = ?", (survey_id,))
    if bounds is None or bounds[0] is None:
        return
    last, end = bounds[0] - 1, bounds[1]
    while True:
        people = await db.fetch_all(
            "SELECT id, district_code, age_band, gender FROM invitations"
            " WHERE id > ? AND id <= ? AND +survey_id = ? AND +completed_at IS NOT NULL ORDER BY id LIMIT ?",
            (last, end, survey_id, batch),
        )
        if not people:
            return
        last = people[-1]["id"]
        answers = await db.fetch_all(
            "SELECT a.invitation_id, a.question_id, a.value FROM invitations i JOIN answers a ON a.invitation_id = i.id"
            " WHERE i.id BETWEEN ? AND ? AND +i.survey_id = ? AND +i.completed_at IS NOT NULL"
            " ORDER BY a.invitation_id, a.question_id, a.value",
            (people[0]["id"], last, survey_id),
        )
        by_person: dict[int, list[Row]] = {}
        for answer in answers:
            by_person.setdefault(answer["invitation_id"], []).append(answer)
        yield [(person, by_person.get(person["id"], [])) for person in people]


# -- publication -------------------------------------------------------------------------------------


async def publication(db: Database, survey_id: int) -> Row | None:
    return await db.fetch_one("SELECT * FROM survey_publications WHERE survey_id = ?", (survey_id,))


async def sent_surveys(db: Database) -> list[Row]:
    return await db.fetch_all(
        "SELECT id, title, state, sent_at FROM surveys WHERE sent_at IS NOT NULL ORDER BY sent_at DESC, id DESC"
    )


async def published_surveys(db: Database) -> list[Row]:
    return await db.fetch_all(
        "SELECT s.id, s.title, s.title_en, s.state, s.sent_at, s.closed_at, p.published_at, p.summary"
        " FROM survey_publications p JOIN surveys s ON s.id = p.survey_id ORDER BY s.sent_at DESC, s.id DESC"
    )


async def publish(tx: Transaction, survey_id: int, user_id: int | None, summary: str, now: str) -> None:
    # Publishing again updates the summary but keeps the first publication time: links stay honest.
    await tx.execute(
        "INSERT INTO survey_publications (survey_id, published_at, published_by, summary) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (survey_id) DO UPDATE SET summary = excluded.summary",
        (survey_id, now, user_id, summary),
    )


async def unpublish(tx: Transaction, survey_id: int) -> bool:
    return await tx.execute("DELETE FROM survey_publications WHERE survey_id = ?", (survey_id,)) > 0
