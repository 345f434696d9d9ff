"""Application key endpoints: ``b2_create_key``, ``b2_list_keys``, ``b2_delete_key``.

B2 v3 restricts a key to at most one bucket (``bucketId``); v4 takes a list (``bucketIds``).
The member sent follows the context's API version.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from b2async._errors import B2ValidationError
from b2async._models import ApplicationKey, KeysPage, NewApplicationKey
from b2async._raw._call import post

if TYPE_CHECKING:
    from collections.abc import Sequence

    from b2async._raw._context import ApiContext

__all__ = ["create_key", "delete_key", "list_keys"]

#: Versions that know only the single ``bucketId`` restriction.
_SINGLE_BUCKET_VERSIONS = frozenset({"v1", "v2", "v3"})


def _bucket_members(
    api_version: str, bucket_id: str | None, bucket_ids: Sequence[str] | None
) -> dict[str, object]:
    if bucket_id is not None and bucket_ids is not None:
        raise B2ValidationError("give bucket_id or bucket_ids, not both", rule="bucket_ids")
    ids = [bucket_id] if bucket_id is not None else None if bucket_ids is None else list(bucket_ids)
    if api_version not in _SINGLE_BUCKET_VERSIONS:
        return {"bucketIds": ids}
    if ids is not None and len(ids) > 1:
        raise B2ValidationError(
            f"API {api_version} restricts a key to one bucket; multi-bucket keys need v4",
            rule="bucket_ids",
        )
    return {"bucketId": ids[0] if ids else None}


async def create_key(
    ctx: ApiContext,
    *,
    key_name: str,
    capabilities: Sequence[str],
    valid_duration_in_seconds: int | None = None,
    bucket_id: str | None = None,
    bucket_ids: Sequence[str] | None = None,
    name_prefix: str | None = None,
) -> NewApplicationKey:
    """``b2_create_key``; the answer is the only time B2 reveals the new key's secret.

    Args:
        key_name: 1-100 letters, digits and ``-`` (need not be unique).
        capabilities: a non-empty list of capability names.
        valid_duration_in_seconds: lifetime; ``None`` for a key that does not expire.
        bucket_id: restrict to one bucket (any API version).
        bucket_ids: restrict to these buckets (more than one needs API v4).
        name_prefix: restrict file access to names starting with it.

    Raises:
        B2ValidationError: both ``bucket_id`` and ``bucket_ids``, or several buckets on v3.
    """
    members: dict[str, object] = {
        "accountId": ctx.account_id,
        "capabilities": list(capabilities),
        "keyName": key_name,
        "validDurationInSeconds": valid_duration_in_seconds,
    }
    members.update(_bucket_members(ctx.api_version, bucket_id, bucket_ids))
    members["namePrefix"] = name_prefix
    body = await post(ctx, "b2_create_key", members)
    return NewApplicationKey.model_validate_json(body)


async def list_keys(
    ctx: ApiContext,
    *,
    max_key_count: int | None = None,
    start_application_key_id: str | None = None,
) -> KeysPage:
    """One page of ``b2_list_keys`` (the master key is never listed)."""
    body = await post(
        ctx,
        "b2_list_keys",
        {
            "accountId": ctx.account_id,
            "maxKeyCount": max_key_count,
            "startApplicationKeyId": start_application_key_id,
        },
    )
    return KeysPage.model_validate_json(body)


async def delete_key(ctx: ApiContext, *, application_key_id: str) -> ApplicationKey:
    """``b2_delete_key``: returns the deleted key (without its secret)."""
    body = await post(ctx, "b2_delete_key", {"applicationKeyId": application_key_id})
    return ApplicationKey.model_validate_json(body)
