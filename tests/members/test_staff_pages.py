"""The staff pages: roles, the list with search, filters and keyset paging, the member page, the audit log."""

import hashlib
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from panel.db import Database
from panel.members.staff_views import PAGE_SIZE
from tests.helpers import post_form
from tests.members.conftest import AddMember, one


@pytest.mark.parametrize(("role", "status"), [("admin", 200), ("analyst", 200), ("handler", 403), ("viewer", 403)])
async def test_who_may_see_members(client: TestClient, add_member: AddMember, login: Any, role: str,
                                   status: int) -> None:
    member_id = await add_member()
    await login(client, role)
    assert (await client.get("/staff/members")).status == status
    assert (await client.get(f"/staff/members/{member_id}")).status == status


async def test_anonymous_staff_pages_go_to_login(client: TestClient) -> None:
    response = await client.get("/staff/members", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"].startswith("/login?next=")


async def test_list_pages_by_keyset(client: TestClient, db: Database, add_member: AddMember, login: Any) -> None:
    ids = [await add_member(name=f"Person {n:03d}") for n in range(PAGE_SIZE + 5)]
    await login(client, "analyst")
    first = await (await client.get("/staff/members")).text()
    assert "Person 054" in first and "Person 005" in first and "Person 004" not in first
    assert f"before={ids[5]}" in first
    second = await (await client.get(f"/staff/members?before={ids[5]}")).text()
    assert "Person 004" in second and "Person 000" in second and "Person 005" not in second
    assert 'rel="next"' not in second


async def test_search_and_filters(client: TestClient, add_member: AddMember, districts: dict[str, int],
                                  login: Any) -> None:
    await add_member(name="Ylva Sökbar", phone="+46731112222", district_id=districts["NOR"])
    await add_member(name="Olle Annan", phone="+46701112222", status="left")
    await login(client, "analyst")
    assert "Ylva Sökbar" in await (await client.get("/staff/members?q=073-111")).text()
    assert "Ylva Sökbar" not in await (await client.get("/staff/members?q=070-111")).text()
    assert "Ylva Sökbar" in await (await client.get("/staff/members?q=sökbar")).text()
    by_status = await (await client.get("/staff/members?status=left")).text()
    assert "Olle Annan" in by_status and "Ylva Sökbar" not in by_status
    by_district = await (await client.get(f"/staff/members?district={districts['NOR']}")).text()
    assert "Ylva Sökbar" in by_district and "Olle Annan" not in by_district
    # The list shows masked numbers; the full number is on the (audited) member page.
    assert "+46731112222" not in by_district and "+46•••••••22" in by_district
    assert (await client.get("/staff/members?q=%25&before=abc&status=bogus")).status == 200


async def test_member_page_views_are_audited(client: TestClient, db: Database, add_member: AddMember,
                                             login: Any) -> None:
    member_id = await add_member(name="Vera Visad", phone="+46701230000")
    user = await login(client, "analyst")
    page = await (await client.get(f"/staff/members/{member_id}")).text()
    assert "Vera Visad" in page and "070-123 00 00" in page and "Statushistorik" in page
    assert "Hämta alla uppgifter" not in page  # export and erasure are for admins
    row = await one(db, "SELECT user_id, action FROM audit_log WHERE object_type = 'member' AND object_id = ?",
                             (str(member_id),))
    assert tuple(row) == (user.id, "view")
    assert (await client.get("/staff/members/999999")).status == 404


async def test_status_changes_are_checked(client: TestClient, db: Database, add_member: AddMember,
                                          login: Any) -> None:
    member_id = await add_member(status="invalid")
    await login(client, "analyst")
    url = f"/staff/members/{member_id}"
    assert (await post_form(client, url + "/status", {"status": "paused"}, page=url)).status == 409
    assert (await post_form(client, url + "/status", {"status": "deleted"}, page=url)).status == 400
    assert await db.fetch_value("SELECT status FROM members WHERE id = ?", (member_id,)) == "invalid"


async def test_invite_by_sms_once_per_number(client: TestClient, db: Database, add_member: AddMember,
                                             login: Any) -> None:
    await add_member(phone="+46701110000")
    await login(client, "analyst")
    numbers = "070-111 00 00\n070-222 00 00\nnot a number\n0702220000"
    response = await post_form(client, "/staff/members/invite", {"numbers": numbers, "language": "sv"})
    page = await response.text()
    assert "1 inbjudan lades i SMS-utkorgen" in page and "not a number" in page
    await post_form(client, "/staff/members/invite", {"numbers": "070-222 00 00", "language": "sv"})
    rows = await db.fetch_all(
        "SELECT recipient, body, dedupe_key FROM sms_messages WHERE purpose = 'member_invitation'")
    assert [r["recipient"] for r in rows] == ["+46702220000"]
    assert "/join" in rows[0]["body"]
    # The key that outlives the SMS cannot be turned back into the number by hashing every mobile number.
    assert hashlib.sha256(b"+46702220000").hexdigest()[:24] not in rows[0]["dedupe_key"]
    empty = await post_form(client, "/staff/members/invite", {"numbers": "x"})
    assert empty.status == 422


async def test_staff_correct_a_members_details(client: TestClient, db: Database, add_member: AddMember,
                                               districts: dict[str, int], login: Any) -> None:
    member_id = await add_member(name="Rätta Mig", phone="+46701239999")
    await add_member(phone="+46701238888")
    await login(client, "analyst")
    url = f"/staff/members/{member_id}"
    fields = {"phone": "070-123 99 99", "name": "Rättad Person", "email": "", "language": "en",
              "birth_year": "1977", "gender": "man", "district": "SOD"}
    response = await post_form(client, url, fields, allow_redirects=False)
    assert response.status == 303
    row = await one(db, "SELECT name, language, birth_year, gender, district_id, consent_channel FROM members"
                        " WHERE id = ?", (member_id,))
    assert tuple(row) == ("Rättad Person", "en", 1977, "man", districts["SOD"], "web")
    taken = await post_form(client, url, {**fields, "phone": "070-123 88 88"})
    assert taken.status == 422 and "tillhör redan en annan medlem" in await taken.text()
    bad_year = await post_form(client, url, {**fields, "birth_year": "77"})
    assert bad_year.status == 422 and 'href="#birth_year"' in await bad_year.text()
    assert await db.fetch_value("SELECT phone FROM members WHERE id = ?", (member_id,)) == "+46701239999"
    actions = [r["action"] for r in await db.fetch_all(
        "SELECT action FROM audit_log WHERE object_id = ? ORDER BY id", (str(member_id),))]
    assert "edit" in actions


async def test_list_views_are_audited_without_search_terms(client: TestClient, db: Database, login: Any) -> None:
    user = await login(client, "analyst")
    await client.get("/staff/members?q=070-555+12+34&status=active")
    row = await one(db, "SELECT user_id, action, detail FROM audit_log WHERE object_type = 'member'")
    assert tuple(row) == (user.id, "list", "status=active search")
