"""The paced dispatcher: takes due messages from the outbox and hands them to the sender.

One pass (`pump`) first settles attempts whose outcome is unknown, then claims a batch (urgent first; only
urgent ones in quiet hours), sends it spaced by the rate cap with a few requests in flight, and records each
answer. Claiming is a committed state change, so after a crash every claimed row is found again by
`resume` and reconciled with the provider's list before anything is resent: nothing lost, nothing doubled.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from panel.clock import from_db, to_db
from panel.db import Database, Row
from sms import outbox, policy, status, store
from sms.backends import Outgoing, Sender, SendError
from sms.hooks import SmsHooks
from sms.policy import Outcome
from sms.schedule import Clock, Pacer, QuietHours, SystemClock

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DispatchConfig:
    rate_per_second: float
    quiet: QuietHours | None
    poll_interval: float = 0.5  # seconds; the wake-up after a commit usually comes first
    reconcile_delay: float = 20.0  # seconds to let the provider's list catch up before asking it
    send_timeout: float = 15.0

    @property
    def batch(self) -> int:
        """About five seconds of sending per pass, so a pass stays short and re-reads the queue often."""
        return max(1, min(200, math.ceil(self.rate_per_second * 5)))

    @property
    def concurrency(self) -> int:
        """Requests in flight at once: enough for a second of provider latency at the rate cap."""
        return max(4, min(64, math.ceil(self.rate_per_second * 2)))

    @property
    def lease(self) -> timedelta:
        """How long a claimed row may wait for its answer before it counts as an unknown outcome."""
        return timedelta(seconds=self.batch / self.rate_per_second + self.send_timeout + 30)


class Dispatcher:
    def __init__(self, db: Database, sender: Sender, hooks: SmsHooks, config: DispatchConfig, *,
                 clock: Clock | None = None, rng: random.Random | None = None) -> None:
        self.db = db
        self.sender = sender
        self.hooks = hooks
        self.config = config
        self.clock: Clock = clock or SystemClock()
        self.rng = rng or random.Random()  # noqa: S311 - jitter, not security
        self.pacer = Pacer(config.rate_per_second, self.clock)
        self.wake = asyncio.Event()
        self._slots = asyncio.Semaphore(config.concurrency)

    async def resume(self) -> int:
        """After a start nothing of ours is in flight: every unfinished attempt is reconciled at once."""
        async with self.db.transaction() as tx:
            return await store.expire_leases(tx, now=to_db(self.clock.now()))

    async def run(self) -> None:
        """Send until cancelled; a failing pass is logged and retried, never the end of sending."""
        await self.resume()
        outbox.register_waker(self.wake)
        try:
            while True:
                try:
                    sent = await self.pump()
                except Exception:
                    log.exception("SMS dispatch pass failed; trying again")
                    sent = 0
                if sent:
                    continue  # more may be due right away
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), self.config.poll_interval)
                self.wake.clear()
        finally:
            outbox.unregister_waker(self.wake)

    async def pump(self) -> int:
        """One pass; returns how many messages it claimed."""
        await self.reconcile_due()
        now = self.clock.now()
        quiet = self.config.quiet
        async with self.db.transaction() as tx:
            claimed = await store.claim_due(
                tx, now=to_db(now), lease_until=to_db(now + self.config.lease), limit=self.config.batch,
                urgent_only=quiet is not None and quiet.contains(now),
            )
            for row in claimed:
                await status.notify(tx, self.hooks, row)
        tasks: list[asyncio.Task[None]] = []
        try:
            for row in claimed:
                await self.pacer.wait()
                await self._slots.acquire()
                tasks.append(asyncio.create_task(self._send_one(row)))
            results = await asyncio.gather(*tasks, return_exceptions=True)
        except asyncio.CancelledError:  # shutting down: no send may outlive the pass (rows are reconciled later)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        for result in results:
            if isinstance(result, BaseException):
                log.error("SMS send failed unexpectedly", exc_info=result)
        return len(claimed)

    async def _send_one(self, row: Row) -> None:
        try:
            try:
                result = await self.sender.send(Outgoing(row["id"], row["recipient"], row["body"]))
            except SendError as error:
                await self._record_failure(row, error)
                return
            async with self.db.transaction() as tx:
                await status.advance(
                    tx, self.hooks, row["id"], provider_sid=result.provider_sid,
                    state=policy.from_provider(result.status) or policy.SENDING, error_code=result.error_code,
                    now=self.clock.now(), rng=self.rng,
                )
        finally:
            self._slots.release()

    async def _record_failure(self, row: Row, error: SendError) -> None:
        now = self.clock.now()
        async with self.db.transaction() as tx:
            if error.outcome is Outcome.UNKNOWN:
                # It may have gone: keep it 'sending' and ask the provider later instead of resending.
                log.warning("SMS #%d: outcome unknown (%s), reconciling later", row["id"], error)
                await store.mark_unknown(tx, row["id"], error_code=error.code, error_message=error.message,
                                         check_at=self._later(now), now=to_db(now))
            elif error.outcome is Outcome.SETUP:
                # Failing every message because of a wrong token would lose a whole survey: hold them instead.
                log.error("SMS provider refused our credentials or account (%s); holding the queue", error)
                at = now + timedelta(seconds=policy.backoff(row["attempts"], self.rng))
                await status.retry_later(tx, self.hooks, row, error_code=error.code,
                                         error_message=error.message, at=at, now=now)
            elif error.outcome is Outcome.TRANSIENT and row["attempts"] < policy.MAX_ATTEMPTS:
                at = now + timedelta(seconds=policy.backoff(row["attempts"], self.rng))
                await status.retry_later(tx, self.hooks, row, error_code=error.code,
                                         error_message=error.message, at=at, now=now)
            else:
                await status.give_up(tx, self.hooks, row, error_code=error.code, error_message=error.message,
                                     now=now)

    def _later(self, now: datetime) -> str:
        return to_db(now + timedelta(seconds=self.config.reconcile_delay))

    async def reconcile_due(self) -> None:
        """Ask the provider about each attempt with an unknown outcome: adopt what it sent, requeue the rest."""
        now = self.clock.now()
        for row in await store.unknown_outcomes(self.db, now=to_db(now), limit=self.config.batch):
            since = from_db(row["attempt_started_at"] or row["created_at"])
            try:
                found = await self.sender.find(row["recipient"], row["body"], since)
            except Exception as exc:  # the provider is still unwell: ask again later, never guess
                log.warning("SMS #%d: cannot reconcile yet (%s)", row["id"], exc)
                async with self.db.transaction() as tx:
                    await store.mark_unknown(tx, row["id"], error_code=row["error_code"],
                                             error_message=row["error_message"], check_at=self._later(now),
                                             now=to_db(now))
                continue
            async with self.db.transaction() as tx:
                taken = await store.claimed_sids(tx, [item.provider_sid for item in found])
                match = next((item for item in found if item.provider_sid not in taken), None)
                if match is not None:
                    await status.advance(
                        tx, self.hooks, row["id"], provider_sid=match.provider_sid,
                        state=policy.from_provider(match.status) or policy.SENDING,
                        error_code=match.error_code, now=now, rng=self.rng,
                    )
                elif row["attempts"] < policy.MAX_ATTEMPTS:
                    await status.retry_later(tx, self.hooks, row, error_code=row["error_code"],
                                             error_message=row["error_message"], at=now, now=now)
                else:
                    await status.give_up(tx, self.hooks, row, error_code=row["error_code"] or "unknown",
                                         error_message=row["error_message"], now=now)
