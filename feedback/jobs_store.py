"""The SQL of the handling side's background jobs: deadline reminders and retention of contact details."""

from __future__ import annotations

from panel.db import Row, Transaction

from .store import Reader, overdue_sql


async def cases_to_remind(db: Reader, due_before: str) -> list[Row]:
    """Cases waiting on the municipality whose answer is due before `due_before` (overdue ones included): the
    cases that are overdue at `due_before`, by the inbox's and the statistics' one definition."""
    return await db.fetch_all(
        "SELECT c.id, c.reference, c.subject, c.answer_due_at, c.assignee_user_id,"  # noqa: S608 - constant SQL
        " u.username AS assignee_username, u.email AS assignee_email,"
        " COALESCE(NULLIF(c.department, ''), cat.department, '') AS handling_department"
        " FROM cases c LEFT JOIN categories cat ON cat.id = c.category_id"
        " LEFT JOIN users u ON u.id = c.assignee_user_id AND u.active = 1"
        f" WHERE {overdue_sql('c')} ORDER BY c.answer_due_at",
        (due_before,),
    )


async def department_emails(db: Reader) -> dict[str, str]:
    rows = await db.fetch_all("SELECT name, email FROM departments WHERE email != ''")
    return {row["name"]: row["email"] for row in rows}


async def cases_to_purge(db: Reader, closed_before: str, *, limit: int = 200) -> list[int]:
    """Finished cases closed before the cutoff whose contact details are still kept."""
    rows = await db.fetch_all(
        "SELECT id FROM cases WHERE state IN ('closed', 'rejected', 'answered') AND contacts_purged_at IS NULL"
        " AND COALESCE(closed_at, answered_at) < ? ORDER BY id LIMIT ?",
        (closed_before, limit),
    )
    return [row["id"] for row in rows]


async def texts_of(tx: Transaction, case_id: int) -> tuple[str, str, list[Row]]:
    """The case's subject, body and thread messages, for masking."""
    row = await tx.fetch_one("SELECT subject, body FROM cases WHERE id = ?", (case_id,))
    assert row is not None
    messages = await tx.fetch_all("SELECT id, body FROM case_messages WHERE case_id = ?", (case_id,))
    return row["subject"], row["body"], messages


async def sms_ids_of(tx: Transaction, case_id: int) -> list[str]:
    """The provider ids of the SMS a case was built from, to erase them from the SMS log too."""
    rows = await tx.fetch_all(
        "SELECT idempotency_key AS key FROM cases WHERE id = ? AND idempotency_key LIKE 'sms:%'"
        " UNION SELECT external_id FROM case_messages WHERE case_id = ? AND external_id LIKE 'sms:%'",
        (case_id, case_id),
    )
    return [row["key"][4:] for row in rows]


async def purge_case(tx: Transaction, case_id: int, *, subject: str, body: str, messages: dict[int, str],
                     at: str) -> None:
    """Remove the contact details, store the masked texts, and forget where our e-mail went."""
    await tx.execute("DELETE FROM case_contacts WHERE case_id = ?", (case_id,))
    await tx.execute("UPDATE cases SET subject = ?, body = ?, contacts_purged_at = ? WHERE id = ?",
                     (subject, body, at, case_id))
    for message_id, text in messages.items():
        await tx.execute("UPDATE case_messages SET body = ? WHERE id = ?", (text, message_id))
    await tx.execute(
        "UPDATE email_outbox SET recipient = '', body = '',"
        " state = CASE WHEN state = 'queued' THEN 'cancelled' ELSE state END"
        " WHERE ref_type = 'case' AND ref_id = ?",
        (case_id,),
    )
