"""Fixtures for the sms tests: a fake Twilio, the app wired to it, a hand-driven clock and recorded hooks."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

import sms.web
from panel import app as panel_app
from panel.db import Row, Transaction
from panel.settings import Settings
from sms.hooks import SMS_HOOKS, InboundMessage, Keyword, SmsHooks
from sms.keys import SMS_AUTOSTART, SMS_CLOCK
from tests.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio

PUBLIC_URL = "https://panel.example.se"
SENDER = "+46700000000"


class FakeClock:
    """Time that moves only when told to, or when the code under test sleeps on it."""

    def __init__(self, start: datetime) -> None:
        self.moment = start
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        return self.moment

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.moment += timedelta(seconds=seconds)
        await asyncio.sleep(0)

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


class Recorder:
    """Status listeners and handlers that remember what they were called with."""

    def __init__(self) -> None:
        self.states: list[tuple[int, str, str]] = []  # (message id, state, error code)
        self.keywords: list[tuple[Keyword, str]] = []
        self.inbound: list[tuple[str, str]] = []  # (handler name, body)

    async def status(self, tx: Transaction, message: Row, state: str) -> None:
        self.states.append((message["id"], state, message["error_code"]))

    def states_of(self, message_id: int) -> list[str]:
        return [state for mid, state, _ in self.states if mid == message_id]


@pytest.fixture
def clock() -> FakeClock:
    # A weekday noon in Stockholm, a day ahead of real time so that rows queued "now" are due at once.
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    return FakeClock(tomorrow.replace(hour=11, minute=0, second=0, microsecond=0))


@pytest.fixture
async def fake() -> AsyncIterator[FakeTwilio]:
    async with FakeTwilio() as server:
        yield server


@pytest.fixture
def settings(make_settings: Callable[..., Settings], fake: FakeTwilio) -> Settings:
    return make_settings(sms_backend="twilio", twilio_account_sid=ACCOUNT_SID, twilio_auth_token=AUTH_TOKEN,
                         twilio_from=SENDER, twilio_api_base=fake.url, public_url=PUBLIC_URL,
                         sms_rate_per_second=50.0)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def app(settings: Settings, clock: FakeClock, recorder: Recorder, monkeypatch: pytest.MonkeyPatch) -> web.Application:
    # Only the core and sms: these tests are about sms's own contract, with recorded hooks standing in for
    # the packages that register real ones (their tests cover those).
    monkeypatch.setattr(panel_app, "DOMAIN_SETUPS", [sms.web.setup])
    application = panel_app.create_app(settings)
    application[SMS_AUTOSTART] = False  # tests call the dispatcher's pump() themselves
    application[SMS_CLOCK] = clock
    hooks: SmsHooks = application[SMS_HOOKS]
    hooks.status.append(recorder.status)
    return application


@pytest.fixture
async def wired(client: TestClient, fake: FakeTwilio) -> TestClient:
    """The app running, with the fake's callbacks delivered to it (signed for the public URL)."""
    fake.callback_to = str(client.make_url("/")).rstrip("/")
    return client


@pytest.fixture(autouse=True)
def shared_time(fake: FakeTwilio, clock: FakeClock) -> None:
    """The provider and we see the same time, as in reality; here it is the hand-driven clock."""
    fake.clock = clock.now


def add_keyword_handler(app: web.Application, recorder: Recorder, reply: str | None = "OK") -> None:
    async def on_keyword(tx: Transaction, keyword: Keyword, message: InboundMessage) -> str | None:
        recorder.keywords.append((keyword, message.body))
        return reply

    app[SMS_HOOKS].keyword.append(on_keyword)


def add_inbound_handler(app: web.Application, recorder: Recorder, name: str, takes: Callable[[str], bool]) -> Any:
    async def on_inbound(tx: Transaction, message: InboundMessage) -> bool:
        recorder.inbound.append((name, message.body))
        return takes(message.body)

    on_inbound.__qualname__ = name
    app[SMS_HOOKS].inbound.append(on_inbound)
    return on_inbound


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Any]:
    """A migrated database without the web app, for store and outbox tests."""
    from panel.app import open_database

    database = await open_database(settings)
    yield database
    await database.close()
