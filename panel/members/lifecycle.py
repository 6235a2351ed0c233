"""A member's status over time: joining, pausing, leaving, numbers that turn out invalid, coming back.

Every change goes through `change_status`, which writes the history row in the same transaction. Leaving
takes effect at once: SMS still queued for the member are cancelled and the `opted_out` listeners (surveys
cancelling queued invitations) run before the transaction commits.
"""

from __future__ import annotations

from dataclasses import dataclass

from panel.db import Transaction
from panel.members import store
from panel.members.hooks import MemberHooks
from sms import outbox

# Which changes a person or the system may make; anything else is refused rather than guessed.
ALLOWED = {
    "pending": {"active", "left"},
    "active": {"paused", "left", "invalid"},
    "paused": {"active", "left", "invalid"},
    "left": {"active"},
    "invalid": {"active", "left"},
}


class StatusError(ValueError):
    """A change the member's current status does not allow."""


@dataclass(frozen=True)
class Change:
    channel: str  # web, sms, staff, import, provider, retention
    at: str
    user_id: int | None = None
    note: str = ""


async def change_status(
    tx: Transaction, hooks: MemberHooks, member_id: int, status: str, change: Change
) -> bool:
    """Move the member to `status`; False if it already was there (a repeated STOP or click is harmless)."""
    member = await store.get_member(tx, member_id)
    if member is None:
        raise StatusError("no such member")
    current = member["status"]
    if current == status:
        return False
    if status not in ALLOWED.get(current, set()):
        raise StatusError(f"{current} -> {status}")
    left_at = change.at if status == "left" else None
    await store.set_status(tx, member_id, status, left_at=left_at)
    await store.add_history(
        tx, member_id, status, at=change.at, channel=change.channel, user_id=change.user_id, note=change.note
    )
    if status in ("left", "invalid"):
        # Nothing more may reach a member who left, nor be tried on a number that cannot take texts.
        await outbox.cancel_queued(tx, recipient=member["phone"])
    if status == "left":
        await hooks.notify_opted_out(tx, member_id)
    return True


async def leave(tx: Transaction, hooks: MemberHooks, member_id: int, change: Change) -> bool:
    return await change_status(tx, hooks, member_id, "left", change)
