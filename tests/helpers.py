"""Test helpers for talking to the app as a browser does."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient

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
