"""A member answers a survey on a phone in a real browser, with the keyboard and without JavaScript;
the answer pages pass an automated accessibility check (axe-core)."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web
from axe_playwright_python.async_playwright import Axe

from panel.clock import utcnow
from panel.keys import DB
from panel.members.targeting import Target
from surveys import invitations
from tests.surveys.factories import add_members, make_survey

pytestmark = pytest.mark.browser


async def _no_violations(page: Any) -> None:
    results = await Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


async def test_a_member_answers_on_a_phone(app: web.Application, live_url: str, phone_page: Any) -> None:
    db = app[DB]
    await add_members(db, 1)
    survey_id = await make_survey(db, [
        {"kind": "scale_5", "text": "Hur nöjd är du med parkerna?", "required": "on", "dont_know": "on"},
        {"kind": "multiple_choice", "text": "Vilka parker besöker du?", "options": "Stadsparken\nÅparken",
         "page": "2"},
        {"kind": "free_text", "text": "Något mer?", "page": "2"},
    ])
    await invitations.send_survey(db, survey_id, Target(), base_url=live_url, now=utcnow())
    token = await db.fetch_value("SELECT token FROM invitations")
    page = phone_page
    await page.goto(f"{live_url}/s/{token}")
    await _no_violations(page)

    await page.get_by_role("button", name="Nästa sida").click()  # nothing chosen
    assert await page.locator(".error-summary").is_visible()
    await _no_violations(page)

    await page.get_by_label("4").check()
    await page.keyboard.press("Enter")  # the keyboard submits as well as the button
    await page.wait_for_url(f"**/s/{token}?p=2")
    await page.get_by_label("Åparken").check()
    await page.get_by_label("Något mer?").fill("Fler bänkar, tack.")
    await _no_violations(page)
    await page.get_by_role("button", name="Skicka svaren").click()
    await page.wait_for_url(f"**/s/{token}/tack")
    assert await page.get_by_role("heading", name="Tack för dina svar!").is_visible()
    await _no_violations(page)

    rows = await db.fetch_all("SELECT value FROM answers ORDER BY question_id")
    assert [r["value"] for r in rows] == ["4", "2", "Fler bänkar, tack."]
