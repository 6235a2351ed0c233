"""Wiring the registry into the application: pages, SMS keywords and delivery errors, the retention task."""

from __future__ import annotations

import logging
from datetime import timedelta

from aiohttp import web

from panel.clock import to_db, utcnow
from panel.keys import DB, SETTINGS
from panel.members import add_views, import_views, population_views, public_views, rights, sms_hooks, staff_views
from panel.members.hooks import MEMBER_HOOKS, MemberHooks
from panel.ratelimit import RateLimiter
from panel.tasks import periodic
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
    app.cleanup_ctx.append(
        periodic("members-retention", _purge_and_log, every=RETENTION_INTERVAL, first_after=RETENTION_FIRST_RUN)
    )


async def purge_once(app: web.Application) -> int:
    """Erase the members who left longer ago than the retention period; return how many."""
    now = utcnow()
    cutoff = to_db(now - timedelta(days=app[SETTINGS].retention_left_member_days))
    async with app[DB].transaction() as tx:
        return await rights.purge_departed(tx, app[MEMBER_HOOKS], now=now, cutoff=cutoff)


async def _purge_and_log(app: web.Application) -> int:
    erased = await purge_once(app)
    if erased:
        log.info("retention: erased %d members who left", erased)
    return erased
