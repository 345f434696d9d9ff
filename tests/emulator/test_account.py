"""Authorization shapes per API version, token expiry and key restrictions."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from ._api import Api, assert_error

if TYPE_CHECKING:
    from b2async.testing import B2Emulator

pytestmark = pytest.mark.anyio


async def test_authorize_v2_is_flat(api: Api) -> None:
    body = (await api.authorize(version=2)).json()
    assert body["apiUrl"] == api.emu.realm
    assert body["downloadUrl"] == api.emu.realm
    assert body["absoluteMinimumPartSize"] == 100
    assert body["recommendedPartSize"] == 1000
    assert body["allowed"]["bucketId"] is None
    assert "writeFiles" in body["allowed"]["capabilities"]
    assert "apiInfo" not in body


async def test_authorize_v3_storage_api(api: Api) -> None:
    body = (await api.authorize(version=3)).json()
    storage = body["apiInfo"]["storageApi"]
    assert storage["infoType"] == "storageApi"
    assert storage["apiUrl"] == api.emu.realm
    assert storage["bucketId"] is None
    assert storage["namePrefix"] is None
    assert len(storage["capabilities"]) == 26
    assert body["accountId"] == api.emu.account_id
    assert body["applicationKeyExpirationTimestamp"] is None


async def test_authorize_v4_allowed_buckets(api: Api, emu: B2Emulator) -> None:
    bucket_id = await api.bucket("bucket-one")
    key_id, key = emu.create_key(["listFiles"], bucket_ids=[bucket_id], name_prefix="a/")
    body = (await api.authorize(key_id, key, version=4)).json()
    allowed = body["apiInfo"]["storageApi"]["allowed"]
    assert allowed == {
        "buckets": [{"id": bucket_id, "name": "bucket-one"}],
        "capabilities": ["listFiles"],
        "namePrefix": "a/",
    }
    assert "bucketId" not in body["apiInfo"]["storageApi"]


async def test_multi_bucket_key_needs_v4(api: Api, emu: B2Emulator) -> None:
    first, second = await api.bucket("bucket-one"), await api.bucket("bucket-two")
    key_id, key = emu.create_key(["listFiles"], bucket_ids=[first, second])
    assert_error(await api.authorize(key_id, key, version=3), 401, "unsupported")
    assert (await api.authorize(key_id, key, version=4)).status_code == 200


async def test_bad_credentials(api: Api) -> None:
    assert_error(await api.authorize(api.emu.key_id, "wrong"), 401, "unauthorized")
    assert_error(await api.authorize("nope", "wrong"), 401, "unauthorized")


async def test_account_id_works_as_master_key_id(api: Api) -> None:
    assert (await api.authorize(api.emu.account_id, api.emu.key)).status_code == 200


async def test_token_expires_after_24_hours(api: Api, emu: B2Emulator) -> None:
    await api.ok("b2_list_buckets", accountId=api.account_id)
    emu.advance_clock(24 * 3600 - 1)
    await api.ok("b2_list_buckets", accountId=api.account_id)
    emu.advance_clock(2)
    await api.fails("b2_list_buckets", 401, "expired_auth_token", accountId=api.account_id)
    await api.authorize()
    await api.ok("b2_list_buckets", accountId=api.account_id)


async def test_bad_and_missing_token(api: Api) -> None:
    response = await api.post("b2_list_buckets", token="garbage", accountId=api.account_id)
    assert_error(response, 401, "bad_auth_token")
    response = await api.post("b2_list_buckets", token="", accountId=api.account_id)
    assert_error(response, 401, "missing_auth_token")


async def test_expired_key_cannot_authorize(api: Api, emu: B2Emulator) -> None:
    key_id, key = emu.create_key(["listBuckets"], valid_seconds=60)
    body = (await api.authorize(key_id, key)).json()
    assert body["applicationKeyExpirationTimestamp"] == emu.state.keys[key_id].expiration_ms
    emu.advance_clock(61)
    assert_error(await api.authorize(key_id, key), 401, "unauthorized")


async def test_missing_capability_is_unauthorized(api: Api, emu: B2Emulator) -> None:
    await api.bucket()
    key_id, key = emu.create_key(["listFiles"])
    await api.authorize(key_id, key)
    await api.fails("b2_list_buckets", 401, "unauthorized", accountId=api.account_id)


async def test_bucket_restricted_key(api: Api, emu: B2Emulator) -> None:
    mine, other = await api.bucket("bucket-mine"), await api.bucket("bucket-other")
    key_id, key = emu.create_key(["listBuckets", "listFiles"], bucket_ids=[mine])
    await api.authorize(key_id, key)
    # Must name the bucket in list_buckets (spec 3.3).
    await api.fails("b2_list_buckets", 401, "unauthorized", accountId=api.account_id)
    body = await api.ok("b2_list_buckets", accountId=api.account_id, bucketName="bucket-mine")
    assert [b["bucketId"] for b in body["buckets"]] == [mine]
    await api.ok("b2_list_file_names", bucketId=mine)
    await api.fails("b2_list_file_names", 401, "unauthorized", bucketId=other)


async def test_name_prefix_restricted_key(api: Api, emu: B2Emulator) -> None:
    bucket_id = await api.bucket()
    key_id, key = emu.create_key(["listFiles", "writeFiles"], name_prefix="ok/")
    await api.authorize(key_id, key)
    await api.fails("b2_list_file_names", 401, "unauthorized", bucketId=bucket_id)
    await api.ok("b2_list_file_names", bucketId=bucket_id, prefix="ok/sub")
    await api.upload(bucket_id, "ok/file.txt")
    response = await api.upload_raw(bucket_id, "bad/file.txt", b"x")
    assert_error(response, 401, "unauthorized")
    await api.fails("b2_hide_file", 401, "unauthorized", bucketId=bucket_id, fileName="bad/x")
