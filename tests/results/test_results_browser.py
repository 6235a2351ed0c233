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
from tests.results import builders as b
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


# A4 less the report's 12 mm margins on either side, in CSS pixels (96 per inch): what a printed page is wide.
PRINTABLE_WIDTH = round((210 - 2 * 12) / 25.4 * 96)
NINE_POINTS = 12.0  # CSS px

_PRINTED_TEXT = """() => Array.from(document.querySelectorAll('figure.chart svg')).map(svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const sizes = Array.from(svg.querySelectorAll('text')).map(t => parseFloat(getComputedStyle(t).fontSize));
  return {id: svg.getAttribute('aria-labelledby'), px: Math.min(...sizes) * scale,
          left: Math.round(svg.getBoundingClientRect().left)};
})"""


async def _printed_charts(page: Any, url: str) -> list[dict[str, Any]]:
    """Each chart of the page as printed on A4: its smallest text in CSS px, and where its left edge lies."""
    await page.set_viewport_size({"width": PRINTABLE_WIDTH, "height": 1000})
    await page.emulate_media(media="print")
    await page.goto(url)
    charts: list[dict[str, Any]] = await page.evaluate(_PRINTED_TEXT)
    assert charts, page.url
    return charts


async def test_printed_reports_give_every_chart_the_page_width_so_labels_print_at_9_pt(
        app: web.Application, live_url: str, page: Any) -> None:
    ids = await seed(app)
    async with app[DB].transaction() as tx:
        question = await b.question(tx, ids["survey"], 3, "single_choice", "Hur tar du dig till jobbet?",
                                    ["Bil", "Buss", "Cykel", "Till fots"])
        for value in ("1", "2", "3", "3", "4"):
            await b.respondent(tx, ids["survey"], ("N", "30-44", "woman"), {question: value})
        await auth.create_user(tx, "analytiker", PASSWORD, "analyst", "Alva Analytiker")
    await page.goto(f"{live_url}/login")
    await page.fill("#username", "analytiker")
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url("**/staff")
    for url in (f"{live_url}/staff/surveys/{ids['survey']}/results/report",
                f"{live_url}/staff/statistics/report?period=2026-10"):
        charts = await _printed_charts(page, url)
        assert len({chart["left"] for chart in charts}) == 1, charts  # one chart per row
        assert all(chart["px"] >= NINE_POINTS for chart in charts), charts
