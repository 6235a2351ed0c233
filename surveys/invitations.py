"""Invitations: personal tokens, the SMS texts with their placeholders, sending, reminders and closing.

A token is 9 random bytes from `secrets` (72 bits), 12 URL-safe characters: short enough for an SMS link,
far too many to guess. Invitations and their outbox rows are written in one transaction, so a survey is
either sent to everyone in its target or to no one; the outbox's dedupe key makes a second attempt a no-op.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime

from babel.dates import format_datetime

from panel import audit
from panel.clock import STOCKHOLM, from_db, to_db
from panel.db import Database, Transaction
from panel.members.targeting import Recipient, Target, select_recipients
from sms import outbox
from surveys import invitation_store, store
from surveys.model import Survey

TOKEN_BYTES = 9
DEFAULT_REMINDER = {
    "sv": "Påminnelse: vi vill gärna höra vad du tycker. Svara senast {deadline}: {link}",
    "en": "Reminder: we would like to hear what you think. Please answer by {deadline}: {link}",
}


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def answer_link(base_url: str, token: str) -> str:
    return f"{base_url}/s/{token}"


def format_deadline(closes_at: str | None, language: str) -> str:
    """The closing time as a member reads it: "1 december 18:00" in Stockholm time."""
    if not closes_at:
        return ""
    moment = from_db(closes_at).astimezone(STOCKHOLM)
    return format_datetime(moment, "d MMMM HH:mm", locale="sv" if language != "en" else "en")


def fill(template: str, *, link: str, deadline: str, name: str) -> str:
    """Put the values into the placeholders; other braces stay as written (no str.format surprises)."""
    text = template.replace("{link}", link).replace("{deadline}", deadline)
    text = text.replace("{name}", name.split(" ")[0] if name else "")
    return text.replace("  ", " ").replace(" !", "!").replace(" ,", ",")  # tidy an empty {name}


def sample_text(template: str, *, base_url: str, closes_at: str | None, language: str) -> str:
    """The text as a typical member gets it, for the segment and cost count before sending."""
    return fill(template, link=answer_link(base_url, "x" * 16), deadline=format_deadline(closes_at, language),
                name="Margareta")


@dataclass(frozen=True)
class SendResult:
    sent: bool  # False: the survey was already sent or is not a draft
    invited: int


def _invitation_template(survey: Survey, language: str) -> str:
    if language == "en" and survey.invitation_text_en:
        return survey.invitation_text_en
    return survey.invitation_text


async def send_survey(
    db: Database, survey_id: int, target: Target, *, base_url: str, now: datetime, user_id: int | None = None
) -> SendResult:
    """Open the survey and invite everyone the target reaches, in one transaction."""
    now_text = to_db(now)
    async with db.transaction() as tx:
        survey = await store.get_survey(tx, survey_id)
        if survey is None or not await store.mark_sent(
            tx, survey_id, now=now_text, target=json.dumps(target.to_dict(), ensure_ascii=False)
        ):
            return SendResult(sent=False, invited=0)
        recipients = await select_recipients(tx, target, now=now)
        # A survey that opens later is invited now but its SMS wait in the outbox until the opening time.
        send_at = max(now, from_db(survey.opens_at)) if survey.opens_at else now
        invited = 0
        for recipient in recipients:
            if await invite(tx, survey, recipient, base_url=base_url, now=now_text, send_at=send_at):
                invited += 1
        await store.set_invited_count(tx, survey_id, invited)
        await invitation_store.mark_members_surveyed(tx, survey_id, now=now_text)
        await audit.record(tx, user_id, "survey.send", "survey", survey_id, detail=f"{invited} invitations")
    return SendResult(sent=True, invited=invited)


async def invite(tx: Transaction, survey: Survey, recipient: Recipient, *, base_url: str, now: str,
                 send_at: datetime | None = None) -> bool:
    """One invitation and its SMS; False if the member already has one for this survey."""
    language = recipient.language if recipient.language in ("sv", "en") else "sv"
    for _attempt in range(5):  # a token collision at 72 bits is next to impossible, but never fatal
        token = new_token()
        invitation_id = await invitation_store.insert_invitation(
            tx, survey_id=survey.id, member_id=recipient.member_id, token=token, language=language,
            district_code=recipient.district_code, age_band=recipient.age_band, gender=recipient.gender,
            now=now,
        )
        if invitation_id is not None:
            break
        if await invitation_store.has_invitation(tx, survey.id, recipient.member_id):
            return False
    else:
        raise RuntimeError("could not draw an unused token")
    body = fill(_invitation_template(survey, language), link=answer_link(base_url, token),
                deadline=format_deadline(survey.closes_at, language), name=recipient.name)
    await outbox.enqueue(tx, recipient=recipient.phone, body=body, purpose="invitation",
                         ref_type="invitation", ref_id=invitation_id, dedupe_key=f"invitation:{invitation_id}",
                         now=send_at)
    return True


async def send_due_reminders(db: Database, *, base_url: str, now: datetime) -> int:
    """Queue the reminders that are due; each invitation's n-th reminder is queued at most once."""
    now_text = to_db(now)
    sent = 0
    for row in await invitation_store.due_reminders(db, now=now_text):
        language = row["language"]
        own = row["reminder_text_en"] if language == "en" else row["reminder_text"]
        template = own or DEFAULT_REMINDER.get(language, DEFAULT_REMINDER["sv"])
        body = fill(template, link=answer_link(base_url, row["token"]),
                    deadline=format_deadline(row["closes_at"], language), name=row["name"])
        number = row["reminders_sent"] + 1
        async with db.transaction() as tx:
            if not await invitation_store.record_reminder(tx, row["id"], row["reminders_sent"], now=now_text):
                continue
            await outbox.enqueue(tx, recipient=row["phone"], body=body, purpose="reminder",
                                 ref_type="invitation", ref_id=row["id"],
                                 dedupe_key=f"invitation:{row['id']}:reminder:{number}")
        sent += 1
    return sent


async def close(tx: Transaction, survey_id: int, *, now: str) -> bool:
    """Stop answers and reminders; SMS to unfinished invitations still waiting in the outbox are cancelled."""
    if not await store.close_survey(tx, survey_id, now=now):
        return False
    pending = await invitation_store.unfinished_invitation_ids(tx, survey_id)
    if pending:
        await outbox.cancel_queued(tx, ref_type="invitation", ref_ids=pending)
    return True


async def close_due_surveys(db: Database, *, now: datetime) -> int:
    closed = 0
    for survey_id in await store.surveys_due_to_close(db, now=to_db(now)):
        async with db.transaction() as tx:
            closed += await close(tx, survey_id, now=to_db(now))
    return closed
