"""Numbered SQL migrations, applied in order at start-up and by `panel migrate`, each recorded once.

Each package keeps its own schema in `<package>/migrations/NNNN_name.sql`; numbers are global so that the
order across packages is explicit (a table may reference another package's table). A migration runs in
one transaction together with its record in `schema_migrations`, so it is applied wholly or not at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

import aiosqlite

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True, order=True)
class Migration:
    number: int
    name: str
    sql: str


def discover(packages: list[str]) -> list[Migration]:
    """The migrations shipped in `packages`, in number order; two files with one number are an error."""
    found: dict[int, Migration] = {}
    for package in packages:
        folder = resources.files(package).joinpath("migrations")
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            match = _NAME.match(entry.name)
            if not match:
                continue
            number = int(match.group(1))
            if number in found:
                raise RuntimeError(f"two migrations numbered {number}: {found[number].name} and {entry.name}")
            found[number] = Migration(number, f"{package}/{entry.name}", entry.read_text(encoding="utf-8"))
    return sorted(found.values())


async def applied(conn: aiosqlite.Connection) -> set[int]:
    await conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " number INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')))"
    )
    async with conn.execute("SELECT number FROM schema_migrations") as cursor:
        return {row[0] for row in await cursor.fetchall()}


async def migrate(conn: aiosqlite.Connection, packages: list[str]) -> list[str]:
    """Apply what is missing; return the names applied. `conn` must be in autocommit mode."""
    done = await applied(conn)
    names = []
    for migration in discover(packages):
        if migration.number in done:
            continue
        try:
            # executescript runs the file's statements; its BEGIN keeps them in one transaction with the record
            await conn.executescript("BEGIN IMMEDIATE;\n" + migration.sql)
            await conn.execute(
                "INSERT INTO schema_migrations (number, name) VALUES (?, ?)", (migration.number, migration.name)
            )
            await conn.execute("COMMIT")
        except Exception:
            if conn.in_transaction:
                await conn.execute("ROLLBACK")
            raise
        names.append(migration.name)
    return names
