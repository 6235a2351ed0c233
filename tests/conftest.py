"""Shared fixtures: a fresh database per test, the app under aiohttp's test client, staff log-ins, a browser."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from panel import auth
from panel.app import create_app
from panel.keys import DB
from panel.settings import Settings, load_settings
from tests.helpers import post_form

PASSWORD = "correct horse battery"
CHROMIUM = "/usr/bin/chromium"
_names = itertools.count(1)


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    def make(**changes: Any) -> Settings:
        base = load_settings({"PANEL_DATABASE": str(tmp_path / "test.db"), "PANEL_SMS_QUIET_HOURS": "off"})
        return base.replace(**changes)

    return make


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


@pytest.fixture
def app(settings: Settings) -> web.Application:
    return create_app(settings)


@pytest.fixture
async def client(aiohttp_client: Any, app: web.Application) -> TestClient:
    return await aiohttp_client(app)


@pytest.fixture
def make_user(app: web.Application) -> Callable[..., Awaitable[auth.User]]:
    """Create a staff account with a role (the app must be running, i.e. `client` requested)."""

    async def make(role: str, username: str | None = None) -> auth.User:
        name = username or f"{role}{next(_names)}"
        async with app[DB].transaction() as tx:
            user_id = await auth.create_user(tx, name, PASSWORD, role, f"Test {role}")
        return auth.User(user_id, name, f"Test {role}", role)

    return make


@pytest.fixture
def login(make_user: Callable[..., Awaitable[auth.User]]) -> Callable[..., Awaitable[auth.User]]:
    """Log `client` in as a new user with `role`."""

    async def log_in(client: TestClient, role: str) -> auth.User:
        user = await make_user(role)
        response = await post_form(
            client, "/login", {"username": user.username, "password": PASSWORD}, allow_redirects=False
        )
        assert response.status == 303, await response.text()
        return user

    return log_in


@pytest.fixture
async def live_url(aiohttp_server: Any, app: web.Application) -> str:
    """The app served on a loopback port, for the browser."""
    server = await aiohttp_server(app)
    return str(server.make_url("")).rstrip("/")


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )
        yield launched
        await launched.close()


@pytest.fixture
async def page(browser: Any) -> AsyncIterator[Any]:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    yield await context.new_page()
    await context.close()


@pytest.fixture
async def phone_page(browser: Any) -> AsyncIterator[Any]:
    context = await browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    yield await context.new_page()
    await context.close()
