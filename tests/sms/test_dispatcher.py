"""The dispatcher against the fake Twilio through the real twilio client: each message sent once, states
flowing back through signed callbacks, errors classified, unknown outcomes reconciled."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from panel.keys import DB, SETTINGS
from sms import outbox
from sms.backends import Outgoing, Sender, SendResult
from sms.dispatcher import DispatchConfig, Dispatcher
from sms.hooks import SMS_HOOKS
from sms.keys import SMS_DISPATCHER, SMS_SENDER
from sms.schedule import QuietHours
from sms.web import dispatch_config, make_sender
from tests.fake_twilio import FakeTwilio
from tests.sms.conftest import FakeClock, Recorder

NUMBER = "+46701234567"


async def queue(app: web.Application, recipient: str = NUMBER, body: str = "Svara på enkäten", **kw: Any) -> int:
    async with app[DB].transaction() as tx:
        message_id = await outbox.enqueue(tx, recipient=recipient, body=body, purpose="test", **kw)
    assert message_id is not None
    return message_id


async def row(app: web.Application, message_id: int) -> Any:
    return await app[DB].fetch_one("SELECT * FROM sms_messages WHERE id = ?", (message_id,))


@pytest.fixture
async def impatient(app: web.Application, wired: TestClient, clock: FakeClock) -> AsyncIterator[Dispatcher]:
    """A second dispatcher on the same outbox whose sender gives up after 0.2 s (the fake's hang is longer)."""
    settings = app[SETTINGS]
    sender = make_sender(settings, timeout=0.2)
    yield Dispatcher(app[DB], sender, app[SMS_HOOKS], dispatch_config(settings), clock=clock)
    await sender.close()


async def drain(app: web.Application, fake: FakeTwilio, clock: FakeClock, passes: int = 40,
                dispatcher: Dispatcher | None = None) -> None:
    """Run dispatcher passes, letting callbacks land and time pass, until nothing is waiting (bounded)."""
    for _ in range(passes):
        await (dispatcher or app[SMS_DISPATCHER]).pump()
        await fake.settle()
        waiting = await app[DB].fetch_value(
            "SELECT COUNT(*) FROM sms_messages WHERE state = 'queued' OR (state = 'sending' AND provider_sid IS NULL)")
        if not waiting:
            return
        clock.advance(hours=2)  # past any backoff or reconcile delay
    raise AssertionError("the outbox did not drain")


async def test_a_message_is_sent_once_and_its_states_flow_back(app: web.Application, wired: TestClient,
                                                               fake: FakeTwilio, clock: FakeClock,
                                                               recorder: Recorder) -> None:
    message_id = await queue(app)
    assert await app[SMS_DISPATCHER].pump() == 1
    await fake.settle()
    sent = fake.sent_to(NUMBER)
    assert [m.body for m in sent] == ["Svara på enkäten"]
    assert sent[0].status_callback == f"https://panel.example.se/webhooks/twilio/status?m={message_id}"
    stored = await row(app, message_id)
    assert (stored["state"], stored["provider_sid"], stored["attempts"]) == ("delivered", sent[0].sid, 1)
    assert stored["sent_at"] is not None
    assert recorder.states_of(message_id) == ["sending", "sent", "delivered"]
    assert all(status == 200 for _, _, status in fake.callback_log)
    assert await app[SMS_DISPATCHER].pump() == 0  # nothing left: never sent twice
    assert len(fake.sent_to(NUMBER)) == 1


async def test_a_permanent_error_fails_at_once_with_its_code(app: web.Application, wired: TestClient,
                                                             fake: FakeTwilio, recorder: Recorder) -> None:
    fake.faults.permanent["+46700000001"] = 21211
    fake.faults.permanent["+46700000002"] = 21610
    invalid, opted_out = await queue(app, "+46700000001"), await queue(app, "+46700000002")
    await app[SMS_DISPATCHER].pump()
    for message_id, code in ((invalid, "21211"), (opted_out, "21610")):
        stored = await row(app, message_id)
        assert (stored["state"], stored["error_code"], stored["attempts"]) == ("failed", code, 1)
        assert "Refused" in stored["error_message"]
        assert recorder.states_of(message_id) == ["sending", "failed"]
    assert fake.messages == {}
    assert await app[SMS_DISPATCHER].pump() == 0  # no further attempts


async def test_a_landline_fails_after_sending_through_the_callback(app: web.Application, wired: TestClient,
                                                                   fake: FakeTwilio, recorder: Recorder) -> None:
    fake.faults.permanent["+46311234567"] = 30006
    message_id = await queue(app, "+46311234567")
    await app[SMS_DISPATCHER].pump()
    await fake.settle()
    stored = await row(app, message_id)
    assert (stored["state"], stored["error_code"]) == ("undelivered", "30006")
    assert recorder.states_of(message_id) == ["sending", "sent", "undelivered"]
    assert recorder.states[-1] == (message_id, "undelivered", "30006")


async def test_an_unreachable_handset_is_retried_later_and_delivered(app: web.Application, wired: TestClient,
                                                                     fake: FakeTwilio, clock: FakeClock,
                                                                     recorder: Recorder) -> None:
    fake.faults.flaky_delivery[NUMBER] = 30003
    message_id = await queue(app)
    await app[SMS_DISPATCHER].pump()
    await fake.settle()
    stored = await row(app, message_id)
    assert (stored["state"], stored["error_code"], stored["provider_sid"]) == ("queued", "30003", None)
    assert await app[SMS_DISPATCHER].pump() == 0  # backing off
    await drain(app, fake, clock)
    stored = await row(app, message_id)
    assert (stored["state"], stored["attempts"], stored["error_code"]) == ("delivered", 2, "")
    assert [m.status for m in fake.sent_to(NUMBER)] == ["undelivered", "delivered"]
    assert recorder.states_of(message_id) == ["sending", "sent", "queued", "sending", "sent", "delivered"]


async def test_a_429_is_retried_with_backoff_on_the_clock(app: web.Application, wired: TestClient,
                                                          fake: FakeTwilio, clock: FakeClock) -> None:
    fake.faults.script = ["429", "429"]
    message_id = await queue(app)
    await app[SMS_DISPATCHER].pump()
    first = await row(app, message_id)
    assert (first["state"], first["error_code"]) == ("queued", "20429")
    assert first["next_attempt_at"] > first["updated_at"]
    await drain(app, fake, clock)
    stored = await row(app, message_id)
    assert (stored["state"], stored["attempts"]) == ("delivered", 3)
    assert len(fake.sent_to(NUMBER)) == 1


async def test_a_transient_error_gives_up_after_the_last_attempt(app: web.Application, wired: TestClient,
                                                                 fake: FakeTwilio, clock: FakeClock) -> None:
    from sms.policy import MAX_ATTEMPTS

    fake.faults.script = ["429"] * MAX_ATTEMPTS
    message_id = await queue(app)
    await drain(app, fake, clock)
    stored = await row(app, message_id)
    assert (stored["state"], stored["attempts"], stored["error_code"]) == ("failed", MAX_ATTEMPTS, "20429")
    assert fake.messages == {}


async def test_a_5xx_that_created_the_message_is_adopted_not_resent(app: web.Application, wired: TestClient,
                                                                     fake: FakeTwilio, clock: FakeClock) -> None:
    fake.faults.script = ["500+"]
    fake.callbacks = False  # no callback to tell us: only the provider's list can
    message_id = await queue(app)
    await app[SMS_DISPATCHER].pump()
    await fake.settle()
    pending = await row(app, message_id)
    assert (pending["state"], pending["provider_sid"], pending["error_code"]) == ("sending", None, "20500")
    assert await app[SMS_DISPATCHER].pump() == 0  # not before the reconcile delay
    await drain(app, fake, clock)
    [sent] = fake.sent_to(NUMBER)
    stored = await row(app, message_id)
    assert (stored["state"], stored["provider_sid"], stored["attempts"]) == ("delivered", sent.sid, 1)


async def test_a_callback_can_settle_an_unknown_outcome_first(app: web.Application, impatient: Dispatcher,
                                                              fake: FakeTwilio, clock: FakeClock) -> None:
    fake.faults.script = ["timeout+"]
    message_id = await queue(app)
    await impatient.pump()
    await fake.settle()
    [sent] = fake.sent_to(NUMBER)
    stored = await row(app, message_id)
    assert (stored["state"], stored["provider_sid"], stored["error_code"]) == ("delivered", sent.sid, "")
    await drain(app, fake, clock)
    assert len(fake.sent_to(NUMBER)) == 1


async def test_a_5xx_that_created_nothing_is_sent_again_once(app: web.Application, wired: TestClient,
                                                              fake: FakeTwilio, clock: FakeClock) -> None:
    fake.faults.script = ["500"]
    message_id = await queue(app)
    await drain(app, fake, clock)
    assert len(fake.sent_to(NUMBER)) == 1
    stored = await row(app, message_id)
    assert (stored["state"], stored["attempts"]) == ("delivered", 2)


async def test_the_same_text_sent_earlier_is_not_mistaken_for_this_attempt(
    app: web.Application, wired: TestClient, fake: FakeTwilio, clock: FakeClock
) -> None:
    earlier = await queue(app, body="Påminnelse")
    await drain(app, fake, clock)
    fake.faults.script = ["500"]
    later = await queue(app, body="Påminnelse")
    await drain(app, fake, clock)
    sids = {(await row(app, earlier))["provider_sid"], (await row(app, later))["provider_sid"]}
    assert len(sids) == 2 and len(fake.sent_to(NUMBER)) == 2


async def test_sends_are_paced_by_the_rate_on_the_clock(app: web.Application, wired: TestClient,
                                                        fake: FakeTwilio, clock: FakeClock) -> None:
    numbers = [f"+4670100{n:04d}" for n in range(10)]
    for number in numbers:
        await queue(app, number)
    start = clock.now()
    assert await app[SMS_DISPATCHER].pump() == 10
    assert clock.sleeps == [pytest.approx(1 / 50)] * 9  # the settings' 50 per second: a wait before each next
    assert (clock.now() - start).total_seconds() == pytest.approx(9 / 50)
    assert len(fake.messages) == 10


async def test_quiet_hours_hold_bulk_messages_but_not_urgent_replies(app: web.Application, wired: TestClient,
                                                                     fake: FakeTwilio, clock: FakeClock) -> None:
    quiet = QuietHours.parse("20:00-08:00")
    night = Dispatcher(app[DB], app[SMS_SENDER], app[SMS_HOOKS], DispatchConfig(10.0, quiet), clock=clock)
    clock.moment = datetime(2026, 11, 25, 21, 30, tzinfo=UTC)  # 22:30 in Stockholm
    bulk = await queue(app, "+46701110001", now=clock.now())
    reply = await queue(app, "+46701110002", now=clock.now(), urgent=True)
    assert await night.pump() == 1
    assert (await row(app, reply))["state"] != "queued" and (await row(app, bulk))["state"] == "queued"
    clock.moment = datetime(2026, 11, 26, 6, 59, tzinfo=UTC)  # 07:59
    assert await night.pump() == 0
    clock.advance(minutes=1)  # 08:00
    assert await night.pump() == 1
    await fake.settle()
    assert {m.to for m in fake.messages.values()} == {"+46701110001", "+46701110002"}


class Crashing:
    """Wraps a sender; the process 'dies' (hangs until cancelled) after sending some and before others."""

    name = "crashing"

    def __init__(self, inner: Sender, after_send: set[int], before_send: set[int]) -> None:
        self.inner, self.after_send, self.before_send = inner, after_send, before_send
        self.dead = asyncio.Event()

    async def send(self, message: Outgoing) -> SendResult:
        if message.id in self.before_send:
            await self.dead.wait()
        result = await self.inner.send(message)
        if message.id in self.after_send:
            await self.dead.wait()
        return result

    async def find(self, recipient: str, body: str, since: datetime) -> list[SendResult]:
        return await self.inner.find(recipient, body, since)

    async def close(self) -> None:
        return None


async def test_a_restart_in_the_middle_of_a_dispatch_loses_and_doubles_nothing(
    app: web.Application, wired: TestClient, fake: FakeTwilio, clock: FakeClock
) -> None:
    numbers = [f"+4670200{n:04d}" for n in range(12)]
    ids = [await queue(app, number) for number in numbers]
    fake.callbacks = False  # a dead process hears nothing; only reconciliation can tell what went
    crashing = Crashing(app[SMS_SENDER], after_send={ids[1], ids[4], ids[5]}, before_send={ids[2], ids[8]})
    config = dispatch_config(app[SETTINGS])
    first = Dispatcher(app[DB], crashing, app[SMS_HOOKS], config, clock=clock)
    task = asyncio.create_task(first.pump())
    for _ in range(500):  # bounded: until every message not caught by the crash is recorded
        recorded = await app[DB].fetch_value("SELECT COUNT(*) FROM sms_messages WHERE provider_sid IS NOT NULL")
        if recorded == 7 and len(fake.messages) == 10:
            break
        await asyncio.sleep(0.01)
    task.cancel()  # the crash
    with contextlib.suppress(asyncio.CancelledError):
        await task
    rows = {r["id"]: r for r in [await row(app, i) for i in ids]}
    assert {i for i, r in rows.items() if r["state"] == "sending" and r["provider_sid"] is None} == {
        ids[1], ids[4], ids[5], ids[2], ids[8]}
    fake.callbacks = True
    restarted = Dispatcher(app[DB], app[SMS_SENDER], app[SMS_HOOKS], config, clock=clock)
    assert await restarted.resume() == 5
    await drain(app, fake, clock, dispatcher=restarted)
    assert all(len(fake.sent_to(number)) == 1 for number in numbers)
    rows = {r["id"]: r for r in [await row(app, i) for i in ids]}
    assert {r["state"] for r in rows.values()} >= {"delivered"}
    assert all(r["provider_sid"] == fake.sent_to(r["recipient"])[0].sid for r in rows.values())
    assert [rows[i]["attempts"] for i in (ids[1], ids[2])] == [1, 2]  # adopted; really sent on the second try


async def test_under_injected_faults_every_message_is_sent_once_or_failed_with_its_code(
    app: web.Application, impatient: Dispatcher, fake: FakeTwilio, clock: FakeClock
) -> None:
    fake.faults.rate_5xx, fake.faults.rate_429, fake.faults.rate_timeout = 0.2, 0.1, 0.1
    fake.faults.permanent.update({"+46703000003": 21614, "+46703000007": 30005})
    numbers = [f"+467030000{n:02d}" for n in range(40)]
    ids = dict(zip([await queue(app, number) for number in numbers], numbers, strict=True))
    await drain(app, fake, clock, dispatcher=impatient)
    outcomes = {"5": 0, "4": 0, "t": 0}
    for request in fake.requests:
        outcomes[request[0]] = outcomes.get(request[0], 0) + 1
    assert outcomes["5"] and outcomes["4"] and outcomes["t"]  # every kind of fault really happened
    for message_id, number in ids.items():
        stored = await row(app, message_id)
        sent = fake.sent_to(number)
        if stored["state"] in ("failed", "undelivered"):
            assert stored["error_code"], number
            assert all(m.status == "undelivered" for m in sent) and len(sent) <= 1
        else:
            assert (stored["state"], len(sent), stored["provider_sid"]) == ("delivered", 1, sent[0].sid)
    assert (await row(app, min(ids)))["state"] == "delivered"
    failed = {number: (await row(app, i))["error_code"] for i, number in ids.items()
              if (await row(app, i))["state"] in ("failed", "undelivered")}
    assert failed == {"+46703000003": "21614", "+46703000007": "30005"}


async def test_wrong_credentials_hold_the_queue_instead_of_failing_it(
    app: web.Application, wired: TestClient, fake: FakeTwilio, clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sms.policy import MAX_ATTEMPTS

    monkeypatch.setenv("TWILIO_REGION", "ie1")  # must not send us to another host
    settings = app[SETTINGS].replace(twilio_auth_token="wrong-token")
    sender = make_sender(settings)
    wrong = Dispatcher(app[DB], sender, app[SMS_HOOKS], dispatch_config(settings), clock=clock)
    message_id = await queue(app)
    try:
        for _ in range(MAX_ATTEMPTS + 2):
            await wrong.pump()
            clock.advance(hours=2)
    finally:
        await sender.close()
    stored = await row(app, message_id)
    assert (stored["state"], stored["error_code"]) == ("queued", "20003")
    assert stored["attempts"] == MAX_ATTEMPTS + 2
    await drain(app, fake, clock)  # the token fixed: it goes
    assert (await row(app, message_id))["state"] == "delivered"


async def test_a_messaging_service_or_an_alphanumeric_sender(app: web.Application, wired: TestClient,
                                                             fake: FakeTwilio, clock: FakeClock) -> None:
    for route in ({"twilio_messaging_service_sid": "MG" + "1" * 32, "twilio_from": ""},
                  {"twilio_from": "Exempelby"}):
        settings = app[SETTINGS].replace(**route)
        sender = make_sender(settings)
        try:
            await queue(app, body=str(route))
            await Dispatcher(app[DB], sender, app[SMS_HOOKS], dispatch_config(settings), clock=clock).pump()
        finally:
            await sender.close()
    first, second = sorted(fake.sent_to(NUMBER), key=lambda m: m.sid)
    assert (first.messaging_service_sid, first.from_) == ("MG" + "1" * 32, "+46700000000")
    assert (second.messaging_service_sid, second.from_) == ("", "Exempelby")


async def test_a_commit_wakes_the_running_dispatcher_without_waiting_for_the_poll(
    app: web.Application, wired: TestClient, fake: FakeTwilio, clock: FakeClock
) -> None:
    config = DispatchConfig(50.0, None, poll_interval=3600)  # only the wake-up can make it send in time
    dispatcher = Dispatcher(app[DB], app[SMS_SENDER], app[SMS_HOOKS], config, clock=clock)
    task = asyncio.create_task(dispatcher.run())
    try:
        for _ in range(100):  # bounded: let run() register and make its first (empty) pass
            if dispatcher.wake in outbox._wakers:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)
        message_id = await queue(app)
        for _ in range(300):
            if (await row(app, message_id))["state"] != "queued":
                break
            await asyncio.sleep(0.01)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert (await row(app, message_id))["state"] != "queued"
    assert dispatcher.wake not in outbox._wakers  # unregistered at shutdown


async def test_urgent_messages_go_first(app: web.Application, wired: TestClient, recorder: Recorder) -> None:
    ids = [await queue(app, f"+4670400000{n}") for n in range(5)]
    urgent = await queue(app, "+46704000099", urgent=True)
    await app[SMS_DISPATCHER].pump()
    claimed = [mid for mid, state, _ in recorder.states if state == "sending"]
    assert claimed == [urgent, *ids]  # the order they are handed to the provider
