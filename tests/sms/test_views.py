"""The staff outbox page and the segment counter's endpoints."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from panel.keys import DB
from panel.settings import Settings
from sms import outbox, retention
from tests.helpers import csrf_token
from tests.sms.conftest import FakeClock

Login = Callable[[TestClient, str], Awaitable[Any]]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Plain http, or the test client would not send the Secure cookies back when logging in.
    return settings.replace(sms_quiet_hours="20:00-08:00", sms_rate_per_second=2.0, public_url="")


async def queue(app: web.Application, recipient: str, body: str, purpose: str = "invitation", **kw: Any) -> int:
    async with app[DB].transaction() as tx:
        message_id = await outbox.enqueue(tx, recipient=recipient, body=body, purpose=purpose, **kw)
    assert message_id is not None
    return message_id


async def test_only_admins_and_analysts_see_the_outbox(client: TestClient, login: Login) -> None:
    response = await client.get("/staff/outbox", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"].startswith("/login")
    await login(client, "handler")
    assert (await client.get("/staff/outbox")).status == 403


async def test_the_outbox_lists_messages_totals_settings_and_an_estimate(
    app: web.Application, client: TestClient, login: Login
) -> None:
    for n in range(3):
        await queue(app, f"+4670123456{n}", f"Svara på enkäten: https://example.se/s/tok{n}")
    await queue(app, "+46709999999", "Tack för din synpunkt", purpose="case_receipt", urgent=True)
    user = await login(client, "analyst")
    response = await client.get("/staff/outbox")
    page = await response.text()
    assert response.status == 200
    # With a real provider the members' personal links are text: a click would count as the member opening it.
    assert "https://example.se/s/tok2" in page and '<a href="https://example.se/s/tok2"' not in page
    assert "+46701234562" in page
    assert "20:00–08:00" in page and "brådskande" in page
    assert "Kvitto på synpunkt" in page and "case_receipt</td>" not in page
    assert ">4<" in page  # queued
    assert "Beräknas vara skickade" in page  # 3 non-urgent at 2/s
    audit = await app[DB].fetch_one("SELECT user_id, action FROM audit_log ORDER BY id DESC")
    assert audit is not None and tuple(audit) == (user.id, "view_sms_outbox")


async def test_filters_by_state_purpose_and_a_number_as_staff_type_it(
    app: web.Application, client: TestClient, login: Login
) -> None:
    await queue(app, "+46701234567", "Första")
    await queue(app, "+46707654321", "Andra", purpose="receipt")
    await login(client, "admin")
    page = await (await client.get("/staff/outbox", params={"recipient": "070-123 45 67"})).text()
    assert "Första" in page and "Andra" not in page
    page = await (await client.get("/staff/outbox", params={"purpose": "receipt"})).text()
    assert "Andra" in page and "Första" not in page
    page = await (await client.get("/staff/outbox", params={"state": "delivered"})).text()
    assert "Första" not in page and "Inga meddelanden matchar filtret." in page


@pytest.mark.parametrize("params", [{"state": "exploded"}, {"recipient": "not a number"}, {"before": "x"}])
async def test_bad_filters_get_a_400_with_an_error_summary(client: TestClient, login: Login,
                                                           params: dict[str, str]) -> None:
    await login(client, "admin")
    response = await client.get("/staff/outbox", params=params)
    assert response.status == 400
    assert 'class="error-summary"' in await response.text()


async def test_pages_go_back_in_time(app: web.Application, client: TestClient, login: Login) -> None:
    ids = [await queue(app, "+46701234567", f"Meddelande nummer {n:03d}") for n in range(55)]
    await login(client, "admin")
    first = await (await client.get("/staff/outbox")).text()
    assert "nummer 054" in first and "nummer 004" not in first
    assert f"before={ids[5]}" in first
    older = await (await client.get("/staff/outbox", params={"before": str(ids[5])})).text()
    assert "nummer 004" in older and "nummer 005" not in older


async def test_redacted_messages_are_listed_without_number_and_text(
    app: web.Application, client: TestClient, login: Login, clock: FakeClock
) -> None:
    old = await queue(app, "+46701111111", "Gammal text om enkäten", now=clock.now() - timedelta(days=200))
    await queue(app, "+46702222222", "Ny text")
    await queue(app, "+46703333333", "Raderad text")
    async with app[DB].transaction() as tx:
        await tx.execute("UPDATE sms_messages SET state = 'delivered' WHERE id = ?", (old,))
        await outbox.forget_number(tx, "+46703333333")  # a member's erasure, not retention
    assert (await retention.purge(app[DB], days=180, now=clock.now())).outbox == 1
    await login(client, "admin")
    response = await client.get("/staff/outbox")
    page = await response.text()
    assert response.status == 200
    assert "Gammal text" not in page and "+46701111111" not in page
    assert page.count("(borttaget efter 180 dagar)") == 2  # number and text of the old message
    assert page.count("<span class=\"muted\">(borttaget)</span>") == 2  # the erased one
    assert "Raderad text" not in page and "Ny text" in page and "+46702222222" in page
    assert "tas bort när ett meddelande har varit klart i 180 dagar" in page
    client.session.cookie_jar.update_cookies({"panel_lang": "en"})
    page = await (await client.get("/staff/outbox")).text()
    assert page.count("(removed after 180 days)") == 2 and page.count("(removed)") == 2
    assert "removed once a message has been finished for 180 days" in page


async def test_the_segment_counter_answers_with_the_same_rules(client: TestClient, login: Login) -> None:
    await login(client, "handler")
    token = await csrf_token(client, "/staff")
    response = await client.post("/staff/outbox/segments", data={"text": "Hej 😀", "csrf_token": token})
    data = await response.json()
    assert (data["encoding"], data["segments"], data["chars_left"], data["non_gsm"]) == ("UCS-2", 1, 64, ["😀"])
    assert "UCS-2" in data["warning"] and "0,45 kr" in data["summary"]
    refused = await client.post("/staff/outbox/segments", data={"text": "Hej"})
    assert refused.status == 403


async def test_the_counter_script_is_served(client: TestClient) -> None:
    response = await client.get("/staff/outbox/segments.js")
    assert response.status == 200 and response.content_type == "application/javascript"
    assert "data-segment-counter" in await response.text()


async def test_quiet_hours_show_when_sending_resumes_and_push_the_estimate(
    app: web.Application, client: TestClient, login: Login, clock: FakeClock
) -> None:
    await queue(app, "+46701234567", "Hej")
    await login(client, "admin")
    clock.moment = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)  # 12:00 in Stockholm
    page = await (await client.get("/staff/outbox")).text()
    assert "Tyst just nu" not in page and "2026-11-25 12:00" in page  # one message at 2/s: at once
    clock.moment = datetime(2026, 11, 25, 21, 30, tzinfo=UTC)  # 22:30
    page = await (await client.get("/staff/outbox")).text()
    assert "Tyst just nu – utskicken fortsätter 08:00" in page and "2026-11-26 08:00" in page


async def test_the_page_speaks_english_too(client: TestClient, login: Login) -> None:
    await login(client, "admin")
    client.session.cookie_jar.update_cookies({"panel_lang": "en"})
    page = await (await client.get("/staff/outbox")).text()
    assert "<h1>SMS outbox</h1>" in page and "Messages per state" in page and "Quiet hours" in page


def test_the_counter_partial_renders_without_javascript(app: web.Application) -> None:
    from panel.keys import TEMPLATES
    from sms.compose import counter

    template = app[TEMPLATES].from_string(
        '{% from "sms/_segment_counter.html" import segment_counter %}{{ segment_counter(c, "body") }}')
    html = template.render(c=counter("Hej “du”", 0.45))
    assert 'data-for="body"' in html and 'id="body-segments"' in html
    assert "8 tecken · 1 SMS (UCS-2)" in html and "Byt dem mot vanliga citattecken" in html
    assert 'name="count" value="1"' in html and "segments.js" in html
    plain = template.render(c=counter("Hej du", 0.45))
    assert "data-warning-box hidden" in plain

