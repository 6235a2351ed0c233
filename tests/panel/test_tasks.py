import asyncio
import contextlib

from aiohttp import web

from panel.tasks import periodic


async def test_a_failing_round_does_not_stop_the_job_and_shutdown_cancels_it() -> None:
    app = web.Application()
    rounds: list[int] = []
    enough = asyncio.Event()

    async def job(_app: web.Application) -> None:
        rounds.append(len(rounds))
        if len(rounds) == 1:
            raise RuntimeError("a bad row")
        if len(rounds) == 3:
            enough.set()

    context = periodic("test-job", job, every=0.001)(app)
    await anext(context)
    await asyncio.wait_for(enough.wait(), timeout=5)
    with contextlib.suppress(StopAsyncIteration):
        await anext(context)
    count = len(rounds)
    await asyncio.sleep(0.01)
    assert count >= 3 and len(rounds) == count  # it went on after the failure, and stopped at shutdown


async def test_a_busy_round_comes_back_sooner() -> None:
    app = web.Application()
    calls = 0
    done = asyncio.Event()

    async def job(_app: web.Application) -> int:
        nonlocal calls
        calls += 1
        if calls == 3:
            done.set()
        return 1  # there was work: look again soon

    context = periodic("busy", job, every=3600, busy_every=0.001)(app)
    await anext(context)
    await asyncio.wait_for(done.wait(), timeout=5)
    with contextlib.suppress(StopAsyncIteration):
        await anext(context)
    assert calls >= 3
