"""The JSON read API under /api/v1/: survey results and feedback statistics, described by OpenAPI 3.1.

What is published (an analyst published the survey or the period) is open to anyone, like /results and
/statistics. Everything else needs a token: `Authorization: Bearer <token>`. Tokens are made and revoked
by admins on /staff/api-tokens; only their SHA-256 is stored. The API never returns identities or free
text — it serves the same aggregate documents as the open-data feeds.

This module is part of the composition: it reads `surveys.results` and `feedback.stats`, as app.py does.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from aiohttp import web

from feedback.stats import opendata as stats_opendata
from feedback.stats import periods
from feedback.stats import queries as stats_queries
from feedback.stats import report as stats_report
from panel import audit, clock
from panel.auth import logged_in_user, require_role
from panel.db import Database, Row, Transaction
from panel.i18n import _
from panel.keys import DB, SETTINGS
from panel.numbers import whole
from panel.web import form_value, render
from surveys.results import assemble
from surveys.results import opendata as results_opendata
from surveys.results import queries as results_queries

routes = web.RouteTableDef()
TOKEN_PREFIX = "mp_"  # noqa: S105 - a marker that makes leaked tokens easy to spot, not a secret


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


# -- tokens ------------------------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_token(tx: Transaction, name: str, user_id: int | None, now: str) -> str:
    """A new token; the caller shows it once, since only its hash is kept."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    await tx.insert(
        "INSERT INTO api_tokens (name, token_hash, token_prefix, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
        (name, _hash(token), token[:10], user_id, now),
    )
    return token


async def revoke_token(tx: Transaction, token_id: int, now: str) -> bool:
    return await tx.execute(
        "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", (now, token_id)
    ) > 0


async def list_tokens(db: Database) -> list[Row]:
    return await db.fetch_all("SELECT * FROM api_tokens ORDER BY revoked_at IS NOT NULL, created_at DESC")


async def _token_id(db: Database, token: str) -> int | None:
    value = await db.fetch_value(
        "SELECT id FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL", (_hash(token),)
    )
    return None if value is None else int(value)


async def _authorised(request: web.Request) -> bool:
    """False without a token; raises 401 for a wrong or revoked one (a client should know its key failed)."""
    header = request.headers.get("Authorization", "")
    if not header:
        return False
    scheme, _sep, token = header.partition(" ")
    db = request.app[DB]
    token_id = await _token_id(db, token.strip()) if scheme.lower() == "bearer" else None
    if token_id is None:
        raise web.HTTPUnauthorized(
            text='{"error": "invalid or revoked token"}', content_type="application/json",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    async with db.transaction() as tx:
        await tx.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", (clock.now_db(), token_id))
    return True


# -- endpoints ---------------------------------------------------------------------------------------


@routes.get("/api/v1/surveys")
async def surveys(request: web.Request) -> web.Response:
    base = request.app[SETTINGS].base_url
    published = {row["id"] for row in await results_queries.published_surveys(request.app[DB])}
    rows = await results_queries.sent_surveys(request.app[DB])
    if not await _authorised(request):
        rows = [row for row in rows if row["id"] in published]
    return web.json_response({"surveys": [
        {"id": row["id"], "title": row["title"], "state": row["state"], "sent_at": row["sent_at"],
         "published": row["id"] in published, "results": f"{base}/api/v1/surveys/{row['id']}/results"}
        for row in rows
    ]})


@routes.get(r"/api/v1/surveys/{id:\d{1,18}}/results")
async def survey_results(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    survey_id = int(request.match_info["id"])
    results = await assemble.load(
        # Open data speaks the source language (Swedish); English labels ride along as *_en fields.
        request.app[DB], survey_id, language="sv", min_size=settings.min_cell_size, yes="Ja", no="Nej",
    )
    if results is None or results.survey["sent_at"] is None:
        return _error(404, "no such survey")
    if results.published is None and not await _authorised(request):
        return _error(404, "no such published survey; unpublished results need a token")
    return web.json_response(
        results_opendata.document(results, base_url=settings.base_url, municipality=settings.municipality)
    )


@routes.get("/api/v1/statistics")
async def statistics_periods(request: web.Request) -> web.Response:
    rows = await stats_queries.published_periods(request.app[DB])
    base = request.app[SETTINGS].base_url
    return web.json_response({"periods": [
        {"period": row["period"], "published_at": row["published_at"],
         "data": f"{base}/api/v1/statistics/{row['period']}"}
        for row in rows
    ]})


@routes.get("/api/v1/statistics/{period}")
async def statistics(request: web.Request) -> web.Response:
    period = periods.parse(request.match_info["period"])
    if period is None or period.code != request.match_info["period"]:
        return _error(400, "period must be a month (2026-10) or a quarter (2026-Q4)")
    db = request.app[DB]
    department = request.query.get("department", "")
    public = not await _authorised(request)
    if public and (department or not await stats_queries.is_published(db, period.code)):
        return _error(404, "no such published period; unpublished periods and departments need a token")
    if department and department not in await stats_queries.departments(db):
        return _error(400, "unknown department")
    stats = await stats_report.load(db, period, department=department, public=public, now=clock.now_db())
    settings = request.app[SETTINGS]
    return web.json_response(
        stats_opendata.document(stats, base_url=settings.base_url, municipality=settings.municipality)
    )


@routes.get("/api/v1/openapi.json")
async def openapi_document(request: web.Request) -> web.Response:
    return web.json_response(openapi(request.app[SETTINGS].base_url), headers={"Access-Control-Allow-Origin": "*"})


def _get(summary: str, schema: dict[str, Any], *, params: list[dict[str, Any]] | None = None,
         errors: tuple[int, ...] = (404,)) -> dict[str, Any]:
    responses: dict[str, Any] = {"200": {"description": "OK", "content": {"application/json": {"schema": schema}}}}
    for status in (*errors, 401):
        responses[str(status)] = {"$ref": "#/components/responses/Error"}
    return {"get": {"summary": summary, "parameters": params or [], "responses": responses,
                    "security": [{}, {"bearer": []}]}}


def openapi(base_url: str) -> dict[str, Any]:
    """The OpenAPI 3.1 description of this API; the tests validate it and every response against it."""
    ref = "#/components/schemas/"
    in_path = {"in": "path", "required": True}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Medborgarpanel API", "version": "1.0.0",
            "description": "Aggregated survey results and feedback statistics. Published data is open (CC0); "
                           "unpublished data needs a bearer token. No identities or free text are ever returned.",
        },
        "servers": [{"url": f"{base_url}/api/v1"}],
        "paths": {
            "/surveys": _get("Surveys: the published ones, or every sent survey with a token", {
                "type": "object", "required": ["surveys"],
                "properties": {"surveys": {"type": "array", "items": {"$ref": ref + "SurveyListItem"}}},
            }, errors=()),
            "/surveys/{id}/results": _get("A survey's aggregated results", {"$ref": ref + "SurveyResults"},
                                          params=[{"name": "id", **in_path, "schema": {"type": "integer"}}]),
            "/statistics": _get("Published periods of the feedback statistics", {
                "type": "object", "required": ["periods"],
                "properties": {"periods": {"type": "array", "items": {
                    "type": "object", "required": ["period", "published_at", "data"],
                    "properties": {"period": {"type": "string"}, "published_at": {"type": "string"},
                                   "data": {"type": "string"}}}}},
            }, errors=()),
            "/statistics/{period}": _get("Feedback statistics of a month or quarter", {"$ref": ref + "Statistics"},
                                         params=[
                {"name": "period", **in_path, "schema": {"type": "string", "pattern": r"^\d{4}-(\d{2}|Q[1-4])$"},
                 "example": "2026-Q4"},
                {"name": "department", "in": "query", "required": False, "schema": {"type": "string"},
                 "description": "One department (committee report); needs a token."},
            ], errors=(400, 404)),
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {"Error": {"description": "Error", "content": {"application/json": {"schema": {
                "type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}}}}},
            "schemas": {
                "SurveyResults": results_opendata.SCHEMA,
                "Statistics": stats_opendata.SCHEMA,
                "SurveyListItem": {
                    "type": "object", "required": ["id", "title", "state", "published", "results"],
                    "properties": {"id": {"type": "integer"}, "title": {"type": "string"},
                                   "state": {"type": "string"}, "sent_at": {"type": ["string", "null"]},
                                   "published": {"type": "boolean"}, "results": {"type": "string"}},
                },
            },
        },
    }


# -- the admin page for tokens -----------------------------------------------------------------------


async def _tokens_page(
    request: web.Request, *, new_token: str = "", error: str = "", status: int = 200
) -> web.Response:
    context: dict[str, Any] = {"tokens": await list_tokens(request.app[DB]), "new_token": new_token, "error": error}
    return render(request, "panel/api_tokens.html", context, status=status)


@routes.get("/staff/api-tokens")
@require_role("admin")
async def tokens_page(request: web.Request) -> web.Response:
    return await _tokens_page(request)


@routes.post("/staff/api-tokens")
@require_role("admin")
async def tokens_change(request: web.Request) -> web.Response:
    form = await request.post()
    user = logged_in_user(request)
    now = clock.now_db()
    revoke = form_value(form, "revoke")
    if revoke:
        token_id = whole(revoke)
        if token_id is None:
            return await _tokens_page(request, error=_("Okänd nyckel."), status=400)
        async with request.app[DB].transaction() as tx:
            if await revoke_token(tx, token_id, now):
                await audit.record(tx, user.id, "revoke_api_token", "api_token", revoke)
        raise web.HTTPSeeOther("/staff/api-tokens")
    name = form_value(form, "name", limit=100)
    if not name:
        return await _tokens_page(request, error=_("Skriv vem eller vad nyckeln är till."), status=422)
    async with request.app[DB].transaction() as tx:
        token = await create_token(tx, name, user.id, now)
        await audit.record(tx, user.id, "create_api_token", "api_token", token[:10], name)
    # Shown once, on this response; a redirect would have to carry the secret in a URL.
    return await _tokens_page(request, new_token=token)


def setup(app: web.Application) -> None:
    app.router.add_routes(routes)
