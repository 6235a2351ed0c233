"""The composition root: builds the application from the settings and wires every package into it.

Only this module and the CLI import the domain packages. Each package adds its routes, background tasks and
SMS hooks in its own `setup(app)`; the order matters where one package listens to another's hooks.
"""

from __future__ import annotations

import importlib
import logging
import secrets
from collections.abc import AsyncIterator
from importlib import resources

from aiohttp import web

from panel import i18n, migrations, store
from panel.auth import auth_middleware
from panel.db import Database
from panel.keys import DB, SECRET, SETTINGS, TEMPLATES
from panel.middleware import error_middleware, language_middleware, security_headers
from panel.settings import Settings
from panel.web import create_environment

log = logging.getLogger(__name__)

# Packages with migrations, in the order their schemas build on each other.
MIGRATION_PACKAGES = ["panel", "sms", "feedback", "surveys"]
# Packages with templates and English catalogues.
PAGE_PACKAGES = [
    "panel", "panel.members", "sms", "feedback", "feedback.stats", "surveys", "surveys.results",
]
# Each domain module's `setup(app)`, in order: SMS hooks exist before members, members' hooks before surveys.
DOMAIN_SETUPS = [
    "sms.web", "panel.members.web", "feedback.web", "feedback.stats.web", "surveys.web",
    "surveys.results.web", "panel.api",
]


def _existing(packages: list[str]) -> list[str]:
    found = []
    for name in packages:
        try:
            resources.files(name)
        except ModuleNotFoundError:
            continue
        found.append(name)
    return found


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
    i18n.load_catalogs(_existing(PAGE_PACKAGES))
    app[TEMPLATES] = create_environment(_existing(PAGE_PACKAGES))
    app.cleanup_ctx.append(_database_ctx)  # first in, last out: every background task stops before the db
    app.on_response_prepare.append(security_headers)

    from panel import routes

    app.router.add_routes(routes.routes)
    app.router.add_static("/static/", resources.files("panel").joinpath("static"), name="static")  # type: ignore[arg-type]
    for module_name in DOMAIN_SETUPS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            log.warning("package %s is not installed", module_name)
            continue
        module.setup(app)
    return app
