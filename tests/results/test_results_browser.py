"""The published results and statistics pages in a real browser: readable on a phone, no axe-core violations,
and the staff results page as a viewer (politician) sees it."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web
from axe_playwright_python.async_playwright import Axe

from panel import auth
from panel.keys import DB
from surveys.results import queries
from tests.conftest import PASSWORD
from tests.results.test_results_web import seed

pytestmark = pytest.mark.browser


async def _no_violations(page: Any) -> None:
    results = await Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


async def test_public_results_on_a_phone(app: web.Application, live_url: str, phone_page: Any) -> None:
    ids = await seed(app)
    async with app[DB].transaction() as tx:
        await queries.publish(tx, ids["survey"], None, "Många cyklar redan.", "2026-11-01T00:00:00.000Z")
        await tx.execute("INSERT INTO statistics_publications (period, published_at) VALUES ('2026-10', 'x')")
    await phone_page.goto(f"{live_url}/results")
    await phone_page.click("text=Cykelvägar")
    assert await phone_page.locator("h1").inner_text() == "Cykelvägar"
    assert await phone_page.locator("svg[role=img]").count() >= 3
    # Nothing wider than the phone: the page scrolls down, not sideways.
    assert await phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    await _no_violations(phone_page)
    await phone_page.goto(f"{live_url}/statistics")
    await _no_violations(phone_page)


async def test_a_viewer_reads_the_results_and_the_report(app: web.Application, live_url: str, page: Any) -> None:
    ids = await seed(app)
    async with app[DB].transaction() as tx:
        await auth.create_user(tx, "politiker", PASSWORD, "viewer", "Pia Politiker")
    await page.goto(f"{live_url}/login?next=/staff/surveys/{ids['survey']}/results")
    await page.fill("#username", "politiker")
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"**/staff/surveys/{ids['survey']}/results")
    figures = await page.locator(".key-figures").inner_text()
    assert "15" in figures and "88 %" in figures
    await _no_violations(page)
    await page.click('a[href$="/results/report"]')
    await page.emulate_media(media="print")
    assert not await page.locator(".site-header").is_visible()
    assert await page.locator(".report figure.chart").count() == 1
