"""GeoReport v2 at /open311/v2/: discovery, services, service definitions, requests and tokens.

Services are the active categories. Every service has `metadata` true and one optional attribute, `kind`
(complaint, praise, idea, question or fault_report; fault_report when left out), because a case has a kind.
Requests are `realtime`: POST answers with the case reference as `service_request_id`. A client may send an
`Idempotency-Key` header: a retried POST with the same key and API key returns the first request's id.
One server serves one municipality, so `jurisdiction_id` is accepted and ignored, as the spec allows.
"""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from panel import clock
from panel.db import Row
from panel.keys import DB, SETTINGS
from panel.privacy import mask

from .. import store
from ..forms import KIND_LABELS, KINDS
from ..intake import IncomingItem, intake
from ..ratelimit import OPEN311_LIMIT
from . import formats, queries
from .formats import error, respond, w3_datetime
from .params import Open311Error, parse_filters, parse_post

routes = web.RouteTableDef()
BASE = "/open311/v2"
FMT = "{fmt:[a-z]+}"
SPEC = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-01-01T00:00:00Z"  # when this endpoint's behaviour last changed
STATE_NOTES = {
    "new": "Mottagen",
    "open": "Under handläggning",
    "waiting": "Väntar på komplettering",
    "answered": "Besvarad",
    "closed": "Avslutad",
    "rejected": "Avvisad",
}


def _format(request: web.Request) -> str:
    fmt = request.match_info["fmt"]
    if fmt not in formats.FORMATS:
        raise Open311Error(400, "unknown format: use .xml or .json")
    return fmt


def spec_errors(handler: Any) -> Any:
    """Errors come back as the spec's error list, in the format the client asked for."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except Open311Error as exc:
            return error(request.match_info.get("fmt", "xml"), exc.status, exc.description)
        except web.HTTPRequestEntityTooLarge:
            return error(request.match_info.get("fmt", "xml"), 413, "the request is too large")

    wrapped.__name__ = handler.__name__
    wrapped.__doc__ = handler.__doc__
    return wrapped


def service_of(category: Row) -> dict[str, Any]:
    return {
        "service_code": category["code"],
        "service_name": category["name_sv"],
        "description": category["description_sv"],
        "metadata": True,
        "type": "realtime",
        "keywords": category["name_en"],
        "group": category["department"],
    }


def request_of(row: Row) -> dict[str, Any]:
    return {
        "service_request_id": row["reference"],
        "status": "closed" if row["state"] in queries.CLOSED_STATES else "open",
        "status_notes": STATE_NOTES.get(row["state"], ""),
        "service_name": row["service_name"],
        "service_code": row["service_code"],
        # Personal identity numbers, phone numbers and e-mail addresses never leave through the open API.
        "description": mask(row["body"]),
        "agency_responsible": row["department"] or None,
        "service_notice": None,
        "requested_datetime": w3_datetime(row["created_at"]),
        "updated_datetime": w3_datetime(row["updated_at"]),
        "expected_datetime": w3_datetime(row["answer_due_at"]),
        "address": row["location_text"] or None,
        "address_id": None,
        "zipcode": None,
        "lat": row["latitude"],
        "long": row["longitude"],
        "media_url": None,
    }


@routes.get(f"{BASE}/discovery.{FMT}")
@spec_errors
async def discovery(request: web.Request) -> web.Response:
    fmt = _format(request)
    settings = request.app[SETTINGS]
    return respond(fmt, "discovery", {
        "changeset": CHANGESET,
        "contact": f"{settings.municipality}, {settings.mail_from}",
        "key_service": f"Ansök om en API-nyckel hos {settings.mail_from}",
        "endpoints": [{
            "specification": SPEC,
            "url": f"{settings.base_url}{BASE}",
            "changeset": CHANGESET,
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    })


@routes.get(f"{BASE}/services.{FMT}")
@spec_errors
async def services(request: web.Request) -> web.Response:
    fmt = _format(request)
    return respond(fmt, "services", [service_of(row) for row in await store.categories(request.app[DB])])


@routes.get(BASE + "/services/{code:[^/.]+}." + FMT)
@spec_errors
async def service_definition(request: web.Request) -> web.Response:
    fmt = _format(request)
    category = await store.category_by_code(request.app[DB], request.match_info["code"])
    if category is None or not category["active"]:
        raise Open311Error(404, "service_code provided was not found")
    kind = {
        "variable": True,
        "code": "kind",
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": "Vad ärendet gäller; felanmälan om inget anges.",
        "order": 1,
        "description": "Typ av synpunkt",
        "values": [{"key": key, "name": KIND_LABELS[key]} for key in KINDS],
    }
    return respond(fmt, "service_definition", {"service_code": category["code"], "attributes": [kind]})


@routes.post(f"{BASE}/requests.{FMT}")
@spec_errors
async def post_request(request: web.Request) -> web.Response:
    fmt = _format(request)
    db = request.app[DB]
    form = await request.post()
    fields = {name: value for name, value in form.items() if isinstance(value, str)}
    key_id = await store.open311_key_id(db, fields.get("api_key", "").strip()) if fields.get("api_key") else None
    if key_id is None:
        raise Open311Error(403, "api_key is missing or invalid")
    if OPEN311_LIMIT in request.app and not request.app[OPEN311_LIMIT].allow(str(key_id), time.monotonic()):
        raise Open311Error(429, "too many requests with this api_key: wait a few minutes")
    if not fields.get("service_code", "").strip():
        raise Open311Error(400, "service_code was not provided")
    category = await store.category_by_code(db, fields["service_code"].strip())
    if category is None or not category["active"]:
        raise Open311Error(404, "service_code provided was not found")
    posted = parse_post(fields, needs_location=bool(category["needs_location"]))
    retry_key = request.headers.get("Idempotency-Key", "").strip()[:100]
    item = IncomingItem(
        channel="open311", kind=posted.kind, category_code=category["code"], body=posted.description,
        location_text=posted.address, latitude=posted.latitude, longitude=posted.longitude,
        contact_name=posted.name, contact_email=posted.email, contact_phone=posted.phone,
        idempotency_key=f"open311:{key_id}:{retry_key}" if retry_key else None, open311_key_id=key_id,
    )
    now = clock.utcnow()
    async with db.transaction() as tx:
        result = await intake(tx, item, now=now, base_url=request.app[SETTINGS].base_url)
        await store.mark_open311_key_used(tx, key_id, clock.to_db(now))
    notice = f"Ärendet har nummer {result.reference}. Svar inom {category['answer_days']} arbetsdagar."
    return respond(fmt, "service_requests", [
        {"service_request_id": result.reference, "service_notice": notice, "account_id": None}
    ])


@routes.get(f"{BASE}/requests.{FMT}")
@spec_errors
async def get_requests(request: web.Request) -> web.Response:
    fmt = _format(request)
    wanted = parse_filters(request.query, now=clock.utcnow())
    rows = await queries.service_requests(request.app[DB], wanted)
    return respond(fmt, "service_requests", [request_of(row) for row in rows])


@routes.get(BASE + "/requests/{reference:[^/.]+}." + FMT)
@spec_errors
async def get_request(request: web.Request) -> web.Response:
    fmt = _format(request)
    row = await queries.service_request(request.app[DB], request.match_info["reference"])
    if row is None:
        raise Open311Error(404, "service_request_id provided was not found")
    return respond(fmt, "service_requests", [request_of(row)])


@routes.get(BASE + "/tokens/{token:[^/.]+}." + FMT)
@spec_errors
async def get_token(request: web.Request) -> web.Response:
    fmt = _format(request)
    row = await queries.open311_case_of_token(request.app[DB], request.match_info["token"])
    if row is None:
        raise Open311Error(404, "token provided was not found")
    return respond(fmt, "service_requests", [
        {"service_request_id": row["reference"], "token": request.match_info["token"]}
    ])


@routes.route("*", "/open311/{tail:.*}")
async def unknown(request: web.Request) -> web.Response:
    """Anything else under /open311/ answers in the spec's error shape rather than with an HTML page."""
    fmt = "json" if request.path.endswith(".json") else "xml"
    return error(fmt, 404, "no such resource: see /open311/v2/discovery.xml")
