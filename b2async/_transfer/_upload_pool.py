"""Upload-URL pools and the per-URL retry loop for data uploads.

B2 allows one upload at a time per upload URL (a second concurrent one gets
``400 auth_token_limit``), and tells clients to fetch a *new* URL when an upload on a URL
fails with a connection error, a timeout, 408, any 5xx or 401 (the upload token may be bad).
So each bucket (and each large file) has a pool of idle URLs:

* :meth:`UploadUrlPool.acquire` hands out an idle URL exclusively (LIFO, O(1)) or fetches a
  new one; URLs older than 23 hours are dropped (B2 upload tokens last 24 hours).
* :meth:`UploadUrlPool.release` puts a URL back after an upload on it ended cleanly.
* :meth:`UploadUrlPool.discard` forgets a URL that failed. Only that one: the other idle URLs
  stay usable (b2sdk drops the whole pool).

:func:`upload_with_retries` drives one upload (a small file or one part) through up to
``RetryPolicy.max_attempts`` URLs, backing off before the retry on 429/503 (``Retry-After``
honoured) and surfacing other errors at once.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from typing import TYPE_CHECKING, Generic, TypeVar

import anyio

from b2async._errors import (
    B2Error,
    B2TransportError,
    ChecksumMismatch,
    InvalidAuthToken,
    RequestTimeout,
    ServerError,
    ServiceUnavailable,
    TooManyRequests,
    Unauthorized,
    UploadFailed,
)

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from b2async._config import RetryPolicy

__all__ = ["URL_MAX_AGE", "UploadUrlPool", "is_url_fault", "upload_with_retries"]

_log = logging.getLogger("b2async.transfer")

#: Upload tokens are valid for 24 hours; stop reusing a URL an hour before that.
URL_MAX_AGE = 23 * 3600.0

U = TypeVar("U")
T = TypeVar("T")


class UploadUrlPool(Generic[U]):
    """Idle upload URLs of one bucket or one large file, each used by one upload at a time.

    Args:
        fetch: gets a fresh URL (``b2_get_upload_url`` / ``b2_get_upload_part_url``, called
            through the session so an expired account token is re-authorized there).
        clock: monotonic seconds (injectable for tests).
        max_age: seconds after which a URL is not reused.
    """

    def __init__(
        self,
        fetch: Callable[[], Awaitable[U]],
        *,
        clock: Callable[[], float] = time.monotonic,
        max_age: float = URL_MAX_AGE,
    ) -> None:
        self._fetch = fetch
        self._clock = clock
        self._max_age = max_age
        self._idle: deque[tuple[U, float]] = deque()
        self._born: dict[int, float] = {}
        #: URLs fetched, discarded: counters for tests and diagnostics.
        self.fetched = 0
        self.discarded = 0

    def __len__(self) -> int:
        return len(self._idle)

    @property
    def idle(self) -> list[U]:
        """The idle URLs (newest last)."""
        return [url for url, _ in self._idle]

    async def acquire(self) -> U:
        """An idle URL for exclusive use, or a newly fetched one."""
        now = self._clock()
        while self._idle:
            url, born = self._idle.pop()
            if now - born < self._max_age:
                self._born[id(url)] = born
                return url
            # Too old to trust: let it go quietly (it failed nothing).
        url = await self._fetch()
        self.fetched += 1
        self._born[id(url)] = self._clock()
        return url

    def release(self, url: U) -> None:
        """Return ``url`` to the pool after an upload on it ended cleanly."""
        born = self._born.pop(id(url), None)
        if born is None:
            born = self._clock()
        self._idle.append((url, born))

    def discard(self, url: U) -> None:
        """Forget ``url`` (it saw a failure); other idle URLs are kept."""
        self._born.pop(id(url), None)
        self.discarded += 1


def is_url_fault(error: BaseException) -> bool:
    """Whether ``error`` means "this upload URL is bad; get a new one and retry".

    B2 (§8.3): connection errors, timeouts, 408, 5xx and 401 on the upload token. We also
    retry our own :class:`ChecksumMismatch` (the acknowledgement did not match what we
    sent, so the bytes may have been damaged on the way).
    """
    if isinstance(error, (B2TransportError, RequestTimeout, ServerError, ChecksumMismatch)):
        return True
    # 401 on an upload URL: the upload token expired or is bad. Capability errors
    # (``unauthorized``, email/payment problems) are not helped by a new URL.
    return isinstance(error, InvalidAuthToken) or (
        isinstance(error, Unauthorized) and error.code in ("bad_auth_token", "expired_auth_token")
    )


def _delay(policy: RetryPolicy, error: BaseException, attempt: int) -> float:
    from b2async import _retry

    delay = _retry.retry_delay(policy, error, attempt)
    if delay is None:
        delay = _retry.backoff_delay(policy, attempt)
    return delay


async def upload_with_retries(
    pool: UploadUrlPool[U],
    policy: RetryPolicy,
    attempt: Callable[[U], Awaitable[T]],
    *,
    what: str,
    on_retry: Callable[[], None] | None = None,
    limiter: anyio.CapacityLimiter | None = None,
) -> T:
    """Run ``attempt(url)`` on pooled URLs until it succeeds or the attempts run out.

    Args:
        pool: where URLs come from and go back to.
        policy: ``max_attempts`` and the backoff for 429/503.
        attempt: one upload on one URL; must be repeatable (the source is re-read or the
            buffer re-sent by the caller).
        what: a description for messages and logs (never a token).
        on_retry: called before each retry (e.g. to roll back progress).
        limiter: bounds the requests in flight (a batch's ``concurrency``). A slot is held
            from taking a URL until the attempt ends, so a pool never holds more URLs than
            there are slots, and it is given back during a backoff sleep.

    Raises:
        UploadFailed: every attempt failed; the last error is chained.
        B2Error: an error a retry cannot help (400, 403, ...), at once.
    """
    from b2async import _retry

    last: BaseException | None = None
    for number in range(1, policy.max_attempts + 1):
        if limiter is None:
            done, result, last, delay = await _attempt_once(pool, policy, attempt, number)
        else:
            try:
                # A free slot is taken without the scheduling round trip of ``acquire()``
                # (the request itself is the checkpoint); only a full limiter waits.
                limiter.acquire_nowait()
            except anyio.WouldBlock:
                await limiter.acquire()
            try:
                done, result, last, delay = await _attempt_once(pool, policy, attempt, number)
            finally:
                limiter.release()
        if done:
            return result  # type: ignore[return-value]
        if number == policy.max_attempts:
            break
        _log.debug(
            "%s: attempt %d failed with %s; retrying in %.2fs on another URL",
            what,
            number,
            type(last).__name__,
            delay,
        )
        if on_retry is not None:
            on_retry()
        await _retry.sleep(delay)
    raise UploadFailed(
        f"{what}: gave up after {policy.max_attempts} attempts ({type(last).__name__})",
        attempts=policy.max_attempts,
    ) from last


async def _attempt_once(
    pool: UploadUrlPool[U],
    policy: RetryPolicy,
    attempt: Callable[[U], Awaitable[T]],
    number: int,
) -> tuple[bool, T | None, BaseException | None, float]:
    """One attempt on one URL: ``(succeeded, result, retryable error, delay before retry)``.

    Errors a retry cannot help are raised.
    """
    try:
        url = await pool.acquire()
    except Exception as exc:
        # Getting a URL already went through the session's retries (and its one
        # re-authorization); if it still failed retryably, count it as an attempt.
        if not (is_url_fault(exc) or isinstance(exc, TooManyRequests)):
            raise
        return False, None, exc, _delay(policy, exc, number)
    try:
        result = await attempt(url)
    except anyio.get_cancelled_exc_class():
        # The request was cut mid-way: the URL's state is unknown; do not reuse it.
        pool.discard(url)
        raise
    except TooManyRequests as exc:
        # 429: the URL is fine, B2 wants us to slow down.
        pool.release(url)
        return False, None, exc, _delay(policy, exc, number)
    except Exception as exc:
        if not is_url_fault(exc):
            # B2 answered (400, 403, ...) or the request was never sent: the URL is free. Any
            # other error (the source failed to read) cut the request short mid-body: as on
            # cancellation, B2 may still count the upload as running on that token.
            if isinstance(exc, B2Error):
                pool.release(url)
            else:
                pool.discard(url)
            raise
        pool.discard(url)
        delay = _delay(policy, exc, number) if isinstance(exc, ServiceUnavailable) else 0.0
        return False, None, exc, delay
    pool.release(url)
    return True, result, None, 0.0
