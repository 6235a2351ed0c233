"""What surveys do when other packages report events: SMS delivery states and members leaving the panel."""

from __future__ import annotations

from panel.clock import now_db
from panel.db import Transaction
from sms import outbox
from sms.hooks import OutboxMessage
from surveys import invitation_store

# Outbox delivery states that say something about whether the invitation reached the member.
_INVITATION_STATE = {"sent": "sent", "delivered": "delivered", "undelivered": "failed", "failed": "failed"}


async def on_status(tx: Transaction, message: OutboxMessage, state: str) -> None:
    """Follow the invitation SMS's delivery; reminders and replies do not change the invitation's state."""
    if message["ref_type"] != "invitation" or message["purpose"] != "invitation" or message["ref_id"] is None:
        return
    new_state = _INVITATION_STATE.get(state)
    if new_state is not None:
        # advance() ignores a state that is not further along, so late or repeated callbacks change nothing
        await invitation_store.advance(tx, int(message["ref_id"]), new_state, now=now_db())


async def on_opted_out(tx: Transaction, member_id: int) -> None:
    """A member left: their unfinished invitations are opted out and nothing more is sent to them for them."""
    invitation_ids = await invitation_store.opt_out_member(tx, member_id)
    if invitation_ids:
        await outbox.cancel_queued(tx, ref_type="invitation", ref_ids=invitation_ids)
