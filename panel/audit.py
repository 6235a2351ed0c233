"""The audit log: who read or changed what personal data, and when. Written in the same transaction as the act."""

from __future__ import annotations

from panel import clock, store
from panel.db import Transaction


async def record(
    tx: Transaction,
    user_id: int | None,
    action: str,
    object_type: str,
    object_id: int | str,
    detail: str = "",
) -> None:
    """Record one act, e.g. `record(tx, user.id, "view_contact", "case", case_id)`."""
    await store.insert_audit(tx, user_id, action, object_type, str(object_id), detail[:2000], clock.now_db())
