"""Wiring of the surveys package into the application: routes, SMS and member hooks, the survey clock.

The survey clock is one background task that closes surveys at their closing time and queues the reminders
that are due. It runs once a minute; both jobs are idempotent, so a restart or a slow minute loses nothing.
"""

from __future__ import annotations

import logging
from importlib import resources

from aiohttp import web

from panel.clock import utcnow
from panel.keys import DB, SETTINGS
from panel.members.hooks import MEMBER_HOOKS, MemberHooks
from panel.tasks import periodic
from sms.hooks import SMS_HOOKS, SmsHooks
from surveys import answer_routes, invitations, listeners, send_routes, sms_answers, staff_routes

log = logging.getLogger(__name__)
TICK_SECONDS = 60.0


async def tick(app: web.Application) -> None:
    """One round of the survey clock: close what is due, then remind those who have not answered."""
    now = utcnow()
    db = app[DB]
    closed = await invitations.close_due_surveys(db, now=now)
    reminded = await invitations.send_due_reminders(db, base_url=app[SETTINGS].base_url, now=now)
    if closed or reminded:
        log.info("survey clock: closed %d surveys, queued %d reminders", closed, reminded)


def setup(app: web.Application) -> None:
    app.router.add_routes(answer_routes.routes)
    app.router.add_routes(staff_routes.routes)
    app.router.add_routes(send_routes.routes)
    # Its own prefix: the core's "/static/" resource would otherwise catch these paths first.
    app.router.add_static("/surveys-static/", resources.files("surveys").joinpath("static"))  # type: ignore[arg-type]
    if SMS_HOOKS not in app:  # sms normally creates them first; keep working if it is left out
        app[SMS_HOOKS] = SmsHooks()
    # The composition root sets surveys up before feedback: a reply to a running SMS survey must reach us
    # before feedback turns every inbound text into a case.
    app[SMS_HOOKS].inbound.append(sms_answers.handle_reply)
    app[SMS_HOOKS].status.append(listeners.on_status)
    if MEMBER_HOOKS not in app:
        app[MEMBER_HOOKS] = MemberHooks()
    app[MEMBER_HOOKS].opted_out.append(listeners.on_opted_out)
    app.cleanup_ctx.append(periodic("survey-clock", tick, every=TICK_SECONDS))
