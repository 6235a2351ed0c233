"""A whole survey through the fake Twilio server: invitations sent by the real client, signed callbacks,
answers on the page and by SMS reply, reminders only to those who have not answered, and closing."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

import sms.web
import surveys.web
from panel import app as panel_app
from panel.db import Database
from panel.keys import DB
from panel.members import web as members_web
from panel.settings import Settings
from sms.keys import SMS_AUTOSTART, SMS_DISPATCHER
from surveys import invitations
from tests.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio
from tests.helpers import post_form
from tests.surveys.factories import add_members, later, make_survey

PUBLIC_URL = "http://panel.test"
WEB, REPLY, SILENT = "+46700000000", "+46700000001", "+46700000002"


@pytest.fixture
async def fake() -> AsyncIterator[FakeTwilio]:
    async with FakeTwilio() as server:
        yield server


@pytest.fixture
def settings(make_settings: Any, fake: FakeTwilio) -> Settings:
    return make_settings(sms_backend="twilio", twilio_account_sid=ACCOUNT_SID, twilio_auth_token=AUTH_TOKEN,
                         twilio_from="+46700000999", twilio_api_base=fake.url, public_url=PUBLIC_URL,
                         sms_rate_per_second=100.0)


@pytest.fixture
def app(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> web.Application:
    monkeypatch.setattr(panel_app, "DOMAIN_SETUPS", [sms.web.setup, members_web.setup, surveys.web.setup])
    application = panel_app.create_app(settings)
    application[SMS_AUTOSTART] = False  # the test runs the dispatcher's passes itself
    return application


async def deliver(app: web.Application, fake: FakeTwilio) -> None:
    """Send what is queued and let the signed callbacks land (bounded)."""
    for _ in range(20):
        await app[SMS_DISPATCHER].pump()
        await fake.settle()
        if not await app[DB].fetch_value("SELECT COUNT(*) FROM sms_messages WHERE state IN ('queued', 'sending')"):
            return
    raise AssertionError("the outbox did not drain")


async def test_a_whole_survey(client: TestClient, app: web.Application, fake: FakeTwilio, login: Any) -> None:
    fake.callback_to = str(client.make_url("/")).rstrip("/")
    db: Database = app[DB]
    await add_members(db, 3)
    survey_id = await make_survey(db)
    await login(client, "analyst")
    sent = await post_form(client, f"/staff/surveys/{survey_id}/send", {"target_kind": "all", "action": "send"},
                           allow_redirects=False)
    assert sent.status == 303
    await deliver(app, fake)

    # Each member got one SMS with their own link; the callbacks moved every invitation to delivered.
    links = {}
    for phone in (WEB, REPLY, SILENT):
        (message,) = fake.sent_to(phone)
        match = re.search(rf"{PUBLIC_URL}/s/([A-Za-z0-9_-]+)", message.body)
        assert match
        links[phone] = match.group(1)
    states = {r["state"] for r in await db.fetch_all("SELECT state FROM invitations")}
    assert states == {"delivered"}

    # On the page.
    token = links[WEB]
    questions = [r["id"] for r in await db.fetch_all("SELECT id FROM questions ORDER BY position")]
    answered = await post_form(client, f"/s/{token}", {"page": "1", f"q{questions[0]}": "3",
                                                       f"q{questions[1]}": "5", f"q{questions[2]}": "no"})
    assert "Tack för dina svar" in await answered.text()

    # By reply, question by question.
    inbound = str(client.make_url("/webhooks/twilio/sms"))
    for body in ("SVAR", "1", "2", "ja"):
        status, _ = await fake.send_inbound(inbound, f"{PUBLIC_URL}/webhooks/twilio/sms", from_=REPLY, body=body)
        assert status == 200
        await deliver(app, fake)
    texts = [m.body for m in fake.sent_to(REPLY)]
    assert texts[1].startswith("Fråga 1 av 3") and texts[-1] == "Tack för dina svar!"

    completed = await db.fetch_all("SELECT token FROM invitations WHERE completed_at IS NOT NULL")
    assert {r["token"] for r in completed} == {links[WEB], links[REPLY]}
    channels = await db.fetch_all("SELECT channel, COUNT(*) AS n FROM answers GROUP BY channel ORDER BY channel")
    assert [(r["channel"], r["n"]) for r in channels] == [("sms", 3), ("web", 3)]

    # Reminders: only the member who has not answered.
    assert await invitations.send_due_reminders(db, base_url=PUBLIC_URL, now=later(days=3)) == 1
    await deliver(app, fake)
    assert len(fake.sent_to(SILENT)) == 2 and links[SILENT] in fake.sent_to(SILENT)[1].body
    assert len(fake.sent_to(WEB)) == 1

    # Closing early: the link stops working and the counts stay as they were.
    closed = await post_form(client, f"/staff/surveys/{survey_id}/close", {"confirm": "yes"},
                             page=f"/staff/surveys/{survey_id}")
    assert closed.status == 200
    assert (await client.get(f"/s/{links[SILENT]}")).status == 404
    assert await db.fetch_value("SELECT COUNT(*) FROM invitations WHERE completed_at IS NOT NULL") == 2
    assert await invitations.send_due_reminders(db, base_url=PUBLIC_URL, now=later(days=6)) == 0
