"""The outbox page and the segment counter in a real browser: accessible (axe-core), usable on a phone,
and the counter following the typing when JavaScript runs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from axe_playwright_python.async_playwright import Axe

from panel.keys import DB, SETTINGS, TEMPLATES
from panel.settings import Settings
from panel.web import page_context
from sms import outbox
from sms.compose import counter
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

COMPOSE = """{% extends "base.html" %}{% from "sms/_segment_counter.html" import segment_counter %}
{% block content %}<h1>Skriv</h1><form method="post" action="/compose">{{ csrf_field() }}
<div class="field"><label for="body">Text</label>
<textarea id="body" name="body" aria-describedby="body-segments"></textarea></div>
{{ segment_counter(counter, "body") }}</form>{% endblock %}"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.replace(public_url="", sms_quiet_hours="20:00-08:00")


@pytest.fixture
def app(app: web.Application) -> web.Application:
    async def compose(request: web.Request) -> web.Response:
        """A stand-in for another package's compose form, which is where the counter lives."""
        context = {**page_context(request), "counter": counter("", request.app[SETTINGS].sms_price_per_segment)}
        html = request.app[TEMPLATES].from_string(COMPOSE).render(context)
        return web.Response(text=html, content_type="text/html")

    app.router.add_get("/compose", compose)
    return app


async def _no_violations(page: Any) -> None:
    results = await Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


async def log_in(page: Any, live_url: str, make_user: Callable[[str], Awaitable[Any]], role: str) -> None:
    user = await make_user(role)
    await page.goto(live_url + "/lang/sv?next=/login")
    await page.get_by_label("Användarnamn").fill(user.username)
    await page.get_by_label("Lösenord").fill(PASSWORD)
    await page.get_by_role("button", name="Logga in").click()
    await page.wait_for_url(lambda url: "/login" not in url)


async def test_the_outbox_page_is_accessible_on_a_phone(app: web.Application, live_url: str, phone_page: Any,
                                                        make_user: Callable[[str], Awaitable[Any]]) -> None:
    async with app[DB].transaction() as tx:
        await outbox.enqueue(tx, recipient="+46701234567", body="Svara på enkäten: https://example.se/s/abc",
                             purpose="invitation")
    await log_in(phone_page, live_url, make_user, "analyst")
    await phone_page.goto(live_url + "/staff/outbox")
    assert await phone_page.get_by_role("heading", name="SMS-utkorg").is_visible()
    assert await phone_page.get_by_text("https://example.se/s/abc").is_visible()
    await _no_violations(phone_page)
    await phone_page.get_by_label("Mottagarnummer").fill("inte ett nummer")
    await phone_page.get_by_role("button", name="Visa").click()
    assert await phone_page.locator(".error-summary").is_visible()
    await _no_violations(phone_page)
    await phone_page.get_by_label("Mottagarnummer").fill("070-123 45 67")
    await phone_page.get_by_label("Tillstånd").select_option("queued")
    await phone_page.get_by_role("button", name="Visa").click()
    assert await phone_page.get_by_text("https://example.se/s/abc").is_visible()


async def test_the_counter_follows_the_typing(app: web.Application, live_url: str, page: Any,
                                              make_user: Callable[[str], Awaitable[Any]]) -> None:
    await log_in(page, live_url, make_user, "handler")
    await page.goto(live_url + "/compose")
    assert not await page.get_by_role("button", name="Räkna tecken och kostnad").is_visible()  # JS runs
    summary = page.locator("#body-segments output")
    await page.get_by_label("Text").fill("a" * 161)
    await summary.filter(has_text="161 tecken · 2 SMS (GSM-7)").wait_for()
    await page.get_by_label("Text").fill("Hej 😀")
    await summary.filter(has_text="1 SMS (UCS-2)").wait_for()
    assert "emoji" in await page.locator("[data-warning]").inner_text()
    await _no_violations(page)
