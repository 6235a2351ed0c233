"""Pages: one autoescaping Jinja environment over every package's templates, and the helpers handlers use.

Templates live in `<package>/templates/<package>/`; the base layout is `base.html` in `panel/templates/`.
Each render gets the request's user, language and CSRF token, so templates never reach into the request.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from importlib import resources
from typing import Any

from aiohttp import web
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from panel import clock
from panel.i18n import _, current_language, ngettext
from panel.keys import SETTINGS, TEMPLATES
from panel.numbers import number, percent

# Request keys the middlewares fill in, read by `render`.
CSRF_TOKEN = web.RequestKey("csrf_token", str)


def _local(value: datetime | str | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    moment = clock.local(value)
    return "" if moment is None else moment.strftime(fmt)


def _date(value: date | datetime | str | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime | str):
        return _local(value, "%Y-%m-%d")
    return value.isoformat()


def role_label(role: str) -> str:
    labels = {
        "admin": _("administratör"), "handler": _("handläggare"), "analyst": _("analytiker"), "viewer": _("läsare"),
    }
    return labels.get(role, role)


def create_environment(packages: list[str]) -> Environment:
    loaders = [
        PackageLoader(package, "templates")
        for package in packages
        if resources.files(package).joinpath("templates").is_dir()
    ]
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        enable_async=False,
        auto_reload=False,  # templates ship with the code: no stat() of every file on every render
    )
    env.globals.update(_=_, ngettext=ngettext, role_label=role_label)
    env.filters.update(local=_local, date=_date, number=number, percent=percent, links=links)
    return env


_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)]")


def links(text: str) -> Markup:
    """`text` escaped, with its web addresses as links (a survey or tracking link in an SMS, say)."""
    parts, last = [], 0
    for match in _URL.finditer(text):
        parts.append(escape(text[last:match.start()]))
        parts.append(Markup('<a href="{0}">{0}</a>').format(match.group()))
        last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def page_context(request: web.Request) -> dict[str, Any]:
    """What every page may use: the user, the language, the CSRF field and the settings."""
    from panel.auth import USER  # auth imports this module for rendering its pages

    settings = request.app[SETTINGS]
    token = request.get(CSRF_TOKEN, "")
    return {
        "request": request,
        "user": request.get(USER),
        "lang": current_language(),
        "csrf_token": token,
        "csrf_field": lambda: Markup('<input type="hidden" name="csrf_token" value="{}">').format(escape(token)),
        "settings": settings,
        "municipality": settings.municipality,
        "path": request.path,
    }


def render_text(request: web.Request, template: str, context: dict[str, Any] | None = None) -> str:
    values = page_context(request)
    values.update(context or {})
    return request.app[TEMPLATES].get_template(template).render(values)


def render(
    request: web.Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> web.Response:
    return web.Response(
        text=render_text(request, template, context), status=status, content_type="text/html", charset="utf-8"
    )


def bad_request(request: web.Request, message: str, *, status: int = 400) -> web.Response:
    """A friendly error page for input we cannot take, with what to do about it."""
    return render(request, "panel/error.html", {"status": status, "message": message}, status=status)


def form_value(form: Any, name: str, *, limit: int = 10_000) -> str:
    """A trimmed text field of a submitted form; files and missing fields read as empty text."""
    value = form.get(name, "")
    return value.strip()[:limit] if isinstance(value, str) else ""


def client_address(request: web.Request) -> str:
    """The resident's address for rate limits: behind our own proxy, the address that proxy saw."""
    if request.app[SETTINGS].trusted_proxy:
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.rsplit(",", 1)[-1].strip()
    return request.remote or "unknown"


def wants_html(request: web.Request) -> bool:
    """Machine endpoints answer in their own formats; everything else gets pages."""
    return not request.path.startswith(("/api/", "/open311/", "/webhooks/"))
