"""Staff add a member by hand, with the consent they gave on paper or by phone."""

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from panel.db import Database
from tests.helpers import post_form

FORM = {"phone": "070-123 45 67", "name": "Berit Svensson", "language": "sv", "birth_year": "1948",
        "gender": "woman", "district": "NOR", "consent": "yes", "consent_date": "2026-11-20"}


async def test_admin_adds_a_member_stored_as_e164(client: TestClient, db: Database, districts: Any,
                                                  login: Any) -> None:
    user = await login(client, "admin")
    response = await post_form(client, "/staff/members/new", FORM, allow_redirects=False)
    assert response.status == 303
    member = await db.fetch_one("SELECT * FROM members WHERE name = 'Berit Svensson'")
    assert member is not None
    assert member["phone"] == "+46701234567" and member["status"] == "active"
    assert member["consent_channel"] == "staff" and member["consent_at"].startswith("2026-11-20")
    assert member["consent_version"] != ""
    assert response.headers["Location"] == f"/staff/members/{member['id']}?notice=created"
    audit = await db.fetch_one("SELECT * FROM audit_log WHERE action = 'create' AND object_type = 'member'")
    assert audit is not None and audit["user_id"] == user.id and audit["object_id"] == str(member["id"])
    again = await post_form(client, "/staff/members/new", {**FORM, "phone": "+46 70 123 45 67"})
    assert again.status == 422 and "tillhör redan en medlem" in await again.text()
    assert await db.fetch_value("SELECT COUNT(*) FROM members") == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"phone": "08-123 456 78"}, "fast nummer"),
        ({"phone": "12"}, "giltigt mobilnummer"),
        ({"consent": ""}, "Bekräfta att personen"),
        ({"consent_date": "2099-01-01"}, "framtiden"),
        ({"consent_date": "igår"}, "Ange datumet"),
        ({"district": "XYZ"}, "Okänt område"),
    ],
)
async def test_bad_input_is_named_and_nothing_is_stored(client: TestClient, db: Database, districts: Any,
                                                        login: Any, change: dict[str, str], message: str) -> None:
    await login(client, "analyst")
    response = await post_form(client, "/staff/members/new", {**FORM, **change})
    assert response.status == 422
    assert message in await response.text()
    assert await db.fetch_value("SELECT COUNT(*) FROM members") == 0


@pytest.mark.parametrize("role", ["handler", "viewer"])
async def test_only_panel_staff_may_add(client: TestClient, db: Database, districts: Any, login: Any,
                                        role: str) -> None:
    await login(client, role)
    assert (await client.get("/staff/members/new")).status == 403
    response = await post_form(client, "/staff/members/new", FORM, page="/staff")
    assert response.status == 403
    assert await db.fetch_value("SELECT COUNT(*) FROM members") == 0
