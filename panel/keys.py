"""Typed keys for the state the composition root puts on the application, shared by every package."""

from __future__ import annotations

from aiohttp import web
from jinja2 import Environment

from panel.db import Database
from panel.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
DB = web.AppKey("db", Database)
TEMPLATES = web.AppKey("templates", Environment)
SECRET = web.AppKey("secret", bytes)
