"""Benchmarks 1 and 2: feedback intake (Open311 and the public web form) and the signed inbound SMS webhook."""

from __future__ import annotations

import itertools
from pathlib import Path

import aiohttp
from twilio.request_validator import RequestValidator

from bench import load, seed
from bench.common import (
    Size,
    bare_pair,
    bare_write,
    checked,
    compare,
    count,
    csrf_of,
    flows_step,
    nonce_of,
    requests_step,
)
from bench.report import Figure
from bench.servers import bare_server, free_port, panel_server

BODY = ("Gatlampan utanför nummer 12 har varit släckt i två veckor. Det är mörkt på vägen till skolan "
        "och barnen går där varje morgon.")
OPEN311_PER_KEY = 250  # under the 300 per key and 10 minutes that feedback/ratelimit.py allows
FORM_PER_ADDRESS = 8  # under the 10 per address and 10 minutes of the form's limit
AUTH_TOKEN = "bench-twilio-auth-token-0123456789"  # noqa: S105 - a benchmark's own fake credential


async def open311(workdir: Path, size: Size) -> Figure:
    """POST /open311/v2/requests.json with an API key: a case, its reference and an e-mail receipt each."""
    db = str(workdir / "panel.db")
    total = size.total
    keys = await seed.open311_keys(db, (size.warmup + total) // OPEN311_PER_KEY + 1)

    def request(i: int) -> load.Request:
        data = {"api_key": keys[i // OPEN311_PER_KEY], "service_code": "gata", "description": BODY,
                "lat": "57.93", "long": "12.07", "address_string": "Storgatan 12, Exempelby",
                "email": f"boende{i}@example.se", "first_name": "Eva", "last_name": "Berg"}
        return "POST", "/open311/v2/requests.json", {"data": data}

    with panel_server(db) as url, bare_server(str(workdir / "bare.db")) as bare_url:
        measured, bare = await compare(url, requests_step(request, size.concurrency),
                                       bare_url, bare_write(BODY, size.concurrency), total=total, warmup=size.warmup)
    figure = Figure.of("1a Open311 POST requests.json", "req/s", measured, bare,
                       note=f"{len(keys)} API keys, {OPEN311_PER_KEY} requests each (the per-key limit is 300)")
    return checked(figure, expected=total + size.warmup, what="Open311 cases",
                   found=count(db, "SELECT COUNT(*) FROM cases WHERE channel = 'open311'"))


async def web_form(workdir: Path, size: Size) -> Figure:
    """GET /feedback then POST it (CSRF cookie and token, the form's nonce), against bare GET+POST pairs.

    The form allows 10 posts per client address in 10 minutes and has no setting to lift that, so each
    worker starts a new session from another 127.x.y.z address every FORM_PER_ADDRESS forms (the bare
    reference does the same, so both pay the same new connections).
    """
    db = str(workdir / "panel.db")
    await seed.open311_keys(db, 0)  # migrates the file; the categories come with the migrations
    total = max(size.total // 2, 100)

    async def flow(session: aiohttp.ClientSession, i: int) -> bool:
        async with session.get("/feedback") as response:
            page = await response.text()
            if response.status != 200:
                return False
        data = {"csrf_token": csrf_of(page), "nonce": nonce_of(page), "kind": "fault_report",
                "category": "gata", "body": BODY, "location": "Storgatan 12, Exempelby", "latitude": "",
                "longitude": "", "name": "Eva Berg", "email": f"boende{i}@example.se", "phone": ""}
        async with session.post("/feedback", data=data, allow_redirects=False) as response:
            await response.read()
            return response.status == 303

    with panel_server(db) as url, bare_server(str(workdir / "bare.db")) as bare_url:
        measured, bare = await compare(
            url, flows_step(flow, size.concurrency, flows_per_session=FORM_PER_ADDRESS),
            bare_url, bare_pair(BODY, size.concurrency, flows_per_session=FORM_PER_ADDRESS),
            total=total, warmup=size.warmup,
        )
    figure = Figure.of("1b Web form GET+POST /feedback", "pairs/s", measured, bare,
                       note=f"new session and source address every {FORM_PER_ADDRESS} forms (per-address limit)")
    return checked(figure, expected=total + size.warmup, what="web cases",
                   found=count(db, "SELECT COUNT(*) FROM cases WHERE channel = 'web'"))


async def sms_webhook(workdir: Path, size: Size) -> Figure:
    """Signed POST /webhooks/twilio/sms, a new MessageSid each: every message creates or joins a case.

    Senders come from a pool a third the size of the run, so most numbers write two or three times and
    their later messages join the case their first one opened (PANEL_SMS_THREAD_DAYS).
    """
    db = str(workdir / "panel.db")
    await seed.open311_keys(db, 0)
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    validator = RequestValidator(AUTH_TOKEN)
    url_path = "/webhooks/twilio/sms"
    messages = size.warmup + size.total
    senders = max(10, size.total // 3)
    sids = itertools.count(1)
    prepared: list[load.Request] = []
    for i in range(messages):  # signing is the provider's work, done before the clock starts
        sid = f"SM{next(sids):032x}"
        fields = {"MessageSid": sid, "SmsSid": sid, "AccountSid": "AC" + "b" * 32, "From": f"+4673{i % senders:07d}",
                  "To": "+46700000000", "Body": f"{BODY} ({i})", "NumMedia": "0", "NumSegments": "2",
                  "SmsStatus": "received", "ApiVersion": "2010-04-01"}
        signature = validator.compute_signature(public + url_path, fields)
        prepared.append(("POST", url_path, {"data": fields, "headers": {"X-Twilio-Signature": signature}}))

    with panel_server(db, port=port, twilio_auth_token=AUTH_TOKEN, public_url=public,
                      sms_rate_per_second="1000") as url, bare_server(str(workdir / "bare.db")) as bare_url:
        measured, bare = await compare(url, requests_step(prepared.__getitem__, size.concurrency),
                                       bare_url, bare_write(BODY, size.concurrency), total=size.total,
                                       warmup=size.warmup)
    cases = count(db, "SELECT COUNT(*) FROM cases WHERE channel = 'sms'")
    figure = Figure.of("2 Inbound SMS webhook (signed)", "req/s", measured, bare,
                       note=f"{senders} senders, {cases:,} cases opened, the other messages joined one")
    return checked(figure, expected=messages, what="inbound SMS",
                   found=count(db, "SELECT COUNT(*) FROM sms_inbound"))
