"""The resident's tracking page: their case only, the public history and the answer, writing again, the verdict."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.test_utils import TestClient

from feedback import case_actions
from feedback.handling import DECISIONS, DecisionRequest
from feedback.intake import DEFAULT_ANSWER_DAYS, due_at
from panel import clock
from panel.auth import User
from panel.keys import DB
from tests.feedback.handling_support import BASE_URL, case_row, new_case
from tests.helpers import post_form

Login = Callable[[TestClient, str], Awaitable[User]]
HANNA = User(1, "hanna", "Handläggare Hanna", "handler")


async def take(app: web.Application, case_id: int, decision: str, comment: str = "", department: str = "") -> None:
    case = await case_row(app[DB], case_id)
    async with app[DB].transaction() as tx:
        await tx.execute("INSERT OR IGNORE INTO users (id, username, display_name, password_hash, role)"
                         " VALUES (?, ?, ?, 'not a hash', 'handler')", (HANNA.id, HANNA.username, HANNA.display_name))
        await case_actions.decide(tx, case, DecisionRequest(DECISIONS[decision], comment, department), HANNA,
                                  expected_updated_at=case["updated_at"], now=clock.now_db(), base_url=BASE_URL)


async def nonce_of(client: TestClient, url: str) -> str:
    match = re.search(r'name="nonce" value="([^"]+)"', await (await client.get(url)).text())
    assert match
    return match.group(1)


async def test_page_shows_state_answer_and_public_history_only(client: TestClient, app: web.Application) -> None:
    case = await new_case(app[DB], contact_email="anna@exempel.se", contact_name="Anna Andersson")
    await take(app, case.case_id, "note", "Intern: ring entreprenören")
    await take(app, case.case_id, "answer", "Vi lagar hålet nästa vecka.")
    response = await client.get(f"/t/{case.tracking_token}")
    page = await response.text()
    assert response.status == 200
    assert response.headers["Referrer-Policy"] == "no-referrer" and response.headers["Cache-Control"] == "no-store"
    assert case.reference in page and "Besvarad" in page and "Vi lagar hålet nästa vecka." in page
    assert "Ärendet besvarades" in page
    for private in ("Intern: ring entreprenören", "Anna Andersson", "anna@exempel.se", "Hanna"):
        assert private not in page


async def test_unknown_token_is_404(client: TestClient) -> None:
    assert (await client.get("/t/not-a-real-token-at-all")).status == 404
    assert (await client.get("/t/x")).status == 404


async def test_resident_message_joins_the_thread_once(client: TestClient, app: web.Application) -> None:
    case = await new_case(app[DB])
    url = f"/t/{case.tracking_token}"
    nonce = await nonce_of(client, url)
    for _ in range(2):  # the second post is a resubmitted form
        response = await post_form(client, f"{url}/message", {"message": "Hålet har blivit större.", "nonce": nonce},
                                   page=url, allow_redirects=False)
        assert response.status == 303
    rows = await app[DB].fetch_all("SELECT direction, channel, body FROM case_messages WHERE case_id = ?",
                                   (case.case_id,))
    assert [tuple(row) for row in rows] == [("in", "web", "Hålet har blivit större.")]
    assert "Hålet har blivit större." in await (await client.get(url)).text()


async def test_empty_or_overlong_message_is_refused(client: TestClient, app: web.Application) -> None:
    case = await new_case(app[DB])
    url = f"/t/{case.tracking_token}"
    nonce = await nonce_of(client, url)
    empty = await post_form(client, f"{url}/message", {"message": " ", "nonce": nonce}, page=url)
    assert empty.status == 422 and "Skriv ditt meddelande" in await empty.text()
    long = await post_form(client, f"{url}/message", {"message": "x" * 5001, "nonce": nonce}, page=url)
    assert long.status == 422
    assert await app[DB].fetch_value("SELECT COUNT(*) FROM case_messages") == 0


async def test_resolved_closes_and_not_resolved_reopens(client: TestClient, app: web.Application) -> None:
    first, second = await new_case(app[DB]), await new_case(app[DB])
    for case, choice, state in ((first, "yes", "closed"), (second, "no", "open")):
        await take(app, case.case_id, "answer", "Svar")
        url = f"/t/{case.tracking_token}"
        response = await post_form(client, f"{url}/verdict", {"resolved": choice}, page=url, allow_redirects=False)
        assert response.status == 303
        row = await case_row(app[DB], case.case_id)
        assert (row["state"], row["resolved"]) == (state, 1 if choice == "yes" else 0)
    again = await post_form(client, f"/t/{first.tracking_token}/verdict", {"resolved": "no"},
                            page=f"/t/{first.tracking_token}")
    assert again.status == 409
    assert (await case_row(app[DB], first.case_id))["state"] == "closed"


async def test_completion_request_shows_the_question_and_reply_reopens(client: TestClient,
                                                                       app: web.Application) -> None:
    case = await new_case(app[DB], channel="sms", contact_phone="+46701234567", category_code=None)
    await take(app, case.case_id, "request_completion", "Var exakt ligger hålet?")
    url = f"/t/{case.tracking_token}"
    page = await (await client.get(url)).text()
    assert "Var exakt ligger hålet?" in page and "Komplettera ditt ärende" in page
    before = (await case_row(app[DB], case.case_id))["answer_due_at"]
    await post_form(client, f"{url}/message", {"message": "Vid busshållplatsen.", "nonce": "n1"}, page=url)
    row = await case_row(app[DB], case.case_id)
    assert row["state"] == "open"
    # The answer time starts again from the completion: ten working days from the reply.
    assert row["answer_due_at"] == due_at(clock.from_db(row["updated_at"]), DEFAULT_ANSWER_DAYS)
    assert row["answer_due_at"] >= before


async def test_merged_duplicate_gets_the_answer(client: TestClient, app: web.Application, login: Login) -> None:
    await login(client, "handler")
    target = await new_case(app[DB], contact_email="first@exempel.se")
    duplicate = await new_case(app[DB], contact_email="second@exempel.se", body="Potthål Storgatan 12 igen")
    page = await (await client.get(f"/staff/cases/{duplicate.case_id}")).text()
    assert target.reference in page  # suggested as similar
    version = (await case_row(app[DB], duplicate.case_id))["updated_at"]
    response = await post_form(client, f"/staff/cases/{duplicate.case_id}/merge",
                               {"version": version, "target": target.reference},
                               page=f"/staff/cases/{duplicate.case_id}", allow_redirects=False)
    assert response.status == 303
    row = await case_row(app[DB], duplicate.case_id)
    assert (row["state"], row["merged_into_id"]) == ("closed", target.case_id)
    await take(app, target.case_id, "answer", "Hålet lagas i morgon.")
    bodies = [r["body"] for r in await app[DB].fetch_all(
        "SELECT body FROM email_outbox WHERE recipient = 'second@exempel.se' ORDER BY id")]
    assert any("Hålet lagas i morgon." in body for body in bodies)
    page = await (await client.get(f"/t/{duplicate.tracking_token}")).text()
    assert "Hålet lagas i morgon." in page
    self_merge = await post_form(client, f"/staff/cases/{target.case_id}/merge",
                                 {"version": (await case_row(app[DB], target.case_id))["updated_at"],
                                  "target": target.reference}, page=f"/staff/cases/{target.case_id}")
    assert self_merge.status == 422


async def test_page_shows_the_category_and_place_the_resident_gave(client: TestClient, app: web.Application) -> None:
    await app[DB].execute("INSERT INTO districts (code, name) VALUES ('NOR', 'Norrby'), ('SJO', 'Sjövik')")
    case = await new_case(app[DB], location_text="Norrbyvägen 22", district_code="NOR")
    await new_case(app[DB], category_code="park", location_text="Sjöviks badplats", district_code="SJO")
    page = await (await client.get(f"/t/{case.tracking_token}")).text()
    assert '<th scope="row">Kategori</th><td>Gator, vägar och belysning</td>' in page
    assert "Norrbyvägen 22" in page and '<th scope="row">Kommundel</th><td>Norrby</td>' in page
    for elsewhere in ("Sjöviks badplats", "Sjövik", "Parker", "Samhällsbyggnad"):  # another case; the department
        assert elsewhere not in page
    english = await (await client.get(f"/t/{case.tracking_token}", headers={"Accept-Language": "en"})).text()
    assert "Streets, roads and lighting" in english and "Part of the municipality" in english
