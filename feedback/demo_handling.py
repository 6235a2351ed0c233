"""Demo case handling, on top of the intake demo's cases: departments with reminder addresses, a phrase
library, cases assigned to the demo handler with priorities, and a handful of real decisions taken through
`case_actions` (so their answers sit in the console outboxes), a completion request waiting for the resident,
an internal note, a merged duplicate and residents' verdicts.

Everything happens at the demo's `now` or, for the assignments of older cases, at office hours on the working
day after each case came in: the same clock the intake demo's history runs on.

Idempotent: departments and phrases are upserts, and the decisions are taken only on the run that created the
phrase library (a second `panel demo` finds it and leaves the cases alone).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from panel import clock
from panel.auth import User
from panel.db import Database, Transaction

from . import case_actions
from . import handling_store as store
from .demo import office_time
from .handling import DECISIONS, DecisionRequest
from .workdays import add_working_days

DEPARTMENTS = [
    ("Samhällsbyggnad", "samhallsbyggnad@example.se"), ("Utbildning", "utbildning@example.se"),
    ("Socialtjänst", "socialtjanst@example.se"), ("Kultur och fritid", "kultur@example.se"),
    ("Kommunledning", "kommunledning@example.se"),
]
# (category code or None for every category, title, text)
PHRASES = [
    (None, "Tack för synpunkten", "Tack för att du hörde av dig. Vi har tagit del av din synpunkt och tar med oss "
                                  "den i vårt fortsatta arbete."),
    (None, "Inte kommunens ansvar", "Det du beskriver ansvarar inte kommunen för. Kontakta Trafikverket på "
                                    "0771-921 921 eller trafikverket.se."),
    ("gata", "Felanmälan åtgärdas", "Tack för felanmälan! Vi har skickat en arbetsorder till vår entreprenör och "
                                    "felet åtgärdas normalt inom fem arbetsdagar."),
    ("gata", "Snöröjning", "Vi röjer huvudvägar och busshållplatser först, sedan bostadsgator. Vid kraftigt "
                           "snöfall kan det ta upp till ett dygn innan alla gator är röjda."),
    ("park", "Lekplats besiktigas", "Tack! Vi stänger av den trasiga lekutrustningen och besiktigar lekplatsen "
                                    "inom två arbetsdagar."),
    ("avfall", "Missad tömning", "Vi beklagar den missade tömningen. Kärlet töms vid nästa ordinarie tur, eller "
                                 "tidigare om du ringer kundtjänst."),
]
VERDICT_AFTER = timedelta(days=1, hours=3)  # when a resident reads the answer and says whether it resolved it
ANSWER = "Tack för att du hörde av dig! Vi har skickat ärendet till vår entreprenör, som åtgärdar det den här veckan."


async def _handler(db: Database) -> User | None:
    row = await db.fetch_one(
        "SELECT id, username, display_name, role FROM users WHERE role = 'handler' AND active = 1 ORDER BY id LIMIT 1"
    )
    return None if row is None else User(row["id"], row["username"], row["display_name"], row["role"])


async def _upsert_reference_data(tx: Transaction, user: User, at: str) -> bool:
    """Departments and phrases; True if the phrase library was empty (a first run)."""
    first_run = not await tx.fetch_value("SELECT COUNT(*) FROM case_phrases")
    for name, email in DEPARTMENTS:
        await tx.execute("INSERT INTO departments (name, email) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                         (name, email))
    for code, title, body in PHRASES:
        category_id = await tx.fetch_value("SELECT id FROM categories WHERE code = ?", (code,)) if code else None
        await store.add_phrase(tx, category_id, title, body, user.id, at)
    return first_run


async def _decide(db: Database, case_id: int, user: User, name: str, comment: str = "",
                  department: str = "", *, now: datetime, base_url: str) -> None:
    case = await store.case_detail(db, case_id)
    if case is None or case["state"] not in DECISIONS[name].allowed_from:
        return
    async with db.transaction() as tx:
        await case_actions.decide(tx, case, DecisionRequest(DECISIONS[name], comment, department), user,
                                  expected_updated_at=case["updated_at"], now=clock.to_db(now), base_url=base_url)


async def seed(db: Database, rng: random.Random, now: datetime, *, base_url: str) -> None:
    user = await _handler(db)
    if user is None:
        return
    async with db.transaction() as tx:
        first_run = await _upsert_reference_data(tx, user, clock.to_db(now))
    if not first_run:
        return
    active = await db.fetch_all(
        "SELECT id, created_at, updated_at, assignee_user_id FROM cases WHERE state IN ('new', 'open', 'waiting')"
        " ORDER BY created_at")
    async with db.transaction() as tx:
        for case in active[: len(active) * 2 // 3]:  # the newest third is not yet assigned, as in any inbox
            taken = _taken_on(rng, case["created_at"], now)
            changed = max(taken, case["updated_at"])
            priority = rng.choice(["normal", "normal", "normal", "high", "low"])
            if case["assignee_user_id"] is None:
                await store.add_event(tx, case["id"], taken, "assigned", user.display_name or user.username, user.id)
                await store.set_fields(tx, case["id"], changed, assignee_user_id=user.id, priority=priority)
                await store.open_if_new(tx, case["id"], changed)
            else:  # a case waiting for the resident is the handler's who asked them
                await store.set_fields(tx, case["id"], changed, priority=priority)
    # One decision of each kind, answers on both outboxes: an e-mail resident and an SMS resident.
    steps = [("answer", ANSWER, "", "email"), ("answer", ANSWER, "", "sms"),
             ("request_completion", "Kan du beskriva närmare var det är?", "", "email"),
             ("note", "Ringt entreprenören, de åker ut i morgon.", "", ""),
             ("forward", "Gäller skolskjuts, inte gata.", "Utbildning", ""),
             ("reject", "Vägen är statlig. Kontakta Trafikverket på 0771-921 921.", "", "")]
    for name, comment, department, reach in steps:
        case_id = await db.fetch_value(
            "SELECT c.id FROM cases c LEFT JOIN case_contacts k ON k.case_id = c.id"
            " WHERE (c.state = 'open' OR (? = 'sms' AND c.state = 'waiting'))"
            " AND (? = '' OR (? = 'email' AND COALESCE(k.email, '') != '') OR (? = 'sms' AND c.channel = 'sms'))"
            " AND NOT EXISTS (SELECT 1 FROM case_messages m WHERE m.case_id = c.id AND m.author_user_id = ?)"
            " ORDER BY c.created_at DESC LIMIT 1",
            (reach, reach, reach, reach, user.id),
        )
        if case_id is not None:
            await _decide(db, case_id, user, name, comment, department, now=now, base_url=base_url)
    await _merge_a_duplicate(db, user, now, base_url=base_url)
    await _verdicts(db, now)


def _taken_on(rng: random.Random, created_at: str, now: datetime) -> str:
    """When the handler took a case on: office hours of the working day after it came in (now, if that is later)."""
    day = clock.local(created_at).date()  # type: ignore[union-attr]
    taken = office_time(rng, add_working_days(day, 1))
    return clock.to_db(min(taken, now))


async def _verdicts(db: Database, now: datetime) -> None:
    """Two residents answer "did this resolve it?" a day or two after their answer: one yes (closed), one no (back
    in the inbox with a new answer time from then). They are the two answered most recently, before today's demo
    decisions."""
    answered = await db.fetch_all(
        "SELECT * FROM cases WHERE state = 'answered' AND answered_at < ? ORDER BY answered_at DESC LIMIT 2",
        (clock.to_db(now),),
    )
    for case, resolved in zip(answered, (True, False), strict=False):
        said = min(now, clock.from_db(case["answered_at"]) + VERDICT_AFTER)
        async with db.transaction() as tx:
            await case_actions.resident_verdict(tx, case, resolved, now=clock.to_db(said))


async def _merge_a_duplicate(db: Database, user: User, now: datetime, *, base_url: str) -> None:
    """Merge the newest active case into an older active case with the same text, if the demo has one."""
    pair = await db.fetch_one(
        "SELECT a.id AS duplicate, b.id AS target FROM cases a JOIN cases b ON a.body = b.body AND b.id < a.id"
        " WHERE a.state IN ('new', 'open') AND b.state IN ('new', 'open') AND a.merged_into_id IS NULL"
        " AND b.merged_into_id IS NULL ORDER BY a.created_at DESC LIMIT 1"
    )
    if pair is None:
        return
    duplicate = await store.case_detail(db, pair["duplicate"])
    target = await store.case_detail(db, pair["target"])
    assert duplicate is not None and target is not None
    async with db.transaction() as tx:
        await case_actions.merge(tx, duplicate, target, user, expected_updated_at=duplicate["updated_at"],
                                 now=clock.to_db(now), base_url=base_url)
