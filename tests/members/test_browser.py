"""A resident joins and leaves the panel on a phone, in a real browser, without JavaScript of ours;
the public pages pass an automated accessibility check (axe-core)."""

import re
from typing import Any

import pytest
from aiohttp import web
from axe_playwright_python.async_playwright import Axe

from panel.keys import DB
from panel.members import store

pytestmark = pytest.mark.browser


async def _no_violations(page: Any) -> None:
    results = await Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


async def test_join_and_leave_on_a_phone(app: web.Application, live_url: str, phone_page: Any) -> None:
    page = phone_page
    async with app[DB].transaction() as tx:
        await store.upsert_district(tx, "NOR", "Norrby")
    await page.goto(live_url + "/lang/sv?next=/join")  # the browser asks for English otherwise
    await _no_violations(page)

    await page.get_by_role("button", name="Skicka kod till min mobil").click()  # nothing filled in
    assert await page.locator(".error-summary").is_visible()
    await _no_violations(page)

    await page.get_by_label("Mobilnummer").fill("070-765 43 21")
    await page.get_by_label("Födelseår").fill("1990")
    await page.get_by_label("Kvinna").check()
    await page.get_by_label("Område där du bor").select_option("NOR")
    await page.get_by_label("Jag har läst texten och samtycker").check()
    await page.get_by_role("button", name="Skicka kod till min mobil").click()
    await page.wait_for_url(re.compile(r"/join/confirm/"))
    await _no_violations(page)

    body = await app[DB].fetch_value("SELECT body FROM sms_messages WHERE purpose = 'member_signup'")
    code = re.search(r"\b(\d{6})\b", body)
    assert code
    await page.get_by_label("Kod från SMS").fill(code.group(1))
    await page.get_by_role("button", name="Bekräfta").click()
    await page.wait_for_url(re.compile(r"/join/done$"))
    assert await app[DB].fetch_value("SELECT status FROM members WHERE phone = '+46707654321'") == "active"

    await page.get_by_role("link", name="Lämna panelen").first.click()
    await page.wait_for_url(re.compile(r"/leave$"))
    await _no_violations(page)
    await page.get_by_label("Mobilnummer").fill("0707654321")
    await page.get_by_role("button", name="Skicka länk").click()
    await page.wait_for_url(re.compile(r"/leave/sent$"))
    text = await app[DB].fetch_value("SELECT body FROM sms_messages WHERE purpose = 'member_leave_link'")
    link = re.search(r"(/leave/\S+)", text)
    assert link
    await page.goto(live_url + link.group(1))
    await _no_violations(page)
    await page.get_by_role("button", name="Ja, lämna panelen").click()
    await page.wait_for_url(re.compile(r"/leave/done$"))
    assert await app[DB].fetch_value("SELECT status FROM members WHERE phone = '+46707654321'") == "left"
