"""Servers under test, each in its own process so the load generator does not share its event loop."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(port: int, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.1)
    raise RuntimeError(f"server on port {port} did not start in {timeout} s")


@contextlib.contextmanager
def serve(args: list[str], port: int, env: dict[str, str] | None = None) -> Iterator[str]:
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, *args], env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        _wait_for(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@contextlib.contextmanager
def bare_server(db_path: str) -> Iterator[str]:
    port = free_port()
    with serve(["-m", "bench.bare", "--port", str(port), "--db", db_path], port) as url:
        yield url


@contextlib.contextmanager
def panel_server(db_path: str, **settings: str) -> Iterator[str]:
    port = free_port()
    env = {"PANEL_DATABASE": db_path, "PANEL_PORT": str(port), "PANEL_LOG_LEVEL": "warning",
           "PANEL_SMS_QUIET_HOURS": "off", **{f"PANEL_{k.upper()}": v for k, v in settings.items()}}
    with serve(["-m", "panel", "serve"], port, env) as url:
        yield url
