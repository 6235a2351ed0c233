"""The outbox rules: error classes, backoff with jitter, forward-only states."""

from __future__ import annotations

import random

import pytest

from sms import policy
from sms.policy import Outcome, backoff, can_move, classify, from_provider, retry_after_delivery_failure


@pytest.mark.parametrize(
    ("status", "code", "outcome"),
    [
        (429, 20429, Outcome.TRANSIENT), (429, None, Outcome.TRANSIENT), (400, 30001, Outcome.TRANSIENT),
        (401, 20003, Outcome.SETUP), (400, 30002, Outcome.SETUP),  # our account: hold, never fail
        (400, 21211, Outcome.PERMANENT), (400, 21614, Outcome.PERMANENT), (400, 21610, Outcome.PERMANENT),
        (400, 21602, Outcome.PERMANENT),
        (500, 20500, Outcome.UNKNOWN), (503, None, Outcome.UNKNOWN), (None, None, Outcome.UNKNOWN),
    ],
)
def test_classify(status: int | None, code: int | None, outcome: Outcome) -> None:
    assert classify(status, code) is outcome


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    rng = random.Random(7)
    for attempts in range(1, 12):
        bound = min(policy.BACKOFF_CAP, policy.BACKOFF_BASE * 2 ** (attempts - 1))
        delays = {backoff(attempts, rng) for _ in range(20)}
        assert all(bound / 2 <= d <= bound for d in delays)
        assert len(delays) > 1  # jittered, so a burst of 429s does not come back at one instant
    assert backoff(2, random.Random(1)) > backoff(1, random.Random(1))


def test_delivery_failures_retried_only_for_transient_codes_and_attempts_left() -> None:
    assert retry_after_delivery_failure(30003, 1)
    assert not retry_after_delivery_failure(30003, policy.MAX_ATTEMPTS)
    assert not retry_after_delivery_failure(30006, 1)
    assert not retry_after_delivery_failure(None, 1)


# Every allowed move, written out: from each non-final state to any later one.
LATER = {
    "queued": {"sending", "sent", "delivered", "undelivered", "failed", "cancelled"},
    "sending": {"sent", "delivered", "undelivered", "failed", "cancelled"},
    "sent": {"delivered", "undelivered", "failed", "cancelled"},
}


@pytest.mark.parametrize("current", policy.STATES)
@pytest.mark.parametrize("new", policy.STATES)
def test_states_only_move_forward(current: str, new: str) -> None:
    assert can_move(current, new) == (new in LATER.get(current, set()))


def test_final_states_never_move() -> None:
    for final in policy.FINAL:
        assert not any(can_move(final, new) for new in policy.STATES)


@pytest.mark.parametrize(
    ("provider", "ours"),
    [("accepted", "sending"), ("queued", "sending"), ("sending", "sending"), ("sent", "sent"),
     ("delivered", "delivered"), ("read", "delivered"), ("undelivered", "undelivered"), ("failed", "failed"),
     ("canceled", "cancelled"), (" Delivered ", "delivered"), ("receiving", None), ("", None)],
)
def test_provider_states(provider: str, ours: str | None) -> None:
    assert from_provider(provider) == ours
