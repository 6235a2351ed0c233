"""The analyst's flow: build a survey, preview it, count its reach and cost, send it, close it, copy it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from panel.db import Database
from panel.settings import Settings
from tests.helpers import post_form
from tests.surveys.factories import add_members, later, quiet_now

Login = Any


@pytest.fixture
def settings(make_settings: Any) -> Settings:
    return make_settings(public_url="http://panel.example.se", sms_quiet_hours=quiet_now())


def closes() -> str:
    return later(days=7).strftime("%Y-%m-%dT%H:%M")


async def create_survey(client: TestClient) -> str:
    response = await post_form(client, "/staff/surveys/new", {
        "title": "Parkerna", "invitation_text": "Hej {name}! Svara senast {deadline}: {link}",
        "closes_at": closes(), "reminder_after_days": "2", "reminder_max": "1", "action": "save",
    }, allow_redirects=False)
    assert response.status == 303, await response.text()
    return response.headers["Location"]


async def test_analyst_builds_previews_and_sends_a_survey(client: TestClient, login: Login, db: Database) -> None:
    await add_members(db, 4)
    await login(client, "analyst")
    url = await create_survey(client)
    response = await post_form(client, f"{url}/questions", {
        "kind": "scale_5", "text": "Hur nöjd är du med parkerna?", "required": "on", "page": "1"},
        page=url, allow_redirects=False)
    assert response.status == 303
    page = await (await client.get(url)).text()
    assert "Hur nöjd är du med parkerna?" in page
    assert "http://panel.example.se/s/" in page and "<caption>" in page  # the SMS as members get it, counted

    preview = await (await client.get(f"{url}/preview")).text()
    assert "Hur nöjd är du med parkerna?" in preview and "Förhandsvisning" in preview

    counted = await post_form(client, f"{url}/send", {"target_kind": "all", "action": "count"})
    text = await counted.text()
    assert counted.status == 200 and "4 medlemmar får inbjudan" in text and 'value="send"' in text
    assert await db.fetch_value("SELECT COUNT(*) FROM invitations") == 0  # a dry run sends nothing

    sent = await post_form(client, f"{url}/send", {"target_kind": "all", "action": "send"}, allow_redirects=False)
    assert sent.status == 303
    again = await post_form(client, f"{url}/send", {"target_kind": "all", "action": "send"}, page=url,
                            allow_redirects=False)
    assert again.status == 303  # a resubmitted send form sends nothing more
    assert await db.fetch_value("SELECT COUNT(*) FROM invitations") == 4
    assert await db.fetch_value("SELECT COUNT(*) FROM sms_messages WHERE purpose = 'invitation'") == 4

    outbox = await (await client.get("/staff/outbox")).text()
    tokens = [r["token"] for r in await db.fetch_all("SELECT token FROM invitations")]
    assert all(f"http://panel.example.se/s/{token}" in outbox for token in tokens)
    assert await db.fetch_value("SELECT action FROM audit_log WHERE object_type = 'survey'") == "survey.send"


async def test_mistakes_are_shown_with_what_was_typed(client: TestClient, login: Login, db: Database) -> None:
    await login(client, "analyst")
    response = await post_form(client, "/staff/surveys/new", {"title": "Parkerna", "invitation_text": "Svara!",
                                                              "closes_at": "", "action": "save"})
    page = await response.text()
    assert response.status == 422
    assert 'href="#invitation_text"' in page and 'href="#closes_at"' in page and 'value="Parkerna"' in page
    url = await create_survey(client)
    bad = await post_form(client, f"{url}/questions", {"kind": "single_choice", "text": "Hur?", "options": "Bil"},
                          page=url)
    assert bad.status == 422 and 'href="#options"' in await bad.text()
    assert await db.fetch_value("SELECT COUNT(*) FROM questions") == 0


async def test_questions_can_be_edited_moved_and_deleted_while_a_draft(client: TestClient, login: Login,
                                                                       db: Database) -> None:
    await login(client, "analyst")
    url = await create_survey(client)
    for text in ("Första?", "Andra?"):
        await post_form(client, f"{url}/questions", {"kind": "yes_no", "text": text, "page": "1"}, page=url)
    first, second = [r["id"] for r in await db.fetch_all("SELECT id FROM questions ORDER BY position")]
    await post_form(client, f"{url}/questions/{second}/move", {"direction": "up"}, page=url)
    order = [r["text"] for r in await db.fetch_all("SELECT text FROM questions ORDER BY position")]
    assert order == ["Andra?", "Första?"]
    await post_form(client, f"{url}/questions/{first}", {"kind": "yes_no", "text": "Ändrad?", "page": "2"})
    await post_form(client, f"{url}/questions/{second}/delete", {}, page=url)
    rows = await db.fetch_all("SELECT text, page FROM questions")
    assert [(r["text"], r["page"]) for r in rows] == [("Ändrad?", 2)]


async def test_sent_survey_cannot_change_but_can_be_closed_and_copied(client: TestClient, login: Login,
                                                                      db: Database) -> None:
    await add_members(db, 2)
    await login(client, "analyst")
    url = await create_survey(client)
    await post_form(client, f"{url}/questions", {"kind": "yes_no", "text": "Ja?", "page": "1"}, page=url)
    await post_form(client, f"{url}/send", {"target_kind": "all", "action": "send"})
    late = await post_form(client, f"{url}/questions", {"kind": "yes_no", "text": "Sen?"}, page=url)
    assert late.status == 409
    closed = await post_form(client, f"{url}/close", {}, page=url, allow_redirects=False)
    assert closed.status == 303
    assert await db.fetch_value("SELECT state FROM surveys") == "closed"
    copied = await post_form(client, f"{url}/copy", {}, page=url, allow_redirects=False)
    match = re.fullmatch(r"/staff/surveys/(\d+)/edit", copied.headers["Location"])
    assert match
    copy = await db.fetch_one("SELECT * FROM surveys WHERE id = ?", (int(match.group(1)),))
    assert copy["state"] == "draft" and copy["copied_from"] == 1 and copy["closes_at"] is None
    assert await db.fetch_value("SELECT COUNT(*) FROM questions WHERE survey_id = ?", (copy["id"],)) == 1


async def test_roles(client: TestClient, login: Login) -> None:
    anonymous = await client.get("/staff/surveys", allow_redirects=False)
    assert anonymous.status in (302, 303) and anonymous.headers["Location"].startswith("/login")
    await login(client, "viewer")
    assert (await client.get("/staff/surveys")).status == 200
    assert (await client.get("/staff/surveys/new")).status == 403
    assert (await client.get("/staff/surveys/999")).status == 404
