"""The SQL of case handling: the inbox, a case with its thread and history, decisions, merging and phrases
(the departments to choose from are `department_store.departments`; reminders and retention: `jobs_store`).

Every statement is parameterised; the inbox builds its WHERE clause from fixed fragments and binds every
value. Writers take a `Transaction` so a decision, its message, its event, its audit record and the reply in
the outbox commit together.
"""

from __future__ import annotations

from typing import Any

from panel.db import Row, Transaction

from .inbox_query import PAGE_SIZE, InboxQuery
from .store import Reader, overdue_sql

_SORT_COLUMNS = {
    # NULL deadlines (answered directly) sort last whichever way.
    "due": "c.answer_due_at IS NULL, c.answer_due_at {order}, c.id",
    "created": "c.created_at {order}, c.id {order}",
    "updated": "c.updated_at {order}, c.id {order}",
    "priority": "CASE c.priority WHEN 'high' THEN 3 WHEN 'normal' THEN 2 ELSE 1 END {order}, c.answer_due_at",
}
_CASE_COLUMNS = (
    "c.*, cat.name_sv AS category_sv, cat.name_en AS category_en, u.display_name AS assignee_name,"
    " u.username AS assignee_username, m.reference AS merged_into_reference, dist.name AS district_name,"
    " COALESCE(NULLIF(c.department, ''), cat.department, '') AS handling_department,"
    # Whose turn it is in the thread: 'in' means the resident wrote last.
    " (SELECT direction FROM case_messages lm WHERE lm.case_id = c.id AND lm.direction != 'note'"
    " ORDER BY lm.at DESC, lm.id DESC LIMIT 1) AS last_direction"
)
_CASE_JOINS = (
    " FROM cases c LEFT JOIN categories cat ON cat.id = c.category_id"
    " LEFT JOIN users u ON u.id = c.assignee_user_id LEFT JOIN cases m ON m.id = c.merged_into_id"
    " LEFT JOIN districts dist ON dist.code = c.district_code"
)


def _inbox_where(query: InboxQuery, viewer_id: int, now: str) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if query.state == "active":
        clauses.append("c.state IN ('new', 'open', 'waiting')")
    elif query.state != "all":
        clauses.append("c.state = ?")
        params.append(query.state)
    for column, value in (("c.kind", query.kind), ("c.channel", query.channel)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    if query.category is not None:
        clauses.append("c.category_id = ?")
        params.append(query.category)
    if query.department:
        clauses.append("COALESCE(NULLIF(c.department, ''), cat.department, '') = ?")
        params.append(query.department)
    if query.assignee == "none":
        clauses.append("c.assignee_user_id IS NULL")
    elif query.assignee:
        clauses.append("c.assignee_user_id = ?")
        params.append(viewer_id if query.assignee == "me" else int(query.assignee))
    if query.overdue:
        clauses.append(overdue_sql("c"))
        params.append(now)
    if query.text:
        clauses.append("(c.reference LIKE ? ESCAPE '\\' OR c.body LIKE ? ESCAPE '\\' OR c.subject LIKE ? ESCAPE '\\')")
        pattern = "%" + query.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        params += [pattern, pattern, pattern]
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


async def inbox(db: Reader, query: InboxQuery, viewer_id: int, now: str) -> tuple[list[Row], int]:
    """One page of the inbox and the number of cases matching the filters."""
    where, params = _inbox_where(query, viewer_id, now)
    total = int(await db.fetch_value(f"SELECT COUNT(*) {_CASE_JOINS}{where}", params))
    order = _SORT_COLUMNS[query.sort].format(order="DESC" if query.order == "desc" else "ASC")
    rows = await db.fetch_all(
        f"SELECT {_CASE_COLUMNS} {_CASE_JOINS}{where} ORDER BY {order} LIMIT ? OFFSET ?",
        [*params, PAGE_SIZE, query.offset],
    )
    return rows, total


async def inbox_counts(db: Reader, viewer_id: int, now: str) -> Row:
    """The numbers on the inbox's quick links."""
    row = await db.fetch_one(
        "SELECT SUM(c.state IN ('new', 'open', 'waiting')) AS active, SUM(c.state = 'new') AS new,"  # noqa: S608
        f" SUM({overdue_sql('c')}) AS overdue,"
        " SUM(c.state IN ('new', 'open', 'waiting') AND c.assignee_user_id = ?) AS mine,"
        " SUM(c.state IN ('new', 'open', 'waiting') AND c.assignee_user_id IS NULL) AS unassigned FROM cases c",
        (now, viewer_id),
    )
    assert row is not None  # an aggregate always returns a row
    return row


async def case_detail(db: Reader, case_id: int) -> Row | None:
    return await db.fetch_one(f"SELECT {_CASE_COLUMNS} {_CASE_JOINS} WHERE c.id = ?", (case_id,))


async def tracking_facts(db: Reader, case_id: int) -> Row | None:
    """What the resident's tracking page shows of their own case besides its state: the category and the place
    they gave (no assignee, department or anything internal)."""
    return await db.fetch_one(
        "SELECT cat.name_sv AS category_sv, cat.name_en AS category_en, c.location_text, c.latitude, c.longitude,"
        " dist.name AS district_name FROM cases c LEFT JOIN categories cat ON cat.id = c.category_id"
        " LEFT JOIN districts dist ON dist.code = c.district_code WHERE c.id = ?",
        (case_id,),
    )


async def contact(db: Reader, case_id: int) -> Row | None:
    return await db.fetch_one("SELECT * FROM case_contacts WHERE case_id = ?", (case_id,))


async def thread(db: Reader, case_id: int, *, public: bool = False) -> list[Row]:
    """The messages after the first text, oldest first; the public thread leaves internal notes out."""
    sql = (
        "SELECT m.*, u.display_name AS author_name FROM case_messages m"
        " LEFT JOIN users u ON u.id = m.author_user_id WHERE m.case_id = ?"
    )
    if public:
        sql += " AND m.direction != 'note'"
    return await db.fetch_all(sql + " ORDER BY m.at, m.id", (case_id,))


async def events(db: Reader, case_id: int) -> list[Row]:
    return await db.fetch_all(
        "SELECT e.*, u.display_name AS user_name FROM case_events e LEFT JOIN users u ON u.id = e.user_id"
        " WHERE e.case_id = ? ORDER BY e.at, e.id",
        (case_id,),
    )


async def attachments(db: Reader, case_id: int) -> list[Row]:
    return await db.fetch_all(
        "SELECT id, filename, content_type, size FROM case_attachments WHERE case_id = ? ORDER BY id", (case_id,)
    )


async def attachment(db: Reader, case_id: int, attachment_id: int) -> Row | None:
    return await db.fetch_one(
        "SELECT filename, content_type, data FROM case_attachments WHERE case_id = ? AND id = ?",
        (case_id, attachment_id),
    )


async def handlers(db: Reader) -> list[Row]:
    """Staff who can be given a case."""
    return await db.fetch_all(
        "SELECT id, username, display_name FROM users WHERE active = 1 AND role IN ('handler', 'admin')"
        " ORDER BY display_name, username"
    )


async def user_name(db: Reader, user_id: int) -> str:
    row = await db.fetch_one("SELECT display_name, username FROM users WHERE id = ?", (user_id,))
    return "" if row is None else str(row["display_name"] or row["username"])


async def categories(db: Reader) -> list[Row]:
    return await db.fetch_all("SELECT id, code, name_sv, name_en FROM categories ORDER BY name_sv")


# -- changes ---------------------------------------------------------------------------------------------


async def add_event(tx: Transaction, case_id: int, at: str, kind: str, detail: str = "",
                    user_id: int | None = None) -> None:
    await tx.execute(
        "INSERT INTO case_events (case_id, at, user_id, kind, detail) VALUES (?, ?, ?, ?, ?)",
        (case_id, at, user_id, kind, detail),
    )


async def add_message(tx: Transaction, case_id: int, at: str, *, direction: str, channel: str, body: str,
                      author_user_id: int | None = None, external_id: str | None = None) -> int | None:
    """Store a thread message; None when one with the same external id is already there."""
    return await tx.fetch_value(
        "INSERT INTO case_messages (case_id, at, direction, channel, author_user_id, body, external_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (external_id) DO NOTHING RETURNING id",
        (case_id, at, direction, channel, author_user_id, body, external_id),
    )


async def change_state(tx: Transaction, case_id: int, state: str, at: str, *, expected_updated_at: str | None
                       = None) -> bool:
    """Move a case to `state`; with `expected_updated_at`, only if nobody changed it since (False if they did)."""
    sql = (
        "UPDATE cases SET state = ?, updated_at = ?,"
        " answered_at = CASE WHEN ? = 'answered' THEN ? ELSE answered_at END,"
        " closed_at = CASE WHEN ? IN ('closed', 'rejected') THEN ? WHEN ? = 'open' THEN NULL ELSE closed_at END"
        " WHERE id = ?"
    )
    params: list[Any] = [state, at, state, at, state, at, state, case_id]
    if expected_updated_at is not None:
        sql += " AND updated_at = ?"
        params.append(expected_updated_at)
    return await tx.execute(sql, params) == 1


async def claim(tx: Transaction, case_id: int, at: str, expected_updated_at: str) -> bool:
    """Mark the case as changed now, if nobody else changed it since the handler's form was drawn."""
    changed = await tx.execute(
        "UPDATE cases SET updated_at = ? WHERE id = ? AND updated_at = ?", (at, case_id, expected_updated_at)
    )
    return changed == 1


async def set_fields(tx: Transaction, case_id: int, at: str, **values: Any) -> None:
    """Update handling fields (assignee, priority, department, secrecy, deadline); names are fixed below."""
    allowed = {"assignee_user_id", "priority", "department", "secret", "answer_due_at", "resolved",
               "merged_into_id"}
    assert set(values) <= allowed, values  # column names are code, never input
    assignments = ", ".join(f"{name} = ?" for name in values)
    await tx.execute(
        f"UPDATE cases SET {assignments}, updated_at = ? WHERE id = ?",  # noqa: S608
        [*values.values(), at, case_id],
    )


async def answer_days(db: Reader, case_id: int) -> int | None:
    """The category's answer time in working days; None when the case has no category."""
    value = await db.fetch_value(
        "SELECT cat.answer_days FROM cases c JOIN categories cat ON cat.id = c.category_id WHERE c.id = ?",
        (case_id,),
    )
    return None if value is None else int(value)


async def open_if_new(tx: Transaction, case_id: int, at: str) -> None:
    """A case someone took on is no longer new."""
    await tx.execute("UPDATE cases SET state = 'open', updated_at = ? WHERE id = ? AND state = 'new'", (at, case_id))


async def merged_duplicates(db: Reader, case_id: int) -> list[Row]:
    return await db.fetch_all(
        "SELECT id, reference, tracking_token, channel, created_at FROM cases WHERE merged_into_id = ? ORDER BY id",
        (case_id,),
    )


async def similar_candidates(db: Reader, case_id: int, since: str, *, limit: int = 300) -> list[Row]:
    """Recent cases, not merged away, that the case could be a duplicate of (or the other way round)."""
    return await db.fetch_all(
        "SELECT id, reference, state, created_at, subject, body, location_text, latitude, longitude FROM cases"
        " WHERE id != ? AND created_at >= ? AND merged_into_id IS NULL ORDER BY created_at DESC LIMIT ?",
        (case_id, since, limit),
    )


# -- phrases -----------------------------------------------------------------------------------------------


async def phrases(db: Reader, category_id: int | None = None) -> list[Row]:
    """The phrases of a category and the general ones; all of them when no category is given."""
    sql = (
        "SELECT p.*, cat.name_sv AS category_sv, cat.name_en AS category_en FROM case_phrases p"
        " LEFT JOIN categories cat ON cat.id = p.category_id"
    )
    if category_id is not None:
        return await db.fetch_all(sql + " WHERE p.category_id IS NULL OR p.category_id = ? ORDER BY p.title",
                                  (category_id,))
    return await db.fetch_all(sql + " ORDER BY cat.name_sv IS NOT NULL, cat.name_sv, p.title")


async def phrase(db: Reader, phrase_id: int) -> Row | None:
    """One phrase with its category's code (NULL for a general phrase)."""
    return await db.fetch_one(
        "SELECT p.*, cat.code AS category_code FROM case_phrases p LEFT JOIN categories cat ON cat.id = p.category_id"
        " WHERE p.id = ?",
        (phrase_id,),
    )


async def add_phrase(tx: Transaction, category_id: int | None, title: str, body: str, user_id: int,
                     at: str) -> int | None:
    """The new phrase's id; None when the category already has a phrase with that title."""
    new_id = await tx.fetch_value(
        "INSERT INTO case_phrases (category_id, title, body, created_by, created_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT DO NOTHING RETURNING id",
        (category_id, title, body, user_id, at),
    )
    return None if new_id is None else int(new_id)


async def delete_phrase(tx: Transaction, phrase_id: int) -> bool:
    return await tx.execute("DELETE FROM case_phrases WHERE id = ?", (phrase_id,)) == 1
