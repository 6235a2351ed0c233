"""How the composition root plugs the sms package in: hooks, routes, the sender with its dispatcher, and the
retention job."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from aiohttp import web
from twilio.rest import Client

from panel.keys import DB, SETTINGS
from panel.settings import Settings
from panel.tasks import periodic
from sms import retention, views, webhooks
from sms.backends import ConsoleSender, Sender, TwilioHttpClient, TwilioSender
from sms.dispatcher import DispatchConfig, Dispatcher
from sms.hooks import SMS_HOOKS, SmsHooks
from sms.keys import SMS_AUTOSTART, SMS_CLOCK, SMS_DISPATCHER, SMS_SENDER
from sms.schedule import QuietHours, SystemClock

log = logging.getLogger(__name__)

STATUS_PATH = "/webhooks/twilio/status"
INBOUND_PATH = "/webhooks/twilio/sms"
SEND_TIMEOUT = 15.0  # seconds; the twilio client ignores its own timeout, so ours wraps every call


def status_url(settings: Settings, message_id: int) -> str:
    """Where the provider reports on one of our messages: our own id rides along in the URL."""
    return f"{settings.base_url}{STATUS_PATH}?m={message_id}"


def dispatch_config(settings: Settings) -> DispatchConfig:
    return DispatchConfig(rate_per_second=settings.sms_rate_per_second,
                          quiet=QuietHours.parse(settings.sms_quiet_hours), send_timeout=SEND_TIMEOUT)


def make_sender(settings: Settings, *, timeout: float = SEND_TIMEOUT) -> Sender:
    """The backend the settings ask for. Call inside a running loop: the Twilio client opens a session."""
    if settings.sms_backend != "twilio":
        return ConsoleSender()
    # No max_retries: its retries could send one SMS twice. The dispatcher owns retry and timeouts.
    http = TwilioHttpClient()
    client = Client(settings.twilio_account_sid, settings.twilio_auth_token, http_client=http)
    client.edge = client.region = None  # TWILIO_EDGE/TWILIO_REGION in the environment would rewrite the host
    client.api.base_url = settings.twilio_api_base  # a fake or staging server in tests and benchmarks
    return TwilioSender(client, sender=settings.twilio_from,
                        messaging_service_sid=settings.twilio_messaging_service_sid,
                        status_url=lambda message_id: status_url(settings, message_id), timeout=timeout)


async def sending_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    sender = make_sender(settings)
    app[SMS_SENDER] = sender
    dispatcher = Dispatcher(app[DB], sender, app[SMS_HOOKS], dispatch_config(settings), clock=app[SMS_CLOCK])
    app[SMS_DISPATCHER] = dispatcher
    task = None
    if app.get(SMS_AUTOSTART, True):
        task = asyncio.create_task(dispatcher.run(), name="sms-dispatcher")
    log.info("SMS backend %s, %g/s, quiet hours %s", sender.name, settings.sms_rate_per_second,
             settings.sms_quiet_hours or "off")
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await sender.close()


def setup(app: web.Application) -> None:
    if SMS_HOOKS not in app:
        app[SMS_HOOKS] = SmsHooks()
    app[SMS_CLOCK] = SystemClock()  # tests replace it before start-up to drive time by hand
    app.router.add_post(STATUS_PATH, webhooks.status_callback, name="sms_status")
    app.router.add_post(INBOUND_PATH, webhooks.inbound_sms, name="sms_inbound")
    app.router.add_get("/staff/outbox", views.outbox_page, name="sms_outbox")
    app.router.add_post("/staff/outbox/segments", views.segments_json, name="sms_segments")
    app.router.add_get("/staff/outbox/segments.js", views.segments_script, name="sms_segments_js")
    app.cleanup_ctx.append(sending_ctx)
    app.cleanup_ctx.append(
        periodic("sms-retention", retention.run, every=retention.INTERVAL, first_after=retention.FIRST_RUN)
    )
