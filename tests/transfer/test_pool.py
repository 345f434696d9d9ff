"""The upload-URL pool and its retry loop, without HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from b2async._config import RetryPolicy
from b2async._errors import (
    B2ConnectionError,
    BadRequest,
    ExpiredAuthToken,
    InternalError,
    RequestTimeout,
    ServiceUnavailable,
    TooManyRequests,
    Unauthorized,
    UploadFailed,
)
from b2async._retry import record_sleeps
from b2async._transfer._upload_pool import UploadUrlPool, upload_with_retries

pytestmark = pytest.mark.anyio


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def make_pool(clock: Clock | None = None) -> UploadUrlPool[str]:
    counter = iter(range(1000))

    async def fetch() -> str:
        return f"url-{next(counter)}"

    return UploadUrlPool(fetch, clock=clock or Clock())


async def test_each_url_is_used_by_one_upload_at_a_time() -> None:
    pool = make_pool()
    a, b = await pool.acquire(), await pool.acquire()
    assert a != b
    pool.release(a)
    assert await pool.acquire() == a
    assert pool.fetched == 2


@pytest.mark.parametrize(
    "error",
    [
        ServiceUnavailable(503, "service_unavailable"),
        InternalError(500, "internal_error"),
        RequestTimeout(408, "request_timeout"),
        ExpiredAuthToken(401, "expired_auth_token"),
        B2ConnectionError("reset"),
    ],
)
async def test_a_failing_url_is_evicted_alone(error: Exception) -> None:
    pool = make_pool()
    urls = [await pool.acquire() for _ in range(3)]
    for url in urls[1:]:
        pool.release(url)  # two healthy idle URLs
    pool.release(urls[0])
    used: list[str] = []

    async def attempt(url: str) -> str:
        used.append(url)
        if len(used) == 1:
            raise error
        return url

    result = await upload_with_retries(pool, RetryPolicy(), attempt, what="test")
    assert used[0] == urls[0]
    assert result == used[1] != used[0]
    assert used[0] not in pool.idle  # the failing one is gone
    assert set(pool.idle) == set(urls[1:])  # the healthy ones are kept
    assert pool.fetched == 3  # no new URL needed, no pool flush


async def test_429_backs_off_with_retry_after_and_keeps_the_url() -> None:
    pool = make_pool()
    calls: list[str] = []

    async def attempt(url: str) -> str:
        calls.append(url)
        if len(calls) == 1:
            raise TooManyRequests(429, "too_many_requests", retry_after=7.0)
        return url

    with record_sleeps() as delays:
        await upload_with_retries(pool, RetryPolicy(), attempt, what="test")
    assert delays == [7.0]
    assert calls[0] == calls[1]  # 429 says "slow down", not "this URL is bad"


async def test_503_backs_off_and_changes_url() -> None:
    pool = make_pool()
    calls: list[str] = []

    async def attempt(url: str) -> str:
        calls.append(url)
        if len(calls) == 1:
            raise ServiceUnavailable(503, "service_unavailable", retry_after=3.0)
        return url

    with record_sleeps() as delays:
        await upload_with_retries(pool, RetryPolicy(), attempt, what="test")
    assert delays == [3.0]
    assert calls[0] != calls[1]


@pytest.mark.parametrize(
    ("error", "url_kept"),
    [
        # B2 answered: the upload on the URL is over, and the URL itself is fine.
        (BadRequest(400, "bad_request"), True),
        (Unauthorized(401, "unauthorized"), True),
        # The source failed mid-body: B2 may still count an upload as running on that token
        # (a second one would get 400 auth_token_limit), so the URL is not handed out again.
        (OSError("the disk failed"), False),
        (ValueError("bad chunk"), False),
    ],
)
async def test_other_errors_surface_at_once(error: Exception, url_kept: bool) -> None:
    pool = make_pool()
    calls = 0

    async def attempt(url: str) -> Any:
        nonlocal calls
        calls += 1
        raise error

    with pytest.raises(type(error)):
        await upload_with_retries(pool, RetryPolicy(), attempt, what="test")
    assert calls == 1
    assert len(pool) == (1 if url_kept else 0)
    assert pool.discarded == (0 if url_kept else 1)


async def test_gives_up_after_max_attempts_with_the_last_error_chained() -> None:
    pool = make_pool()
    calls = 0

    async def attempt(url: str) -> Any:
        nonlocal calls
        calls += 1
        raise InternalError(500, "internal_error", f"boom {calls}")

    with pytest.raises(UploadFailed) as info:
        await upload_with_retries(pool, RetryPolicy(max_attempts=5), attempt, what="test")
    assert calls == 5
    assert info.value.attempts == 5
    assert isinstance(info.value.__cause__, InternalError)
    assert "boom 5" in str(info.value.__cause__)
    assert pool.discarded == 5
    assert len(pool) == 0


async def test_urls_older_than_23_hours_are_not_reused() -> None:
    clock = Clock()
    pool = make_pool(clock)
    url = await pool.acquire()
    pool.release(url)
    clock.now = 22 * 3600
    assert await pool.acquire() == url
    pool.release(url)
    clock.now = 23 * 3600 + 1
    fresh = await pool.acquire()
    assert fresh != url
    assert pool.fetched == 2
