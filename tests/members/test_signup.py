"""Double opt-in through the public pages: form, SMS code, confirmation."""

import re

from aiohttp.test_utils import TestClient

from panel.db import Database
from tests.helpers import post_form
from tests.members.conftest import AddMember, one

FORM = {"phone": "070-765 43 21", "name": "Greta Nilsson", "email": "", "language": "sv", "birth_year": "1990",
        "gender": "woman", "district": "NOR", "consent": "yes", "consent_version": "2026-1"}


async def _sign_up(client: TestClient, **changes: str) -> str:
    response = await post_form(client, "/join", {**FORM, **changes}, allow_redirects=False)
    assert response.status == 303, await response.text()
    location = response.headers["Location"]
    assert location.startswith("/join/confirm/")
    return location


async def _code(db: Database) -> str:
    body = await db.fetch_value("SELECT body FROM sms_messages WHERE purpose = 'member_signup' ORDER BY id DESC")
    match = re.search(r"\b(\d{6})\b", body)
    assert match, body
    return match.group(1)


async def test_join_page_shows_the_consent_text(client: TestClient, districts: dict[str, int]) -> None:
    page = await (await client.get("/join")).text()
    assert "Jag samtycker till att kommunen sparar mitt mobilnummer" in page
    assert 'value="2026-1"' in page and "Norrby" in page


async def test_sign_up_needs_the_code_before_anyone_is_a_member(
    client: TestClient, db: Database, districts: dict[str, int]
) -> None:
    confirm_url = await _sign_up(client)
    assert await db.fetch_value("SELECT COUNT(*) FROM members") == 0
    sms = await one(db, "SELECT recipient, urgent, state FROM sms_messages WHERE purpose = 'member_signup'")
    assert tuple(sms) == ("+46707654321", 1, "queued")

    wrong = await post_form(client, confirm_url, {"code": "000000" if await _code(db) != "000000" else "111111"})
    assert wrong.status == 422
    assert "Koden stämmer inte" in await wrong.text()

    right = await post_form(client, confirm_url, {"code": await _code(db)}, allow_redirects=False)
    assert right.status == 303 and right.headers["Location"] == "/join/done"
    member = await one(db, "SELECT * FROM members")
    assert (member["phone"], member["name"], member["status"], member["birth_year"]) == (
        "+46707654321", "Greta Nilsson", "active", 1990)
    assert (member["consent_version"], member["consent_channel"]) == ("2026-1", "web")
    assert member["consent_at"] is not None and member["district_id"] == districts["NOR"]
    assert await db.fetch_value("SELECT status FROM member_status_history WHERE member_id = ?",
                                (member["id"],)) == "active"
    assert await db.fetch_value("SELECT COUNT(*) FROM member_signups") == 0

    again = await client.get(confirm_url)  # the link is used up; no second member can come of it
    assert again.status == 410
    assert await db.fetch_value("SELECT COUNT(*) FROM members") == 1


async def test_bad_form_stores_nothing(client: TestClient, db: Database, districts: dict[str, int]) -> None:
    response = await post_form(client, "/join", {**FORM, "phone": "08-123 456 78", "birth_year": "20",
                                                 "consent": ""})
    assert response.status == 422
    page = await response.text()
    assert "error-summary" in page and 'href="#phone"' in page and 'href="#consent"' in page
    assert 'aria-invalid="true"' in page
    assert await db.fetch_value("SELECT COUNT(*) FROM member_signups") == 0
    assert await db.fetch_value("SELECT COUNT(*) FROM sms_messages") == 0


async def test_too_many_codes_are_refused(client: TestClient, db: Database, districts: dict[str, int]) -> None:
    for _ in range(3):
        await _sign_up(client)
    response = await post_form(client, "/join", FORM)
    assert response.status == 429
    assert await db.fetch_value("SELECT COUNT(*) FROM sms_messages") == 3


async def test_five_wrong_codes_end_the_sign_up(client: TestClient, db: Database, districts: dict[str, int]) -> None:
    confirm_url = await _sign_up(client)
    code = await _code(db)
    wrong = "123456" if code != "123456" else "654321"
    for _ in range(4):
        assert (await post_form(client, confirm_url, {"code": wrong})).status == 422
    assert (await post_form(client, confirm_url, {"code": wrong})).status == 410
    assert (await post_form(client, confirm_url, {"code": code}, page="/join")).status == 410
    assert await db.fetch_value("SELECT COUNT(*) FROM members") == 0


async def test_a_member_who_left_comes_back_by_signing_up(
    client: TestClient, db: Database, add_member: AddMember, districts: dict[str, int]
) -> None:
    member_id = await add_member(status="left", phone="+46707654321")
    confirm_url = await _sign_up(client, language="en")
    await post_form(client, confirm_url, {"code": await _code(db)})
    member = await one(db, "SELECT status, left_at, language FROM members WHERE id = ?", (member_id,))
    assert tuple(member) == ("active", None, "en")
    assert await db.fetch_value("SELECT COUNT(*) FROM members") == 1


async def test_pages_and_texts_in_english(client: TestClient, db: Database, districts: dict[str, int]) -> None:
    page = await (await client.get("/join", headers={"Accept-Language": "en-GB,en;q=0.9"})).text()
    assert "Join the citizen panel" in page and "I agree that the municipality stores" in page
    await _sign_up(client, language="en", consent_version="2026-1")
    body = await db.fetch_value("SELECT body FROM sms_messages WHERE purpose = 'member_signup'")
    assert body.startswith("Your code for the citizen panel")
