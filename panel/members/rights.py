"""Data-subject rights: everything held about a member (JSON and CSV), and erasure.

Erasure removes the identity everywhere it is kept — the member row and its status history, pending sign-ups,
the number and text of every SMS to and from the member — while invitations keep their anonymous snapshot
(district, age band, gender), so answers still count in aggregates. Both acts are written to the audit log.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any

from panel import audit
from panel.clock import to_db
from panel.db import Database, Row, Transaction
from panel.members import rights_store, signup_store, store
from panel.members.hooks import MemberHooks
from sms import outbox

_MEMBER_FIELDS = (
    "id", "phone", "name", "email", "language", "birth_year", "gender", "district_code", "district_name",
    "status", "joined_at", "left_at", "consent_version", "consent_at", "consent_channel",
)


def _rows(rows: list[Row], *, drop: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    return [{key: value for key, value in dict(row).items() if key not in drop} for row in rows]


async def export_data(db: Database | Transaction, member_id: int) -> dict[str, Any] | None:
    """Everything held about the member, in sections; None if there is no such member."""
    member = await store.get_member(db, member_id)
    if member is None:
        return None
    consent = await store.consent_text(db, member["consent_version"], member["language"])
    signups = await rights_store.pending_signups(db, member["phone"])
    return {
        "member": {key: member[key] for key in _MEMBER_FIELDS},
        "consent": {
            "version": member["consent_version"], "given_at": member["consent_at"],
            "channel": member["consent_channel"], "text": consent["body"] if consent else "",
        },
        "status_history": _rows(await store.history(db, member_id), drop=("member_id", "user_id")),
        "invitations": _rows(await store.invitations(db, member_id, limit=10_000)),
        "answers": _rows(await rights_store.answers(db, member_id)),
        "sms_sent": _rows(await rights_store.messages_sent(db, member["phone"])),
        "sms_received": _rows(await rights_store.messages_received(db, member["phone"])),
        "pending_signups": [{"created_at": s["created_at"], "expires_at": s["expires_at"],
                             "details": json.loads(s["details"])} for s in signups],
        "access_log": _rows(await rights_store.audit_entries(db, member_id)),
    }


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def to_csv(data: dict[str, Any]) -> str:
    """One file for a spreadsheet: a row per value, as section, item number, field, value."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["section", "item", "field", "value"])
    for section, content in data.items():
        items = content if isinstance(content, list) else [content]
        for number, item in enumerate(items, start=1):
            for field, value in item.items():
                text = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value
                writer.writerow([section, number, field, "" if text is None else _safe_cell(str(text))])
    return buffer.getvalue()


def _safe_cell(text: str) -> str:
    """A leading =, +, - or @ would make a spreadsheet run the cell as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


async def record_export(tx: Transaction, user_id: int | None, member_id: int, fmt: str) -> None:
    await audit.record(tx, user_id, "export", "member", member_id, detail=fmt)


async def erase(
    tx: Transaction, hooks: MemberHooks, member_id: int, *, user_id: int | None, now: datetime, reason: str
) -> bool:
    """Erase the member's identity; False if there is no such member (erasing twice is harmless)."""
    member = await store.get_member(tx, member_id)
    if member is None:
        return False
    phone = member["phone"]
    await outbox.cancel_queued(tx, recipient=phone)
    await hooks.notify_opted_out(tx, member_id)  # surveys cancel the invitations still waiting
    await outbox.forget_number(tx, phone)
    await signup_store.delete_for_phone(tx, phone)
    left_at = member["left_at"] or to_db(now)
    await rights_store.tally_erased(tx, member["joined_at"][:7], left_at[:7])
    await rights_store.delete_member(tx, member_id)
    await audit.record(tx, user_id, "erase", "member", member_id, detail=reason)
    return True


async def purge_departed(tx: Transaction, hooks: MemberHooks, *, now: datetime, cutoff: str, limit: int = 500) -> int:
    """Erase members who left before `cutoff` (the retention rule); return how many."""
    erased = 0
    for member_id in await rights_store.departed_before(tx, cutoff, limit):
        erased += await erase(tx, hooks, member_id, user_id=None, now=now, reason="retention")
    await signup_store.delete_expired(tx, to_db(now))
    return erased
