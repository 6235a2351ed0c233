"""A fake Twilio on a loopback port: the Messages API as the real `twilio` client expects it, plus faults.

It records every message, lists them like Twilio (newest first, filters To/From/DateSent), answers errors
with Twilio's JSON body (code, message, more_info, status) and posts SIGNED status callbacks to each
message's StatusCallback URL, so the app's real signature check is exercised. Faults: latency, 429s, 5xx
and timeouts (each either before or after the message was created: the unknown outcome the dispatcher
must reconcile), per-number permanent errors (21xxx refused at once, 30xxx failing after sending) and
per-number transient delivery failures. Used by tests/sms and importable by bench/.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import aiohttp
from aiohttp import web
from twilio.request_validator import RequestValidator

ACCOUNT_SID = "AC" + "f" * 32
AUTH_TOKEN = "fake-auth-token-0123456789abcdef"
API = "/2010-04-01/Accounts/{account}/Messages"


@dataclass
class FakeMessage:
    sid: str
    to: str
    from_: str
    body: str
    status_callback: str
    messaging_service_sid: str = ""
    status: str = "queued"
    error_code: int | None = None
    date_created: datetime = field(default_factory=lambda: datetime.now(UTC))
    date_sent: datetime | None = None

    def as_json(self, account_sid: str) -> dict[str, Any]:
        return {
            "sid": self.sid, "account_sid": account_sid, "api_version": "2010-04-01", "body": self.body,
            "to": self.to, "from": self.from_, "messaging_service_sid": self.messaging_service_sid or None,
            "status": self.status, "direction": "outbound-api", "num_media": "0", "num_segments": "1",
            "error_code": self.error_code, "error_message": None, "price": None, "price_unit": "USD",
            "date_created": format_datetime(self.date_created, usegmt=True),
            "date_updated": format_datetime(self.date_created, usegmt=True),
            "date_sent": format_datetime(self.date_sent, usegmt=True) if self.date_sent else None,
            "uri": f"{API.format(account=account_sid)}/{self.sid}.json", "subresource_uris": {},
        }


@dataclass
class Faults:
    latency: float = 0.0  # seconds before each answer
    rate_429: float = 0.0
    rate_5xx: float = 0.0
    rate_timeout: float = 0.0  # the answer never comes (the client's own timeout must fire)
    created_on_fault: float = 0.5  # share of 5xx/timeouts where the message was created anyway
    permanent: dict[str, int] = field(default_factory=dict)  # number -> code (21211, 21610, 30006 ...)
    flaky_delivery: dict[str, int] = field(default_factory=dict)  # number -> code, fails once (30003)
    script: list[str] = field(default_factory=list)  # next answers: ok, 429, 500, 500+, timeout, timeout+


def error(status: int, code: int, message: str) -> web.Response:
    return web.json_response({"code": code, "message": message, "status": status,
                              "more_info": f"https://www.twilio.com/docs/errors/{code}"}, status=status)


def _when(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class FakeTwilio:
    def __init__(self, *, account_sid: str = ACCOUNT_SID, auth_token: str = AUTH_TOKEN, seed: int = 1,
                 faults: Faults | None = None, callbacks: bool = True, callback_to: str | None = None,
                 duplicate_callbacks: bool = False, reverse_callbacks: bool = False) -> None:
        self.account_sid, self.auth_token = account_sid, auth_token
        self.faults = faults or Faults()
        self.rng = random.Random(seed)
        self.callbacks, self.callback_to = callbacks, callback_to
        self.duplicate_callbacks, self.reverse_callbacks = duplicate_callbacks, reverse_callbacks
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)  # tests share their hand-driven clock
        self.messages: dict[str, FakeMessage] = {}
        self.requests: list[str] = []  # the outcome of each create request, for assertions
        self.callback_log: list[tuple[str, dict[str, str], int]] = []
        self._sids = itertools.count(1)
        self._tasks: set[asyncio.Task[None]] = set()
        self._hang = asyncio.Event()
        self._session: aiohttp.ClientSession | None = None
        self._runner: web.AppRunner | None = None
        self.url = ""
        self.app = web.Application()
        base = API.format(account="{account}")
        self.app.router.add_post(base + ".json", self._create)
        self.app.router.add_get(base + ".json", self._list)
        self.app.router.add_get(base + "/{sid}.json", self._fetch)

    # -- life cycle -------------------------------------------------------------------------------------

    async def start(self) -> str:
        """Serve on a free loopback port; return the base URL (for PANEL_TWILIO_API_BASE)."""
        return await self.start_at(0)

    async def start_at(self, port: int) -> str:
        self._session = aiohttp.ClientSession()
        self._runner = web.AppRunner(self.app, shutdown_timeout=0.1)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self.url

    async def close(self) -> None:
        self._hang.set()  # release hanging "timeout" answers
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    async def __aenter__(self) -> FakeTwilio:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def settle(self, rounds: int = 200) -> None:
        """Wait until every status callback scheduled so far has been posted (bounded)."""
        for _ in range(rounds):
            pending = [task for task in self._tasks if not task.done()]
            if not pending:
                return
            await asyncio.wait(pending, timeout=0.5)

    # -- what tests look at -----------------------------------------------------------------------------

    def sent_to(self, number: str) -> list[FakeMessage]:
        return [m for m in self.messages.values() if m.to == number]

    def sign(self, url: str, fields: dict[str, str]) -> str:
        return RequestValidator(self.auth_token).compute_signature(url, fields)

    async def send_inbound(self, target_url: str, public_url: str, *, from_: str, body: str,
                           to: str = "+46700000000", sid: str | None = None) -> tuple[int, str]:
        """Post an inbound SMS like Twilio: to `target_url`, signed for `public_url` (the app's public URL)."""
        sid = sid or f"SM{next(self._sids):032x}"
        fields = {"MessageSid": sid, "SmsSid": sid, "SmsMessageSid": sid, "AccountSid": self.account_sid,
                  "From": from_, "To": to, "Body": body, "NumMedia": "0", "NumSegments": "1",
                  "SmsStatus": "received", "ApiVersion": "2010-04-01"}
        assert self._session is not None, "start() the fake first"
        async with self._session.post(target_url, data=fields,
                                      headers={"X-Twilio-Signature": self.sign(public_url, fields)}) as response:
            return response.status, await response.text()

    # -- the API ----------------------------------------------------------------------------------------

    def _authorised(self, request: web.Request) -> bool:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return (request.match_info["account"] == self.account_sid
                and request.headers.get("Authorization", "") == f"Basic {expected}")

    def _next_fault(self) -> str:
        if self.faults.script:
            return self.faults.script.pop(0)
        roll = self.rng.random()
        f = self.faults
        created = "+" if self.rng.random() < f.created_on_fault else ""
        if roll < f.rate_429:
            return "429"
        if roll < f.rate_429 + f.rate_5xx:
            return "500" + created
        if roll < f.rate_429 + f.rate_5xx + f.rate_timeout:
            return "timeout" + created
        return "ok"

    async def _create(self, request: web.Request) -> web.StreamResponse:
        if not self._authorised(request):
            return error(401, 20003, "Authenticate")
        form = await request.post()
        to, body = str(form.get("To", "")), str(form.get("Body", ""))
        sender, service = str(form.get("From", "")), str(form.get("MessagingServiceSid", ""))
        if self.faults.latency:
            await asyncio.sleep(self.faults.latency)
        if not body:
            return error(400, 21602, "Message body is required.")
        if not (sender or service):
            return error(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message.")
        if not to.startswith("+") or not to[1:].isdigit():
            return error(400, 21211, f"The 'To' number {to} is not a valid phone number.")
        code = self.faults.permanent.get(to)
        if code is not None and code < 30000:
            self.requests.append(f"refused {code}")
            return error(400, code, f"Refused: error {code} for {to}.")
        fault = self._next_fault()
        self.requests.append(fault)
        if fault == "429":
            return error(429, 20429, "Too Many Requests")
        message = None
        if fault in ("ok", "500+", "timeout+"):
            message = FakeMessage(f"SM{next(self._sids):032x}", to, sender or "+46700000000", body,
                                  str(form.get("StatusCallback", "")), service, date_created=self.clock())
            self.messages[message.sid] = message
            self._spawn(self._deliver(message))
        if fault.startswith("500"):
            return error(500, 20500, "Internal Server Error")
        if fault.startswith("timeout"):
            await self._hang.wait()
            return error(503, 20503, "Service Unavailable")
        assert message is not None
        return web.json_response(message.as_json(self.account_sid), status=201)

    async def _list(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return error(401, 20003, "Authenticate")
        q = request.query
        found = sorted(self.messages.values(), key=lambda m: m.date_created, reverse=True)
        if "To" in q:
            found = [m for m in found if m.to == q["To"]]
        if "From" in q:
            found = [m for m in found if m.from_ == q["From"]]
        for name, keep in (("DateSent>", lambda d, t: d >= t), ("DateSent<", lambda d, t: d <= t),
                           ("DateSent", lambda d, t: d.date() == t.date())):
            if name in q:
                bound = _when(q[name])
                found = [m for m in found if m.date_sent is not None and keep(m.date_sent, bound)]
        size = int(q.get("PageSize", "50"))
        uri = API.format(account=self.account_sid) + ".json"
        return web.json_response({
            "messages": [m.as_json(self.account_sid) for m in found[:size]], "page": 0, "page_size": size,
            "start": 0, "end": min(size, len(found)), "uri": uri, "first_page_uri": uri,
            "next_page_uri": None, "previous_page_uri": None,
        })

    async def _fetch(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return error(401, 20003, "Authenticate")
        message = self.messages.get(request.match_info["sid"])
        if message is None:
            return error(404, 20404, "The requested resource was not found")
        return web.json_response(message.as_json(self.account_sid))

    # -- status callbacks -------------------------------------------------------------------------------

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, message: FakeMessage) -> None:
        code = self.faults.permanent.get(message.to) or self.faults.flaky_delivery.pop(message.to, None)
        final = ("undelivered", code) if code else ("delivered", None)
        steps: list[tuple[str, int | None]] = [("queued", None), ("sent", None), final]
        if self.reverse_callbacks:
            steps.reverse()
        await asyncio.sleep(0)  # let the create answer go out first, as Twilio usually does
        for status, error_code in steps:
            message.status, message.error_code = status, error_code
            if status == "sent":
                message.date_sent = self.clock()
            for _ in range(2 if self.duplicate_callbacks else 1):
                await self._callback(message, status, error_code)

    async def _callback(self, message: FakeMessage, status: str, error_code: int | None) -> None:
        if not self.callbacks or not message.status_callback or self._session is None:
            return
        fields = {"MessageSid": message.sid, "SmsSid": message.sid, "MessageStatus": status,
                  "SmsStatus": status, "AccountSid": self.account_sid, "From": message.from_,
                  "To": message.to, "ApiVersion": "2010-04-01"}
        if error_code:
            fields["ErrorCode"] = str(error_code)
        target = message.status_callback
        if self.callback_to:  # a proxy in front of the app: deliver locally, sign for the public URL
            path = target.split("/", 3)[3] if target.count("/") >= 3 else ""
            target = f"{self.callback_to.rstrip('/')}/{path}"
        headers = {"X-Twilio-Signature": self.sign(message.status_callback, fields)}
        with contextlib.suppress(aiohttp.ClientError):
            async with self._session.post(target, data=fields, headers=headers) as response:
                self.callback_log.append((message.status_callback, fields, response.status))



async def _serve(port: int, faults: Faults) -> None:
    fake = FakeTwilio(faults=faults)
    await fake.start_at(port)
    try:
        print(f"Fake Twilio on {fake.url}. Start the panel with:\n"
              f"  PANEL_SMS_BACKEND=twilio PANEL_TWILIO_API_BASE={fake.url} PANEL_TWILIO_ACCOUNT_SID={ACCOUNT_SID} "
              f"PANEL_TWILIO_AUTH_TOKEN={AUTH_TOKEN} PANEL_TWILIO_FROM=+46700000000 panel demo\n"
              f"and send an inbound SMS with: panel sms inbound --from +46701234567 STOPP", flush=True)
        await asyncio.Event().wait()  # until Ctrl+C
    finally:
        await fake.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A fake Twilio on a loopback port, for demos and benchmarks.")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each answer")
    parser.add_argument("--rate-429", type=float, default=0.0)
    parser.add_argument("--rate-5xx", type=float, default=0.0)
    parser.add_argument("--rate-timeout", type=float, default=0.0)
    args = parser.parse_args(argv)
    faults = Faults(latency=args.latency, rate_429=args.rate_429, rate_5xx=args.rate_5xx,
                    rate_timeout=args.rate_timeout)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.port, faults))


if __name__ == "__main__":
    main()
