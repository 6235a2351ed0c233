"""SQL of the composition page: population counts, the panel's make-up, joins and departures by month."""

from __future__ import annotations

from collections.abc import Sequence

from panel.db import Database, Transaction
from panel.members.population import Cell

Conn = Database | Transaction


async def replace_population(tx: Transaction, cells: Sequence[Cell], at: str) -> None:
    """The new file replaces the old counts as a whole: a group missing from it is not left behind."""
    await tx.execute("DELETE FROM population")
    await tx.executemany(
        "INSERT INTO population (district_id, age_band, gender, count, updated_at) VALUES (?, ?, ?, ?, ?)",
        [(c.district_id, c.age_band, c.gender, c.count, at) for c in cells],
    )


async def population_updated(conn: Conn) -> str | None:
    value = await conn.fetch_value("SELECT MAX(updated_at) FROM population")
    return str(value) if value else None


async def population_by(conn: Conn, dimension: str) -> dict[str, int]:
    """Population totals by 'district', 'age_band' or 'gender' (keys: district code, band, gender)."""
    column = {"district": "d.code", "age_band": "p.age_band", "gender": "p.gender"}[dimension]
    rows = await conn.fetch_all(
        f"SELECT {column} AS grp, SUM(p.count) AS n FROM population p"  # noqa: S608 - column from a fixed map
        " JOIN districts d ON d.id = p.district_id GROUP BY grp"
    )
    return {row["grp"]: int(row["n"]) for row in rows}


async def active_composition(conn: Conn) -> list[tuple[str, str, int | None, int]]:
    """Active members counted by (district code, gender, birth year): a few thousand groups at most,
    read from the covering index `members_composition` without touching the table."""
    rows = await conn.fetch_all(
        "SELECT COALESCE(d.code, '') AS district_code, g.gender, g.birth_year, g.n FROM"
        " (SELECT district_id, gender, birth_year, COUNT(*) AS n FROM members WHERE status = 'active'"
        "  GROUP BY district_id, gender, birth_year) g LEFT JOIN districts d ON d.id = g.district_id"
    )
    return [(row["district_code"], row["gender"], row["birth_year"], int(row["n"])) for row in rows]


async def joins_by_month(conn: Conn) -> dict[str, int]:
    rows = await conn.fetch_all(
        "SELECT month, SUM(n) AS n FROM (SELECT substr(joined_at, 1, 7) AS month, COUNT(*) AS n FROM members"
        " GROUP BY month UNION ALL SELECT month, joined FROM member_flow_erased)"
        " GROUP BY month"
    )
    return {row["month"]: int(row["n"]) for row in rows if row["month"]}


async def departures_by_month(conn: Conn) -> dict[str, int]:
    rows = await conn.fetch_all(
        "SELECT month, SUM(n) AS n FROM (SELECT substr(left_at, 1, 7) AS month, COUNT(*) AS n FROM members"
        " WHERE left_at IS NOT NULL GROUP BY month UNION ALL SELECT month, departed FROM member_flow_erased)"
        " GROUP BY month"
    )
    return {row["month"]: int(row["n"]) for row in rows if row["month"]}
