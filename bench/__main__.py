"""`python -m bench [--quick] [NAME ...]`: run the benchmarks, each against the bare stack in the same run.

Every benchmark starts its servers in their own processes on 127.0.0.1 with a fresh database in a
temporary folder, sends a bounded number of requests and stops them again; a benchmark that runs past its
time limit is abandoned and reported. The table at the end is the one BENCHMARKS.md carries.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from bench.common import FULL, QUICK, Size
from bench.report import Figure, line, markdown

Benchmark = Callable[[Path, Size], Awaitable[Figure | list[Figure]]]
TIME_LIMIT = 240.0  # seconds per benchmark


# name -> module and function; imported when run, so one benchmark's missing code does not stop the rest.
BENCHMARKS = {
    "open311": ("bench.intake", "open311"),
    "form": ("bench.intake", "web_form"),
    "sms": ("bench.intake", "sms_webhook"),
    "answers": ("bench.surveys", "answers"),
    "results": ("bench.surveys", "results"),
    "dispatch": ("bench.dispatch", "dispatch"),
}


def _benchmark(name: str) -> Benchmark:
    module, function = BENCHMARKS[name]
    benchmark: Benchmark = getattr(importlib.import_module(module), function)
    return benchmark


async def _run(names: list[str], size: Size, keep: bool) -> list[Figure]:
    figures: list[Figure] = []
    for name in names:
        folder = tempfile.mkdtemp(prefix=f"bench-{name}-")
        started = time.monotonic()
        print(f"-- {name} ({folder})", flush=True)
        try:
            async with asyncio.timeout(TIME_LIMIT):
                got = await _benchmark(name)(Path(folder), size)
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            print(f"{name}: FAILED: {type(exc).__name__}: {exc}", flush=True)
            continue
        finally:
            if not keep:
                shutil.rmtree(folder, ignore_errors=True)
        for figure in got if isinstance(got, list) else [got]:
            print(line(figure), flush=True)
            figures.append(figure)
        print(f"   ({time.monotonic() - started:.0f} s)", flush=True)
    return figures


def main(argv: list[str] | None = None) -> int:
    names = list(BENCHMARKS)
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"benchmarks to run (default all): {', '.join(names)}")
    parser.add_argument("--quick", action="store_true", help="a short smoke run with a tenth of the load")
    parser.add_argument("--keep", action="store_true", help="keep the temporary databases and server logs")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in names]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(names)}")
    try:
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    except ImportError:
        pass
    size = QUICK if args.quick else FULL
    started = datetime.now(UTC)
    figures = asyncio.run(_run(args.names or names, size, args.keep))
    print()
    print(f"{started:%Y-%m-%d %H:%M} UTC, {platform.node()}, {os.cpu_count()} CPUs, Python {platform.python_version()},"
          f" {'quick' if size.quick else 'full'} run: python -m bench {' '.join(argv or sys.argv[1:])}".rstrip())
    print(markdown(figures))
    return 0 if len(figures) >= len(args.names or names) and not any(f.errors for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
