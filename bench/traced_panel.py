"""`python -m bench.traced_panel serve`: the panel with every SQL statement counted, for finding hot spots.

Used when BENCH_SQL_TRACE names a folder (see bench/servers.py): at exit the server writes there how often
each statement ran and how long the database thread took over it, most expensive first. The counting
wraps aiosqlite's `Connection.execute`/`executemany`, so the figures of a traced run are not the real ones.
"""

from __future__ import annotations

import atexit
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import aiosqlite

_counts: Counter[str] = Counter()
_seconds: defaultdict[str, float] = defaultdict(float)
_requests: list[int] = [0]


def _wrap(name: str) -> None:
    original = getattr(aiosqlite.Connection, name)

    def traced(self: aiosqlite.Connection, sql: str, *args: Any, **kwargs: Any) -> Any:
        key = " ".join(sql.split())[:160]
        _counts[key] += 1
        started = time.perf_counter()
        context = original(self, sql, *args, **kwargs)
        return _Timed(context, key, started)

    setattr(aiosqlite.Connection, name, traced)


class _Timed:
    """Awaitable and async context manager like aiosqlite's result, adding the time until it is ready."""

    def __init__(self, inner: Any, key: str, started: float) -> None:
        self._inner, self._key, self._started = inner, key, started

    def __await__(self) -> Any:
        result = yield from self._inner.__await__()
        _seconds[self._key] += time.perf_counter() - self._started
        return result

    async def __aenter__(self) -> Any:
        result = await self._inner.__aenter__()
        _seconds[self._key] += time.perf_counter() - self._started
        return result

    async def __aexit__(self, *exc: Any) -> Any:
        return await self._inner.__aexit__(*exc)


def _report() -> None:
    folder = os.environ.get("BENCH_SQL_TRACE", "")
    if not folder:
        return
    lines = [f"{_counts[key]:8d} {_seconds[key]:9.3f} s  {key}" for key in sorted(_counts, key=lambda k: -_seconds[k])]
    path = Path(folder) / f"sql-{os.getpid()}.txt"
    path.write_text(f"{sum(_counts.values())} statements\n" + "\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    for name in ("execute", "executemany"):
        _wrap(name)
    atexit.register(_report)
    from panel.__main__ import main as panel_main

    return panel_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
