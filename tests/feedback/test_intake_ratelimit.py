"""The rate limit of public submissions: a sliding window per address or key, with bounded memory."""

from __future__ import annotations

from aiohttp import web
from aiohttp.test_utils import TestClient

from feedback.ratelimit import FORM_LIMIT
from panel.keys import DB
from panel.ratelimit import RateLimiter
from tests.feedback.test_intake_web import complaint, form_fields


def test_the_window_slides() -> None:
    limiter = RateLimiter(limit=2, window_seconds=10)
    assert limiter.allow("a", 0) and limiter.allow("a", 1)
    assert not limiter.allow("a", 2)
    assert limiter.allow("b", 2)  # others are not affected
    assert limiter.allow("a", 10.5)  # the first hit has left the window


def test_memory_is_bounded() -> None:
    limiter = RateLimiter(limit=1, window_seconds=60, max_keys=2)
    for key in ("a", "b", "c"):
        assert limiter.allow(key, 0)
    assert limiter.allow("a", 1)  # "a" was forgotten to make room, so it may try again


async def test_too_many_submissions_get_429(client: TestClient, app: web.Application) -> None:
    app[FORM_LIMIT].limit = 1  # the running app's own limiter, made strict
    first = await client.post("/feedback", data={**await form_fields(client), **complaint()}, allow_redirects=False)
    assert first.status == 303
    second = await client.post("/feedback", data={**await form_fields(client), **complaint()})
    assert second.status == 429 and "Vänta" in await second.text()
    assert await app[DB].fetch_value("SELECT count(*) FROM cases") == 1
