"""File endpoints: listing, info, hide, delete, copy, Object Lock, download authorization."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from b2async._errors import B2ValidationError, InvalidFileInfo, InvalidFileName, InvalidRange
from b2async._models import Retention, SseB2, SseC
from b2async._raw import (
    ApiContext,
    copy_file,
    delete_file_version,
    get_download_authorization,
    get_file_info,
    hide_file,
    list_file_names,
    list_file_versions,
    update_file_legal_hold,
    update_file_retention,
)

from .conftest import UNICODE_NAME, Api

pytestmark = pytest.mark.anyio

KEY = bytes(range(32))
KEY_JSON = {
    "mode": "SSE-C",
    "algorithm": "AES256",
    "customerKey": SseC(KEY).key_b64,
    "customerKeyMd5": SseC(KEY).key_md5_b64,
}
UNTIL = datetime(3000, 1, 1, tzinfo=timezone.utc)
UNTIL_MS = 32503680000000


async def test_list_file_names_page(api: Api, ctx: ApiContext, example: Any) -> None:
    body = example("list_file_names")
    route = api.answer("b2_list_file_names", body)

    page = await list_file_names(
        ctx,
        bucket_id="b1",
        start_file_name=UNICODE_NAME,
        max_file_count=1000,
        prefix="dir/",
        delimiter="/",
    )

    assert api.sent(route, "b2_list_file_names") == {
        "bucketId": "b1",
        "startFileName": UNICODE_NAME,  # plain UTF-8 in JSON, never percent-encoded
        "maxFileCount": 1000,
        "prefix": "dir/",
        "delimiter": "/",
    }
    assert [f.file_name for f in page.files] == [f["fileName"] for f in body["files"]]
    assert [f.file_id for f in page.files] == [f["fileId"] for f in body["files"]]
    assert page.files[0].content_sha1 == body["files"][0]["contentSha1"]
    assert page.next_file_name == body["nextFileName"]


async def test_list_file_names_minimal_body(api: Api, ctx: ApiContext) -> None:
    route = api.answer("b2_list_file_names", {"files": [], "nextFileName": None})
    page = await list_file_names(ctx, bucket_id="b1")
    assert api.sent(route, "b2_list_file_names") == {"bucketId": "b1"}
    assert page.files == []
    assert page.next_file_name is None


async def test_list_file_versions_page(api: Api, ctx: ApiContext, example: Any) -> None:
    body = example("list_file_versions", 1)
    route = api.answer("b2_list_file_versions", body)

    page = await list_file_versions(
        ctx, bucket_id="bucket_0", start_file_name="a/", start_file_id="9990", max_file_count=2
    )

    assert api.sent(route, "b2_list_file_versions") == {
        "bucketId": "bucket_0",
        "startFileName": "a/",
        "startFileId": "9990",
        "maxFileCount": 2,
    }
    assert [(f.file_id, f.action) for f in page.files] == [("9997", "hide"), ("9998", "upload")]
    assert page.next_file_name == "a/hello.txt"
    assert page.next_file_id == "9999"


async def test_get_file_info(api: Api, ctx: ApiContext, example: Any) -> None:
    body = example("get_file_info")
    route = api.answer("b2_get_file_info", body)

    version = await get_file_info(ctx, file_id=body["fileId"])

    assert api.sent(route, "b2_get_file_info") == {"fileId": body["fileId"]}
    assert version.file_id == body["fileId"]
    assert version.file_name == body["fileName"]
    assert version.content_length == body["contentLength"]
    assert version.verified_sha1 == body["contentSha1"]
    assert version.upload_timestamp == datetime.fromtimestamp(
        body["uploadTimestamp"] / 1000, tz=timezone.utc
    )


async def test_hide_file(api: Api, ctx: ApiContext, example: Any) -> None:
    body = example("hide_file")
    route = api.answer("b2_hide_file", body)

    version = await hide_file(ctx, bucket_id="8d625eb63be2775577c70e1a", file_name=UNICODE_NAME)

    assert api.sent(route, "b2_hide_file") == {
        "bucketId": "8d625eb63be2775577c70e1a",
        "fileName": UNICODE_NAME,
    }
    assert version.action == "hide"
    assert version.is_hidden
    assert version.content_length == 0


async def test_delete_file_version(api: Api, ctx: ApiContext, example: Any) -> None:
    body = example("delete_file_version")
    route = api.answer("b2_delete_file_version", body)

    deleted = await delete_file_version(ctx, file_name=body["fileName"], file_id=body["fileId"])

    assert api.sent(route, "b2_delete_file_version") == {
        "fileName": body["fileName"],
        "fileId": body["fileId"],
    }
    assert (deleted.file_id, deleted.file_name) == (body["fileId"], body["fileName"])


async def test_delete_file_version_bypassing_governance(
    api: Api, ctx: ApiContext, example: Any
) -> None:
    body = example("delete_file_version")
    route = api.answer("b2_delete_file_version", body)
    await delete_file_version(ctx, file_name="n", file_id="id", bypass_governance=True)
    assert api.sent(route, "b2_delete_file_version") == {
        "fileName": "n",
        "fileId": "id",
        "bypassGovernance": True,
    }


async def test_copy_file_defaults(api: Api, ctx: ApiContext, example: Any) -> None:
    body = example("copy_file")
    route = api.answer("b2_copy_file", body)

    version = await copy_file(ctx, source_file_id="src-id", file_name=UNICODE_NAME)

    assert api.sent(route, "b2_copy_file") == {"sourceFileId": "src-id", "fileName": UNICODE_NAME}
    assert version.action == "copy"
    assert version.file_id == body["fileId"]
    assert version.content_length == body["contentLength"]


async def test_copy_file_every_member(api: Api, ctx: ApiContext, example: Any) -> None:
    route = api.answer("b2_copy_file", example("copy_file"))

    await copy_file(
        ctx,
        source_file_id="src-id",
        file_name="copies/x.txt",
        destination_bucket_id="dst-bucket",
        range_=(0, 99),
        metadata_directive="REPLACE",
        content_type="text/plain",
        file_info={"Src_Last_Modified_Millis": "1637248673875"},
        file_retention=Retention("governance", UNTIL),
        legal_hold="on",
        source_server_side_encryption=SseC(KEY),
        destination_server_side_encryption=SseB2(),
    )

    assert api.sent(route, "b2_copy_file") == {
        "sourceFileId": "src-id",
        "fileName": "copies/x.txt",
        "destinationBucketId": "dst-bucket",
        "range": "bytes=0-99",
        "metadataDirective": "REPLACE",
        "contentType": "text/plain",
        "fileInfo": {"src_last_modified_millis": "1637248673875"},  # keys lower-cased
        "fileRetention": {"mode": "governance", "retainUntilTimestamp": UNTIL_MS},
        "legalHold": "on",
        "sourceServerSideEncryption": KEY_JSON,
        "destinationServerSideEncryption": {"mode": "SSE-B2", "algorithm": "AES256"},
    }


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"file_name": "a//b"}, InvalidFileName),
        ({"file_name": "ok", "range_": (5, 1)}, InvalidRange),
        ({"file_name": "ok", "metadata_directive": "REPLACE"}, B2ValidationError),
        ({"file_name": "ok", "content_type": "text/plain"}, B2ValidationError),
        (
            {
                "file_name": "ok",
                "metadata_directive": "REPLACE",
                "content_type": "a/b",
                "file_info": {"bad key": "v"},
            },
            InvalidFileInfo,
        ),
        ({"file_name": "ok", "legal_hold": "maybe"}, B2ValidationError),
    ],
)
async def test_copy_file_refuses_bad_input_before_any_request(
    api: Api, ctx: ApiContext, kwargs: dict[str, Any], error: type[Exception]
) -> None:
    route = api.answer("b2_copy_file", {})
    with pytest.raises(error):
        await copy_file(ctx, source_file_id="src", **kwargs)
    assert route.call_count == 0


async def test_update_file_retention(api: Api, ctx: ApiContext, example: Any) -> None:
    body = example("update_file_retention")
    route = api.answer("b2_update_file_retention", body)

    result = await update_file_retention(
        ctx,
        file_name=body["fileName"],
        file_id=body["fileId"],
        file_retention=Retention("governance", UNTIL),
    )

    assert api.sent(route, "b2_update_file_retention") == {
        "fileName": body["fileName"],
        "fileId": body["fileId"],
        "fileRetention": {"mode": "governance", "retainUntilTimestamp": UNTIL_MS},
    }
    assert result.file_id == body["fileId"]
    assert result.file_retention.mode == "governance"
    assert result.file_retention.retain_until_timestamp == UNTIL


async def test_update_file_retention_removal_sends_nulls(
    api: Api, ctx: ApiContext, example: Any
) -> None:
    route = api.answer("b2_update_file_retention", example("update_file_retention"))
    await update_file_retention(
        ctx, file_name="n", file_id="id", file_retention=None, bypass_governance=True
    )
    assert api.sent(route, "b2_update_file_retention") == {
        "fileName": "n",
        "fileId": "id",
        "fileRetention": {"mode": None, "retainUntilTimestamp": None},
        "bypassGovernance": True,
    }


async def test_update_file_legal_hold(api: Api, ctx: ApiContext, example: Any) -> None:
    body = example("update_file_legal_hold")
    route = api.answer("b2_update_file_legal_hold", body)

    result = await update_file_legal_hold(
        ctx, file_name=body["fileName"], file_id=body["fileId"], legal_hold="on"
    )

    assert api.sent(route, "b2_update_file_legal_hold") == {
        "fileName": body["fileName"],
        "fileId": body["fileId"],
        "legalHold": "on",
    }
    assert result.legal_hold == "on"
    assert result.file_id == body["fileId"]


async def test_get_download_authorization(api: Api, ctx: ApiContext, example: Any) -> None:
    body = example("get_download_authorization")
    route = api.answer("b2_get_download_authorization", body)

    auth = await get_download_authorization(
        ctx,
        bucket_id=body["bucketId"],
        file_name_prefix="files/",
        valid_duration_in_seconds=3600,
        b2_content_disposition="attachment",
        b2_cache_control="max-age=60",
    )

    assert api.sent(route, "b2_get_download_authorization") == {
        "bucketId": body["bucketId"],
        "fileNamePrefix": "files/",
        "validDurationInSeconds": 3600,
        "b2ContentDisposition": "attachment",
        "b2CacheControl": "max-age=60",
    }
    assert auth.file_name_prefix == "files/"
    assert auth.authorization_token.get_secret_value() == body["authorizationToken"]
    assert body["authorizationToken"] not in repr(auth)


@pytest.mark.parametrize("seconds", [0, 604_801])
async def test_get_download_authorization_refuses_bad_duration(
    api: Api, ctx: ApiContext, seconds: int
) -> None:
    route = api.answer("b2_get_download_authorization", {})
    with pytest.raises(B2ValidationError):
        await get_download_authorization(
            ctx, bucket_id="b", file_name_prefix="", valid_duration_in_seconds=seconds
        )
    assert route.call_count == 0
