"""Wires the feedback package into the application: routes, background jobs, the SMS hook, the SMTP receiver.

Called once by the composition root (`panel.app`). Intake and case handling are written side by side; the
handling half's modules are looked up by name so either half runs without the other during development.
"""

from __future__ import annotations

import importlib
import logging

from aiohttp import web

from panel.keys import SETTINGS
from sms.hooks import SMS_HOOKS

from . import category_routes, department_routes, public_routes, ratelimit, staff_entry
from .mail.listener import smtp_listener_ctx
from .open311 import key_routes
from .open311 import routes as open311_routes
from .sms_intake import make_inbound_handler

log = logging.getLogger(__name__)

HANDLING_ROUTE_MODULES = ("feedback.staff_routes", "feedback.tracking_routes")


def _optional(name: str) -> object | None:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise  # the module exists but something it imports is missing: that is a real error
        log.warning("%s is not there yet", name)
        return None


def setup(app: web.Application) -> None:
    settings = app[SETTINGS]
    ratelimit.install(app)
    # /staff/cases/new is added before the handling routes so that /staff/cases/{id} never captures "new".
    app.router.add_routes(public_routes.routes)
    app.router.add_routes(staff_entry.routes)
    app.router.add_routes(open311_routes.routes)
    app.router.add_routes(key_routes.routes)
    app.router.add_routes(category_routes.routes)
    app.router.add_routes(department_routes.routes)
    for name in HANDLING_ROUTE_MODULES:
        module = _optional(name)
        if module is not None:
            app.router.add_routes(module.routes)  # type: ignore[attr-defined]
    handling = _optional("feedback.handling")
    if handling is not None:
        handling.setup(app)  # type: ignore[attr-defined]
    if SMS_HOOKS in app:
        # Last in line: surveys' answers and the keywords come first, feedback takes whatever is left.
        app[SMS_HOOKS].inbound.append(make_inbound_handler(settings))
    if settings.smtp_listen:
        app.cleanup_ctx.append(smtp_listener_ctx)
