"""The rules of the outbox: which provider errors are worth retrying, backoff, and which states may follow which.

Pure, no I/O, so that every rule is tested directly (tests/sms/test_policy.py).
"""

from __future__ import annotations

import enum
import random

# Our states. 'sending' covers both "claimed by the dispatcher, request in flight" (provider_sid empty) and
# "accepted by the provider, on its way to the carrier" (provider_sid set).
QUEUED, SENDING, SENT, DELIVERED, UNDELIVERED, FAILED, CANCELLED = (
    "queued", "sending", "sent", "delivered", "undelivered", "failed", "cancelled",
)
STATES = (QUEUED, SENDING, SENT, DELIVERED, UNDELIVERED, FAILED, CANCELLED)
FINAL = frozenset({DELIVERED, UNDELIVERED, FAILED, CANCELLED})
_RANK = {QUEUED: 0, SENDING: 1, SENT: 2, DELIVERED: 3, UNDELIVERED: 3, FAILED: 3, CANCELLED: 3}

# Twilio's MessageStatus values mapped onto ours; 'read' (WhatsApp/RCS) implies delivered.
PROVIDER_STATES = {
    "accepted": SENDING, "scheduled": SENDING, "queued": SENDING, "sending": SENDING,
    "sent": SENT, "delivered": DELIVERED, "read": DELIVERED,
    "undelivered": UNDELIVERED, "failed": FAILED, "canceled": CANCELLED,
}

MAX_ATTEMPTS = 6
BACKOFF_BASE = 30.0  # seconds before the second attempt
BACKOFF_CAP = 3600.0

# Codes that mean "try again later": rate limits, queue overflow, handset unreachable, carrier congestion.
TRANSIENT_CODES = frozenset({20429, 30001, 30003, 30017, 30022})
# Credentials or account trouble: nothing is wrong with the message, so keep it and let staff fix the setup.
CONFIG_CODES = frozenset({20003, 20005, 30002})
# The number cannot get SMS (invalid, not mobile, landline, unknown): mark it on the member.
INVALID_NUMBER_CODES = frozenset({21211, 21614, 30005, 30006})
# The recipient replied STOP to our sender at the provider: treat as opted out.
OPTED_OUT_CODES = frozenset({21610})


class Outcome(enum.Enum):
    TRANSIENT = "transient"  # not sent; retry with backoff
    SETUP = "setup"  # not sent because of our credentials or account: keep retrying until staff fix it
    PERMANENT = "permanent"  # not sent and never will be; record and stop
    UNKNOWN = "unknown"  # may or may not have been sent; reconcile before anything else


def classify(status: int | None, code: int | None) -> Outcome:
    """What a failed send means, from the HTTP status (None: no response at all) and Twilio's error code."""
    if code in CONFIG_CODES or status in (401, 403):
        return Outcome.SETUP
    if code in TRANSIENT_CODES or status == 429:
        return Outcome.TRANSIENT
    if status is None or status >= 500:
        return Outcome.UNKNOWN
    return Outcome.PERMANENT


def retry_after_delivery_failure(code: int | None, attempts: int) -> bool:
    """True when an undelivered/failed callback should put the message back in the queue."""
    return code in TRANSIENT_CODES and attempts < MAX_ATTEMPTS


def backoff(attempts: int, rng: random.Random) -> float:
    """Seconds to wait after `attempts` failed tries: exponential, capped, with "equal jitter".

    The random half spreads a burst of 429s over time instead of bringing them all back at the same instant;
    the fixed half keeps a minimum pause so that a struggling provider is not hit again at once.
    """
    bound = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(0, attempts - 1))
    return bound / 2 + rng.uniform(0, bound / 2)


def can_move(current: str, new: str) -> bool:
    """States only move forward: late, repeated and out-of-order callbacks change nothing."""
    return _RANK[new] > _RANK[current]


def from_provider(status: str) -> str | None:
    return PROVIDER_STATES.get(status.strip().lower())
