"""Downloads by name and by id: URL, request headers, parsed response, errors."""

from __future__ import annotations

import gzip
import hashlib
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from pydantic import SecretStr

from b2async._errors import (
    AccessDenied,
    B2ConnectionError,
    B2ValidationError,
    InvalidRange,
    NotFound,
    RangeNotSatisfiable,
    Unauthorized,
)
from b2async._models import SseC
from b2async._raw import DownloadResponse, download_file_by_id, download_file_by_name

from .conftest import ACCOUNT_TOKEN, DOWNLOAD_URL, UNICODE_NAME, UNICODE_NAME_ENCODED

if TYPE_CHECKING:
    import respx

    from b2async._http import B2Http

pytestmark = pytest.mark.anyio

HOST = "f001.backblazeb2.com"
TOKEN = SecretStr(ACCOUNT_TOKEN)
KEY = SseC(bytes(range(32)))


@pytest.fixture
def recorded(examples: dict[str, Any]) -> Any:
    """``recorded(endpoint, index)`` -> (status, headers, body bytes) of a recorded download."""

    def pick(endpoint: str, index: int = 0) -> tuple[int, dict[str, str], bytes]:
        item = examples[endpoint][index]
        return (
            item["http_status"],
            dict(item["body"]["headers"]),
            item["body"]["raw_body"].encode("utf-8"),
        )

    return pick


async def _read(response: DownloadResponse) -> bytes:
    return b"".join([chunk async for chunk in response.aiter_bytes()])


async def test_download_by_name_sends_encoded_path_and_token_header(
    http: B2Http, router: respx.Router, recorded: Any
) -> None:
    status, headers, content = recorded("download_file_by_name", 0)
    route = router.route(method="GET", host=HOST).respond(status, headers=headers, content=content)

    async with download_file_by_name(
        http,
        download_url=DOWNLOAD_URL,
        bucket_name="my-bucket",
        file_name=UNICODE_NAME,
        token=TOKEN,
    ) as response:
        data = await _read(response)

    request = route.calls.last.request
    assert request.method == "GET"
    assert request.url.raw_path == f"/file/my-bucket/{UNICODE_NAME_ENCODED}".encode("ascii")
    assert request.url.query == b""
    assert request.headers["Authorization"] == ACCOUNT_TOKEN
    assert request.headers["Accept-Encoding"] == "identity"
    assert "Range" not in request.headers
    assert data == b"Some text\n"
    assert hashlib.sha1(data).hexdigest() == response.file_version.content_sha1
    assert response.status == 200
    assert response.content_length == 10
    assert response.content_range is None
    version = response.file_version
    assert version.file_name == "test-file.txt"
    assert version.file_id == headers["x-bz-file-id"]
    assert version.content_length == 10
    assert version.content_type == "text/plain"
    assert version.verified_sha1 == "5a08924b0ef1cccfb5de1d94e3d75c38dc0d3c79"
    assert version.file_info == {"src_last_modified_millis": "1637248673875"}
    assert version.upload_timestamp == datetime(2021, 11, 18, 15, 18, 10, tzinfo=timezone.utc)


async def test_download_by_name_range_gives_206_and_content_range(
    http: B2Http, router: respx.Router, recorded: Any
) -> None:
    status, headers, content = recorded("download_file_by_name", 1)
    route = router.route(method="GET", host=HOST).respond(status, headers=headers, content=content)

    async with download_file_by_name(
        http,
        download_url=DOWNLOAD_URL,
        bucket_name="b",
        file_name="test-file.txt",
        token=TOKEN,
        range_=(5, 8),
    ) as response:
        data = await _read(response)

    assert route.calls.last.request.headers["Range"] == "bytes=5-8"
    assert response.status == 206
    assert data == b"text"
    assert response.content_length == 4
    assert response.content_range == (5, 8, 10)
    assert response.file_version.content_length == 10  # the whole file, from Content-Range


async def test_download_by_name_headers_decoded_into_file_version(
    http: B2Http, router: respx.Router
) -> None:
    router.route(method="GET", host=HOST).respond(
        200,
        headers={
            "Content-Length": "3",
            "Content-Type": "application/octet-stream",
            "X-Bz-File-Id": "4_zid",
            "X-Bz-File-Name": UNICODE_NAME_ENCODED,
            "X-Bz-Content-Sha1": "unverified:" + hashlib.sha1(b"abc").hexdigest(),
            "X-Bz-Upload-Timestamp": "1637248690000",
            "X-Bz-Info-Note": UNICODE_NAME_ENCODED,
            "Content-Disposition": "attachment",
            "X-Bz-Server-Side-Encryption-Customer-Algorithm": "AES256",
            "X-Bz-File-Legal-Hold": "on",
        },
        content=b"abc",
    )

    async with download_file_by_name(
        http, download_url=DOWNLOAD_URL, bucket_name="b", file_name=UNICODE_NAME, sse=KEY
    ) as response:
        assert await _read(response) == b"abc"

    version = response.file_version
    assert version.file_name == UNICODE_NAME
    assert version.file_info["note"] == UNICODE_NAME
    assert version.file_info["b2-content-disposition"] == "attachment"
    assert version.verified_sha1 is None
    assert version.server_side_encryption is not None
    assert version.server_side_encryption.mode == "SSE-C"
    assert version.legal_hold is not None
    assert version.legal_hold.value == "on"


async def test_download_by_name_sse_c_and_overrides(http: B2Http, router: respx.Router) -> None:
    route = router.route(method="GET", host=HOST).respond(
        200, headers={"Content-Length": "0", "X-Bz-File-Name": "a"}, content=b""
    )

    async with download_file_by_name(
        http,
        download_url=DOWNLOAD_URL,
        bucket_name="b",
        file_name="a",
        sse=KEY,
        overrides={"b2ContentDisposition": 'attachment; filename="x y.txt"', "b2Expires": "0"},
    ):
        pass

    request = route.calls.last.request
    assert "Authorization" not in request.headers  # public bucket: no token
    assert request.headers["X-Bz-Server-Side-Encryption-Customer-Algorithm"] == "AES256"
    assert request.headers["X-Bz-Server-Side-Encryption-Customer-Key"] == KEY.key_b64
    assert request.headers["X-Bz-Server-Side-Encryption-Customer-Key-Md5"] == KEY.key_md5_b64
    assert dict(request.url.params) == {
        "b2ContentDisposition": 'attachment; filename="x y.txt"',
        "b2Expires": "0",
    }


async def test_download_by_name_token_in_query(http: B2Http, router: respx.Router) -> None:
    route = router.route(method="GET", host=HOST).respond(
        200, headers={"Content-Length": "0", "X-Bz-File-Name": "a"}, content=b""
    )
    download_token = SecretStr("3_download_authorization_token_xyz")

    async with download_file_by_name(
        http,
        download_url=DOWNLOAD_URL,
        bucket_name="b",
        file_name="a",
        token=download_token,
        token_in_query=True,
    ):
        pass

    request = route.calls.last.request
    assert "Authorization" not in request.headers
    assert dict(request.url.params) == {"Authorization": "3_download_authorization_token_xyz"}


async def test_head_has_no_body(http: B2Http, router: respx.Router, recorded: Any) -> None:
    _, headers, _ = recorded("download_file_by_name", 0)
    route = router.route(method="HEAD", host=HOST).respond(200, headers=headers)

    async with download_file_by_name(
        http,
        download_url=DOWNLOAD_URL,
        bucket_name="b",
        file_name="test-file.txt",
        token=TOKEN,
        method="HEAD",
    ) as response:
        data = await _read(response)

    assert route.calls.last.request.method == "HEAD"
    assert data == b""
    assert response.content_length == 10  # what a GET would return
    assert response.file_version.content_length == 10
    assert response.file_version.file_id == headers["x-bz-file-id"]


async def test_download_by_id(http: B2Http, router: respx.Router, recorded: Any) -> None:
    status, headers, content = recorded("download_file_by_id", 0)
    route = router.route(method="GET", host=HOST).respond(status, headers=headers, content=content)

    async with download_file_by_id(
        http,
        download_url=DOWNLOAD_URL,
        file_id=headers["x-bz-file-id"],
        token=TOKEN,
        range_=(0, 9),
        overrides={"b2ContentType": "text/csv"},
    ) as response:
        data = await _read(response)

    request = route.calls.last.request
    assert request.url.path == "/b2api/v3/b2_download_file_by_id"
    assert dict(request.url.params) == {
        "fileId": headers["x-bz-file-id"],
        "b2ContentType": "text/csv",
    }
    assert request.headers["Authorization"] == ACCOUNT_TOKEN
    assert request.headers["Range"] == "bytes=0-9"
    assert data == content
    assert response.file_version.file_id == headers["x-bz-file-id"]


async def test_download_by_id_head_v4(http: B2Http, router: respx.Router, recorded: Any) -> None:
    _, headers, _ = recorded("download_file_by_id", 0)
    route = router.route(method="HEAD", host=HOST).respond(200, headers=headers)

    async with download_file_by_id(
        http, download_url=DOWNLOAD_URL, file_id="fid", api_version="v4", method="HEAD"
    ) as response:
        assert await _read(response) == b""

    assert route.calls.last.request.url.path == "/b2api/v4/b2_download_file_by_id"
    assert response.file_version.content_sha1 == headers["x-bz-content-sha1"]


async def test_content_encoded_files_come_back_as_stored(
    http: B2Http, router: respx.Router
) -> None:
    stored = gzip.compress(b"the original text " * 50)
    router.route(method="GET", host=HOST).respond(
        200,
        headers={
            "Content-Length": str(len(stored)),
            "Content-Encoding": "gzip",
            "X-Bz-File-Name": "a.txt.gz",
            "X-Bz-Content-Sha1": hashlib.sha1(stored).hexdigest(),
        },
        content=stored,
    )

    async with download_file_by_id(http, download_url=DOWNLOAD_URL, file_id="fid") as response:
        data = await _read(response)

    assert data == stored
    assert hashlib.sha1(data).hexdigest() == response.file_version.content_sha1


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [
        (404, "not_found", NotFound),
        (416, "range_not_satisfiable", RangeNotSatisfiable),
        (403, "access_denied", AccessDenied),
    ],
)
async def test_download_error_json_becomes_typed_error(
    http: B2Http, router: respx.Router, status: int, code: str, error: type[Exception]
) -> None:
    router.route(method="GET", host=HOST).respond(
        status, json={"status": status, "code": code, "message": "nope"}
    )
    with pytest.raises(error) as caught:
        async with download_file_by_name(
            http, download_url=DOWNLOAD_URL, bucket_name="b", file_name="a", token=TOKEN
        ):
            pytest.fail("the block must not run for an error answer")
    assert type(caught.value) is error
    assert caught.value.status == status  # type: ignore[attr-defined]
    assert caught.value.code == code  # type: ignore[attr-defined]
    assert caught.value.message == "nope"  # type: ignore[attr-defined]


async def test_head_error_without_body_is_typed_by_status(
    http: B2Http, router: respx.Router
) -> None:
    router.route(method="HEAD", host=HOST).respond(401)
    with pytest.raises(Unauthorized):
        async with download_file_by_id(
            http, download_url=DOWNLOAD_URL, file_id="fid", token=TOKEN, method="HEAD"
        ):
            pytest.fail("the block must not run for an error answer")


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"range_": (3, 2)}, InvalidRange),
        ({"method": "POST"}, B2ValidationError),
        ({"overrides": {"b2Bogus": "x"}}, B2ValidationError),
        ({"token_in_query": True}, B2ValidationError),
        ({"file_name": "a\x00b"}, B2ValidationError),
    ],
)
async def test_download_refuses_bad_input_before_any_request(
    http: B2Http, router: respx.Router, kwargs: dict[str, Any], error: type[Exception]
) -> None:
    route = router.route(host=HOST).respond(200)
    arguments: dict[str, Any] = {"download_url": DOWNLOAD_URL, "bucket_name": "b", "file_name": "a"}
    arguments.update(kwargs)
    with pytest.raises(error):
        async with download_file_by_name(http, **arguments):
            pytest.fail("no request expected")
    assert route.call_count == 0


async def test_transport_failure_mid_body_is_a_b2_error(http: B2Http, router: respx.Router) -> None:
    class Broken(httpx.AsyncByteStream):
        async def __aiter__(self):  # type: ignore[no-untyped-def]
            yield b"part"
            raise httpx.ReadError("connection reset")

    router.route(method="GET", host=HOST).respond(
        200, headers={"Content-Length": "100", "X-Bz-File-Name": "a"}, stream=Broken()
    )
    received: list[bytes] = []

    async def consume() -> None:
        async with download_file_by_id(http, download_url=DOWNLOAD_URL, file_id="f") as response:
            async for chunk in response.aiter_bytes():
                received.append(chunk)

    with pytest.raises(B2ConnectionError):
        await consume()
    assert b"".join(received) == b"part"


@pytest.mark.parametrize("streamed", [False, True])
async def test_aiter_bytes_chunk_size(http: B2Http, router: respx.Router, streamed: bool) -> None:
    data = bytes(range(256)) * 4

    class Chunks(httpx.AsyncByteStream):
        async def __aiter__(self):  # type: ignore[no-untyped-def]
            yield data[:300]
            yield data[300:]

    headers = {"Content-Length": str(len(data)), "X-Bz-File-Name": "a"}
    if streamed:
        router.route(method="GET", host=HOST).respond(200, headers=headers, stream=Chunks())
    else:
        router.route(method="GET", host=HOST).respond(200, headers=headers, content=data)

    async with download_file_by_id(http, download_url=DOWNLOAD_URL, file_id="f") as response:
        chunks = [chunk async for chunk in response.aiter_bytes(100)]

    assert b"".join(chunks) == data
    assert all(len(chunk) == 100 for chunk in chunks[:-1])
    assert len(chunks) == 11
    assert response.content_length == len(data)
    assert ACCOUNT_TOKEN not in repr(response)
