"""What the staff case page shows, gathered in one place so the route stays a few lines.

Reads only (through `handling_store`); the one write, the audit record when a handler opens the contact
details, is made by the route in its own transaction.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from panel import clock
from panel.db import Database, Row
from panel.settings import Settings

from . import handling_store as store
from .department_store import departments
from .handling import allowed_decisions, decision_labels, due_date, is_overdue
from .intake import tracking_url
from .outbound import reply_channel
from .similar import Located, most_similar
from .workdays import working_days_between

SIMILAR_DAYS = 60


def masked_email(email: str) -> str:
    """Enough to tell which address an answer goes to, not enough to copy it: a•••@exempel.se."""
    name, _, domain = email.partition("@")
    return f"{name[:1]}•••@{domain}" if domain else ""


def masked_phone(phone: str) -> str:
    return f"{phone[:4]}••••{phone[-2:]}" if len(phone) > 6 else ""


def deadline(case: Row, today: date) -> dict[str, Any]:
    due = due_date(case["answer_due_at"])
    left = working_days_between(today, due) if due is not None else None
    return {"due": due, "working_days_left": left, "overdue": is_overdue(case["state"], case["answer_due_at"], today)}


def _located(row: Row) -> Located:
    return Located(row["id"], f"{row['subject']} {row['body']}", row["location_text"], row["latitude"],
                   row["longitude"])


async def similar_cases(db: Database, case: Row) -> list[tuple[Row, float]]:
    since = clock.to_db(clock.from_db(case["created_at"]) - timedelta(days=SIMILAR_DAYS))
    rows = {row["id"]: row for row in await store.similar_candidates(db, case["id"], since)}
    found = most_similar(_located(case), [_located(row) for row in rows.values()])
    return [(rows[located.id], score) for located, score in found]


async def case_page_context(db: Database, settings: Settings, case: Row, *, show_contact: bool,
                            phrase_id: int | None = None) -> dict[str, Any]:
    contact = await store.contact(db, case["id"])
    email, phone = (contact["email"], contact["phone"]) if contact else ("", "")
    phrases = await store.phrases(db, case["category_id"])
    chosen = next((p for p in phrases if p["id"] == phrase_id), None)
    today = clock.local(clock.utcnow()).date()  # type: ignore[union-attr]
    return {
        "case": case,
        "deadline": deadline(case, today),
        "contact": contact,
        "show_contact": show_contact and contact is not None,
        "masked": {"email": masked_email(email), "phone": masked_phone(phone)},
        "reply_channel": reply_channel(case["channel"], email, phone),
        "thread": await store.thread(db, case["id"]),
        "events": await store.events(db, case["id"]),
        "attachments": await store.attachments(db, case["id"]),
        "decisions": allowed_decisions(case["state"]),
        "decision_labels": decision_labels(),
        "departments": await departments(db),
        "handlers": await store.handlers(db),
        "phrases": phrases,
        "comment": chosen["body"] if chosen else "",
        "duplicates": await store.merged_duplicates(db, case["id"]),
        "similar": [] if case["merged_into_id"] else await similar_cases(db, case),
        "tracking_url": tracking_url(settings.base_url, case["tracking_token"]),
    }
