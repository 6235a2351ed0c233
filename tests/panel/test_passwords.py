"""Changing a staff password: by an admin on the accounts page and with `panel set-password`."""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

import aiohttp
from aiohttp.test_utils import TestClient

from panel.keys import DB
from panel.settings import Settings
from tests.conftest import PASSWORD
from tests.helpers import _CSRF, post_form

NEW = "ett helt nytt losenord"


async def _log_in(client: TestClient, username: str, password: str) -> int:
    """The status of a log-in from another browser (its own cookies), against the same server."""
    async with aiohttp.ClientSession(str(client.make_url("")), cookie_jar=aiohttp.CookieJar(unsafe=True)) as other:
        async with other.get("/login") as page:
            token = _CSRF.search(await page.text())
        assert token is not None
        data = {"csrf_token": token.group(1), "username": username, "password": password}
        async with other.post("/login", data=data, allow_redirects=False) as response:
            return response.status


async def test_an_admin_sets_a_new_password_and_the_account_is_logged_out(client, login, make_user, app) -> None:
    handler = await make_user("handler")
    assert await _log_in(client, handler.username, PASSWORD) == 303
    sessions = "SELECT COUNT(*) FROM sessions WHERE user_id = ?"
    assert await app[DB].fetch_value(sessions, (handler.id,)) == 1
    admin = await login(client, "admin")
    response = await post_form(client, "/staff/users/password", {"user": str(handler.id), "password": NEW},
                               page="/staff/users")
    assert response.status == 200 and "Lösenordet är bytt" in await response.text()
    assert await app[DB].fetch_value(sessions, (handler.id,)) == 0
    assert await _log_in(client, handler.username, PASSWORD) == 401
    assert await _log_in(client, handler.username, NEW) == 303
    row = await app[DB].fetch_one("SELECT user_id, action, object_id FROM audit_log WHERE action = 'set_password'")
    assert row is not None and tuple(row) == (admin.id, "set_password", str(handler.id))


async def test_a_short_password_or_no_account_gets_a_clear_422(client, login, make_user, app) -> None:
    handler = await make_user("handler")
    await login(client, "admin")
    short = await post_form(client, "/staff/users/password", {"user": str(handler.id), "password": "kort"},
                            page="/staff/users")
    assert short.status == 422 and "minst 10 tecken" in await short.text()
    nobody = await post_form(client, "/staff/users/password", {"user": "9999", "password": NEW}, page="/staff/users")
    assert nobody.status == 422 and "Välj ett konto" in await nobody.text()
    assert await app[DB].fetch_value("SELECT COUNT(*) FROM audit_log WHERE action = 'set_password'") == 0


async def test_only_admins_change_passwords(client, login, make_user) -> None:
    handler = await make_user("handler")
    await login(client, "analyst")
    response = await post_form(client, "/staff/users/password", {"user": str(handler.id), "password": NEW},
                               page="/staff")
    assert response.status == 403


async def test_a_new_account_is_a_viewer_unless_chosen(client, login) -> None:
    await login(client, "admin")
    page = await (await client.get("/staff/users")).text()
    new_role = re.search(r'<select id="new-role" name="role">(.*?)</select>', page, re.S)
    assert new_role is not None
    assert re.findall(r'<option value="(\w+)" selected>', new_role.group(1)) == ["viewer"]


async def _panel(settings: Settings, *args: str, password: str) -> tuple[int, str]:
    """Run `panel ARGS` with `password` on stdin; (exit code, stderr). Asynchronously, so the app under
    test keeps serving its event loop (and finishing its own writes) while the command waits for the database."""
    env = {"PANEL_DATABASE": settings.database, "PATH": "/usr/bin:/bin"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "panel", *args, env=env, cwd=Path(__file__).parents[2],
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate((password + "\n").encode()), timeout=120)
    return int(process.returncode or 0), stderr.decode()


async def test_the_command_line_sets_a_password_read_from_stdin(settings: Settings, client, app, make_user) -> None:
    user = await make_user("analyst")
    before = await app[DB].fetch_value("SELECT password_hash FROM users WHERE id = ?", (user.id,))
    code, stderr = await _panel(settings, "set-password", user.username, password=NEW)
    assert code == 0, stderr
    assert await app[DB].fetch_value("SELECT password_hash FROM users WHERE id = ?", (user.id,)) != before
    assert (await _panel(settings, "set-password", user.username, password="kort"))[0] == 2
    code, stderr = await _panel(settings, "set-password", "ingen", password=NEW)
    assert code == 1 and "no user ingen" in stderr
