"""A small closed-loop load generator: `concurrency` workers send `total` requests and time each one."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

# One request: (method, path, keyword arguments for aiohttp's request).
Request = tuple[str, str, dict[str, Any]]


@dataclass(frozen=True)
class Result:
    name: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


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
    latencies.sort()
    return Result(
        name, total, seconds, statistics.median(latencies) * 1000,
        latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, errors,
    )
