"""SQL of the core: generated secrets, staff accounts, sessions, failed log-ins and the audit log."""

from __future__ import annotations

from panel.db import Database, Row, Transaction


async def get_or_create_secret(db: Database, name: str, make: str) -> str:
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO app_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", (name, make)
        )
        return str(await tx.fetch_value("SELECT value FROM app_secrets WHERE name = ?", (name,)))


# -- users -------------------------------------------------------------------------------------------


async def insert_user(
    tx: Transaction, username: str, password_hash: str, role: str, display_name: str, email: str
) -> int:
    return await tx.insert(
        "INSERT INTO users (username, password_hash, role, display_name, email) VALUES (?, ?, ?, ?, ?)",
        (username, password_hash, role, display_name, email),
    )


async def set_password(tx: Transaction, user_id: int, password_hash: str) -> bool:
    """A new password; every session of the account ends, so whoever knew the old one is logged out."""
    changed = await tx.execute("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id))
    await tx.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))
    return changed == 1


async def user_by_name(db: Database | Transaction, username: str) -> Row | None:
    return await db.fetch_one("SELECT * FROM users WHERE username = ?", (username,))


async def list_users(db: Database) -> list[Row]:
    return await db.fetch_all("SELECT * FROM users ORDER BY active DESC, username")


async def update_user(tx: Transaction, user_id: int, *, role: str, active: bool, email: str) -> None:
    await tx.execute(
        "UPDATE users SET role = ?, active = ?, email = ? WHERE id = ?", (role, int(active), email, user_id)
    )
    if not active:
        await tx.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))


# -- sessions ----------------------------------------------------------------------------------------


async def insert_session(tx: Transaction, id_hash: str, user_id: int, created_at: str, expires_at: str) -> None:
    await tx.execute(
        "INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
        (id_hash, user_id, created_at, expires_at),
    )
    await tx.execute("UPDATE users SET last_login_at = ? WHERE id = ?", (created_at, user_id))


async def session_user(db: Database, id_hash: str, now: str) -> Row | None:
    return await db.fetch_one(
        "SELECT u.id, u.username, u.display_name, u.role FROM sessions s JOIN users u ON u.id = s.user_id"
        " WHERE s.id_hash = ? AND s.expires_at > ? AND u.active = 1",
        (id_hash, now),
    )


async def delete_session(tx: Transaction, id_hash: str) -> None:
    await tx.execute("DELETE FROM sessions WHERE id_hash = ?", (id_hash,))


async def delete_expired_sessions(tx: Transaction, now: str) -> int:
    return await tx.execute("DELETE FROM sessions WHERE expires_at <= ?", (now,))


# -- log-in throttling -------------------------------------------------------------------------------


async def recent_failures(db: Database, username: str, address: str, since: str) -> int:
    return int(
        await db.fetch_value(
            "SELECT MAX((SELECT COUNT(*) FROM login_failures WHERE username = ? AND at > ?),"
            " (SELECT COUNT(*) FROM login_failures WHERE address = ? AND at > ?))",
            (username, since, address, since),
        )
    )


async def record_failure(tx: Transaction, username: str, address: str, at: str) -> None:
    await tx.execute(
        "INSERT INTO login_failures (username, address, at) VALUES (?, ?, ?)", (username[:200], address, at)
    )


async def clear_failures(tx: Transaction, username: str, before: str) -> None:
    await tx.execute("DELETE FROM login_failures WHERE username = ? OR at < ?", (username, before))


# -- audit -------------------------------------------------------------------------------------------


async def insert_audit(
    tx: Transaction, user_id: int | None, action: str, object_type: str, object_id: str, detail: str, at: str
) -> None:
    await tx.execute(
        "INSERT INTO audit_log (at, user_id, action, object_type, object_id, detail) VALUES (?, ?, ?, ?, ?, ?)",
        (at, user_id, action, object_type, object_id, detail),
    )


async def audit_page(db: Database, *, object_type: str, before_id: int | None, limit: int) -> list[Row]:
    return await db.fetch_all(
        "SELECT a.*, u.username FROM audit_log a LEFT JOIN users u ON u.id = a.user_id"
        " WHERE (? = '' OR a.object_type = ?) AND (? IS NULL OR a.id < ?)"
        " ORDER BY a.id DESC LIMIT ?",
        (object_type, object_type, before_id, before_id, limit),
    )
