"""The public feedback form: /feedback and its confirmation page. Thin handlers over forms and intake.

The form carries a random nonce; a resubmitted form (double click, reload after POST, a retry on a flaky
mobile connection) has the same nonce and leads to the same case instead of a second one.
"""

from __future__ import annotations

import re
import secrets
import time
from typing import Any

from aiohttp import web
from multidict import MultiDictProxy

from panel import clock
from panel.i18n import _
from panel.keys import DB, SETTINGS
from panel.web import bad_request, client_address, render

from . import forms, store
from .forms import Upload
from .intake import intake, item_from_form, tracking_url
from .ratelimit import FORM_LIMIT

routes = web.RouteTableDef()
NONCE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


def text_fields(form: MultiDictProxy[Any]) -> dict[str, str]:
    """The text fields of a posted form (files left out), first value of each."""
    fields: dict[str, str] = {}
    for name, value in form.items():
        if isinstance(value, str) and name not in fields:
            fields[name] = value
    return fields


def uploads_of(form: MultiDictProxy[Any], name: str) -> list[Upload]:
    files = []
    for value in form.getall(name, []):
        if isinstance(value, web.FileField):
            files.append(Upload(value.filename or "", value.file.read(), value.content_type or ""))
    return files


async def form_context(request: web.Request, **extra: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "categories": await store.categories(request.app[DB]),
        "districts": await store.districts(request.app[DB]),
        "kinds": forms.KINDS,
        "kind_labels": forms.KIND_LABELS,
        "values": {},
        "errors": {},
        "nonce": new_nonce(),
    }
    context.update(extra)
    return context


@routes.get("/feedback")
async def feedback_form(request: web.Request) -> web.Response:
    # A link such as /feedback?kind=fault_report&category=gata opens the form with those chosen.
    values = {name: request.query.get(name, "")[:40] for name in ("kind", "category")}
    return render(request, "feedback/form.html", await form_context(request, values=values))


@routes.post("/feedback")
async def submit_feedback(request: web.Request) -> web.Response:
    db = request.app[DB]
    form = await request.post()
    nonce = form.get("nonce")
    if not isinstance(nonce, str) or not NONCE.match(nonce):
        return bad_request(request, _("Formuläret saknar en del. Ladda om sidan och försök igen."))
    if FORM_LIMIT in request.app and not request.app[FORM_LIMIT].allow(client_address(request), time.monotonic()):
        message = _("Många synpunkter har skickats härifrån på kort tid. Vänta en stund och försök igen.")
        return bad_request(request, message, status=429)
    districts = {row["code"] for row in await store.districts(db)}
    checked = forms.check_feedback(text_fields(form), await store.category_rules(db), uploads_of(form, "attachments"),
                                   districts)
    if not checked.ok:
        context = await form_context(request, values=checked.values, errors=checked.errors, nonce=nonce)
        return render(request, "feedback/form.html", context, status=422)
    item = item_from_form(checked, channel="web", idempotency_key=f"web:{nonce}")
    async with db.transaction() as tx:
        result = await intake(tx, item, now=clock.utcnow(), base_url=request.app[SETTINGS].base_url)
    raise web.HTTPSeeOther(f"/feedback/received/{result.tracking_token}")


@routes.get("/feedback/received/{token}")
async def received(request: web.Request) -> web.Response:
    db = request.app[DB]
    case = await store.case_by_token(db, request.match_info["token"])
    if case is None:
        raise web.HTTPNotFound
    has_contact = await store.can_reach(db, case["id"])
    url = tracking_url(request.app[SETTINGS].base_url, case["tracking_token"])
    response = render(request, "feedback/thanks.html", {"case": case, "tracking_url": url, "has_contact": has_contact})
    response.headers["Cache-Control"] = "no-store"  # the page holds the resident's tracking link
    return response
