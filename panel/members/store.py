"""SQL of the member registry: members, districts, status history and consent texts.

Lists page by keyset (`id < ?` on the primary key, newest first) and counts read the status index, so the
staff pages cost the same at 200 members as at 100,000. Sign-ups, population and data-subject rights have
their own store modules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from panel.db import Database, Row, Transaction
from panel.members.forms import Details

Conn = Database | Transaction

_MEMBER = (
    "SELECT m.*, COALESCE(d.code, '') AS district_code, COALESCE(d.name, '') AS district_name "
    "FROM members m LEFT JOIN districts d ON d.id = m.district_id"
)


# -- districts -----------------------------------------------------------------------------------------


async def districts(conn: Conn) -> list[Row]:
    return await conn.fetch_all("SELECT id, code, name FROM districts ORDER BY name")


async def district_ids(conn: Conn) -> dict[str, int]:
    """District ids by code and by lower-cased name, so imports may use either."""
    rows = await districts(conn)
    found = {row["code"].lower(): row["id"] for row in rows}
    found.update({row["name"].lower(): row["id"] for row in rows})
    return found


async def upsert_district(tx: Transaction, code: str, name: str) -> int:
    await tx.execute(
        "INSERT INTO districts (code, name) VALUES (?, ?) ON CONFLICT (code) DO UPDATE SET name = excluded.name",
        (code, name),
    )
    return int(await tx.fetch_value("SELECT id FROM districts WHERE code = ?", (code,)))


# -- members -------------------------------------------------------------------------------------------


async def get_member(conn: Conn, member_id: int) -> Row | None:
    return await conn.fetch_one(f"{_MEMBER} WHERE m.id = ?", (member_id,))


async def member_by_phone(conn: Conn, phone: str) -> Row | None:
    return await conn.fetch_one(f"{_MEMBER} WHERE m.phone = ?", (phone,))


async def existing_phones(conn: Conn, phones: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(phones), 500):  # SQLite caps the number of parameters of one statement
        chunk = phones[start:start + 500]
        marks = ", ".join("?" for _ in chunk)
        rows = await conn.fetch_all(f"SELECT phone FROM members WHERE phone IN ({marks})", chunk)  # noqa: S608
        found.update(row["phone"] for row in rows)
    return found


async def insert_member(
    tx: Transaction, fields: Details, *, status: str, consent_version: str, consent_at: str | None,
    consent_channel: str, joined_at: str,
) -> int:
    return await tx.insert(
        "INSERT INTO members (phone, name, email, language, birth_year, gender, district_id, status,"
        " consent_version, consent_at, consent_channel, joined_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (fields.phone, fields.name, fields.email, fields.language, fields.birth_year, fields.gender,
         fields.district_id, status, consent_version, consent_at, consent_channel, joined_at),
    )


async def update_details(tx: Transaction, member_id: int, fields: Details) -> None:
    await tx.execute(
        "UPDATE members SET phone = ?, name = ?, email = ?, language = ?, birth_year = ?, gender = ?,"
        " district_id = ? WHERE id = ?",
        (fields.phone, fields.name, fields.email, fields.language, fields.birth_year, fields.gender,
         fields.district_id, member_id),
    )


async def renew_consent(
    tx: Transaction, member_id: int, *, version: str, at: str, channel: str
) -> None:
    """A member who signs up again gives consent again: the newest record is the one that counts."""
    await tx.execute(
        "UPDATE members SET consent_version = ?, consent_at = ?, consent_channel = ? WHERE id = ?",
        (version, at, channel, member_id),
    )


async def set_status(tx: Transaction, member_id: int, status: str, *, left_at: str | None) -> None:
    await tx.execute("UPDATE members SET status = ?, left_at = ? WHERE id = ?", (status, left_at, member_id))


async def add_history(
    tx: Transaction, member_id: int, status: str, *, at: str, channel: str, user_id: int | None, note: str
) -> None:
    await tx.execute(
        "INSERT INTO member_status_history (member_id, status, at, channel, user_id, note)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (member_id, status, at, channel, user_id, note[:500]),
    )


async def history(conn: Conn, member_id: int) -> list[Row]:
    return await conn.fetch_all(
        "SELECT h.*, COALESCE(u.display_name, u.username, '') AS user_name FROM member_status_history h"
        " LEFT JOIN users u ON u.id = h.user_id WHERE h.member_id = ? ORDER BY h.id DESC",
        (member_id,),
    )


async def invitations(conn: Conn, member_id: int, limit: int = 100) -> list[Row]:
    """The member's survey invitations, newest first (state only: answers stay apart from identities)."""
    return await conn.fetch_all(
        "SELECT i.id, i.state, i.created_at, i.completed_at, s.id AS survey_id, s.title FROM invitations i"
        " JOIN surveys s ON s.id = i.survey_id WHERE i.member_id = ? ORDER BY i.created_at DESC LIMIT ?",
        (member_id, limit),
    )


async def survey_stats(conn: Conn, member_id: int) -> tuple[int, str | None]:
    """How many surveys the member has received, and when the last one came."""
    row = await conn.fetch_one(
        "SELECT COUNT(*) AS n, MAX(created_at) AS last FROM invitations WHERE member_id = ?", (member_id,)
    )
    return (int(row["n"]), row["last"]) if row else (0, None)


# -- the staff list --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListFilter:
    status: str = ""
    district_id: int | None = None
    gender: str = ""
    language: str = ""
    search: str = ""  # a phone number (prefix, E.164) or part of a name or e-mail


def _list_where(flt: ListFilter) -> tuple[list[str], list[Any]]:
    parts: list[str] = []
    params: list[Any] = []
    if flt.status:
        parts.append("m.status = ?")
        params.append(flt.status)
    if flt.district_id is not None:
        parts.append("m.district_id = ?")
        params.append(flt.district_id)
    if flt.gender:
        parts.append("m.gender = ?")
        params.append(flt.gender)
    if flt.language:
        parts.append("m.language = ?")
        params.append(flt.language)
    if flt.search.startswith("+"):
        # A range on the unique phone index rather than LIKE, which would read every row.
        parts.append("m.phone >= ? AND m.phone < ?")
        params.extend((flt.search, flt.search + "\uffff"))
    elif flt.search:
        parts.append("(m.name LIKE ? ESCAPE '\\' OR m.email LIKE ? ESCAPE '\\')")
        pattern = "%" + flt.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        params.extend((pattern, pattern))
    return parts, params


async def list_members(db: Database, flt: ListFilter, *, before_id: int | None, limit: int) -> list[Row]:
    """One page of members, newest first, starting below `before_id`; one row more than `limit` tells
    the caller there is a next page."""
    parts, params = _list_where(flt)
    if before_id is not None:
        parts.append("m.id < ?")
        params.append(before_id)
    where = ("WHERE " + " AND ".join(parts)) if parts else ""
    return await db.fetch_all(f"{_MEMBER} {where} ORDER BY m.id DESC LIMIT ?", [*params, limit + 1])


async def count_by_status(db: Database) -> dict[str, int]:
    rows = await db.fetch_all("SELECT status, COUNT(*) AS n FROM members GROUP BY status")
    return {row["status"]: int(row["n"]) for row in rows}


# -- consent texts ---------------------------------------------------------------------------------------


async def current_consent(conn: Conn, language: str) -> Row | None:
    """The newest consent text in `language` (versions sort as text: '2026-1' < '2026-2')."""
    return await conn.fetch_one(
        "SELECT version, language, body FROM consent_texts WHERE language = ? ORDER BY version DESC LIMIT 1",
        (language,),
    )


async def consent_text(conn: Conn, version: str, language: str) -> Row | None:
    return await conn.fetch_one(
        "SELECT version, language, body, created_at FROM consent_texts WHERE version = ? AND language = ?",
        (version, language),
    )


async def member_id_by_invitation(conn: Conn, token: str) -> int | None:
    """The member a survey link belongs to, for the leave link on survey pages."""
    value = await conn.fetch_value("SELECT member_id FROM invitations WHERE token = ?", (token,))
    return int(value) if value is not None else None
