"""A small closed-loop load generator: `concurrency` workers send `total` requests and time each one.

`run` times single requests. `run_flows` times flows of several requests that belong together (fetch a form,
post it), each flow counted as one unit; every worker gets its own client session (its own cookies) and may
start a fresh one every `flows_per_session` flows from another loopback source address, so that per-address
rate limits of the server under test see many residents instead of one.
"""

from __future__ import annotations

import asyncio
import itertools
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

# One request: (method, path, keyword arguments for aiohttp's request).
Request = tuple[str, str, dict[str, Any]]
# One flow: given a session and the flow's number, do the requests; return False when something failed.
Flow = Callable[[aiohttp.ClientSession, int], Awaitable[bool]]


@dataclass(frozen=True)
class Result:
    name: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    latencies: list[float] = field(default_factory=list, repr=False, compare=False)  # seconds, sorted

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def summarise(name: str, latencies: list[float], seconds: float, errors: int) -> Result:
    latencies = sorted(latencies)
    if not latencies:
        return Result(name, 0, seconds, 0.0, 0.0, errors)
    return Result(
        name, len(latencies), seconds, statistics.median(latencies) * 1000,
        latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, errors, latencies,
    )


def merge(name: str, parts: list[Result]) -> Result:
    """Several runs as one: their requests and seconds added, their latencies pooled."""
    latencies = [value for part in parts for value in part.latencies]
    return summarise(name, latencies, sum(part.seconds for part in parts), sum(part.errors for part in parts))


async def run(
    name: str, base_url: str, make_request: Callable[[int], Request], *, total: int, concurrency: int,
    expect: tuple[int, ...] = (200, 201, 204, 303),
) -> Result:
    latencies: list[float] = []
    errors = 0
    counter = iter(range(total))
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(base_url, connector=connector) as session:

        async def worker() -> None:
            nonlocal errors
            for i in counter:
                method, path, kwargs = make_request(i)
                started = time.perf_counter()
                async with session.request(method, path, allow_redirects=False, **kwargs) as response:
                    await response.read()
                    if response.status not in expect:
                        errors += 1
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    return summarise(name, latencies, seconds, errors)


_addresses = itertools.count()  # never reused within a process: a server's rate limit remembers addresses


def source_address(n: int) -> str:
    """The n-th loopback address after 127.0.0.1 (Linux answers on all of 127.0.0.0/8)."""
    n += 2
    return f"127.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


async def run_flows(
    name: str, base_url: str, flow: Flow, *, total: int, concurrency: int, flows_per_session: int = 0,
) -> Result:
    """Run `total` flows; `flows_per_session` > 0 starts a new session and source address that often."""
    latencies: list[float] = []
    errors = 0
    counter = iter(range(total))

    def new_session() -> aiohttp.ClientSession:
        local = (source_address(next(_addresses)), 0) if flows_per_session else None
        connector = aiohttp.TCPConnector(limit=1, local_addr=local)
        return aiohttp.ClientSession(base_url, connector=connector, cookie_jar=aiohttp.CookieJar(unsafe=True))

    async def worker() -> None:
        nonlocal errors
        session = new_session()
        done = 0
        try:
            for i in counter:
                if flows_per_session and done == flows_per_session:
                    await session.close()
                    session, done = new_session(), 0
                started = time.perf_counter()
                try:
                    ok = await flow(session, i)
                except aiohttp.ClientError:
                    ok = False
                latencies.append(time.perf_counter() - started)
                errors += 0 if ok else 1
                done += 1
        finally:
            await session.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return summarise(name, latencies, time.perf_counter() - started, errors)
