"""The limits on feedback's public submissions: the web form and Open311 posts."""

from __future__ import annotations

from aiohttp import web

from panel.ratelimit import RateLimiter

# Generous for people (a family at one address, a library computer), tight for scripts.
FORM_LIMIT = web.AppKey("feedback_form_limit", RateLimiter)
OPEN311_LIMIT = web.AppKey("feedback_open311_limit", RateLimiter)


def install(app: web.Application) -> None:
    app[FORM_LIMIT] = RateLimiter(limit=10, window_seconds=600)
    app[OPEN311_LIMIT] = RateLimiter(limit=300, window_seconds=600)
