"""Benchmark 5: the outbox dispatcher sending queued SMS through the real twilio client to the fake Twilio.

The panel runs with PANEL_SMS_BACKEND=twilio pointed at bench/fake_twilio.py (tests/fake_twilio.py without
latency, faults or callbacks) and the rate cap far above what can be reached. M messages are queued in the
database before the server starts; the dispatcher sends them as soon as it runs. Its rate is read from the
rows afterwards: M / (last send recorded - first claim), so start-up time is not counted. The bare reference
(half run before the panel, half after) is the same twilio client (sms.backends.TwilioHttpClient) calling
`messages.create_async` in a loop, as many calls in flight as the dispatcher allows itself, against the
same fake server.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

from twilio.rest import Client

from bench import load, seed
from bench.common import Size
from bench.report import Figure
from bench.servers import fake_twilio_server, panel_server
from panel.clock import from_db
from sms.backends import TwilioHttpClient
from sms.dispatcher import DispatchConfig
from tests.fake_twilio import ACCOUNT_SID, AUTH_TOKEN

RATE_CAP = 100_000.0  # messages a second: out of reach, so the cap never paces the run
SENDER = "+46700000000"


async def _bare_loop(api_base: str, count: int, concurrency: int) -> load.Result:
    client = Client(ACCOUNT_SID, AUTH_TOKEN, http_client=TwilioHttpClient())
    client.edge = client.region = None
    client.api.base_url = api_base
    latencies: list[float] = []
    errors = 0
    numbers = iter(range(count))

    async def worker() -> None:
        nonlocal errors
        for number in numbers:
            started = time.perf_counter()
            try:
                async with asyncio.timeout(15):
                    await client.messages.create_async(
                        to=f"+4676{number:07d}", body=f"Hej! Kommunens medborgarpanel har en ny fråga: {number}",
                        from_=SENDER, status_callback=f"http://127.0.0.1:9/webhooks/twilio/status?m={number}",
                    )
            except Exception:  # counted, not fatal: the figure says how many failed
                errors += 1
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    try:
        await asyncio.gather(*(worker() for _ in range(concurrency)))
    finally:
        await client.http_client.close()
    return load.summarise("bare twilio loop", latencies, time.perf_counter() - started, errors)


def _progress(db: str) -> tuple[int, int]:
    """(messages with the provider's answer recorded, messages still queued or sending without one)."""
    with sqlite3.connect(db, timeout=5) as conn:
        done = conn.execute("SELECT COUNT(*) FROM sms_messages WHERE provider_sid IS NOT NULL").fetchone()[0]
        left = conn.execute("SELECT COUNT(*) FROM sms_messages WHERE provider_sid IS NULL").fetchone()[0]
    return int(done), int(left)


def _panel_result(db: str, count: int, seconds_limit: float) -> load.Result:
    """The dispatcher's rate from the rows: first claim to last recorded answer; latencies claim to answer."""
    with sqlite3.connect(db, timeout=5) as conn:
        rows = conn.execute(
            "SELECT attempt_started_at, updated_at FROM sms_messages WHERE provider_sid IS NOT NULL"
        ).fetchall()
    if not rows:
        return load.Result("dispatcher", 0, seconds_limit, 0.0, 0.0, count)
    claims = [from_db(row[0]) for row in rows]
    answers = [from_db(row[1]) for row in rows]
    seconds = (max(answers) - min(claims)).total_seconds()
    latencies = [(answer - claim).total_seconds() for claim, answer in zip(claims, answers, strict=True)]
    return load.summarise("dispatcher", latencies, seconds, count - len(rows))


async def dispatch(workdir: Path, size: Size) -> Figure:
    count = 300 if size.quick else 3000
    concurrency = DispatchConfig(rate_per_second=RATE_CAP, quiet=None).concurrency
    db = str(workdir / "panel.db")
    await seed.outbox(db, count)
    with fake_twilio_server(workdir / "fake.log") as api_base:
        await _bare_loop(api_base, min(200, count), concurrency)  # warm-up
        # Half the bare loop before the panel's run and half after, so a change in the machine's load
        # during the run falls on both sides.
        before = await _bare_loop(api_base, count // 2, concurrency)
        deadline = time.monotonic() + 120
        with panel_server(db, sms_backend="twilio", twilio_api_base=api_base, twilio_account_sid=ACCOUNT_SID,
                          twilio_auth_token=AUTH_TOKEN, twilio_from=SENDER, sms_rate_per_second=str(RATE_CAP)):
            while time.monotonic() < deadline:
                _done, left = await asyncio.to_thread(_progress, db)
                if not left:
                    break
                await asyncio.sleep(0.2)
        after = await _bare_loop(api_base, count - count // 2, concurrency)
    bare = load.merge("bare twilio loop", [before, after])
    measured = _panel_result(db, count, 120)
    return Figure.of("5 SMS dispatch via twilio client to fake Twilio", "msg/s", measured, bare,
                     note=f"{count:,} queued messages, {concurrency} in flight, rate cap {RATE_CAP:,.0f}/s;"
                          " p50/p99: claim to recorded answer (bare: one create call)")
