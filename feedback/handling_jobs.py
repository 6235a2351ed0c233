"""The handling side's background tasks: the e-mail sender, and the hourly round of deadline reminders and
retention. Started and cancelled with the application (`cleanup_ctx`); a failing round is logged and the
next one tries again, so one bad row never stops mail or retention for good.
"""

from __future__ import annotations

import logging

from aiohttp import web

from panel import clock
from panel.keys import DB, SETTINGS
from panel.tasks import periodic

from .outbound import send_due_mail
from .reminders import is_reminder_time, send_reminders
from .retention import purge_closed_contacts

log = logging.getLogger(__name__)

MAIL_POLL_SECONDS = 5.0
ROUND_SECONDS = 3600.0


async def send_mail(app: web.Application) -> int:
    return await send_due_mail(app[DB], app[SETTINGS])


async def hourly_round(app: web.Application) -> None:
    settings, db = app[SETTINGS], app[DB]
    now = clock.utcnow()
    local_now = clock.local(now)
    if local_now is not None and is_reminder_time(local_now):
        await send_reminders(db, base_url=settings.base_url, now=now)
    purged = await purge_closed_contacts(db, days=settings.retention_closed_case_days, now=now)
    if purged:
        log.info("retention: removed contact details from %d cases", purged)


def setup(app: web.Application) -> None:
    app.cleanup_ctx.append(periodic("feedback-mail", send_mail, every=MAIL_POLL_SECONDS, busy_every=0.2))
    app.cleanup_ctx.append(periodic("feedback-round", hourly_round, every=ROUND_SECONDS))
