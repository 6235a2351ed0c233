"""Test helpers for talking to the app as a browser does."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient
from babel.messages.extract import extract
from babel.messages.pofile import read_po

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


def translated_texts(locale_folder: Path) -> set[str]:
    """The Swedish texts that the folder's English catalogues (`en*.po`) translate."""
    found: set[str] = set()
    for po in sorted(locale_folder.glob("en*.po")):
        with po.open("rb") as fh:
            found |= {message.id if isinstance(message.id, str) else message.id[0]
                      for message in read_po(fh, locale="en") if message.id and message.string}
    return found


def texts_in(sources: list[Path]) -> set[str]:
    """The Swedish texts that Python modules and Jinja templates pass to `_` or `ngettext`."""
    found: set[str] = set()
    for path in sources:
        method = "python" if path.suffix == ".py" else "jinja2"
        with path.open("rb") as fh:
            for _line, message, _comments, _context in extract(method, fh, keywords={"_": None, "ngettext": (1, 2)}):
                found.add(message if isinstance(message, str) else message[0])
    return found
