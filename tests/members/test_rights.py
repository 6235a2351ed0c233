"""Data-subject rights: the export holds everything, erasure leaves no identity anywhere."""

import csv
import io
import json
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

from panel.db import Database
from panel.members.web import purge_once
from sms import outbox
from tests.helpers import post_form
from tests.members.conftest import AddMember, hold_back, one

PHONE, NAME, EMAIL = "+46705551234", "Ingrid Unikadóttir", "ingrid.unika@example.se"


async def _member_with_a_history(db: Database, add_member: AddMember) -> int:
    member_id = await add_member(phone=PHONE, name=NAME, email=EMAIL, birth_year=1961, gender="woman")
    async with db.transaction() as tx:
        survey = await tx.insert("INSERT INTO surveys (title, invitation_text, created_at) VALUES ('Parker', 'x', 'n')")
        question = await tx.insert(
            "INSERT INTO questions (survey_id, position, kind, text) VALUES (?, 1, 'yes_no', 'Fler parker?')",
            (survey,))
        invitation = await tx.insert(
            "INSERT INTO invitations (survey_id, member_id, token, district_code, age_band, gender, created_at)"
            " VALUES (?, ?, 'tok-rights', 'CEN', '65-79', 'woman', 'n')", (survey, member_id))
        await tx.execute(
            "INSERT INTO answers (invitation_id, question_id, value, answered_at) VALUES (?, ?, 'yes', 'n')",
            (invitation, question))
        await hold_back(tx, await outbox.enqueue(
            tx, recipient=PHONE, body=f"Hej {NAME}, svara här", purpose="invitation", ref_type="invitation",
            ref_id=invitation, dedupe_key="rights-invitation"))
        await tx.execute("INSERT INTO sms_inbound (message_sid, from_number, body) VALUES ('SMx', ?, 'Ja')", (PHONE,))
        await tx.execute(
            "INSERT INTO member_signups (token_hash, phone, details, code_hash, created_at, expires_at)"
            " VALUES ('h', ?, ?, 'c', 'n', '2999')", (PHONE, json.dumps({"phone": PHONE, "name": NAME})))
    return member_id


async def test_export_holds_everything(client: TestClient, db: Database, add_member: AddMember, login: Any) -> None:
    member_id = await _member_with_a_history(db, add_member)
    admin = await login(client, "admin")
    response = await client.get(f"/staff/members/{member_id}/export.json")
    assert response.status == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = await response.json()
    assert data["member"]["phone"] == PHONE and data["member"]["email"] == EMAIL
    assert data["consent"]["version"] == "2026-1" and "samtycker" in data["consent"]["text"]
    assert [h["status"] for h in data["status_history"]] == ["active"]
    assert data["invitations"][0]["title"] == "Parker"
    assert data["answers"] == [{"survey_id": 1, "survey": "Parker", "position": 1, "question": "Fler parker?",
                                "value": "yes", "channel": "web", "answered_at": "n"}]
    assert data["sms_sent"][0]["body"].startswith("Hej") and data["sms_received"][0]["body"] == "Ja"
    assert data["pending_signups"][0]["details"]["name"] == NAME

    rows = list(csv.reader(io.StringIO(await (await client.get(f"/staff/members/{member_id}/export.csv")).text())))
    assert rows[0] == ["section", "item", "field", "value"]
    assert ["member", "1", "phone", "'" + PHONE] in rows  # a leading + would be a formula in a spreadsheet
    assert ["answers", "1", "value", "yes"] in rows
    audit = await db.fetch_all("SELECT action, detail, user_id FROM audit_log WHERE object_type = 'member'"
                               " AND object_id = ? ORDER BY id", (str(member_id),))
    assert [(a["action"], a["detail"], a["user_id"]) for a in audit] == [
        ("export", "json", admin.id), ("export", "csv", admin.id)]


async def _text_columns(db: Database) -> list[tuple[str, str]]:
    tables = [row["name"] for row in await db.fetch_all(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    found = []
    for table in tables:
        for column in await db.fetch_all("SELECT name FROM pragma_table_info(?)", (table,)):
            found.append((table, column["name"]))
    return found


async def test_erasure_leaves_no_identity_anywhere(client: TestClient, app: web.Application, db: Database,
                                                   add_member: AddMember, login: Any) -> None:
    member_id = await _member_with_a_history(db, add_member)
    await login(client, "admin")
    url = f"/staff/members/{member_id}/erase"
    response = await post_form(client, url, {"reason": "request"}, allow_redirects=False)
    assert response.status == 303

    for table, column in await _text_columns(db):
        for needle in (PHONE, PHONE[3:], NAME, EMAIL):
            # Names come from sqlite_master, not from input; identifiers cannot be parameters.
            hits = await db.fetch_value(
                f'SELECT COUNT(*) FROM "{table}" WHERE CAST("{column}" AS TEXT) LIKE ?',  # noqa: S608
                (f"%{needle}%",))
            assert hits == 0, f"{needle!r} is still in {table}.{column}"
    assert await db.fetch_value("SELECT COUNT(*) FROM member_status_history") == 0
    # The answer stays, on an invitation that keeps only its anonymous snapshot.
    invitation = await one(db, "SELECT member_id, district_code, age_band, gender FROM invitations")
    assert tuple(invitation) == (None, "CEN", "65-79", "woman")
    assert await db.fetch_value("SELECT COUNT(*) FROM answers") == 1
    assert await db.fetch_value("SELECT state FROM sms_messages WHERE purpose = 'invitation'") == "cancelled"
    assert await db.fetch_value("SELECT COUNT(*) FROM sms_messages WHERE dedupe_key IS NOT NULL") == 0
    assert await db.fetch_value("SELECT SUM(joined) FROM member_flow_erased") == 1
    erased = await one(db, "SELECT action, detail FROM audit_log WHERE object_type = 'member' AND object_id = ?"
                                " ORDER BY id DESC", (str(member_id),))
    assert tuple(erased) == ("erase", "request")
    # Erasing again, e.g. a resubmitted form, is harmless.
    assert (await post_form(client, url, {"reason": "request"}, page="/staff/members")).status == 200


async def test_only_admins_export_and_erase(client: TestClient, db: Database, add_member: AddMember,
                                            login: Any) -> None:
    member_id = await add_member()
    await login(client, "analyst")
    assert (await client.get(f"/staff/members/{member_id}/export.json")).status == 403
    assert (await client.get(f"/staff/members/{member_id}/erase")).status == 403
    assert await db.fetch_value("SELECT COUNT(*) FROM members") == 1


async def test_retention_erases_members_who_left_long_ago(app: web.Application, db: Database,
                                                          add_member: AddMember) -> None:
    old = await add_member(status="left", phone="+46705550001")
    recent = await add_member(status="left", phone="+46705550002")
    active = await add_member(phone="+46705550003")
    async with db.transaction() as tx:
        await tx.execute("UPDATE members SET left_at = '2020-01-01T00:00:00.000Z',"
                         " joined_at = '2019-05-01T00:00:00.000Z' WHERE id = ?", (old,))
        await tx.execute("UPDATE members SET left_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?", (recent,))
        await tx.execute(
            "INSERT INTO member_signups (token_hash, phone, details, code_hash, created_at, expires_at)"
            " VALUES ('old', '+46705550009', '{}', 'c', '2020-01-01', '2020-01-01T00:30:00.000Z')")
    assert await purge_once(app) == 1
    remaining = {row["id"] for row in await db.fetch_all("SELECT id FROM members")}
    assert remaining == {recent, active}
    assert await db.fetch_value("SELECT COUNT(*) FROM member_signups") == 0
    flow = await one(db, "SELECT joined, departed FROM member_flow_erased WHERE month = '2019-05'")
    assert tuple(flow) == (1, 0)
    assert await db.fetch_value("SELECT departed FROM member_flow_erased WHERE month = '2020-01'") == 1
    assert await db.fetch_value("SELECT detail FROM audit_log WHERE action = 'erase'") == "retention"
