"""What the benchmarks share: the size of a run, the bare stack's side of each comparison, reading forms.

The machine is shared and its load changes by the minute, so a comparison does not run all of the panel's
requests and then all of the bare stack's: both servers are up together and the work alternates between
them in `ROUNDS` slices, each side's slices added up. A burst of load elsewhere then hits both sides.
"""

from __future__ import annotations

import dataclasses
import html
import re
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp

from bench import load
from bench.report import Figure

_CSRF = re.compile(r'name="csrf_token"\s+value="([^"]*)"')
_NONCE = re.compile(r'name="nonce"\s+value="([^"]*)"')
ROUNDS = 3

# One slice of work against one server: (base URL, first request number, how many) -> its result.
Step = Callable[[str, int, int], Awaitable[load.Result]]


@dataclass(frozen=True)
class Size:
    """How much load: `total` timed requests (or flows) after `warmup` untimed ones, `concurrency` at once."""

    total: int
    concurrency: int
    warmup: int
    quick: bool


FULL = Size(total=3000, concurrency=16, warmup=200, quick=False)
QUICK = Size(total=300, concurrency=8, warmup=30, quick=True)


def count(db: str, sql: str) -> int:
    """One number from the database file, read after the server has stopped."""
    with sqlite3.connect(db, timeout=5) as conn:
        return int(conn.execute(sql).fetchone()[0])


def checked(figure: Figure, *, expected: int, found: int, what: str) -> Figure:
    """The figure, with `what` counted in the database; rows missing count as errors."""
    note = f"{figure.note}; {found:,} {what} stored" if figure.note else f"{found:,} {what} stored"
    missing = max(0, expected - found)
    if missing:
        note += f" (expected {expected:,})"
    return dataclasses.replace(figure, note=note, errors=figure.errors + missing)


def hidden(pattern: re.Pattern[str], page: str) -> str:
    match = pattern.search(page)
    return html.unescape(match.group(1)) if match else ""


def csrf_of(page: str) -> str:
    return hidden(_CSRF, page)


def nonce_of(page: str) -> str:
    return hidden(_NONCE, page)


async def compare(panel_url: str, panel: Step, bare_url: str, bare: Step, *, total: int, warmup: int,
                  bare_scale: int = 1) -> tuple[load.Result, load.Result]:
    """Warm both servers up, then alternate slices of `total`; request numbers [total, total + warmup) warm up.

    `bare_scale` sends the bare stack that many times more requests, for pages far slower than it.
    """
    await panel(panel_url, total, warmup)
    await bare(bare_url, total * bare_scale, warmup * bare_scale)
    panel_parts, bare_parts = [], []
    for number in range(ROUNDS):
        first, last = total * number // ROUNDS, total * (number + 1) // ROUNDS
        panel_parts.append(await panel(panel_url, first, last - first))
        bare_parts.append(await bare(bare_url, first * bare_scale, (last - first) * bare_scale))
    return load.merge("panel", panel_parts), load.merge("bare", bare_parts)


def requests_step(make_request: Callable[[int], load.Request], concurrency: int) -> Step:
    async def step(url: str, first: int, count: int) -> load.Result:
        return await load.run("step", url, lambda i: make_request(first + i), total=count, concurrency=concurrency)

    return step


def flows_step(flow: load.Flow, concurrency: int, *, flows_per_session: int = 0) -> Step:
    async def step(url: str, first: int, count: int) -> load.Result:
        async def numbered(session: aiohttp.ClientSession, i: int) -> bool:
            return await flow(session, first + i)

        return await load.run_flows("step", url, numbered, total=count, concurrency=concurrency,
                                    flows_per_session=flows_per_session)

    return step


# -- the bare stack's side (bench/bare.py) ---------------------------------------------------------------


def bare_write(body: str, concurrency: int) -> Step:
    """POST /write with a body of the given length: one INSERT and COMMIT."""
    return requests_step(lambda i: ("POST", "/write", {"data": {"body": body}}), concurrency)


def bare_read(concurrency: int) -> Step:
    return requests_step(lambda i: ("GET", "/read", {}), concurrency)


def bare_pair(body: str, concurrency: int, *, flows_per_session: int = 0) -> Step:
    """GET /read then POST /write as one flow: the reference for fetching a form and posting it."""

    async def flow(session: aiohttp.ClientSession, i: int) -> bool:
        async with session.get("/read") as response:
            await response.read()
            ok = response.status == 200
        async with session.post("/write", data={"body": body}) as response:
            await response.read()
            return ok and response.status == 200

    return flows_step(flow, concurrency, flows_per_session=flows_per_session)
