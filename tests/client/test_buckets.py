"""Buckets through B2Client / Bucket against the in-process emulator."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from b2async._errors import (
    BucketIdNotFound,
    BucketNotEmpty,
    BucketNotFound,
    Conflict,
    DuplicateBucketName,
    InvalidBucketName,
)
from b2async._models import CorsRule, LifecycleRule, SseB2

from ._support import put_file, unique_bucket_name

if TYPE_CHECKING:
    from b2async._bucket import Bucket
    from b2async._client import B2Client
    from b2async.testing import B2Emulator

pytestmark = pytest.mark.anyio


async def test_authorization_is_lazy(emulator: B2Emulator, client: B2Client) -> None:
    assert emulator.calls["b2_authorize_account"] == 0
    assert await client.list_buckets() == []
    assert emulator.calls["b2_authorize_account"] == 1
    await client.list_buckets()
    assert emulator.calls["b2_authorize_account"] == 1


async def test_authorize_returns_the_authorization(emulator: B2Emulator, client: B2Client) -> None:
    authorization = await client.authorize()
    assert authorization.account_id == emulator.account_id
    assert authorization.recommended_part_size > 0
    assert emulator.calls["b2_authorize_account"] == 1


async def test_create_get_and_list(client: B2Client) -> None:
    names = sorted(unique_bucket_name("list") for _ in range(3))
    created = [await client.create_bucket(name, "allPublic") for name in reversed(names)]
    assert {bucket.type for bucket in created} == {"allPublic"}

    listed = await client.list_buckets()
    assert [bucket.name for bucket in listed] == names
    assert {bucket.id for bucket in listed} == {bucket.id for bucket in created}

    fetched = await client.get_bucket(names[1])
    assert fetched.name == names[1]
    assert fetched.id == next(b.id for b in created if b.name == names[1])
    assert fetched.model is not None
    assert fetched.model.bucket_type == "allPublic"

    only = await client.list_buckets(bucket_name=names[2])
    assert [bucket.name for bucket in only] == [names[2]]


async def test_create_with_info_and_duplicate_name(client: B2Client) -> None:
    name = unique_bucket_name()
    bucket = await client.create_bucket(name, bucket_info={"color": "blue"})
    assert bucket.model is not None
    assert bucket.model.bucket_info == {"color": "blue"}
    assert bucket.type == "allPrivate"
    with pytest.raises(DuplicateBucketName):
        await client.create_bucket(name)


async def test_get_bucket_not_found_is_typed(client: B2Client) -> None:
    with pytest.raises(BucketNotFound) as info:
        await client.get_bucket("no-such-bucket")
    assert isinstance(info.value, LookupError)
    assert info.value.bucket_name == "no-such-bucket"


async def test_bad_bucket_name_makes_no_request(emulator: B2Emulator, client: B2Client) -> None:
    with pytest.raises(InvalidBucketName):
        await client.create_bucket("bad_name")
    assert sum(emulator.calls.values()) == 0


async def test_update_and_revision_conflict(client: B2Client, bucket: Bucket) -> None:
    assert bucket.model is not None
    revision = bucket.model.revision
    assert revision is not None

    updated = await bucket.update(
        bucket_type="allPublic", bucket_info={"k": "v"}, if_revision_is=revision
    )
    assert updated.type == "allPublic"
    assert updated.model is not None
    assert updated.model.bucket_info == {"k": "v"}
    assert updated.model.revision == revision + 1
    assert updated.id == bucket.id

    with pytest.raises(Conflict):
        await bucket.update(bucket_info={"k": "stale"}, if_revision_is=revision)
    current = await client.get_bucket(bucket.name)
    assert current.model is not None
    assert current.model.bucket_info == {"k": "v"}


async def test_handle_without_a_call(
    emulator: B2Emulator, client: B2Client, bucket: Bucket
) -> None:
    before = sum(emulator.calls.values())
    handle = client.bucket(bucket.id, bucket.name)
    assert sum(emulator.calls.values()) == before
    assert (handle.id, handle.name, handle.type, handle.model) == (
        bucket.id,
        bucket.name,
        None,
        None,
    )
    assert handle == bucket
    refreshed = await handle.refresh()
    assert refreshed.type == "allPrivate"
    assert refreshed.model == bucket.model


async def test_delete_refuses_non_empty_then_deletes(client: B2Client, bucket: Bucket) -> None:
    version = await put_file(bucket, "a.txt", b"hello")
    with pytest.raises(BucketNotEmpty):
        await bucket.delete()
    assert file_id(version) is not None
    await client.delete_file_version("a.txt", file_id(version))
    deleted = await client.delete_bucket(bucket)
    assert deleted.bucket_id == bucket.id
    assert await client.list_buckets() == []
    with pytest.raises(BucketIdNotFound):
        await client.delete_bucket(bucket.id)


def file_id(version: object) -> str:
    value = getattr(version, "file_id", None)
    assert isinstance(value, str)
    return value


async def test_rules_and_encryption_as_models_or_dicts(client: B2Client) -> None:
    bucket = await client.create_bucket(
        unique_bucket_name("rules"),
        cors_rules=[
            CorsRule(
                cors_rule_name="downloadFromAnyOrigin",
                allowed_origins=["https://example.com"],
                allowed_operations=["b2_download_file_by_name"],
                max_age_seconds=3600,
            )
        ],
        lifecycle_rules=[{"fileNamePrefix": "logs/", "daysFromHidingToDeleting": 7}],
        default_server_side_encryption=SseB2(),
    )
    assert bucket.model is not None
    assert [rule.cors_rule_name for rule in bucket.model.cors_rules] == ["downloadFromAnyOrigin"]
    assert bucket.model.cors_rules[0].max_age_seconds == 3600
    encryption = bucket.model.default_server_side_encryption
    assert encryption is not None
    assert encryption.value is not None
    assert (encryption.value.mode, encryption.value.algorithm) == ("SSE-B2", "AES256")
    assert bucket.model.lifecycle_rules == [
        LifecycleRule(file_name_prefix="logs/", days_from_hiding_to_deleting=7)
    ]
    updated = await bucket.update(
        lifecycle_rules=[LifecycleRule(file_name_prefix="tmp/", days_from_uploading_to_hiding=1)],
        cors_rules=[],
    )
    assert updated.model is not None
    assert updated.model.cors_rules == []
    assert [rule.file_name_prefix for rule in updated.model.lifecycle_rules] == ["tmp/"]
