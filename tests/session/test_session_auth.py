"""Lazy authorization, re-authorization on an expired token, and its single flight."""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio
import httpx
import pytest
from session_fakes import ACCOUNT_ID, API_URL, V3_AUTHORIZE_BODY, b2_error, list_buckets

from b2async._errors import (
    B2ConfigurationError,
    BadAuthToken,
    ExpiredAuthToken,
    Forbidden,
    Unauthorized,
)
from b2async._retry import sleeps_disabled

if TYPE_CHECKING:
    from session_fakes import FakeB2, SessionFactory

pytestmark = pytest.mark.anyio


async def test_authorization_is_lazy_and_cached(make_session: SessionFactory, fake: FakeB2) -> None:
    session = make_session()
    assert fake.authorize_calls == 0
    assert not session.is_authorized
    with pytest.raises(B2ConfigurationError, match="not authorized yet"):
        _ = session.account_id

    assert await session.call(list_buckets) == {"buckets": []}
    assert await session.call(list_buckets) == {"buckets": []}
    assert (fake.authorize_calls, fake.list_calls) == (1, 2)

    storage = V3_AUTHORIZE_BODY["apiInfo"]["storageApi"]
    assert session.is_authorized
    assert session.generation == 1
    assert session.account_id == ACCOUNT_ID
    assert session.api_url == API_URL
    assert session.download_url == storage["downloadUrl"]
    assert session.recommended_part_size == storage["recommendedPartSize"] == 100_000_000
    assert session.absolute_minimum_part_size == storage["absoluteMinimumPartSize"] == 5_000_000
    assert session.allowed.capabilities == storage["capabilities"]
    assert session.allowed.buckets is None


async def test_context_carries_the_current_token_and_generation(
    make_session: SessionFactory, fake: FakeB2
) -> None:
    session = make_session()
    context = await session.context()
    assert context.token.get_secret_value() == fake.tokens[0]
    assert context.generation == 1
    assert context.url("b2_list_buckets") == f"{API_URL}/b2api/v3/b2_list_buckets"
    assert (await session.authorization()).account_id == ACCOUNT_ID
    assert fake.authorize_calls == 1


async def test_explicit_authorize_always_refreshes(
    make_session: SessionFactory, fake: FakeB2
) -> None:
    session = make_session()
    first = await session.authorize()
    second = await session.authorize()
    assert fake.authorize_calls == 2
    assert first.authorization_token.get_secret_value() == fake.tokens[0]
    assert second.authorization_token.get_secret_value() == fake.tokens[1]
    assert (await session.context()).token.get_secret_value() == fake.tokens[1]
    assert session.generation == 2


async def test_concurrent_first_calls_authorize_once(
    make_session: SessionFactory, fake: FakeB2
) -> None:
    session = make_session()
    results: list[dict[str, object]] = []

    async def one() -> None:
        results.append(await session.call(list_buckets))

    async with anyio.create_task_group() as tg:
        for _ in range(50):
            tg.start_soon(one)
    assert results == [{"buckets": []}] * 50
    assert fake.authorize_calls == 1


async def test_expired_token_reauthorizes_once_and_replays(
    make_session: SessionFactory, fake: FakeB2
) -> None:
    session = make_session()
    await session.call(list_buckets)
    fake.expire_tokens()

    assert await session.call(list_buckets) == {"buckets": []}
    assert fake.authorize_calls == 2
    assert fake.list_calls == 3  # ok, 401, replay
    replay = fake.list_route.calls.last.request
    assert replay.headers["authorization"] == fake.tokens[1]
    assert session.generation == 2


async def test_bad_auth_token_is_treated_like_an_expired_one(
    make_session: SessionFactory, fake: FakeB2
) -> None:
    session = make_session()
    await session.authorization()
    fake.list_script.append(b2_error(401, "bad_auth_token"))
    assert await session.call(list_buckets) == {"buckets": []}
    assert fake.authorize_calls == 2


async def test_a_second_invalid_token_after_the_replay_surfaces(
    make_session: SessionFactory, fake: FakeB2
) -> None:
    session = make_session()
    await session.authorization()
    fake.list_script += [b2_error(401, "expired_auth_token"), b2_error(401, "bad_auth_token")]
    with pytest.raises(BadAuthToken):
        await session.call(list_buckets)
    assert fake.authorize_calls == 2
    assert fake.list_calls == 2


async def test_unauthorized_capability_errors_do_not_reauthorize(
    make_session: SessionFactory, fake: FakeB2
) -> None:
    session = make_session()
    await session.authorization()
    fake.list_script.append(b2_error(401, "unauthorized", "no listBuckets capability"))
    with pytest.raises(Unauthorized) as info:
        await session.call(list_buckets)
    assert info.value.code == "unauthorized"
    assert (fake.authorize_calls, fake.list_calls) == (1, 1)


async def test_bodiless_401_reauthorizes(make_session: SessionFactory, fake: FakeB2) -> None:
    # A HEAD request's 401 has no body, so no code: the token may just be old.
    session = make_session()
    await session.authorization()
    fake.list_script.append(httpx.Response(401))
    assert await session.call(list_buckets) == {"buckets": []}
    assert fake.authorize_calls == 2


async def test_hundred_concurrent_expired_calls_cause_exactly_one_authorize(
    make_session: SessionFactory, fake: FakeB2
) -> None:
    session = make_session()
    await session.authorization()
    assert fake.authorize_calls == 1
    fake.expire_tokens()
    # Hold every stale request until all 100 have been sent with the old token.
    fake.hold_stale_until = 100
    results: list[dict[str, object]] = []

    async def one() -> None:
        results.append(await session.call(list_buckets))

    with anyio.fail_after(30):
        async with anyio.create_task_group() as tg:
            for _ in range(100):
                tg.start_soon(one)

    assert results == [{"buckets": []}] * 100
    assert fake.authorize_calls == 2  # the initial one plus exactly one re-authorization
    assert fake.list_calls == 200  # 100 stale + 100 replays
    stale = [
        c for c in fake.list_route.calls if c.request.headers["authorization"] == fake.tokens[0]
    ]
    fresh = [
        c for c in fake.list_route.calls if c.request.headers["authorization"] == fake.tokens[1]
    ]
    assert (len(stale), len(fresh)) == (100, 100)
    assert session.generation == 2


async def test_reauthorize_if_stale_skips_when_a_newer_generation_exists(
    make_session: SessionFactory, fake: FakeB2
) -> None:
    session = make_session()
    old = await session.context()
    await session.reauthorize_if_stale(old.generation)
    assert fake.authorize_calls == 2
    await session.reauthorize_if_stale(old.generation)  # already refreshed: no call
    assert fake.authorize_calls == 2
    await session.reauthorize_if_stale(session.generation)
    assert fake.authorize_calls == 3


async def test_authorize_failure_surfaces_with_no_state_change(
    make_session: SessionFactory, fake: FakeB2
) -> None:
    session = make_session()
    fake.auth_script.append(b2_error(401, "bad_auth_token"))  # B2's answer to a wrong key
    with sleeps_disabled(), pytest.raises(BadAuthToken):
        await session.call(list_buckets)
    assert not session.is_authorized
    assert fake.list_calls == 0
    assert await session.call(list_buckets) == {"buckets": []}


async def test_failed_reauthorization_surfaces(make_session: SessionFactory, fake: FakeB2) -> None:
    session = make_session()
    await session.authorization()
    fake.expire_tokens()
    fake.auth_script.append(b2_error(401, "unauthorized", "key was deleted"))
    with pytest.raises(Unauthorized) as info:
        await session.call(list_buckets)
    assert not isinstance(info.value, ExpiredAuthToken)
    assert fake.authorize_calls == 2
    assert session.generation == 1


async def test_concurrent_first_calls_share_one_failed_authorize(
    make_session: SessionFactory, fake: FakeB2
) -> None:
    session = make_session()
    fake.auth_script.append(b2_error(401, "unauthorized", "invalid key"))
    failures: list[BaseException] = []

    async def one() -> None:
        try:
            await session.call(list_buckets)
        except Unauthorized as exc:
            failures.append(exc)

    async with anyio.create_task_group() as tg:
        for _ in range(20):
            tg.start_soon(one)
    assert len(failures) == 20
    assert fake.authorize_calls == 1  # the waiters shared the failure instead of retrying it
    assert fake.list_calls == 0
    # A later call makes a fresh attempt.
    assert await session.call(list_buckets) == {"buckets": []}
    assert fake.authorize_calls == 2


async def test_concurrent_expired_calls_share_one_failed_reauthorize(
    make_session: SessionFactory, fake: FakeB2
) -> None:
    session = make_session()
    await session.authorization()
    fake.expire_tokens()
    fake.hold_stale_until = 20
    fake.auth_script.append(b2_error(403, "transaction_cap_exceeded"))
    codes: list[str] = []

    async def one() -> None:
        try:
            await session.call(list_buckets)
        except Forbidden as exc:
            codes.append(exc.code)

    with anyio.fail_after(30):
        async with anyio.create_task_group() as tg:
            for _ in range(20):
                tg.start_soon(one)
    assert codes == ["transaction_cap_exceeded"] * 20
    assert fake.authorize_calls == 2
    assert session.generation == 1


async def test_cancelled_authorize_does_not_poison_waiters(
    make_session: SessionFactory, fake: FakeB2
) -> None:
    session = make_session()
    with anyio.move_on_after(0):  # cancelled before the request completes
        await session.authorize()
    assert not session.is_authorized
    assert await session.call(list_buckets) == {"buckets": []}
    assert session.generation == 1
