"""Staff pages of the registry: the member list, a member's page, status changes, export and erasure.

Reading personal data is part of the job of panel administrators (admin) and analysts; export and erasure
are admin only. Every view of a member's data, every change, export and erasure goes to the audit log.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from multidict import MultiMapping

from panel import audit, phones
from panel.auth import logged_in_user, require_role
from panel.clock import to_db, utcnow
from panel.db import Row
from panel.i18n import _
from panel.keys import DB
from panel.members import lifecycle, rights, store, vocab
from panel.members.forms import parse_details, search_text
from panel.members.hooks import MEMBER_HOOKS
from panel.numbers import whole
from panel.web import bad_request, form_value, render

routes = web.RouteTableDef()
PAGE_SIZE = 50
STAFF_STATUSES = ("active", "paused", "left")
EDIT_FIELDS = ("phone", "name", "email", "language", "birth_year", "gender", "district")


def _filter(query: MultiMapping[str]) -> store.ListFilter:
    district = query.get("district", "")
    return store.ListFilter(
        status=query.get("status", "") if query.get("status", "") in vocab.STATUSES else "",
        district_id=whole(district),
        gender=query.get("gender", "") if query.get("gender", "") in vocab.GENDERS else "",
        language=query.get("language", "") if query.get("language", "") in vocab.LANGUAGES else "",
        search=search_text(query.get("q", "")),
    )


def _audit_detail(flt: store.ListFilter) -> str:
    """Which list was shown; a search term is noted but not kept, as it may be a phone number or a name."""
    parts = [f"{name}={value}" for name, value in
             (("status", flt.status), ("district", flt.district_id), ("gender", flt.gender),
              ("language", flt.language)) if value]
    return " ".join(parts + (["search"] if flt.search else []))


def _member_id(request: web.Request) -> int:
    return int(request.match_info["id"])


@routes.get("/staff/members")
@require_role("analyst")
async def member_list(request: web.Request) -> web.Response:
    db, user = request.app[DB], logged_in_user(request)
    flt = _filter(request.query)
    before = request.query.get("before", "")
    rows = await store.list_members(db, flt, before_id=whole(before), limit=PAGE_SIZE)
    async with db.transaction() as tx:
        await audit.record(tx, user.id, "list", "member", "list", detail=_audit_detail(flt))
    next_before = rows[PAGE_SIZE - 1]["id"] if len(rows) > PAGE_SIZE else None
    return render(request, "members/list.html", {
        "members": rows[:PAGE_SIZE], "next_before": next_before, "counts": await store.count_by_status(db),
        "districts": await store.districts(db), "query": request.query, "masked": phones.masked,
        "labels": vocab, "paged": bool(before),
    })


async def _member_context(request: web.Request, member: Row) -> dict[str, Any]:
    db, member_id = request.app[DB], int(member["id"])
    received, last = await store.survey_stats(db, member_id)
    return {
        "m": member, "display_phone": phones.display(member["phone"]), "labels": vocab,
        "history": await store.history(db, member_id), "invitations": await store.invitations(db, member_id),
        "received": received, "last_surveyed": last, "statuses": STAFF_STATUSES,
        "consent": await store.consent_text(db, member["consent_version"], member["language"]),
        "districts": await store.districts(db), "notice": request.query.get("notice", ""),
        "errors": {}, "values": {**dict(member), "phone": phones.display(member["phone"])},
    }


@routes.get("/staff/members/{id:\\d{1,18}}")
@require_role("analyst")
async def member_page(request: web.Request) -> web.Response:
    db, user = request.app[DB], logged_in_user(request)
    member = await store.get_member(db, _member_id(request))
    if member is None:
        raise web.HTTPNotFound
    async with db.transaction() as tx:
        await audit.record(tx, user.id, "view", "member", member["id"])
    return render(request, "members/member.html", await _member_context(request, member))


@routes.post("/staff/members/{id:\\d{1,18}}")
@require_role("analyst")
async def edit_member(request: web.Request) -> web.Response:
    """Correct a member's details, e.g. after a phone call; the consent record stays as it was given."""
    form = await request.post()
    db, user, member_id = request.app[DB], logged_in_user(request), _member_id(request)
    member = await store.get_member(db, member_id)
    if member is None:
        raise web.HTTPNotFound
    values = {name: form_value(form, name, limit=300) for name in EDIT_FIELDS}
    district_ids = {row["code"].lower(): row["id"] for row in await store.districts(db)}
    details, errors = parse_details(values, district_ids, year=utcnow().year)
    if details is not None and details.phone != member["phone"] and await store.member_by_phone(db, details.phone):
        errors["phone"] = _("Numret tillhör redan en annan medlem.")
    if errors or details is None:
        context = await _member_context(request, member)
        context.update({"errors": errors, "values": values})
        return render(request, "members/member.html", context, status=422)
    async with db.transaction() as tx:
        await store.update_details(tx, member_id, details)
        await audit.record(tx, user.id, "edit", "member", member_id)
    raise web.HTTPSeeOther(f"/staff/members/{member_id}?notice=saved")


@routes.post("/staff/members/{id:\\d{1,18}}/status")
@require_role("analyst")
async def change_status(request: web.Request) -> web.Response:
    form = await request.post()
    user, member_id = logged_in_user(request), _member_id(request)
    status, note = form_value(form, "status"), form_value(form, "note", limit=500)
    if status not in STAFF_STATUSES:
        return bad_request(request, _("Välj en av statusarna i listan."))
    try:
        async with request.app[DB].transaction() as tx:
            if await store.get_member(tx, member_id) is None:
                raise web.HTTPNotFound
            change = lifecycle.Change("staff", to_db(utcnow()), user_id=user.id, note=note)
            if await lifecycle.change_status(tx, request.app[MEMBER_HOOKS], member_id, status, change):
                await audit.record(tx, user.id, "status", "member", member_id, detail=status)
    except lifecycle.StatusError:
        return bad_request(request, _("Medlemmens status kan inte ändras så."), status=409)
    raise web.HTTPSeeOther(f"/staff/members/{member_id}?notice=status")


@routes.get("/staff/members/{id:\\d{1,18}}/export.{fmt:(json|csv)}")
@require_role("admin")
async def export(request: web.Request) -> web.Response:
    db, user, member_id = request.app[DB], logged_in_user(request), _member_id(request)
    fmt = request.match_info["fmt"]
    data = await rights.export_data(db, member_id)
    if data is None:
        raise web.HTTPNotFound
    async with db.transaction() as tx:
        await rights.record_export(tx, user.id, member_id, fmt)
    body = rights.to_json(data) if fmt == "json" else rights.to_csv(data)
    return web.Response(
        text=body, content_type="application/json" if fmt == "json" else "text/csv", charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="member-{member_id}.{fmt}"',
                 "Cache-Control": "no-store"},
    )


@routes.get("/staff/members/{id:\\d{1,18}}/erase")
@require_role("admin")
async def erase_page(request: web.Request) -> web.Response:
    member = await store.get_member(request.app[DB], _member_id(request))
    if member is None:
        raise web.HTTPNotFound
    return render(request, "members/erase.html", {"m": member, "labels": vocab})


@routes.post("/staff/members/{id:\\d{1,18}}/erase")
@require_role("admin")
async def erase(request: web.Request) -> web.Response:
    form = await request.post()
    user, member_id = logged_in_user(request), _member_id(request)
    reason = form_value(form, "reason", limit=200) or "request"
    async with request.app[DB].transaction() as tx:
        await rights.erase(tx, request.app[MEMBER_HOOKS], member_id, user_id=user.id, now=utcnow(), reason=reason)
    raise web.HTTPSeeOther("/staff/members?erased=1")
