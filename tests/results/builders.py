"""Surveys with invitations and answers written straight into a test database, without the survey pages."""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from panel.clock import to_db
from panel.db import Transaction

SENT = datetime.fromisoformat("2026-10-01T08:00:00+00:00")


async def survey(tx: Transaction, title: str = "Trafiken i centrum", *, sent: datetime | None = SENT,
                 state: str = "closed") -> int:
    return await tx.insert(
        "INSERT INTO surveys (title, invitation_text, state, created_at, sent_at) VALUES (?, ?, ?, ?, ?)",
        (title, "Svara här: {link}", state, to_db(SENT - timedelta(days=1)), sent and to_db(sent)),
    )


async def question(tx: Transaction, survey_id: int, position: int, kind: str, text: str,
                   options: Sequence[str] = (), *, dont_know: bool = False) -> int:
    return await tx.insert(
        "INSERT INTO questions (survey_id, position, kind, text, options, dont_know) VALUES (?, ?, ?, ?, ?, ?)",
        (survey_id, position, kind, text, json.dumps(list(options), ensure_ascii=False), int(dont_know)),
    )


async def invitation(tx: Transaction, survey_id: int, cell: tuple[str, str, str] = ("C", "30-44", "woman"), *,
                     state: str = "delivered", minutes: float | None = None) -> int:
    """An invitation sent at SENT; with `minutes`, completed that long after."""
    done = None if minutes is None else to_db(SENT + timedelta(minutes=minutes))
    delivered = None if state in ("queued", "sent", "failed") else to_db(SENT + timedelta(seconds=20))
    return await tx.insert(
        "INSERT INTO invitations (survey_id, token, state, district_code, age_band, gender, created_at, sent_at,"
        " delivered_at, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (survey_id, secrets.token_urlsafe(12), "completed" if done else state, *cell, to_db(SENT),
         None if state == "queued" else to_db(SENT), delivered, done),
    )


async def respondent(tx: Transaction, survey_id: int, cell: tuple[str, str, str],
                     answers: dict[int, str | Sequence[str]], *, minutes: float = 10) -> int:
    """A completed invitation with its answers; a list value is a multiple-choice answer."""
    invitation_id = await invitation(tx, survey_id, cell, minutes=minutes)
    for question_id, value in answers.items():
        for single in [value] if isinstance(value, str) else value:
            await tx.execute(
                "INSERT INTO answers (invitation_id, question_id, value, answered_at) VALUES (?, ?, ?, ?)",
                (invitation_id, question_id, single, to_db(SENT + timedelta(minutes=minutes))),
            )
    return invitation_id


async def district(tx: Transaction, code: str, name: str) -> int:
    return await tx.insert("INSERT INTO districts (code, name) VALUES (?, ?)", (code, name))


async def population(tx: Transaction, district_id: int, age_band: str, gender: str, count: int) -> None:
    await tx.execute(
        "INSERT INTO population (district_id, age_band, gender, count, updated_at) VALUES (?, ?, ?, ?, ?)",
        (district_id, age_band, gender, count, to_db(SENT)),
    )
