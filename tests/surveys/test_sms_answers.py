"""Answering by SMS reply, through the signed inbound webhook, counted like web answers."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from twilio.request_validator import RequestValidator

from panel.db import Database
from panel.settings import Settings
from surveys.model import Question
from surveys.sms_answers import SKIP, parse_reply, question_text, starts_dialogue

AUTH_TOKEN = "test-auth-token"
PUBLIC = "http://panel.test"


@pytest.fixture
def settings(make_settings: Any) -> Settings:
    return make_settings(twilio_auth_token=AUTH_TOKEN, public_url=PUBLIC)


def q(kind: str, *, options: tuple[str, ...] = (), required: bool = True, dont_know: bool = False) -> Question:
    return Question(7, 1, 1, 1, kind, "Hur nöjd är du?", "How happy are you?", required, dont_know, options,
                    tuple(o.upper() for o in options))


@pytest.mark.parametrize(("question", "reply", "value"), [
    (q("yes_no"), "Ja!", "yes"), (q("yes_no"), " NEJ ", "no"), (q("yes_no"), "kanske", None),
    (q("scale_5"), "3", "3"), (q("scale_5"), "6", None), (q("scale_5"), "0", None),
    (q("scale_10"), "10", "10"), (q("scale_10"), "0", "0"),
    (q("single_choice", options=("Bil", "Buss")), "2", "2"), (q("single_choice", options=("Bil", "Buss")), "buss", "2"),
    (q("single_choice", options=("Bil", "Buss")), "BIL", "1"), (q("single_choice", options=("Bil", "Buss")), "3", None),
    (q("scale_5", dont_know=True), "vet ej", "dont_know"), (q("scale_5"), "vet ej", None),
    (q("scale_5", required=False), "hoppa", SKIP), (q("scale_5"), "hoppa", None),
])
def test_parse_reply(question: Question, reply: str, value: str | None) -> None:
    assert parse_reply(question, reply) == value


def test_question_text_says_how_to_answer() -> None:
    text = question_text(q("single_choice", options=("Bil", "Buss"), dont_know=True), 1, 3, "sv")
    assert text.startswith("Fråga 1 av 3:\nHur nöjd är du?")
    assert "1 = Bil, 2 = Buss" in text and "VET EJ" in text
    assert "(lägst)" in question_text(q("scale_10"), 2, 3, "sv")
    assert question_text(q("yes_no"), 1, 1, "en").splitlines()[1] == "How happy are you?"


def test_starting_words() -> None:
    assert starts_dialogue("Svar") and starts_dialogue("3") and starts_dialogue("ja")
    assert not starts_dialogue("Gatlampan på Storgatan är trasig")


async def reply(client: TestClient, sender: str, body: str, sid: str) -> int:
    fields = {"MessageSid": sid, "From": sender, "To": "+46700000999", "Body": body}
    signature = RequestValidator(AUTH_TOKEN).compute_signature(f"{PUBLIC}/webhooks/twilio/sms", fields)
    response = await client.post("/webhooks/twilio/sms", data=fields, headers={"X-Twilio-Signature": signature})
    return response.status


async def replies_to(db: Database, phone: str) -> list[str]:
    rows = await db.fetch_all(
        "SELECT body FROM sms_messages WHERE recipient = ? AND purpose = 'survey_reply' ORDER BY id", (phone,))
    return [row["body"] for row in rows]


async def test_a_whole_survey_answered_by_reply(client: TestClient, sent_survey: dict[str, Any],
                                                db: Database) -> None:
    phone = "+46700000000"
    assert await reply(client, phone, "SVAR", "SM1") == 200
    assert (await replies_to(db, phone))[-1].startswith("Fråga 1 av 3:\nHur tar du dig till jobbet?")
    await reply(client, phone, "2", "SM2")
    assert (await replies_to(db, phone))[-1].startswith("Fråga 2 av 3")
    await reply(client, phone, "femton", "SM3")
    assert (await replies_to(db, phone))[-1].startswith("Det svaret förstod vi inte.\nFråga 2 av 3")
    await reply(client, phone, "vet ej", "SM4")
    await reply(client, phone, "4", "SM4")  # the provider repeating a webhook: handled once
    await reply(client, phone, "Ja", "SM5")
    assert (await replies_to(db, phone))[-1] == "Tack för dina svar!"
    rows = await db.fetch_all("SELECT value, channel FROM answers ORDER BY question_id")
    assert [(r["value"], r["channel"]) for r in rows] == [("2", "sms"), ("dont_know", "sms"), ("yes", "sms")]
    invitation = await db.fetch_one("SELECT state, completed_at FROM invitations WHERE member_id = 1")
    assert invitation["state"] == "completed" and invitation["completed_at"]
    # After completing, a text is no longer a survey reply: it goes on to feedback (or nobody here).
    await reply(client, phone, "3", "SM6")
    assert len(await replies_to(db, phone)) == 5
    handled = await db.fetch_value("SELECT handled_by FROM sms_inbound WHERE message_sid = 'SM6'")
    assert "sms_answers" not in handled


async def test_ordinary_text_from_an_invited_member_is_left_for_feedback(
    client: TestClient, sent_survey: dict[str, Any], db: Database
) -> None:
    await reply(client, "+46700000001", "Gatlampan på Storgatan är trasig", "SM9")
    assert await replies_to(db, "+46700000001") == []
    assert "sms_answers" not in await db.fetch_value("SELECT handled_by FROM sms_inbound")


async def test_surveys_with_web_only_questions_are_not_answered_by_sms(client: TestClient, db: Database) -> None:
    from panel.clock import utcnow
    from panel.members.targeting import Target
    from surveys import invitations
    from tests.surveys.factories import add_members, make_survey

    await add_members(db, 1)
    survey_id = await make_survey(db, [{"kind": "free_text", "text": "Vad tycker du?"}])
    await invitations.send_survey(db, survey_id, Target(), base_url=PUBLIC, now=utcnow())
    await reply(client, "+46700000000", "SVAR", "SM1")
    assert await replies_to(db, "+46700000000") == []
