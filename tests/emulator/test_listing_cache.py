"""Listings serve each version's JSON from a cache: it must never serve a stale answer."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from b2async.testing import B2Emulator
from b2async.testing._wire import EncodedArray, encode_json

from ._api import Api

pytestmark = pytest.mark.anyio


async def versions(api: Api, bucket_id: str) -> list[dict[str, Any]]:
    body = await api.ok("b2_list_file_versions", bucketId=bucket_id, maxFileCount=1000)
    return body["files"]  # type: ignore[no-any-return]


async def locked_bucket(api: Api) -> str:
    body = await api.ok(
        "b2_create_bucket", accountId=api.account_id, bucketName="locked-bucket",
        bucketType="allPrivate", fileLockEnabled=True,
    )  # fmt: skip
    return str(body["bucketId"])


async def test_object_lock_updates_show_in_the_next_listing(api: Api) -> None:
    bucket_id = await locked_bucket(api)
    version = await api.upload(bucket_id, "g")
    [before] = await versions(api, bucket_id)
    assert before["legalHold"]["value"] is None
    assert before["fileRetention"]["value"] == {"mode": None, "retainUntilTimestamp": None}

    await api.ok(
        "b2_update_file_legal_hold", fileName="g", fileId=version["fileId"], legalHold="on"
    )
    [held] = await versions(api, bucket_id)
    assert held["legalHold"] == {"isClientAuthorizedToRead": True, "value": "on"}

    until = api.emu.state.now_ms() + 3_600_000
    await api.ok(
        "b2_update_file_retention", fileName="g", fileId=version["fileId"],
        fileRetention={"mode": "governance", "retainUntilTimestamp": until},
    )  # fmt: skip
    [retained] = await versions(api, bucket_id)
    assert retained["fileRetention"]["value"] == {
        "mode": "governance",
        "retainUntilTimestamp": until,
    }
    assert retained["legalHold"]["value"] == "on"


async def test_finishing_a_large_file_shows_in_the_next_listing(api: Api) -> None:
    bucket_id = await api.bucket()
    started = await api.ok(
        "b2_start_large_file", bucketId=bucket_id, fileName="big", contentType="b2/x-auto"
    )
    [listed] = await versions(api, bucket_id)
    assert listed["action"] == "start"
    assert listed["contentLength"] == 0
    part_url = await api.ok("b2_get_upload_part_url", fileId=started["fileId"])
    data = b"x" * 100
    sha1 = hashlib.sha1(data).hexdigest()
    response = await api.http.post(
        part_url["uploadUrl"],
        headers={
            "Authorization": part_url["authorizationToken"],
            "X-Bz-Part-Number": "1",
            "X-Bz-Content-Sha1": sha1,
        },
        content=data,
    )
    assert response.status_code == 200, response.text
    await api.ok("b2_finish_large_file", fileId=started["fileId"], partSha1Array=[sha1])
    [finished] = await versions(api, bucket_id)
    assert finished["action"] == "upload"
    assert finished["contentLength"] == 100


async def test_each_key_sees_its_own_capabilities(api: Api) -> None:
    """The same cached version renders per capability set: a key without the Object Lock
    read capabilities is not shown the values another key was."""
    bucket_id = await locked_bucket(api)
    version = await api.upload(bucket_id, "g")
    await api.ok(
        "b2_update_file_legal_hold", fileName="g", fileId=version["fileId"], legalHold="on"
    )
    [full] = await versions(api, bucket_id)
    assert full["legalHold"] == {"isClientAuthorizedToRead": True, "value": "on"}
    key = await api.ok(
        "b2_create_key", accountId=api.account_id, capabilities=["listFiles"], keyName="lister"
    )
    lister = Api(api.emu, api.http)
    assert (
        await lister.authorize(key["applicationKeyId"], key["applicationKey"])
    ).status_code == 200
    [limited] = await versions(lister, bucket_id)
    assert limited["legalHold"] == {"isClientAuthorizedToRead": False, "value": None}
    assert limited["fileRetention"] == {"isClientAuthorizedToRead": False, "value": None}
    [again] = await versions(api, bucket_id)
    assert again == full


def test_assigning_a_field_empties_the_cache() -> None:
    emu = B2Emulator()
    emu.create_bucket("b")
    version = emu.put_file("b", "f", b"data")
    version.rendered[(True, True)] = b"stale"
    version.legal_hold = "on"
    assert version.rendered == {}


def test_encoded_arrays_splice_into_valid_json() -> None:
    body = {"files": EncodedArray([b'{"a": 1}', b'{"b": [2]}']), "next": None, "n": "x\u00e9"}
    assert json.loads(encode_json(body)) == {
        "files": [{"a": 1}, {"b": [2]}],
        "next": None,
        "n": "x\u00e9",
    }
    assert json.loads(encode_json({"files": EncodedArray()})) == {"files": []}
