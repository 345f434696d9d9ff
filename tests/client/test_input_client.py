"""Bad input to the account-level verbs of ``B2Client`` (buckets, files by id, keys) fails
with a typed :class:`B2ValidationError` naming its rule, before any request: not even the
lazy ``b2_authorize_account`` is made."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import pytest

from b2async import B2ValidationError, InvalidBucketName, SseB2, SseC

from ._support import unique_bucket_name

if TYPE_CHECKING:
    from b2async._client import B2Client
    from b2async.testing import B2Emulator

pytestmark = pytest.mark.anyio

Call = Callable[["B2Client"], Awaitable[Any]]

_FILE_ID = "4_zfile_id_of_some_version"
_SSE_C = SseC(b"k" * 32)


def _case(rule: str, call: Call, label: str) -> Any:
    return pytest.param(rule, call, id=label)


CASES = [
    # create_bucket
    _case("bucket_type", lambda b2: b2.create_bucket("bucket-aaa", 5), "create-type-int"),  # type: ignore[arg-type]
    _case("bucket_type", lambda b2: b2.create_bucket("bucket-aaa", "public"), "create-type-typo"),
    _case(
        "bucket_type", lambda b2: b2.create_bucket("bucket-aaa", "snapshot"), "create-type-readonly"
    ),
    _case(
        "bucket_info",
        lambda b2: b2.create_bucket("bucket-aaa", bucket_info={"a": 1}),  # type: ignore[dict-item]
        "create-info-value-int",
    ),
    _case(
        "bucket_info",
        lambda b2: b2.create_bucket("bucket-aaa", bucket_info=[("a", "b")]),  # type: ignore[arg-type]
        "create-info-list",
    ),
    _case(
        "cors_rules",
        lambda b2: b2.create_bucket("bucket-aaa", cors_rules="rule"),
        "create-cors-str",
    ),
    _case(
        "cors_rules",
        lambda b2: b2.create_bucket("bucket-aaa", cors_rules=[1]),  # type: ignore[list-item]
        "create-cors-item-int",
    ),
    _case(
        "lifecycle_rules",
        lambda b2: b2.create_bucket("bucket-aaa", lifecycle_rules=[None]),  # type: ignore[list-item]
        "create-lifecycle-item-none",
    ),
    _case(
        "file_lock_enabled",
        lambda b2: b2.create_bucket("bucket-aaa", file_lock_enabled="yes"),  # type: ignore[arg-type]
        "create-lock-str",
    ),
    _case(
        "default_server_side_encryption",
        lambda b2: b2.create_bucket("bucket-aaa", default_server_side_encryption="SSE-B2"),  # type: ignore[arg-type]
        "create-sse-str",
    ),
    _case(
        "default_server_side_encryption",
        lambda b2: b2.create_bucket("bucket-aaa", default_server_side_encryption=_SSE_C),  # type: ignore[arg-type]
        "create-sse-c",
    ),
    _case(
        "replication_configuration",
        lambda b2: b2.create_bucket("bucket-aaa", replication_configuration=1),  # type: ignore[arg-type]
        "create-replication-int",
    ),
    # list_buckets
    _case("bucket_types", lambda b2: b2.list_buckets(bucket_types="all"), "list-types-str"),
    _case("bucket_types", lambda b2: b2.list_buckets(bucket_types=[]), "list-types-empty"),
    _case(
        "bucket_types",
        lambda b2: b2.list_buckets(bucket_types=["all", "allPrivate"]),
        "list-types-all-mixed",
    ),
    _case(
        "bucket_types",
        lambda b2: b2.list_buckets(bucket_types=[None]),  # type: ignore[list-item]
        "list-types-none-item",
    ),
    _case("bucket_id", lambda b2: b2.list_buckets(bucket_id=5), "list-id-int"),  # type: ignore[arg-type]
    _case("bucket_id", lambda b2: b2.list_buckets(bucket_id=""), "list-id-empty"),
    # delete_bucket
    _case("bucket_id", lambda b2: b2.delete_bucket(None), "delete-bucket-none"),  # type: ignore[arg-type]
    _case("bucket_id", lambda b2: b2.delete_bucket(""), "delete-bucket-empty"),
    # files by id
    _case("file_id", lambda b2: b2.get_file_info(None), "get-file-info-none"),  # type: ignore[arg-type]
    _case("file_id", lambda b2: b2.get_file_info(""), "get-file-info-empty"),
    _case("file_id", lambda b2: b2.delete_file_version("a.txt", ""), "delete-version-id-empty"),
    _case(
        "bypass_governance",
        lambda b2: b2.delete_file_version("a.txt", _FILE_ID, bypass_governance="no"),  # type: ignore[arg-type]
        "delete-version-bypass-str",
    ),
    _case(
        "retention",
        lambda b2: b2.update_file_retention("a.txt", _FILE_ID, {"mode": "governance"}),  # type: ignore[arg-type]
        "retention-dict",
    ),
    _case(
        "retention",
        lambda b2: b2.update_file_retention("a.txt", _FILE_ID, "governance"),  # type: ignore[arg-type]
        "retention-str",
    ),
    _case(
        "file_id",
        lambda b2: b2.update_file_retention("a.txt", None, None),  # type: ignore[arg-type]
        "retention-id-none",
    ),
    _case(
        "file_id",
        lambda b2: b2.update_file_legal_hold("a.txt", "", "on"),
        "legal-hold-id-empty",
    ),
    _case("file_id", lambda b2: b2.download_bytes_by_id(None), "download-by-id-none"),  # type: ignore[arg-type]
    _case("file_id", lambda b2: b2.download_bytes_by_id(""), "download-by-id-empty"),
    _case(
        "sse",
        lambda b2: b2.download_bytes_by_id(_FILE_ID, sse="key"),  # type: ignore[arg-type]
        "download-by-id-sse-str",
    ),
    _case(
        "sse",
        lambda b2: b2.download_bytes_by_id(_FILE_ID, sse=SseB2()),  # type: ignore[arg-type]
        "download-by-id-sse-b2",
    ),
    # keys
    _case(
        "capabilities",
        lambda b2: b2.create_key("key-1", [1]),  # type: ignore[list-item]
        "create-key-capability-int",
    ),
    _case(
        "capabilities",
        lambda b2: b2.create_key("key-1", ["readFiles", ""]),
        "create-key-capability-empty",
    ),
    _case(
        "capabilities",
        lambda b2: b2.create_key("key-1", 5),  # type: ignore[arg-type]
        "create-key-capabilities-int",
    ),
    _case(
        "valid_duration",
        lambda b2: b2.create_key("key-1", ["readFiles"], valid_duration_seconds="60"),  # type: ignore[arg-type]
        "create-key-duration-str",
    ),
    _case(
        "valid_duration",
        lambda b2: b2.create_key("key-1", ["readFiles"], valid_duration_seconds=True),
        "create-key-duration-bool",
    ),
    _case(
        "valid_duration",
        lambda b2: b2.create_key("key-1", ["readFiles"], valid_duration_seconds=60.5),  # type: ignore[arg-type]
        "create-key-duration-float",
    ),
    _case(
        "bucket_ids",
        lambda b2: b2.create_key("key-1", ["readFiles"], bucket_ids="bucketid"),
        "create-key-bucket-ids-str",
    ),
    _case(
        "bucket_ids",
        lambda b2: b2.create_key("key-1", ["readFiles"], bucket_ids=[None]),  # type: ignore[list-item]
        "create-key-bucket-ids-none-item",
    ),
    _case(
        "name_prefix",
        lambda b2: b2.create_key("key-1", ["readFiles"], name_prefix=5),  # type: ignore[arg-type]
        "create-key-name-prefix-int",
    ),
    _case("application_key_id", lambda b2: b2.delete_key(None), "delete-key-none"),  # type: ignore[arg-type]
    _case("application_key_id", lambda b2: b2.delete_key(""), "delete-key-empty"),
]


@pytest.mark.parametrize(("rule", "call"), CASES)
async def test_bad_input_fails_before_any_request(
    client: B2Client, emulator: B2Emulator, rule: str, call: Call
) -> None:
    with pytest.raises(B2ValidationError) as info:
        await call(client)
    assert info.value.rule == rule
    assert rule in str(info.value)
    assert sum(emulator.calls.values()) == 0


async def test_bucket_handle_checks_id_and_name(client: B2Client, emulator: B2Emulator) -> None:
    with pytest.raises(B2ValidationError) as info:
        client.bucket("", "bucket-aaa")
    assert info.value.rule == "bucket_id"
    with pytest.raises(B2ValidationError) as info:
        client.bucket(None, None)  # type: ignore[arg-type]
    assert info.value.rule == "bucket_id"
    with pytest.raises(InvalidBucketName) as name_info:
        client.bucket("bucketid", "no")
    assert name_info.value.rule == "length"
    assert sum(emulator.calls.values()) == 0


async def test_valid_settings_still_reach_b2(client: B2Client, emulator: B2Emulator) -> None:
    bucket = await client.create_bucket(
        unique_bucket_name(),
        "allPublic",
        bucket_info={"Cache-Control": "max-age=60"},
        cors_rules=[],
        lifecycle_rules=[{"fileNamePrefix": "logs/", "daysFromHidingToDeleting": 1}],
        default_server_side_encryption=SseB2(),
    )
    assert bucket.type == "allPublic"
    updated = await bucket.update(
        bucket_type="allPrivate",
        default_server_side_encryption="none",
        if_revision_is=bucket.model.revision if bucket.model else None,
    )
    assert updated.type == "allPrivate"
    listed = await client.list_buckets(bucket_types=["allPrivate", "allPublic"])
    assert [b.id for b in listed] == [bucket.id]
    assert await client.list_buckets(bucket_id=bucket.id) == [bucket]
    key = await client.create_key(
        "key-1", ("listFiles", "readFiles"), bucket_ids=[bucket.id], valid_duration_seconds=60
    )
    assert key.key_name == "key-1"
    await client.delete_key(key.application_key_id)
    assert emulator.calls["b2_create_key"] == emulator.calls["b2_delete_key"] == 1
