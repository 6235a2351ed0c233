"""The resident's tracking page /t/{token}: where their case stands, its public history, the answer; a form
to write again and one to say whether the answer resolved it.

No account: the random token in the link is the key (like FixMyStreet's update links). The page shows the
resident's own case only — what they wrote, the category and the place they gave — never internal notes, staff
names, or contact details. Both forms are rate-limited, CSRF-protected and idempotent: a resubmitted message
(same form nonce) is stored once.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from aiohttp import web

from panel import clock
from panel.db import Row
from panel.i18n import _
from panel.keys import DB
from panel.web import form_value, render

from . import case_actions
from . import handling_store as store
from .handling import FINISHED, MAX_COMMENT, DecisionError, kind_label, public_event_label, state_label
from .ratelimit import FORM_LIMIT
from .store import case_by_token

routes = web.RouteTableDef()


async def _case_or_404(request: web.Request) -> Row:
    token = request.match_info["token"]
    case = await case_by_token(request.app[DB], token) if 16 <= len(token) <= 64 else None
    if case is None:
        raise web.HTTPNotFound()
    return case


def _history(events: list[Row]) -> list[dict[str, str]]:
    history = []
    for event in events:
        label = state_label(event["detail"]) if event["kind"] == "state" else public_event_label(event["kind"])
        if label:
            history.append({"at": event["at"], "label": label})
    return history


async def _render(request: web.Request, case: Row, *, status: int = 200, **extra: Any) -> web.Response:
    db = request.app[DB]
    thread = await store.thread(db, case["id"], public=True)
    answers = [message for message in thread if message["direction"] == "out"]
    context: dict[str, Any] = {
        "case": case,
        "facts": await store.tracking_facts(db, case["id"]),
        "state": state_label(case["state"]),
        "kind": kind_label(case["kind"]),
        "finished": case["state"] in FINISHED,
        "history": _history(await store.events(db, case["id"])),
        "thread": thread,
        "answer": answers[-1] if answers else None,
        "nonce": secrets.token_urlsafe(16),
        "errors": {},
        "values": {},
        "done": request.query.get("done", ""),
        "max_length": MAX_COMMENT,
    }
    context.update(extra)
    response = render(request, "feedback/track.html", context, status=status)
    # The token is the key to the case: never send it on to another site, never keep the page in a cache.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


def _allowed(request: web.Request) -> bool:
    limiter = request.app.get(FORM_LIMIT)
    return limiter is None or limiter.allow(request.remote or "unknown", time.monotonic())


@routes.get("/t/{token}")
async def tracking_page(request: web.Request) -> web.Response:
    return await _render(request, await _case_or_404(request))


@routes.post("/t/{token}/message")
async def add_message(request: web.Request) -> web.Response:
    case = await _case_or_404(request)
    if not _allowed(request):
        raise web.HTTPTooManyRequests()
    form = await request.post()
    body = form_value(form, "message", limit=MAX_COMMENT + 1)
    nonce = form_value(form, "nonce", limit=64)
    errors = {}
    if not body:
        errors["message"] = _("Skriv ditt meddelande.")
    elif len(body) > MAX_COMMENT:
        errors["message"] = _("Meddelandet är för långt (högst {n} tecken).").format(n=MAX_COMMENT)
    if not nonce:
        errors["message"] = _("Formuläret är ofullständigt. Ladda om sidan och försök igen.")
    if errors:
        return await _render(request, case, status=422, errors=errors, values={"message": body})
    async with request.app[DB].transaction() as tx:
        await case_actions.resident_writes(tx, case, body, nonce=nonce, now=clock.now_db())
    raise web.HTTPSeeOther(f"/t/{case['tracking_token']}?done=message#thread")


@routes.post("/t/{token}/verdict")
async def verdict(request: web.Request) -> web.Response:
    case = await _case_or_404(request)
    if not _allowed(request):
        raise web.HTTPTooManyRequests()
    form = await request.post()
    choice = form_value(form, "resolved")
    if choice not in ("yes", "no"):
        return await _render(request, case, status=422, errors={"resolved": _("Välj ja eller nej.")})
    try:
        async with request.app[DB].transaction() as tx:
            await case_actions.resident_verdict(tx, case, choice == "yes", now=clock.now_db())
    except DecisionError:
        # Already answered (a second click, or the case moved on): show the page as it is now.
        return await _render(request, case, status=409, notice=_("Vi har redan ditt besked. Tack!"))
    raise web.HTTPSeeOther(f"/t/{case['tracking_token']}?done={'resolved' if choice == 'yes' else 'unresolved'}")
