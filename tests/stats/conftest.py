"""A migrated database and a case builder for the statistics tests (cases written straight in, by hand)."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from panel.db import Database, Transaction
from tests.helpers import migrated_database

_numbers = itertools.count(1)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with migrated_database(tmp_path) as database:
        yield database


async def add_case(tx: Transaction, created: str, *, category: str = "gata", kind: str = "complaint",
                   channel: str = "web", **fields: Any) -> int:
    """A case created at `created` (UTC text); `fields` set further columns (answered_at, secret, ...)."""
    number = next(_numbers)
    category_id = await tx.fetch_value("SELECT id FROM categories WHERE code = ?", (category,))
    department = await tx.fetch_value("SELECT department FROM categories WHERE code = ?", (category,))
    values = {"reference": f"SYN-2026-{number:05d}", "channel": channel, "kind": kind, "category_id": category_id,
              "department": department, "body": fields.pop("body", "Trasig lampa"), "state": "open",
              "tracking_token": f"t{number}", "created_at": created, "updated_at": created, **fields}
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    return await tx.insert(f"INSERT INTO cases ({columns}) VALUES ({marks})", list(values.values()))  # noqa: S608


async def add_event(tx: Transaction, case_id: int, at: str, kind: str) -> None:
    await tx.execute("INSERT INTO case_events (case_id, at, kind) VALUES (?, ?, ?)", (case_id, at, kind))
