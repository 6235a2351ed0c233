"""The SQL of intake: categories, cases, contacts, thread messages, attachments and Open311 keys.

Every statement is parameterised. Functions that write take a `Transaction`, so a case, its contact, its
first event and its receipt commit together or not at all. Readers take a `Database` or a `Transaction`.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, Protocol

from panel.db import Params, Row, Transaction

from .forms import Category, Upload
from .handling import ACTIONABLE

CLOSED_STATES = ("closed", "rejected")


def overdue_sql(alias: str = "c") -> str:
    """The SQL condition "overdue at ?" for the cases table as `alias`; its one parameter is the moment (UTC text).

    The one definition of overdue that the inbox (count and filter), the daily reminder and the statistics use,
    as `handling.is_overdue` does for one case: past the answer deadline while it is the municipality's turn
    (`handling.ACTIONABLE`). A case waiting for the resident's completion is not overdue for the municipality;
    its answer time starts again when they reply.
    """
    assert alias.isidentifier()  # code, never input
    marks = ", ".join(f"'{state}'" for state in sorted(ACTIONABLE))
    return f"({alias}.state IN ({marks}) AND {alias}.answer_due_at < ?)"


class Reader(Protocol):
    async def fetch_one(self, sql: str, params: Params = ...) -> Row | None: ...
    async def fetch_all(self, sql: str, params: Params = ...) -> list[Row]: ...
    async def fetch_value(self, sql: str, params: Params = ...) -> Any: ...


# -- categories -----------------------------------------------------------------------------------------


async def categories(conn: Reader, *, active_only: bool = True) -> list[Row]:
    sql = "SELECT * FROM categories"
    if active_only:
        sql += " WHERE active = 1"
    return await conn.fetch_all(sql + " ORDER BY code = 'ovrigt', name_sv")


async def category_rules(conn: Reader) -> dict[str, Category]:
    """The categories as form validation sees them."""
    return {row["code"]: Category(row["code"], bool(row["needs_location"])) for row in await categories(conn)}


async def category_by_code(conn: Reader, code: str) -> Row | None:
    return await conn.fetch_one("SELECT * FROM categories WHERE code = ?", (code,))


# -- cases ----------------------------------------------------------------------------------------------


async def next_reference_number(tx: Transaction, prefix: str, year: int) -> int:
    """The next number of the year; the writer runs one block at a time, so numbers never repeat."""
    return int(
        await tx.fetch_value(
            "INSERT INTO reference_counters (prefix, year, last) VALUES (?, ?, 1)"
            " ON CONFLICT (prefix, year) DO UPDATE SET last = last + 1 RETURNING last",
            (prefix, year),
        )
    )


async def case_by_idempotency_key(conn: Reader, key: str) -> Row | None:
    return await conn.fetch_one(
        "SELECT id, reference, tracking_token FROM cases WHERE idempotency_key = ?", (key,)
    )


async def case_by_id(conn: Reader, case_id: int) -> Row | None:
    return await conn.fetch_one("SELECT * FROM cases WHERE id = ?", (case_id,))


async def case_by_token(conn: Reader, token: str) -> Row | None:
    return await conn.fetch_one("SELECT * FROM cases WHERE tracking_token = ?", (token,))


async def case_by_reference(conn: Reader, reference: str) -> Row | None:
    return await conn.fetch_one("SELECT * FROM cases WHERE reference = ?", (reference,))


async def reference_of(conn: Reader, case_id: int) -> str:
    return str(await conn.fetch_value("SELECT reference FROM cases WHERE id = ?", (case_id,)))


async def districts(conn: Reader) -> list[Row]:
    """The parts of the municipality (the panel's districts), for the forms' optional choice."""
    return await conn.fetch_all("SELECT code, name FROM districts ORDER BY name")


async def insert_case(tx: Transaction, values: dict[str, Any]) -> int:
    columns = ", ".join(values)  # keys are this package's own column names, never user input
    marks = ", ".join("?" for _ in values)
    return await tx.insert(f"INSERT INTO cases ({columns}) VALUES ({marks})", tuple(values.values()))  # noqa: S608


async def insert_contact(tx: Transaction, case_id: int, name: str, email: str, phone: str) -> None:
    if name or email or phone:
        await tx.execute(
            "INSERT INTO case_contacts (case_id, name, email, phone) VALUES (?, ?, ?, ?)",
            (case_id, name, email, phone),
        )


async def insert_event(
    tx: Transaction, case_id: int, at: str, kind: str, detail: str = "", user_id: int | None = None
) -> None:
    await tx.execute(
        "INSERT INTO case_events (case_id, at, user_id, kind, detail) VALUES (?, ?, ?, ?, ?)",
        (case_id, at, user_id, kind, detail),
    )


async def can_reach(conn: Reader, case_id: int) -> bool:
    """Whether the resident left an e-mail address or a phone number to answer to."""
    value = await conn.fetch_value(
        "SELECT 1 FROM case_contacts WHERE case_id = ? AND (email != '' OR phone != '')", (case_id,)
    )
    return value is not None


async def touch_case(tx: Transaction, case_id: int, at: str, *, reopen: bool = True) -> bool:
    """A resident wrote again: the case is updated, and a case waiting for their reply is open again.

    Returns whether the case was reopened, so that its answer time can start again.
    """
    reopened = reopen and await tx.execute(
        "UPDATE cases SET state = 'open' WHERE id = ? AND state = 'waiting'", (case_id,)
    ) > 0
    await tx.execute("UPDATE cases SET updated_at = ? WHERE id = ?", (at, case_id))
    return reopened


async def demo_handler(conn: Reader) -> Row | None:
    """The demo's case handler (the first active one), who handled the demo's old cases; None if there is none."""
    return await conn.fetch_one(
        "SELECT id, username, display_name FROM users WHERE role = 'handler' AND active = 1 ORDER BY id LIMIT 1"
    )


async def demo_history(tx: Transaction, case_id: int, *, state: str, updated_at: str, assignee_user_id: int | None,
                       answered_at: str | None, closed_at: str | None, resolved: int | None) -> None:
    """Set a demo case's state and handling times as its (demo) history left them; the events come apart."""
    await tx.execute(
        "UPDATE cases SET state = ?, updated_at = ?, assignee_user_id = ?, answered_at = ?, closed_at = ?,"
        " resolved = ? WHERE id = ?",
        (state, updated_at, assignee_user_id, answered_at, closed_at, resolved, case_id),
    )


# -- thread messages and attachments --------------------------------------------------------------------


async def message_case_id(conn: Reader, external_id: str) -> int | None:
    value = await conn.fetch_value("SELECT case_id FROM case_messages WHERE external_id = ?", (external_id,))
    return None if value is None else int(value)


async def insert_message(
    tx: Transaction,
    case_id: int,
    at: str,
    *,
    direction: str,
    channel: str,
    body: str,
    external_id: str | None = None,
    author_user_id: int | None = None,
) -> int | None:
    """Add a message to a case's thread; None if a message with this external id is already stored."""
    value = await tx.fetch_value(
        "INSERT INTO case_messages (case_id, at, direction, channel, author_user_id, body, external_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (external_id) DO NOTHING RETURNING id",
        (case_id, at, direction, channel, author_user_id, body, external_id),
    )
    return None if value is None else int(value)


async def insert_attachment(
    tx: Transaction, case_id: int, upload: Upload, at: str, message_id: int | None = None
) -> int:
    return await tx.insert(
        "INSERT INTO case_attachments (case_id, message_id, filename, content_type, size, sha256, data,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            case_id,
            message_id,
            upload.filename,
            upload.content_type,
            len(upload.data),
            hashlib.sha256(upload.data).hexdigest(),
            upload.data,
            at,
        ),
    )


async def case_for_external_ids(conn: Reader, external_ids: list[str]) -> int | None:
    """The case a reply belongs to: an id it refers to is a case's first message or one in its thread."""
    if not external_ids:
        return None
    marks = ", ".join("?" for _ in external_ids)
    value = await conn.fetch_value(
        f"SELECT case_id FROM case_messages WHERE external_id IN ({marks})"  # noqa: S608 - only '?' marks
        f" UNION ALL SELECT id FROM cases WHERE idempotency_key IN ({marks}) LIMIT 1",
        (*external_ids, *external_ids),
    )
    return None if value is None else int(value)


async def open_case_of_phone(conn: Reader, phone: str, since: str) -> Row | None:
    """The sender's most recent case that is still being handled and was active since `since`."""
    return await conn.fetch_one(
        "SELECT c.id, c.reference, c.tracking_token FROM cases c JOIN case_contacts p ON p.case_id = c.id"
        " WHERE p.phone = ? AND c.state NOT IN (?, ?) AND c.updated_at >= ?"
        " ORDER BY c.updated_at DESC LIMIT 1",
        (phone, *CLOSED_STATES, since),
    )


# -- Open311 keys ---------------------------------------------------------------------------------------


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_open311_key() -> str:
    """A random key to hand to a third-party app once; only its hash is stored."""
    return "o311_" + secrets.token_urlsafe(32)


async def insert_open311_key(
    tx: Transaction, name: str, key: str, at: str, user_id: int | None, form_nonce: str | None = None
) -> int | None:
    """Store a key's hash; None if a key was already created from this form (a reloaded POST)."""
    value = await tx.fetch_value(
        "INSERT INTO open311_keys (name, key_hash, key_prefix, created_at, created_by, form_nonce)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (form_nonce) DO NOTHING RETURNING id",
        (name, hash_key(key), key[:9], at, user_id, form_nonce),
    )
    return None if value is None else int(value)


async def open311_key_id(conn: Reader, key: str) -> int | None:
    """The id of an active key, or None for an unknown or revoked one."""
    value = await conn.fetch_value(
        "SELECT id FROM open311_keys WHERE key_hash = ? AND revoked_at IS NULL", (hash_key(key),)
    )
    return None if value is None else int(value)


async def mark_open311_key_used(tx: Transaction, key_id: int, at: str) -> None:
    await tx.execute("UPDATE open311_keys SET last_used_at = ? WHERE id = ?", (at, key_id))


async def open311_keys(conn: Reader) -> list[Row]:
    return await conn.fetch_all(
        "SELECT k.*, u.username AS created_by_name FROM open311_keys k LEFT JOIN users u ON u.id = k.created_by"
        " ORDER BY k.revoked_at IS NOT NULL, k.created_at DESC"
    )


async def revoke_open311_key(tx: Transaction, key_id: int, at: str) -> bool:
    changed = await tx.execute(
        "UPDATE open311_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", (at, key_id)
    )
    return changed > 0
