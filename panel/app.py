"""The composition root: builds the application from the settings and wires every package into it.

Only this module and the CLI import the domain packages. Each package adds its routes, background tasks and
SMS hooks in its own `setup(app)`; the order matters where one package listens to another's hooks.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator, Callable
from importlib import resources

from aiohttp import web

import feedback.web
import sms.web
import surveys.web
from feedback.stats import web as stats_web
from panel import api, i18n, migrations, routes, store
from panel.auth import auth_middleware
from panel.db import Database
from panel.keys import DB, SECRET, SETTINGS, TEMPLATES
from panel.members import web as members_web
from panel.middleware import error_middleware, language_middleware, security_headers
from panel.settings import Settings
from panel.web import create_environment
from surveys.results import web as results_web

log = logging.getLogger(__name__)

# Packages with migrations, in the order their schemas build on each other.
MIGRATION_PACKAGES = ["panel", "sms", "feedback", "surveys"]
# Packages with templates and English catalogues.
PAGE_PACKAGES = [
    "panel", "panel.members", "sms", "feedback", "feedback.stats", "surveys", "surveys.results",
]

# Each package's `setup(app)`, in this order: SMS hooks exist before the others register on them, members'
# hooks before surveys listen to them, and surveys' SMS-reply handler comes before feedback, which turns
# every other inbound text into a case.
DOMAIN_SETUPS: list[Callable[[web.Application], None]] = [
    sms.web.setup, members_web.setup, surveys.web.setup, results_web.setup, feedback.web.setup,
    stats_web.setup, api.setup,
]


async def open_database(settings: Settings) -> Database:
    """Open the database and bring its schema up to date."""
    db = Database(settings.database)
    await db.open()
    try:
        applied = await migrations.migrate(db.raw_writer, MIGRATION_PACKAGES)
    except BaseException:
        await db.close()
        raise
    if applied:
        log.info("applied migrations: %s", ", ".join(applied))
    return db


async def _database_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    db = await open_database(settings)
    app[DB] = db
    key = settings.secret_key or await store.get_or_create_secret(db, "secret_key", secrets.token_urlsafe(48))
    app[SECRET] = key.encode()
    yield
    await db.close()


def create_app(settings: Settings) -> web.Application:
    app = web.Application(
        client_max_size=settings.max_request_bytes,
        middlewares=[language_middleware, error_middleware, auth_middleware],
    )
    app[SETTINGS] = settings
    i18n.load_catalogs(PAGE_PACKAGES)
    app[TEMPLATES] = create_environment(PAGE_PACKAGES)
    app.cleanup_ctx.append(_database_ctx)  # first in, last out: every background task stops before the db
    app.on_response_prepare.append(security_headers)

    app.router.add_routes(routes.routes)
    app.router.add_static("/static/", resources.files("panel").joinpath("static"), name="static")  # type: ignore[arg-type]
    for setup in DOMAIN_SETUPS:
        setup(app)
    return app
