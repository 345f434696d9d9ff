"""B2Client construction, configuration, ownership and input checks (no B2 needed)."""

from __future__ import annotations

import re

import httpx
import pytest

from b2async._client import B2Client
from b2async._errors import B2ConfigurationError, B2ValidationError, InvalidBucketName
from b2async._http_client import LeanAsyncClient, default_http_client

pytestmark = pytest.mark.anyio

SECRET = "K005verysecretapplicationkeyvalue"


class CountingTransport(httpx.AsyncBaseTransport):
    """Answers 500 to everything and counts the requests it saw."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(500, json={"status": 500, "code": "internal_error", "message": ""})


def variables_named(message: str) -> set[str]:
    return set(re.findall(r"\bB2_APPLICATION_KEY(?:_ID)?\b", message))


def test_from_env_names_both_variables_when_both_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("B2_APPLICATION_KEY_ID", raising=False)
    monkeypatch.delenv("B2_APPLICATION_KEY", raising=False)
    with pytest.raises(B2ConfigurationError) as info:
        B2Client.from_env()
    assert variables_named(str(info.value)) == {"B2_APPLICATION_KEY_ID", "B2_APPLICATION_KEY"}


@pytest.mark.parametrize("present", ["B2_APPLICATION_KEY_ID", "B2_APPLICATION_KEY"])
def test_from_env_names_both_variables_when_one_missing(
    monkeypatch: pytest.MonkeyPatch, present: str
) -> None:
    monkeypatch.delenv("B2_APPLICATION_KEY_ID", raising=False)
    monkeypatch.delenv("B2_APPLICATION_KEY", raising=False)
    monkeypatch.setenv(present, "value")
    with pytest.raises(B2ConfigurationError) as info:
        B2Client.from_env()
    message = str(info.value)
    assert variables_named(message) == {"B2_APPLICATION_KEY_ID", "B2_APPLICATION_KEY"}
    assert "value" not in message


async def test_from_env_reads_key_and_realm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("B2_APPLICATION_KEY_ID", "0051234")
    monkeypatch.setenv("B2_APPLICATION_KEY", SECRET)
    monkeypatch.setenv("B2_REALM", "http://127.0.0.1:9")
    async with httpx.AsyncClient() as http, B2Client.from_env(http_client=http) as b2:
        assert repr(b2) == "B2Client(application_key_id='0051234', realm='http://127.0.0.1:9')"


async def test_repr_and_str_never_show_the_key() -> None:
    async with B2Client("0051234", SECRET, realm="http://127.0.0.1:9") as b2:
        assert SECRET not in repr(b2)
        assert SECRET not in str(b2)
        assert "0051234" in repr(b2)
        assert SECRET not in repr(vars(b2))


@pytest.mark.parametrize("realm", ["http://api.example.com", "ftp://127.0.0.1", "not a url"])
def test_insecure_or_bad_realm_is_refused_at_construction(realm: str) -> None:
    with pytest.raises(B2ConfigurationError):
        B2Client("0051234", SECRET, realm=realm, http_client=httpx.AsyncClient())


@pytest.mark.parametrize(("key_id", "key"), [("", SECRET), ("0051234", "")])
def test_empty_credentials_are_refused(key_id: str, key: str) -> None:
    with pytest.raises(B2ConfigurationError):
        B2Client(key_id, key, http_client=httpx.AsyncClient())


async def test_closes_the_http_client_it_created() -> None:
    b2 = B2Client("0051234", SECRET, realm="http://127.0.0.1:9")
    own = b2._http_client
    assert not own.is_closed
    await b2.aclose()
    assert own.is_closed
    await b2.aclose()  # idempotent


async def test_leaves_a_lent_http_client_open() -> None:
    async with httpx.AsyncClient() as http:
        async with B2Client("0051234", SECRET, realm="http://127.0.0.1:9", http_client=http):
            pass
        assert not http.is_closed


@pytest.mark.parametrize("lent", [False, True])
async def test_a_closed_client_refuses_calls_without_a_request(
    anyio_backend: str, lent: bool
) -> None:
    from b2async import ClientClosed
    from b2async.testing import B2Emulator

    emulator = B2Emulator()
    async with emulator.serve() as realm, httpx.AsyncClient() as http:
        own_or_lent = http if lent else None
        b2 = B2Client(emulator.key_id, emulator.key, realm=realm, http_client=own_or_lent)
        bucket = await b2.create_bucket("closed-client")
        await b2.aclose()
        calls = sum(emulator.calls.values())
        for call in (
            b2.list_buckets(),
            bucket.upload_bytes(b"late", "late.txt"),
            bucket.download_bytes("late.txt"),
        ):
            with pytest.raises(ClientClosed) as caught:
                await call
            assert isinstance(caught.value, RuntimeError)  # what httpx itself raises
        assert sum(emulator.calls.values()) == calls
        assert not http.is_closed  # a lent client stays open for its owner


async def test_default_http_client_fast_path_only_on_asyncio(anyio_backend: str) -> None:
    from httpx_aiohttp import AiohttpTransport

    client = default_http_client(httpx.Timeout(5.0))
    try:
        uses_aiohttp = isinstance(client._transport, AiohttpTransport)
        assert uses_aiohttp is (anyio_backend == "asyncio")
        if anyio_backend == "trio":
            assert isinstance(client._transport, httpx.AsyncHTTPTransport)
    finally:
        await client.aclose()


@pytest.mark.parametrize("bad", [0, -3, True, 2.5, "10"])
def test_max_connections_is_checked(bad: object) -> None:
    with pytest.raises(B2ConfigurationError, match="max_connections"):
        B2Client("0051234", SECRET, max_connections=bad)  # type: ignore[arg-type]


async def test_max_connections_sizes_the_own_pool(anyio_backend: str) -> None:
    """Both transports get the limit: httpcore's pool at once, aiohttp's connector with the
    session it makes on the first request."""
    from b2async.testing import B2Emulator

    emulator = B2Emulator()
    async with (
        emulator.serve() as realm,
        B2Client(emulator.key_id, emulator.key, realm=realm, max_connections=3) as b2,
    ):
        await b2.list_buckets()
        transport = b2._http_client._transport
        if anyio_backend == "asyncio":
            assert transport.client.connector.limit == 3  # type: ignore[attr-defined]
        else:
            assert transport._pool._max_connections == 3  # type: ignore[attr-defined]


def test_default_http_client_outside_an_event_loop_is_portable() -> None:
    client = default_http_client(5.0)
    assert isinstance(client._transport, httpx.AsyncHTTPTransport)


async def test_default_http_client_is_the_lean_one(anyio_backend: str) -> None:
    client = default_http_client(5.0)
    try:
        assert isinstance(client, LeanAsyncClient)
    finally:
        await client.aclose()


async def test_bad_bucket_name_makes_no_request() -> None:
    transport = CountingTransport()
    async with (
        httpx.AsyncClient(transport=transport) as http,
        B2Client("0051234", SECRET, realm="http://127.0.0.1:9", http_client=http) as b2,
    ):
        for bad in ["ab", "has_underscore", "b2-reserved", "x" * 64, "spa ce-name"]:
            with pytest.raises(InvalidBucketName):
                await b2.create_bucket(bad)
            with pytest.raises(InvalidBucketName):
                await b2.get_bucket(bad)
    assert transport.requests == []


async def test_bad_key_arguments_make_no_request() -> None:
    transport = CountingTransport()
    async with (
        httpx.AsyncClient(transport=transport) as http,
        B2Client("0051234", SECRET, realm="http://127.0.0.1:9", http_client=http) as b2,
    ):
        with pytest.raises(B2ValidationError):
            await b2.create_key("bad name", ["listFiles"])
        with pytest.raises(B2ValidationError):
            await b2.create_key("good-name", [])
        with pytest.raises(B2ValidationError):
            await b2.create_key("good-name", ["listFiles"], valid_duration_seconds=0)
        with pytest.raises(B2ValidationError):
            b2.list_keys(page_size=0)
    assert transport.requests == []


async def test_upload_many_warns_when_concurrency_exceeds_the_own_pool(
    anyio_backend: str,
) -> None:
    import warnings

    from b2async.testing import B2Emulator

    emulator = B2Emulator()
    items = [(f"file {i}".encode(), f"f/{i}") for i in range(6)]
    async with (
        emulator.serve() as realm,
        B2Client(emulator.key_id, emulator.key, realm=realm, max_connections=3) as b2,
    ):
        bucket = await b2.create_bucket("pool-warning")
        with pytest.warns(RuntimeWarning, match=r"max_connections=3") as caught:
            outcomes = await bucket.upload_many(items, concurrency=5)
        assert caught[0].filename == __file__  # points at the caller's line
        assert all(outcome.error is None for outcome in outcomes)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            await bucket.upload_many(items, concurrency=3)
    async with (
        emulator.http_client() as http,
        B2Client(emulator.key_id, emulator.key, realm=emulator.realm, http_client=http) as lent,
    ):
        # a lent client's pool size is its owner's business: nothing to compare with
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            await (await lent.get_bucket("pool-warning")).upload_many(items, concurrency=500)
