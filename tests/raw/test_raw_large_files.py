"""Large-file endpoints (the JSON ones; b2_upload_part is in test_raw_upload.py)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from b2async._errors import B2ValidationError, InvalidFileName
from b2async._models import Retention, SseB2, SseC
from b2async._raw import (
    ApiContext,
    cancel_large_file,
    copy_part,
    finish_large_file,
    get_upload_part_url,
    list_parts,
    list_unfinished_large_files,
    start_large_file,
)

from .conftest import UNICODE_NAME, Api

pytestmark = pytest.mark.anyio

KEY = SseC(bytes(range(32)), key_id="k1")
SHA1_A = "61b8d6600ac94d912874f569a9341120f680c9f8"
SHA1_B = "5a08924b0ef1cccfb5de1d94e3d75c38dc0d3c79"


async def test_start_large_file_defaults_to_auto_content_type(
    api: Api, ctx: ApiContext, example: Any
) -> None:
    body = example("start_large_file")
    route = api.answer("b2_start_large_file", body)

    version = await start_large_file(ctx, bucket_id="b1", file_name=UNICODE_NAME)

    assert api.sent(route, "b2_start_large_file") == {
        "bucketId": "b1",
        "fileName": UNICODE_NAME,
        "contentType": "b2/x-auto",
    }
    assert version.action == "start"
    assert version.file_id == body["fileId"]
    assert version.content_sha1 == "none"
    assert version.verified_sha1 is None


async def test_start_large_file_every_member(api: Api, ctx: ApiContext, example: Any) -> None:
    route = api.answer("b2_start_large_file", example("start_large_file"))

    await start_large_file(
        ctx,
        bucket_id="b1",
        file_name="big.iso",
        content_type="application/x-iso9660-image",
        file_info={"large_file_sha1": SHA1_A, "SRC_last_modified_millis": "1"},
        file_retention=Retention("compliance", datetime(3000, 1, 1, tzinfo=timezone.utc)),
        legal_hold="off",
        server_side_encryption=KEY,
    )

    assert api.sent(route, "b2_start_large_file") == {
        "bucketId": "b1",
        "fileName": "big.iso",
        "contentType": "application/x-iso9660-image",
        "fileInfo": {"large_file_sha1": SHA1_A, "src_last_modified_millis": "1"},
        "fileRetention": {"mode": "compliance", "retainUntilTimestamp": 32503680000000},
        "legalHold": "off",
        "serverSideEncryption": {
            "mode": "SSE-C",
            "algorithm": "AES256",
            "customerKey": KEY.key_b64,
            "customerKeyMd5": KEY.key_md5_b64,
        },
    }


async def test_start_large_file_sse_b2(api: Api, ctx: ApiContext, example: Any) -> None:
    route = api.answer("b2_start_large_file", example("start_large_file"))
    await start_large_file(
        ctx,
        bucket_id="b1",
        file_name="x",
        content_type="text/plain",
        server_side_encryption=SseB2(),
    )
    assert api.sent(route, "b2_start_large_file")["serverSideEncryption"] == {
        "mode": "SSE-B2",
        "algorithm": "AES256",
    }


async def test_start_large_file_refuses_bad_name(api: Api, ctx: ApiContext) -> None:
    route = api.answer("b2_start_large_file", {})
    with pytest.raises(InvalidFileName):
        await start_large_file(ctx, bucket_id="b1", file_name="bad\x01name")
    assert route.call_count == 0


async def test_get_upload_part_url(api: Api, ctx: ApiContext, example: Any) -> None:
    body = example("get_upload_part_url")
    route = api.answer("b2_get_upload_part_url", body)

    url = await get_upload_part_url(ctx, file_id=body["fileId"])

    assert api.sent(route, "b2_get_upload_part_url") == {"fileId": body["fileId"]}
    assert url.upload_url == body["uploadUrl"]
    assert url.file_id == body["fileId"]
    assert url.authorization_token.get_secret_value() == body["authorizationToken"]
    assert body["authorizationToken"] not in repr(url)


async def test_finish_large_file(api: Api, ctx: ApiContext, example: Any) -> None:
    body = example("finish_large_file")
    route = api.answer("b2_finish_large_file", body)

    version = await finish_large_file(ctx, file_id=body["fileId"], part_sha1_array=(SHA1_A, SHA1_B))

    assert api.sent(route, "b2_finish_large_file") == {
        "fileId": body["fileId"],
        "partSha1Array": [SHA1_A, SHA1_B],
    }
    assert version.action == "upload"
    assert version.content_length == body["contentLength"]


async def test_cancel_large_file(api: Api, ctx: ApiContext, example: Any) -> None:
    body = example("cancel_large_file")
    route = api.answer("b2_cancel_large_file", body)

    cancelled = await cancel_large_file(ctx, file_id=body["fileId"])

    assert api.sent(route, "b2_cancel_large_file") == {"fileId": body["fileId"]}
    assert cancelled.file_id == body["fileId"]
    assert cancelled.file_name == body["fileName"]
    assert cancelled.bucket_id == body["bucketId"]


async def test_list_parts(api: Api, ctx: ApiContext, example: Any) -> None:
    body = example("list_parts")
    route = api.answer("b2_list_parts", body)

    page = await list_parts(ctx, file_id="f1", start_part_number=1, max_part_count=1000)

    assert api.sent(route, "b2_list_parts") == {
        "fileId": "f1",
        "startPartNumber": 1,
        "maxPartCount": 1000,
    }
    assert [p.part_number for p in page.parts] == [p["partNumber"] for p in body["parts"]]
    assert [p.content_sha1 for p in page.parts] == [p["contentSha1"] for p in body["parts"]]
    assert page.next_part_number is None


async def test_list_unfinished_large_files_uses_name_prefix(
    api: Api, ctx: ApiContext, example: Any
) -> None:
    body = example("list_unfinished_large_files")
    route = api.answer("b2_list_unfinished_large_files", body)

    page = await list_unfinished_large_files(
        ctx, bucket_id="b1", name_prefix="unfinished", start_file_id="f0", max_file_count=100
    )

    assert api.sent(route, "b2_list_unfinished_large_files") == {
        "bucketId": "b1",
        "namePrefix": "unfinished",
        "startFileId": "f0",
        "maxFileCount": 100,
    }
    assert [f.file_id for f in page.files] == [f["fileId"] for f in body["files"]]
    assert all(f.action == "start" for f in page.files)
    assert page.next_file_id is None


async def test_copy_part(api: Api, ctx: ApiContext, example: Any) -> None:
    body = example("copy_part")
    route = api.answer("b2_copy_part", body)

    part = await copy_part(
        ctx,
        source_file_id="src",
        large_file_id="large",
        part_number=2,
        range_=(5_000_000, 9_999_999),
        source_server_side_encryption=KEY,
        destination_server_side_encryption=KEY,
    )

    key_json = {
        "mode": "SSE-C",
        "algorithm": "AES256",
        "customerKey": KEY.key_b64,
        "customerKeyMd5": KEY.key_md5_b64,
    }
    assert api.sent(route, "b2_copy_part") == {
        "sourceFileId": "src",
        "largeFileId": "large",
        "partNumber": 2,
        "range": "bytes=5000000-9999999",
        "sourceServerSideEncryption": key_json,
        "destinationServerSideEncryption": key_json,
    }
    assert part.part_number == body["partNumber"]
    assert part.content_sha1 == body["contentSha1"]
    assert part.content_length == body["contentLength"]


@pytest.mark.parametrize("part_number", [0, 10_001])
async def test_copy_part_refuses_bad_part_number(
    api: Api, ctx: ApiContext, part_number: int
) -> None:
    route = api.answer("b2_copy_part", {})
    with pytest.raises(B2ValidationError):
        await copy_part(ctx, source_file_id="s", large_file_id="l", part_number=part_number)
    assert route.call_count == 0
