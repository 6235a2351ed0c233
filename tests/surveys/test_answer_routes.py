"""The member's answer page: questions shown, answers stored once, one page for every unusable token."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from aiohttp.test_utils import TestClient

from panel.clock import utcnow
from panel.db import Database
from panel.members.targeting import Target
from surveys import invitations
from tests.helpers import csrf_token, post_form
from tests.surveys.factories import add_members, make_survey

ANSWERS = {"single": "2", "scale": "4", "yes_no": "yes"}


async def _fields(db: Database, survey_id: int) -> dict[str, str]:
    rows = await db.fetch_all("SELECT id, kind FROM questions WHERE survey_id = ? ORDER BY position", (survey_id,))
    values = dict(zip(["single", "scale", "yes_no"], ANSWERS.values(), strict=True))
    return {f"q{row['id']}": value for row, value in zip(rows, values.values(), strict=True)}


async def test_link_shows_the_questions_and_marks_opened(client: TestClient, sent_survey: dict[str, Any],
                                                         db: Database) -> None:
    token = next(iter(sent_survey["tokens"].values()))
    response = await client.get(f"/s/{token}")
    page = await response.text()
    assert response.status == 200
    assert "Hur tar du dig till jobbet?" in page and "<fieldset" in page and "<legend>" in page
    assert f"/leave?t={token}" in page
    assert await db.fetch_value("SELECT state FROM invitations WHERE token = ?", (token,)) == "opened"


async def test_english_member_sees_english(client: TestClient, db: Database) -> None:
    await add_members(db, 1, language="en")
    survey_id = await make_survey(db)
    await invitations.send_survey(db, survey_id, Target(), base_url="http://x", now=utcnow())
    token = await db.fetch_value("SELECT token FROM invitations")
    page = await (await client.get(f"/s/{token}")).text()
    assert "How do you get to work?" in page and "Bicycle" in page and 'lang="en"' in page
    assert "Send answers" in page  # the page itself from surveys/locale/en.po


async def test_answering_stores_each_answer_once_and_a_resubmit_says_already(
    client: TestClient, sent_survey: dict[str, Any], db: Database
) -> None:
    token = next(iter(sent_survey["tokens"].values()))
    fields = {"page": "1", **await _fields(db, sent_survey["survey_id"])}
    fields["csrf_token"] = await csrf_token(client, f"/s/{token}")
    response = await client.post(f"/s/{token}", data=fields, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == f"/s/{token}/tack"
    thanks = await client.get(f"/s/{token}/tack")
    assert "Tack för dina svar" in await thanks.text()
    resubmit = await client.post(f"/s/{token}", data=fields)  # the back button and "send" again
    assert resubmit.status == 200 and "redan svarat" in await resubmit.text()
    assert "redan svarat" in await (await client.get(f"/s/{token}")).text()
    rows = await db.fetch_all("SELECT value FROM answers ORDER BY question_id")
    assert [r["value"] for r in rows] == list(ANSWERS.values())
    assert await db.fetch_value("SELECT COUNT(*) FROM invitations WHERE completed_at IS NOT NULL") == 1


async def test_missing_required_answer_shows_the_error_summary_and_stores_nothing(
    client: TestClient, sent_survey: dict[str, Any], db: Database
) -> None:
    token = next(iter(sent_survey["tokens"].values()))
    fields = await _fields(db, sent_survey["survey_id"])
    first = next(iter(fields))
    del fields[first]
    response = await post_form(client, f"/s/{token}", {"page": "1", **fields})
    page = await response.text()
    assert response.status == 422
    assert 'class="error-summary"' in page and f'href="#{first}"' in page and 'aria-invalid' not in page.split(
        "error-summary")[0]
    assert await db.fetch_value("SELECT COUNT(*) FROM answers") == 0


async def test_each_message_of_the_error_summary_names_its_question_and_links_to_it(
    client: TestClient, db: Database
) -> None:
    await add_members(db, 1)
    questions = [
        {"kind": "yes_no", "text": "Sida ett?", "required": "on", "page": "1"},
        {"kind": "yes_no", "text": "Första?", "required": "on", "page": "2"},
        {"kind": "scale_5", "text": "Andra?", "required": "on", "page": "2"},
        {"kind": "free_text", "text": "Tredje?", "required": "on", "page": "2"},
    ]
    survey_id = await make_survey(db, questions)
    await invitations.send_survey(db, survey_id, Target(), base_url="http://x", now=utcnow())
    token = await db.fetch_value("SELECT token FROM invitations")
    ids = [r["id"] for r in await db.fetch_all("SELECT id FROM questions ORDER BY position")]
    response = await post_form(client, f"/s/{token}", {"page": "2"}, page=f"/s/{token}?p=2")
    page = await response.text()
    assert response.status == 422
    summary = page.split('class="error-summary"')[1].split("</div>")[0]
    # Numbered as on the page: page 2 starts at question 2.
    links = re.findall(r'<a href="#(q\d+)">([^<]*)</a>', summary)
    assert links == [(f"q{ids[1]}", "Fråga 2: Välj ett svar."), (f"q{ids[2]}", "Fråga 3: Välj ett svar."),
                     (f"q{ids[3]}", "Fråga 4: Skriv ett svar.")]
    assert f'<fieldset id="q{ids[1]}"' in page and f'<fieldset id="q{ids[2]}"' in page  # the links' targets
    assert f'<textarea id="q{ids[3]}"' in page


async def test_pages_keep_partial_answers(client: TestClient, db: Database) -> None:
    await add_members(db, 1)
    questions = [
        {"kind": "yes_no", "text": "Sida ett?", "required": "on", "page": "1"},
        {"kind": "free_text", "text": "Sida två?", "page": "2"},
    ]
    survey_id = await make_survey(db, questions)
    await invitations.send_survey(db, survey_id, Target(), base_url="http://x", now=utcnow())
    token = await db.fetch_value("SELECT token FROM invitations")
    ids = [r["id"] for r in await db.fetch_all("SELECT id FROM questions ORDER BY position")]
    response = await post_form(client, f"/s/{token}", {"page": "1", f"q{ids[0]}": "no"}, allow_redirects=False)
    assert response.headers["Location"] == f"/s/{token}?p=2"
    assert await db.fetch_value("SELECT state FROM invitations") == "started"
    resumed = await (await client.get(f"/s/{token}")).text()  # a member coming back continues on page 2
    assert "Sida två?" in resumed and "Sida 2 av 2" in resumed
    back = await (await client.get(f"/s/{token}?p=1")).text()
    assert f'id="q{ids[0]}-no" name="q{ids[0]}" value="no" checked' in back


async def test_unknown_expired_and_closed_tokens_get_the_same_page(
    client: TestClient, sent_survey: dict[str, Any], db: Database
) -> None:
    tokens = list(sent_survey["tokens"].values())
    async with db.transaction() as tx:
        await tx.execute("UPDATE invitations SET state = 'opted_out' WHERE token = ?", (tokens[1],))
    guessed = await client.get("/s/AAAAAAAAAAAA")
    malformed = await client.get("/s/x'%20OR%201=1")
    opted_out = await client.get(f"/s/{tokens[1]}")
    async with db.transaction() as tx:
        await invitations.close(tx, sent_survey["survey_id"], now="2026-01-01T00:00:00.000Z")
    closed = await client.get(f"/s/{tokens[0]}")
    # The pages may differ only in the language switch, which links back to the address asked for.
    bodies = {re.sub(r'href="/lang/en\?next=[^"]*"', "", await r.text())
              for r in (guessed, malformed, opted_out, closed)}
    assert {r.status for r in (guessed, malformed, opted_out, closed)} == {404}
    assert len(bodies) == 1
    assert "går inte att besvara" in bodies.pop()


async def test_two_hundred_members_answering_at_once_store_two_hundred_completions(
    client: TestClient, db: Database
) -> None:
    await add_members(db, 200)
    survey_id = await make_survey(db)
    await invitations.send_survey(db, survey_id, Target(), base_url="http://x", now=utcnow())
    tokens = [r["token"] for r in await db.fetch_all("SELECT token FROM invitations")]
    fields = await _fields(db, survey_id)

    async def answer(token: str) -> int:
        response = await post_form(client, f"/s/{token}", {"page": "1", **fields}, allow_redirects=False)
        return response.status

    statuses = await asyncio.gather(*(answer(token) for token in tokens))
    assert statuses == [303] * 200
    assert await db.fetch_value("SELECT COUNT(*) FROM invitations WHERE completed_at IS NOT NULL") == 200
    assert await db.fetch_value("SELECT COUNT(*) FROM answers") == 600


async def test_the_same_member_submitting_twice_at_once_completes_once(
    client: TestClient, sent_survey: dict[str, Any], db: Database
) -> None:
    token = next(iter(sent_survey["tokens"].values()))
    fields = await _fields(db, sent_survey["survey_id"])
    # The form is read once, as one open browser tab would; its five submissions then race each other.
    csrf = await csrf_token(client, f"/s/{token}")
    form = [("csrf_token", csrf), ("page", "1"), *fields.items()]
    responses = await asyncio.gather(*(
        client.post(f"/s/{token}", data=form, allow_redirects=False) for _ in range(5)))
    statuses = [r.status for r in responses]
    assert 303 in statuses and all(status < 500 for status in statuses), statuses
    assert await db.fetch_value("SELECT COUNT(*) FROM answers") == 3
    assert await db.fetch_value("SELECT COUNT(*) FROM invitations WHERE completed_at IS NOT NULL") == 1


async def test_a_post_not_from_our_form_gets_a_clear_400(client: TestClient, sent_survey: dict[str, Any]) -> None:
    token = next(iter(sent_survey["tokens"].values()))
    response = await post_form(client, f"/s/{token}", {"page": "7"})
    assert response.status == 400 and "kunde inte sparas" in await response.text()
