"""Application keys: ``b2_create_key``, ``b2_list_keys``, ``b2_delete_key`` (spec 12)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from b2async.testing._render import key_json
from b2async.testing._wire import bad_request, unauthorized

if TYPE_CHECKING:
    from b2async.testing._call import Call

# Capabilities a bucket-restricted key may carry (spec 3.3).
BUCKET_CAPABILITIES = frozenset(
    {
        "listAllBucketNames", "listBuckets", "readBuckets", "readBucketEncryption",
        "writeBucketEncryption", "readBucketRetentions", "writeBucketRetentions",
        "readBucketNotifications", "writeBucketNotifications", "listFiles", "readFiles",
        "shareFiles", "writeFiles", "deleteFiles", "readFileLegalHolds", "writeFileLegalHolds",
        "readFileRetentions", "writeFileRetentions", "bypassGovernance",
    }
)  # fmt: skip
_KEY_NAME = re.compile(r"^[A-Za-z0-9-]{1,100}$")
_MAX_DURATION = 86_400_000  # < 1000 days


def _check_account(call: Call) -> None:
    account_id = call.params.req("accountId")
    if account_id != call.state.account_id:
        raise unauthorized()


async def create_key(call: Call) -> dict[str, Any]:
    """Create a key; restrictions per spec 3.3; v4 takes ``bucketIds``."""
    call.require("writeKeys")
    _check_account(call)
    if call.account().key.bucket_ids is not None:
        raise unauthorized()
    capabilities = call.params.array("capabilities")
    if not capabilities or not all(isinstance(c, str) for c in capabilities):
        raise bad_request("capabilities must be a non-empty list of strings")
    name = call.params.req("keyName")
    if not _KEY_NAME.match(name):
        raise bad_request("Invalid key name")
    duration = call.params.integer("validDurationInSeconds")
    if duration is not None and not 0 < duration < _MAX_DURATION:
        raise bad_request("validDurationInSeconds out of range")
    bucket_ids: list[str] | None = None
    listed = call.params.array("bucketIds")
    single = call.params.text("bucketId")
    if listed is not None:
        bucket_ids = [str(b) for b in listed]
    elif single is not None:
        bucket_ids = [single]
    if bucket_ids is not None:
        if not bucket_ids:
            raise bad_request("bucketIds must not be empty")
        for bucket_id in bucket_ids:
            if bucket_id not in call.state.buckets:
                raise bad_request(f"Bucket {bucket_id} does not exist", "bad_bucket_id")
        outside = [c for c in capabilities if c not in BUCKET_CAPABILITIES]
        if outside:
            raise bad_request(f"capability {outside[0]} is not allowed for a restricted key")
    key = call.state.add_key(
        name,
        capabilities,
        bucket_ids=bucket_ids,
        name_prefix=call.params.text("namePrefix"),
        valid_seconds=duration,
    )
    return key_json(key, call.version, secret=True)


async def list_keys(call: Call) -> dict[str, Any]:
    """List keys ordered by id; v1-v3 skip multi-bucket keys; the master key is not listed."""
    call.require("listKeys")
    _check_account(call)
    limit = call.params.integer("maxKeyCount", default=100) or 100
    if not 1 <= limit <= 10_000:
        raise bad_request("maxKeyCount out of range", "out_of_range")
    start = call.params.text("startApplicationKeyId") or ""
    keys = sorted(
        (
            k
            for k in call.state.keys.values()
            if k.key_id >= start
            and (call.version >= 4 or k.bucket_ids is None or len(k.bucket_ids) <= 1)
        ),
        key=lambda k: k.key_id,
    )
    page, rest = keys[:limit], keys[limit:]
    return {
        "keys": [key_json(k, call.version) for k in page],
        "nextApplicationKeyId": rest[0].key_id if rest else None,
    }


async def delete_key(call: Call) -> dict[str, Any]:
    """Delete a key; its account tokens stop working."""
    call.require("deleteKeys")
    key_id = call.params.req("applicationKeyId")
    key = call.state.keys.get(key_id)
    if key is None:
        raise bad_request(f"Key {key_id} does not exist")
    if call.version < 4 and key.bucket_ids is not None and len(key.bucket_ids) > 1:
        raise bad_request("multi-bucket keys can only be deleted with API v4")
    del call.state.keys[key_id]
    return key_json(key, call.version)


HANDLERS = {
    "b2_create_key": create_key,
    "b2_list_keys": list_keys,
    "b2_delete_key": delete_key,
}
