"""Opting out takes effect at once by every route, and cancels what is still queued for the member."""

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from panel.db import Database, Transaction
from panel.keys import DB as DB_KEY
from panel.members.hooks import MEMBER_HOOKS
from sms import inbound, outbox, status
from sms.hooks import SMS_HOOKS
from tests.helpers import post_form
from tests.members.conftest import AddMember, hold_back, one

PHONE = "+46709998877"


@pytest.fixture
def opted_out(app: web.Application) -> list[int]:
    """Member ids the `opted_out` listeners were told about (as surveys would be)."""
    heard: list[int] = []

    async def listener(tx: Transaction, member_id: int) -> None:
        heard.append(member_id)

    app[MEMBER_HOOKS].opted_out.append(listener)
    return heard


async def _queue_invitation(db: Database, member_id: int) -> int:
    """An invitation SMS waiting in the outbox (held back as in quiet hours, so the dispatcher leaves it)."""
    async with db.transaction() as tx:
        message_id = await outbox.enqueue(tx, recipient=PHONE, body="Svara på enkäten: http://x/s/abc",
                                          purpose="invitation", ref_type="invitation", ref_id=1,
                                          dedupe_key=f"test-invitation:{member_id}")
        return await hold_back(tx, message_id)


async def _sms(app: web.Application, body: str, sid: str) -> str | None:
    async with app[DB_KEY].transaction() as tx:
        return await inbound.receive(tx, app[SMS_HOOKS], message_sid=sid, from_number=PHONE, to_number="+46700000000",
                                     body=body, now=datetime.now(UTC), help_text="help")


async def _reply(db: Database, sid: str) -> str:
    return str(await db.fetch_value(
        "SELECT m.body FROM sms_messages m JOIN sms_inbound i ON i.id = m.ref_id"
        " WHERE m.ref_type = 'sms_inbound' AND i.message_sid = ?", (sid,)))


async def test_stop_by_sms(app: web.Application, db: Database, add_member: AddMember, opted_out: list[int]) -> None:
    member_id = await add_member(phone=PHONE)
    queued = await _queue_invitation(db, member_id)
    await _sms(app, "Stopp", "SM1")
    member = await one(db, "SELECT status, left_at FROM members WHERE id = ?", (member_id,))
    assert member["status"] == "left" and member["left_at"] is not None
    assert await db.fetch_value("SELECT state FROM sms_messages WHERE id = ?", (queued,)) == "cancelled"
    assert opted_out == [member_id]
    assert "Du har lämnat medborgarpanelen" in await _reply(db, "SM1")
    history = await one(db, "SELECT channel, note FROM member_status_history WHERE member_id = ? ORDER BY id DESC",
                                 (member_id,))
    assert tuple(history) == ("sms", "SMS: Stopp")
    # A repeated STOP changes nothing and tells no listener twice.
    await _sms(app, "STOP", "SM2")
    assert opted_out == [member_id]


async def test_start_and_help_by_sms_in_the_members_language(
    app: web.Application, db: Database, add_member: AddMember
) -> None:
    member_id = await add_member(phone=PHONE, status="left", language="en")
    await _sms(app, "START", "SM3")
    assert await db.fetch_value("SELECT status FROM members WHERE id = ?", (member_id,)) == "active"
    assert "Welcome back" in await _reply(db, "SM3")
    await _sms(app, "hjälp", "SM4")
    assert "Reply STOP" in await _reply(db, "SM4")


async def test_stop_from_a_stranger_changes_nothing(app: web.Application, db: Database) -> None:
    await _sms(app, "STOPP", "SM5")
    assert await db.fetch_value("SELECT COUNT(*) FROM members") == 0


async def test_leave_link_on_a_survey_page(client: TestClient, db: Database, add_member: AddMember,
                                           opted_out: list[int]) -> None:
    member_id = await add_member(phone=PHONE)
    queued = await _queue_invitation(db, member_id)
    async with db.transaction() as tx:
        survey = await tx.insert("INSERT INTO surveys (title, invitation_text, created_at) VALUES ('T', 'x', 'now')")
        await tx.execute(
            "INSERT INTO invitations (survey_id, member_id, token, created_at) VALUES (?, ?, 'tok123', 'n')",
            (survey, member_id))
    page = await client.get("/leave?t=tok123")
    assert "Ja, lämna panelen" in await page.text()
    response = await post_form(client, "/leave/confirm", {"t": "tok123"}, page="/leave?t=tok123",
                               allow_redirects=False)
    assert response.headers["Location"] == "/leave/done"
    assert await db.fetch_value("SELECT status FROM members WHERE id = ?", (member_id,)) == "left"
    assert await db.fetch_value("SELECT state FROM sms_messages WHERE id = ?", (queued,)) == "cancelled"
    assert opted_out == [member_id]


async def test_leave_by_phone_number_sends_a_personal_link(client: TestClient, db: Database,
                                                          add_member: AddMember) -> None:
    member_id = await add_member(phone=PHONE)
    for phone in ("070-999 88 77", "070-111 22 33"):  # a member, and a number that is not one
        response = await post_form(client, "/leave", {"phone": phone}, allow_redirects=False)
        assert response.headers["Location"] == "/leave/sent"
    await post_form(client, "/leave", {"phone": PHONE})  # pressed twice: still one text
    bodies = [row["body"] for row in await db.fetch_all("SELECT body FROM sms_messages")]
    assert len(bodies) == 1
    link = re.search(r"http://\S+(/leave/\S+)", bodies[0])
    assert link, bodies[0]
    assert (await post_form(client, "/leave/confirm", {"m": link.group(1).rsplit("/", 1)[1]},
                            page=link.group(1))).status == 200
    assert await db.fetch_value("SELECT status FROM members WHERE id = ?", (member_id,)) == "left"


async def test_a_forged_leave_link_is_refused(client: TestClient, db: Database, add_member: AddMember) -> None:
    member_id = await add_member(phone=PHONE)
    assert (await client.get(f"/leave/{member_id}.forged")).status == 400
    response = await post_form(client, "/leave/confirm", {"m": f"{member_id}.forged"}, page="/leave")
    assert response.status == 400
    assert await db.fetch_value("SELECT status FROM members WHERE id = ?", (member_id,)) == "active"


async def test_staff_can_record_an_opt_out(client: TestClient, db: Database, add_member: AddMember,
                                           login: Any, opted_out: list[int]) -> None:
    await login(client, "analyst")
    member_id = await add_member(phone=PHONE)
    queued = await _queue_invitation(db, member_id)
    url = f"/staff/members/{member_id}"
    response = await post_form(client, url + "/status", {"status": "left", "note": "ringde"}, page=url,
                               allow_redirects=False)
    assert response.status == 303
    assert await db.fetch_value("SELECT status FROM members WHERE id = ?", (member_id,)) == "left"
    assert await db.fetch_value("SELECT state FROM sms_messages WHERE id = ?", (queued,)) == "cancelled"
    assert opted_out == [member_id]
    assert await db.fetch_value("SELECT note FROM member_status_history WHERE member_id = ? ORDER BY id DESC",
                                (member_id,)) == "ringde"


@pytest.mark.parametrize(("code", "expected"), [("30005", "invalid"), ("21211", "invalid"), ("21610", "left"),
                                              ("30003", "active")])
async def test_permanent_delivery_errors_mark_the_member(app: web.Application, db: Database, add_member: AddMember,
                                                         code: str, expected: str) -> None:
    member_id = await add_member(phone=PHONE)
    message_id = await _queue_invitation(db, member_id)
    async with db.transaction() as tx:
        await tx.execute("UPDATE sms_messages SET state = 'failed', error_code = ? WHERE id = ?", (code, message_id))
        row = await tx.fetch_one("SELECT * FROM sms_messages WHERE id = ?", (message_id,))
        assert row is not None
        await status.notify(tx, app[SMS_HOOKS], row)
    assert await db.fetch_value("SELECT status FROM members WHERE id = ?", (member_id,)) == expected
