"""SQL of invitations and answers: tokens, states, answers stored once, reminders, SMS dialogues.

An invitation's state only moves forward (queued < sent < delivered/failed < opened < started < completed),
because delivery callbacks arrive late, twice or out of order; `opted_out` is final except after completion.
"""

from __future__ import annotations

from typing import Any

from panel.db import Database, Row, Transaction

Conn = Database | Transaction

RANK = {"queued": 0, "sent": 1, "delivered": 2, "failed": 2, "opened": 3, "started": 4, "completed": 5,
        "opted_out": 6}


async def insert_invitation(
    tx: Transaction, *, survey_id: int, member_id: int, token: str, language: str, district_code: str,
    age_band: str, gender: str, now: str,
) -> int | None:
    """The new invitation's id; None when the member already has one for this survey or the token is taken."""
    return await tx.fetch_value(
        "INSERT INTO invitations (survey_id, member_id, token, language, district_code, age_band, gender,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
        (survey_id, member_id, token, language, district_code, age_band, gender, now),
    )


async def has_invitation(tx: Transaction, survey_id: int, member_id: int) -> bool:
    found = await tx.fetch_value(
        "SELECT 1 FROM invitations WHERE survey_id = ? AND member_id = ?", (survey_id, member_id)
    )
    return found is not None


async def mark_members_surveyed(tx: Transaction, survey_id: int, *, now: str) -> None:
    """Feed the fatigue rules of targeting: the members' last survey is this one."""
    await tx.execute(
        "UPDATE members SET last_surveyed_at = ?"
        " WHERE id IN (SELECT member_id FROM invitations WHERE survey_id = ?)",
        (now, survey_id),
    )


async def by_token(conn: Conn, token: str) -> Row | None:
    return await conn.fetch_one("SELECT * FROM invitations WHERE token = ?", (token,))


async def advance(tx: Transaction, invitation_id: int, state: str, *, now: str) -> bool:
    """Move to `state` if that is further along, stamping the state's time once; True if it moved."""
    changed = await tx.execute(
        "UPDATE invitations SET state = :state,"
        " sent_at = CASE WHEN :state IN ('sent', 'delivered') THEN COALESCE(sent_at, :now) ELSE sent_at END,"
        " delivered_at = CASE WHEN :state = 'delivered' THEN COALESCE(delivered_at, :now)"
        " ELSE delivered_at END,"
        " opened_at = CASE WHEN :state IN ('opened', 'started', 'completed') THEN COALESCE(opened_at, :now)"
        " ELSE opened_at END,"
        " started_at = CASE WHEN :state IN ('started', 'completed') THEN COALESCE(started_at, :now)"
        " ELSE started_at END"
        " WHERE id = :id AND :rank > CASE state WHEN 'queued' THEN 0 WHEN 'sent' THEN 1"
        " WHEN 'delivered' THEN 2 WHEN 'failed' THEN 2 WHEN 'opened' THEN 3 WHEN 'started' THEN 4"
        " WHEN 'completed' THEN 5 ELSE 6 END",
        {"state": state, "now": now, "id": invitation_id, "rank": RANK[state]},
    )
    return changed == 1


async def answers_of(conn: Conn, invitation_id: int) -> dict[int, list[str]]:
    rows = await conn.fetch_all(
        "SELECT question_id, value FROM answers WHERE invitation_id = ? ORDER BY id", (invitation_id,)
    )
    found: dict[int, list[str]] = {}
    for row in rows:
        found.setdefault(row["question_id"], []).append(row["value"])
    return found


async def save_answers(
    tx: Transaction, invitation_id: int, values: dict[int, list[str]], *, channel: str, now: str
) -> None:
    """Replace the answers to these questions (a page sent again changes its answers, never doubles them)."""
    for question_id, chosen in values.items():
        await tx.execute(
            "DELETE FROM answers WHERE invitation_id = ? AND question_id = ?", (invitation_id, question_id)
        )
        await tx.executemany(
            "INSERT INTO answers (invitation_id, question_id, value, channel, answered_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [(invitation_id, question_id, value, channel, now) for value in chosen],
        )


async def complete(tx: Transaction, invitation_id: int, *, now: str) -> bool:
    """Mark the invitation completed; False if it already was (a resubmit or a second device)."""
    changed = await tx.execute(
        "UPDATE invitations SET state = 'completed', completed_at = :now, sms_question_id = NULL,"
        " opened_at = COALESCE(opened_at, :now), started_at = COALESCE(started_at, :now)"
        " WHERE id = :id AND completed_at IS NULL AND state <> 'opted_out'",
        {"now": now, "id": invitation_id},
    )
    return changed == 1


async def open_invitation_for_phone(tx: Transaction, phone: str, *, now: str) -> Row | None:
    """The member's invitation an SMS reply belongs to: a running SMS dialogue first, else the newest."""
    return await tx.fetch_one(
        "SELECT i.* FROM invitations AS i JOIN members AS m ON m.id = i.member_id"
        " JOIN surveys AS s ON s.id = i.survey_id"
        " WHERE m.phone = ? AND s.state = 'open' AND (s.opens_at IS NULL OR s.opens_at <= ?)"
        " AND (s.closes_at IS NULL OR s.closes_at > ?)"
        " AND i.completed_at IS NULL AND i.state <> 'opted_out'"
        " ORDER BY i.sms_question_id IS NULL, i.created_at DESC, i.id DESC LIMIT 1",
        (phone, now, now),
    )


async def set_sms_question(tx: Transaction, invitation_id: int, question_id: int | None) -> None:
    await tx.execute("UPDATE invitations SET sms_question_id = ? WHERE id = ?", (question_id, invitation_id))


async def opt_out_member(tx: Transaction, member_id: int) -> list[int]:
    """Mark the member's unfinished invitations opted out; their ids, to cancel queued SMS."""
    rows = await tx.fetch_all(
        "UPDATE invitations SET state = 'opted_out', sms_question_id = NULL"
        " WHERE member_id = ? AND completed_at IS NULL AND state <> 'opted_out' RETURNING id",
        (member_id,),
    )
    return [row["id"] for row in rows]


async def unfinished_invitation_ids(tx: Transaction, survey_id: int) -> list[int]:
    rows = await tx.fetch_all(
        "SELECT id FROM invitations WHERE survey_id = ? AND completed_at IS NULL", (survey_id,)
    )
    return [row["id"] for row in rows]


async def due_reminders(conn: Conn, *, now: str, limit: int = 500) -> list[Row]:
    """Invitations owed a reminder: open survey with a plan, not completed, reached, member still active."""
    return await conn.fetch_all(
        "SELECT i.id, i.token, i.language, i.reminders_sent, m.phone, m.name, s.id AS survey_id,"
        " s.closes_at, s.reminder_text, s.reminder_text_en"
        " FROM invitations AS i JOIN surveys AS s ON s.id = i.survey_id"
        " JOIN members AS m ON m.id = i.member_id"
        " WHERE s.state = 'open' AND s.reminder_after_days > 0 AND i.reminders_sent < s.reminder_max"
        " AND (s.closes_at IS NULL OR s.closes_at > :now) AND m.status = 'active'"
        " AND i.completed_at IS NULL AND i.state IN ('sent', 'delivered', 'opened', 'started')"
        " AND julianday(:now) - julianday(COALESCE(i.last_sent_at, i.sent_at, s.sent_at))"
        " >= s.reminder_after_days"
        " ORDER BY i.id LIMIT :limit",
        {"now": now, "limit": limit},
    )


async def record_reminder(tx: Transaction, invitation_id: int, reminders_sent: int, *, now: str) -> bool:
    """Count one more reminder; False if another run counted it first."""
    changed = await tx.execute(
        "UPDATE invitations SET reminders_sent = reminders_sent + 1, last_sent_at = ?"
        " WHERE id = ? AND reminders_sent = ?",
        (now, invitation_id, reminders_sent),
    )
    return changed == 1


async def state_counts(conn: Conn, survey_id: int) -> dict[str, Any]:
    row = await conn.fetch_one(
        "SELECT COUNT(*) AS invited, COUNT(sent_at) AS sent, COUNT(delivered_at) AS delivered,"
        " SUM(state = 'failed') AS failed, COUNT(opened_at) AS opened, COUNT(started_at) AS started,"
        " COUNT(completed_at) AS completed, SUM(state = 'opted_out') AS opted_out"
        " FROM invitations WHERE survey_id = ?",
        (survey_id,),
    )
    return {key: (row[key] or 0) if row else 0 for key in
            ("invited", "sent", "delivered", "failed", "opened", "started", "completed", "opted_out")}
