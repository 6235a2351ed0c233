"""Invitation states follow the invitation SMS's delivery; a member who leaves gets nothing more."""

from __future__ import annotations

from typing import Any

import pytest

from panel.db import Database
from panel.settings import Settings
from surveys import listeners
from tests.surveys.factories import quiet_now


@pytest.fixture
def settings(make_settings: Any) -> Settings:
    return make_settings(sms_quiet_hours=quiet_now())  # invitation SMS wait in the outbox during these tests


async def _status(db: Database, message_id: int, state: str) -> None:
    async with db.transaction() as tx:
        row = await tx.fetch_one("SELECT * FROM sms_messages WHERE id = ?", (message_id,))
        await listeners.on_status(tx, row, state)


async def _invitation(db: Database, invitation_id: int) -> Any:
    return await db.fetch_one("SELECT * FROM invitations WHERE id = ?", (invitation_id,))


async def test_states_move_forward_only_whatever_order_callbacks_come_in(
    sent_survey: dict[str, Any], db: Database
) -> None:
    message = await db.fetch_one("SELECT id, ref_id FROM sms_messages ORDER BY id LIMIT 1")
    await _status(db, message["id"], "delivered")
    await _status(db, message["id"], "sent")  # late
    await _status(db, message["id"], "delivered")  # twice
    invitation = await _invitation(db, message["ref_id"])
    assert invitation["state"] == "delivered" and invitation["delivered_at"]
    assert invitation["sent_at"]  # delivered means sent, even when the "sent" callback came late
    async with db.transaction() as tx:
        await tx.execute("UPDATE invitations SET state = 'completed' WHERE id = ?", (message["ref_id"],))
    await _status(db, message["id"], "failed")
    assert (await _invitation(db, message["ref_id"]))["state"] == "completed"


async def test_failed_delivery_and_other_messages(sent_survey: dict[str, Any], db: Database) -> None:
    first, second = await db.fetch_all("SELECT id, ref_id FROM sms_messages ORDER BY id LIMIT 2")
    await _status(db, first["id"], "undelivered")
    assert (await _invitation(db, first["ref_id"]))["state"] == "failed"
    async with db.transaction() as tx:
        await tx.execute("UPDATE sms_messages SET purpose = 'reminder' WHERE id = ?", (second["id"],))
    await _status(db, second["id"], "delivered")  # a reminder's delivery says nothing new about the invitation
    assert (await _invitation(db, second["ref_id"]))["state"] == "queued"


async def test_opting_out_marks_unfinished_invitations_and_cancels_their_sms(
    sent_survey: dict[str, Any], db: Database
) -> None:
    leaving, finished, _ = sent_survey["member_ids"]
    async with db.transaction() as tx:
        await tx.execute("UPDATE invitations SET completed_at = '2026-01-01T00:00:00.000Z', state = 'completed'"
                         " WHERE member_id = ?", (finished,))
        await listeners.on_opted_out(tx, leaving)
        await listeners.on_opted_out(tx, finished)
    states = {r["member_id"]: r["state"] for r in await db.fetch_all("SELECT member_id, state FROM invitations")}
    assert states[leaving] == "opted_out" and states[finished] == "completed"
    cancelled = await db.fetch_all("SELECT recipient FROM sms_messages WHERE state = 'cancelled'")
    assert [r["recipient"] for r in cancelled] == ["+46700000000"]
