"""The admins' category and department tables fit a 1280-pixel screen: no column, and no button, cut off."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web

from panel.keys import DB
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

# How far each table reaches past its box, and the right edge of its last button past the box's edge.
OVERFLOW = """() => Array.from(document.querySelectorAll('main table')).map(table => {
    const box = table.closest('.table-scroll') || table.parentElement;
    const edge = box.getBoundingClientRect().right;
    const buttons = Array.from(table.querySelectorAll('button, a')).map(b => b.getBoundingClientRect().right);
    return [box.scrollWidth - box.clientWidth, Math.max(0, ...buttons.map(right => right - edge))];
})"""


async def test_the_category_and_department_tables_fit_1280_pixels(
    app: web.Application, live_url: str, page: Any, make_user: Callable[[str], Awaitable[Any]]
) -> None:
    async with app[DB].transaction() as tx:
        await tx.execute("INSERT INTO departments (name, email) VALUES (?, ?)",
                         ("Miljö- och hälsoskyddsförvaltningen", "miljo-och-halsoskydd@exempelby.kommun.example.se"))
        await tx.execute(
            "INSERT INTO categories (code, name_sv, name_en, department, needs_location, ack_days, answer_days)"
            " VALUES ('miljo', 'Miljö, hälsoskydd och livsmedelskontroll', 'Environment, health protection and"
            " food control', 'Miljö- och hälsoskyddsförvaltningen', 1, 5, 20)")
    admin = await make_user("admin")
    await page.set_viewport_size({"width": 1280, "height": 900})
    for language in ("sv", "en"):
        await page.goto(f"{live_url}/lang/{language}?next=/login")
        if "/login" in page.url:
            await page.fill("#username", admin.username)
            await page.fill("#password", PASSWORD)
            await page.click("main button[type=submit]")
            await page.wait_for_url(lambda url: "/login" not in url)
        for path in ("/staff/categories", "/staff/departments"):
            await page.goto(live_url + path)
            overflow = await page.evaluate(OVERFLOW)
            assert overflow and all(table == [0, 0] for table in overflow), (language, path, overflow)
