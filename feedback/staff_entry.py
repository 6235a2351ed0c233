"""Staff quick entry at /staff/cases/new: a phone call, a visit or a letter registered as a case.

"Answered directly" closes the case at once and marks it, so first-contact resolution can be counted.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from panel import audit, clock
from panel.auth import USER, require_role
from panel.i18n import _
from panel.keys import DB, SETTINGS
from panel.web import bad_request, render

from . import forms, store
from .handling import channel_label
from .intake import intake, item_from_form
from .public_routes import NONCE, new_nonce, text_fields

routes = web.RouteTableDef()


async def entry_context(request: web.Request, **extra: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "categories": await store.categories(request.app[DB]),
        "districts": await store.districts(request.app[DB]),
        "kinds": forms.KINDS,
        "kind_labels": forms.KIND_LABELS,
        "staff_channels": forms.STAFF_CHANNELS,
        "channel_label": channel_label,
        "values": {},
        "errors": {},
        "nonce": new_nonce(),
    }
    context.update(extra)
    return context


@routes.get("/staff/cases/new")
@require_role("handler")
async def entry_form(request: web.Request) -> web.Response:
    return render(request, "feedback/staff_entry.html", await entry_context(request))


@routes.post("/staff/cases/new")
@require_role("handler")
async def create_case(request: web.Request) -> web.Response:
    db = request.app[DB]
    user = request[USER]
    form = await request.post()
    nonce = form.get("nonce")
    if not isinstance(nonce, str) or not NONCE.match(nonce):
        return bad_request(request, _("Formuläret saknar en del. Ladda om sidan och försök igen."))
    districts = {row["code"] for row in await store.districts(db)}
    checked = forms.check_staff_entry(text_fields(form), await store.category_rules(db), districts)
    if not checked.ok:
        context = await entry_context(request, values=checked.values, errors=checked.errors, nonce=nonce)
        return render(request, "feedback/staff_entry.html", context, status=422)
    values = checked.values
    item = item_from_form(checked, channel=values["channel"], idempotency_key=f"staff:{nonce}",
                          answered_directly=bool(values["answered_directly"]), user_id=user.id)
    async with db.transaction() as tx:
        result = await intake(tx, item, now=clock.utcnow(), base_url=request.app[SETTINGS].base_url)
        if result.created:
            await audit.record(tx, user.id, "create", "case", result.case_id, values["channel"])
    raise web.HTTPSeeOther(f"/staff/cases/{result.case_id}")
