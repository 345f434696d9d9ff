"""b2_authorize_account and the bucket endpoints: what is sent, what comes back."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

import pytest
from pydantic import SecretStr

from b2async._errors import InvalidBucketName
from b2async._models import CorsRule, DefaultRetention, LifecycleRule, RetentionPeriod, SseB2
from b2async._raw import (
    ApiContext,
    authorize_account,
    create_bucket,
    delete_bucket,
    list_buckets,
    update_bucket,
)

from .conftest import ACCOUNT_ID, Api

if TYPE_CHECKING:
    from b2async._http import B2Http

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(("version", "index"), [("v3", 0), ("v2", 1), ("v4", 4)])
async def test_authorize_account(
    http: B2Http, router: Any, example: Any, version: str, index: int
) -> None:
    body = example("authorize_account", index)
    route = router.get(f"https://api.backblazeb2.com/b2api/{version}/b2_authorize_account")
    route.respond(200, json=body)

    auth = await authorize_account(
        http, "https://api.backblazeb2.com/", "key-id", SecretStr("k3y"), api_version=version
    )

    request = route.calls.last.request
    assert request.method == "GET"
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(b"key-id:k3y").decode()
    assert request.content == b""
    assert auth.account_id == body["accountId"]
    assert auth.authorization_token.get_secret_value() == body["authorizationToken"]
    storage = body.get("apiInfo", {}).get("storageApi", body)
    assert auth.api_url == storage["apiUrl"]
    assert auth.download_url == storage["downloadUrl"]
    assert auth.recommended_part_size == storage["recommendedPartSize"]
    assert auth.absolute_minimum_part_size == storage["absoluteMinimumPartSize"]


async def test_create_bucket_minimal(api: Api, ctx: ApiContext, example: Any) -> None:
    body = example("create_bucket")
    route = api.answer("b2_create_bucket", body)

    bucket = await create_bucket(ctx, bucket_name="testing-new-b2-client", bucket_type="allPrivate")

    assert api.sent(route, "b2_create_bucket") == {
        "accountId": ACCOUNT_ID,
        "bucketName": "testing-new-b2-client",
        "bucketType": "allPrivate",
    }
    assert bucket.bucket_id == body["bucketId"]
    assert bucket.bucket_name == body["bucketName"]
    assert bucket.bucket_type == "allPrivate"
    assert bucket.revision == body["revision"]


async def test_create_bucket_every_member(api: Api, ctx: ApiContext, example: Any) -> None:
    route = api.answer("b2_create_bucket", example("create_bucket"))

    await create_bucket(
        ctx,
        bucket_name="photos-2026",
        bucket_type="allPublic",
        bucket_info={"Cache-Control": "max-age=60"},
        cors_rules=[
            CorsRule(
                cors_rule_name="downloadFromAnyOrigin",
                allowed_origins=["https"],
                allowed_operations=["b2_download_file_by_name"],
                max_age_seconds=3600,
            )
        ],
        lifecycle_rules=[
            LifecycleRule(file_name_prefix="logs/", days_from_hiding_to_deleting=7),
            {"fileNamePrefix": "tmp/", "daysFromUploadingToHiding": 1},
        ],
        file_lock_enabled=True,
        default_server_side_encryption=SseB2(),
        replication_configuration={"asReplicationDestination": None},
    )

    assert api.sent(route, "b2_create_bucket") == {
        "accountId": ACCOUNT_ID,
        "bucketName": "photos-2026",
        "bucketType": "allPublic",
        "bucketInfo": {"Cache-Control": "max-age=60"},
        "corsRules": [
            {
                "corsRuleName": "downloadFromAnyOrigin",
                "allowedOrigins": ["https"],
                "allowedOperations": ["b2_download_file_by_name"],
                "allowedHeaders": [],
                "exposeHeaders": [],
                "maxAgeSeconds": 3600,
            }
        ],
        "lifecycleRules": [
            {"fileNamePrefix": "logs/", "daysFromHidingToDeleting": 7},
            {"fileNamePrefix": "tmp/", "daysFromUploadingToHiding": 1},
        ],
        "fileLockEnabled": True,
        "defaultServerSideEncryption": {"mode": "SSE-B2", "algorithm": "AES256"},
        "replicationConfiguration": {"asReplicationDestination": None},
    }


async def test_create_bucket_refuses_bad_name_before_any_request(api: Api, ctx: ApiContext) -> None:
    route = api.answer("b2_create_bucket", {})
    with pytest.raises(InvalidBucketName):
        await create_bucket(ctx, bucket_name="b2-reserved", bucket_type="allPrivate")
    assert route.call_count == 0


async def test_update_bucket(api: Api, ctx: ApiContext, example: Any) -> None:
    body = example("update_bucket")
    route = api.answer("b2_update_bucket", body)

    bucket = await update_bucket(
        ctx,
        bucket_id="8d625eb63be2775577c70e1a",
        bucket_type="allPrivate",
        bucket_info={},
        default_retention=DefaultRetention(
            mode="governance", period=RetentionPeriod(duration=7, unit="days")
        ),
        default_server_side_encryption="none",
        if_revision_is=3,
    )

    assert api.sent(route, "b2_update_bucket") == {
        "accountId": ACCOUNT_ID,
        "bucketId": "8d625eb63be2775577c70e1a",
        "bucketType": "allPrivate",
        "bucketInfo": {},
        "defaultRetention": {"mode": "governance", "period": {"duration": 7, "unit": "days"}},
        "defaultServerSideEncryption": {"mode": "none"},
        "ifRevisionIs": 3,
    }
    assert bucket.bucket_id == body["bucketId"]
    assert bucket.revision == body["revision"]


async def test_update_bucket_clears_default_retention_with_null_mode(
    api: Api, ctx: ApiContext, example: Any
) -> None:
    route = api.answer("b2_update_bucket", example("update_bucket"))
    await update_bucket(ctx, bucket_id="b1", default_retention=DefaultRetention())
    assert api.sent(route, "b2_update_bucket") == {
        "accountId": ACCOUNT_ID,
        "bucketId": "b1",
        "defaultRetention": {"mode": None},
    }


async def test_delete_bucket(api: Api, ctx: ApiContext, example: Any) -> None:
    body = example("delete_bucket")
    route = api.answer("b2_delete_bucket", body)

    bucket = await delete_bucket(ctx, bucket_id=body["bucketId"])

    assert api.sent(route, "b2_delete_bucket") == {
        "accountId": ACCOUNT_ID,
        "bucketId": body["bucketId"],
    }
    assert bucket.bucket_name == body["bucketName"]


async def test_list_buckets_defaults_to_all_types(api: Api, ctx: ApiContext, example: Any) -> None:
    body = example("list_buckets")
    route = api.answer("b2_list_buckets", body)

    page = await list_buckets(ctx)

    assert api.sent(route, "b2_list_buckets") == {"accountId": ACCOUNT_ID, "bucketTypes": ["all"]}
    assert [b.bucket_name for b in page.buckets] == [b["bucketName"] for b in body["buckets"]]
    assert [b.bucket_id for b in page.buckets] == [b["bucketId"] for b in body["buckets"]]


async def test_list_buckets_filters(api: Api, ctx: ApiContext) -> None:
    route = api.answer("b2_list_buckets", {"buckets": []})

    page = await list_buckets(
        ctx,
        bucket_id="4a48fe8875c6214145260818",
        bucket_name="Kitten-Videos",
        bucket_types=["allPrivate", "allPublic"],
    )

    assert api.sent(route, "b2_list_buckets") == {
        "accountId": ACCOUNT_ID,
        "bucketId": "4a48fe8875c6214145260818",
        "bucketName": "Kitten-Videos",
        "bucketTypes": ["allPrivate", "allPublic"],
    }
    assert page.buckets == []
