"""Backoff, Retry-After, retry decisions and the sleep switch."""

from __future__ import annotations

import logging
import random

import anyio
import pytest

from b2async._config import RetryPolicy
from b2async._errors import (
    B2ConfigurationError,
    B2ConnectionError,
    B2Error,
    B2TimeoutError,
    BadAuthToken,
    ChecksumMismatch,
    InvalidFileName,
    error_from_response,
)
from b2async._retry import (
    backoff_delay,
    is_retryable,
    record_sleeps,
    retry_delay,
    sleep,
    sleeps_disabled,
)

pytestmark = pytest.mark.anyio

POLICY = RetryPolicy(max_attempts=8, initial_backoff=1.0, multiplier=2.0, max_backoff=10.0)


def api_error(status: int, code: str = "x", retry_after: str | None = None) -> B2Error:
    headers = {"retry-after": retry_after} if retry_after is not None else {}
    return error_from_response(status, {"status": status, "code": code, "message": ""}, headers)


@pytest.mark.parametrize(
    ("attempt", "ceiling"), [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 10.0), (50, 10.0)]
)
def test_backoff_is_full_jitter_under_a_capped_exponential_ceiling(
    attempt: int, ceiling: float
) -> None:
    rng = random.Random(1234)
    draws = [backoff_delay(POLICY, attempt, rng=rng) for _ in range(2000)]
    assert all(0.0 <= d <= ceiling for d in draws)
    # Full jitter spreads over the whole window, not just near the ceiling.
    assert min(draws) < ceiling * 0.05
    assert max(draws) > ceiling * 0.95


def test_backoff_is_deterministic_with_a_seeded_rng() -> None:
    first = [backoff_delay(POLICY, n, rng=random.Random(7)) for n in range(1, 6)]
    second = [backoff_delay(POLICY, n, rng=random.Random(7)) for n in range(1, 6)]
    assert first == second


def test_backoff_survives_huge_attempt_numbers() -> None:
    policy = RetryPolicy(multiplier=10.0, max_backoff=5.0)
    assert 0.0 <= backoff_delay(policy, 100_000) <= 5.0


def test_zero_backoff_policy_never_waits() -> None:
    policy = RetryPolicy(initial_backoff=0.0)
    assert retry_delay(policy, api_error(503), 1) == 0.0


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_retryable_statuses_get_a_delay(status: int) -> None:
    delay = retry_delay(POLICY, api_error(status), 1)
    assert delay is not None
    assert 0.0 <= delay <= 1.0


@pytest.mark.parametrize(
    "error", [B2ConnectionError("reset"), B2TimeoutError("read timeout")], ids=["conn", "timeout"]
)
def test_transport_errors_are_retried(error: B2Error) -> None:
    delay = retry_delay(POLICY, error, 2)
    assert delay is not None
    assert 0.0 <= delay <= 2.0


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 416])
def test_client_errors_are_never_retried(status: int) -> None:
    assert retry_delay(POLICY, api_error(status), 1) is None


@pytest.mark.parametrize(
    "error",
    [
        BadAuthToken(401, "bad_auth_token"),
        InvalidFileName("bad", rule="max_bytes"),
        ValueError("not ours"),
        KeyError("x"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_other_errors_are_never_retried(error: BaseException) -> None:
    assert retry_delay(POLICY, error, 1) is None
    assert not is_retryable(error)


def test_integrity_errors_are_retryable() -> None:
    assert is_retryable(ChecksumMismatch("sha1", expected="a", actual="b"))


def test_attempts_are_exhausted_at_max_attempts() -> None:
    policy = RetryPolicy(max_attempts=3)
    error = api_error(503)
    assert retry_delay(policy, error, 1) is not None
    assert retry_delay(policy, error, 2) is not None
    assert retry_delay(policy, error, 3) is None
    assert retry_delay(RetryPolicy(max_attempts=1), error, 1) is None


def test_retry_after_replaces_the_backoff() -> None:
    assert retry_delay(POLICY, api_error(429, retry_after="42"), 1) == 42.0
    assert retry_delay(POLICY, api_error(503, retry_after="0"), 3) == 0.0


def test_retry_after_is_capped() -> None:
    policy = RetryPolicy(max_retry_after=30.0)
    assert retry_delay(policy, api_error(503, retry_after="3600"), 1) == 30.0


def test_retry_after_can_be_ignored() -> None:
    policy = RetryPolicy(honour_retry_after=False, initial_backoff=1.0)
    delay = retry_delay(policy, api_error(429, retry_after="42"), 1)
    assert delay is not None
    assert delay <= 1.0


def test_each_decision_is_logged_without_the_message(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="b2async.retry")
    error = error_from_response(503, {"code": "service_unavailable", "message": "SECRETISH"})
    retry_delay(RetryPolicy(max_attempts=2), error, 1)
    retry_delay(RetryPolicy(max_attempts=2), error, 2)
    retry_delay(POLICY, api_error(404, "not_found"), 1)
    records = [r for r in caplog.records if r.name == "b2async.retry"]
    assert len(records) == 3
    assert all(r.levelno == logging.DEBUG for r in records)
    text = "\n".join(r.getMessage() for r in records)
    assert "status=503" in text
    assert "code=service_unavailable" in text
    assert "attempt 1/2" in text
    assert "giving up" in text
    assert "not retrying NotFound" in text
    assert "SECRETISH" not in text


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_attempts": 0},
        {"max_attempts": 2.5},
        {"initial_backoff": -1.0},
        {"multiplier": 0.5},
        {"max_backoff": float("inf")},
        {"max_retry_after": float("nan")},
    ],
)
def test_retry_policy_is_validated(kwargs: dict[str, float]) -> None:
    with pytest.raises(B2ConfigurationError):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


async def test_disabled_sleeps_return_at_once() -> None:
    with sleeps_disabled():
        with anyio.fail_after(5):
            await sleep(3600)
            await sleep(3600)


async def test_sleep_really_sleeps_when_enabled() -> None:
    # A sleep that is not disabled must not finish before it is cancelled.
    with anyio.move_on_after(0.01) as scope:
        await sleep(3600)
    assert scope.cancelled_caught


async def test_record_sleeps_collects_delays_without_sleeping() -> None:
    with record_sleeps() as outer:
        await sleep(1.5)
        with record_sleeps() as inner:
            with anyio.fail_after(5):
                await sleep(3600)
        await sleep(0.25)
    await sleep(0)
    assert inner == [3600]
    assert outer == [1.5, 3600, 0.25]
