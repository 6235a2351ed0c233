"""The `panel` command: serve, demo, migrate, create-user, settings, and the packages' own commands."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from feedback import cli as feedback_cli
from panel import audit, auth, migrations, store
from panel.app import MIGRATION_PACKAGES, create_app, open_database
from panel.db import Database
from panel.members import cli as members_cli
from panel.settings import Settings, SettingsError, load_settings, settings_table
from sms import cli as sms_cli

Command = Callable[[argparse.Namespace, Database, Settings], Awaitable[int]]
# Packages that add sub-commands through a `cli.register(subparsers)`.
COMMAND_MODULES = [members_cli, feedback_cli, sms_cli]

DEMO_USERS = [
    ("admin", "admin", "Anna Admin"),
    ("handlaggare", "handler", "Hassan Handläggare"),
    ("analytiker", "analyst", "Alva Analytiker"),
    ("politiker", "viewer", "Per Politiker"),
]  # the demo handler gets an address so that deadline reminders show in the mail outbox
DEMO_PASSWORD = "demo-losenord"  # noqa: S105 - printed on purpose: the demo has no secrets


def _event_loop_policy() -> None:
    try:
        import uvloop
    except ImportError:  # not on Windows: asyncio's own loop serves too, somewhat slower
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


def serve(settings: Settings, banner: str = "") -> int:
    from aiohttp import web

    _event_loop_policy()
    app = create_app(settings)

    async def announce(_app: web.Application) -> None:
        print(f"Serving {settings.municipality} on {settings.base_url}/  (Ctrl+C stops)", flush=True)
        if banner:
            print(banner, flush=True)

    app.on_startup.append(announce)
    web.run_app(app, host=settings.host, port=settings.port, print=None, access_log=None)
    return 0


async def _migrate(settings: Settings) -> int:
    db = Database(settings.database)
    await db.open()
    try:
        applied = await migrations.migrate(db.raw_writer, MIGRATION_PACKAGES)
    finally:
        await db.close()
    print("applied: " + ", ".join(applied) if applied else "database is up to date")
    return 0


def _read_password(prompt: str) -> str:
    if sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if getpass.getpass("Repeat: ") != first:
            raise SystemExit("the passwords differ")
        return first
    return sys.stdin.readline().rstrip("\n")


async def _create_user(settings: Settings, args: argparse.Namespace) -> int:
    password = _read_password(f"Password for {args.name}: ")
    if problem := auth.check_new_password(password):
        print(problem, file=sys.stderr)
        return 2
    db = await open_database(settings)
    try:
        if await db.fetch_one("SELECT 1 FROM users WHERE username = ?", (args.name,)):
            print(f"user {args.name} exists already", file=sys.stderr)
            return 1
        async with db.transaction() as tx:
            await auth.create_user(tx, args.name, password, args.role, args.display_name or "", args.email or "")
    finally:
        await db.close()
    print(f"created {args.name} ({args.role})")
    return 0


async def _set_password(settings: Settings, args: argparse.Namespace) -> int:
    password = _read_password(f"New password for {args.name}: ")
    if problem := auth.check_new_password(password):
        print(problem, file=sys.stderr)
        return 2
    password_hash = await auth.hash_password(password)
    db = await open_database(settings)
    try:
        user = await store.user_by_name(db, args.name)
        if user is None:
            print(f"no user {args.name}", file=sys.stderr)
            return 1
        async with db.transaction() as tx:
            await store.set_password(tx, user["id"], password_hash)
            await audit.record(tx, None, "set_password", "user", user["id"], "panel set-password")
    finally:
        await db.close()
    print(f"new password set for {args.name}; their sessions have ended")
    return 0


async def _run_package_command(settings: Settings, args: argparse.Namespace) -> int:
    db = await open_database(settings)
    try:
        return int(await args.handler(args, db, settings))
    finally:
        await db.close()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="panel", description="Citizen feedback and SMS panel.")
    parser.add_argument("--config", help="a TOML file with settings (environment variables win)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="serve the application")
    sub.add_parser("demo", help="seed a demo municipality (idempotent) and serve it")
    sub.add_parser("migrate", help="apply database migrations")
    sub.add_parser("settings", help="print the settings table with defaults")
    create = sub.add_parser("create-user", help="create a staff account; the password is read from stdin")
    create.add_argument("name")
    create.add_argument("--role", required=True, choices=auth.ROLES)
    create.add_argument("--display-name")
    create.add_argument("--email", help="where deadline reminders reach the user")
    password = sub.add_parser("set-password", help="a new password, read from stdin; the account is logged out")
    password.add_argument("name")
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "settings":
        print(settings_table())
        return 0
    try:
        settings = load_settings(os.environ, args.config)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    handlers: dict[str, Callable[[], Any]] = {
        "serve": lambda: serve(settings),
        "demo": lambda: _demo(settings),
        "migrate": lambda: asyncio.run(_migrate(settings)),
        "create-user": lambda: asyncio.run(_create_user(settings, args)),
        "set-password": lambda: asyncio.run(_set_password(settings, args)),
    }
    if args.command in handlers:
        return int(handlers[args.command]())
    return asyncio.run(_run_package_command(settings, args))


def _demo(settings: Settings) -> int:
    from panel import demo

    asyncio.run(demo.seed_all(settings, DEMO_USERS, DEMO_PASSWORD))
    return serve(settings, banner=demo.banner(settings, DEMO_USERS, DEMO_PASSWORD))


if __name__ == "__main__":
    sys.exit(main())
