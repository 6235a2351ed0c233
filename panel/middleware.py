"""Cross-cutting request handling: error pages, the request's language, security headers."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from panel.i18n import _, pick_language, reset_language, set_language
from panel.keys import SETTINGS
from panel.web import render, wants_html

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
LANGUAGE_COOKIE = "panel_lang"

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def _message(status: int) -> str:
    messages = {
        400: _("Begäran kunde inte tolkas. Kontrollera uppgifterna och försök igen."),
        403: _("Du har inte behörighet till den här sidan."),
        404: _("Sidan finns inte. Kontrollera adressen eller gå till startsidan."),
        405: _("Det går inte att göra så på den här sidan."),
        413: _("Det du skickade är för stort. Gör bilagorna mindre och försök igen."),
        429: _("För många försök. Vänta en stund och försök igen."),
    }
    return messages.get(status, _("Något gick fel hos oss. Försök igen om en stund."))


def _error_page(request: web.Request, status: int) -> web.Response:
    return render(request, "panel/error.html", {"status": status, "message": _message(status)}, status=status)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Errors as pages in the user's language; machine endpoints keep their own error formats."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400 or not wants_html(request) or (exc.text and exc.content_type == "text/html"):
            raise
        if exc.status in (401, 405):
            response = _error_page(request, exc.status)
            for name in ("Allow", "WWW-Authenticate"):
                if name in exc.headers:
                    response.headers[name] = exc.headers[name]
            return response
        return _error_page(request, exc.status)
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        if not wants_html(request):
            return web.json_response({"error": "internal error"}, status=500)
        return _error_page(request, 500)


@web.middleware
async def language_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    language = pick_language(
        request.cookies.get(LANGUAGE_COOKIE),
        request.headers.get("Accept-Language", ""),
        request.app[SETTINGS].language,
    )
    token = set_language(language)
    try:
        return await handler(request)
    finally:
        reset_language(token)


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # Survey and tracking links carry tokens in the path: never send them to another site.
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(), microphone=()")
    if request.path.startswith(("/staff", "/s/", "/t/", "/login")):
        headers.setdefault("Cache-Control", "no-store")
    if request.app[SETTINGS].secure_cookies:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
