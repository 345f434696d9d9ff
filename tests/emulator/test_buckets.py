"""Bucket rules: names, uniqueness, limits, revisions, deletion, GET/POST parameter forms."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from ._api import Api, assert_error

if TYPE_CHECKING:
    from b2async.testing import B2Emulator

pytestmark = pytest.mark.anyio


async def test_create_returns_full_bucket_object(api: Api) -> None:
    body = await api.ok(
        "b2_create_bucket",
        accountId=api.account_id,
        bucketName="My-Bucket-1",
        bucketType="allPublic",
        bucketInfo={"Cache-Control": "max-age=60"},
        lifecycleRules=[{"fileNamePrefix": "logs/", "daysFromHidingToDeleting": 5}],
        corsRules=[],
    )
    assert body["bucketName"] == "My-Bucket-1"
    assert body["bucketType"] == "allPublic"
    assert body["revision"] == 2
    assert body["options"] == ["s3"]
    assert body["bucketInfo"] == {"Cache-Control": "max-age=60"}
    assert body["lifecycleRules"] == [{"fileNamePrefix": "logs/", "daysFromHidingToDeleting": 5}]
    assert body["defaultServerSideEncryption"]["value"] == {"algorithm": None, "mode": None}
    assert body["fileLockConfiguration"]["value"]["isFileLockEnabled"] is False
    assert len(body["bucketId"]) == 24


@pytest.mark.parametrize("name", ["short", "x" * 64, "has_underscore", "b2-reserved", "dot.name"])
async def test_invalid_bucket_names(api: Api, name: str) -> None:
    await api.fails(
        "b2_create_bucket", 400, "bad_request",
        accountId=api.account_id, bucketName=name, bucketType="allPrivate",
    )  # fmt: skip


async def test_names_unique_case_insensitively(api: Api) -> None:
    await api.bucket("Unique-Name")
    body = await api.fails(
        "b2_create_bucket", 400, "duplicate_bucket_name",
        accountId=api.account_id, bucketName="unique-name", bucketType="allPrivate",
    )  # fmt: skip
    assert body["message"] == "Bucket name is already in use."


async def test_bucket_type_must_be_settable(api: Api) -> None:
    await api.fails(
        "b2_create_bucket", 400, "bad_request",
        accountId=api.account_id, bucketName="snap-bucket", bucketType="snapshot",
    )  # fmt: skip


async def test_hundred_bucket_limit(api: Api) -> None:
    for i in range(100):
        api.emu.create_bucket(f"bucket-{i:03d}")
    await api.fails(
        "b2_create_bucket", 400, "too_many_buckets",
        accountId=api.account_id, bucketName="one-too-many", bucketType="allPrivate",
    )  # fmt: skip


async def test_revision_and_if_revision_is(api: Api) -> None:
    bucket_id = await api.bucket()
    body = await api.ok(
        "b2_update_bucket", accountId=api.account_id, bucketId=bucket_id,
        bucketInfo={"a": "1"}, ifRevisionIs=2,
    )  # fmt: skip
    assert body["revision"] == 3
    assert body["bucketInfo"] == {"a": "1"}
    body = await api.fails(
        "b2_update_bucket", 409, "conflict",
        accountId=api.account_id, bucketId=bucket_id, bucketType="allPublic", ifRevisionIs=2,
    )  # fmt: skip
    assert body["message"] == "simultaneous updates to bucket"
    body = await api.ok(
        "b2_update_bucket", accountId=api.account_id, bucketId=bucket_id, bucketType="allPublic"
    )
    assert body["revision"] == 4
    assert body["bucketType"] == "allPublic"
    assert body["bucketInfo"] == {"a": "1"}  # fields not supplied are kept


async def test_update_unknown_bucket(api: Api) -> None:
    body = await api.fails(
        "b2_update_bucket", 400, "bad_bucket_id", accountId=api.account_id, bucketId="1234567"
    )
    assert body["message"] == "Bucket 1234567 does not exist"


async def test_delete_refused_while_anything_remains(api: Api) -> None:
    bucket_id = await api.bucket()
    uploaded = await api.upload(bucket_id, "a.txt")
    await api.ok("b2_hide_file", bucketId=bucket_id, fileName="a.txt")
    large = await api.ok(
        "b2_start_large_file", bucketId=bucket_id, fileName="big", contentType="b2/x-auto"
    )
    refuse = {"accountId": api.account_id, "bucketId": bucket_id}
    await api.fails("b2_delete_bucket", 400, "cannot_delete_non_empty_bucket", **refuse)
    await api.ok("b2_delete_file_version", fileName="a.txt", fileId=uploaded["fileId"])
    await api.fails("b2_delete_bucket", 400, "cannot_delete_non_empty_bucket", **refuse)
    listed = await api.ok("b2_list_file_versions", bucketId=bucket_id)
    hide = next(f for f in listed["files"] if f["action"] == "hide")
    await api.ok("b2_delete_file_version", fileName="a.txt", fileId=hide["fileId"])
    await api.fails("b2_delete_bucket", 400, "cannot_delete_non_empty_bucket", **refuse)
    await api.ok("b2_cancel_large_file", fileId=large["fileId"])
    deleted = await api.ok("b2_delete_bucket", **refuse)
    assert deleted["bucketId"] == bucket_id
    assert (await api.ok("b2_list_buckets", accountId=api.account_id))["buckets"] == []


async def test_list_buckets_sorted_and_filtered(api: Api, emu: B2Emulator) -> None:
    for name in ("zebra-bucket", "alpha-bucket", "mid-bucket"):
        await api.bucket(name)
    body = await api.ok("b2_list_buckets", accountId=api.account_id, bucketTypes=["all"])
    assert [b["bucketName"] for b in body["buckets"]] == [
        "alpha-bucket", "mid-bucket", "zebra-bucket",
    ]  # fmt: skip
    body = await api.ok("b2_list_buckets", accountId=api.account_id, bucketName="mid-bucket")
    assert [b["bucketName"] for b in body["buckets"]] == ["mid-bucket"]
    body = await api.ok("b2_list_buckets", accountId=api.account_id, bucketName="missing-one")
    assert body["buckets"] == []
    await api.fails("b2_list_buckets", 400, "bad_request", accountId=api.account_id, bucketTypes=[])


async def test_get_with_query_and_null_as_absent(api: Api) -> None:
    bucket_id = await api.bucket("query-bucket")
    response = await api.get("b2_list_buckets", {"accountId": api.account_id})
    assert [b["bucketId"] for b in response.json()["buckets"]] == [bucket_id]
    response = await api.get(
        "b2_list_buckets", {"accountId": api.account_id, "bucketName": "query-bucket"}
    )
    assert len(response.json()["buckets"]) == 1
    # b2sdk sends JSON nulls for parameters it does not use.
    body = await api.ok("b2_list_buckets", accountId=api.account_id, bucketId=None, bucketName=None)
    assert [b["bucketId"] for b in body["buckets"]] == [bucket_id]
    await api.upload(bucket_id, "f.txt")
    response = await api.get("b2_list_file_names", {"bucketId": bucket_id, "maxFileCount": "5"})
    assert [f["fileName"] for f in response.json()["files"]] == ["f.txt"]


async def test_bad_json_and_unknown_endpoint(api: Api) -> None:
    response = await api.http.post(
        f"{api.api_url}/b2api/v3/b2_list_buckets",
        headers={"Authorization": api.token},
        content=b"{not json",
    )
    assert_error(response, 400, "bad_json")
    assert_error(await api.post("b2_no_such_call"), 404, "not_found")


async def test_filtered_fields_without_read_capabilities(api: Api, emu: B2Emulator) -> None:
    await api.bucket("filtered-bucket")
    key_id, key = emu.create_key(["listBuckets"])
    await api.authorize(key_id, key)
    body = await api.ok("b2_list_buckets", accountId=api.account_id)
    bucket = body["buckets"][0]
    assert bucket["defaultServerSideEncryption"] == {"isClientAuthorizedToRead": False}
    assert bucket["fileLockConfiguration"] == {"isClientAuthorizedToRead": False, "value": None}


async def test_file_lock_cannot_be_disabled(api: Api) -> None:
    body = await api.ok(
        "b2_create_bucket", accountId=api.account_id, bucketName="locked-bucket",
        bucketType="allPrivate", fileLockEnabled=True,
    )  # fmt: skip
    assert body["fileLockConfiguration"]["value"]["isFileLockEnabled"] is True
    await api.fails(
        "b2_update_bucket", 400, "file_lock_conflict",
        accountId=api.account_id, bucketId=body["bucketId"], fileLockEnabled=False,
    )  # fmt: skip
