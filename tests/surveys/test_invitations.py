"""Sending: one invitation and one SMS per member, personal links, tokens, reminders, closing."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aiohttp import web

from panel.clock import from_db, now_db, utcnow
from panel.db import Database
from panel.members.targeting import Target
from panel.settings import Settings
from surveys import builder, invitations
from surveys import web as surveys_web
from tests.surveys.factories import add_members, later, make_survey, quiet_now


@pytest.fixture
def settings(make_settings: Any) -> Settings:
    return make_settings(sms_quiet_hours=quiet_now())  # invitation SMS wait in the outbox during these tests


def test_tokens_are_short_url_safe_and_carry_72_bits() -> None:
    tokens = {invitations.new_token() for _ in range(2000)}
    assert len(tokens) == 2000
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{12}", token) for token in tokens)
    # 12 base64 characters are 72 bits; every character position varies across the sample
    assert all(len({token[i] for token in tokens}) > 32 for i in range(12))


def test_fill_puts_values_in_placeholders_and_leaves_other_braces() -> None:
    text = invitations.fill("Hej {name}! {x} Svara senast {deadline}: {link}", link="https://k.se/s/abc",
                            deadline="1 december 18:00", name="Anna Svensson")
    assert text == "Hej Anna! {x} Svara senast 1 december 18:00: https://k.se/s/abc"
    assert invitations.fill("Hej {name}! {link}", link="L", deadline="", name="") == "Hej! L"


async def test_send_creates_one_invitation_and_one_sms_per_member(sent_survey: dict[str, Any], db: Database) -> None:
    messages = await db.fetch_all("SELECT * FROM sms_messages WHERE purpose = 'invitation' ORDER BY id")
    assert len(messages) == 3
    tokens = set(sent_survey["tokens"].values())
    for message in messages:
        link = re.search(r"http://panel\.test/s/([A-Za-z0-9_-]+)", message["body"])
        assert link and link.group(1) in tokens
        assert message["ref_type"] == "invitation"
    survey = await db.fetch_one("SELECT state, invited_count FROM surveys WHERE id = ?", (sent_survey["survey_id"],))
    assert (survey["state"], survey["invited_count"]) == ("open", 3)


async def test_sending_twice_sends_nothing_more(sent_survey: dict[str, Any], db: Database) -> None:
    again = await invitations.send_survey(db, sent_survey["survey_id"], Target(), base_url="http://x", now=utcnow())
    assert not again.sent
    assert await db.fetch_value("SELECT COUNT(*) FROM sms_messages") == 3
    assert await db.fetch_value("SELECT COUNT(*) FROM invitations") == 3


async def test_english_members_get_the_english_text(db: Database) -> None:
    await add_members(db, 1, language="en")
    survey_id = await make_survey(db, invitation_text_en="Hi {name}! Answer by {deadline}: {link}")
    await invitations.send_survey(db, survey_id, Target(), base_url="http://panel.test", now=utcnow())
    body = await db.fetch_value("SELECT body FROM sms_messages")
    assert body.startswith("Hi Medlem! Answer by ")


async def test_reminders_go_once_and_only_to_those_who_have_not_completed(
    sent_survey: dict[str, Any], db: Database
) -> None:
    done, *_ = sent_survey["member_ids"]
    async with db.transaction() as tx:
        await tx.execute("UPDATE invitations SET state = 'delivered', sent_at = ?", (now_db(),))
        await tx.execute("UPDATE invitations SET completed_at = ?, state = 'completed' WHERE member_id = ?",
                         (now_db(), done))
    assert await invitations.send_due_reminders(db, base_url="http://panel.test", now=later(days=1)) == 0
    assert await invitations.send_due_reminders(db, base_url="http://panel.test", now=later(days=3)) == 2
    assert await invitations.send_due_reminders(db, base_url="http://panel.test", now=later(days=6)) == 0  # max 1
    reminders = await db.fetch_all("SELECT recipient, body FROM sms_messages WHERE purpose = 'reminder'")
    assert {r["recipient"] for r in reminders} == {"+46700000001", "+46700000002"}
    assert all("Påminnelse" in r["body"] and "http://panel.test/s/" in r["body"] for r in reminders)


async def test_closing_at_closes_at_cancels_queued_sms(sent_survey: dict[str, Any], db: Database) -> None:
    assert await invitations.close_due_surveys(db, now=later(days=1)) == 0
    assert await db.fetch_value("SELECT COUNT(*) FROM sms_messages WHERE state = 'queued'") == 3
    assert await invitations.close_due_surveys(db, now=later(days=8)) == 1
    state = await db.fetch_value("SELECT state FROM surveys WHERE id = ?", (sent_survey["survey_id"],))
    assert state == "closed"
    assert await db.fetch_value("SELECT COUNT(*) FROM sms_messages WHERE state = 'cancelled'") == 3
    assert await invitations.send_due_reminders(db, base_url="http://panel.test", now=later(days=9)) == 0


async def test_a_survey_opening_later_queues_its_invitations_for_the_opening_time(db: Database) -> None:
    await add_members(db, 1)
    opens = later(days=2).astimezone(builder.STOCKHOLM).strftime("%Y-%m-%dT%H:%M")
    survey_id = await make_survey(db, opens_at=opens)
    await invitations.send_survey(db, survey_id, Target(), base_url="http://x", now=utcnow())
    due = await db.fetch_value("SELECT next_attempt_at FROM sms_messages")
    assert from_db(due) > later(days=1)


async def test_the_survey_clock_closes_what_is_due(sent_survey: dict[str, Any], db: Database,
                                                   app: web.Application) -> None:
    async with db.transaction() as tx:
        await tx.execute("UPDATE surveys SET closes_at = ? WHERE id = ?", (now_db(), sent_survey["survey_id"]))
    await surveys_web.tick(app)
    assert await db.fetch_value("SELECT state FROM surveys") == "closed"
