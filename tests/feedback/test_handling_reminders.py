"""The daily deadline reminder: who gets it, what it lists, and that a day's reminder is sent once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from feedback.reminders import is_reminder_time, send_reminders
from panel import auth, clock
from panel.db import Database
from tests.feedback.handling_support import BASE_URL, mails_to, new_case
from tests.helpers import migrated_database

# Wednesday 25 November 2026, 08:00 in Stockholm.
NOW = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with migrated_database(tmp_path) as database:
        yield database


def test_reminders_wait_for_a_working_morning() -> None:
    assert is_reminder_time(datetime(2026, 11, 25, 8, 0, tzinfo=clock.STOCKHOLM))
    assert not is_reminder_time(datetime(2026, 11, 25, 6, 59, tzinfo=clock.STOCKHOLM))
    assert not is_reminder_time(datetime(2026, 11, 28, 9, 0, tzinfo=clock.STOCKHOLM))  # a Saturday
    assert not is_reminder_time(datetime(2026, 12, 24, 9, 0, tzinfo=clock.STOCKHOLM))  # Christmas Eve


async def test_overdue_and_due_soon_cases_go_to_assignee_or_department(db: Database) -> None:
    async with db.transaction() as tx:
        await tx.execute("INSERT INTO departments (name, email) VALUES ('Samhällsbyggnad', 'sbf@kommun.example.se')")
        handler = await auth.create_user(tx, "karin", "correct horse battery", "handler", "Karin",
                                         "karin@kommun.example.se")
    overdue = await new_case(db, now=datetime(2026, 11, 2, 9, 0, tzinfo=UTC))  # due 16 November
    soon = await new_case(db, now=datetime(2026, 11, 13, 9, 0, tzinfo=UTC))  # due 27 November
    later = await new_case(db, now=datetime(2026, 11, 24, 9, 0, tzinfo=UTC))  # due 8 December
    assigned = await new_case(db, now=datetime(2026, 11, 3, 9, 0, tzinfo=UTC))
    await db.execute("UPDATE cases SET assignee_user_id = ? WHERE id = ?", (handler, assigned.case_id))

    assert await send_reminders(db, base_url=BASE_URL, now=NOW) == 2
    department_mail = (await mails_to(db, "sbf@kommun.example.se"))[0]["body"]
    assert overdue.reference in department_mail and soon.reference in department_mail
    assert later.reference not in department_mail and assigned.reference not in department_mail
    assert department_mail.index("Försenade") < department_mail.index(overdue.reference) < department_mail.index(
        "inom två arbetsdagar") < department_mail.index(soon.reference)
    handler_mail = (await mails_to(db, "karin@kommun.example.se"))[0]["body"]
    assert assigned.reference in handler_mail and f"{BASE_URL}/staff/cases/{assigned.case_id}" in handler_mail

    await send_reminders(db, base_url=BASE_URL, now=NOW)  # the hourly round runs again the same day
    assert await db.fetch_value("SELECT COUNT(*) FROM email_outbox WHERE purpose = 'deadline_reminder'") == 2


async def test_no_address_no_mail(db: Database) -> None:
    await new_case(db, now=datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    assert await send_reminders(db, base_url=BASE_URL, now=NOW) == 0
