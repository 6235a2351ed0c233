"""What the benchmarks share: the size of a run, the bare reference runs and reading forms from pages."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from bench import load
from bench.servers import bare_server

_CSRF = re.compile(r'name="csrf_token"\s+value="([^"]*)"')
_NONCE = re.compile(r'name="nonce"\s+value="([^"]*)"')


@dataclass(frozen=True)
class Size:
    """How much load: `total` timed requests (or flows) after `warmup` untimed ones, `concurrency` at once."""

    total: int
    concurrency: int
    warmup: int
    quick: bool


FULL = Size(total=3000, concurrency=16, warmup=200, quick=False)
QUICK = Size(total=300, concurrency=8, warmup=30, quick=True)


def hidden(pattern: re.Pattern[str], page: str) -> str:
    match = pattern.search(page)
    return html.unescape(match.group(1)) if match else ""


def csrf_of(page: str) -> str:
    return hidden(_CSRF, page)


def nonce_of(page: str) -> str:
    return hidden(_NONCE, page)


async def bare_writes(workdir: Path, size: Size, body: str, *, total: int | None = None) -> load.Result:
    """The bare stack's POST /write with a body of the same length, `total` (default size.total) times."""
    with bare_server(str(workdir / "bare.db")) as url:

        def request(i: int) -> load.Request:
            return "POST", "/write", {"data": {"body": body}}

        await load.run("bare warm-up", url, request, total=size.warmup, concurrency=size.concurrency)
        return await load.run("bare POST /write", url, request, total=total or size.total,
                              concurrency=size.concurrency)


async def bare_pairs(workdir: Path, size: Size, body: str, *, flows_per_session: int = 0,
                     total: int | None = None) -> load.Result:
    """The bare stack's GET /read then POST /write, as one flow: the reference for fetch-a-form-and-post-it."""

    async def flow(session: aiohttp.ClientSession, i: int) -> bool:
        async with session.get("/read") as response:
            await response.read()
            ok = response.status == 200
        async with session.post("/write", data={"body": body}) as response:
            await response.read()
            return ok and response.status == 200

    with bare_server(str(workdir / "bare.db")) as url:
        await load.run_flows("bare warm-up", url, flow, total=size.warmup, concurrency=size.concurrency,
                             flows_per_session=flows_per_session)
        return await load.run_flows("bare GET+POST", url, flow, total=total or size.total,
                                    concurrency=size.concurrency, flows_per_session=flows_per_session)


async def bare_reads(workdir: Path, size: Size, *, total: int, concurrency: int) -> load.Result:
    with bare_server(str(workdir / "bare.db")) as url:

        def request(i: int) -> load.Request:
            return "GET", "/read", {}

        await load.run("bare warm-up", url, request, total=size.warmup, concurrency=concurrency)
        return await load.run("bare GET /read", url, request, total=total, concurrency=concurrency)
