"""Residents' pages: joining the panel with consent and an SMS code, and leaving it.

Leaving works three ways without logging in: from a survey page (`/leave?t=<survey token>`), from the
personal link we text on request (`/leave/<signed id>`), or by replying STOPP. The phone form answers the
same whether or not the number is a member, so it cannot be used to find out who is in the panel.
"""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from panel import phones
from panel.clock import to_db, utcnow
from panel.i18n import _, current_language
from panel.keys import DB, SECRET, SETTINGS
from panel.members import lifecycle, links, signup, store, texts
from panel.members.forms import parse_details
from panel.members.hooks import MEMBER_HOOKS
from panel.ratelimit import RateLimiter
from panel.web import bad_request, client_address, form_value, render
from sms import outbox

routes = web.RouteTableDef()
# Codes cost an SMS each: besides the per-number limit, one address may start only so many sign-ups.
SIGNUP_LIMIT = web.AppKey("members_signup_limit", RateLimiter)
JOIN_FIELDS = ("phone", "name", "email", "language", "birth_year", "gender", "district")


async def _join_context(request: web.Request, values: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    db = request.app[DB]
    consent = await store.current_consent(db, current_language()) or await store.current_consent(db, "sv")
    return {"values": values, "errors": errors, "consent": consent, "districts": await store.districts(db)}


@routes.get("/join")
async def join_page(request: web.Request) -> web.Response:
    values = {"language": current_language()}
    return render(request, "members/join.html", await _join_context(request, values, {}))


def _over_limit(request: web.Request) -> web.Response | None:
    if request.app[SIGNUP_LIMIT].allow(client_address(request), time.monotonic()):
        return None
    return bad_request(request, _("För många försök från din uppkoppling. Vänta en stund och försök igen."), status=429)


@routes.post("/join")
async def join(request: web.Request) -> web.Response:
    if limited := _over_limit(request):
        return limited
    form = await request.post()
    values = {name: form_value(form, name, limit=300) for name in JOIN_FIELDS}
    db = request.app[DB]
    district_ids = {row["code"].lower(): row["id"] for row in await store.districts(db)}
    details, errors = parse_details(values, district_ids, year=utcnow().year)
    if form_value(form, "consent") != "yes":
        errors["consent"] = _("Kryssa i att du samtycker för att kunna gå med i panelen.")
    shown = await store.consent_text(db, form_value(form, "consent_version", limit=40), values["language"] or "sv")
    if shown is None:
        errors["consent"] = _("Samtyckestexten har ändrats. Läs den nya texten och kryssa i rutan igen.")
    if errors or details is None or shown is None:
        return render(request, "members/join.html", await _join_context(request, values, errors), status=422)
    settings = request.app[SETTINGS]
    try:
        async with db.transaction() as tx:
            token = await signup.start(
                tx, details, consent_version=shown["version"], secret=request.app[SECRET],
                municipality=settings.municipality, now=utcnow(),
            )
    except signup.TooManyCodes:
        message = _("Vi har redan skickat flera koder till det här numret. Vänta en timme och försök igen.")
        return bad_request(request, message, status=429)
    raise web.HTTPSeeOther(f"/join/confirm/{token}")


@routes.get("/join/confirm/{token}")
async def confirm_page(request: web.Request) -> web.Response:
    if not await signup.pending(request.app[DB], request.match_info["token"], utcnow()):
        return render(request, "members/join_expired.html", status=410)
    return render(request, "members/join_confirm.html", {"token": request.match_info["token"], "error": ""})


@routes.post("/join/confirm/{token}")
async def confirm(request: web.Request) -> web.Response:
    form = await request.post()
    token = request.match_info["token"]
    async with request.app[DB].transaction() as tx:
        result = await signup.confirm(
            tx, request.app[MEMBER_HOOKS], token=token, code=form_value(form, "code", limit=20),
            secret=request.app[SECRET], now=utcnow(),
        )
    if result.outcome == "ok":
        raise web.HTTPSeeOther("/join/done")
    if result.outcome == "expired":
        return render(request, "members/join_expired.html", status=410)
    error = _("Koden stämmer inte. Du kan försöka {n} gånger till.").format(n=result.tries_left)
    return render(request, "members/join_confirm.html", {"token": token, "error": error}, status=422)


@routes.get("/join/done")
async def joined(request: web.Request) -> web.Response:
    return render(request, "members/join_done.html")


# -- leaving ----------------------------------------------------------------------------------------------


async def _member_for(request: web.Request, source: dict[str, str]) -> int | None:
    if source.get("t"):
        return await store.member_id_by_invitation(request.app[DB], source["t"][:100])
    if source.get("m"):
        return links.member_from_leave_token(request.app[SECRET], source["m"][:100])
    return None


@routes.get("/leave")
async def leave_page(request: web.Request) -> web.Response:
    token = request.query.get("t", "")
    if token and await _member_for(request, {"t": token}) is not None:
        return render(request, "members/leave_confirm.html", {"field": "t", "value": token})
    return render(request, "members/leave.html", {"error": "", "phone": ""})


@routes.get("/leave/sent")
async def leave_sent(request: web.Request) -> web.Response:
    return render(request, "members/leave_sent.html")


@routes.get("/leave/done")
async def left(request: web.Request) -> web.Response:
    return render(request, "members/leave_done.html")


@routes.get("/leave/{token}")
async def leave_link(request: web.Request) -> web.Response:
    token = request.match_info["token"]
    if await _member_for(request, {"m": token}) is None:
        return bad_request(request, _("Länken gäller inte. Svara STOPP på ett SMS från panelen, så lämnar du."))
    return render(request, "members/leave_confirm.html", {"field": "m", "value": token})


@routes.post("/leave")
async def send_leave_link(request: web.Request) -> web.Response:
    if limited := _over_limit(request):
        return limited
    form = await request.post()
    try:
        phone = phones.normalize(form_value(form, "phone", limit=40))
    except phones.PhoneError:
        error = _("Ange ditt mobilnummer, till exempel 070-123 45 67.")
        return render(request, "members/leave.html", {"error": error, "phone": form_value(form, "phone")}, status=422)
    db, settings = request.app[DB], request.app[SETTINGS]
    now = utcnow()
    async with db.transaction() as tx:
        member = await store.member_by_phone(tx, phone)
        if member is not None and member["status"] != "left":
            url = links.leave_url(settings.base_url, request.app[SECRET], member["id"])
            # One link per member and day: pressing the button again does not text again.
            await outbox.enqueue(
                tx, recipient=phone, body=texts.leave_link(member["language"], settings.municipality, url),
                purpose="member_leave_link", ref_type="member", ref_id=member["id"],
                dedupe_key=f"member_leave_link:{member['id']}:{now.date().isoformat()}", urgent=True, now=now,
            )
    raise web.HTTPSeeOther("/leave/sent")


@routes.post("/leave/confirm")
async def confirm_leave(request: web.Request) -> web.Response:
    form = await request.post()
    source = {key: form_value(form, key, limit=100) for key in ("t", "m")}
    member_id = await _member_for(request, source)
    if member_id is None:
        return bad_request(request, _("Länken gäller inte. Svara STOPP på ett SMS från panelen, så lämnar du."))
    channel_note = "survey page" if source.get("t") else "leave link"
    async with request.app[DB].transaction() as tx:
        member = await store.get_member(tx, member_id)
        if member is not None and member["status"] != "left":
            change = lifecycle.Change("web", to_db(utcnow()), note=channel_note)
            await lifecycle.leave(tx, request.app[MEMBER_HOOKS], member_id, change)
    raise web.HTTPSeeOther("/leave/done")
