"""Session.call retries per the RetryPolicy; sleeps are recorded, never slept."""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio
import httpx
import pytest
from session_fakes import b2_error, list_buckets

from b2async._config import RetryPolicy
from b2async._errors import (
    B2APIError,
    B2ConnectionError,
    B2TimeoutError,
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    RangeNotSatisfiable,
    ServerError,
    ServiceUnavailable,
)
from b2async._retry import record_sleeps, sleeps_disabled

if TYPE_CHECKING:
    from session_fakes import FakeB2, SessionFactory

pytestmark = pytest.mark.anyio

POLICY = RetryPolicy(max_attempts=4, initial_backoff=0.5, multiplier=2.0, max_backoff=1.5)


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (408, "request_timeout"),
        (429, "too_many_requests"),
        (500, "internal_error"),
        (502, "bad_gateway"),
        (503, "service_unavailable"),
        (504, "gateway_timeout"),
    ],
)
async def test_retryable_statuses_are_retried_with_backoff(
    make_session: SessionFactory, fake: FakeB2, status: int, code: str
) -> None:
    session = make_session(retry=POLICY)
    await session.authorization()
    fake.list_script += [b2_error(status, code)] * 3
    with record_sleeps() as delays:
        assert await session.call(list_buckets) == {"buckets": []}
    assert fake.list_calls == 4
    assert len(delays) == 3
    # Full jitter under ceilings 0.5, 1.0, 1.5 (capped).
    for delay, ceiling in zip(delays, [0.5, 1.0, 1.5], strict=False):
        assert 0.0 <= delay <= ceiling
    assert fake.authorize_calls == 1


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ConnectError("connection refused"),
        httpx.RemoteProtocolError("server disconnected without sending a response"),
        httpx.ReadTimeout("timed out"),
    ],
    ids=["connect", "protocol", "timeout"],
)
async def test_transport_errors_are_retried(
    make_session: SessionFactory, fake: FakeB2, exc: Exception
) -> None:
    session = make_session(retry=POLICY)
    await session.authorization()
    fake.list_script += [exc, exc]
    with record_sleeps() as delays:
        assert await session.call(list_buckets) == {"buckets": []}
    assert fake.list_calls == 3
    assert len(delays) == 2


async def test_attempts_are_exhausted(make_session: SessionFactory, fake: FakeB2) -> None:
    session = make_session(retry=POLICY)
    await session.authorization()
    fake.list_script += [b2_error(503, "service_unavailable")] * 10
    with record_sleeps() as delays, pytest.raises(ServiceUnavailable):
        await session.call(list_buckets)
    assert fake.list_calls == POLICY.max_attempts == 4
    assert len(delays) == 3


async def test_exhausted_transport_errors_keep_their_cause(
    make_session: SessionFactory, fake: FakeB2
) -> None:
    session = make_session(retry=RetryPolicy(max_attempts=2))
    await session.authorization()
    cause = httpx.ReadTimeout("timed out")
    fake.list_script += [cause, cause]
    with record_sleeps() as delays, pytest.raises(B2TimeoutError) as info:
        await session.call(list_buckets)
    assert info.value.__cause__ is cause
    assert (fake.list_calls, len(delays)) == (2, 1)


async def test_retry_after_is_honoured_and_capped(
    make_session: SessionFactory, fake: FakeB2
) -> None:
    session = make_session(retry=RetryPolicy(max_retry_after=60.0))
    await session.authorization()
    fake.list_script += [
        b2_error(429, "too_many_requests", **{"Retry-After": "7"}),
        b2_error(503, "service_unavailable", **{"Retry-After": "3600"}),
    ]
    with record_sleeps() as delays:
        assert await session.call(list_buckets) == {"buckets": []}
    assert delays == [7.0, 60.0]


async def test_retry_after_is_ignored_when_the_policy_says_so(
    make_session: SessionFactory, fake: FakeB2
) -> None:
    session = make_session(retry=RetryPolicy(honour_retry_after=False, initial_backoff=0.25))
    await session.authorization()
    fake.list_script.append(b2_error(429, "too_many_requests", **{"Retry-After": "7"}))
    with record_sleeps() as delays:
        await session.call(list_buckets)
    assert len(delays) == 1
    assert 0.0 <= delays[0] <= 0.25


@pytest.mark.parametrize(
    ("status", "code", "cls"),
    [
        (400, "bad_request", BadRequest),
        (403, "transaction_cap_exceeded", Forbidden),
        (404, "not_found", NotFound),
        (409, "conflict", Conflict),
        (416, "range_not_satisfiable", RangeNotSatisfiable),
    ],
)
async def test_client_errors_are_not_retried(
    make_session: SessionFactory, fake: FakeB2, status: int, code: str, cls: type[B2APIError]
) -> None:
    session = make_session(retry=POLICY)
    await session.authorization()
    fake.list_script.append(b2_error(status, code))
    with record_sleeps() as delays, pytest.raises(cls):
        await session.call(list_buckets)
    assert (fake.list_calls, delays) == (1, [])


async def test_no_retries_with_a_single_attempt_policy(
    make_session: SessionFactory, fake: FakeB2
) -> None:
    session = make_session(retry=RetryPolicy(max_attempts=1))
    await session.authorization()
    fake.list_script.append(httpx.ConnectError("refused"))
    with record_sleeps() as delays, pytest.raises(B2ConnectionError):
        await session.call(list_buckets)
    assert (fake.list_calls, delays) == (1, [])


async def test_authorize_itself_is_retried(make_session: SessionFactory, fake: FakeB2) -> None:
    session = make_session(retry=POLICY)
    fake.auth_script += [b2_error(503, "service_unavailable"), httpx.ConnectError("refused")]
    with record_sleeps() as delays:
        assert await session.call(list_buckets) == {"buckets": []}
    assert fake.authorize_calls == 3
    assert len(delays) == 2
    assert session.generation == 1


async def test_retry_then_reauthorize_then_succeed(
    make_session: SessionFactory, fake: FakeB2
) -> None:
    session = make_session(retry=POLICY)
    await session.authorization()
    fake.list_script += [b2_error(500, "internal_error"), b2_error(401, "expired_auth_token")]
    with record_sleeps() as delays:
        assert await session.call(list_buckets) == {"buckets": []}
    assert (fake.list_calls, fake.authorize_calls, len(delays)) == (3, 2, 1)


async def test_unknown_5xx_html_is_retried(make_session: SessionFactory, fake: FakeB2) -> None:
    session = make_session(retry=POLICY)
    await session.authorization()
    fake.list_script.append(httpx.Response(502, text="<html>Bad Gateway</html>"))
    with record_sleeps() as delays:
        assert await session.call(list_buckets) == {"buckets": []}
    assert len(delays) == 1


async def test_sleeps_disabled_makes_long_backoffs_instant(
    make_session: SessionFactory, fake: FakeB2
) -> None:
    session = make_session(retry=RetryPolicy(initial_backoff=3600.0, max_backoff=3600.0))
    await session.authorization()
    fake.list_script += [b2_error(503, "service_unavailable")] * 2
    with sleeps_disabled(), anyio.fail_after(10):
        assert await session.call(list_buckets) == {"buckets": []}
    assert fake.list_calls == 3


async def test_retries_are_cancellable(make_session: SessionFactory, fake: FakeB2) -> None:
    session = make_session()
    await session.authorization()
    fake.list_script += [b2_error(503, "service_unavailable", **{"Retry-After": "300"})] * 5
    with anyio.move_on_after(0.05) as scope:
        await session.call(list_buckets)
    assert scope.cancelled_caught
    assert fake.list_calls == 1


async def test_server_error_class_is_exposed(make_session: SessionFactory, fake: FakeB2) -> None:
    session = make_session(retry=RetryPolicy(max_attempts=1))
    await session.authorization()
    fake.list_script.append(b2_error(504, "gateway_timeout"))
    with pytest.raises(ServerError) as info:
        await session.call(list_buckets)
    assert (info.value.status, info.value.code) == (504, "gateway_timeout")
