"""/staff/open311-keys: admins create and revoke the API keys third-party apps post Open311 requests with.

A new key is shown once, on the page that answers the POST; only its SHA-256 is stored. The form carries a
nonce, so reloading that page does not create a second key.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from panel import audit, clock
from panel.auth import USER, require_role
from panel.i18n import _
from panel.keys import DB
from panel.web import bad_request, form_value, render

from .. import store
from ..public_routes import NONCE, new_nonce

routes = web.RouteTableDef()
PAGE = "/staff/open311-keys"


async def page(request: web.Request, *, status: int = 200, **extra: Any) -> web.Response:
    context: dict[str, Any] = {
        "keys": await store.open311_keys(request.app[DB]),
        "nonce": new_nonce(),
        "errors": {},
        "values": {},
        "new_key": None,
    }
    context.update(extra)
    return render(request, "feedback/open311_keys.html", context, status=status)


@routes.get(PAGE)
@require_role("admin")
async def keys_page(request: web.Request) -> web.Response:
    return await page(request, revoked=request.query.get("revoked") == "1")


@routes.post(PAGE)
@require_role("admin")
async def create_key(request: web.Request) -> web.Response:
    form = await request.post()
    name = form_value(form, "name", limit=101)
    nonce = form_value(form, "nonce")
    if not NONCE.match(nonce):
        return bad_request(request, _("Formuläret saknar en del. Ladda om sidan och försök igen."))
    if not name or len(name) > 100:
        errors = {"name": _("Skriv vem nyckeln är till, högst 100 tecken.")}
        return await page(request, status=422, errors=errors, values={"name": name}, nonce=nonce)
    key = store.new_open311_key()
    user = request[USER]
    async with request.app[DB].transaction() as tx:
        key_id = await store.insert_open311_key(tx, name, key, clock.now_db(), user.id, nonce)
        if key_id is not None:
            await audit.record(tx, user.id, "create", "open311_key", key_id, name)
    if key_id is None:
        return await page(request, already_created=True)
    return await page(request, new_key=key, new_key_name=name)


@routes.post(PAGE + "/{key_id:\\d{1,18}}/revoke")
@require_role("admin")
async def revoke_key(request: web.Request) -> web.Response:
    key_id = int(request.match_info["key_id"])
    user = request[USER]
    async with request.app[DB].transaction() as tx:
        if await store.revoke_open311_key(tx, key_id, clock.now_db()):
            await audit.record(tx, user.id, "revoke", "open311_key", key_id)
    raise web.HTTPSeeOther(PAGE + "?revoked=1")
