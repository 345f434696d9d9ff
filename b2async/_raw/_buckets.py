"""Bucket endpoints: ``b2_create_bucket``, ``b2_update_bucket``, ``b2_delete_bucket``,
``b2_list_buckets``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from b2async._models import BucketList, BucketModel, ReplicationConfiguration, SseB2
from b2async._raw._call import dump, dump_list, post
from b2async._validation import validate_bucket_name

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from b2async._raw._call import JsonInput
    from b2async._raw._context import ApiContext

__all__ = ["create_bucket", "delete_bucket", "list_buckets", "update_bucket"]

#: A bucket's default encryption as a request member: SSE-B2, or ``"none"`` to turn it off.
DefaultEncryption: TypeAlias = "SseB2 | Literal['none']"


def _default_sse(value: DefaultEncryption | None) -> dict[str, object] | None:
    if value is None:
        return None
    if isinstance(value, SseB2):
        return value.to_json()
    return {"mode": "none"}


def _replication(value: JsonInput | None) -> dict[str, Any] | None:
    # Requests take the settings themselves ({"asReplicationSource", ...}); the wrapper with
    # isClientAuthorizedToRead exists only in answers, so unwrap a ReplicationConfiguration.
    if value is None:
        return None
    if isinstance(value, ReplicationConfiguration):
        return {} if value.value is None else dump(value.value)
    return dump(value)


def _default_retention(value: JsonInput | None) -> dict[str, Any] | None:
    if value is None:
        return None
    member = dump(value)
    # {"mode": null} is how B2 is told to remove the default retention; keep that null.
    member.setdefault("mode", None)
    return member


async def create_bucket(
    ctx: ApiContext,
    *,
    bucket_name: str,
    bucket_type: str,
    bucket_info: Mapping[str, str] | None = None,
    cors_rules: Sequence[JsonInput] | None = None,
    lifecycle_rules: Sequence[JsonInput] | None = None,
    file_lock_enabled: bool | None = None,
    default_server_side_encryption: DefaultEncryption | None = None,
    replication_configuration: JsonInput | None = None,
) -> BucketModel:
    """``b2_create_bucket`` in the context's account.

    Raises:
        InvalidBucketName: before any request, for a name B2 would refuse.
    """
    validate_bucket_name(bucket_name)
    body = await post(
        ctx,
        "b2_create_bucket",
        {
            "accountId": ctx.account_id,
            "bucketName": bucket_name,
            "bucketType": bucket_type,
            "bucketInfo": None if bucket_info is None else dict(bucket_info),
            "corsRules": dump_list(cors_rules),
            "lifecycleRules": dump_list(lifecycle_rules),
            "fileLockEnabled": file_lock_enabled,
            "defaultServerSideEncryption": _default_sse(default_server_side_encryption),
            "replicationConfiguration": _replication(replication_configuration),
        },
    )
    return BucketModel.model_validate_json(body)


async def update_bucket(
    ctx: ApiContext,
    *,
    bucket_id: str,
    bucket_type: str | None = None,
    bucket_info: Mapping[str, str] | None = None,
    cors_rules: Sequence[JsonInput] | None = None,
    lifecycle_rules: Sequence[JsonInput] | None = None,
    default_retention: JsonInput | None = None,
    default_server_side_encryption: DefaultEncryption | None = None,
    file_lock_enabled: bool | None = None,
    replication_configuration: JsonInput | None = None,
    if_revision_is: int | None = None,
) -> BucketModel:
    """``b2_update_bucket``: every member given replaces the bucket's old value.

    ``if_revision_is`` makes the update conditional (B2 answers 409 ``conflict`` when the
    bucket's revision differs). ``file_lock_enabled`` can only turn Object Lock on.
    """
    body = await post(
        ctx,
        "b2_update_bucket",
        {
            "accountId": ctx.account_id,
            "bucketId": bucket_id,
            "bucketType": bucket_type,
            "bucketInfo": None if bucket_info is None else dict(bucket_info),
            "corsRules": dump_list(cors_rules),
            "lifecycleRules": dump_list(lifecycle_rules),
            "defaultRetention": _default_retention(default_retention),
            "defaultServerSideEncryption": _default_sse(default_server_side_encryption),
            "fileLockEnabled": file_lock_enabled,
            "replicationConfiguration": _replication(replication_configuration),
            "ifRevisionIs": if_revision_is,
        },
    )
    return BucketModel.model_validate_json(body)


async def delete_bucket(ctx: ApiContext, *, bucket_id: str) -> BucketModel:
    """``b2_delete_bucket``; B2 refuses (400 ``cannot_delete_non_empty_bucket``) unless the
    bucket holds no file versions at all, hide markers and unfinished large files included."""
    body = await post(ctx, "b2_delete_bucket", {"accountId": ctx.account_id, "bucketId": bucket_id})
    return BucketModel.model_validate_json(body)


async def list_buckets(
    ctx: ApiContext,
    *,
    bucket_id: str | None = None,
    bucket_name: str | None = None,
    bucket_types: Sequence[str] = ("all",),
) -> BucketList:
    """``b2_list_buckets``, sorted by name.

    ``bucket_types`` defaults to ``("all",)``: without it B2 leaves out ``restricted`` and
    ``shared`` buckets. A key restricted to buckets must name one (id or name).
    """
    body = await post(
        ctx,
        "b2_list_buckets",
        {
            "accountId": ctx.account_id,
            "bucketId": bucket_id,
            "bucketName": bucket_name,
            "bucketTypes": list(bucket_types),
        },
    )
    return BucketList.model_validate_json(body)
