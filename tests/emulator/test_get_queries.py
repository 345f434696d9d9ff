"""Every JSON endpoint answered as GET with query parameters (spec 1: "accept both").

B2 documents that calls "can also be called using GET by converting body parameters to query
parameters".  One scenario drives every endpoint in ``JSON_HANDLERS`` by GET only (structured
values as JSON text, booleans as ``true``/``false``) and asserts on the data each returns; the
last assertion proves no endpoint was left out.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from b2async.testing._handlers import JSON_HANDLERS

from ._api import RULE, Api, assert_error, sha1

pytestmark = pytest.mark.anyio


class _Get:
    """Calls endpoints by GET and records which ones were exercised."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.seen: set[str] = set()

    async def __call__(self, endpoint: str, **params: Any) -> Any:
        query = {name: _text(value) for name, value in params.items()}
        response = await self.api.get(endpoint, query)
        assert response.status_code == 200, (endpoint, response.text)
        self.seen.add(endpoint)
        return response.json()


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return str(value)


async def test_every_json_endpoint_answers_get_with_query(api: Api) -> None:
    get = _Get(api)
    account = api.account_id
    bucket = await get(
        "b2_create_bucket", accountId=account, bucketName="get-bucket", bucketType="allPrivate",
        bucketInfo={"k": "v"}, fileLockEnabled=True,
    )  # fmt: skip
    bucket_id = bucket["bucketId"]
    assert bucket["bucketInfo"] == {"k": "v"}
    assert bucket["fileLockConfiguration"]["value"]
    updated = await get(
        "b2_update_bucket", accountId=account, bucketId=bucket_id, bucketType="allPublic",
        ifRevisionIs=bucket["revision"],
    )  # fmt: skip
    assert updated["bucketType"] == "allPublic"
    assert updated["revision"] == bucket["revision"] + 1
    listed = await get("b2_list_buckets", accountId=account, bucketTypes=["allPublic"])
    assert [b["bucketId"] for b in listed["buckets"]] == [bucket_id]

    upload = await get("b2_get_upload_url", bucketId=bucket_id)
    assert upload["bucketId"] == bucket_id
    small = await api.upload(bucket_id, "a.txt", b"hello", url=(upload["uploadUrl"],
                             upload["authorizationToken"]))  # fmt: skip
    info = await get("b2_get_file_info", fileId=small["fileId"])
    assert info["contentSha1"] == sha1(b"hello")
    names = await get("b2_list_file_names", bucketId=bucket_id, maxFileCount=10)
    assert [f["fileName"] for f in names["files"]] == ["a.txt"]
    copy = await get(
        "b2_copy_file", sourceFileId=small["fileId"], fileName="b.txt", range="bytes=1-3"
    )
    assert api.emu.read_file(copy["fileId"]) == b"ell"
    hold = await get(
        "b2_update_file_legal_hold", fileId=copy["fileId"], fileName="b.txt", legalHold="on"
    )
    assert hold["legalHold"] == "on"
    await get("b2_update_file_legal_hold", fileId=copy["fileId"], fileName="b.txt", legalHold="off")
    until = api.emu.state.now_ms() + 60_000
    retention = {"mode": "governance", "retainUntilTimestamp": until}
    kept = await get(
        "b2_update_file_retention", fileId=copy["fileId"], fileName="b.txt",
        fileRetention=retention,
    )  # fmt: skip
    assert kept["fileRetention"] == retention
    hidden = await get("b2_hide_file", bucketId=bucket_id, fileName="a.txt")
    assert hidden["action"] == "hide"
    versions = await get("b2_list_file_versions", bucketId=bucket_id, prefix="a")
    assert [f["action"] for f in versions["files"]] == ["hide", "upload"]
    deleted = await get("b2_delete_file_version", fileId=hidden["fileId"], fileName="a.txt")
    assert deleted == {"fileId": hidden["fileId"], "fileName": "a.txt"}
    await get(
        "b2_delete_file_version", fileId=copy["fileId"], fileName="b.txt", bypassGovernance=True
    )

    large = await get(
        "b2_start_large_file", bucketId=bucket_id, fileName="big.bin",
        contentType="b2/x-auto", fileInfo={"src": "get"},
    )  # fmt: skip
    large_id = large["fileId"]
    unfinished = await get("b2_list_unfinished_large_files", bucketId=bucket_id)
    assert [f["fileId"] for f in unfinished["files"]] == [large_id]
    part_url = await get("b2_get_upload_part_url", fileId=large_id)
    first = b"p" * 100
    response = await api.http.post(
        part_url["uploadUrl"],
        headers={
            "Authorization": part_url["authorizationToken"],
            "X-Bz-Part-Number": "1",
            "X-Bz-Content-Sha1": sha1(first),
        },
        content=first,
    )
    assert response.status_code == 200, response.text
    part2 = await get(
        "b2_copy_part", sourceFileId=small["fileId"], largeFileId=large_id, partNumber=2
    )
    assert part2["contentSha1"] == sha1(b"hello")
    parts = await get("b2_list_parts", fileId=large_id, maxPartCount=5)
    assert [p["partNumber"] for p in parts["parts"]] == [1, 2]
    done = await get(
        "b2_finish_large_file", fileId=large_id, partSha1Array=[sha1(first), sha1(b"hello")]
    )
    assert done["contentLength"] == 105
    assert api.emu.read_file(large_id) == first + b"hello"
    other = await get("b2_start_large_file", bucketId=bucket_id, fileName="gone.bin",
                      contentType="text/plain")  # fmt: skip
    cancelled = await get("b2_cancel_large_file", fileId=other["fileId"])
    assert cancelled["fileName"] == "gone.bin"

    auth = await get(
        "b2_get_download_authorization", bucketId=bucket_id, fileNamePrefix="big",
        validDurationInSeconds=60,
    )  # fmt: skip
    assert auth["fileNamePrefix"] == "big"
    rules = await get(
        "b2_set_bucket_notification_rules", bucketId=bucket_id, eventNotificationRules=[RULE]
    )
    assert [r["name"] for r in rules["eventNotificationRules"]] == ["ruleOne"]
    got = await get("b2_get_bucket_notification_rules", bucketId=bucket_id)
    assert got == rules

    key = await get(
        "b2_create_key", accountId=account, keyName="get-key",
        capabilities=["listFiles", "readFiles"], bucketId=bucket_id,
    )  # fmt: skip
    keys = await get("b2_list_keys", accountId=account, maxKeyCount=10)
    assert key["applicationKeyId"] in [k["applicationKeyId"] for k in keys["keys"]]
    removed = await get("b2_delete_key", applicationKeyId=key["applicationKeyId"])
    assert removed["keyName"] == "get-key"

    for version in (await get("b2_list_file_versions", bucketId=bucket_id))["files"]:
        await get("b2_delete_file_version", fileId=version["fileId"], fileName=version["fileName"])
    gone = await get("b2_delete_bucket", accountId=account, bucketId=bucket_id)
    assert gone["bucketId"] == bucket_id
    assert get.seen == set(JSON_HANDLERS)


async def test_get_query_errors_have_the_same_bodies(api: Api) -> None:
    response = await api.get("b2_list_file_names", {})
    assert_error(response, 400, "bad_request")
    response = await api.get("b2_list_file_names", {"bucketId": "nope"})
    assert_error(response, 400, "bad_bucket_id")
    response = await api.get("b2_list_buckets", {"accountId": api.account_id}, token="bogus")
    assert_error(response, 401, "bad_auth_token")
