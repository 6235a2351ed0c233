"""Demo surveys for `panel demo`: one closed a month ago, one sent a few hours ago with answers still coming in,
and a draft. They are sent through the real path (targeting, invitations, outbox) to the members the members
demo created; deliveries and answers are then simulated with realistic timing: most members answer within
minutes of the SMS, a tail over the following hours. Seeding twice changes nothing (surveys are found by title).

As an analyst would, the demo sends at ten in the morning, Swedish time (never in the SMS quiet hours), and
lets surveys close at eight in the evening, so the SMS say "Svara senast 2 december 20:00".
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from panel.clock import STOCKHOLM, to_db
from panel.db import Database, Transaction
from panel.members.targeting import Target
from sms import store as sms_store
from surveys import invitation_store, invitations, store
from surveys.builder import QuestionDraft, SurveyDraft
from surveys.model import DONT_KNOW, SMS_KINDS

INVITATION = "Hej {name}! Kommunens medborgarpanel har en ny fråga. Svara senast {deadline}: {link}"
INVITATION_EN = "Hi {name}! The citizen panel has a new question. Please answer by {deadline}: {link}"
SEND_TIME = time(10, 0)  # Stockholm time: office hours, well clear of the quiet hours
CLOSE_TIME = time(20, 0)  # the evening of the last day


@dataclass(frozen=True)
class DemoQuestion:
    draft: QuestionDraft
    weights: tuple[float, ...]  # relative frequency of each stored value in `values`
    values: tuple[str, ...]


@dataclass(frozen=True)
class DemoSurvey:
    title: str
    title_en: str
    intro: str
    sent_ago: timedelta | None  # None: a draft
    open_for: timedelta
    questions: tuple[DemoQuestion, ...]


def _q(kind: str, text: str, text_en: str, weights: tuple[float, ...], *, options: tuple[str, ...] = (),
       options_en: tuple[str, ...] = (), dont_know: bool = False, required: bool = True) -> DemoQuestion:
    values = {"yes_no": ("yes", "no"), "scale_5": tuple("12345"), "scale_10": tuple(str(n) for n in range(11))}.get(
        kind, tuple(str(n) for n in range(1, len(options) + 1)))
    if dont_know:
        values += (DONT_KNOW,)
    draft = QuestionDraft(kind, text, text_en, required, dont_know, options, options_en, 1)
    return DemoQuestion(draft, weights, values)


SURVEYS = (
    DemoSurvey(
        "Trygghet i kommunen", "Safety in the municipality",
        "Vi vill veta hur trygg du känner dig där du bor. Det tar två minuter.", timedelta(days=40),
        timedelta(days=14), (
            _q("scale_5", "Hur trygg känner du dig när du går ute på kvällen där du bor?",
               "How safe do you feel walking outside in the evening where you live?", (6, 14, 27, 33, 17, 3),
               dont_know=True),
            _q("yes_no", "Har du undvikit någon plats i kommunen det senaste året för att den känns otrygg?",
               "Have you avoided a place in the municipality in the past year because it feels unsafe?", (38, 62)),
            _q("single_choice", "Vad skulle mest öka tryggheten?", "What would most improve safety?",
               (41, 24, 19, 16), options=("Bättre belysning", "Fler vuxna ute", "Polis och väktare", "Annat"),
               options_en=("Better lighting", "More adults around", "Police and guards", "Other")),
        )),
    DemoSurvey(
        "Parker och grönområden", "Parks and green spaces",
        "Kommunen planerar nästa års skötsel av parkerna. Tre snabba frågor.", timedelta(hours=3),
        timedelta(days=7), (
            _q("scale_5", "Hur nöjd är du med parkerna nära dig?", "How satisfied are you with the parks near you?",
               (5, 11, 24, 39, 21)),
            _q("yes_no", "Har du besökt en park eller ett grönområde den senaste veckan?",
               "Have you visited a park or green space in the past week?", (71, 29)),
            _q("single_choice", "Vad ska kommunen satsa mest på?", "What should the municipality invest in most?",
               (34, 28, 22, 16), options=("Lekplatser", "Belysning", "Bänkar och toaletter", "Mer natur"),
               options_en=("Playgrounds", "Lighting", "Benches and toilets", "More nature")),
        )),
    DemoSurvey(
        "Kollektivtrafiken 2027", "Public transport 2027", "Hur reser du i dag, och vad skulle få dig att välja "
        "bussen oftare?", None, timedelta(days=10), (
            _q("scale_10", "Hur troligt är det att du rekommenderar bussen till en vän?",
               "How likely are you to recommend the bus to a friend?", (1,) * 11),
            _q("free_text", "Vad skulle få dig att åka buss oftare?", "What would make you take the bus more often?",
               (), required=False),
        )),
)


def _local(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=STOCKHOLM).astimezone(UTC)


def sending_time(now: datetime, ago: timedelta) -> datetime:
    """The latest SEND_TIME at least `ago` before `now`: "three hours ago" at 07:41 is yesterday at 10:00."""
    latest = (now - ago).astimezone(STOCKHOLM)
    sent = _local(latest.date(), SEND_TIME)
    return sent if sent <= latest else _local(latest.date() - timedelta(days=1), SEND_TIME)


def closing_time(start: datetime, open_for: timedelta) -> datetime:
    """CLOSE_TIME on the day `open_for` after `start`."""
    return _local((start + open_for).astimezone(STOCKHOLM).date(), CLOSE_TIME)


def _minutes_to_answer(rng: random.Random) -> float:
    """Most answer within minutes of the SMS; some hours later (a log-normal with a median of 14 minutes)."""
    return min(rng.lognormvariate(2.64, 1.3), 60 * 24 * 6)


async def seed(db: Database, rng: random.Random, now: datetime, *, base_url: str) -> None:
    for spec in sorted(SURVEYS, key=lambda s: -(s.sent_ago or timedelta(0)).total_seconds()):
        if await store.survey_by_title(db, spec.title) is not None:
            continue
        sent_at = sending_time(now, spec.sent_ago) if spec.sent_ago else now
        closes_at = closing_time(sent_at, spec.open_for)
        draft = SurveyDraft(spec.title, spec.title_en, spec.intro, "", INVITATION, INVITATION_EN, "", "", None,
                            closes_at, 2, 1)
        async with db.transaction() as tx:
            survey_id = await store.create_survey(tx, draft, user_id=None, now=to_db(sent_at - timedelta(days=1)))
            for question in spec.questions:
                await store.add_question(tx, survey_id, question.draft)
        if spec.sent_ago is None:
            continue
        await invitations.send_survey(db, survey_id, Target(), base_url=base_url, now=sent_at)
        async with db.transaction() as tx:
            await _simulate(tx, rng, survey_id, spec, sent_at, min(now, closes_at))
            if closes_at <= now:
                await invitations.close(tx, survey_id, now=to_db(closes_at))


async def _simulate(tx: Transaction, rng: random.Random, survey_id: int, spec: DemoSurvey, sent_at: datetime,
                    until: datetime) -> None:
    questions = await store.questions_of(tx, survey_id)
    by_sms = all(q.kind in SMS_KINDS for q in questions)
    rows = await tx.fetch_all(
        "SELECT i.id, i.age_band, m.id AS message_id FROM invitations AS i"
        " JOIN sms_messages AS m ON m.dedupe_key = 'invitation:' || i.id WHERE i.survey_id = ?", (survey_id,))
    for row in rows:
        delivered = rng.random() < 0.97
        stamp = to_db(sent_at + timedelta(seconds=rng.uniform(2, 40)))
        state = "delivered" if delivered else "failed"
        await sms_store.record_provider_state(
            tx, row["message_id"], expected="queued", provider_sid=f"SMdemo{row['id']}", state=state,
            error_code="" if delivered else "30006", error_message="", now=stamp,
        )
        await invitation_store.advance(tx, row["id"], "sent", now=stamp)
        await invitation_store.advance(tx, row["id"], state, now=stamp)
        # Older members answer a little more often, as in most panels.
        eager = 0.62 + (0.12 if row["age_band"] in ("65-79", "80+") else 0.0)
        if not delivered or rng.random() > eager:
            continue
        answered = sent_at + timedelta(minutes=_minutes_to_answer(rng))
        if answered >= until:
            continue
        values = {q.id: [rng.choices(demo.values, weights=demo.weights)[0]]
                  for q, demo in zip(questions, spec.questions, strict=True) if demo.weights}
        channel = "sms" if by_sms and rng.random() < 0.08 else "web"
        await invitation_store.save_answers(tx, row["id"], values, channel=channel, now=to_db(answered))
        await invitation_store.complete(tx, row["id"], now=to_db(answered))
