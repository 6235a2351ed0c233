"""Seeding a database file before its server starts, through the packages' own store functions.

Bulk rows (invitations, answers, outbox messages) are written with `executemany` inside one transaction:
the point is a realistic amount of data quickly, not exercising the code that normally writes them.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from panel import auth, migrations
from panel.app import MIGRATION_PACKAGES
from panel.clock import to_db, utcnow
from panel.db import Database

ANALYST = ("bench-analytiker", "bench-losenord-0123")  # name and password of the seeded analyst


@asynccontextmanager
async def database(path: str) -> AsyncIterator[Database]:
    """The panel's database on `path`, migrated, closed after the block."""
    db = Database(path)
    await db.open()
    try:
        await migrations.migrate(db.raw_writer, MIGRATION_PACKAGES)
        yield db
    finally:
        await db.close()


async def open311_keys(path: str, count: int) -> list[str]:
    """`count` Open311 API keys (each key has its own rate limit, so a long run spreads over several)."""
    from feedback import store

    keys = [store.new_open311_key() for _ in range(count)]
    async with database(path) as db, db.transaction() as tx:
        for number, key in enumerate(keys):
            await store.insert_open311_key(tx, f"bench {number}", key, to_db(utcnow()), None)
    return keys


async def analyst(path: str) -> None:
    async with database(path) as db, db.transaction() as tx:
        await auth.create_user(tx, ANALYST[0], ANALYST[1], "analyst", "Bench Analytiker")


@dataclass(frozen=True)
class SeededSurvey:
    id: int
    tokens: list[str]
    question_ids: list[int]


# Ten questions of the kinds members see: (kind, options, stored values answers are drawn from).
QUESTIONS: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    ("scale_5", (), tuple("12345")),
    ("yes_no", (), ("yes", "no")),
    ("single_choice", ("Belysning", "Fler vuxna ute", "Polis", "Annat"), ("1", "2", "3", "4")),
    ("scale_10", (), tuple(str(n) for n in range(11))),
    ("scale_5", (), tuple("12345")),
    ("yes_no", (), ("yes", "no")),
    ("single_choice", ("Buss", "Bil", "Cykel", "Till fots", "Annat"), ("1", "2", "3", "4", "5")),
    ("multiple_choice", ("Lekplatser", "Bänkar", "Toaletter", "Natur"), ("1", "2", "3", "4")),
    ("scale_5", (), tuple("12345")),
    ("free_text", (), ()),
]
FREE_TEXTS = ["Bättre belysning vid busshållplatsen.", "Fler bänkar längs älven, tack.",
              "Snöröjningen kommer för sent.", "Bra jobbat med lekplatsen!", "Ring mig på 070-123 45 67."]


async def survey(path: str, *, invitations: int, questions: int, answered_share: float = 0.0,
                 publish: bool = False, seed: int = 1) -> SeededSurvey:
    """An open survey with `questions` questions on one page and `invitations` sent invitations.

    `answered_share` of the invitations are completed with an answer to every question. The members demo
    (districts, population, 200 members) is seeded first, so results have districts to break down by and a
    population to weight against.
    """
    from panel.members import demo as members_demo
    from surveys import store
    from surveys.builder import QuestionDraft, SurveyDraft

    rng = random.Random(seed)
    now = utcnow()
    sent = now - timedelta(days=2)
    specs = [QUESTIONS[i % len(QUESTIONS)] for i in range(questions)]
    async with database(path) as db:
        await members_demo.seed(db, rng, now)
        districts = [row[0] for row in await db.fetch_all("SELECT code FROM districts ORDER BY code")] or [""]
        draft = SurveyDraft(f"Benchmark {invitations}", "", "Några frågor.", "", "Svara: {link}", "", "", "",
                            None, now + timedelta(days=30), 0, 0)
        async with db.transaction() as tx:
            survey_id = await store.create_survey(tx, draft, user_id=None, now=to_db(sent - timedelta(days=1)))
            question_ids = []
            for number, (kind, options, _values) in enumerate(specs, start=1):
                question = QuestionDraft(kind, f"Fråga {number}", f"Question {number}", kind != "free_text",
                                         False, options, options, 1)
                question_ids.append(int(await store.add_question(tx, survey_id, question) or 0))
            await tx.execute(
                "UPDATE surveys SET state = 'open', sent_at = ?, invited_count = ? WHERE id = ?",
                (to_db(sent), invitations, survey_id),
            )
            tokens = [secrets.token_urlsafe(12) for _ in range(invitations)]
            rows, answers = [], []
            for number, token in enumerate(tokens):
                done = rng.random() < answered_share
                delivered = to_db(sent + timedelta(seconds=rng.uniform(2, 60)))
                completed = to_db(sent + timedelta(minutes=min(rng.lognormvariate(2.64, 1.3), 2800))) if done else None
                rows.append((number + 1, survey_id, token, "completed" if done else "delivered",
                             rng.choice(districts), rng.choice(("16-29", "30-44", "45-64", "65-79", "80+")),
                             rng.choice(("woman", "man", "woman", "man", "other", "not_stated")), to_db(sent),
                             to_db(sent), delivered, completed, completed, completed))
                if done:
                    for question_id, (kind, _options, values) in zip(question_ids, specs, strict=True):
                        if kind == "free_text":
                            if rng.random() < 0.3:
                                answers.append((number + 1, question_id, rng.choice(FREE_TEXTS), completed))
                            continue
                        picks = rng.sample(values, rng.randint(1, 2)) if kind == "multiple_choice" else \
                            [rng.choice(values)]
                        answers.extend((number + 1, question_id, value, completed) for value in picks)
            first = int(await tx.fetch_value("SELECT COALESCE(MAX(id), 0) FROM invitations")) + 1
            rows = [(row[0] + first - 1, *row[1:]) for row in rows]
            answers = [(row[0] + first - 1, *row[1:]) for row in answers]
            await tx.executemany(
                "INSERT INTO invitations (id, survey_id, token, state, district_code, age_band, gender, created_at,"
                " sent_at, delivered_at, opened_at, started_at, completed_at) VALUES"
                " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows,
            )
            await tx.executemany(
                "INSERT INTO answers (invitation_id, question_id, value, answered_at) VALUES (?, ?, ?, ?)", answers,
            )
            if publish:
                await tx.execute(
                    "INSERT INTO survey_publications (survey_id, published_at, summary) VALUES (?, ?, ?)",
                    (survey_id, to_db(now), "Benchmark"),
                )
        await db.raw_writer.execute("ANALYZE")
    return SeededSurvey(survey_id, tokens, question_ids)


async def outbox(path: str, count: int, *, now: datetime | None = None) -> None:
    """`count` queued SMS through `sms.outbox.enqueue`, as a survey send would queue them."""
    from sms import outbox as sms_outbox

    now = now or utcnow()
    async with database(path) as db, db.transaction() as tx:
        for number in range(count):
            await sms_outbox.enqueue(
                tx, recipient=f"+4670{number:07d}", body=f"Hej! Kommunens medborgarpanel har en ny fråga: {number}",
                purpose="invitation", ref_type="bench", ref_id=number, dedupe_key=f"bench:{number}", now=now,
            )
