"""API keys for Open311: the admins' page, revoking, and `panel open311-key create NAME`."""

from __future__ import annotations

import argparse
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from feedback import cli, store
from panel.auth import User
from panel.keys import DB
from panel.settings import load_settings
from tests.helpers import migrated_database, post_form

Login = Callable[[TestClient, str], Awaitable[User]]


async def nonce(client: TestClient) -> str:
    match = re.search(r'name="nonce" value="([^"]+)"', await (await client.get("/staff/open311-keys")).text())
    assert match
    return match.group(1)


@pytest.mark.parametrize("role", ["handler", "analyst", "viewer"])
async def test_only_admins_manage_keys(client: TestClient, login: Login, role: str) -> None:
    await login(client, role)
    assert (await client.get("/staff/open311-keys")).status == 403


async def test_a_key_is_shown_once_and_stored_hashed(client: TestClient, app: web.Application, login: Login) -> None:
    await login(client, "admin")
    data = {"name": "Felanmälningsappen", "nonce": await nonce(client)}
    page = await (await post_form(client, "/staff/open311-keys", data)).text()
    shown = re.search(r'<code id="new-key">([^<]+)</code>', page)
    assert shown
    key = shown.group(1)
    assert await store.open311_key_id(app[DB], key) is not None
    assert await app[DB].fetch_value("SELECT count(*) FROM open311_keys WHERE key_hash = ?", (key,)) == 0
    again = await (await post_form(client, "/staff/open311-keys", data)).text()  # the browser re-posts
    assert 'id="new-key"' not in again
    assert await app[DB].fetch_value("SELECT count(*) FROM open311_keys") == 1
    listing = await (await client.get("/staff/open311-keys")).text()
    assert "<caption>" in listing and "Felanmälningsappen" in listing and key not in listing


async def test_a_revoked_key_stops_working(client: TestClient, app: web.Application, login: Login) -> None:
    await login(client, "admin")
    page = await (await post_form(client, "/staff/open311-keys", {"name": "App", "nonce": await nonce(client)})).text()
    key = re.search(r'<code id="new-key">([^<]+)</code>', page)
    assert key
    key_id = await store.open311_key_id(app[DB], key.group(1))
    response = await post_form(client, f"/staff/open311-keys/{key_id}/revoke", {}, page="/staff/open311-keys",
                               allow_redirects=False)
    assert response.status == 303
    assert await store.open311_key_id(app[DB], key.group(1)) is None
    assert await app[DB].fetch_value("SELECT count(*) FROM audit_log WHERE object_type = 'open311_key'") == 2


async def test_a_nameless_key_is_refused(client: TestClient, app: web.Application, login: Login) -> None:
    await login(client, "admin")
    response = await post_form(client, "/staff/open311-keys", {"name": " ", "nonce": await nonce(client)})
    assert response.status == 422 and 'href="#name"' in await response.text()
    assert await app[DB].fetch_value("SELECT count(*) FROM open311_keys") == 0


async def test_the_cli_prints_a_working_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    async with migrated_database(tmp_path) as db:
        code = await cli.create_key(argparse.Namespace(name="Partner AB"), db, load_settings({}))
        key = capsys.readouterr().out.strip()
        assert code == 0 and key.startswith("o311_") and len(key) > 40
        assert await store.open311_key_id(db, key) is not None


def test_the_cli_registers_its_command() -> None:
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["open311-key", "create", "Partner AB"])
    assert args.name == "Partner AB" and args.handler is cli.create_key
