"""The package running inside the app: the dispatcher started by the startup context, woken by commits,
and everything closed cleanly at shutdown."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from panel.keys import DB
from panel.settings import Settings
from sms import outbox
from sms.backends import ConsoleSender, TwilioSender
from sms.keys import SMS_AUTOSTART, SMS_CLOCK, SMS_SENDER
from sms.schedule import SystemClock
from sms.web import status_url
from tests.fake_twilio import FakeTwilio

NUMBER = "+46701234567"


@pytest.fixture
def app(app: web.Application) -> web.Application:
    app[SMS_AUTOSTART] = True  # the real background task, on real time
    app[SMS_CLOCK] = SystemClock()
    return app


async def queue(app: web.Application, body: str = "Svara på enkäten: https://example.se/s/abc") -> int:
    async with app[DB].transaction() as tx:
        message_id = await outbox.enqueue(tx, recipient=NUMBER, body=body, purpose="invitation")
    assert message_id is not None
    return message_id


async def wait_for_state(app: web.Application, message_id: int, state: str) -> None:
    for _ in range(200):  # bounded: a few seconds at most
        if await app[DB].fetch_value("SELECT state FROM sms_messages WHERE id = ?", (message_id,)) == state:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"message {message_id} never reached {state}")


async def test_with_twilio_the_background_dispatcher_sends_and_hears_back(
    app: web.Application, fake: FakeTwilio
) -> None:
    server = TestServer(app)
    async with TestClient(server):
        fake.callback_to = str(server.make_url("/")).rstrip("/")
        sender = app[SMS_SENDER]
        assert isinstance(sender, TwilioSender)
        message_id = await queue(app)
        await wait_for_state(app, message_id, "delivered")
        assert len(fake.sent_to(NUMBER)) == 1
    assert sender.client.http_client.session is not None
    assert sender.client.http_client.session.closed


class TestConsole:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return settings.replace(sms_backend="console", public_url="")

    async def test_messages_show_on_the_outbox_page_as_sent(
        self, app: web.Application, client: TestClient, login: Callable[[TestClient, str], Awaitable[Any]]
    ) -> None:
        assert isinstance(app[SMS_SENDER], ConsoleSender)
        message_id = await queue(app)
        await wait_for_state(app, message_id, "sent")
        await login(client, "analyst")
        page = await (await client.get("/staff/outbox")).text()
        assert "Konsolläge" in page and "https://example.se/s/abc" in page and "Skickat" in page


def test_the_status_url_carries_our_message_id(settings: Settings) -> None:
    assert status_url(settings, 42) == "https://panel.example.se/webhooks/twilio/status?m=42"
    assert status_url(settings.replace(public_url=""), 7) == "http://127.0.0.1:8080/webhooks/twilio/status?m=7"
