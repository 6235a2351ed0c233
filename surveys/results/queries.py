"""All SQL of the results: aggregates counted by the database over indexes, never answer rows in Python.

The heart is the *cube*: answers counted per question, cell (district, age band, gender) and value. A
10-question survey with 100,000 invitations gives at most a few thousand cube rows, and everything on the
results page — distributions, breakdowns, weighted estimates — is summed from it. Only the exports read
answer rows, and they page through them in batches.
"""

# ruff: noqa: S608 - the SQL below is joined from this module's constant fragments; every value is a bound parameter.
from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

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


async def funnel(db: Database, survey_id: int) -> Funnel:
    # Each step implies the ones before it (an SMS answer never "opens" the page, and a delivery receipt
    # may be lost), so a later step counts towards every earlier one and the funnel never widens.
    row = await db.fetch_one(
        "SELECT COUNT(*) AS invited,"
        " COUNT(completed_at) AS completed,"
        " SUM(opened_at IS NOT NULL OR started_at IS NOT NULL OR completed_at IS NOT NULL) AS opened,"
        " SUM(delivered_at IS NOT NULL OR opened_at IS NOT NULL OR started_at IS NOT NULL"
        "     OR completed_at IS NOT NULL) AS delivered,"
        " SUM(sent_at IS NOT NULL OR delivered_at IS NOT NULL OR opened_at IS NOT NULL"
        "     OR completed_at IS NOT NULL) AS sent,"
        " SUM(state = 'failed') AS failed, SUM(state = 'opted_out') AS opted_out"
        " FROM invitations WHERE survey_id = ?",
        (survey_id,),
    )
    assert row is not None  # an aggregate always returns one row
    return Funnel(*(int(row[name] or 0) for name in
                    ("invited", "sent", "delivered", "opened", "completed", "failed", "opted_out")))


_MINUTES = (
    "SELECT (julianday(i.completed_at) - julianday(COALESCE(i.sent_at, s.sent_at, i.created_at))) * 1440 AS m"
    " FROM invitations i JOIN surveys s ON s.id = i.survey_id"
    " WHERE i.survey_id = ? AND i.completed_at IS NOT NULL"
)


async def response_curve(db: Database, survey_id: int) -> list[int]:
    """Completions per bucket of CURVE_MINUTES (plus one for later answers), not yet cumulative."""
    case = " ".join(f"WHEN m <= ? THEN {index}" for index in range(len(CURVE_MINUTES)))
    rows = await db.fetch_all(
        f"SELECT CASE {case} ELSE {len(CURVE_MINUTES)} END AS bucket, COUNT(*) AS n"
        f" FROM ({_MINUTES}) GROUP BY bucket",
        (*CURVE_MINUTES, survey_id),
    )
    counts = [0] * (len(CURVE_MINUTES) + 1)
    for row in rows:
        counts[row["bucket"]] = row["n"]
    return counts


async def median_minutes(db: Database, survey_id: int, completed: int) -> float | None:
    """Minutes from sending until half of the answers were in (SQLite has no MEDIAN, so: ORDER BY, OFFSET)."""
    if completed <= 0:
        return None
    value = await db.fetch_value(f"{_MINUTES} ORDER BY m LIMIT 1 OFFSET ?", (survey_id, (completed - 1) // 2))
    return None if value is None else max(0.0, float(value))


async def cells(db: Database, survey_id: int) -> dict[Cell, tuple[int, int]]:
    """Invited and answered per cell, read from the invitations_results index alone."""
    rows = await db.fetch_all(
        "SELECT district_code, age_band, gender, COUNT(*) AS invited, COUNT(completed_at) AS completed"
        " FROM invitations WHERE survey_id = ? GROUP BY district_code, age_band, gender",
        (survey_id,),
    )
    return {(r["district_code"], r["age_band"], r["gender"]): (r["invited"], r["completed"]) for r in rows}


_ANSWERS = (
    " FROM invitations i JOIN answers a ON a.invitation_id = i.id JOIN questions q ON q.id = a.question_id"
    " WHERE i.survey_id = ? AND i.completed_at IS NOT NULL"
)


async def cube(db: Database, survey_id: int) -> Cube:
    rows = await db.fetch_all(
        "SELECT a.question_id, i.district_code, i.age_band, i.gender, a.value, COUNT(*) AS n"
        + _ANSWERS
        + " AND q.kind <> 'free_text'"
        " GROUP BY a.question_id, i.district_code, i.age_band, i.gender, a.value",
        (survey_id,),
    )
    counts: dict[int, dict[Cell, dict[str, int]]] = {}
    for r in rows:
        cell = (r["district_code"], r["age_band"], r["gender"])
        counts.setdefault(r["question_id"], {}).setdefault(cell, {})[r["value"]] = r["n"]
    # Multiple choice has a row per chosen option, so its respondents are counted apart. Driven from the
    # survey's multiple-choice questions (usually none), so it costs nothing when there are none.
    rows = await db.fetch_all(
        "SELECT a.question_id, i.district_code, i.age_band, i.gender,"
        " COUNT(DISTINCT CASE WHEN a.value <> ? THEN a.invitation_id END) AS base,"
        " COUNT(DISTINCT CASE WHEN a.value = ? THEN a.invitation_id END) AS dont_know"
        " FROM questions q JOIN answers a ON a.question_id = q.id JOIN invitations i ON i.id = a.invitation_id"
        " WHERE q.survey_id = ? AND q.kind = 'multiple_choice' AND i.completed_at IS NOT NULL"
        " GROUP BY a.question_id, i.district_code, i.age_band, i.gender",
        (DONT_KNOW, DONT_KNOW, survey_id),
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
    return {r["code"]: r["name"] for r in await db.fetch_all("SELECT code, name FROM districts ORDER BY name")}


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def free_text(
    db: Database, question_id: int, *, search: str, limit: int, offset: int
) -> tuple[int, list[str]]:
    """One page of a free-text question's answers (newest first) and how many match `search` in all."""
    where = (
        " FROM answers a JOIN invitations i ON i.id = a.invitation_id"
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
        "SELECT a.question_id, a.value, COUNT(*) AS n FROM answers a JOIN invitations i ON i.id = a.invitation_id"
        f" WHERE a.question_id IN ({marks}) AND i.completed_at IS NOT NULL GROUP BY a.question_id, a.value"
    )
    rows = await db.fetch_all(sql, question_ids)
    result: dict[int, dict[str, int]] = {qid: {} for qid in question_ids}
    for r in rows:
        result[r["question_id"]][r["value"]] = r["n"]
    return result


async def respondent_batches(
    db: Database, survey_id: int, *, batch: int = 500
) -> AsyncIterator[list[tuple[Row, list[Row]]]]:
    """Completed invitations with their answers, `batch` at a time (keyset paging, for exports)."""
    last = 0
    while True:
        people = await db.fetch_all(
            "SELECT id, district_code, age_band, gender FROM invitations"
            " WHERE survey_id = ? AND completed_at IS NOT NULL AND id > ? ORDER BY id LIMIT ?",
            (survey_id, last, batch),
        )
        if not people:
            return
        last = people[-1]["id"]
        answers = await db.fetch_all(
            "SELECT a.invitation_id, a.question_id, a.value FROM invitations i JOIN answers a ON a.invitation_id = i.id"
            " WHERE i.survey_id = ? AND i.completed_at IS NOT NULL AND i.id BETWEEN ? AND ?"
            " ORDER BY a.invitation_id, a.question_id, a.value",
            (survey_id, people[0]["id"], last),
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
