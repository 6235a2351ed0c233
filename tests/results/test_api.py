"""The JSON API: its OpenAPI document is valid, and real responses match the schemas it declares."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from panel.api import create_token
from panel.keys import DB
from surveys.results import queries
from tests.helpers import post_form
from tests.results.test_results_web import seed

Login = Callable[[TestClient, str], Awaitable[Any]]


async def _spec(client: TestClient) -> dict[str, Any]:
    response = await client.get("/api/v1/openapi.json")
    assert response.status == 200
    return dict(await response.json())


def _check(spec: dict[str, Any], path: str, status: int, body: Any) -> None:
    """Validate `body` against the schema the document gives for `path` and `status`."""
    response = spec["paths"][path]["get"]["responses"][str(status)]
    if "$ref" in response:
        response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    schema = {**response["content"]["application/json"]["schema"], "components": spec["components"]}
    # Local $refs ("#/components/...") resolve against the schema itself, so the components ride along.
    errors = list(Draft202012Validator(schema).iter_errors(body))
    assert not errors, [e.message for e in errors]


async def _token(app: web.Application) -> str:
    async with app[DB].transaction() as tx:
        return await create_token(tx, "test", None, "2026-11-01T00:00:00.000Z")


async def test_the_openapi_document_is_valid_openapi_3_1(client: TestClient) -> None:
    spec = await _spec(client)
    validate(spec)
    assert spec["openapi"].startswith("3.1")
    assert set(spec["paths"]) == {"/surveys", "/surveys/{id}/results", "/statistics", "/statistics/{period}"}


async def test_unpublished_results_need_a_token(client: TestClient, app: web.Application) -> None:
    spec = await _spec(client)
    ids = await seed(app)
    url = f"/api/v1/surveys/{ids['survey']}/results"
    anonymous = await client.get(url)
    assert anonymous.status == 404
    _check(spec, "/surveys/{id}/results", 404, await anonymous.json())
    listing = await (await client.get("/api/v1/surveys")).json()
    assert listing == {"surveys": []}
    wrong = await client.get(url, headers={"Authorization": "Bearer mp_wrong"})
    assert wrong.status == 401 and "invalid_token" in wrong.headers["WWW-Authenticate"]
    _check(spec, "/surveys/{id}/results", 401, await wrong.json())

    token = await _token(app)
    authorised = await client.get(url, headers={"Authorization": f"Bearer {token}"})
    assert authorised.status == 200
    body = await authorised.json()
    _check(spec, "/surveys/{id}/results", 200, body)
    assert body["response"]["completed"] == 15
    assert body["questions"][0]["options"][0]["label"] == "Ja"
    listing = await (await client.get("/api/v1/surveys", headers={"Authorization": f"Bearer {token}"})).json()
    _check(spec, "/surveys", 200, listing)
    assert [s["published"] for s in listing["surveys"]] == [False]
    assert await app[DB].fetch_value("SELECT last_used_at FROM api_tokens") is not None


async def test_published_results_are_open(client: TestClient, app: web.Application) -> None:
    spec = await _spec(client)
    ids = await seed(app)
    async with app[DB].transaction() as tx:
        await queries.publish(tx, ids["survey"], None, "", "2026-11-01T00:00:00.000Z")
    response = await client.get(f"/api/v1/surveys/{ids['survey']}/results")
    assert response.status == 200
    _check(spec, "/surveys/{id}/results", 200, await response.json())
    listing = await (await client.get("/api/v1/surveys")).json()
    _check(spec, "/surveys", 200, listing)
    assert [s["id"] for s in listing["surveys"]] == [ids["survey"]]


async def test_revoked_tokens_stop_working(client: TestClient, app: web.Application, login: Login) -> None:
    await login(client, "admin")
    page = await client.get("/staff/api-tokens")
    assert page.status == 200
    created = await post_form(client, "/staff/api-tokens", {"name": "Statistikportalen"})
    html = await created.text()
    token = html.split("<code>", 1)[1].split("</code>", 1)[0]
    assert token.startswith("mp_")
    assert (await client.get("/api/v1/surveys", headers={"Authorization": f"Bearer {token}"})).status == 200
    token_id = await app[DB].fetch_value("SELECT id FROM api_tokens")
    await post_form(client, "/staff/api-tokens", {"revoke": str(token_id)})
    assert (await client.get("/api/v1/surveys", headers={"Authorization": f"Bearer {token}"})).status == 401
    missing_name = await post_form(client, "/staff/api-tokens", {"name": ""})
    assert missing_name.status == 422


async def test_only_admins_manage_tokens(client: TestClient, login: Login) -> None:
    await login(client, "analyst")
    assert (await client.get("/staff/api-tokens")).status == 403


async def test_statistics_period_validation_and_token(client: TestClient, app: web.Application) -> None:
    spec = await _spec(client)
    bad = await client.get("/api/v1/statistics/2026-13")
    assert bad.status == 400
    _check(spec, "/statistics/{period}", 400, await bad.json())
    assert (await client.get("/api/v1/statistics/2026-10")).status == 404
    token = await _token(app)
    response = await client.get("/api/v1/statistics/2026-10", headers={"Authorization": f"Bearer {token}"})
    assert response.status == 200
    _check(spec, "/statistics/{period}", 200, await response.json())
    listing = await client.get("/api/v1/statistics")
    _check(spec, "/statistics", 200, await listing.json())
