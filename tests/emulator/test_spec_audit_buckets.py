"""Bucket validation B2 does and the emulator must mirror: list_buckets types, CORS rules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ._api import Api

pytestmark = pytest.mark.anyio

# A rule B2 accepts (spec 4.6).
CORS_RULE: dict[str, Any] = {
    "corsRuleName": "downloadFromAnyOrigin",
    "allowedOrigins": ["https://*.example.com"],
    "allowedOperations": ["b2_download_file_by_name", "s3_get"],
    "allowedHeaders": ["range"],
    "exposeHeaders": ["x-bz-content-sha1"],
    "maxAgeSeconds": 3600,
}


async def test_list_buckets_refuses_unknown_bucket_types(api: Api) -> None:
    # spec 4.4: unknown types are a 400, not an empty (filtered) list.
    await api.bucket("typed-bucket")
    await api.fails(
        "b2_list_buckets", 400, "bad_request", accountId=api.account_id, bucketTypes=["public"]
    )
    await api.fails(
        "b2_list_buckets", 400, "bad_request",
        accountId=api.account_id, bucketTypes=["allPrivate", "bogus"],
    )  # fmt: skip
    body = await api.ok(
        "b2_list_buckets", accountId=api.account_id, bucketTypes=["allPrivate", "snapshot"]
    )
    assert [b["bucketName"] for b in body["buckets"]] == ["typed-bucket"]


async def test_valid_cors_rules_are_stored(api: Api) -> None:
    body = await api.ok(
        "b2_create_bucket", accountId=api.account_id, bucketName="cors-bucket",
        bucketType="allPrivate", corsRules=[CORS_RULE],
    )  # fmt: skip
    assert body["corsRules"] == [CORS_RULE]


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"corsRuleName": "short"}, "name under 6 characters"),
        ({"corsRuleName": "has_underscore"}, "name outside [A-Za-z0-9-]"),
        ({"corsRuleName": "b2-reserved"}, "reserved b2- prefix"),
        ({"allowedOrigins": []}, "no origins"),
        ({"allowedOrigins": ["*", "https://a.example"]}, "* not alone in origins"),
        ({"allowedOperations": []}, "no operations"),
        ({"allowedOperations": ["b2_list_file_names"]}, "unknown operation"),
        ({"allowedHeaders": ["*", "range"]}, "* not alone in headers"),
        ({"maxAgeSeconds": 86_401}, "max age over a day"),
        ({"maxAgeSeconds": -1}, "negative max age"),
    ],
)
async def test_invalid_cors_rules_are_refused(api: Api, change: dict[str, Any], why: str) -> None:
    bucket_id = await api.bucket("cors-bucket")
    rule = {**CORS_RULE, **change}
    await api.fails(
        "b2_update_bucket", 400, "bad_request",
        accountId=api.account_id, bucketId=bucket_id, corsRules=[rule],
    )  # fmt: skip
    body = await api.ok("b2_list_buckets", accountId=api.account_id, bucketId=bucket_id)
    assert body["buckets"][0]["corsRules"] == [], why


async def test_cors_rule_names_must_be_unique(api: Api) -> None:
    await api.fails(
        "b2_create_bucket", 400, "bad_request",
        accountId=api.account_id, bucketName="cors-bucket", bucketType="allPrivate",
        corsRules=[CORS_RULE, {**CORS_RULE, "allowedOperations": ["s3_put"]}],
    )  # fmt: skip
    assert (await api.ok("b2_list_buckets", accountId=api.account_id))["buckets"] == []
