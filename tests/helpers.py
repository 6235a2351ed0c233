"""Test helpers for talking to the app as a browser does."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient

from panel.app import open_database
from panel.db import Database
from panel.settings import load_settings

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


async def csrf_token(client: TestClient, page: str) -> str:
    response = await client.get(page)
    match = _CSRF.search(await response.text())
    assert match, f"no CSRF field on {page} (status {response.status})"
    return match.group(1)


async def post_form(
    client: TestClient, url: str, data: dict[str, Any] | list[tuple[str, Any]] | None = None, *,
    page: str | None = None, **kwargs: Any,
) -> ClientResponse:
    """POST `data` to `url` with the CSRF token read from `page` (default: `url` itself), as a browser would."""
    token = await csrf_token(client, page or url)
    fields = list(data.items()) if isinstance(data, dict) else list(data or [])
    return await client.post(url, data=[("csrf_token", token), *fields], **kwargs)


@asynccontextmanager
async def migrated_database(folder: Path, name: str = "test.db") -> AsyncIterator[Database]:
    """A database on a temporary file with every migration applied, without the web application."""
    db = await open_database(load_settings({"PANEL_DATABASE": str(folder / name)}))
    try:
        yield db
    finally:
        await db.close()
