"""All SQL of the feedback statistics: counts, medians and shares computed by the database.

Every query takes a `Scope`: a period of creation times, optionally one department (a committee's
report), and whether the figures are for publication — then cases under secrecy review are left out.
Merged duplicates are never counted: the case they were merged into already is.
"""

# ruff: noqa: S608 - the SQL below is joined from this module's constant fragments; every value is a bound parameter.
from __future__ import annotations

from dataclasses import dataclass

# The departments a report may be for are the ones staff choose from everywhere; `department_store` keeps that
# query. The name is re-exported for the JSON API (panel.api), which reads the statistics through this module.
from feedback.department_store import departments as departments
from feedback.store import overdue_sql
from panel.db import Database, Row, Transaction

# The decisions that give the resident an answer or a question back: the first of them is the first response.
RESPONSE_EVENTS = ("answered", "completion_requested", "rejected", "closed")
OPEN_STATES = ("new", "open", "waiting")


@dataclass(frozen=True)
class Scope:
    start: str  # UTC text, inclusive
    end: str  # UTC text, exclusive
    department: str = ""  # "" = every department
    public: bool = False


_WHERE = (
    " WHERE c.created_at >= ? AND c.created_at < ? AND c.merged_into_id IS NULL"
    " AND (? = '' OR c.department = ?) AND (? = 0 OR c.secret = 0)"
)


def _p(scope: Scope) -> tuple[str, str, str, str, int]:
    return scope.start, scope.end, scope.department, scope.department, int(scope.public)


# The only columns a volume may be grouped by; the SQL is chosen from this table, never built from input.
_GROUPINGS = {
    "kind": "SELECT c.kind AS key, COUNT(*) AS n FROM cases c" + _WHERE + " GROUP BY c.kind ORDER BY n DESC",
    "channel": "SELECT c.channel AS key, COUNT(*) AS n FROM cases c" + _WHERE + " GROUP BY c.channel ORDER BY n DESC",
    "district": (
        "SELECT c.district_code AS key, COUNT(*) AS n FROM cases c" + _WHERE
        + " GROUP BY c.district_code ORDER BY n DESC"
    ),
    "category": (
        "SELECT COALESCE(k.code, '') AS key, COUNT(*) AS n FROM cases c LEFT JOIN categories k ON k.id = c.category_id"
        + _WHERE + " GROUP BY k.code ORDER BY n DESC"
    ),
    "month": (
        "SELECT substr(c.created_at, 1, 7) AS key, COUNT(*) AS n FROM cases c" + _WHERE + " GROUP BY key ORDER BY key"
    ),
}


async def volumes(db: Database, scope: Scope, by: str) -> dict[str, int]:
    """Cases per kind, channel, district or category (code), or month ("2026-10", UTC), largest first."""
    rows = await db.fetch_all(_GROUPINGS[by], _p(scope))
    return {r["key"]: r["n"] for r in rows}


async def totals(db: Database, scope: Scope, now: str) -> Row:
    """Cases, those resolved at first contact, and the answer deadline record of the period's cases.

    A deadline counts once it is settled: answered (on time or late), or passed without an answer — whatever
    became of the case since (closed, rejected or waiting for the resident): closing a late case must not
    erase the miss from the published record. The inbox's "overdue now" (`feedback.store.overdue_sql`) is a
    different question, about today's backlog.
    """
    row = await db.fetch_one(
        "SELECT COUNT(*) AS cases,"
        " COALESCE(SUM(c.answered_directly), 0) AS first_contact,"
        " COUNT(c.answered_at) AS answered,"
        " COALESCE(SUM(c.answer_due_at IS NOT NULL AND (c.answered_at IS NOT NULL OR c.answer_due_at < ?)), 0)"
        "   AS due,"
        " COALESCE(SUM(c.answer_due_at IS NOT NULL AND c.answered_at IS NOT NULL"
        "   AND c.answered_at <= c.answer_due_at), 0) AS on_time"
        " FROM cases c" + _WHERE,
        (now, *_p(scope)),
    )
    assert row is not None  # an aggregate always returns a row
    return row


async def _median(db: Database, hours_sql: str, params: tuple[object, ...]) -> float | None:
    """The median of a column `h` (SQLite has no MEDIAN: count, then read the middle row; the lower one of two)."""
    count = int(await db.fetch_value(f"SELECT COUNT(*) FROM ({hours_sql})", params) or 0)
    if count == 0:
        return None
    middle = (count - 1) // 2
    value = await db.fetch_value(f"SELECT h FROM ({hours_sql}) ORDER BY h LIMIT 1 OFFSET ?", (*params, middle))
    return None if value is None else max(0.0, float(value))


_ANSWER_HOURS = (
    "SELECT (julianday(c.answered_at) - julianday(c.created_at)) * 24 AS h FROM cases c"
    + _WHERE + " AND c.answered_at IS NOT NULL AND c.answered_directly = 0"
)
_FIRST_RESPONSE_HOURS = (
    "SELECT (julianday(MIN(e.at)) - julianday(c.created_at)) * 24 AS h FROM cases c"
    " JOIN case_events e ON e.case_id = c.id AND e.kind IN (?, ?, ?, ?)"
    + _WHERE + " AND c.answered_directly = 0 GROUP BY c.id"
)


async def median_hours_to_answer(db: Database, scope: Scope) -> float | None:
    return await _median(db, _ANSWER_HOURS, _p(scope))


async def median_hours_to_first_response(db: Database, scope: Scope) -> float | None:
    return await _median(db, _FIRST_RESPONSE_HOURS, (*RESPONSE_EVENTS, *_p(scope)))


async def backlog(db: Database, *, department: str, public: bool, now: str) -> Row:
    """Open cases today (whenever they came in) and how many of them are overdue: the inbox's definition
    (`feedback.store.overdue_sql`), so a case waiting for the resident's completion is open but not overdue."""
    row = await db.fetch_one(
        f"SELECT COUNT(*) AS open, COALESCE(SUM({overdue_sql('c')}), 0) AS overdue FROM cases c"
        " WHERE c.state IN (?, ?, ?) AND c.merged_into_id IS NULL AND (? = '' OR c.department = ?)"
        " AND (? = 0 OR c.secret = 0)",
        (now, *OPEN_STATES, department, department, int(public)),
    )
    assert row is not None
    return row


async def examples(db: Database, scope: Scope, *, limit: int = 5) -> list[Row]:
    """Recent cases to give the figures a face; never secret ones. Their text is masked by the caller."""
    return await db.fetch_all(
        "SELECT c.reference, c.kind, c.channel, c.subject, c.body, c.created_at, c.state,"
        " COALESCE(k.name_sv, '') AS category_sv, COALESCE(k.name_en, '') AS category_en"
        " FROM cases c LEFT JOIN categories k ON k.id = c.category_id"
        + _WHERE + " AND c.secret = 0 ORDER BY c.created_at DESC LIMIT ?",
        (*_p(scope), limit),
    )


async def categories(db: Database) -> dict[str, tuple[str, str]]:
    """Category code -> (Swedish name, English name)."""
    rows = await db.fetch_all("SELECT code, name_sv, name_en FROM categories ORDER BY name_sv")
    return {r["code"]: (r["name_sv"], r["name_en"]) for r in rows}


async def district_names(db: Database) -> dict[str, str]:
    rows = await db.fetch_all("SELECT code, name FROM districts")
    return {r["code"]: r["name"] for r in rows}


# -- publication -------------------------------------------------------------------------------------


async def published_periods(db: Database) -> list[Row]:
    return await db.fetch_all("SELECT * FROM statistics_publications ORDER BY period DESC")


async def is_published(db: Database, period: str) -> bool:
    return await db.fetch_one("SELECT 1 FROM statistics_publications WHERE period = ?", (period,)) is not None


async def publish(tx: Transaction, period: str, user_id: int | None, now: str) -> None:
    await tx.execute(
        "INSERT INTO statistics_publications (period, published_at, published_by) VALUES (?, ?, ?)"
        " ON CONFLICT (period) DO NOTHING",
        (period, now, user_id),
    )


async def unpublish(tx: Transaction, period: str) -> None:
    await tx.execute("DELETE FROM statistics_publications WHERE period = ?", (period,))
