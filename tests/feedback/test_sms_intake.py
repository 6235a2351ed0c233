"""SMS from residents: a new case, or a message in the sender's open case from the last N days."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from twilio.request_validator import RequestValidator

from feedback.sms_intake import make_inbound_handler, receive_sms
from panel import clock
from panel.db import Database
from panel.keys import DB
from panel.settings import Settings, load_settings
from sms.hooks import InboundMessage
from tests.helpers import migrated_database

PHONE = "+46701234567"
START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
_ids = itertools.count(1)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with migrated_database(tmp_path) as database:
        yield database


def sms(body: str, *, at: datetime = START, sid: str | None = None, sender: str = PHONE) -> InboundMessage:
    number = next(_ids)
    return InboundMessage(number, sid or f"SM{number:032d}", sender, "+46766860000", body, clock.to_db(at))


async def deliver(db: Database, message: InboundMessage, thread_days: int = 14) -> bool:
    async with db.transaction() as tx:
        return await receive_sms(tx, message, thread_days=thread_days, base_url="https://kommun.example")


async def test_a_first_sms_opens_a_case(db: Database) -> None:
    assert await deliver(db, sms("Soporna har inte hämtats på Björkvägen."))
    case = await db.fetch_one("SELECT * FROM cases")
    assert case is not None
    assert (case["channel"], case["body"], case["idempotency_key"]) == (
        "sms", "Soporna har inte hämtats på Björkvägen.", "sms:SM" + "0" * 31 + "1")
    assert await db.fetch_value("SELECT phone FROM case_contacts") == PHONE


async def test_a_second_sms_joins_the_open_case(db: Database) -> None:
    await deliver(db, sms("Soporna har inte hämtats."))
    await db.execute("UPDATE cases SET state = 'waiting'")
    first_due = await db.fetch_value("SELECT answer_due_at FROM cases")
    await deliver(db, sms("Nu är det tredje veckan.", at=START + timedelta(days=3)))
    assert await db.fetch_value("SELECT count(*) FROM cases") == 1
    message = await db.fetch_one("SELECT direction, channel, body FROM case_messages")
    assert message is not None and tuple(message) == ("in", "sms", "Nu är det tredje veckan.")
    assert await db.fetch_value("SELECT state FROM cases") == "open"
    # The completion the case waited for arrived: the answer time starts again from the reply.
    assert await db.fetch_value("SELECT answer_due_at FROM cases") > first_due


async def test_after_the_thread_window_a_new_case_starts(db: Database) -> None:
    await deliver(db, sms("Första."))
    await deliver(db, sms("Långt senare.", at=START + timedelta(days=15)), thread_days=14)
    assert await db.fetch_value("SELECT count(*) FROM cases") == 2


async def test_a_closed_case_is_not_reopened_by_a_new_sms(db: Database) -> None:
    await deliver(db, sms("Första."))
    await db.execute("UPDATE cases SET state = 'closed'")
    await deliver(db, sms("Ny fråga.", at=START + timedelta(hours=1)))
    assert await db.fetch_value("SELECT count(*) FROM cases") == 2


async def test_another_sender_gets_their_own_case(db: Database) -> None:
    await deliver(db, sms("Första."))
    await deliver(db, sms("Annan person.", sender="+46709876543"))
    assert await db.fetch_value("SELECT count(*) FROM cases") == 2


async def test_the_same_message_sid_twice_is_stored_once(db: Database) -> None:
    await deliver(db, sms("Första.", sid="SMdup1"))
    await deliver(db, sms("Första.", sid="SMdup1"))
    await deliver(db, sms("Svar.", sid="SMdup2"))
    await deliver(db, sms("Svar.", sid="SMdup2"))
    assert await db.fetch_value("SELECT count(*) FROM cases") == 1
    assert await db.fetch_value("SELECT count(*) FROM case_messages") == 1


async def test_an_empty_sms_is_left_to_others(db: Database) -> None:
    assert await deliver(db, sms("   ")) is False
    assert await db.fetch_value("SELECT count(*) FROM cases") == 0


async def test_the_handler_uses_the_thread_setting(db: Database) -> None:
    handler = make_inbound_handler(load_settings({"PANEL_SMS_THREAD_DAYS": "1"}))
    async with db.transaction() as tx:
        await handler(tx, sms("Första."))
        await handler(tx, sms("Två dagar senare.", at=START + timedelta(days=2)))
    assert await db.fetch_value("SELECT count(*) FROM cases") == 2


class TestThroughTheSignedWebhook:
    """The whole path: Twilio's signed webhook -> sms inbound -> this handler -> case and SMS receipt."""

    TOKEN = "twilio-test-token-0123456789abcdef"

    @pytest.fixture
    def settings(self, make_settings: Callable[..., Settings]) -> Settings:
        return make_settings(twilio_auth_token=self.TOKEN)

    async def post(self, client: TestClient, settings: Settings, fields: dict[str, str]) -> int:
        url = settings.base_url + "/webhooks/twilio/sms"
        signature = RequestValidator(self.TOKEN).compute_signature(url, fields)
        response = await client.post("/webhooks/twilio/sms", data=fields, headers={"X-Twilio-Signature": signature})
        return response.status

    async def test_a_resident_sms_becomes_a_case_with_a_receipt(
        self, client: TestClient, app: web.Application, settings: Settings
    ) -> None:
        fields = {"MessageSid": "SM" + "a" * 32, "From": PHONE, "To": "+46766860000",
                  "Body": "Gatlampan på Ekvägen är släckt."}
        assert await self.post(client, settings, fields) == 200
        assert await self.post(client, settings, fields) == 200  # Twilio retried
        db = app[DB]
        case = await db.fetch_one("SELECT id, channel, reference, tracking_token FROM cases")
        assert case is not None and case["channel"] == "sms"
        assert await db.fetch_value("SELECT count(*) FROM cases") == 1
        receipts = await db.fetch_all("SELECT recipient, body FROM sms_messages WHERE ref_type = 'case'")
        assert len(receipts) == 1 and receipts[0]["recipient"] == PHONE
        assert case["reference"] in receipts[0]["body"] and f"/t/{case['tracking_token']}" in receipts[0]["body"]

    async def test_an_unsigned_webhook_stores_nothing(self, client: TestClient, app: web.Application) -> None:
        response = await client.post("/webhooks/twilio/sms", data={"MessageSid": "SMx", "From": PHONE, "Body": "x"})
        assert response.status == 403
        assert await app[DB].fetch_value("SELECT count(*) FROM cases") == 0
