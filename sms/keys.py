"""Typed keys for what the sms package keeps on the application."""

from __future__ import annotations

from aiohttp import web

from sms.backends import Sender
from sms.dispatcher import Dispatcher
from sms.schedule import Clock

# Filled by the startup context: the backend in use and the running dispatcher.
SMS_SENDER = web.AppKey("sms_sender", Sender)
SMS_DISPATCHER = web.AppKey("sms_dispatcher", Dispatcher)
# Set before start-up to change how the dispatcher runs: tests drive `pump()` by hand with their own clock.
SMS_AUTOSTART = web.AppKey("sms_autostart", bool)
SMS_CLOCK = web.AppKey("sms_clock", Clock)
