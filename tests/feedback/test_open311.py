"""Open311 GeoReport v2 through a third-party client (`georeport`) in JSON and XML, and POST over HTTP."""

from __future__ import annotations

import asyncio
import json
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import requests
from aiohttp import web
from georeport import GeoReport
from requests import HTTPError

from feedback import store
from feedback.intake import IncomingItem, intake
from panel import clock
from panel.keys import DB, SETTINGS

FORMATS = ["json", "xml"]


@pytest.fixture
async def api(live_url: str) -> str:
    return f"{live_url}/open311/v2"


@pytest.fixture
async def key(app: web.Application, live_url: str) -> str:
    secret = store.new_open311_key()
    async with app[DB].transaction() as tx:
        await store.insert_open311_key(tx, "Felanmälningsappen", secret, clock.now_db(), None)
    return secret


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def xml_of(text: str) -> ET.Element:
    return ET.fromstring(text)  # noqa: S314 - our own server's answer, in a test


async def call(method: Any, *args: Any) -> Any:
    """The client is synchronous (requests): run it off the event loop that serves the app."""
    return await asyncio.to_thread(method, *args)


async def post(http: aiohttp.ClientSession, api: str, fmt: str, data: dict[str, str],
               headers: dict[str, str] | None = None) -> tuple[int, str]:
    async with http.post(f"{api}/requests.{fmt}", data=data, headers=headers or {}) as response:
        return response.status, await response.text()


def report(key: str, **changes: str) -> dict[str, str]:
    values = {"api_key": key, "service_code": "gata", "lat": "57.9303", "long": "12.2328",
              "address_string": "Storgatan 1, Exempelby", "description": "Potthål mitt i körbanan.",
              "email": "app-user@example.se", "first_name": "Eva", "last_name": "Ek"}
    values.update(changes)
    return values


@pytest.mark.parametrize("fmt", FORMATS)
async def test_services_come_from_categories(api: str, fmt: str) -> None:
    services = await call(GeoReport(api, output_format=fmt).get_service_list)
    by_code = {service["service_code"]: service for service in services}
    assert by_code["gata"]["service_name"] == "Gator, vägar och belysning"
    assert by_code["gata"]["type"] == "realtime"
    assert by_code["gata"]["group"] == "Samhällsbyggnad"
    assert str(by_code["gata"]["metadata"]).lower() == "true"


@pytest.mark.parametrize("fmt", FORMATS)
async def test_a_service_definition_offers_the_kind(api: str, fmt: str) -> None:
    definition = await call(GeoReport(api, output_format=fmt).get_service_definition, "gata")
    assert definition["service_code"] == "gata"
    attribute = definition["attributes"] if fmt == "json" else definition["attributes"]["attribute"]
    attribute = attribute[0] if isinstance(attribute, list) else attribute
    assert attribute["code"] == "kind" and attribute["datatype"] == "singlevaluelist"
    values = attribute["values"] if fmt == "json" else attribute["values"]["value"]
    assert {value["key"] for value in values} == {"complaint", "praise", "idea", "question", "fault_report"}


@pytest.mark.parametrize("fmt", FORMATS)
async def test_a_posted_request_can_be_read_back(
    api: str, key: str, http: aiohttp.ClientSession, app: web.Application, fmt: str
) -> None:
    status, body = await post(http, api, fmt, report(key))
    assert status == 200, body
    client = GeoReport(api, output_format=fmt)
    if fmt == "json":
        request_id = json.loads(body)[0]["service_request_id"]
    else:
        request_id = xml_of(body).findtext("request/service_request_id")
    assert request_id and request_id.startswith("SYN-")
    one = await call(client.get_service_request, request_id)
    assert one["service_request_id"] == request_id
    assert one["status"] == "open" and one["service_code"] == "gata"
    assert one["description"] == "Potthål mitt i körbanan."
    assert one["address"] == "Storgatan 1, Exempelby"
    assert float(one["lat"]) == pytest.approx(57.9303)
    assert one["requested_datetime"].endswith("Z")
    case = await app[DB].fetch_one("SELECT channel, kind, open311_key_id FROM cases")
    assert case is not None and (case["channel"], case["kind"]) == ("open311", "fault_report")
    assert await app[DB].fetch_value("SELECT name FROM case_contacts") == "Eva Ek"


async def seed(app: web.Application) -> None:
    items = [
        IncomingItem(channel="web", kind="fault_report", category_code="gata", body="Ring 070-123 45 67 om lampan"),
        IncomingItem(channel="web", kind="fault_report", category_code="park", body="Trasig gunga"),
        IncomingItem(channel="web", kind="complaint", category_code="skola", body="Om en lärare"),
        IncomingItem(channel="web", kind="fault_report", category_code="gata", body="Hemligt"),
    ]
    async with app[DB].transaction() as tx:
        for item in items:
            await intake(tx, item, now=clock.utcnow())
        await tx.execute("UPDATE cases SET state = 'closed' WHERE body = 'Trasig gunga'")
        await tx.execute("UPDATE cases SET secret = 1 WHERE body = 'Hemligt'")


@pytest.mark.parametrize("fmt", FORMATS)
async def test_requests_are_filtered_published_and_masked(api: str, app: web.Application, fmt: str) -> None:
    await seed(app)
    client = GeoReport(api, output_format=fmt)
    everything = await call(client.get_service_requests)
    assert {row["description"] for row in everything} == {"Ring [telefonnummer] om lampan", "Trasig gunga"}
    closed = await call(lambda: client.get_service_requests(status="closed"))
    closed = closed if isinstance(closed, list) else [closed]  # xmltodict: one element is no list
    assert [row["service_code"] for row in closed] == ["park"]
    parks = await call(lambda: client.get_service_requests(service_code="gata,skola"))
    parks = parks if isinstance(parks, list) else [parks]
    assert [row["status"] for row in parks] == ["open"]


async def test_errors_follow_the_spec(api: str, key: str, http: aiohttp.ClientSession) -> None:
    status, body = await post(http, api, "json", report("wrong-key"))
    assert status == 403 and '"code": 403' in body
    status, body = await post(http, api, "xml", report(key, service_code="nope"))
    assert status == 404
    assert xml_of(body).findtext("error/code") == "404"
    status, body = await post(http, api, "json", report(key, lat="", long="", address_string=""))
    assert status == 400 and "location" in body
    status, body = await post(http, api, "json", report(key, description="x" * 4001))
    assert status == 400
    status, body = await post(http, api, "json", report(key, **{"attribute[kind]": "rant"}))
    assert status == 400
    async with http.get(f"{api}/requests.json", params={"start_date": "yesterday"}) as response:
        assert response.status == 400
    async with http.get(f"{api}/requests.json", params={
            "start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}) as response:
        assert response.status == 400 and "90 days" in await response.text()
    async with http.get(f"{api}/services.html") as response:
        assert response.status == 400 and response.content_type == "text/xml"
    async with http.get(f"{api}/nothing-here.json") as response:
        assert response.status == 404 and response.content_type == "application/json"
    with pytest.raises(HTTPError):
        await call(GeoReport(api).get_service_request, "SYN-2000-00001")


async def test_location_is_optional_where_the_category_does_not_need_it(
    api: str, key: str, http: aiohttp.ClientSession
) -> None:
    status, body = await post(http, api, "json", report(key, service_code="skola", lat="", long="",
                                                        address_string="", **{"attribute[kind]": "idea"}))
    assert status == 200, body


async def test_a_retried_post_with_an_idempotency_key_creates_one_case(
    api: str, key: str, http: aiohttp.ClientSession, app: web.Application
) -> None:
    headers = {"Idempotency-Key": "retry-1"}
    first = await post(http, api, "json", report(key), headers)
    second = await post(http, api, "json", report(key), headers)
    assert first == second
    assert await app[DB].fetch_value("SELECT count(*) FROM cases") == 1


@pytest.mark.parametrize("fmt", FORMATS)
async def test_discovery_and_tokens(api: str, key: str, http: aiohttp.ClientSession, app: web.Application,
                                    fmt: str) -> None:
    async with http.get(f"{api}/discovery.{fmt}") as response:
        assert response.status == 200
        text = await response.text()
    assert "http://wiki.open311.org/GeoReport_v2" in text and "application/json" in text
    if fmt == "xml":
        assert text.startswith('<?xml version="1.0" encoding="utf-8"?>')
        assert xml_of(text).findtext("endpoints/endpoint/url", "").endswith("/open311/v2")
    await post(http, api, fmt, report(key))
    token = await app[DB].fetch_value("SELECT tracking_token FROM cases")
    async with http.get(f"{api}/tokens/{token}.{fmt}") as response:
        assert response.status == 200
        assert "SYN-" in await response.text()
    async with http.get(f"{api}/tokens/unknown.{fmt}") as response:
        assert response.status == 404


async def test_an_oversized_post_gets_the_spec_error(api: str, key: str, app: web.Application) -> None:
    huge = report(key, description="x" * (app[SETTINGS].max_request_bytes + 1))
    # requests, in a thread: aiohttp's own client warns about large bodies, which this suite treats as errors
    response = await asyncio.to_thread(requests.post, f"{api}/requests.json", data=huge, timeout=30)
    assert response.status_code == 413 and response.json() == [{"code": 413, "description": "the request is too large"}]
    assert await app[DB].fetch_value("SELECT count(*) FROM cases") == 0


def test_the_xml_and_json_mapping_follows_the_spark_convention() -> None:
    from feedback.open311.formats import to_xml, w3_datetime

    xml = to_xml("service_requests", [{"service_request_id": "SYN-2026-00001", "lat": None, "metadata": True}])
    assert xml == (b'<?xml version="1.0" encoding="utf-8"?>\n<service_requests><request>'
                   b"<service_request_id>SYN-2026-00001</service_request_id><lat /><metadata>true</metadata>"
                   b"</request></service_requests>")
    assert w3_datetime("2026-04-01T09:30:15.123Z") == "2026-04-01T09:30:15Z"
    assert w3_datetime(None) is None
