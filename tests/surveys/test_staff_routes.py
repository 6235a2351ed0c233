"""The analyst's flow: build a survey, preview it, count its reach and cost, send it, close it, copy it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from panel.clock import STOCKHOLM
from panel.db import Database
from panel.settings import Settings
from tests.helpers import post_form
from tests.surveys.factories import add_members, later, quiet_now

Login = Any


@pytest.fixture
def settings(make_settings: Any, request: pytest.FixtureRequest) -> Settings:
    """Quiet hours around the present moment, unless a test asks for others (parametrize indirect)."""
    quiet = getattr(request, "param", None)
    return make_settings(public_url="http://panel.example.se", sms_quiet_hours=quiet_now() if quiet is None else quiet)


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
    unconfirmed = await post_form(client, f"{url}/close", {}, page=url)
    page = await unconfirmed.text()
    assert unconfirmed.status == 422 and 'href="#confirm_close"' in page and 'class="error-summary"' in page
    assert "inte kan öppnas igen" in page and 'aria-invalid="true"' in page
    assert await db.fetch_value("SELECT state FROM surveys") == "open"  # not without the tick
    closed = await post_form(client, f"{url}/close", {"confirm": "yes"}, page=url, allow_redirects=False)
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


def _checked(page: str, field: str) -> list[str]:
    """The values of the ticked checkboxes and radio buttons named `field` on a page."""
    inputs = re.findall(r"<input[^>]*>", page)
    return [re.search(r'value="([^"]*)"', tag).group(1) for tag in inputs  # type: ignore[union-attr]
            if f'name="{field}"' in tag and " checked" in tag]


def _value(page: str, field: str) -> str:
    match = re.search(rf'<input[^>]*name="{field}"[^>]*value="([^"]*)"', page)
    assert match, field
    return match.group(1)


async def test_a_send_form_with_a_mistake_keeps_every_choice_and_sums_up_the_error(
        client: TestClient, login: Login, db: Database) -> None:
    await add_members(db, 3, district="NOR")
    await login(client, "analyst")
    url = await create_survey(client)
    await post_form(client, f"{url}/questions", {"kind": "yes_no", "text": "Ja?", "page": "1"}, page=url)
    choices = [("target_kind", "sample"), ("target_district", "NOR"), ("target_age_band", "30-44"),
               ("target_age_band", "65-79"), ("target_gender", "woman"), ("target_language", "en"),
               ("target_sample_size", ""), ("target_seed", "17"), ("target_skip_recent_days", "30"),
               ("target_max_surveys", "2"), ("target_period_days", "90")]
    for action in ("count", "send"):
        response = await post_form(client, f"{url}/send", [*choices, ("action", action)])
        page = await response.text()
        assert response.status == 422
        summary = page.split('class="error-summary"')[1].split("</div>")[0]
        assert '<a href="#target_sample_size">Ange hur många medlemmar urvalet ska ha.</a>' in summary
        assert page.index('class="error-summary"') < page.index('name="target_kind"')  # at the top
        assert _checked(page, "target_kind") == ["sample"]
        assert _checked(page, "target_district") == ["NOR"]
        assert _checked(page, "target_age_band") == ["30-44", "65-79"]
        assert _checked(page, "target_gender") == ["woman"]
        assert _checked(page, "target_language") == ["en"]
        assert [_value(page, f) for f in ("target_sample_size", "target_seed", "target_skip_recent_days",
                                          "target_max_surveys", "target_period_days")] == ["", "17", "30", "2", "90"]
    typo = await post_form(client, f"{url}/send", [("target_kind", "filter"), ("target_max_surveys", "many"),
                                                   ("action", "count")])
    page = await typo.text()
    assert typo.status == 422 and _value(page, "target_max_surveys") == "many" and 'href="#target_max_surveys"' in page
    assert await db.fetch_value("SELECT COUNT(*) FROM invitations") == 0


async def test_after_sending_the_survey_page_says_how_many_are_queued_and_when_they_go(
        client: TestClient, login: Login, db: Database) -> None:
    await add_members(db, 3)
    await login(client, "analyst")
    url = await create_survey(client)
    await post_form(client, f"{url}/questions", {"kind": "yes_no", "text": "Ja?", "page": "1"}, page=url)
    sent = await post_form(client, f"{url}/send", {"target_kind": "all", "action": "send"}, allow_redirects=False)
    assert sent.status == 303 and sent.headers["Location"] == f"{url}?done=sent"
    page = await (await client.get(sent.headers["Location"])).text()
    notice = page.split('class="notice ok" role="status"')[1].split("</div>")[0]
    assert "3 inbjudningar ligger i kö" in notice
    # The settings put the present inside the quiet hours, which end two hours from now (tests' quiet_now).
    end = (later(hours=2)).astimezone(STOCKHOLM).strftime("%H:%M")
    assert f"när de tysta timmarna slutar kl. {end}" in notice
    assert "ligger i kö" not in await (await client.get(url)).text()  # only right after sending


@pytest.mark.parametrize("settings", [""], indirect=True)  # no quiet hours at all
async def test_outside_the_quiet_hours_the_notice_says_the_sms_go_now(
        client: TestClient, login: Login, db: Database) -> None:
    await add_members(db, 1)
    await login(client, "analyst")
    url = await create_survey(client)
    await post_form(client, f"{url}/questions", {"kind": "yes_no", "text": "Ja?", "page": "1"}, page=url)
    sent = await post_form(client, f"{url}/send", {"target_kind": "all", "action": "send"})
    page = await sent.text()
    assert "1 inbjudan ligger i kö" in page and "Sms:en skickas nu" in page and "tysta timmarna" not in page


async def test_close_is_a_danger_button_behind_a_required_tick(client: TestClient, login: Login,
                                                               db: Database) -> None:
    await add_members(db, 1)
    await login(client, "analyst")
    url = await create_survey(client)
    await post_form(client, f"{url}/questions", {"kind": "yes_no", "text": "Ja?", "page": "1"}, page=url)
    await post_form(client, f"{url}/send", {"target_kind": "all", "action": "send"})
    page = await (await client.get(url)).text()
    form = page.split(f'action="{url}/close"')[1].split("</form>")[0]
    assert re.search(r'<input type="checkbox" id="confirm_close" name="confirm" value="yes" required', form)
    assert '<label for="confirm_close">Jag förstår att enkäten inte kan öppnas igen</label>' in form
    assert '<button type="submit" class="danger">Stäng enkäten nu</button>' in form


async def test_the_character_count_fills_the_deadline_from_the_closing_time_in_the_form(
        client: TestClient, login: Login, db: Database) -> None:
    await login(client, "analyst")
    text = "Hej {name}! Kommunen vill veta vad du tycker. Svara senast {deadline}: {link}"
    fields = {"title": "Parkerna", "invitation_text": text, "closes_at": "2030-12-10T18:00",
              "reminder_after_days": "3", "reminder_max": "1"}
    counted = await post_form(client, "/staff/surveys/new", {**fields, "action": "count"})
    page = await counted.text()
    assert counted.status == 200 and "Svara senast 10 december 18:00: http://panel.example.se/s/" in page
    characters = re.findall(r"<td>(\d+)</td>\s*<td>GSM-7", page)
    saved = await post_form(client, "/staff/surveys/new", {**fields, "action": "save"}, allow_redirects=False)
    survey_page = await (await client.get(saved.headers["Location"])).text()
    assert characters and characters == re.findall(r"<td>(\d+)</td>\s*<td>GSM-7", survey_page)
    # Before a closing time is typed, an example date stands in, and the page says so.
    blank = await (await client.get("/staff/surveys/new")).text()
    assert "Svara senast : " not in blank and "räknad med ett exempel: 30 september 20:00" in blank


async def test_one_sms_part_is_singular(client: TestClient, login: Login, db: Database) -> None:
    await add_members(db, 2)
    await login(client, "analyst")
    url = await create_survey(client)
    await post_form(client, f"{url}/questions", {"kind": "yes_no", "text": "Ja?", "page": "1"}, page=url)
    page = await (await post_form(client, f"{url}/send", {"target_kind": "all", "action": "count"})).text()
    assert "(1 sms-del per mottagare)" in page and "sms-delar" not in page
    await post_form(client, f"{url}/edit", {"title": "Parkerna", "invitation_text": "Hej {name}! " + "x" * 150
                                            + " {link}", "closes_at": closes(), "reminder_after_days": "0",
                                            "reminder_max": "0", "action": "save"})
    page = await (await post_form(client, f"{url}/send", {"target_kind": "all", "action": "count"})).text()
    assert "(2 sms-delar per mottagare)" in page
    await client.get("/lang/en")
    page = await (await post_form(client, f"{url}/send", {"target_kind": "all", "action": "count"})).text()
    assert "Estimated cost: SEK 1.80 (2 SMS segments per recipient)." in page
