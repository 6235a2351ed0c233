"""SQL for survey targets: which active members a target reaches, and the population it is weighed by.

The WHERE clause is assembled from fixed fragments; every value goes in as a parameter. Fatigue rules read
`invitations` through the index on (member_id, created_at), so counting stays fast at 100,000 members.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Protocol

from panel.clock import to_db
from panel.db import Row
from panel.members.vocab import birth_years


class Reader(Protocol):
    """What both `Database` and `Transaction` offer for reads."""

    async def fetch_all(self, sql: str, params: Any = ()) -> list[Row]: ...

    async def fetch_value(self, sql: str, params: Any = ()) -> Any: ...


def _marks(values: tuple[Any, ...]) -> str:
    return ", ".join("?" for _ in values)


def where_clause(
    *,
    district_codes: tuple[str, ...],
    age_bands: tuple[str, ...],
    genders: tuple[str, ...],
    languages: tuple[str, ...],
    skip_recent_days: int | None,
    max_surveys: int | None,
    period_days: int | None,
    now: datetime,
) -> tuple[str, list[Any]]:
    """The WHERE of a target over `members m` joined to `districts d`, and its parameters."""
    parts = ["m.status = 'active'"]
    params: list[Any] = []
    if district_codes:
        parts.append(f"d.code IN ({_marks(district_codes)})")
        params.extend(district_codes)
    if age_bands:
        ranges = []
        today: date = now.date()
        for band in age_bands:
            oldest, youngest = birth_years(band, today)
            ranges.append("m.birth_year BETWEEN ? AND ?")
            params.extend((oldest, youngest))
        parts.append("(" + " OR ".join(ranges) + ")")
    if genders:
        parts.append(f"m.gender IN ({_marks(genders)})")
        params.extend(genders)
    if languages:
        parts.append(f"m.language IN ({_marks(languages)})")
        params.extend(languages)
    if skip_recent_days:
        parts.append(
            "NOT EXISTS (SELECT 1 FROM invitations i WHERE i.member_id = m.id AND i.created_at >= ?)"
        )
        params.append(to_db(now - timedelta(days=skip_recent_days)))
    if max_surveys is not None and period_days:
        parts.append(
            "(SELECT COUNT(*) FROM invitations i WHERE i.member_id = m.id AND i.created_at >= ?) < ?"
        )
        params.extend((to_db(now - timedelta(days=period_days)), max_surveys))
    return " AND ".join(parts), params


_FROM = "FROM members m LEFT JOIN districts d ON d.id = m.district_id"


async def eligible_members(conn: Reader, where: str, params: list[Any]) -> list[Row]:
    sql = (
        "SELECT m.id, m.phone, m.name, m.language, m.birth_year, m.gender,"
        f" COALESCE(d.code, '') AS district_code {_FROM} WHERE {where} ORDER BY m.id"
    )
    return await conn.fetch_all(sql, params)


async def count_eligible(conn: Reader, where: str, params: list[Any]) -> int:
    return int(await conn.fetch_value(f"SELECT COUNT(*) {_FROM} WHERE {where}", params) or 0)


async def population_cells(conn: Reader) -> list[Row]:
    """Population counts as (district_code, age_band, gender, count)."""
    return await conn.fetch_all(
        "SELECT d.code AS district_code, p.age_band, p.gender, p.count "
        "FROM population p JOIN districts d ON d.id = p.district_id"
    )


async def districts(conn: Reader) -> list[Row]:
    return await conn.fetch_all("SELECT id, code, name FROM districts ORDER BY name")
