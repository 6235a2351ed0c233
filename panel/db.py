"""The database: SQLite through aiosqlite, one write path with group commit, readers on their own connections.

Writes go through `transaction()`. One writer task owns the write connection; it opens `BEGIN IMMEDIATE`,
runs each waiting transaction inside its own SAVEPOINT (so one failing block rolls back alone), and commits
the whole batch at once. A block returns only after its batch is durable. Reads use a small pool of
read-only connections; in WAL mode they see every committed write and never block the writer.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)

Params = Sequence[Any] | dict[str, Any]
Row = sqlite3.Row

_BATCH_LIMIT = 200
_YIELD_EVERY = 256  # statements of one transaction block between turns given to the event loop
_inside_transaction: contextvars.ContextVar[bool] = contextvars.ContextVar("inside_transaction", default=False)


async def _connect(path: str, *, read_only: bool) -> aiosqlite.Connection:
    # check_same_thread off: a transaction block runs its statements on the loop's thread (see Transaction)
    # while aiosqlite's thread is idle; the two never use the connection at the same time.
    conn = await aiosqlite.connect(path, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    await conn.execute("PRAGMA busy_timeout = 5000")
    await conn.execute("PRAGMA foreign_keys = ON")
    if read_only:
        await conn.execute("PRAGMA query_only = ON")
    else:
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA synchronous = NORMAL")
    return conn


class Transaction:
    """What a `transaction()` block uses: SQL on the write connection, inside the block's savepoint.

    Statements run directly on the connection, on the event loop's thread. The block owns the write
    connection while it runs, so nothing else touches it; and a small indexed statement takes microseconds,
    while a hop to aiosqlite's thread and back costs a turn of a busy event loop for every statement, during
    which the single writer, and so every other writer, waits. Bulk `executemany` still goes to the thread.
    A long block (an import of 100,000 rows) gives the loop a turn every `_YIELD_EVERY` statements, so that
    reads and pages keep being served while it runs.
    """

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        self._raw: sqlite3.Connection = conn._conn  # aiosqlite's own sqlite3 connection (check_same_thread off)
        self._after_commit: list[Callable[[], None]] = []
        self._statements = 0

    async def _run(self, sql: str, params: Params) -> sqlite3.Cursor:
        self._statements += 1
        if self._statements % _YIELD_EVERY == 0:
            await asyncio.sleep(0)
        return self._raw.execute(sql, params)

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; return the number of rows it changed."""
        return (await self._run(sql, params)).rowcount

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT; return the new row's id."""
        return int((await self._run(sql, params)).lastrowid or 0)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self._conn.executemany(sql, rows)

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        row: Row | None = (await self._run(sql, params)).fetchone()
        return row

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        return list((await self._run(sql, params)).fetchall())

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Call `callback` once the batch holding this block is committed (e.g. to wake a worker)."""
        self._after_commit.append(callback)


@dataclass
class _Job:
    ready: asyncio.Future[Transaction]
    finished: asyncio.Future[BaseException | None]
    committed: asyncio.Future[None]
    callbacks: list[Callable[[], None]] = field(default_factory=list)


def _settle(future: asyncio.Future[Any], *, result: Any = None, error: BaseException | None = None) -> None:
    if future.done():
        return
    if error is None:
        future.set_result(result)
    else:
        future.set_exception(error)


class Database:
    def __init__(self, path: str, *, readers: int = 2) -> None:
        self.path = path
        self._reader_count = readers
        self._writer: aiosqlite.Connection | None = None
        self._readers: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        self._all_readers: list[aiosqlite.Connection] = []
        self._jobs: asyncio.Queue[_Job] = asyncio.Queue()
        self._writer_task: asyncio.Task[None] | None = None

    async def open(self) -> None:
        self._writer = await _connect(self.path, read_only=False)
        for _ in range(self._reader_count):
            conn = await _connect(self.path, read_only=True)
            self._all_readers.append(conn)
            self._readers.put_nowait(conn)
        self._writer_task = asyncio.create_task(self._write_loop(), name="db-writer")

    async def close(self) -> None:
        if self._writer_task is not None:
            self._writer_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer_task
        for conn in self._all_readers:
            await conn.close()
        if self._writer is not None:
            await self._writer.close()
        self._all_readers.clear()
        self._writer = None

    @property
    def raw_writer(self) -> aiosqlite.Connection:
        """The write connection, for migrations before the writer task takes over."""
        assert self._writer is not None, "database is not open"
        return self._writer

    # -- reads ---------------------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def _reader(self) -> AsyncIterator[aiosqlite.Connection]:
        conn = await self._readers.get()
        try:
            yield conn
        finally:
            self._readers.put_nowait(conn)

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        async with self._reader() as conn, conn.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._reader() as conn, conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]

    # -- writes --------------------------------------------------------------------------------------

    async def execute(self, sql: str, params: Params = ()) -> int:
        """One write statement in its own transaction; return the number of rows changed."""
        async with self.transaction() as tx:
            return await tx.execute(sql, params)

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """A block of writes that commits as a whole, or not at all if the block raises.

        Keep the block to SQL: the writer waits for it. Nesting is refused because the inner block
        would wait for the writer that the outer block is holding.
        """
        if _inside_transaction.get():
            raise RuntimeError("transaction() inside a transaction: pass the Transaction down instead")
        loop = asyncio.get_running_loop()
        job = _Job(loop.create_future(), loop.create_future(), loop.create_future())
        self._jobs.put_nowait(job)
        tx = await job.ready
        token = _inside_transaction.set(True)
        try:
            yield tx
        except BaseException as exc:
            _settle(job.finished, result=exc)
            raise
        finally:
            _inside_transaction.reset(token)
        job.callbacks = tx._after_commit
        _settle(job.finished, result=None)
        await job.committed

    async def _write_loop(self) -> None:
        conn = self.raw_writer
        while True:
            job = await self._jobs.get()
            await conn.execute("BEGIN IMMEDIATE")
            done: list[_Job] = []
            try:
                while True:
                    if await self._run_job(conn, job):
                        done.append(job)
                    if len(done) >= _BATCH_LIMIT or self._jobs.empty():
                        break
                    job = self._jobs.get_nowait()
                await conn.execute("COMMIT")
            except Exception as exc:  # a failed COMMIT fails every block of the batch
                log.exception("write batch failed")
                with contextlib.suppress(sqlite3.Error):
                    await conn.execute("ROLLBACK")
                for failed in done:
                    _settle(failed.committed, error=exc)
                continue
            for committed in done:
                _settle(committed.committed)
                for callback in committed.callbacks:
                    callback()

    async def _run_job(self, conn: aiosqlite.Connection, job: _Job) -> bool:
        """Run one block inside a savepoint; True if it should be committed."""
        if job.ready.cancelled():  # the caller gave up before its turn
            return False
        raw = conn._conn  # savepoints are as cheap as the block's statements: run them inline too
        raw.execute("SAVEPOINT block")
        _settle(job.ready, result=Transaction(conn))
        error = await job.finished
        if error is None:
            raw.execute("RELEASE block")
            return True
        raw.execute("ROLLBACK TO block")
        raw.execute("RELEASE block")
        _settle(job.committed)
        return False
