"""Application keys (v3 vs v4 shapes) and bucket notification rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from ._api import RULE

if TYPE_CHECKING:
    from ._api import Api

pytestmark = pytest.mark.anyio


async def test_create_list_delete_v3(api: Api) -> None:
    bucket_id = await api.bucket()
    before = api.emu.state.now_ms()
    created = await api.ok(
        "b2_create_key", accountId=api.account_id, capabilities=["listFiles", "readFiles"],
        keyName="reader-1", bucketId=bucket_id, namePrefix="a/", validDurationInSeconds=3600,
    )  # fmt: skip
    assert created["bucketId"] == bucket_id
    assert "bucketIds" not in created
    assert created["namePrefix"] == "a/"
    expiration = created["expirationTimestamp"]
    assert before + 3_600_000 <= expiration <= api.emu.state.now_ms() + 3_600_000
    assert len(created["applicationKeyId"]) == 25
    secret = created["applicationKey"]
    listed = await api.ok("b2_list_keys", accountId=api.account_id)
    assert [k["applicationKeyId"] for k in listed["keys"]] == [created["applicationKeyId"]]
    assert "applicationKey" not in listed["keys"][0]
    deleted = await api.ok("b2_delete_key", applicationKeyId=created["applicationKeyId"])
    assert deleted["applicationKeyId"] == created["applicationKeyId"]
    assert (await api.ok("b2_list_keys", accountId=api.account_id))["keys"] == []
    response = await api.authorize(created["applicationKeyId"], secret)
    assert response.status_code == 401
    await api.authorize()
    await api.fails(
        "b2_delete_key", 400, "bad_request", applicationKeyId=created["applicationKeyId"]
    )


async def test_deleted_key_tokens_stop_working(api: Api) -> None:
    key_id, key = api.emu.create_key(["listBuckets"])
    master_token = api.token
    await api.authorize(key_id, key)
    await api.ok("b2_list_buckets", accountId=api.account_id)
    await api.post("b2_delete_key", token=master_token, applicationKeyId=key_id)
    await api.fails("b2_list_buckets", 401, "bad_auth_token", accountId=api.account_id)


async def test_v4_multi_bucket_keys(api: Api) -> None:
    first, second = await api.bucket("bucket-one"), await api.bucket("bucket-two")
    await api.authorize(version=4)
    created = await api.ok(
        "b2_create_key", accountId=api.account_id, capabilities=["listFiles"],
        keyName="multi", bucketIds=[first, second],
    )  # fmt: skip
    assert created["bucketIds"] == [first, second]
    listed = await api.ok("b2_list_keys", accountId=api.account_id)
    assert [k["bucketIds"] for k in listed["keys"]] == [[first, second]]
    await api.authorize(version=3)
    assert (await api.ok("b2_list_keys", accountId=api.account_id))["keys"] == []
    await api.fails(
        "b2_delete_key", 400, "bad_request", applicationKeyId=created["applicationKeyId"]
    )


async def test_key_validation(api: Api) -> None:
    bucket_id = await api.bucket()
    base = {"accountId": api.account_id, "keyName": "ok-name"}
    await api.fails("b2_create_key", 400, "bad_request", **base, capabilities=[])
    await api.fails(
        "b2_create_key", 400, "bad_request", accountId=api.account_id, keyName="bad name!",
        capabilities=["listFiles"],
    )  # fmt: skip
    await api.fails(
        "b2_create_key", 400, "bad_request", **base, capabilities=["writeKeys"], bucketId=bucket_id
    )


async def test_list_keys_paging(api: Api) -> None:
    ids = [api.emu.create_key(["listFiles"], name=f"k{i}")[0] for i in range(5)]
    body = await api.ok("b2_list_keys", accountId=api.account_id, maxKeyCount=2)
    assert [k["applicationKeyId"] for k in body["keys"]] == ids[:2]
    assert body["nextApplicationKeyId"] == ids[2]
    body = await api.ok(
        "b2_list_keys", accountId=api.account_id, startApplicationKeyId=ids[2], maxKeyCount=10
    )
    assert [k["applicationKeyId"] for k in body["keys"]] == ids[2:]
    assert body["nextApplicationKeyId"] is None


async def test_notification_rules_roundtrip(api: Api) -> None:
    bucket_id = await api.bucket()
    empty = await api.get("b2_get_bucket_notification_rules", {"bucketId": bucket_id})
    assert empty.json() == {"bucketId": bucket_id, "eventNotificationRules": []}
    second = {**RULE, "name": "aRule", "eventTypes": ["b2:ObjectDeleted:Delete"]}
    body = await api.ok(
        "b2_set_bucket_notification_rules",
        bucketId=bucket_id,
        eventNotificationRules=[RULE, second],
    )
    assert [r["name"] for r in body["eventNotificationRules"]] == ["aRule", "ruleOne"]
    assert body["eventNotificationRules"][1]["isSuspended"] is False
    got = await api.get("b2_get_bucket_notification_rules", {"bucketId": bucket_id})
    assert got.json() == body


async def test_notification_rule_errors(api: Api) -> None:
    bucket_id = await api.bucket()
    cases = [
        ({**RULE, "eventTypes": []}, "event_types_empty"),
        ({**RULE, "eventTypes": ["b2:Nope"]}, "event_type_invalid"),
    ]
    for rule, code in cases:
        await api.fails(
            "b2_set_bucket_notification_rules", 400, code,
            bucketId=bucket_id, eventNotificationRules=[rule],
        )  # fmt: skip
    overlap = {**RULE, "name": "other", "eventTypes": ["b2:ObjectCreated:Upload"]}
    await api.fails(
        "b2_set_bucket_notification_rules", 400, "event_type_overlap",
        bucketId=bucket_id, eventNotificationRules=[RULE, overlap],
    )  # fmt: skip
