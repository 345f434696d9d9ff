"""B2Http against respx: headers, JSON bodies, error and transport-failure mapping, streaming."""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING

import httpx
import pytest
import respx
from pydantic import SecretStr

from b2async._config import USER_AGENT
from b2async._errors import (
    B2ConnectionError,
    B2TimeoutError,
    BadRequest,
    ExpiredAuthToken,
    NotFound,
    RangeNotSatisfiable,
    ServiceUnavailable,
    TooManyRequests,
)
from b2async._http import B2Http
from b2async._http_client import LeanAsyncClient

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

pytestmark = pytest.mark.anyio

API = "https://api001.backblazeb2.com"
TOKEN = SecretStr("4_0022623512fc8f80000000001_01a5c1f0_cf9f5d_acct_sEcReTtOkEn=")
LIST_BUCKETS = f"{API}/b2api/v3/b2_list_buckets"


@pytest.fixture
def router() -> respx.MockRouter:
    return respx.MockRouter(assert_all_called=False)


@pytest.fixture(params=[httpx.AsyncClient, LeanAsyncClient], ids=["lent-client", "own-client"])
async def http(router: respx.MockRouter, request: pytest.FixtureRequest) -> AsyncIterator[B2Http]:
    """B2Http over a lent httpx client (httpx's whole pipeline) and over the client B2Client
    makes for itself (requests built complete, sent with ``send_lean``)."""
    make: type[httpx.AsyncClient] = request.param
    async with make(transport=httpx.MockTransport(router.async_handler)) as client:
        yield B2Http(client)


async def test_both_clients_put_the_same_headers_on_the_wire(router: respx.MockRouter) -> None:
    seen: list[list[tuple[bytes, bytes]]] = []
    router.post(LIST_BUCKETS).mock(
        side_effect=lambda request: seen.append(request.headers.raw) or httpx.Response(200)
    )
    for make in (httpx.AsyncClient, LeanAsyncClient):
        async with make(transport=httpx.MockTransport(router.async_handler)) as client:
            await B2Http(client).call_json(LIST_BUCKETS, token=TOKEN, body={"accountId": "a"})
    lent, own = ({key.lower(): value for key, value in headers} for headers in seen)
    assert lent == own
    assert [key.lower() for key, _ in seen[1]].count(b"user-agent") == 1
    assert own[b"user-agent"] == USER_AGENT.encode()
    assert {b"accept", b"accept-encoding", b"host", b"content-length"} <= own.keys()


def b2_error(status: int, code: str, message: str = "", **headers: str) -> httpx.Response:
    return httpx.Response(
        status, json={"status": status, "code": code, "message": message}, headers=headers
    )


async def test_call_json_sends_token_user_agent_and_compact_json(
    http: B2Http, router: respx.MockRouter
) -> None:
    route = router.post(LIST_BUCKETS).respond(200, json={"buckets": []})
    body = await http.call_json(
        LIST_BUCKETS,
        token=TOKEN,
        body={
            "accountId": "acc",
            "bucketName": None,
            "fileRetention": {"mode": None},
            "bucketTypes": ["all"],
        },
    )
    assert json.loads(body) == {"buckets": []}
    request = route.calls.last.request
    assert request.headers["authorization"] == TOKEN.get_secret_value()  # raw, no "Bearer"
    assert request.headers["user-agent"] == USER_AGENT
    assert request.headers["content-type"] == "application/json"
    # Top-level None dropped, nested None kept (it means "clear" in some endpoints).
    assert request.content == (
        b'{"accountId":"acc","fileRetention":{"mode":null},"bucketTypes":["all"]}'
    )


async def test_get_json_sends_query_parameters(http: B2Http, router: respx.MockRouter) -> None:
    url = f"{API}/b2api/v3/b2_get_bucket_notification_rules"
    route = router.get(url).respond(200, json={"bucketId": "b1", "eventNotificationRules": []})
    body = await http.get_json(url, token=TOKEN, params={"bucketId": "b1"})
    assert json.loads(body)["bucketId"] == "b1"
    request = route.calls.last.request
    assert request.url.params["bucketId"] == "b1"
    assert request.headers["authorization"] == TOKEN.get_secret_value()
    assert request.headers["user-agent"] == USER_AGENT


async def test_authorize_uses_basic_auth(http: B2Http, router: respx.MockRouter) -> None:
    url = "https://api.backblazeb2.com/b2api/v3/b2_authorize_account"
    route = router.get(url).respond(200, json={"accountId": "acc"})
    body = await http.authorize(url, "key-id", SecretStr("the-key"))
    assert json.loads(body) == {"accountId": "acc"}
    header = route.calls.last.request.headers["authorization"]
    assert header.startswith("Basic ")
    assert base64.b64decode(header[6:]) == b"key-id:the-key"


async def test_post_upload_sends_bytes_with_given_headers(
    http: B2Http, router: respx.MockRouter
) -> None:
    url = "https://pod-000-1005-03.backblaze.com/b2api/v3/b2_upload_file/bucket/c001_v0001005_t0014"
    route = router.post(url).respond(200, json={"fileId": "f1"})
    data = b"hello world"
    headers = {
        "Authorization": "upload-token",
        "Content-Length": str(len(data)),
        "X-Bz-File-Name": "a%20b.txt",
        "X-Bz-Content-Sha1": "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed",
    }
    assert json.loads(await http.post_upload(url, headers=headers, content=data)) == {
        "fileId": "f1"
    }
    request = route.calls.last.request
    assert request.content == data
    assert request.headers["authorization"] == "upload-token"
    assert request.headers["x-bz-file-name"] == "a%20b.txt"
    assert request.headers["user-agent"] == USER_AGENT


async def test_post_upload_streams_an_async_iterable_with_content_length(
    http: B2Http, router: respx.MockRouter
) -> None:
    url = "https://pod-000-1005-03.backblaze.com/b2api/v3/b2_upload_part/f1/c001"
    route = router.post(url).respond(200, json={"partNumber": 1})

    async def chunks() -> AsyncIterator[bytes]:
        for piece in (b"abc", b"def", b"ghi"):
            yield piece

    await http.post_upload(
        url, headers={"Authorization": "t", "Content-Length": "9"}, content=chunks()
    )
    request = route.calls.last.request
    assert request.headers["content-length"] == "9"
    assert "transfer-encoding" not in request.headers  # B2 refuses chunked uploads
    assert await request.aread() == b"abcdefghi"


@pytest.mark.parametrize(
    ("response", "cls", "code"),
    [
        (b2_error(400, "bad_request", "Invalid bucketTypes"), BadRequest, "bad_request"),
        (b2_error(401, "expired_auth_token"), ExpiredAuthToken, "expired_auth_token"),
        (b2_error(503, "service_unavailable"), ServiceUnavailable, "service_unavailable"),
        (
            httpx.Response(503, text="<html>Service Unavailable</html>"),
            ServiceUnavailable,
            "non_json_response",
        ),
        (httpx.Response(404), NotFound, "non_json_response"),
    ],
)
async def test_non_2xx_answers_raise_typed_errors(
    http: B2Http, router: respx.MockRouter, response: httpx.Response, cls: type, code: str
) -> None:
    router.post(LIST_BUCKETS).mock(return_value=response)
    with pytest.raises(cls) as info:
        await http.call_json(LIST_BUCKETS, token=TOKEN, body={"accountId": "acc"})
    assert info.value.code == code
    assert info.value.status == response.status_code


async def test_error_carries_request_id_and_retry_after(
    http: B2Http, router: respx.MockRouter
) -> None:
    router.post(LIST_BUCKETS).mock(
        return_value=b2_error(
            429, "too_many_requests", **{"Retry-After": "12", "X-Bz-Request-Id": "req-9"}
        )
    )
    with pytest.raises(TooManyRequests) as info:
        await http.call_json(LIST_BUCKETS, token=TOKEN, body={})
    assert info.value.retry_after == 12.0
    assert info.value.request_id == "req-9"


@pytest.mark.parametrize(
    ("exc", "cls"),
    [
        (httpx.ConnectError("connection refused"), B2ConnectionError),
        (httpx.RemoteProtocolError("server disconnected"), B2ConnectionError),
        (httpx.ReadError("connection reset by peer"), B2ConnectionError),
        (httpx.WriteError("broken pipe"), B2ConnectionError),
        (httpx.ConnectTimeout("connect timed out"), B2TimeoutError),
        (httpx.ReadTimeout("read timed out"), B2TimeoutError),
        (httpx.PoolTimeout("pool timed out"), B2TimeoutError),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else value.__name__,
)
async def test_transport_errors_are_mapped_with_the_cause_chained(
    http: B2Http, router: respx.MockRouter, exc: httpx.TransportError, cls: type
) -> None:
    router.post(LIST_BUCKETS).mock(side_effect=exc)
    with pytest.raises(cls) as info:
        await http.call_json(LIST_BUCKETS, token=TOKEN, body={})
    assert info.value.__cause__ is exc
    assert "POST https://api001.backblazeb2.com/b2api/v3/b2_list_buckets" in str(info.value)
    assert TOKEN.get_secret_value() not in str(info.value)


async def test_transport_error_messages_drop_query_strings(
    http: B2Http, router: respx.MockRouter
) -> None:
    secret = "3_20250101_download_auth_tokenABCDEFGH"
    url = f"https://f001.backblazeb2.com/file/bucket/a.txt?Authorization={secret}"
    router.get(url__startswith="https://f001.backblazeb2.com/file/").mock(
        side_effect=httpx.ReadTimeout("timed out")
    )
    with pytest.raises(B2TimeoutError) as info:
        async with http.stream("GET", url):
            pass  # pragma: no cover - never reached
    assert secret not in str(info.value)
    assert "GET https://f001.backblazeb2.com/file/bucket/a.txt" in str(info.value)


async def test_stream_yields_the_body_and_closes(http: B2Http, router: respx.MockRouter) -> None:
    url = "https://f001.backblazeb2.com/file/bucket/big.bin"
    payload = bytes(range(256)) * 1000
    route = router.get(url).respond(200, content=payload, headers={"x-bz-file-id": "f1"})
    async with http.stream("GET", url, headers={"Authorization": "tok"}) as response:
        assert response.status_code == 200
        assert response.headers["x-bz-file-id"] == "f1"
        received = b"".join([chunk async for chunk in response.aiter_bytes()])
    assert received == payload
    assert response.is_closed
    request = route.calls.last.request
    assert request.headers["authorization"] == "tok"
    assert request.headers["user-agent"] == USER_AGENT


async def test_stream_passes_206_and_query_parameters(
    http: B2Http, router: respx.MockRouter
) -> None:
    url = "https://f001.backblazeb2.com/b2api/v3/b2_download_file_by_id"
    route = router.get(url).respond(206, content=b"cde", headers={"Content-Range": "bytes 2-4/10"})
    async with http.stream(
        "GET", url, params={"fileId": "f1"}, headers={"Range": "bytes=2-4"}
    ) as response:
        assert response.status_code == 206
        assert await response.aread() == b"cde"
    request = route.calls.last.request
    assert request.url.params["fileId"] == "f1"
    assert request.headers["range"] == "bytes=2-4"


async def test_stream_raises_typed_error_on_404_json(
    http: B2Http, router: respx.MockRouter
) -> None:
    url = "https://f001.backblazeb2.com/file/bucket/missing.txt"
    router.get(url).mock(
        return_value=b2_error(404, "not_found", "bucket bucket does not have file: missing.txt")
    )
    entered = False
    with pytest.raises(NotFound) as info:
        async with http.stream("GET", url):
            entered = True  # pragma: no cover - never reached
    assert not entered
    assert info.value.message == "bucket bucket does not have file: missing.txt"


async def test_stream_raises_typed_error_on_bodiless_head(
    http: B2Http, router: respx.MockRouter
) -> None:
    url = "https://f001.backblazeb2.com/file/bucket/a.txt"
    router.head(url).respond(416)
    with pytest.raises(RangeNotSatisfiable):
        async with http.stream("HEAD", url):
            pass  # pragma: no cover - never reached


class _BreakingStream(httpx.AsyncByteStream):
    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"first chunk"
        raise httpx.ReadError("connection reset mid-body")


async def test_stream_maps_a_failure_while_reading_the_body(
    http: B2Http, router: respx.MockRouter
) -> None:
    url = "https://f001.backblazeb2.com/file/bucket/a.txt"
    router.get(url).mock(return_value=httpx.Response(200, stream=_BreakingStream()))
    received: list[bytes] = []

    async def read_all() -> None:
        async with http.stream("GET", url) as response:
            async for chunk in response.aiter_raw():
                received.append(chunk)

    with pytest.raises(B2ConnectionError) as info:
        await read_all()
    assert received == [b"first chunk"]
    assert isinstance(info.value.__cause__, httpx.ReadError)


async def test_repr_shows_no_secrets(http: B2Http) -> None:
    assert repr(http) == f"B2Http(client={type(http.client).__name__})"


@pytest.mark.parametrize(
    "settings", [{"params": {"tag": "x"}}, {"cookies": {"session": "abc"}}], ids=str
)
async def test_client_params_and_cookies_still_reach_the_wire(
    router: respx.MockRouter, settings: dict[str, dict[str, str]]
) -> None:
    """B2Http builds requests itself only for a lean client with nothing of this kind to merge:
    with client-level query parameters or cookies, httpx's request building runs."""
    seen: list[httpx.Request] = []
    router.post(LIST_BUCKETS).mock(
        side_effect=lambda request: seen.append(request) or httpx.Response(200)
    )
    transport = httpx.MockTransport(router.async_handler)
    async with LeanAsyncClient(transport=transport, **settings) as client:  # type: ignore[arg-type]
        await B2Http(client).call_json(LIST_BUCKETS, token=TOKEN, body={"accountId": "a"})
    if "params" in settings:
        assert seen[0].url.params["tag"] == "x"
    else:
        assert seen[0].headers["Cookie"] == "session=abc"
