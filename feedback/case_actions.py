"""What a handler or a resident does to a case, each as one transaction body.

Each function takes the caller's `Transaction`, so the change, its thread message, its event, its audit
record and the message to the resident in an outbox commit together or not at all. Staff changes carry the
`updated_at` the handler's page showed: if someone (a colleague, or the resident writing in) changed the case
since, the change is refused with `CaseChanged` instead of acting on a stale picture; that also makes a
resubmitted form harmless.
"""

from __future__ import annotations

from dataclasses import dataclass

from panel import audit, clock
from panel.auth import User
from panel.db import Row, Transaction
from panel.i18n import _

from . import handling_store as store
from . import store as intake_store
from .handling import (
    EVENT_OF_DECISION,
    TAKES_ON,
    DecisionError,
    DecisionRequest,
    resident_message,
    state_after_resident_message,
)
from .intake import DEFAULT_ANSWER_DAYS, due_at, tracking_url
from .outbound import notify_resident, reply_channel


class CaseChanged(Exception):
    """The case changed after the handler's page was drawn."""


@dataclass(frozen=True)
class HandlingChange:
    assignee_id: int | None
    priority: str
    secret: bool


async def _claim(tx: Transaction, case: Row, expected_updated_at: str, now: str) -> None:
    if not await store.claim(tx, case["id"], now, expected_updated_at):
        raise CaseChanged


async def _channel_of(tx: Transaction, case: Row) -> str:
    contact = await store.contact(tx, case["id"])
    if contact is None:
        return "web"
    return reply_channel(case["channel"], contact["email"], contact["phone"])


async def restart_deadline(tx: Transaction, case_id: int, now: str) -> None:
    """A case back with the municipality (completed by the resident, reopened) gets a full answer time again."""
    days = await store.answer_days(tx, case_id) or DEFAULT_ANSWER_DAYS
    await store.set_fields(tx, case_id, now, answer_due_at=due_at(clock.from_db(now), days))


async def _tell(tx: Transaction, case: Row, request: DecisionRequest, *, now: str, base_url: str,
                author_id: int) -> None:
    """Put the resident's message in the thread and send it on their channel."""
    told = resident_message(request, case["reference"], tracking_url(base_url, case["tracking_token"]))
    if told is None:
        return
    subject, text = told
    if request.comment and request.decision.comment_to_resident:
        await store.add_message(tx, case["id"], now, direction="out", channel=await _channel_of(tx, case),
                                body=request.comment, author_user_id=author_id)
    await notify_resident(tx, case["id"], subject=subject, text=text, kind=request.decision.name, ref=now)


async def decide(tx: Transaction, case: Row, request: DecisionRequest, user: User, *, expected_updated_at: str,
                 now: str, base_url: str) -> None:
    """Take a one-click decision: new state, the comment in the thread, the resident told, the act audited.

    A decision that takes the case on (`handling.TAKES_ON`) on a case nobody has also assigns it to the decider,
    recorded and audited as an assignment.
    """
    await _claim(tx, case, expected_updated_at, now)
    name = request.decision.name
    if name in TAKES_ON and case["assignee_user_id"] is None:
        await _assign(tx, case["id"], user.id, user, now)
    if request.new_state is not None:
        await store.change_state(tx, case["id"], request.new_state, now)
    if name == "reopen":
        await restart_deadline(tx, case["id"], now)
    if name == "forward":
        # The receiving department decides who handles it; the resident's deadline stays as it was.
        await store.set_fields(tx, case["id"], now, department=request.department, assignee_user_id=None)
    if request.comment and not request.decision.comment_to_resident:
        await store.add_message(tx, case["id"], now, direction="note", channel="internal", body=request.comment,
                                author_user_id=user.id)
    await store.add_event(tx, case["id"], now, EVENT_OF_DECISION[name], request.department, user.id)
    await _tell(tx, case, request, now=now, base_url=base_url, author_id=user.id)
    if name == "answer":
        # Residents whose reports were merged into this case get the same answer on their own case.
        for duplicate in await store.merged_duplicates(tx, case["id"]):
            await store.add_event(tx, duplicate["id"], now, "answered", "", user.id)
            await _tell(tx, duplicate, request, now=now, base_url=base_url, author_id=user.id)
    await audit.record(tx, user.id, f"case_{name}", "case", case["id"], request.department)


async def _assign(tx: Transaction, case_id: int, assignee_id: int | None, user: User, now: str) -> None:
    """Give the case to `assignee_id` (None: to nobody), with its event and audit record."""
    await store.set_fields(tx, case_id, now, assignee_user_id=assignee_id)
    if assignee_id is not None:
        await store.open_if_new(tx, case_id, now)
    name = await store.user_name(tx, assignee_id) if assignee_id is not None else ""
    await store.add_event(tx, case_id, now, "assigned", name, user.id)
    await audit.record(tx, user.id, "case_assign", "case", case_id, str(assignee_id or ""))


async def change_handling(tx: Transaction, case: Row, change: HandlingChange, user: User, *,
                          expected_updated_at: str, now: str) -> None:
    """Assignment, priority and secrecy: each actual change gets its own event and audit record."""
    await _claim(tx, case, expected_updated_at, now)
    if change.assignee_id != case["assignee_user_id"]:
        await _assign(tx, case["id"], change.assignee_id, user, now)
    if change.priority != case["priority"]:
        await store.set_fields(tx, case["id"], now, priority=change.priority)
        await store.add_event(tx, case["id"], now, "priority", change.priority, user.id)
        await audit.record(tx, user.id, "case_priority", "case", case["id"], change.priority)
    if change.secret != bool(case["secret"]):
        await store.set_fields(tx, case["id"], now, secret=int(change.secret))
        await store.add_event(tx, case["id"], now, "secrecy", "on" if change.secret else "off", user.id)
        await audit.record(tx, user.id, "case_secrecy", "case", case["id"], "on" if change.secret else "off")


async def merge(tx: Transaction, duplicate: Row, target: Row, user: User, *, expected_updated_at: str, now: str,
                base_url: str) -> None:
    """Close `duplicate` as a copy of `target`; its resident is told and will get the target's answer."""
    if target["id"] == duplicate["id"]:
        raise DecisionError(_("Ett ärende kan inte slås ihop med sig självt."))
    if target["merged_into_id"] is not None:
        raise DecisionError(_("{reference} är redan sammanslaget med ett annat ärende.").format(
            reference=target["reference"]))
    if duplicate["merged_into_id"] is not None:
        raise DecisionError(_("Ärendet är redan sammanslaget."))
    await _claim(tx, duplicate, expected_updated_at, now)
    await store.set_fields(tx, duplicate["id"], now, merged_into_id=target["id"])
    await store.change_state(tx, duplicate["id"], "closed", now)
    await store.add_event(tx, duplicate["id"], now, "merged", target["reference"], user.id)
    await store.add_event(tx, target["id"], now, "merged_in", duplicate["reference"], user.id)
    link = tracking_url(base_url, duplicate["tracking_token"])
    await notify_resident(
        tx, duplicate["id"], kind="merged", ref=now,
        subject=f"Ditt ärende {duplicate['reference']}",
        text=("Fler har hört av sig om samma sak, så vi handlägger ditt ärende tillsammans med de andra. "
              f"Du får svaret när det är klart.\n\nFölj ärendet: {link}"),
    )
    await audit.record(tx, user.id, "case_merge", "case", duplicate["id"], target["reference"])


async def view_contact(tx: Transaction, case_id: int, user: User) -> None:
    """Reading a resident's contact details is personal data processing: it is logged."""
    await audit.record(tx, user.id, "view_contact", "case", case_id)


# -- the resident, from the tracking page ----------------------------------------------------------------


async def resident_writes(tx: Transaction, case: Row, body: str, *, nonce: str, now: str) -> bool:
    """Add the resident's message to the thread; False if this form was already sent (a resubmit)."""
    message_id = await store.add_message(tx, case["id"], now, direction="in", channel="web", body=body,
                                         external_id=f"web:{nonce}")
    if message_id is None:
        return False
    new_state = state_after_resident_message(case["state"], merged=case["merged_into_id"] is not None)
    if new_state != case["state"]:
        await store.change_state(tx, case["id"], new_state, now)
        await restart_deadline(tx, case["id"], now)
    else:
        await store.claim(tx, case["id"], now, case["updated_at"])
    await store.add_event(tx, case["id"], now, "resident_message")
    return True


async def resident_replied(tx: Transaction, case_id: int, at: str, *, reopen: bool = True) -> None:
    """The resident wrote again by SMS or e-mail: a case waiting for them is back with a full answer time."""
    if await intake_store.touch_case(tx, case_id, at, reopen=reopen):
        await restart_deadline(tx, case_id, at)


async def resident_verdict(tx: Transaction, case: Row, resolved: bool, *, now: str) -> None:
    """The resident says whether the answer resolved it: yes closes the case, no puts it back in the inbox."""
    if case["state"] != "answered":
        raise DecisionError(_("Ärendet väntar inte på ditt besked."))
    await store.set_fields(tx, case["id"], now, resolved=int(resolved))
    await store.change_state(tx, case["id"], "closed" if resolved else "open", now)
    if not resolved:
        await restart_deadline(tx, case["id"], now)
    await store.add_event(tx, case["id"], now, "resident_resolved" if resolved else "resident_unresolved")
