"""Double opt-in: the sign-up form stores a pending sign-up and texts a code; the code makes a member.

The registry gets no row until the phone's owner has typed the code, so nobody can put someone else's
number in the panel. Codes are six digits, stored only as an HMAC, valid 30 minutes and for five tries; a
number gets at most three codes an hour. Signing up again with a number already in the panel updates the
details and renews the consent (it is how a member who left comes back).
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from panel.clock import to_db
from panel.db import Database, Transaction
from panel.members import lifecycle, signup_store, store, texts
from panel.members.forms import Details
from panel.members.hooks import MemberHooks
from sms import outbox

CODE_MINUTES = 30
MAX_ATTEMPTS = 5
MAX_CODES_PER_HOUR = 3


class TooManyCodes(Exception):
    """This number has been sent enough codes for now."""


@dataclass(frozen=True)
class Confirmation:
    outcome: str  # "ok", "wrong_code" or "expired"
    member_id: int | None = None
    tries_left: int = 0


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _code_hash(secret: bytes, token_hash: str, code: str) -> str:
    return hmac.new(secret, f"signup:{token_hash}:{code}".encode(), hashlib.sha256).hexdigest()


async def start(
    tx: Transaction, details: Details, *, consent_version: str, secret: bytes, municipality: str, now: datetime
) -> str:
    """Store a pending sign-up and queue its code; return the token of the confirmation page."""
    if await signup_store.count_recent(tx, details.phone, to_db(now - timedelta(hours=1))) >= MAX_CODES_PER_HOUR:
        raise TooManyCodes
    token = secrets.token_urlsafe(24)
    code = f"{secrets.randbelow(10**6):06d}"
    token_hash = _token_hash(token)
    payload = {**dataclasses.asdict(details), "consent_version": consent_version}
    signup_id = await signup_store.insert_signup(
        tx, token_hash=token_hash, phone=details.phone, details=json.dumps(payload),
        code_hash=_code_hash(secret, token_hash, code), created_at=to_db(now),
        expires_at=to_db(now + timedelta(minutes=CODE_MINUTES)),
    )
    await outbox.enqueue(
        tx, recipient=details.phone, body=texts.signup_code(details.language, municipality, code),
        purpose="member_signup", ref_type="member_signup", ref_id=signup_id,
        dedupe_key=f"member_signup:{signup_id}", urgent=True, now=now,
    )
    return token


async def pending(conn: Database | Transaction, token: str, now: datetime) -> bool:
    """Whether `token` belongs to a sign-up that can still be confirmed."""
    row = await signup_store.signup_by_token(conn, _token_hash(token))
    return row is not None and row["expires_at"] >= to_db(now) and row["attempts"] < MAX_ATTEMPTS


async def confirm(
    tx: Transaction, hooks: MemberHooks, *, token: str, code: str, secret: bytes, now: datetime
) -> Confirmation:
    token_hash = _token_hash(token)
    row = await signup_store.signup_by_token(tx, token_hash)
    if row is None or row["expires_at"] < to_db(now) or row["attempts"] >= MAX_ATTEMPTS:
        return Confirmation("expired")
    expected = row["code_hash"]
    if not hmac.compare_digest(expected, _code_hash(secret, token_hash, code.strip().replace(" ", ""))):
        attempts = await signup_store.add_attempt(tx, row["id"])
        if attempts >= MAX_ATTEMPTS:
            await signup_store.delete_signup(tx, row["id"])
            return Confirmation("expired")
        return Confirmation("wrong_code", tries_left=MAX_ATTEMPTS - attempts)
    payload = json.loads(row["details"])
    consent_version = payload.pop("consent_version")
    details = Details(**payload)
    member_id = await _make_member(tx, hooks, details, consent_version, to_db(now))
    await signup_store.delete_for_phone(tx, details.phone)  # other codes sent to this number are void now
    return Confirmation("ok", member_id=member_id)


async def _make_member(
    tx: Transaction, hooks: MemberHooks, details: Details, consent_version: str, at: str
) -> int:
    existing = await store.member_by_phone(tx, details.phone)
    if existing is None:
        member_id = await store.insert_member(
            tx, details, status="active", consent_version=consent_version, consent_at=at,
            consent_channel="web", joined_at=at,
        )
        await store.add_history(tx, member_id, "active", at=at, channel="web", user_id=None, note="")
        return member_id
    member_id = int(existing["id"])
    await store.update_details(tx, member_id, details)
    if existing["status"] != "active":
        await lifecycle.change_status(tx, hooks, member_id, "active", lifecycle.Change("web", at))
    await store.renew_consent(tx, member_id, version=consent_version, at=at, channel="web")
    return member_id
