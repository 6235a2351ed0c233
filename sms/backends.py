"""Where SMS go: one small interface, a console backend (the embedded default) and Twilio.

A backend answers two questions: "send this" (returning the provider's id and state, or raising `SendError`
that says whether the text certainly did not go, never will, or might have gone), and "did this text go
to this number since then?" — asked before any retry of an attempt whose outcome is unknown.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

import aiohttp
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from sms.policy import Outcome, classify

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outgoing:
    id: int
    recipient: str
    body: str


@dataclass(frozen=True)
class SendResult:
    provider_sid: str
    status: str  # the provider's word: queued, accepted, sent, delivered, failed ...
    error_code: str = ""


class SendError(Exception):
    def __init__(self, outcome: Outcome, code: str, message: str) -> None:
        super().__init__(f"{outcome.value} {code}: {message}")
        self.outcome = outcome
        self.code = code
        self.message = message


class Sender(Protocol):
    name: str

    async def send(self, message: Outgoing) -> SendResult: ...

    async def find(self, recipient: str, body: str, since: datetime) -> list[SendResult]:
        """The provider's records of `body` sent to `recipient` at or after `since` (newest first)."""
        ...

    async def close(self) -> None: ...


class ConsoleSender:
    """Stores and logs only: the message shows as sent on the staff outbox page, with its text."""

    name = "console"

    async def send(self, message: Outgoing) -> SendResult:
        log.info("SMS to %s (outbox #%d): %s", message.recipient, message.id, message.body)
        return SendResult(f"console-{message.id}", "sent")

    async def find(self, recipient: str, body: str, since: datetime) -> list[SendResult]:
        return []  # nothing leaves the process, so an interrupted attempt never reached anyone

    async def close(self) -> None:
        return None


class TwilioHttpClient(AsyncTwilioHttpClient):
    """The official async HTTP client, sending the credentials as a header it builds itself.

    The parent hands aiohttp a `BasicAuth` object, which aiohttp 3.14 deprecates with a warning per request.
    """

    async def request(self, method: str, url: str, params: dict[str, object] | None = None,
                      data: dict[str, object] | None = None, headers: dict[str, str] | None = None,
                      auth: tuple[str, str] | None = None,
                      timeout: float | None = None,  # noqa: ASYNC109 - the parent's signature
                      allow_redirects: bool = False) -> Response:
        headers = dict(headers or {})
        if auth is not None:
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
            headers["Authorization"] = f"Basic {token}"
        return await super().request(method, url, params=params, data=data, headers=headers, auth=None,
                                     timeout=timeout, allow_redirects=allow_redirects)


class TwilioSender:
    """The official client's async API; our own timeout and retry policy (its retries could send twice)."""

    name = "twilio"
    # Clock skew between us and the provider when matching an interrupted attempt to its list of messages.
    SKEW = timedelta(minutes=2)

    def __init__(self, client: Client, *, sender: str, messaging_service_sid: str,
                 status_url: Callable[[int], str], timeout: float = 15.0) -> None:
        self.client = client
        self.sender = sender
        self.messaging_service_sid = messaging_service_sid
        self.status_url = status_url
        self.timeout = timeout

    async def send(self, message: Outgoing) -> SendResult:
        route = ({"messaging_service_sid": self.messaging_service_sid} if self.messaging_service_sid
                 else {"from_": self.sender})
        try:
            async with asyncio.timeout(self.timeout):
                created = await self.client.messages.create_async(
                    to=message.recipient, body=message.body, status_callback=self.status_url(message.id), **route
                )
        except TwilioRestException as exc:
            code = exc.code if isinstance(exc.code, int) else None
            raise SendError(classify(exc.status, code), str(exc.code or exc.status), exc.msg) from exc
        except aiohttp.ClientConnectorError as exc:  # never connected: the request certainly did not arrive
            raise SendError(Outcome.TRANSIENT, "connect", str(exc)) from exc
        except TimeoutError as exc:
            raise SendError(Outcome.UNKNOWN, "timeout", f"no answer within {self.timeout:g} s") from exc
        except (aiohttp.ClientError, TwilioException, ValueError) as exc:  # cut off mid-way, or garbled reply
            raise SendError(Outcome.UNKNOWN, "connection", str(exc) or type(exc).__name__) from exc
        return SendResult(str(created.sid), str(created.status or "queued"), str(created.error_code or ""))

    async def find(self, recipient: str, body: str, since: datetime) -> list[SendResult]:
        # Listed by recipient only, newest first: a message still queued at the provider has no DateSent yet,
        # so a DateSent filter would hide exactly the message we are looking for.
        async with asyncio.timeout(self.timeout):
            found = await self.client.messages.list_async(to=recipient, limit=50)
        return [
            SendResult(str(item.sid), str(item.status), str(item.error_code or ""))
            for item in found
            if item.body == body and item.date_created is not None and item.date_created >= since - self.SKEW
        ]

    async def close(self) -> None:
        await self.client.http_client.close()
