"""A small sliding-window rate limit for public submissions (the form, Open311 posts). Pure: no I/O.

Kept in memory, which fits the design of one serving process per SQLite database; a restart forgets it,
which only ever errs on the side of letting residents through.
"""

from __future__ import annotations

from collections import OrderedDict, deque

from aiohttp import web


class RateLimiter:
    def __init__(self, limit: int, window_seconds: float, *, max_keys: int = 10_000) -> None:
        self.limit = limit
        self.window = window_seconds
        self.max_keys = max_keys
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()

    def allow(self, key: str, now: float) -> bool:
        """Count one attempt by `key` at `now` (seconds, monotonic); False when over the limit."""
        hits = self._hits.get(key)
        if hits is None:
            hits = self._hits[key] = deque()
            if len(self._hits) > self.max_keys:  # bounded memory: forget the least recently seen
                self._hits.popitem(last=False)
        else:
            self._hits.move_to_end(key)
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return False
        hits.append(now)
        return True


# Generous for people (a family at one address, a library computer), tight for scripts.
FORM_LIMIT = web.AppKey("feedback_form_limit", RateLimiter)
OPEN311_LIMIT = web.AppKey("feedback_open311_limit", RateLimiter)


def install(app: web.Application) -> None:
    app[FORM_LIMIT] = RateLimiter(limit=10, window_seconds=600)
    app[OPEN311_LIMIT] = RateLimiter(limit=300, window_seconds=600)
