"""All SQL of the sms package: the outbox (sms_messages) and the inbound log (sms_inbound).

Every state change is one UPDATE guarded by the state it expects, so two paths racing for the same row
(the dispatcher and a status callback, two dispatchers after a restart) cannot both win.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from panel.db import Database, Row, Transaction
from sms.policy import QUEUED

Conn = Database | Transaction

_INSERT = """
INSERT INTO sms_messages (recipient, body, purpose, ref_type, ref_id, dedupe_key, urgent, segments,
                          next_attempt_at, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (dedupe_key) DO NOTHING
RETURNING id
"""


async def insert_message(tx: Transaction, *, recipient: str, body: str, purpose: str, ref_type: str,
                         ref_id: int | None, dedupe_key: str | None, urgent: bool, segments: int,
                         now: str) -> int | None:
    value = await tx.fetch_value(_INSERT, (recipient, body, purpose, ref_type, ref_id, dedupe_key,
                                           int(urgent), segments, now, now, now))
    return None if value is None else int(value)


async def cancel_queued(tx: Transaction, *, recipient: str | None, ref_type: str | None,
                        ref_ids: Sequence[int] | None, now: str) -> int:
    where: list[str] = ["state = 'queued'"]
    params: list[Any] = [now]
    if recipient is not None:
        where.append("recipient = ?")
        params.append(recipient)
    if ref_type is not None:
        where.append("ref_type = ?")
        params.append(ref_type)
    if ref_ids is not None:
        if not ref_ids:
            return 0
        where.append(f"ref_id IN ({', '.join('?' for _ in ref_ids)})")  # placeholders only, values bound
        params.extend(int(i) for i in ref_ids)
    sql = f"UPDATE sms_messages SET state = 'cancelled', updated_at = ? WHERE {' AND '.join(where)}"  # noqa: S608
    return await tx.execute(sql, params)


async def claim_due(tx: Transaction, *, now: str, lease_until: str, limit: int, urgent_only: bool) -> list[Row]:
    """Move up to `limit` due queued messages to 'sending' and return them, urgent and oldest first."""
    rows = await tx.fetch_all(
        """
        UPDATE sms_messages
        SET state = 'sending', attempts = attempts + 1, attempt_started_at = :now,
            next_attempt_at = :lease, updated_at = :now
        WHERE id IN (SELECT id FROM sms_messages
                     WHERE state = 'queued' AND next_attempt_at <= :now AND (urgent = 1 OR NOT :urgent_only)
                     ORDER BY urgent DESC, next_attempt_at, id LIMIT :limit)
          AND state = 'queued'
        RETURNING *
        """,
        {"now": now, "lease": lease_until, "limit": limit, "urgent_only": int(urgent_only)},
    )
    # RETURNING does not keep the subquery's order: sort again so urgent and older messages go first.
    return sorted(rows, key=lambda row: (-row["urgent"], row["created_at"], row["id"]))


async def unknown_outcomes(conn: Conn, *, now: str, limit: int) -> list[Row]:
    """Attempts whose outcome is unknown (timeout, 5xx, crash) and whose lease has run out."""
    return await conn.fetch_all(
        "SELECT * FROM sms_messages WHERE state = 'sending' AND provider_sid IS NULL AND next_attempt_at <= ?"
        " ORDER BY next_attempt_at, id LIMIT ?",
        (now, limit),
    )


async def expire_leases(tx: Transaction, *, now: str) -> int:
    """At start-up nothing is in flight, so every unfinished attempt is due for reconciliation now."""
    return await tx.execute(
        "UPDATE sms_messages SET next_attempt_at = ? WHERE state = 'sending' AND provider_sid IS NULL", (now,)
    )


async def get_message(conn: Conn, message_id: int) -> Row | None:
    return await conn.fetch_one("SELECT * FROM sms_messages WHERE id = ?", (message_id,))


async def record_provider_state(tx: Transaction, message_id: int, *, expected: str, provider_sid: str,
                                state: str, error_code: str, error_message: str, now: str) -> Row | None:
    """Record what the provider said about the message; None if someone else moved it first."""
    return await tx.fetch_one(
        """
        UPDATE sms_messages
        SET state = ?, provider_sid = ?, error_code = ?, error_message = ?, updated_at = ?,
            sent_at = CASE WHEN ? IN ('sent', 'delivered') THEN COALESCE(sent_at, ?) ELSE sent_at END
        WHERE id = ? AND state = ?
        RETURNING *
        """,
        (state, provider_sid, error_code, error_message, now, state, now, message_id, expected),
    )


async def set_state(tx: Transaction, message_id: int, *, expected: str, state: str, error_code: str = "",
                    error_message: str = "", next_attempt_at: str | None = None, now: str) -> Row | None:
    """Move a message from `expected` to `state`; back to 'queued' forgets the provider SID of the try."""
    return await tx.fetch_one(
        """
        UPDATE sms_messages
        SET state = ?, error_code = ?, error_message = ?, updated_at = ?,
            next_attempt_at = COALESCE(?, next_attempt_at),
            provider_sid = CASE WHEN ? = 'queued' THEN NULL ELSE provider_sid END
        WHERE id = ? AND state = ?
        RETURNING *
        """,
        (state, error_code, error_message, now, next_attempt_at, state, message_id, expected),
    )


async def mark_unknown(tx: Transaction, message_id: int, *, error_code: str, error_message: str,
                       check_at: str, now: str) -> None:
    """An attempt may or may not have gone: reconcile at `check_at` unless the provider has told us meanwhile."""
    await tx.execute(
        "UPDATE sms_messages SET error_code = ?, error_message = ?, next_attempt_at = ?, updated_at = ?"
        " WHERE id = ? AND state = 'sending' AND provider_sid IS NULL",
        (error_code, error_message, check_at, now, message_id),
    )


async def claimed_sids(conn: Conn, sids: Sequence[str]) -> set[str]:
    """Which of these provider SIDs already belong to one of our messages (so reconciliation skips them)."""
    if not sids:
        return set()
    rows = await conn.fetch_all(
        f"SELECT provider_sid FROM sms_messages WHERE provider_sid IN ({', '.join('?' for _ in sids)})",  # noqa: S608
        list(sids),
    )
    return {row[0] for row in rows}


async def forget_number(tx: Transaction, phone: str, *, now: str) -> int:
    """Blank a number and the texts to and from it; states and counts stay for statistics.

    Error messages go too (a provider's message may quote the number), and so do dedupe keys, which
    another package may have built from something that points back to the person.
    """
    changed = await tx.execute(
        "UPDATE sms_messages SET recipient = '', body = '', error_message = '', dedupe_key = NULL, updated_at = ?"
        " WHERE recipient = ?",
        (now, phone),
    )
    return changed + await tx.execute(
        "UPDATE sms_inbound SET from_number = '', body = '' WHERE from_number = ?", (phone,)
    )


async def forget_ref(tx: Transaction, ref_type: str, ref_id: int, *, now: str) -> int:
    """Blank the number and text of every message sent for one thing (a case whose contacts are purged)."""
    return await tx.execute(
        "UPDATE sms_messages SET recipient = '', body = '', error_message = '', dedupe_key = NULL, updated_at = ?,"
        " state = CASE WHEN state = 'queued' THEN 'cancelled' ELSE state END"
        " WHERE ref_type = ? AND ref_id = ?",
        (now, ref_type, ref_id),
    )


async def forget_inbound(tx: Transaction, message_sids: list[str]) -> int:
    changed = 0
    for sid in message_sids:
        changed += await tx.execute(
            "UPDATE sms_inbound SET from_number = '', body = '' WHERE message_sid = ?", (sid,)
        )
    return changed


async def redact_finished(tx: Transaction, *, cutoff: str, now: str, limit: int) -> int:
    """Blank number, text and error message of up to `limit` finished messages untouched since `cutoff`.

    Finished: any state but queued and sending, so nothing waiting to go loses its number; and a message
    the provider accepted (it has a provider SID) whose report never came within the period. Only rows that
    still hold a number are chosen, so each batch moves on and a row is redacted once. Provider SID, dedupe
    key, state and counts stay: callbacks, reconciliation and enqueueing stay idempotent, and the outbox
    totals stay right. The WHERE terms repeat those of the partial index (migration 0010) word for word;
    INDEXED BY makes a change that loses the index fail loudly instead of walking the whole table.
    """
    return await tx.execute(
        """
        UPDATE sms_messages SET recipient = '', body = '', error_message = '', updated_at = ?
        WHERE id IN (SELECT id FROM sms_messages INDEXED BY sms_messages_unredacted
                     WHERE recipient > '' AND (state NOT IN ('queued', 'sending') OR provider_sid IS NOT NULL)
                       AND created_at < ? AND updated_at < ?
                     LIMIT ?)
        """,
        (now, cutoff, cutoff, limit),
    )


async def redact_inbound(tx: Transaction, *, cutoff: str, limit: int) -> int:
    """Blank sender and text of up to `limit` SMS received before `cutoff`; the MessageSid stays, so a
    repeated webhook for it is still recognised and ignored."""
    return await tx.execute(
        "UPDATE sms_inbound SET from_number = '', body = ''"
        " WHERE id IN (SELECT id FROM sms_inbound INDEXED BY sms_inbound_unredacted"
        "              WHERE from_number > '' AND received_at < ? LIMIT ?)",
        (cutoff, limit),
    )


# -- inbound ---------------------------------------------------------------------------------------------


async def insert_inbound(tx: Transaction, *, message_sid: str, from_number: str, to_number: str, body: str,
                         received_at: str) -> int | None:
    """Store an inbound SMS once; None when this MessageSid was already stored (a repeated webhook)."""
    value = await tx.fetch_value(
        "INSERT INTO sms_inbound (message_sid, from_number, to_number, body, received_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (message_sid) DO NOTHING RETURNING id",
        (message_sid, from_number, to_number, body, received_at),
    )
    return None if value is None else int(value)


async def set_inbound_handled(tx: Transaction, inbound_id: int, handled_by: str) -> None:
    await tx.execute("UPDATE sms_inbound SET handled_by = ? WHERE id = ?", (handled_by, inbound_id))


# -- the staff outbox page ------------------------------------------------------------------------------


async def totals(db: Database) -> dict[str, int]:
    rows = await db.fetch_all("SELECT state, COUNT(*) FROM sms_messages GROUP BY state")
    return {row[0]: int(row[1]) for row in rows}


async def queued_counts(db: Database) -> tuple[int, int]:
    """(non-urgent, urgent) messages waiting in the queue, whether due yet or backing off."""
    row = await db.fetch_one(
        "SELECT COALESCE(SUM(urgent = 0), 0), COALESCE(SUM(urgent = 1), 0) FROM sms_messages WHERE state = ?",
        (QUEUED,),
    )
    return (0, 0) if row is None else (int(row[0]), int(row[1]))


async def purposes(db: Database) -> list[str]:
    rows = await db.fetch_all("SELECT DISTINCT purpose FROM sms_messages ORDER BY purpose")
    return [row[0] for row in rows]


async def list_messages(db: Database, *, state: str = "", purpose: str = "", recipient: str = "",
                        before_id: int | None = None, limit: int = 50) -> list[Row]:
    """Newest first; `before_id` pages backwards. Empty filters match everything."""
    params: dict[str, Any] = {"state": state, "purpose": purpose, "recipient": recipient,
                              "before": before_id, "limit": limit}
    return await db.fetch_all(
        """
        SELECT * FROM sms_messages
        WHERE (:state = '' OR state = :state) AND (:purpose = '' OR purpose = :purpose)
          AND (:recipient = '' OR recipient = :recipient) AND (:before IS NULL OR id < :before)
        ORDER BY id DESC LIMIT :limit
        """,
        params,
    )

