"""Queueing and cancelling: validation before anything is stored, dedupe keys, scoped cancellation."""

from __future__ import annotations

import asyncio

import pytest

from panel.db import Database
from sms import outbox


async def queue(db: Database, **fields: object) -> int | None:
    values: dict[str, object] = {"recipient": "+46701234567", "body": "Hej!", "purpose": "test", **fields}
    async with db.transaction() as tx:
        return await outbox.enqueue(tx, **values)  # type: ignore[arg-type]


async def test_enqueue_stores_a_queued_row_with_its_segments(db: Database) -> None:
    message_id = await queue(db, body="a" * 200, ref_type="invitation", ref_id=7, urgent=True)
    row = await db.fetch_one("SELECT * FROM sms_messages WHERE id = ?", (message_id,))
    assert row is not None
    assert (row["state"], row["segments"], row["ref_type"], row["ref_id"], row["urgent"], row["attempts"]) == (
        "queued", 2, "invitation", 7, 1, 0)


async def test_the_same_dedupe_key_queues_one_message(db: Database) -> None:
    first = await queue(db, dedupe_key="invitation:1")
    again = await queue(db, dedupe_key="invitation:1", body="Another text")
    assert isinstance(first, int) and again is None
    assert await db.fetch_value("SELECT COUNT(*) FROM sms_messages") == 1
    # Without a key every call is a new message.
    assert await queue(db) is not None and await queue(db) is not None


@pytest.mark.parametrize(
    ("fields", "problem"),
    [({"recipient": "0701234567"}, "E.164"), ({"recipient": "+46 70 123"}, "E.164"), ({"body": "  "}, "text"),
     ({"body": "a" * 1601}, "1600"), ({"purpose": ""}, "purpose")],
)
async def test_invalid_messages_are_refused_and_nothing_is_stored(db: Database, fields: dict[str, object],
                                                                   problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        await queue(db, **fields)
    assert await db.fetch_value("SELECT COUNT(*) FROM sms_messages") == 0


async def test_a_refused_message_rolls_back_what_caused_it(db: Database) -> None:
    with pytest.raises(ValueError):
        async with db.transaction() as tx:
            await outbox.enqueue(tx, recipient="+46701234567", body="ok", purpose="test", dedupe_key="a")
            await outbox.enqueue(tx, recipient="bad", body="ok", purpose="test")
    assert await db.fetch_value("SELECT COUNT(*) FROM sms_messages") == 0


async def test_cancel_queued_by_reference_and_by_recipient(db: Database) -> None:
    ids = [await queue(db, ref_type="invitation", ref_id=n) for n in (1, 2, 3)]
    other = await queue(db, recipient="+46709999999", ref_type="case", ref_id=1)
    await db.execute("UPDATE sms_messages SET state = 'sent' WHERE id = ?", (ids[2],))
    async with db.transaction() as tx:
        assert await outbox.cancel_queued(tx, ref_type="invitation", ref_ids=[1, 3]) == 1  # 3 was already sent
        assert await outbox.cancel_queued(tx, ref_type="invitation", ref_ids=[]) == 0
        assert await outbox.cancel_queued(tx, recipient="+46709999999") == 1
    states = {row["id"]: row["state"] for row in await db.fetch_all("SELECT id, state FROM sms_messages")}
    assert states == {ids[0]: "cancelled", ids[1]: "queued", ids[2]: "sent", other: "cancelled"}


async def test_cancel_needs_a_filter(db: Database) -> None:
    await queue(db)
    with pytest.raises(ValueError, match="needs"):
        async with db.transaction() as tx:
            await outbox.cancel_queued(tx)
    assert await db.fetch_value("SELECT state FROM sms_messages") == "queued"


async def test_a_commit_wakes_the_dispatcher(db: Database) -> None:
    event = asyncio.Event()
    outbox.register_waker(event)
    try:
        async with db.transaction() as tx:
            await outbox.enqueue(tx, recipient="+46701234567", body="Hej", purpose="test")
            assert not event.is_set()  # not before the commit: the dispatcher would not see the row yet
        assert event.is_set()
    finally:
        outbox.unregister_waker(event)


async def test_forgetting_a_number_cancels_and_blanks_its_messages(db: Database) -> None:
    sent = await queue(db, body="Din länk: https://example.se/s/abc")
    await db.execute("UPDATE sms_messages SET state = 'delivered' WHERE id = ?", (sent,))
    waiting = await queue(db)
    other = await queue(db, recipient="+46709999999")
    async with db.transaction() as tx:
        await tx.execute("INSERT INTO sms_inbound (message_sid, from_number, body) VALUES ('SM1', ?, 'STOPP')",
                         ("+46701234567",))
        assert await outbox.forget_number(tx, "+46701234567") == 3
    rows = {r["id"]: tuple(r)[1:] for r in await db.fetch_all("SELECT id, recipient, body, state FROM sms_messages")}
    assert rows[sent] == ("", "", "delivered") and rows[waiting] == ("", "", "cancelled")
    assert rows[other][0] == "+46709999999"
    assert tuple(await db.fetch_one("SELECT from_number, body FROM sms_inbound") or ()) == ("", "")
