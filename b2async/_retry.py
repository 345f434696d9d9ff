"""Retry decisions: which failures to retry and how long to wait.

The functions here are pure (apart from a DEBUG log line per decision), so the session, the
transfer engine and the tests all share one definition of "retryable" and one backoff curve.

B2 asks clients to back off exponentially on 408, 429, 5xx and network failures and to honour
``Retry-After`` (seconds) when it is sent; 400/401/403/404/409/416 never succeed by repeating
the same request (401s are handled by re-authorizing, which is the session's business).

Tests can make every retry sleep instant with :func:`sleeps_disabled`, and see the delays that
would have been slept with :func:`record_sleeps`. Both are process-wide switches (a plain module
counter, not a context variable) so they reach tasks started anywhere, on asyncio and on trio.
"""

from __future__ import annotations

import logging
import random
from contextlib import contextmanager
from typing import TYPE_CHECKING

import anyio
import anyio.lowlevel

from b2async._errors import B2APIError, B2Error

if TYPE_CHECKING:
    from collections.abc import Iterator

    from b2async._config import RetryPolicy

__all__ = [
    "backoff_delay",
    "is_retryable",
    "record_sleeps",
    "retry_delay",
    "sleep",
    "sleeps_disabled",
]

logger = logging.getLogger("b2async.retry")

_rng = random.Random()

# Process-wide test switches (see the module docstring).
_disabled_depth = 0
_recorders: list[list[float]] = []


def backoff_delay(policy: RetryPolicy, attempt: int, *, rng: random.Random | None = None) -> float:
    """The delay before retrying after failed attempt number ``attempt`` (1-based).

    Full jitter: a uniform draw from ``[0, ceiling]`` with
    ``ceiling = min(max_backoff, initial_backoff * multiplier ** (attempt - 1))``, which
    spreads many clients (or many tasks of one client) hitting the same 503 across the window
    instead of having them retry in lock-step.

    Args:
        policy: the retry policy.
        attempt: how many attempts have failed so far (``1`` after the first failure).
        rng: source of randomness (tests pass a seeded one).
    """
    exponent = max(0, attempt - 1)
    try:
        ceiling = policy.initial_backoff * policy.multiplier**exponent
    except OverflowError:
        ceiling = policy.max_backoff
    ceiling = min(policy.max_backoff, ceiling)
    return (rng or _rng).uniform(0.0, ceiling)


def is_retryable(error: BaseException) -> bool:
    """Whether repeating the same request may succeed.

    True for transport errors (no answer), 408, 429 and every 5xx (whatever its code), and for
    the client-side integrity errors marked ``retryable`` (checksum mismatch, truncation).
    """
    if isinstance(error, B2APIError):
        status = error.status
        return status in (408, 429) or 500 <= status <= 599
    return isinstance(error, B2Error) and error.retryable


def retry_delay(policy: RetryPolicy, error: BaseException, attempt: int) -> float | None:
    """Decide whether to retry after failed attempt number ``attempt`` (1-based).

    Args:
        policy: the retry policy.
        error: what the attempt raised.
        attempt: how many attempts have failed so far, including this one.

    Returns:
        The seconds to sleep before the next attempt, or ``None`` to give up (the error is not
        retryable, or ``policy.max_attempts`` attempts have been made).
    """
    status = getattr(error, "status", None)
    code = getattr(error, "code", None)
    kind = type(error).__name__
    if not is_retryable(error):
        logger.debug("not retrying %s (status=%s, code=%s)", kind, status, code)
        return None
    if attempt >= policy.max_attempts:
        logger.debug(
            "giving up on %s (status=%s, code=%s) after %d attempts", kind, status, code, attempt
        )
        return None
    retry_after = getattr(error, "retry_after", None)
    if policy.honour_retry_after and retry_after is not None:
        delay = min(float(retry_after), policy.max_retry_after)
        source = "retry-after"
    else:
        delay = backoff_delay(policy, attempt)
        source = "backoff"
    logger.debug(
        "retrying %s (status=%s, code=%s) after attempt %d/%d in %.3fs (%s)",
        kind,
        status,
        code,
        attempt,
        policy.max_attempts,
        delay,
        source,
    )
    return delay


@contextmanager
def sleeps_disabled() -> Iterator[None]:
    """Make every :func:`sleep` return at once while the block runs (for tests).

    Process-wide and re-entrant; works the same under asyncio and trio. As a fixture::

        @pytest.fixture(autouse=True)
        def _no_retry_sleeps() -> Iterator[None]:
            with sleeps_disabled():
                yield
    """
    global _disabled_depth
    _disabled_depth += 1
    try:
        yield
    finally:
        _disabled_depth -= 1


@contextmanager
def record_sleeps() -> Iterator[list[float]]:
    """Record the delay of every :func:`sleep` in the yielded list, without sleeping (for tests).

    Example::

        with record_sleeps() as delays:
            await session.call(...)
        assert delays == [2.0]
    """
    delays: list[float] = []
    _recorders.append(delays)
    try:
        with sleeps_disabled():
            yield delays
    finally:
        # by identity: another recorder may hold an equal list
        for index, recorder in enumerate(_recorders):
            if recorder is delays:
                del _recorders[index]
                break


async def sleep(seconds: float) -> None:
    """Sleep before a retry, unless :func:`sleeps_disabled` is active.

    Even when disabled this is a checkpoint, so cancellation is still delivered.
    """
    for recorder in _recorders:
        recorder.append(seconds)
    if _disabled_depth:
        await anyio.lowlevel.checkpoint()
    else:
        await anyio.sleep(seconds)
