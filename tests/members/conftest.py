"""Fixtures of the registry tests: the running app's database, districts and members made directly."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from panel.clock import now_db
from panel.db import Database, Row, Transaction
from panel.keys import DB
from panel.members import store
from panel.members.forms import Details

_numbers = itertools.count(100)
AddMember = Callable[..., Awaitable[int]]


@pytest.fixture
def db(client: TestClient, app: web.Application) -> Database:
    """The database of the running app (`client` starts it)."""
    return app[DB]


@pytest.fixture
async def districts(db: Database) -> dict[str, int]:
    async with db.transaction() as tx:
        return {code: await store.upsert_district(tx, code, name)
                for code, name in [("CEN", "Centrum"), ("NOR", "Norrby"), ("SOD", "Söderås")]}


@pytest.fixture
def add_member(db: Database) -> AddMember:
    async def add(status: str = "active", **fields: Any) -> int:
        values: dict[str, Any] = {"phone": f"+46701234{next(_numbers):03d}", "name": "Test Testsson",
                                  "birth_year": 1980, "gender": "woman"}
        values.update(fields)
        joined = values.pop("joined_at", now_db())
        async with db.transaction() as tx:
            member_id = await store.insert_member(
                tx, Details(**values), status=status, consent_version="2026-1", consent_at=joined,
                consent_channel="web", joined_at=joined,
            )
            await store.add_history(tx, member_id, status, at=joined, channel="web", user_id=None, note="")
        return member_id

    return add


async def hold_back(tx: Transaction, message_id: int | None) -> int:
    """Keep a queued SMS waiting (as in quiet hours) so the test app's dispatcher does not send it."""
    assert message_id is not None
    await tx.execute("UPDATE sms_messages SET next_attempt_at = '2999-01-01T00:00:00.000Z' WHERE id = ?",
                     (message_id,))
    return message_id


async def one(db: Database, sql: str, params: Any = ()) -> Row:
    """The row a test expects to exist."""
    row = await db.fetch_one(sql, params)
    assert row is not None, sql
    return row
