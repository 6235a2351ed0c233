"""The daily deadline reminder: each handler (or department) gets one e-mail listing the cases that are
overdue or due within two working days.

A case goes to its assignee when their user name is an e-mail address, else to its department's address
(table `departments`); cases with neither are only shown as overdue in the inbox. One mail per recipient
and day (the outbox's dedupe key), so running the job again the same day sends nothing twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from panel import clock
from panel.db import Database, Row

from . import jobs_store
from .handling import due_date
from .outbound import enqueue_mail
from .workdays import add_working_days, is_working_day

DUE_SOON_DAYS = 2
# Not before the office opens: the job runs hourly, the first run after this hour of a working day sends.
SEND_FROM_HOUR = 7


def is_reminder_time(local_now: datetime) -> bool:
    return is_working_day(local_now.date()) and local_now.hour >= SEND_FROM_HOUR


def recipient_of(row: Row, department_emails: dict[str, str]) -> str:
    if row["assignee_email"]:
        return str(row["assignee_email"])
    username = row["assignee_username"] or ""
    if "@" in username:  # accounts named by their e-mail address
        return str(username)
    return department_emails.get(row["handling_department"], "")


def group_by_recipient(rows: Iterable[Row], department_emails: dict[str, str]) -> dict[str, list[Row]]:
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        recipient = recipient_of(row, department_emails)
        if recipient:
            groups[recipient].append(row)
    return dict(groups)


def reminder_text(rows: list[Row], today: date, base_url: str) -> str:
    overdue = [row for row in rows if (due_date(row["answer_due_at"]) or today) < today]
    soon = [row for row in rows if row not in overdue]
    lines = [f"Påminnelse om svarstider {today.isoformat()}.", ""]
    for title, group in (("Försenade ärenden", overdue), ("Ska besvaras inom två arbetsdagar", soon)):
        if not group:
            continue
        lines.append(f"{title} ({len(group)}):")
        for row in group:
            due = due_date(row["answer_due_at"])
            lines.append(f"- {row['reference']} (svar senast {due}) {base_url}/staff/cases/{row['id']}")
        lines.append("")
    lines.append(f"Alla försenade ärenden: {base_url}/staff/cases?overdue=1")
    return "\n".join(lines)


async def send_reminders(db: Database, *, base_url: str, now: datetime) -> int:
    """Queue today's reminder e-mails; return how many recipients there were."""
    local_now = clock.local(now)
    assert local_now is not None
    today = local_now.date()
    last_day = add_working_days(today, DUE_SOON_DAYS)
    end = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=clock.STOCKHOLM)
    rows = await jobs_store.cases_to_remind(db, clock.to_db(end))
    groups = group_by_recipient(rows, await jobs_store.department_emails(db))
    if not groups:
        return 0
    async with db.transaction() as tx:
        for recipient, cases in groups.items():
            await enqueue_mail(
                tx, recipient=recipient, subject=f"Ärenden att besvara – {today.isoformat()}",
                body=reminder_text(cases, today, base_url), purpose="deadline_reminder",
                dedupe_key=f"reminder:{today.isoformat()}:{recipient.lower()}",
            )
    return len(groups)
