"""b2_get_upload_url, b2_upload_file and b2_upload_part: headers and bytes on the wire."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import pytest
from pydantic import SecretStr

from b2async._errors import B2ValidationError, InvalidFileInfo, InvalidFileName
from b2async._models import PartUploadUrl, Retention, SseB2, SseC, UploadUrl
from b2async._raw import ApiContext, get_upload_url, upload_file, upload_part

from .conftest import UNICODE_NAME, UNICODE_NAME_ENCODED, UPLOAD_TOKEN, Api

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    import respx

    from b2async._http import B2Http

pytestmark = pytest.mark.anyio

UPLOAD_URL = "https://pod-000-1112-04.backblaze.com/b2api/v2/b2_upload_file/b1/c002_v0001112_t0058"
PART_URL = "https://pod-000-1129-18.backblaze.com/b2api/v2/b2_upload_part/f1/0018"
DATA = b"hello, B2!\n" * 3
DATA_SHA1 = hashlib.sha1(DATA).hexdigest()
KEY = SseC(bytes(range(32)))


@pytest.fixture
def upload_url() -> UploadUrl:
    return UploadUrl(
        bucket_id="b1", upload_url=UPLOAD_URL, authorization_token=SecretStr(UPLOAD_TOKEN)
    )


@pytest.fixture
def part_url() -> PartUploadUrl:
    return PartUploadUrl(
        file_id="f1", upload_url=PART_URL, authorization_token=SecretStr(UPLOAD_TOKEN)
    )


def _file_version_answer(example: Any) -> Any:
    return example("upload_file")


async def test_get_upload_url(api: Api, ctx: ApiContext, example: Any) -> None:
    body = example("get_upload_url")
    route = api.answer("b2_get_upload_url", body)

    url = await get_upload_url(ctx, bucket_id=body["bucketId"])

    assert api.sent(route, "b2_get_upload_url") == {"bucketId": body["bucketId"]}
    assert url.bucket_id == body["bucketId"]
    assert url.upload_url == body["uploadUrl"]
    assert url.authorization_token.get_secret_value() == body["authorizationToken"]


async def test_upload_file_minimal_headers(
    http: B2Http, router: respx.Router, upload_url: UploadUrl, example: Any
) -> None:
    body = example("upload_file")
    route = router.post(UPLOAD_URL).respond(200, json=body)

    version = await upload_file(
        http,
        upload_url,
        file_name=UNICODE_NAME,
        content=DATA,
        content_length=len(DATA),
        sha1=DATA_SHA1,
    )

    request = route.calls.last.request
    assert request.method == "POST"
    assert request.url.path == "/b2api/v2/b2_upload_file/b1/c002_v0001112_t0058"
    assert request.headers["Authorization"] == UPLOAD_TOKEN
    assert request.headers["X-Bz-File-Name"] == UNICODE_NAME_ENCODED
    assert request.headers["Content-Type"] == "b2/x-auto"
    assert request.headers["Content-Length"] == str(len(DATA))
    assert request.headers["X-Bz-Content-Sha1"] == DATA_SHA1
    assert not [name for name in request.headers if name.lower().startswith("x-bz-info-")]
    assert "x-bz-server-side-encryption" not in request.headers
    assert "x-bz-file-legal-hold" not in request.headers
    assert request.content == DATA
    assert version.file_id == body["fileId"]
    assert version.file_name == body["fileName"]
    assert version.content_sha1 == body["contentSha1"]
    assert version.content_length == body["contentLength"]


async def test_upload_file_every_header(
    http: B2Http, router: respx.Router, upload_url: UploadUrl, example: Any
) -> None:
    route = router.post(UPLOAD_URL).respond(200, json=example("upload_file"))

    await upload_file(
        http,
        upload_url,
        file_name="a.txt",
        content=DATA,
        content_length=len(DATA),
        sha1=DATA_SHA1,
        content_type="text/plain",
        file_info={
            "Src_Last_Modified_Millis": "1637248673875",
            "note": UNICODE_NAME,
            "b2-content-disposition": 'attachment; filename="a b.txt"',
        },
        sse=KEY,
        retention=Retention("governance", datetime(3000, 1, 1, tzinfo=timezone.utc)),
        legal_hold="on",
    )

    headers = route.calls.last.request.headers
    assert headers["Content-Type"] == "text/plain"
    assert headers["X-Bz-Info-src_last_modified_millis"] == "1637248673875"
    assert headers["X-Bz-Info-note"] == UNICODE_NAME_ENCODED
    assert headers["X-Bz-Info-b2-content-disposition"] == (
        "attachment%3B%20filename%3D%22a%20b.txt%22"
    )
    assert headers["X-Bz-Server-Side-Encryption-Customer-Algorithm"] == "AES256"
    assert headers["X-Bz-Server-Side-Encryption-Customer-Key"] == KEY.key_b64
    assert headers["X-Bz-Server-Side-Encryption-Customer-Key-Md5"] == KEY.key_md5_b64
    assert headers["X-Bz-File-Retention-Mode"] == "governance"
    assert headers["X-Bz-File-Retention-Retain-Until-Timestamp"] == "32503680000000"
    assert headers["X-Bz-File-Legal-Hold"] == "on"


async def test_upload_file_sse_b2_header(
    http: B2Http, router: respx.Router, upload_url: UploadUrl, example: Any
) -> None:
    route = router.post(UPLOAD_URL).respond(200, json=example("upload_file"))
    await upload_file(
        http,
        upload_url,
        file_name="a",
        content=DATA,
        content_length=len(DATA),
        sha1=DATA_SHA1,
        sse=SseB2(),
    )
    assert route.calls.last.request.headers["X-Bz-Server-Side-Encryption"] == "AES256"


async def test_upload_file_streams_an_async_iterable_with_digits_at_end(
    http: B2Http, router: respx.Router, upload_url: UploadUrl, example: Any
) -> None:
    route = router.post(UPLOAD_URL).respond(200, json=example("upload_file"))

    async def chunks() -> AsyncIterator[bytes]:
        yield DATA[:7]
        yield DATA[7:]
        yield DATA_SHA1.encode("ascii")

    await upload_file(
        http,
        upload_url,
        file_name="a",
        content=chunks(),
        content_length=len(DATA) + 40,
        sha1="hex_digits_at_end",
    )

    request = route.calls.last.request
    assert request.headers["X-Bz-Content-Sha1"] == "hex_digits_at_end"
    assert request.headers["Content-Length"] == str(len(DATA) + 40)
    assert "Transfer-Encoding" not in request.headers
    assert request.content == DATA + DATA_SHA1.encode("ascii")


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"file_name": "/leading"}, InvalidFileName),
        ({"sha1": "abc"}, B2ValidationError),
        ({"sha1": DATA_SHA1.upper()[:39] + "g"}, B2ValidationError),
        ({"content_length": len(DATA) + 1}, B2ValidationError),
        ({"content_length": -1}, B2ValidationError),
        ({"file_info": {"bad key": "v"}}, InvalidFileInfo),
        ({"file_info": {str(i): "v" for i in range(11)}}, InvalidFileInfo),
        ({"legal_hold": "yes"}, B2ValidationError),
    ],
)
async def test_upload_file_refuses_bad_input_before_any_request(
    http: B2Http,
    router: respx.Router,
    upload_url: UploadUrl,
    kwargs: dict[str, Any],
    error: type[Exception],
) -> None:
    route = router.post(UPLOAD_URL).respond(200, json={})
    arguments: dict[str, Any] = {
        "file_name": "ok.txt",
        "content": DATA,
        "content_length": len(DATA),
        "sha1": DATA_SHA1,
    }
    arguments.update(kwargs)
    with pytest.raises(error):
        await upload_file(http, upload_url, **arguments)
    assert route.call_count == 0


async def test_upload_file_do_not_verify(
    http: B2Http, router: respx.Router, upload_url: UploadUrl, example: Any
) -> None:
    route = router.post(UPLOAD_URL).respond(200, json=example("upload_file"))
    await upload_file(
        http,
        upload_url,
        file_name="a",
        content=DATA,
        content_length=len(DATA),
        sha1="do_not_verify",
    )
    assert route.calls.last.request.headers["X-Bz-Content-Sha1"] == "do_not_verify"


async def test_upload_part(
    http: B2Http, router: respx.Router, part_url: PartUploadUrl, example: Any
) -> None:
    body = example("upload_part")
    route = router.post(PART_URL).respond(200, json=body)

    part = await upload_part(
        http,
        part_url,
        part_number=3,
        content=DATA,
        content_length=len(DATA),
        sha1=DATA_SHA1,
        sse=KEY,
    )

    request = route.calls.last.request
    assert request.method == "POST"
    assert request.url.path == "/b2api/v2/b2_upload_part/f1/0018"
    assert request.headers["Authorization"] == UPLOAD_TOKEN
    assert request.headers["X-Bz-Part-Number"] == "3"
    assert request.headers["Content-Length"] == str(len(DATA))
    assert request.headers["X-Bz-Content-Sha1"] == DATA_SHA1
    assert request.headers["X-Bz-Server-Side-Encryption-Customer-Key-Md5"] == KEY.key_md5_b64
    assert "X-Bz-File-Name" not in request.headers
    assert request.content == DATA
    assert part.part_number == body["partNumber"]
    assert part.content_sha1 == body["contentSha1"]
    assert part.content_length == body["contentLength"]
    assert part.file_id == body["fileId"]


@pytest.mark.parametrize(
    "kwargs",
    [{"part_number": 0}, {"part_number": 10_001}, {"sha1": "do_not_verify"}, {"content_length": 1}],
)
async def test_upload_part_refuses_bad_input(
    http: B2Http, router: respx.Router, part_url: PartUploadUrl, kwargs: dict[str, Any]
) -> None:
    route = router.post(PART_URL).respond(200, json={})
    arguments: dict[str, Any] = {
        "part_number": 1,
        "content": DATA,
        "content_length": len(DATA),
        "sha1": DATA_SHA1,
    }
    arguments.update(kwargs)
    with pytest.raises(B2ValidationError):
        await upload_part(http, part_url, **arguments)
    assert route.call_count == 0
