"""The bare stack every figure is compared with: aiohttp and one aiosqlite INSERT + COMMIT per request."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncIterator

import aiosqlite
from aiohttp import web

CONN = web.AppKey("conn", aiosqlite.Connection)


async def write(request: web.Request) -> web.Response:
    form = await request.post()
    conn = request.app[CONN]
    await conn.execute("INSERT INTO items (body) VALUES (?)", (str(form.get("body", "")),))
    await conn.commit()
    return web.Response(text="ok")


async def read(request: web.Request) -> web.Response:
    async with request.app[CONN].execute("SELECT COUNT(*) FROM items") as cursor:
        row = await cursor.fetchone()
    return web.Response(text=str(row[0] if row else 0))


def make_app(path: str) -> web.Application:
    app = web.Application()

    async def database(app: web.Application) -> AsyncIterator[None]:
        conn = await aiosqlite.connect(path)
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA synchronous = NORMAL")
        await conn.execute("CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, body TEXT)")
        app[CONN] = conn
        yield
        await conn.close()

    app.cleanup_ctx.append(database)
    app.router.add_post("/write", write)
    app.router.add_get("/read", read)
    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", required=True)
    args = parser.parse_args()
    try:
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    except ImportError:
        pass
    web.run_app(make_app(args.db), host="127.0.0.1", port=args.port, print=None, access_log=None)
