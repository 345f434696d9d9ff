"""LeanAsyncClient: the httpx client B2Client makes for itself (no cookies, lean sends)."""

from __future__ import annotations

import httpx
import pytest

from b2async._http_client import LeanAsyncClient

pytestmark = pytest.mark.anyio

URL = "http://b2.test/b2api/v3/b2_list_buckets"


class SetCookieTransport(httpx.AsyncBaseTransport):
    """Answers every request with a ``Set-Cookie`` and keeps the ``Cookie`` header it got."""

    def __init__(self) -> None:
        self.cookie_headers: list[str | None] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.cookie_headers.append(request.headers.get("Cookie"))
        return httpx.Response(200, headers={"Set-Cookie": "session=abc; Path=/"}, json={})


@pytest.mark.parametrize("make", [LeanAsyncClient, httpx.AsyncClient])
async def test_own_client_ignores_set_cookie(make: type[httpx.AsyncClient]) -> None:
    """httpx's client stores the cookie and sends it back; ours does neither (B2 sets none,
    and extracting them costs ~50 µs per response)."""
    transport = SetCookieTransport()
    async with make(transport=transport) as http:
        await http.get("http://b2.test/a")
        await http.get("http://b2.test/b")
    if make is LeanAsyncClient:
        assert transport.cookie_headers == [None, None]
        assert len(http.cookies) == 0
    else:
        assert transport.cookie_headers == [None, "session=abc"]


async def test_own_client_still_sends_cookies_set_on_it() -> None:
    transport = SetCookieTransport()
    async with LeanAsyncClient(transport=transport, cookies={"given": "1"}) as http:
        await http.get("http://b2.test/a")
        http.cookies = {"replaced": "2"}
        await http.get("http://b2.test/b")
    assert transport.cookie_headers == ["given=1", "replaced=2"]


class RecordingTransport(httpx.AsyncBaseTransport):
    """Answers ``ok`` (or raises ``fail``) and keeps the requests it got."""

    def __init__(self, fail: Exception | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.fail = fail

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.fail is not None:
            raise self.fail
        return httpx.Response(200, stream=httpx.ByteStream(b"ok"))


async def test_send_lean_reads_the_answer_with_the_client_timeout() -> None:
    transport = RecordingTransport()
    async with LeanAsyncClient(transport=transport, timeout=7.0) as http:
        request = httpx.Request("GET", URL)
        response = await http.send_lean(request)
    assert response.content == b"ok"
    assert response.request is request
    assert response.is_closed
    assert transport.requests[0].extensions["timeout"] == httpx.Timeout(7.0).as_dict()


async def test_send_lean_keeps_a_timeout_the_request_brings() -> None:
    transport = RecordingTransport()
    mine = httpx.Timeout(1.5).as_dict()
    async with LeanAsyncClient(transport=transport, timeout=7.0) as http:
        await http.send_lean(httpx.Request("GET", URL, extensions={"timeout": mine}))
    assert transport.requests[0].extensions["timeout"] == mine


async def test_send_lean_streams_when_asked() -> None:
    async with LeanAsyncClient(transport=RecordingTransport()) as http:
        response = await http.send_lean(httpx.Request("GET", URL), stream=True)
        assert not response.is_stream_consumed
        assert await response.aread() == b"ok"
        await response.aclose()


async def test_send_lean_uses_the_transport_mounted_for_the_url() -> None:
    """Mounts are how httpx routes through proxies (``HTTPS_PROXY`` included)."""
    default, mounted = RecordingTransport(), RecordingTransport()
    async with LeanAsyncClient(transport=default, mounts={"http://proxied.test": mounted}) as http:
        await http.send_lean(httpx.Request("GET", "http://proxied.test/x"))
        await http.send_lean(httpx.Request("GET", URL))
    assert [str(r.url) for r in mounted.requests] == ["http://proxied.test/x"]
    assert [str(r.url) for r in default.requests] == [URL]


async def test_send_lean_gives_transport_errors_their_request() -> None:
    transport = RecordingTransport(fail=httpx.ConnectError("refused"))
    async with LeanAsyncClient(transport=transport) as http:
        request = httpx.Request("GET", URL)
        with pytest.raises(httpx.ConnectError) as info:
            await http.send_lean(request)
    assert info.value.request is request


async def test_send_lean_refuses_a_closed_client() -> None:
    http = LeanAsyncClient(transport=RecordingTransport())
    await http.aclose()
    with pytest.raises(RuntimeError, match="closed"):
        await http.send_lean(httpx.Request("GET", URL))


async def test_send_lean_is_send_when_the_pipeline_has_work() -> None:
    """Event hooks, auth and redirect following still happen: the whole of ``send`` runs."""
    seen: list[str] = []

    async def hook(request: httpx.Request) -> None:
        seen.append(str(request.url))

    transport = RecordingTransport()
    async with LeanAsyncClient(
        transport=transport, event_hooks={"request": [hook]}, auth=("user", "pass")
    ) as http:
        response = await http.send_lean(httpx.Request("GET", URL))
    assert response.content == b"ok"
    assert seen == [URL]
    assert transport.requests[0].headers["Authorization"].startswith("Basic ")
