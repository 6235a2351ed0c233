"""Staff quick entry of a phone call, visit or letter: roles, the case it makes, answered directly."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from panel.auth import User
from panel.keys import DB
from tests.helpers import post_form

Login = Callable[[TestClient, str], Awaitable[User]]


async def nonce(client: TestClient) -> str:
    match = re.search(r'name="nonce" value="([^"]+)"', await (await client.get("/staff/cases/new")).text())
    assert match
    return match.group(1)


def call(**changes: str) -> dict[str, str]:
    values = {"channel": "phone", "kind": "question", "category": "skola", "body": "Frågar om skolskjuts.",
              "phone": "0701234567"}
    values.update(changes)
    return values


async def test_anonymous_visitors_are_sent_to_log_in(client: TestClient) -> None:
    response = await client.get("/staff/cases/new", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("role", ["analyst", "viewer"])
async def test_only_handlers_and_admins_register_cases(client: TestClient, login: Login, role: str) -> None:
    await login(client, role)
    assert (await client.get("/staff/cases/new")).status == 403


async def test_a_phone_call_becomes_a_case(client: TestClient, app: web.Application, login: Login) -> None:
    user = await login(client, "handler")
    page = await (await client.get("/staff/cases/new")).text()
    assert "<legend>" in page and 'name="answered_directly"' in page
    response = await post_form(client, "/staff/cases/new", {**call(), "nonce": await nonce(client)},
                               allow_redirects=False)
    assert response.status == 303
    case = await app[DB].fetch_one("SELECT * FROM cases")
    assert case is not None
    assert response.headers["Location"] == f"/staff/cases/{case['id']}"
    assert (case["channel"], case["state"], case["created_by_user_id"]) == ("phone", "new", user.id)
    assert await app[DB].fetch_value("SELECT phone FROM case_contacts") == "+46701234567"
    assert await app[DB].fetch_value(
        "SELECT count(*) FROM audit_log WHERE action = 'create' AND object_type = 'case'") == 1


async def test_answered_directly_closes_the_case(client: TestClient, app: web.Application, login: Login) -> None:
    await login(client, "admin")
    data = {**call(channel="visit", answered_directly="1"), "nonce": await nonce(client)}
    await post_form(client, "/staff/cases/new", data, allow_redirects=False)
    again = await post_form(client, "/staff/cases/new", data, allow_redirects=False)  # reload after POST
    assert again.status == 303
    rows = await app[DB].fetch_all("SELECT channel, state, answered_directly FROM cases")
    assert [tuple(row) for row in rows] == [("visit", "closed", 1)]


async def test_bad_input_is_explained(client: TestClient, app: web.Application, login: Login) -> None:
    await login(client, "handler")
    data = {**call(channel="web", body=""), "nonce": await nonce(client)}
    response = await post_form(client, "/staff/cases/new", data)
    assert response.status == 422
    page = await response.text()
    assert 'href="#channel"' in page and 'href="#body"' in page
    assert await app[DB].fetch_value("SELECT count(*) FROM cases") == 0


async def test_the_case_page_shows_the_entry_in_words_with_its_place(client: TestClient, app: web.Application,
                                                                     login: Login) -> None:
    await app[DB].execute("INSERT INTO districts (code, name) VALUES ('NOR', 'Norrby')")
    await login(client, "handler")
    entry = {**call(category="avfall", district="NOR", location="Norrbyvägen 22"), "nonce": await nonce(client)}
    response = await post_form(client, "/staff/cases/new", entry, page="/staff/cases/new", allow_redirects=False)
    page = await (await client.get(response.headers["Location"])).text()
    assert '<th scope="row">Kommundel</th><td>Norrby</td>' in page
    assert "Norrbyvägen 22" in page
    assert 'Ärendet registrerades <span class="muted">(Telefon)</span>' in page and "(phone)" not in page


async def test_the_entry_form_names_its_channels_as_the_case_pages_do(client: TestClient, login: Login) -> None:
    await login(client, "handler")
    page = await (await client.get("/staff/cases/new")).text()
    labels = re.findall(r'<label for="channel[^"]*">([^<]+)</label>', page)
    assert labels == ["Telefon", "Besök", "Brev"]
