import asyncio
import contextlib
from pathlib import Path

import pytest

from panel.db import Database


@pytest.fixture
async def db(tmp_path: Path):
    database = Database(str(tmp_path / "db.sqlite"))
    await database.open()
    await database.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)")
    yield database
    await database.close()


async def test_concurrent_writes_are_all_committed(db: Database) -> None:
    async def write(i: int) -> None:
        async with db.transaction() as tx:
            await tx.insert("INSERT INTO t (v) VALUES (?)", (f"v{i}",))

    await asyncio.gather(*(write(i) for i in range(300)))
    assert await db.fetch_value("SELECT COUNT(*) FROM t") == 300


async def test_a_failing_block_rolls_back_alone(db: Database) -> None:
    async def good() -> None:
        await db.execute("INSERT INTO t (v) VALUES ('good')")

    async def bad() -> None:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO t (v) VALUES ('half')")
            await tx.execute("INSERT INTO t (v) VALUES ('good')")  # may collide with good()

    async def failing() -> None:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO t (v) VALUES ('never')")
            raise ValueError("boom")

    results = await asyncio.gather(good(), bad(), failing(), return_exceptions=True)
    assert isinstance(results[2], ValueError)
    values = {row["v"] for row in await db.fetch_all("SELECT v FROM t")}
    assert "never" not in values
    assert "good" in values
    assert ("half" in values) == (results[1] is None)


async def test_nested_transaction_is_refused(db: Database) -> None:
    async with db.transaction():
        with pytest.raises(RuntimeError, match="inside a transaction"):
            async with db.transaction():
                pass


async def test_after_commit_runs_once_committed(db: Database) -> None:
    seen: list[int] = []
    async with db.transaction() as tx:
        await tx.execute("INSERT INTO t (v) VALUES ('x')")
        tx.after_commit(lambda: seen.append(1))
        assert seen == []
    assert seen == [1]


async def test_a_long_block_lets_the_event_loop_serve_others_while_it_runs(db: Database) -> None:
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    try:
        async with db.transaction() as tx:
            before = ticks
            for i in range(2000):
                await tx.insert("INSERT INTO t (v) VALUES (?)", (f"row {i}",))
            during = ticks - before
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert during >= 5  # 2,000 statements give the loop several turns
    assert await db.fetch_value("SELECT COUNT(*) FROM t") == 2000
