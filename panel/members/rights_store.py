"""SQL of data-subject rights: everything held about one member (for export) and its erasure."""

from __future__ import annotations

from panel.db import Database, Row, Transaction

Conn = Database | Transaction


async def answers(conn: Conn, member_id: int) -> list[Row]:
    return await conn.fetch_all(
        "SELECT i.survey_id, s.title AS survey, q.position, q.text AS question, a.value, a.channel, a.answered_at"
        " FROM invitations i JOIN answers a ON a.invitation_id = i.id JOIN questions q ON q.id = a.question_id"
        " JOIN surveys s ON s.id = i.survey_id WHERE i.member_id = ? ORDER BY a.answered_at, q.position",
        (member_id,),
    )


async def messages_sent(conn: Conn, phone: str) -> list[Row]:
    return await conn.fetch_all(
        "SELECT created_at, purpose, state, body FROM sms_messages WHERE recipient = ? ORDER BY created_at",
        (phone,),
    )


async def messages_received(conn: Conn, phone: str) -> list[Row]:
    return await conn.fetch_all(
        "SELECT received_at, body FROM sms_inbound WHERE from_number = ? ORDER BY received_at", (phone,)
    )


async def audit_entries(conn: Conn, member_id: int) -> list[Row]:
    return await conn.fetch_all(
        "SELECT a.at, a.action, COALESCE(u.display_name, u.username, '') AS by_user FROM audit_log a"
        " LEFT JOIN users u ON u.id = a.user_id WHERE a.object_type = 'member' AND a.object_id = ? ORDER BY a.id",
        (str(member_id),),
    )


async def pending_signups(conn: Conn, phone: str) -> list[Row]:
    return await conn.fetch_all(
        "SELECT created_at, expires_at, details FROM member_signups WHERE phone = ?", (phone,)
    )


async def tally_erased(tx: Transaction, joined_month: str, left_month: str | None) -> None:
    await tx.execute(
        "INSERT INTO member_flow_erased (month, joined, departed) VALUES (?, 1, 0)"
        " ON CONFLICT (month) DO UPDATE SET joined = joined + 1",
        (joined_month,),
    )
    if left_month:
        await tx.execute(
            "INSERT INTO member_flow_erased (month, joined, departed) VALUES (?, 0, 1)"
            " ON CONFLICT (month) DO UPDATE SET departed = departed + 1",
            (left_month,),
        )


async def delete_member(tx: Transaction, member_id: int) -> None:
    """The row goes; its history follows (ON DELETE CASCADE) and invitations keep only their snapshot."""
    await tx.execute("UPDATE invitations SET member_id = NULL WHERE member_id = ?", (member_id,))
    await tx.execute("DELETE FROM members WHERE id = ?", (member_id,))


async def departed_before(conn: Conn, cutoff: str, limit: int) -> list[int]:
    rows = await conn.fetch_all(
        "SELECT id FROM members WHERE status = 'left' AND left_at < ? ORDER BY left_at LIMIT ?", (cutoff, limit)
    )
    return [int(row["id"]) for row in rows]
