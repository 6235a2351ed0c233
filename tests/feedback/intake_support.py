"""Shared by the intake tests: a migrated database on a temporary file, without the web application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from panel.db import Database
from panel.migrations import discover

# Only the schemas intake builds on (core, SMS, feedback, case handling), so that another package's
# unfinished migration cannot break these tests.
NEEDED = {1, 2, 3, 6}


@asynccontextmanager
async def migrated_database(folder: Path) -> AsyncIterator[Database]:
    db = Database(str(folder / "intake.db"))
    await db.open()
    try:
        # The writer task is running but idle: nothing else uses the connection yet.
        for migration in discover(["panel", "sms", "feedback", "surveys"]):
            if migration.number in NEEDED:
                await db.raw_writer.executescript(migration.sql)
        yield db
    finally:
        await db.close()
