from pathlib import Path

import aiosqlite

from panel.app import MIGRATION_PACKAGES
from panel.migrations import discover, migrate


def test_migrations_are_numbered_uniquely() -> None:
    found = discover(MIGRATION_PACKAGES)
    numbers = [m.number for m in found]
    assert numbers == sorted(set(numbers))
    assert numbers[:4] == [1, 2, 3, 4]


async def test_applied_once_and_recorded(tmp_path: Path) -> None:
    async with aiosqlite.connect(tmp_path / "m.db", isolation_level=None) as conn:
        first = await migrate(conn, MIGRATION_PACKAGES)
        assert first == [m.name for m in discover(MIGRATION_PACKAGES)]
        assert await migrate(conn, MIGRATION_PACKAGES) == []
        async with conn.execute("SELECT COUNT(*) FROM schema_migrations") as cursor:
            assert (await cursor.fetchone())[0] == len(first)
        async with conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'") as cursor:
            tables = {row[0] for row in await cursor.fetchall()}
    assert {"users", "sessions", "audit_log", "members", "sms_messages", "cases", "surveys", "answers"} <= tables


async def test_a_failing_migration_leaves_nothing_behind(tmp_path: Path) -> None:
    package = tmp_path / "brokenpkg"
    (package / "migrations").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "migrations" / "0001_ok.sql").write_text("CREATE TABLE a (x INTEGER);")
    (package / "migrations" / "0002_bad.sql").write_text("CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);")
    import sys

    sys.path.insert(0, str(tmp_path))
    try:
        async with aiosqlite.connect(tmp_path / "m.db", isolation_level=None) as conn:
            try:
                await migrate(conn, ["brokenpkg"])
            except aiosqlite.OperationalError:
                pass
            else:
                raise AssertionError("the bad migration should fail")
            async with conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") as cursor:
                tables = [row[0] for row in await cursor.fetchall()]
            async with conn.execute("SELECT number FROM schema_migrations") as cursor:
                numbers = [row[0] for row in await cursor.fetchall()]
    finally:
        sys.path.remove(str(tmp_path))
    assert "b" not in tables and "a" in tables
    assert numbers == [1]
