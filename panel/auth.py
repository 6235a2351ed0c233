"""Staff accounts: argon2 passwords, server-side sessions, roles on every staff route, CSRF on every form.

The session cookie holds a random id and the database only its SHA-256. The CSRF token is an HMAC of a
per-browser random cookie, so it works the same for residents' public forms and for logged-in staff.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

from aiohttp import web
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from panel import clock, store
from panel.db import Database, Transaction
from panel.i18n import _
from panel.keys import DB, SECRET, SETTINGS
from panel.web import CSRF_TOKEN, bad_request

ROLES = ("admin", "handler", "analyst", "viewer")
SESSION_COOKIE = "panel_session"
CSRF_COOKIE = "panel_csrf"
SESSION_HOURS = 10
LOCKOUT = timedelta(minutes=15)
# Machine endpoints prove who they are by signature or key, not by a browser cookie.
CSRF_EXEMPT_PREFIXES = ("/webhooks/", "/open311/", "/api/")

_hasher = PasswordHasher()
# Verifying against this keeps the answer time the same whether or not the user name exists.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    role: str

    def has_role(self, *roles: str) -> bool:
        return self.role == "admin" or self.role in roles

    @property
    def name(self) -> str:
        return self.display_name or self.username


USER = web.RequestKey("user", User)


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def _verify(password_hash: str, password: str) -> bool:
    try:
        return await asyncio.to_thread(_hasher.verify, password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_new_password(password: str) -> str | None:
    """What is wrong with a new password, or None."""
    if len(password) < 10:
        return _("Lösenordet måste ha minst 10 tecken.")
    return None


async def create_user(
    tx: Transaction, username: str, password: str, role: str, display_name: str = "", email: str = ""
) -> int:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}: expected one of {', '.join(ROLES)}")
    return await store.insert_user(tx, username.strip(), await hash_password(password), role, display_name, email)


def _hash_id(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class LoginThrottled(Exception):
    """Too many failed log-ins for this user name or address."""


async def authenticate(db: Database, username: str, password: str, address: str, *, max_failures: int) -> int | None:
    """The user id for right credentials, None for wrong ones; raise LoginThrottled when locked out."""
    now = clock.utcnow()
    since = clock.to_db(now - LOCKOUT)
    if await store.recent_failures(db, username, address, since) >= max_failures:
        raise LoginThrottled
    row = await store.user_by_name(db, username)
    ok = await _verify(row["password_hash"] if row else _DUMMY_HASH, password)
    if row is None or not ok or not row["active"]:
        async with db.transaction() as tx:
            await store.record_failure(tx, username, address, clock.to_db(now))
        return None
    async with db.transaction() as tx:
        await store.clear_failures(tx, username, since)
    return int(row["id"])


async def start_session(db: Database, user_id: int, old_raw: str | None) -> str:
    """A new session id at every log-in, so an id planted before log-in is worth nothing after it."""
    raw = secrets.token_urlsafe(32)
    now = clock.utcnow()
    async with db.transaction() as tx:
        if old_raw:
            await store.delete_session(tx, _hash_id(old_raw))
        await store.delete_expired_sessions(tx, clock.to_db(now))
        await store.insert_session(
            tx, _hash_id(raw), user_id, clock.to_db(now), clock.to_db(now + timedelta(hours=SESSION_HOURS))
        )
    return raw


async def end_session(db: Database, raw: str) -> None:
    async with db.transaction() as tx:
        await store.delete_session(tx, _hash_id(raw))


def set_session_cookie(request: web.Request, response: web.StreamResponse, raw: str) -> None:
    response.set_cookie(
        SESSION_COOKIE, raw, httponly=True, samesite="Lax", path="/",
        secure=request.app[SETTINGS].secure_cookies, max_age=SESSION_HOURS * 3600,
    )


def csrf_token_for(secret: bytes, cookie_value: str) -> str:
    return hmac.new(secret, b"csrf:" + cookie_value.encode(), hashlib.sha256).hexdigest()


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Load the staff user from the session cookie and check the CSRF token of every form post."""
    raw = request.cookies.get(SESSION_COOKIE)
    if raw:
        row = await store.session_user(request.app[DB], _hash_id(raw), clock.now_db())
        if row is not None:
            request[USER] = User(row["id"], row["username"], row["display_name"], row["role"])
    browser_key = request.cookies.get(CSRF_COOKIE) or ""
    fresh_key = ""
    if len(browser_key) < 20:
        browser_key = fresh_key = secrets.token_urlsafe(24)
    expected = csrf_token_for(request.app[SECRET], browser_key)
    request[CSRF_TOKEN] = expected
    if request.method not in ("GET", "HEAD", "OPTIONS") and not request.path.startswith(CSRF_EXEMPT_PREFIXES):
        form = await request.post()
        sent = form.get("csrf_token") or request.headers.get("X-CSRF-Token", "")
        if fresh_key or not isinstance(sent, str) or not hmac.compare_digest(sent, expected):
            return bad_request(
                request,
                _("Formuläret har gått ut eller kom från en annan sida. Gå tillbaka, ladda om sidan och försök igen."),
                status=403,
            )
    response = await handler(request)
    if fresh_key:
        response.set_cookie(
            CSRF_COOKIE, fresh_key, httponly=True, samesite="Lax", path="/",
            secure=request.app[SETTINGS].secure_cookies,
        )
    return response


def require_role(*roles: str) -> Callable[[Handler], Handler]:
    """Only logged-in staff with one of `roles` (admin always) may call the handler."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def checked(request: web.Request) -> web.StreamResponse:
            user = request.get(USER)
            if user is None:
                target = request.path_qs if request.method == "GET" else "/staff"
                raise web.HTTPSeeOther("/login?next=" + quote(target, safe=""))
            if not user.has_role(*roles):
                raise web.HTTPForbidden(reason="role")
            return await handler(request)

        return checked

    return decorate


def current_user(request: web.Request) -> User | None:
    return request.get(USER)


def logged_in_user(request: web.Request) -> User:
    """The user of a handler behind `require_role`."""
    user = request.get(USER)
    if user is None:
        raise web.HTTPUnauthorized
    return user
