"""Authorization shapes (v2/v3/v4), keys, notification rules and secret hygiene."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from b2async._models import (
    ApplicationKey,
    Authorization,
    DownloadAuthorization,
    EventNotificationRule,
    NewApplicationKey,
    NotificationRules,
    PartUploadUrl,
    UploadUrl,
)

from ._data import CAPS, STORAGE, TOKEN


def _v2(bucket_id: str | None, name: str | None) -> dict[str, Any]:
    return {
        "accountId": "30f20426f0b1",
        "authorizationToken": TOKEN,
        **STORAGE,
        "allowed": {
            "bucketId": bucket_id,
            "bucketName": name,
            "capabilities": CAPS,
            "namePrefix": "photos/" if bucket_id else None,
        },
    }


def _v3(bucket_id: str | None, name: str | None) -> dict[str, Any]:
    return {
        "accountId": "30f20426f0b1",
        "authorizationToken": TOKEN,
        "applicationKeyExpirationTimestamp": None,
        "apiInfo": {
            "storageApi": {
                "infoType": "storageApi",
                **STORAGE,
                "bucketId": bucket_id,
                "bucketName": name,
                "capabilities": CAPS,
                "namePrefix": "photos/" if bucket_id else None,
            },
            "groupsApi": {"infoType": "groupsApi", "capabilities": ["all"]},
        },
    }


def _v4(bucket_id: str | None, name: str | None) -> dict[str, Any]:
    buckets = None if bucket_id is None else [{"id": bucket_id, "name": name}]
    return {
        "accountId": "30f20426f0b1",
        "authorizationToken": TOKEN,
        "apiInfo": {
            "storageApi": {
                **STORAGE,
                "allowed": {
                    "buckets": buckets,
                    "capabilities": CAPS,
                    "namePrefix": "photos/" if bucket_id else None,
                },
            },
        },
    }


@pytest.mark.parametrize(("bucket_id", "name"), [(None, None), ("4a48fe8875c6214145260818", "b")])
def test_authorize_shapes_agree(bucket_id: str | None, name: str | None) -> None:
    parsed = [Authorization.model_validate(make(bucket_id, name)) for make in (_v2, _v3, _v4)]
    dumps = [auth.model_dump() for auth in parsed]
    assert dumps[0] == dumps[1] == dumps[2]
    auth = parsed[2]
    assert auth.api_url == "https://api001.backblazeb2.com"
    assert auth.download_url == "https://f001.backblazeb2.com"
    assert auth.s3_api_url == "https://s3.us-west-001.backblazeb2.com"
    assert auth.recommended_part_size == 100_000_000
    assert auth.absolute_minimum_part_size == 5_000_000
    assert auth.allowed.capabilities == CAPS
    assert all(a.authorization_token.get_secret_value() == TOKEN for a in parsed)
    if bucket_id is None:
        assert auth.allowed.buckets is None
        assert auth.allowed.name_prefix is None
        assert auth.allowed.allows_bucket("anything")
    else:
        assert auth.allowed.bucket_ids == [bucket_id]
        assert auth.allowed.buckets is not None
        assert auth.allowed.buckets[0].name == name
        assert auth.allowed.name_prefix == "photos/"
        assert not auth.allowed.allows_bucket("other")


def test_authorize_v4_multi_bucket_and_expiration() -> None:
    body = _v4("b1", "one")
    body["apiInfo"]["storageApi"]["allowed"]["buckets"].append({"id": "b2", "name": None})
    body["applicationKeyExpirationTimestamp"] = 1_700_000_000_123
    auth = Authorization.model_validate(body)
    assert auth.allowed.bucket_ids == ["b1", "b2"]
    assert auth.allowed.buckets is not None
    assert auth.allowed.buckets[1].name is None
    expires = auth.application_key_expiration_timestamp
    assert expires == datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=timezone.utc)


def test_authorization_by_field_name() -> None:
    auth = Authorization(
        account_id="a",
        authorization_token=TOKEN,
        api_url="http://127.0.0.1:1",
        download_url="http://127.0.0.1:1",
        recommended_part_size=100,
        absolute_minimum_part_size=5,
    )
    assert auth.allowed.buckets is None
    assert auth.allowed.capabilities == []
    assert auth.authorization_token.get_secret_value() == TOKEN


def test_application_keys_v3_and_v4() -> None:
    common = {
        "accountId": "a",
        "applicationKeyId": "002d2e6b27577ea000000000c",
        "keyName": "k",
        "capabilities": ["listFiles"],
        "expirationTimestamp": None,
        "namePrefix": None,
        "options": ["s3"],
    }
    v3 = ApplicationKey.model_validate({**common, "bucketId": "b1"})
    v4 = ApplicationKey.model_validate({**common, "bucketIds": ["b1"]})
    assert v3 == v4
    assert v3.bucket_ids == ["b1"]
    assert v3.bucket_id == "b1"
    assert ApplicationKey.model_validate({**common, "bucketId": None}).bucket_ids is None
    new = NewApplicationKey.model_validate({**common, "applicationKey": "K002SECRETKEY"})
    assert new.application_key.get_secret_value() == "K002SECRETKEY"
    assert "K002SECRETKEY" not in repr(new) + str(new) + new.model_dump_json()


def test_secrets_never_leak() -> None:
    secret_holders = [
        Authorization.model_validate(_v3(None, None)),
        UploadUrl(bucket_id="b", upload_url="https://pod", authorization_token=TOKEN),
        PartUploadUrl(file_id="f", upload_url="https://pod", authorization_token=TOKEN),
        DownloadAuthorization(
            bucket_id="b",
            file_name_prefix="",
            authorization_token=TOKEN,
        ),
    ]
    for holder in secret_holders:
        for text in (repr(holder), str(holder), holder.model_dump_json(), str(holder.model_dump())):
            assert TOKEN not in text
            assert "SECRETSECRET" not in text
        assert "**********" in holder.model_dump_json()


def test_notification_rule_secret_and_to_json() -> None:
    rules = NotificationRules.model_validate(
        {
            "bucketId": "b",
            "eventNotificationRules": [
                {
                    "name": "r",
                    "eventTypes": ["b2:ObjectCreated:*"],
                    "isEnabled": True,
                    "isSuspended": False,
                    "objectNamePrefix": "",
                    "suspensionReason": "",
                    "targetConfiguration": {
                        "targetType": "webhook",
                        "url": "https://example.com/hook",
                        "customHeaders": [{"name": "X-A", "value": "1"}],
                        "hmacSha256SigningSecret": "SIGNINGSECRET0123456789abcdefgh",
                    },
                }
            ],
        }
    )
    rule = rules.event_notification_rules[0]
    assert "SIGNINGSECRET" not in repr(rules) + rules.model_dump_json()
    wire = rule.to_json()
    assert wire == {
        "name": "r",
        "eventTypes": ["b2:ObjectCreated:*"],
        "isEnabled": True,
        "objectNamePrefix": "",
        "targetConfiguration": {
            "targetType": "webhook",
            "url": "https://example.com/hook",
            "customHeaders": [{"name": "X-A", "value": "1"}],
            "hmacSha256SigningSecret": "SIGNINGSECRET0123456789abcdefgh",
        },
    }
    assert EventNotificationRule.model_validate(wire) == rule.model_copy(
        update={"is_suspended": None, "suspension_reason": None}
    )


def test_public_names() -> None:
    import b2async._models as models

    assert models.__all__ == sorted(models.__all__)
    assert all(hasattr(models, name) for name in models.__all__)
