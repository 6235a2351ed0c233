"""Background work that runs as long as the application: a job repeated at an interval.

Every package's periodic job (retention, reminders, the survey clock, the mail sender) is one of these: a
failing round is logged and the next round tries again, so one bad row never stops the work for good, and
the task is cancelled cleanly at shutdown (`cleanup_ctx`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from aiohttp import web

log = logging.getLogger(__name__)

Job = Callable[[web.Application], Awaitable[object]]
CleanupContext = Callable[[web.Application], AsyncIterator[None]]


async def repeat(app: web.Application, name: str, job: Job, *, every: float, first_after: float = 0.0,
                 busy_every: float | None = None) -> None:
    """Run `job` every `every` seconds; sooner (`busy_every`) after a round that returned something truthy."""
    await asyncio.sleep(first_after)
    while True:
        try:
            result = await job(app)
        except Exception:
            log.exception("background job %s failed; it runs again in %.0f s", name, every)
            result = None
        await asyncio.sleep(busy_every if result and busy_every is not None else every)


def periodic(name: str, job: Job, *, every: float, first_after: float = 0.0,
             busy_every: float | None = None) -> CleanupContext:
    """A `cleanup_ctx` entry that runs `job` in the background while the application runs."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(
            repeat(app, name, job, every=every, first_after=first_after, busy_every=busy_every), name=name
        )
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return context
