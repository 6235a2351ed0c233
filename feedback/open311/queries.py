"""The SQL of the Open311 API's reads: which cases are published there, filtered as the spec allows.

Published through Open311 are fault reports and whatever came in through Open311, unless a case is under
secrecy review. Complaints, ideas and questions from other channels often concern people rather than
places, so they stay off the open API; they are public documents on request, not data to harvest.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from panel.db import Row

from ..store import Reader

PUBLISHED = "c.secret = 0 AND (c.kind = 'fault_report' OR c.channel = 'open311')"
CLOSED_STATES = ("answered", "closed", "rejected")
_COLUMNS = (
    "c.id, c.reference, c.state, c.body, c.location_text, c.latitude, c.longitude, c.created_at,"
    " c.updated_at, c.answer_due_at, c.department, c.tracking_token, g.code AS service_code,"
    " g.name_sv AS service_name"
)
LIMIT = 1000  # the spec's default response volume


@dataclass
class RequestFilter:
    references: list[str] = field(default_factory=list)
    service_codes: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)  # "open" / "closed"
    start: str = ""  # UTC text, inclusive
    end: str = ""  # UTC text, inclusive


def _marks(values: list[str]) -> str:
    return ", ".join("?" for _ in values)


async def service_requests(conn: Reader, wanted: RequestFilter) -> list[Row]:
    # Only '?' marks and fixed fragments are formatted into the SQL below; every value is a parameter.
    sql = f"SELECT {_COLUMNS} FROM cases c LEFT JOIN categories g ON g.id = c.category_id WHERE {PUBLISHED}"  # noqa: S608
    params: list[str | int] = []
    if wanted.references:  # the spec: service_request_id overrides all other arguments
        sql += f" AND c.reference IN ({_marks(wanted.references)})"
        params += wanted.references
    else:
        if wanted.service_codes:
            sql += f" AND g.code IN ({_marks(wanted.service_codes)})"
            params += wanted.service_codes
        if wanted.statuses and set(wanted.statuses) != {"open", "closed"}:
            negate = "" if "closed" in wanted.statuses else "NOT "
            sql += f" AND c.state {negate}IN ({_marks(list(CLOSED_STATES))})"
            params += CLOSED_STATES
        if wanted.start:
            sql += " AND c.created_at >= ?"
            params.append(wanted.start)
        if wanted.end:
            sql += " AND c.created_at <= ?"
            params.append(wanted.end)
    sql += " ORDER BY c.created_at DESC LIMIT ?"
    params.append(LIMIT)
    return await conn.fetch_all(sql, params)


async def service_request(conn: Reader, reference: str) -> Row | None:
    rows = await service_requests(conn, RequestFilter(references=[reference]))
    return rows[0] if rows else None


async def open311_case_of_token(conn: Reader, token: str) -> Row | None:
    return await conn.fetch_one(
        "SELECT reference FROM cases WHERE tracking_token = ? AND channel = 'open311'", (token,)
    )
