"""Wiring the registry into the application: pages, SMS keywords and delivery errors, the retention task."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

from aiohttp import web

from panel.clock import to_db, utcnow
from panel.keys import DB, SETTINGS
from panel.members import add_views, import_views, population_views, public_views, rights, sms_hooks, staff_views
from panel.members.hooks import MEMBER_HOOKS, MemberHooks
from panel.ratelimit import RateLimiter
from sms.hooks import SMS_HOOKS, SmsHooks

log = logging.getLogger(__name__)
RETENTION_INTERVAL = 3600.0  # seconds between retention runs
RETENTION_FIRST_RUN = 60.0  # after start-up, so a restart loop does not hammer the database


def setup(app: web.Application) -> None:
    if MEMBER_HOOKS not in app:
        app[MEMBER_HOOKS] = MemberHooks()
    hooks = app[MEMBER_HOOKS]
    app[public_views.SIGNUP_LIMIT] = RateLimiter(limit=10, window_seconds=600)
    for table in (public_views.routes, add_views.routes, import_views.routes, staff_views.routes,
                  population_views.routes):
        app.router.add_routes(table)
    if SMS_HOOKS not in app:
        app[SMS_HOOKS] = SmsHooks()
    app[SMS_HOOKS].keyword.append(sms_hooks.keyword_handler(app[SETTINGS], hooks))
    app[SMS_HOOKS].status.append(sms_hooks.status_listener(hooks))
    app.cleanup_ctx.append(_retention_ctx)


async def purge_once(app: web.Application) -> int:
    """Erase the members who left longer ago than the retention period; return how many."""
    now = utcnow()
    cutoff = to_db(now - timedelta(days=app[SETTINGS].retention_left_member_days))
    async with app[DB].transaction() as tx:
        return await rights.purge_departed(tx, app[MEMBER_HOOKS], now=now, cutoff=cutoff)


async def _retention_loop(app: web.Application) -> None:
    await asyncio.sleep(RETENTION_FIRST_RUN)
    while True:
        try:
            erased = await purge_once(app)
            if erased:
                log.info("retention: erased %d members who left", erased)
        except Exception:  # a failed run is retried next hour rather than ending the task
            log.exception("retention run failed")
        await asyncio.sleep(RETENTION_INTERVAL)


async def _retention_ctx(app: web.Application) -> AsyncIterator[None]:
    task = asyncio.create_task(_retention_loop(app), name="members-retention")
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
