"""How other packages plug into SMS without `sms` knowing them: handlers kept on the application.

The composition root creates one `SmsHooks` before any package's `setup`; packages append their handlers.
Every handler runs inside the transaction that stores the inbound message or the status change, so what it
writes (an answer, an opt-out, a reply in the outbox) commits together with it, or not at all.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import Enum

from aiohttp import web

from panel.db import Row, Transaction


class Keyword(Enum):
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"


@dataclass(frozen=True)
class InboundMessage:
    id: int  # our row id in sms_inbound
    message_sid: str
    from_number: str  # E.164
    to_number: str
    body: str
    received_at: str  # UTC text, panel.clock.to_db


OutboxMessage = Row  # a row of sms_messages

InboundHandler = Callable[[Transaction, InboundMessage], Awaitable[bool]]
KeywordHandler = Callable[[Transaction, Keyword, InboundMessage], Awaitable[str | None]]
StatusListener = Callable[[Transaction, OutboxMessage, str], Awaitable[None]]


@dataclass
class SmsHooks:
    inbound: list[InboundHandler] = field(default_factory=list)
    keyword: list[KeywordHandler] = field(default_factory=list)
    status: list[StatusListener] = field(default_factory=list)


SMS_HOOKS = web.AppKey("sms_hooks", SmsHooks)
