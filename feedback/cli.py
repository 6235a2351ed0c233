"""`panel open311-key create NAME`: create an Open311 API key for a third-party app and print it once."""

from __future__ import annotations

import argparse
from typing import Any

from panel import clock
from panel.db import Database
from panel.settings import Settings

from . import store


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("open311-key", help="manage Open311 API keys of third-party apps")
    commands = parser.add_subparsers(dest="open311_command", required=True)
    create = commands.add_parser("create", help="create a key and print it (only its hash is stored)")
    create.add_argument("name", help="who the key is for, e.g. the app or its supplier")
    create.set_defaults(handler=create_key)


async def create_key(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    name = args.name.strip()
    if not name or len(name) > 100:
        print("open311-key create: NAME must be 1 to 100 characters")
        return 2
    key = store.new_open311_key()
    async with db.transaction() as tx:
        await store.insert_open311_key(tx, name, key, clock.now_db(), None)
    print(key)
    return 0
