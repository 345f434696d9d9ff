"""Application key endpoints: ``b2_create_key``, ``b2_list_keys``, ``b2_delete_key``.

B2 v3 restricts a key to at most one bucket (``bucketId``); v4 takes a list (``bucketIds``).
The member sent follows the context's API version.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from b2async._errors import B2ValidationError
from b2async._models import ApplicationKey, KeysPage, NewApplicationKey
from b2async._raw._call import post

if TYPE_CHECKING:
    from collections.abc import Sequence

    from b2async._raw._context import ApiContext

__all__ = ["check_new_key", "create_key", "delete_key", "list_keys"]

#: Versions that know only the single ``bucketId`` restriction.
_SINGLE_BUCKET_VERSIONS = frozenset({"v1", "v2", "v3"})
#: ``keyName``: 1-100 letters, digits and ``-``.
_KEY_NAME = re.compile(r"[A-Za-z0-9-]{1,100}")
#: A key's lifetime must stay under 1000 days.
MAX_KEY_DURATION_SECONDS = 1000 * 86_400 - 1


def check_new_key(
    api_version: str,
    *,
    key_name: str,
    capabilities: Sequence[str],
    valid_duration_in_seconds: int | None,
    bucket_ids: Sequence[str] | None,
) -> None:
    """Refuse a ``b2_create_key`` request B2 would refuse, before any request.

    ``B2Client.create_key`` calls this before the session authorizes, and
    :func:`create_key` again for direct callers of the raw layer.

    Raises:
        B2ValidationError: a bad name, empty capabilities or bucket list, a lifetime out of
            range, or several buckets on an API version that allows one.
    """
    if not isinstance(key_name, str) or not _KEY_NAME.fullmatch(key_name):
        raise B2ValidationError("key_name must be 1-100 letters, digits or '-'", rule="key_name")
    if isinstance(capabilities, str) or not capabilities:
        raise B2ValidationError(
            "capabilities must be a non-empty list of names", rule="capabilities"
        )
    if valid_duration_in_seconds is not None and not (
        1 <= valid_duration_in_seconds <= MAX_KEY_DURATION_SECONDS
    ):
        raise B2ValidationError(
            f"valid_duration_seconds must be between 1 and {MAX_KEY_DURATION_SECONDS}",
            rule="valid_duration",
        )
    if bucket_ids is None:
        return
    if not bucket_ids:
        raise B2ValidationError("bucket_ids must not be empty", rule="bucket_ids")
    if len(bucket_ids) > 1 and api_version in _SINGLE_BUCKET_VERSIONS:
        raise B2ValidationError(
            f"API {api_version} restricts a key to one bucket; "
            "multi-bucket keys need api_version='v4'",
            rule="bucket_ids",
        )


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
        B2ValidationError: before any request, for what :func:`check_new_key` refuses, or
            both ``bucket_id`` and ``bucket_ids``.
    """
    if bucket_id is not None and bucket_ids is not None:
        raise B2ValidationError("give bucket_id or bucket_ids, not both", rule="bucket_ids")
    ids = [bucket_id] if bucket_id is not None else None if bucket_ids is None else list(bucket_ids)
    check_new_key(
        ctx.api_version,
        key_name=key_name,
        capabilities=capabilities,
        valid_duration_in_seconds=valid_duration_in_seconds,
        bucket_ids=ids,
    )
    # B2 v3 restricts a key to one bucket (``bucketId``); v4 takes a list (``bucketIds``).
    bucket_member: dict[str, object] = (
        {"bucketId": ids[0] if ids else None}
        if ctx.api_version in _SINGLE_BUCKET_VERSIONS
        else {"bucketIds": ids}
    )
    members: dict[str, object] = {
        "accountId": ctx.account_id,
        "capabilities": list(capabilities),
        "keyName": key_name,
        "validDurationInSeconds": valid_duration_in_seconds,
        **bucket_member,
        "namePrefix": name_prefix,
    }
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
