"""tests/fake_twilio.py served for the dispatch benchmark: no latency, no faults and no status callbacks.

Callbacks are off so that the benchmark measures sending, and so that the bare loop and the dispatcher put
the same work on the fake (the bare loop has no webhook to call back).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

from tests.fake_twilio import FakeTwilio


async def _serve(port: int) -> None:
    fake = FakeTwilio(callbacks=False)
    await fake.start_at(port)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    try:
        await stop.wait()
    finally:
        await fake.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    try:
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    except ImportError:
        pass
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.port))


if __name__ == "__main__":
    main()
