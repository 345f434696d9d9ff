"""Application keys (v3 bucketId vs v4 bucketIds) and bucket notification rules."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from pydantic import SecretStr

from b2async._errors import B2ValidationError
from b2async._models import EventNotificationRule, NotificationTarget
from b2async._raw import (
    ApiContext,
    create_key,
    delete_key,
    get_bucket_notification_rules,
    list_keys,
    set_bucket_notification_rules,
)

from .conftest import ACCOUNT_ID, ACCOUNT_TOKEN, API_URL, Api

pytestmark = pytest.mark.anyio


async def test_create_key_v3_sends_single_bucket_id(
    api: Api, ctx: ApiContext, example: Any
) -> None:
    body = example("create_key")
    route = api.answer("b2_create_key", body)

    key = await create_key(
        ctx,
        key_name="my-special-key",
        capabilities=["listFiles"],
        valid_duration_in_seconds=3600,
        bucket_ids=["8d625eb63be2775577c70e1a"],
        name_prefix="photos/",
    )

    assert api.sent(route, "b2_create_key") == {
        "accountId": ACCOUNT_ID,
        "capabilities": ["listFiles"],
        "keyName": "my-special-key",
        "validDurationInSeconds": 3600,
        "bucketId": "8d625eb63be2775577c70e1a",
        "namePrefix": "photos/",
    }
    assert key.application_key_id == body["applicationKeyId"]
    assert key.application_key.get_secret_value() == body["applicationKey"]
    assert "K0029r3hpMfUhncpS7uLYuIkg3FCMlo" not in repr(key)
    assert key.capabilities == ["listFiles"]
    assert key.bucket_ids is None


async def test_create_key_v4_sends_bucket_ids(api: Api, ctx: ApiContext, example: Any) -> None:
    ctx4 = dataclasses.replace(ctx, api_version="v4")
    body = example("create_key", 1)
    route = api.answer("b2_create_key", body, version="v4")

    key = await create_key(
        ctx4, key_name="my-key", capabilities=["listFiles", "readFiles"], bucket_ids=["b1", "b2"]
    )

    assert api.sent(route, "b2_create_key", version="v4") == {
        "accountId": ACCOUNT_ID,
        "capabilities": ["listFiles", "readFiles"],
        "keyName": "my-key",
        "bucketIds": ["b1", "b2"],
    }
    assert key.bucket_ids == ["bucket_0"]
    assert key.name_prefix == "a/"


async def test_create_key_v4_single_bucket_id_becomes_a_list(api: Api, ctx: ApiContext) -> None:
    ctx4 = dataclasses.replace(ctx, api_version="v4")
    route = api.answer(
        "b2_create_key",
        {
            "accountId": ACCOUNT_ID,
            "applicationKeyId": "k1",
            "applicationKey": "secret",
            "keyName": "n",
            "capabilities": ["listFiles"],
            "bucketIds": ["b1"],
        },
        version="v4",
    )
    await create_key(ctx4, key_name="n", capabilities=["listFiles"], bucket_id="b1")
    assert api.sent(route, "b2_create_key", version="v4")["bucketIds"] == ["b1"]


async def test_create_key_v3_refuses_several_buckets(api: Api, ctx: ApiContext) -> None:
    route = api.answer("b2_create_key", {})
    with pytest.raises(B2ValidationError) as caught:
        await create_key(ctx, key_name="n", capabilities=["listFiles"], bucket_ids=["a", "b"])
    assert caught.value.rule == "bucket_ids"
    assert route.call_count == 0


async def test_list_keys(api: Api, ctx: ApiContext, example: Any) -> None:
    body = example("list_keys")
    route = api.answer("b2_list_keys", body)

    page = await list_keys(ctx, max_key_count=10, start_application_key_id="002d")

    assert api.sent(route, "b2_list_keys") == {
        "accountId": ACCOUNT_ID,
        "maxKeyCount": 10,
        "startApplicationKeyId": "002d",
    }
    assert [k.key_name for k in page.keys] == ["dev-b2-client-tester"]
    assert page.keys[0].bucket_ids == ["abcdefghijklmnop"]  # v3 bucketId accepted
    assert page.next_application_key_id is None


async def test_delete_key(api: Api, ctx: ApiContext, example: Any) -> None:
    body = example("delete_key")
    route = api.answer("b2_delete_key", body)

    key = await delete_key(ctx, application_key_id=body["applicationKeyId"])

    assert api.sent(route, "b2_delete_key") == {"applicationKeyId": body["applicationKeyId"]}
    assert key.application_key_id == body["applicationKeyId"]
    assert key.key_name == "my-special-key"


async def test_get_bucket_notification_rules_uses_get_with_query(
    router: Any, ctx: ApiContext, example: Any
) -> None:
    body = example("get_bucket_notification_rules")
    route = router.get(f"{API_URL}/b2api/v3/b2_get_bucket_notification_rules").respond(
        200, json=body
    )

    rules = await get_bucket_notification_rules(ctx, bucket_id="aea8c5bc362ae55070130333")

    request = route.calls.last.request
    assert request.method == "GET"
    assert dict(request.url.params) == {"bucketId": "aea8c5bc362ae55070130333"}
    assert request.headers["Authorization"] == ACCOUNT_TOKEN
    assert request.content == b""
    assert rules.bucket_id == "aea8c5bc362ae55070130333"
    [rule] = rules.event_notification_rules
    assert rule.name == "mySampleRule1"
    assert rule.event_types == ["b2:ObjectCreated:Upload", "b2:ObjectCreated:MultipartUpload"]
    assert rule.target_configuration.url == "https://www.example.com/sampleurl"


async def test_set_bucket_notification_rules(api: Api, ctx: ApiContext, example: Any) -> None:
    body = example("set_bucket_notification_rules")
    route = api.answer("b2_set_bucket_notification_rules", body)
    rule = EventNotificationRule(
        name="mySampleRule1",
        event_types=["b2:ObjectCreated:Upload"],
        object_name_prefix="photos/",
        target_configuration=NotificationTarget(
            url="https://www.example.com/sampleurl",
            hmac_sha256_signing_secret=SecretStr("MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0"),
        ),
        is_suspended=False,
        suspension_reason="",
    )

    rules = await set_bucket_notification_rules(
        ctx,
        bucket_id="aea8c5bc362ae55070130333",
        event_notification_rules=[
            rule,
            {
                "name": "raw",
                "eventTypes": ["b2:ObjectDeleted:*"],
                "isEnabled": False,
                "objectNamePrefix": "",
                "targetConfiguration": {"targetType": "webhook", "url": "https://e.x/h"},
            },
        ],
    )

    assert api.sent(route, "b2_set_bucket_notification_rules") == {
        "bucketId": "aea8c5bc362ae55070130333",
        "eventNotificationRules": [
            {
                "name": "mySampleRule1",
                "eventTypes": ["b2:ObjectCreated:Upload"],
                "isEnabled": True,
                "objectNamePrefix": "photos/",
                "targetConfiguration": {
                    "targetType": "webhook",
                    "url": "https://www.example.com/sampleurl",
                    "hmacSha256SigningSecret": "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0",
                },
            },
            {
                "name": "raw",
                "eventTypes": ["b2:ObjectDeleted:*"],
                "isEnabled": False,
                "objectNamePrefix": "",
                "targetConfiguration": {"targetType": "webhook", "url": "https://e.x/h"},
            },
        ],
    }
    assert rules.bucket_id == body["bucketId"]
    assert [r.name for r in rules.event_notification_rules] == [
        r["name"] for r in body["eventNotificationRules"]
    ]


async def test_set_bucket_notification_rules_empty_list_clears(api: Api, ctx: ApiContext) -> None:
    route = api.answer(
        "b2_set_bucket_notification_rules", {"bucketId": "b1", "eventNotificationRules": []}
    )
    rules = await set_bucket_notification_rules(ctx, bucket_id="b1", event_notification_rules=[])
    assert api.sent(route, "b2_set_bucket_notification_rules") == {
        "bucketId": "b1",
        "eventNotificationRules": [],
    }
    assert rules.event_notification_rules == []
