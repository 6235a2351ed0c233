"""The registry's side of SMS: STOP/START/HELP replies and permanent delivery errors.

Both run inside the transaction in which `sms` stores the inbound message or the delivery state, so an
opt-out, its cancelled messages and the reply commit together. Replies are written in the member's language;
for a number that is not a member, in the language of the word they sent (STOPP or STOP).
"""

from __future__ import annotations

from datetime import datetime

from panel.clock import from_db, to_db, utcnow
from panel.db import Transaction
from panel.members import lifecycle, store, texts
from panel.members.hooks import MemberHooks
from panel.settings import Settings
from sms.hooks import InboundMessage, Keyword, KeywordHandler, OutboxMessage, StatusListener

# Twilio error codes that mean the number cannot take texts, or that its owner blocked us at the carrier.
INVALID_NUMBER_CODES = frozenset({"21211", "21614", "30005", "30006"})
OPTED_OUT_CODES = frozenset({"21610"})
_ENGLISH_WORDS = ("STOP", "HELP", "UNSUBSCRIBE")


def _word_language(body: str) -> str:
    return "en" if body.strip(" .!?").upper() in _ENGLISH_WORDS else "sv"


def _moment(message: InboundMessage) -> datetime:
    try:
        return from_db(message.received_at)
    except ValueError:
        return utcnow()


def keyword_handler(settings: Settings, hooks: MemberHooks) -> KeywordHandler:
    async def handle(tx: Transaction, keyword: Keyword, message: InboundMessage) -> str | None:
        member = await store.member_by_phone(tx, message.from_number)
        lang = member["language"] if member else _word_language(message.body)
        town = settings.municipality
        if keyword is Keyword.HELP:
            return texts.help_text(lang, town, settings.base_url)
        if member is None:
            return texts.not_member(lang, settings.base_url + "/join") if keyword is Keyword.OPT_IN else None
        change = lifecycle.Change("sms", to_db(_moment(message)), note=f"SMS: {message.body.strip()[:20]}")
        if keyword is Keyword.OPT_OUT:
            if member["status"] == "left":
                return texts.opted_out(lang, town)
            await lifecycle.leave(tx, hooks, member["id"], change)
            return texts.opted_out(lang, town)
        if member["status"] != "active":
            await lifecycle.change_status(tx, hooks, member["id"], "active", change)
        return texts.opted_in(lang, town)

    return handle


def status_listener(hooks: MemberHooks) -> StatusListener:
    async def on_status(tx: Transaction, message: OutboxMessage, state: str) -> None:
        if state not in ("failed", "undelivered"):
            return
        code = str(message["error_code"] or "")
        if code not in INVALID_NUMBER_CODES | OPTED_OUT_CODES:
            return
        member = await store.member_by_phone(tx, message["recipient"])
        if member is None:
            return
        target = "left" if code in OPTED_OUT_CODES else "invalid"
        # A late callback for an older message must not undo a newer decision (e.g. a member who left).
        if target not in lifecycle.ALLOWED.get(member["status"], set()):
            return
        change = lifecycle.Change("provider", to_db(utcnow()), note=f"error {code}")
        await lifecycle.change_status(tx, hooks, member["id"], target, change)

    return on_status
