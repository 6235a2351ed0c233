"""How other packages hear about members: listeners kept on the application, called inside the transaction.

`setup` in `panel.members.web` creates `app[MEMBER_HOOKS]` before the surveys package's setup runs; surveys
appends to `opted_out` to cancel the queued invitations of a member who leaves or is erased, so the
cancellation commits together with the opt-out, or not at all.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web

from panel.db import Transaction

OptedOutListener = Callable[[Transaction, int], Awaitable[None]]


@dataclass
class MemberHooks:
    opted_out: list[OptedOutListener] = field(default_factory=list)

    async def notify_opted_out(self, tx: Transaction, member_id: int) -> None:
        for listener in self.opted_out:
            await listener(tx, member_id)


MEMBER_HOOKS = web.AppKey("member_hooks", MemberHooks)
