"""Test data for surveys: members straight into the registry, surveys through the store as the builder saves them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from multidict import MultiDict

from panel.clock import now_db, utcnow
from panel.db import Database
from surveys import builder, store

ONE_PER_KIND = [
    {"kind": "single_choice", "text": "Hur tar du dig till jobbet?", "text_en": "How do you get to work?",
     "options": "Bil\nBuss\nCykel", "options_en": "Car\nBus\nBicycle", "required": "on"},
    {"kind": "scale_5", "text": "Hur nöjd är du med parkerna?", "required": "on", "dont_know": "on"},
    {"kind": "yes_no", "text": "Har du besökt biblioteket i år?", "required": "on"},
]


async def add_members(db: Database, count: int, *, start: int = 0, language: str = "sv",
                      district: str = "D1") -> list[int]:
    """Active members with consecutive Swedish mobile numbers (+4670000xxxx)."""
    async with db.transaction() as tx:
        district_id = await tx.fetch_value("SELECT id FROM districts WHERE code = ?", (district,))
        if district_id is None:
            district_id = await tx.insert("INSERT INTO districts (code, name) VALUES (?, ?)", (district, "Centrum"))
        ids = []
        for n in range(start, start + count):
            ids.append(await tx.insert(
                "INSERT INTO members (phone, name, language, birth_year, gender, district_id, status)"
                " VALUES (?, ?, ?, ?, ?, ?, 'active')",
                (f"+4670000{n:04d}", f"Medlem {n}", language, 1950 + n % 50, ("woman", "man")[n % 2], district_id),
            ))
    return ids


async def make_survey(db: Database, questions: list[dict[str, Any]] | None = None, *,
                      closes_in: timedelta = timedelta(days=7), **fields: str) -> int:
    form = {"title": "Parker och resor", "invitation_text": "Hej {name}! Svara senast {deadline}: {link}",
            "reminder_after_days": "2", "reminder_max": "1",
            "closes_at": (utcnow() + closes_in).astimezone(builder.STOCKHOLM).strftime("%Y-%m-%dT%H:%M"),
            **fields}
    draft, problems = builder.parse_survey(form, now=utcnow() - timedelta(days=1))
    assert draft is not None, problems
    async with db.transaction() as tx:
        survey_id = await store.create_survey(tx, draft, user_id=None, now=now_db())
        for question in ONE_PER_KIND if questions is None else questions:
            qdraft, qproblems = builder.parse_question(question)
            assert qdraft is not None, qproblems
            await store.add_question(tx, survey_id, qdraft)
    return survey_id


def quiet_now() -> str:
    """Quiet hours around the present moment, so invitation SMS stay queued while a test looks at them."""
    local_now = utcnow().astimezone(builder.STOCKHOLM)
    start, end = local_now - timedelta(hours=2), local_now + timedelta(hours=2)
    return f"{start:%H:%M}-{end:%H:%M}"


def form(pairs: list[tuple[str, str]] | dict[str, str]) -> MultiDict[str]:
    return MultiDict(pairs)


def later(days: float = 0, hours: float = 0) -> datetime:
    return utcnow() + timedelta(days=days, hours=hours)
