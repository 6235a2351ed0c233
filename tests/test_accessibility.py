"""Every page a resident or official opens passes an automated accessibility check (axe-core, WCAG 2.1 AA),
on a phone and on a desktop, in Swedish and English, with the demo municipality's data in it."""

from __future__ import annotations

import random
from typing import Any

import pytest
from aiohttp import web
from axe_playwright_python.async_playwright import Axe

from panel import demo
from panel.keys import DB, SETTINGS
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


async def _seed(app: web.Application) -> dict[str, str]:
    """The demo's data, and the addresses of a few of its personal pages."""
    db = app[DB]
    for module in demo.SEEDERS:
        await module.seed(db, random.Random(2026), demo.clock.utcnow(), base_url=app[SETTINGS].base_url)
    case = await db.fetch_one("SELECT id, tracking_token FROM cases ORDER BY id DESC LIMIT 1")
    invitation = await db.fetch_value(
        "SELECT i.token FROM invitations i JOIN surveys s ON s.id = i.survey_id"
        " WHERE s.state = 'open' AND i.state != 'completed' LIMIT 1")
    survey = await db.fetch_value("SELECT id FROM surveys WHERE state = 'closed' LIMIT 1")
    category = await db.fetch_value("SELECT id FROM categories WHERE code = 'gata'")
    assert case and invitation and survey and category
    return {"case": str(case["id"]), "track": case["tracking_token"], "invitation": invitation,
            "survey": str(survey), "category": str(category)}


async def _check(page: Any, url: str) -> None:
    response = await page.goto(url)
    assert response is not None and response.status < 400, url
    results = await Axe().run(page, options=WCAG_AA)
    assert results.violations_count == 0, f"{url}\n{results.generate_report()}"


PUBLIC = ["/", "/feedback", "/join", "/leave", "/results", "/statistics", "/t/{track}", "/s/{invitation}",
          "/login"]
STAFF = ["/staff", "/staff/cases", "/staff/cases/{case}", "/staff/cases/new", "/staff/members",
         "/staff/members/new", "/staff/population", "/staff/surveys", "/staff/surveys/{survey}",
         "/staff/surveys/{survey}/results", "/staff/statistics", "/staff/outbox", "/staff/mail-outbox",
         "/staff/users", "/staff/audit", "/staff/categories", "/staff/categories/new",
         "/staff/categories/{category}", "/staff/categories/{category}/phrases", "/staff/departments",
         "/staff/departments/new", "/staff/departments/edit?name=Samh%C3%A4llsbyggnad"]


@pytest.mark.parametrize("language", ["sv", "en"])
async def test_public_pages_on_a_phone(app: web.Application, live_url: str, phone_page: Any, language: str) -> None:
    ids = await _seed(app)
    await phone_page.goto(f"{live_url}/lang/{language}?next=/")
    for path in PUBLIC:
        await _check(phone_page, live_url + path.format(**ids))


async def test_staff_pages_on_a_desktop(app: web.Application, live_url: str, page: Any, make_user: Any) -> None:
    ids = await _seed(app)
    admin = await make_user("admin")
    await page.goto(live_url + "/lang/sv?next=/login")
    await page.fill("#username", admin.username)
    await page.fill("#password", PASSWORD)
    await page.click("main button[type=submit]")
    for path in STAFF:
        await _check(page, live_url + path.format(**ids))
