"""The provider's webhooks: delivery-status callbacks and inbound SMS, both signature-checked.

The signature covers the public URL Twilio called, which behind a proxy is not what this server sees, so
the URL is rebuilt from PANEL_PUBLIC_URL plus the raw path and query, never from the Host header.
Neither endpoint needs a session or a CSRF token: the signature is the authentication.
"""

from __future__ import annotations

import logging
import random

from aiohttp import web
from multidict import MultiDict
from twilio.request_validator import RequestValidator

from panel.keys import DB, SETTINGS
from sms import inbound, policy, status
from sms.hooks import SMS_HOOKS
from sms.keys import SMS_CLOCK

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Twilio-Signature"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
_jitter = random.Random()  # noqa: S311 - backoff jitter, not security


def public_url(request: web.Request) -> str:
    return request.app[SETTINGS].base_url + request.raw_path


async def signed_form(request: web.Request) -> MultiDict[str]:
    """The posted fields, if the request carries a valid signature for them; 403 otherwise."""
    form = await request.post()
    fields: MultiDict[str] = MultiDict((k, v) for k, v in form.items() if isinstance(v, str))
    token = request.app[SETTINGS].twilio_auth_token
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not token or not signature or not RequestValidator(token).validate(public_url(request), fields, signature):
        log.warning("rejected webhook %s: missing or invalid signature", request.raw_path)
        raise web.HTTPForbidden(text="Invalid or missing X-Twilio-Signature.\n")
    return fields


def _required(fields: MultiDict[str], *names: str) -> list[str]:
    values = [fields.get(name, "").strip() for name in names]
    missing = [name for name, value in zip(names, values, strict=True) if not value]
    if missing:
        raise web.HTTPBadRequest(text=f"Missing field(s): {', '.join(missing)}.\n")
    return values


async def status_callback(request: web.Request) -> web.Response:
    fields = await signed_form(request)
    try:
        message_id = int(request.query.get("m", ""))
    except ValueError:
        raise web.HTTPBadRequest(text="The callback URL must carry our message id as ?m=<id>.\n") from None
    sid, provider_status = _required(fields, "MessageSid", "MessageStatus")
    state = policy.from_provider(provider_status)
    if state is None:
        log.info("ignored status %r for SMS #%d", provider_status, message_id)
        return web.Response(text="")
    async with request.app[DB].transaction() as tx:
        updated = await status.advance(
            tx, request.app[SMS_HOOKS], message_id, provider_sid=sid, state=state,
            error_code=fields.get("ErrorCode", "").strip()[:20],
            error_message=fields.get("ErrorMessage", "").strip()[:500], now=request.app[SMS_CLOCK].now(),
            rng=_jitter,
        )
    if updated is None:
        log.debug("status %s for SMS #%d changed nothing (late, repeated or unknown)", provider_status, message_id)
    return web.Response(text="")


async def inbound_sms(request: web.Request) -> web.Response:
    fields = await signed_form(request)
    sid, from_number = _required(fields, "MessageSid", "From")
    async with request.app[DB].transaction() as tx:
        handled_by = await inbound.receive(
            tx, request.app[SMS_HOOKS], message_sid=sid, from_number=from_number,
            to_number=fields.get("To", "").strip(), body=fields.get("Body", ""), now=request.app[SMS_CLOCK].now(),
            help_text=inbound.default_help(request.app[SETTINGS].municipality),
        )
    if handled_by is None:
        log.info("inbound SMS %s delivered again: ignored", sid)
    # Replies go through the outbox (paced, recorded), so the TwiML answer is always empty.
    return web.Response(text=EMPTY_TWIML, content_type="text/xml")
