"""A handler takes a case from the inbox to answered in a real browser, and the resident reads the answer and
says it resolved the case; the inbox, case and tracking pages pass an automated accessibility check (axe-core)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from axe_playwright_python.async_playwright import Axe

from panel.keys import DB
from tests.conftest import PASSWORD
from tests.feedback.handling_support import case_row, new_case

pytestmark = pytest.mark.browser


async def no_violations(page: Any) -> None:
    results = await Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


async def test_inbox_to_answer_to_resolved(app: web.Application, live_url: str, page: Any, phone_page: Any,
                                           make_user: Callable[[str], Awaitable[Any]]) -> None:
    case = await new_case(app[DB], contact_email="anna@exempel.se")
    user = await make_user("handler")
    await page.goto(live_url + "/lang/sv?next=/login")
    await page.get_by_label("Användarnamn").fill(user.username)
    await page.get_by_label("Lösenord").fill(PASSWORD)
    await page.get_by_role("button", name="Logga in").click()
    await page.wait_for_url(lambda url: "/login" not in url)

    await page.goto(live_url + "/staff/cases")
    await no_violations(page)
    await page.get_by_role("link", name=case.reference).click()
    assert await page.get_by_role("heading", name="Beslut").is_visible()
    await no_violations(page)
    await page.get_by_label("Svara", exact=True).check()
    await page.get_by_label("Kommentar").fill("Hålet lagas på tisdag. Tack för att du hörde av dig!")
    await page.get_by_role("button", name="Spara beslut").click()
    assert await page.get_by_role("status").filter(has_text="Sparat").is_visible()
    assert (await case_row(app[DB], case.case_id))["state"] == "answered"

    await phone_page.goto(f"{live_url}/lang/sv?next=/t/{case.tracking_token}")
    assert await phone_page.get_by_text("Hålet lagas på tisdag.").first.is_visible()
    await no_violations(phone_page)
    await phone_page.get_by_label("Ja, ärendet kan avslutas").check()
    await phone_page.get_by_role("button", name="Skicka besked").click()
    assert await phone_page.get_by_role("status").filter(has_text="Ärendet är avslutat").is_visible()
    assert (await case_row(app[DB], case.case_id))["state"] == "closed"
