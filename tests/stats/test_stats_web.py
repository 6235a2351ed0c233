"""The statistics pages: staff roles, period checks, the committee report, publishing and /statistics."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

from feedback import jobs_store
from panel import clock
from panel.keys import DB
from tests.helpers import post_form
from tests.stats.conftest import add_case

Login = Callable[[TestClient, str], Awaitable[Any]]


async def fill(app: web.Application) -> None:
    async with app[DB].transaction() as tx:
        await add_case(tx, "2026-10-02T08:00:00.000Z", body="Ring mig på 070-123 45 67 om lampan")
        await add_case(tx, "2026-10-03T08:00:00.000Z", category="park", kind="idea", secret=1, body="Hemlig sak")


async def test_every_staff_role_reads_the_statistics(client: TestClient, app: web.Application,
                                                     login: Login) -> None:
    await fill(app)
    assert (await client.get("/staff/statistics", allow_redirects=False)).status == 303
    await login(client, "handler")
    response = await client.get("/staff/statistics?period=2026-10")
    html = await response.text()
    assert response.status == 200
    assert "Gator, vägar och belysning" in html
    assert "070-123" not in html and "[telefonnummer]" in html
    assert "/staff/statistics/publish" not in html  # handlers do not publish


async def test_bad_period_or_department_is_a_400(client: TestClient, login: Login) -> None:
    await login(client, "viewer")
    assert (await client.get("/staff/statistics?period=2026-13")).status == 400
    assert (await client.get("/staff/statistics?period=2026-10&department=Nope")).status == 400


async def test_committee_report_for_one_department(client: TestClient, app: web.Application, login: Login) -> None:
    await fill(app)
    await login(client, "viewer")
    response = await client.get("/staff/statistics/report?period=2026-Q4&department=Samh%C3%A4llsbyggnad")
    html = await response.text()
    assert response.status == 200 and 'class="report"' in html and "Samhällsbyggnad" in html


async def test_publish_a_period_to_the_public(client: TestClient, app: web.Application, login: Login) -> None:
    await fill(app)
    assert (await client.get("/statistics/2026-10")).status == 404
    empty = await client.get("/statistics")
    assert empty.status == 200 and "Ingen statistik är publicerad" in await empty.text()
    await login(client, "analyst")
    page = "/staff/statistics?period=2026-10"
    response = await post_form(client, "/staff/statistics/publish", {"period": "2026-10"}, page=page,
                               allow_redirects=False)
    assert response.status == 303
    public = await (await client.get("/statistics/2026-10")).text()
    assert "Hemlig sak" not in public and "lampan" not in public
    data = await (await client.get("/statistics/2026-10.json")).json()
    assert data["cases"] == 1 and data["by_category"] == {"gata": 1}  # the secret case stays out
    assert "2026-10" in await (await client.get("/statistics")).text()
    future = await post_form(client, "/staff/statistics/publish", {"period": "2999-01"}, page=page)
    assert future.status == 422
    await post_form(client, "/staff/statistics/publish", {"period": "2026-10", "action": "unpublish"}, page=page)
    assert (await client.get("/statistics/2026-10")).status == 404


async def test_an_empty_period_renders_with_dashes(client: TestClient, login: Login) -> None:
    await login(client, "viewer")
    for url in ("/staff/statistics", "/staff/statistics/report?period=2026-Q1"):
        response = await client.get(url)
        assert response.status == 200, url
    assert "–" in await (await client.get("/staff/statistics?period=2026-01")).text()


async def test_the_statistics_count_overdue_cases_as_the_inbox_does(client: TestClient, app: web.Application,
                                                                     login: Login) -> None:
    """One definition of overdue: a case waiting for the resident's completion is open, but not overdue."""
    past, future = "2026-10-16T21:59:59.999Z", "2999-01-01T22:59:59.999Z"
    async with app[DB].transaction() as tx:
        await add_case(tx, "2026-10-02T08:00:00.000Z", state="new", answer_due_at=past)
        await add_case(tx, "2026-10-02T09:00:00.000Z", state="open", answer_due_at=past)
        await add_case(tx, "2026-10-02T10:00:00.000Z", state="waiting", answer_due_at=past)  # the resident's turn
        await add_case(tx, "2026-10-02T11:00:00.000Z", state="open", answer_due_at=future)
        await add_case(tx, "2026-10-02T12:00:00.000Z", state="answered", answer_due_at=past,
                       answered_at="2026-10-20T08:00:00.000Z")
    await login(client, "handler")
    inbox = await (await client.get("/staff/cases")).text()
    inbox_overdue = re.search(r'<span class="stat">(\d+)</span> försenade', inbox)
    listed = await (await client.get("/staff/cases?overdue=1")).text()
    statistics = await (await client.get("/staff/statistics?period=2026-10")).text()
    backlog = re.search(r'<span class="figure">(\d+)</span>\s*<span class="what">öppna ärenden i dag, varav (\d+) '
                        r"försenade", statistics)
    assert inbox_overdue is not None and backlog is not None
    assert (backlog.group(1), backlog.group(2)) == ("4", "2")  # new, open, waiting and the one not yet due
    assert inbox_overdue.group(1) == backlog.group(2)
    assert "2 ärenden" in listed
    reminded = await jobs_store.cases_to_remind(app[DB], clock.now_db())
    assert len(reminded) == 2  # the morning reminder's "försenade" are the same two
