"""Servers under test, each in its own process so the load generator does not share its event loop.

A server's stderr goes to a log file next to its database (a pipe nobody reads would block a chatty server);
when it fails to start, the end of that log is in the error.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Fixed so that a benchmark can rebuild what the server signs; at least 32 characters as the settings ask.
SECRET_KEY = "bench-secret-key-0123456789abcdefghijklmnop"  # noqa: S105 - not a secret


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _wait_for(port: int, process: subprocess.Popen[bytes], log: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{_tail(log)}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.05)
    raise RuntimeError(f"server on port {port} did not start in {timeout} s:\n{_tail(log)}")


def _clean_environment() -> dict[str, str]:
    """The caller's environment without PANEL_* settings: the figures must not depend on who ran them."""
    return {name: value for name, value in os.environ.items() if not name.startswith("PANEL_")}


@contextlib.contextmanager
def serve(args: list[str], port: int, log: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    with open(log, "ab") as err:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, *args], env={**_clean_environment(), **(env or {})}, cwd=ROOT,
            stdout=subprocess.DEVNULL, stderr=err,
        )
    try:
        _wait_for(port, process, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def bare_server(db_path: str) -> Iterator[str]:
    port = free_port()
    with serve(["-m", "bench.bare", "--port", str(port), "--db", db_path], port, Path(db_path + ".log")) as url:
        yield url


def panel_env(db_path: str, port: int, **settings: str) -> dict[str, str]:
    env = {"PANEL_DATABASE": db_path, "PANEL_PORT": str(port), "PANEL_HOST": "127.0.0.1",
           "PANEL_LOG_LEVEL": "warning", "PANEL_SMS_QUIET_HOURS": "off", "PANEL_SECRET_KEY": SECRET_KEY,
           "PANEL_SMTP_LISTEN": "off", **{f"PANEL_{k.upper()}": v for k, v in settings.items()}}
    return env


@contextlib.contextmanager
def panel_server(db_path: str, *, port: int | None = None, **settings: str) -> Iterator[str]:
    port = port or free_port()
    env = panel_env(db_path, port, **settings)
    args = ["-m", "panel", "serve"]
    profiles = os.environ.get("BENCH_PROFILE")  # a folder: each panel server writes a cProfile file there
    if profiles:
        args = ["-m", "cProfile", "-o", str(Path(profiles) / f"panel-{port}.prof"), *args]
    if os.environ.get("BENCH_SQL_TRACE"):  # a folder: each panel server writes its SQL statement counts there
        args = ["-m", "bench.traced_panel", "serve"]
    with serve(args, port, Path(db_path + ".log"), env) as url:
        yield url


@contextlib.contextmanager
def fake_twilio_server(log: Path) -> Iterator[str]:
    """tests/fake_twilio.py in its own process, without status callbacks (see bench/fake_twilio.py)."""
    port = free_port()
    with serve(["-m", "bench.fake_twilio", "--port", str(port)], port, log) as url:
        yield url
