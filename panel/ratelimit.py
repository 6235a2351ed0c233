"""A small sliding-window rate limit for public submissions (forms, sign-ups, Open311 posts). Pure: no I/O.

Kept in memory, which fits the design of one serving process per SQLite database; a restart forgets it,
which only ever errs on the side of letting residents through.
"""

from __future__ import annotations

from collections import OrderedDict, deque


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
