"""SQL of pending sign-ups (double opt-in): a row per sign-up until its SMS code is typed or it expires."""

from __future__ import annotations

from panel.db import Database, Row, Transaction

Conn = Database | Transaction


async def insert_signup(
    tx: Transaction, *, token_hash: str, phone: str, details: str, code_hash: str, created_at: str, expires_at: str
) -> int:
    return await tx.insert(
        "INSERT INTO member_signups (token_hash, phone, details, code_hash, created_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (token_hash, phone, details, code_hash, created_at, expires_at),
    )


async def signup_by_token(conn: Conn, token_hash: str) -> Row | None:
    return await conn.fetch_one("SELECT * FROM member_signups WHERE token_hash = ?", (token_hash,))


async def count_recent(conn: Conn, phone: str, since: str) -> int:
    return int(await conn.fetch_value(
        "SELECT COUNT(*) FROM member_signups WHERE phone = ? AND created_at >= ?", (phone, since)
    ) or 0)


async def add_attempt(tx: Transaction, signup_id: int) -> int:
    await tx.execute("UPDATE member_signups SET attempts = attempts + 1 WHERE id = ?", (signup_id,))
    return int(await tx.fetch_value("SELECT attempts FROM member_signups WHERE id = ?", (signup_id,)) or 0)


async def delete_signup(tx: Transaction, signup_id: int) -> None:
    await tx.execute("DELETE FROM member_signups WHERE id = ?", (signup_id,))


async def delete_for_phone(tx: Transaction, phone: str) -> int:
    return await tx.execute("DELETE FROM member_signups WHERE phone = ?", (phone,))


async def delete_expired(tx: Transaction, now: str) -> int:
    return await tx.execute("DELETE FROM member_signups WHERE expires_at < ?", (now,))
