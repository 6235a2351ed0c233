"""A migrated database of its own for the results' query tests (no web application needed)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from panel.app import MIGRATION_PACKAGES
from panel.db import Database
from panel.migrations import migrate


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(str(tmp_path / "results.db"))
    await database.open()
    await migrate(database.raw_writer, MIGRATION_PACKAGES)
    yield database
    await database.close()
