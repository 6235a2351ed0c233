"""Staff add one member by hand: someone who agreed on paper, by phone or at a meeting.

The consent was given outside the system, so the staff member confirms it and gives its date; the record
shows the consent text version in force and the channel `staff`, like any other sign-up.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from aiohttp import web

from panel import audit
from panel.auth import logged_in_user, require_role
from panel.clock import to_db, utcnow
from panel.i18n import _, current_language
from panel.keys import DB
from panel.members import store, vocab
from panel.members.forms import parse_details
from panel.web import form_value, render

routes = web.RouteTableDef()
FIELDS = ("phone", "name", "email", "language", "birth_year", "gender", "district")


def consent_date(text: str, today: date) -> tuple[date | None, str]:
    """The date the consent was given: not in the future, not before the panel existed; or an error."""
    try:
        given = date.fromisoformat(text.strip())
    except ValueError:
        return None, _("Ange datumet då medlemmen gav sitt samtycke, till exempel 2026-11-25.")
    if given > today or given.year < 2000:
        return None, _("Samtyckesdatumet kan inte ligga i framtiden.")
    return given, ""


async def _context(request: web.Request, values: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    db = request.app[DB]
    return {
        "values": values, "errors": errors, "labels": vocab, "m": None,
        "districts": await store.districts(db), "consent": await store.current_consent(db, "sv"),
    }


@routes.get("/staff/members/new")
@require_role("analyst")
async def new_member_page(request: web.Request) -> web.Response:
    values = {"language": current_language(), "consent_date": utcnow().date().isoformat()}
    return render(request, "members/new.html", await _context(request, values, {}))


@routes.post("/staff/members/new")
@require_role("analyst")
async def add_member(request: web.Request) -> web.Response:
    form = await request.post()
    db, user, now = request.app[DB], logged_in_user(request), utcnow()
    values = {name: form_value(form, name, limit=300) for name in (*FIELDS, "consent_date")}
    details, errors = parse_details(values, await store.district_ids(db), year=now.year)
    given, problem = consent_date(values["consent_date"], now.date())
    if problem:
        errors["consent_date"] = problem
    if form_value(form, "consent") != "yes":
        errors["consent"] = _("Bekräfta att personen har gett sitt samtycke till att vara med i panelen.")
    if details is not None and await store.member_by_phone(db, details.phone) is not None:
        errors["phone"] = _("Numret tillhör redan en medlem i panelen.")
    if errors or details is None or given is None:
        return render(request, "members/new.html", await _context(request, values, errors), status=422)
    async with db.transaction() as tx:
        consent = await store.current_consent(tx, details.language)
        if await store.member_by_phone(tx, details.phone) is not None:  # added in another tab meanwhile
            raise web.HTTPSeeOther("/staff/members?q=" + details.phone)
        at = to_db(now)
        member_id = await store.insert_member(
            tx, details, status="active", consent_version=consent["version"] if consent else "",
            consent_at=to_db(datetime.combine(given, time(12), tzinfo=UTC)), consent_channel="staff", joined_at=at,
        )
        await store.add_history(tx, member_id, "active", at=at, channel="staff", user_id=user.id, note="")
        await audit.record(tx, user.id, "create", "member", member_id)
    raise web.HTTPSeeOther(f"/staff/members/{member_id}?notice=created")
