"""The provider's webhooks: signatures checked against the public URL, states forward only, inbound SMS
stored once and routed to keywords, then to the registered handlers in order."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient
from twilio.request_validator import RequestValidator

from panel.keys import DB
from sms import outbox
from sms.hooks import Keyword
from sms.keys import SMS_DISPATCHER
from tests.fake_twilio import AUTH_TOKEN, FakeTwilio
from tests.sms.conftest import PUBLIC_URL, Recorder, add_inbound_handler, add_keyword_handler

NUMBER = "+46701234567"
INBOUND = "/webhooks/twilio/sms"


def sign(url: str, fields: dict[str, str], token: str = AUTH_TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, fields)


async def post_status(client: TestClient, message_id: int | str, fields: dict[str, str], *,
                      signed_url: str | None = None, signature: str | None = None) -> int:
    path = f"/webhooks/twilio/status?m={message_id}"
    headers = {} if signature == "" else {
        "X-Twilio-Signature": signature or sign(signed_url or PUBLIC_URL + path, fields)}
    response = await client.post(path, data=fields, headers=headers)
    return response.status


async def sent_message(app: web.Application, fake: FakeTwilio) -> tuple[int, str]:
    """A message handed to the provider, with no callback yet (the test posts them)."""
    fake.callbacks = False
    async with app[DB].transaction() as tx:
        message_id = await outbox.enqueue(tx, recipient=NUMBER, body="Hej", purpose="test")
    assert message_id is not None
    await app[SMS_DISPATCHER].pump()
    [message] = fake.sent_to(NUMBER)
    return message_id, message.sid


async def state_of(app: web.Application, message_id: int) -> tuple[str, str]:
    row = await app[DB].fetch_one("SELECT state, error_code FROM sms_messages WHERE id = ?", (message_id,))
    assert row is not None
    return row["state"], row["error_code"]


# -- signatures -----------------------------------------------------------------------------------------


async def test_a_signed_callback_moves_the_state(app: web.Application, client: TestClient, fake: FakeTwilio,
                                                 recorder: Recorder) -> None:
    message_id, sid = await sent_message(app, fake)
    assert await post_status(client, message_id, {"MessageSid": sid, "MessageStatus": "delivered"}) == 200
    assert await state_of(app, message_id) == ("delivered", "")
    assert recorder.states_of(message_id) == ["sending", "delivered"]


async def test_missing_invalid_and_tampered_signatures_are_refused(app: web.Application, client: TestClient,
                                                                   fake: FakeTwilio, recorder: Recorder) -> None:
    message_id, sid = await sent_message(app, fake)
    fields = {"MessageSid": sid, "MessageStatus": "failed", "ErrorCode": "30006"}
    assert await post_status(client, message_id, fields, signature="") == 403
    assert await post_status(client, message_id, fields, signature="bm90IGEgc2lnbmF0dXJl") == 403
    path = f"/webhooks/twilio/status?m={message_id}"
    assert await post_status(client, message_id, fields, signature=sign(PUBLIC_URL + path, fields, "wrong")) == 403
    tampered = sign(PUBLIC_URL + path, {**fields, "MessageStatus": "delivered"})
    assert await post_status(client, message_id, fields, signature=tampered) == 403
    assert await state_of(app, message_id) == ("sending", "")
    assert recorder.states_of(message_id) == ["sending"]


async def test_the_signature_must_be_for_the_public_url_not_the_host_we_were_reached_at(
    app: web.Application, client: TestClient, fake: FakeTwilio
) -> None:
    message_id, sid = await sent_message(app, fake)
    fields = {"MessageSid": sid, "MessageStatus": "delivered"}
    as_reached = str(client.make_url(f"/webhooks/twilio/status?m={message_id}"))
    assert await post_status(client, message_id, fields, signed_url=as_reached) == 403
    assert await post_status(client, message_id, fields, signed_url=PUBLIC_URL + "/webhooks/twilio/status") == 403
    assert await state_of(app, message_id) == ("sending", "")


async def test_a_replayed_callback_changes_nothing_and_cannot_be_moved_to_another_message(
    app: web.Application, client: TestClient, fake: FakeTwilio, recorder: Recorder
) -> None:
    message_id, sid = await sent_message(app, fake)
    fields = {"MessageSid": sid, "MessageStatus": "delivered"}
    signature = sign(f"{PUBLIC_URL}/webhooks/twilio/status?m={message_id}", fields)
    assert await post_status(client, message_id, fields, signature=signature) == 200
    assert await post_status(client, message_id, fields, signature=signature) == 200
    assert recorder.states_of(message_id) == ["sending", "delivered"]
    assert await post_status(client, message_id + 1, fields, signature=signature) == 403


# -- status semantics -----------------------------------------------------------------------------------


async def test_late_and_out_of_order_callbacks_never_move_a_state_back(
    app: web.Application, client: TestClient, fake: FakeTwilio, recorder: Recorder
) -> None:
    message_id, sid = await sent_message(app, fake)
    for status in ("sent", "delivered", "sent", "queued", "failed", "delivered"):
        assert await post_status(client, message_id, {"MessageSid": sid, "MessageStatus": status}) == 200
    assert await state_of(app, message_id) == ("delivered", "")
    assert recorder.states_of(message_id) == ["sending", "sent", "delivered"]


async def test_a_failure_stores_its_error_code(app: web.Application, client: TestClient, fake: FakeTwilio,
                                               recorder: Recorder) -> None:
    message_id, sid = await sent_message(app, fake)
    fields = {"MessageSid": sid, "MessageStatus": "undelivered", "ErrorCode": "30006"}
    assert await post_status(client, message_id, fields) == 200
    assert await state_of(app, message_id) == ("undelivered", "30006")
    assert recorder.states[-1] == (message_id, "undelivered", "30006")


async def test_news_about_another_attempt_or_unknown_message_is_ignored(
    app: web.Application, client: TestClient, fake: FakeTwilio
) -> None:
    message_id, _ = await sent_message(app, fake)
    assert await post_status(client, message_id, {"MessageSid": "SMother", "MessageStatus": "failed"}) == 200
    assert await post_status(client, 9999, {"MessageSid": "SMx", "MessageStatus": "delivered"}) == 200
    assert await post_status(client, message_id, {"MessageSid": "SMx", "MessageStatus": "receiving"}) == 200
    assert await state_of(app, message_id) == ("sending", "")


async def test_malformed_callbacks_get_a_400(app: web.Application, client: TestClient, fake: FakeTwilio) -> None:
    message_id, sid = await sent_message(app, fake)
    assert await post_status(client, "abc", {"MessageSid": sid, "MessageStatus": "sent"}) == 400
    assert await post_status(client, message_id, {"MessageSid": sid}) == 400
    assert await state_of(app, message_id) == ("sending", "")


# -- inbound --------------------------------------------------------------------------------------------


async def inbound(client: TestClient, fake: FakeTwilio, body: str, **kw: Any) -> tuple[int, str]:
    return await fake.send_inbound(str(client.make_url(INBOUND)), PUBLIC_URL + INBOUND, body=body,
                                   from_=kw.pop("from_", NUMBER), **kw)


async def replies(app: web.Application) -> list[Any]:
    return await app[DB].fetch_all("SELECT * FROM sms_messages WHERE purpose = 'keyword_reply' ORDER BY id")


async def test_keywords_in_both_languages_reach_the_keyword_handlers(
    app: web.Application, client: TestClient, fake: FakeTwilio, recorder: Recorder
) -> None:
    add_keyword_handler(app, recorder, reply="Du är avregistrerad.")
    for body in ("STOPP", " stop ", "Avsluta", "AVREGISTRERA", "start", "Hjälp", "HELP"):
        status, text = await inbound(client, fake, body)
        assert (status, text) == (200, '<?xml version="1.0" encoding="UTF-8"?><Response></Response>')
    assert [k for k, _ in recorder.keywords] == [Keyword.OPT_OUT] * 4 + [Keyword.OPT_IN] + [Keyword.HELP] * 2
    sent = await replies(app)
    assert len(sent) == 7 and {(r["recipient"], r["urgent"], r["body"]) for r in sent} == {
        (NUMBER, 1, "Du är avregistrerad.")}
    handled = await app[DB].fetch_all("SELECT handled_by FROM sms_inbound ORDER BY id")
    assert [r[0] for r in handled][:2] == ["keyword:opt_out", "keyword:opt_out"]


async def test_a_repeated_delivery_is_handled_once(app: web.Application, client: TestClient, fake: FakeTwilio,
                                                   recorder: Recorder) -> None:
    add_keyword_handler(app, recorder)
    for _ in range(3):
        assert (await inbound(client, fake, "STOPP", sid="SMrepeat"))[0] == 200
    assert len(recorder.keywords) == 1
    assert await app[DB].fetch_value("SELECT COUNT(*) FROM sms_inbound") == 1
    assert len(await replies(app)) == 1


async def test_other_texts_go_to_the_handlers_in_order_until_one_takes_it(
    app: web.Application, client: TestClient, fake: FakeTwilio, recorder: Recorder
) -> None:
    add_inbound_handler(app, recorder, "surveys_answer", lambda body: body.isdigit())
    add_inbound_handler(app, recorder, "feedback_case", lambda body: True)
    add_inbound_handler(app, recorder, "never", lambda body: True)
    await inbound(client, fake, "3")
    await inbound(client, fake, "Gatlampan på Storgatan är trasig")
    assert recorder.inbound == [("surveys_answer", "3"), ("surveys_answer", "Gatlampan på Storgatan är trasig"),
                                ("feedback_case", "Gatlampan på Storgatan är trasig")]
    handled = [r[0] for r in await app[DB].fetch_all("SELECT handled_by FROM sms_inbound ORDER BY id")]
    assert [h.rsplit(".", 1)[-1] for h in handled] == ["surveys_answer", "feedback_case"]
    assert recorder.keywords == []


async def test_an_unhandled_text_is_still_stored(app: web.Application, client: TestClient, fake: FakeTwilio) -> None:
    await inbound(client, fake, "Hej?")
    row = await app[DB].fetch_one("SELECT from_number, to_number, body, handled_by FROM sms_inbound")
    assert row is not None and tuple(row) == (NUMBER, "+46700000000", "Hej?", "")


async def test_help_without_a_handler_gets_the_default_reply(app: web.Application, client: TestClient,
                                                             fake: FakeTwilio) -> None:
    await inbound(client, fake, "hjälp")
    [reply] = await replies(app)
    assert "STOPP" in reply["body"] and "Exempelby kommun" in reply["body"]


async def test_unsigned_or_incomplete_inbound_is_refused_and_not_stored(
    app: web.Application, client: TestClient, fake: FakeTwilio
) -> None:
    fields = {"MessageSid": "SMforged", "From": NUMBER, "Body": "STOPP"}
    response = await client.post(INBOUND, data=fields, headers={"X-Twilio-Signature": sign(INBOUND, fields)})
    assert response.status == 403
    missing = {"MessageSid": "SMnofrom", "Body": "Hej"}
    response = await client.post(INBOUND, data=missing,
                                 headers={"X-Twilio-Signature": sign(PUBLIC_URL + INBOUND, missing)})
    assert response.status == 400
    assert await app[DB].fetch_value("SELECT COUNT(*) FROM sms_inbound") == 0


async def test_a_transient_failure_after_delivery_does_not_send_again(
    app: web.Application, client: TestClient, fake: FakeTwilio
) -> None:
    message_id, sid = await sent_message(app, fake)
    for status, code in (("delivered", ""), ("undelivered", "30003")):
        fields = {"MessageSid": sid, "MessageStatus": status, **({"ErrorCode": code} if code else {})}
        assert await post_status(client, message_id, fields) == 200
    assert await state_of(app, message_id) == ("delivered", "")


async def test_an_unreachable_handset_puts_the_message_back_in_the_queue(
    app: web.Application, client: TestClient, fake: FakeTwilio, recorder: Recorder
) -> None:
    message_id, sid = await sent_message(app, fake)
    fields = {"MessageSid": sid, "MessageStatus": "undelivered", "ErrorCode": "30003"}
    assert await post_status(client, message_id, fields) == 200
    assert await state_of(app, message_id) == ("queued", "30003")
    assert recorder.states_of(message_id) == ["sending", "queued"]
    # The old attempt's later news no longer matches the message.
    assert await post_status(client, message_id, {"MessageSid": sid, "MessageStatus": "delivered"}) == 200
    assert await state_of(app, message_id) == ("queued", "30003")
