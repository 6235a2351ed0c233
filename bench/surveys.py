"""Benchmarks 3 and 4: members answering a survey, and the results of a 100,000-invitation survey."""

from __future__ import annotations

import random
from pathlib import Path

import aiohttp

from bench import load, seed
from bench.common import Size, bare_pair, bare_read, checked, compare, count, csrf_of, flows_step, requests_step
from bench.report import Figure
from bench.servers import bare_server, panel_server

ANSWER_QUESTIONS = 5  # a short survey on one page, as most panel surveys are
RESULTS_INVITATIONS = 100_000
RESULTS_QUESTIONS = 10
RESULTS_ANSWERED = 0.6  # a panel's usual response rate: 60,000 respondents, about 590,000 answer rows


def _answer(kind: str, values: tuple[str, ...], rng: random.Random) -> list[str]:
    if kind == "free_text":
        return ["Bättre belysning vid busshållplatsen, tack."]
    if kind == "multiple_choice":
        return rng.sample(values, 2)
    return [rng.choice(values)]


async def answers(workdir: Path, size: Size) -> Figure:
    """GET /s/{token} then POST its one page of answers (CSRF token from the page), each token once."""
    db = str(workdir / "panel.db")
    total = max(size.total // 2, 100)
    survey = await seed.survey(db, invitations=size.warmup + total, questions=ANSWER_QUESTIONS)
    kinds = [seed.QUESTIONS[i % len(seed.QUESTIONS)] for i in range(ANSWER_QUESTIONS)]
    rng = random.Random(2)
    forms = [
        [(f"q{qid}", value) for qid, (kind, _o, values) in zip(survey.question_ids, kinds, strict=True)
         for value in _answer(kind, values, rng)]
        for _ in survey.tokens
    ]

    async def flow(session: aiohttp.ClientSession, i: int) -> bool:
        token = survey.tokens[i]
        async with session.get(f"/s/{token}") as response:
            page = await response.text()
            if response.status != 200:
                return False
        data = [("csrf_token", csrf_of(page)), ("page", "1"), *forms[i]]
        async with session.post(f"/s/{token}", data=data, allow_redirects=False) as response:
            await response.read()
            return response.status == 303 and response.headers.get("Location", "").endswith("/tack")

    with panel_server(db) as url, bare_server(str(workdir / "bare.db")) as bare_url:
        measured, bare = await compare(url, flows_step(flow, size.concurrency),
                                       bare_url, bare_pair("x" * 60, size.concurrency), total=total,
                                       warmup=size.warmup)
    figure = Figure.of(f"3 Survey answer GET+POST /s/{{token}} ({ANSWER_QUESTIONS} questions)", "pairs/s",
                       measured, bare, note=f"{len(survey.tokens):,} invitations, each token answered once")
    return checked(figure, expected=len(survey.tokens), what="completed invitations",
                   found=count(db, "SELECT COUNT(*) FROM invitations WHERE completed_at IS NOT NULL"))


async def _log_in(session: aiohttp.ClientSession) -> None:
    async with session.get("/login") as response:
        page = await response.text()
    data = {"csrf_token": csrf_of(page), "next": "/staff", "username": seed.ANALYST[0], "password": seed.ANALYST[1]}
    async with session.post("/login", data=data, allow_redirects=False) as response:
        await response.read()
        if response.status != 303:
            raise RuntimeError(f"log-in as the analyst failed with {response.status}")


async def results(workdir: Path, size: Size) -> list[Figure]:
    """GET of the staff results page, the open-data JSON and the public page of a 100,000-invitation survey."""
    db = str(workdir / "panel.db")
    invitations = RESULTS_INVITATIONS // 20 if size.quick else RESULTS_INVITATIONS
    # About two seconds a request at 100,000 invitations on these machines: few requests, one at a time, so the
    # latency is the page's own and not a queue behind other analysts.
    total, concurrency = (3, 1) if size.quick else (9, 1)
    survey = await seed.survey(db, invitations=invitations, questions=RESULTS_QUESTIONS,
                               answered_share=RESULTS_ANSWERED, publish=True)
    await seed.analyst(db)
    pages = {
        "staff results page": f"/staff/surveys/{survey.id}/results",
        "open-data JSON": f"/results/{survey.id}.json",
        "public results page": f"/results/{survey.id}",
    }
    measured: dict[str, tuple[load.Result, load.Result]] = {}
    with panel_server(db) as url, bare_server(str(workdir / "bare.db")) as bare_url:
        headers = {"Cookie": await _analyst_cookie(url)}
        for name, path in pages.items():

            def get(i: int, path: str = path) -> load.Request:
                return "GET", path, {"headers": headers}

            page = requests_step(get, concurrency)
            measured[name] = await compare(url, page, bare_url, bare_read(concurrency), total=total, warmup=1,
                                           bare_scale=100)
    note = f"{invitations:,} invitations, {RESULTS_QUESTIONS} questions, {RESULTS_ANSWERED:.0%} answered"
    return [Figure.of(f"4 Results: {name}", "req/s", panel, bare, note=note)
            for name, (panel, bare) in measured.items()]


async def _analyst_cookie(url: str) -> str:
    """The Cookie header of an analyst's session (the log-in itself is not timed)."""
    async with aiohttp.ClientSession(url, cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        await _log_in(session)
        return "; ".join(f"{c.key}={c.value}" for c in session.cookie_jar)
