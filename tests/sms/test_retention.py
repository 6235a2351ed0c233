"""Retention of the SMS logs: numbers and texts of finished and received SMS go after the period, in batches;
what waits to be sent is never touched, and repeated webhooks stay idempotent after the purge."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

import sms.web
from panel import app as panel_app
from panel.clock import to_db
from panel.db import Database
from panel.keys import DB
from panel.settings import Settings, SettingsError, load_settings
from sms import outbox, retention, store
from sms.keys import SMS_AUTOSTART, SMS_CLOCK
from tests.fake_twilio import FakeTwilio
from tests.sms.conftest import PUBLIC_URL, FakeClock, Recorder, add_keyword_handler
from tests.sms.test_webhooks import INBOUND, post_status, sent_message, state_of

NOW = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
DAYS = 180
NUMBER = "+46701234567"


async def message(db: Database, *, state: str, created_days_ago: float, updated_days_ago: float | None = None,
                  recipient: str = NUMBER, body: str = "Hej, svara på enkäten", **extra: Any) -> int:
    """An outbox row created and last changed the given number of days before NOW."""
    created = NOW - timedelta(days=created_days_ago)
    updated = NOW - timedelta(days=created_days_ago if updated_days_ago is None else updated_days_ago)
    async with db.transaction() as tx:
        message_id = await outbox.enqueue(tx, recipient=recipient, body=body, purpose="invitation", now=created,
                                          dedupe_key=extra.pop("dedupe_key", None))
        assert message_id is not None
        columns = {"state": state, "updated_at": to_db(updated), **extra}
        assignments = ", ".join(f"{name} = ?" for name in columns)
        await tx.execute(f"UPDATE sms_messages SET {assignments} WHERE id = ?",  # noqa: S608
                         (*columns.values(), message_id))
    return message_id


async def received(db: Database, sid: str, *, days_ago: float, body: str = "Gatlampan är trasig") -> None:
    async with db.transaction() as tx:
        inbound_id = await store.insert_inbound(tx, message_sid=sid, from_number=NUMBER, to_number="+46700000000",
                                                body=body, received_at=to_db(NOW - timedelta(days=days_ago)))
        assert inbound_id is not None
        await store.set_inbound_handled(tx, inbound_id, "feedback.sms_intake.handle")


async def row(db: Database, message_id: int) -> dict[str, Any]:
    found = await db.fetch_one("SELECT * FROM sms_messages WHERE id = ?", (message_id,))
    assert found is not None
    return dict(found)


# -- the outbox ------------------------------------------------------------------------------------------


async def test_old_finished_messages_lose_number_text_and_error_but_keep_the_rest(db: Database) -> None:
    delivered = await message(db, state="delivered", created_days_ago=200, provider_sid="SMdelivered",
                              dedupe_key="invitation:7", sent_at=to_db(NOW - timedelta(days=199)))
    failed = await message(db, state="failed", created_days_ago=190, error_code="21211",
                           error_message=f"The 'To' number {NUMBER} is not a valid phone number.")
    others = [await message(db, state=state, created_days_ago=181) for state in ("sent", "undelivered", "cancelled")]

    purged = await retention.purge(db, days=DAYS, now=NOW)

    assert (purged.outbox, purged.inbound) == (5, 0)
    kept = await row(db, delivered)
    assert (kept["recipient"], kept["body"]) == ("", "")
    assert (kept["state"], kept["provider_sid"], kept["dedupe_key"], kept["segments"]) == (
        "delivered", "SMdelivered", "invitation:7", 1)
    assert kept["sent_at"] == to_db(NOW - timedelta(days=199)) and kept["updated_at"] == to_db(NOW)
    gone = await row(db, failed)
    assert (gone["recipient"], gone["body"], gone["error_message"], gone["error_code"]) == ("", "", "", "21211")
    for message_id in others:
        assert (await row(db, message_id))["recipient"] == ""
    assert await db.fetch_value("SELECT COUNT(*) FROM sms_messages WHERE body LIKE '%enkäten%'") == 0
    # The outbox counts by state are unchanged: the rows stay.
    assert await store.totals(db) == {"delivered": 1, "failed": 1, "sent": 1, "undelivered": 1, "cancelled": 1}


async def test_young_waiting_and_recently_changed_messages_are_untouched(db: Database) -> None:
    young = await message(db, state="delivered", created_days_ago=179)
    queued = await message(db, state="queued", created_days_ago=400)
    in_flight = await message(db, state="sending", created_days_ago=400, updated_days_ago=10, provider_sid="SMa")
    unknown = await message(db, state="sending", created_days_ago=400)  # outcome unknown, to reconcile
    retried_lately = await message(db, state="failed", created_days_ago=200, updated_days_ago=10)
    before = {message_id: await row(db, message_id) for message_id in (young, queued, in_flight, unknown,
                                                                       retried_lately)}

    purged = await retention.purge(db, days=DAYS, now=NOW)

    assert not purged and purged.outbox == 0
    for message_id, was in before.items():
        assert await row(db, message_id) == was
    assert await db.fetch_value("SELECT COUNT(*) FROM audit_log") == 0


async def test_a_message_the_provider_accepted_and_never_reported_on_goes_after_the_period(db: Database) -> None:
    silent = await message(db, state="sending", created_days_ago=400, provider_sid="SMsilent")
    purged = await retention.purge(db, days=DAYS, now=NOW)
    assert purged.outbox == 1
    stored = await row(db, silent)
    assert (stored["recipient"], stored["body"], stored["provider_sid"]) == ("", "", "SMsilent")


async def test_a_purge_is_recorded_in_the_audit_log(db: Database) -> None:
    await message(db, state="delivered", created_days_ago=300)
    await received(db, "SMold1", days_ago=300)
    await received(db, "SMold2", days_ago=200)
    await retention.purge(db, days=DAYS, now=NOW)
    rows = await db.fetch_all("SELECT user_id, action, object_type, detail FROM audit_log ORDER BY id")
    assert [tuple(r) for r in rows] == [
        (None, "retention_purge", "sms_outbox", "number and text removed from 1 outgoing SMS older than 180 days"),
        (None, "retention_purge", "sms_inbound", "number and text removed from 2 received SMS older than 180 days"),
    ]


async def test_rows_already_erased_are_not_counted_again(db: Database) -> None:
    erased = await message(db, state="delivered", created_days_ago=300)
    async with db.transaction() as tx:
        await outbox.forget_number(tx, NUMBER)
    assert (await row(db, erased))["recipient"] == ""
    assert not await retention.purge(db, days=DAYS, now=NOW)


# -- inbound ---------------------------------------------------------------------------------------------


async def test_old_received_sms_lose_sender_and_text_but_keep_the_message_sid(db: Database) -> None:
    await received(db, "SMold", days_ago=181)
    await received(db, "SMyoung", days_ago=30, body="Tack för svaret")

    purged = await retention.purge(db, days=DAYS, now=NOW)

    assert (purged.outbox, purged.inbound) == (0, 1)
    rows = {r["message_sid"]: tuple(r) for r in await db.fetch_all(
        "SELECT message_sid, from_number, to_number, body, handled_by FROM sms_inbound")}
    assert rows == {
        "SMold": ("SMold", "", "+46700000000", "", "feedback.sms_intake.handle"),
        "SMyoung": ("SMyoung", NUMBER, "+46700000000", "Tack för svaret", "feedback.sms_intake.handle"),
    }


async def test_a_repeated_webhook_for_a_purged_sms_is_still_ignored(
    app: web.Application, client: TestClient, fake: FakeTwilio, recorder: Recorder, clock: FakeClock
) -> None:
    add_keyword_handler(app, recorder, reply="Du är avregistrerad.")
    url, signed_for = str(client.make_url(INBOUND)), PUBLIC_URL + INBOUND
    assert (await fake.send_inbound(url, signed_for, from_=NUMBER, body="STOPP", sid="SMold"))[0] == 200
    clock.advance(days=DAYS + 1)

    purged = await retention.run(app)

    assert purged.inbound == 1
    assert (await fake.send_inbound(url, signed_for, from_=NUMBER, body="STOPP", sid="SMold"))[0] == 200
    assert len(recorder.keywords) == 1  # handled once, before the purge
    stored = await app[DB].fetch_all("SELECT message_sid, from_number, body FROM sms_inbound")
    assert [tuple(r) for r in stored] == [("SMold", "", "")]  # the repeat did not bring the number back
    replies = await app[DB].fetch_all("SELECT dedupe_key FROM sms_messages WHERE purpose = 'keyword_reply'")
    assert [r[0] for r in replies] == ["reply:SMold"]


async def test_a_late_failure_report_does_not_requeue_a_redacted_message(
    app: web.Application, client: TestClient, fake: FakeTwilio, clock: FakeClock
) -> None:
    message_id, sid = await sent_message(app, fake)
    assert await post_status(client, message_id, {"MessageSid": sid, "MessageStatus": "sent"}) == 200
    clock.advance(days=DAYS + 1)
    assert (await retention.run(app)).outbox == 1
    # "Handset unreachable" would normally put the message back in the queue; there is no number left.
    fields = {"MessageSid": sid, "MessageStatus": "undelivered", "ErrorCode": "30003"}
    assert await post_status(client, message_id, fields) == 200
    assert await state_of(app, message_id) == ("undelivered", "30003")


# -- batches ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("rows", "batch_size", "outbox_batches"), [(23, 5, 5), (10, 5, 3), (3, 500, 1)])
async def test_the_batch_loop_redacts_everything_and_ends(db: Database, rows: int, batch_size: int,
                                                          outbox_batches: int) -> None:
    for n in range(rows):
        await message(db, state="delivered", created_days_ago=200 + n, recipient=f"+4670123{n:04d}")
    await message(db, state="queued", created_days_ago=300)

    purged = await asyncio.wait_for(retention.purge(db, days=DAYS, now=NOW, batch_size=batch_size), timeout=10)

    assert (purged.outbox, purged.inbound, purged.batches) == (rows, 0, outbox_batches + 1)
    assert await db.fetch_value("SELECT COUNT(*) FROM sms_messages WHERE recipient <> ''") == 1  # the queued one
    again = await retention.purge(db, days=DAYS, now=NOW, batch_size=batch_size)
    assert (again.outbox, again.inbound, again.batches) == (0, 0, 2)


async def test_bad_arguments_are_refused(db: Database) -> None:
    with pytest.raises(ValueError, match="1 or more"):
        await retention.purge(db, days=DAYS, now=NOW, batch_size=0)
    with pytest.raises(ValueError, match="1 or more"):
        await retention.purge(db, days=0, now=NOW)


# -- the periodic job --------------------------------------------------------------------------------------


async def test_the_job_runs_periodically_with_the_application(
    settings: Settings, clock: FakeClock, aiohttp_client: Any, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(retention, "FIRST_RUN", 0.0)
    monkeypatch.setattr(retention, "INTERVAL", 0.02)
    monkeypatch.setattr(panel_app, "DOMAIN_SETUPS", [sms.web.setup])
    application = panel_app.create_app(settings.replace(retention_sms_days=30))
    application[SMS_AUTOSTART] = False
    application[SMS_CLOCK] = clock
    await aiohttp_client(application)
    db = application[DB]
    old = to_db(clock.now() - timedelta(days=31))
    async with db.transaction() as tx:
        message_id = await outbox.enqueue(tx, recipient=NUMBER, body="Hej", purpose="test",
                                          now=clock.now() - timedelta(days=31))
        await tx.execute("UPDATE sms_messages SET state = 'delivered', updated_at = ? WHERE id = ?",
                         (old, message_id))
    with caplog.at_level(logging.INFO, logger="sms.retention"):
        for _ in range(250):
            if await db.fetch_value("SELECT recipient FROM sms_messages WHERE id = ?", (message_id,)) == "":
                break
            await asyncio.sleep(0.02)
        else:
            pytest.fail("the retention job did not run")
        for _ in range(50):  # the log line follows the audit transaction
            if caplog.records:
                break
            await asyncio.sleep(0.02)
    assert "removed numbers and texts from 1 outgoing and 0 received SMS older than 30 days" in caplog.text


# -- the setting -----------------------------------------------------------------------------------------


def test_the_setting_defaults_to_180_days_and_reads_the_environment() -> None:
    assert load_settings({}).retention_sms_days == 180
    assert load_settings({"PANEL_RETENTION_SMS_DAYS": " 30 "}).retention_sms_days == 30


@pytest.mark.parametrize(("value", "expected"), [
    ("0", "PANEL_RETENTION_SMS_DAYS: expected 1 or more"),
    ("-5", "PANEL_RETENTION_SMS_DAYS: expected 1 or more"),
    ("halvår", "PANEL_RETENTION_SMS_DAYS: expected a whole number (got 'halvår')"),
    ("1.5", "PANEL_RETENTION_SMS_DAYS: expected a whole number (got '1.5')"),
])
def test_a_bad_setting_stops_the_start_with_a_clear_message(value: str, expected: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({"PANEL_RETENTION_SMS_DAYS": value})
    assert expected in str(caught.value)
