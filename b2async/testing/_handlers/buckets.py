"""Buckets: create, list, update, delete (spec section 4)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from b2async.testing._handlers.cors import check_cors_rules
from b2async.testing._render import bucket_json
from b2async.testing._wire import ApiError, Params, bad_request, unauthorized

if TYPE_CHECKING:
    from b2async.testing._call import Call
    from b2async.testing._state import Bucket

_NAME = re.compile(r"^[A-Za-z0-9-]{6,63}$")
_SETTABLE_TYPES = ("allPublic", "allPrivate")
_DEFAULT_LISTED_TYPES = frozenset({"allPublic", "allPrivate", "snapshot"})
# Types a bucket can have (spec 4.1); anything else in ``bucketTypes`` is a 400.
_KNOWN_TYPES = frozenset({"allPublic", "allPrivate", "restricted", "snapshot", "shared"})
_LIFECYCLE_DAYS = (
    "daysFromUploadingToHiding",
    "daysFromHidingToDeleting",
    "daysFromStartingToCancelingUnfinishedLargeFiles",
)


def _check_account(call: Call) -> None:
    if call.params.req("accountId") != call.state.account_id:
        raise unauthorized()


def _bucket_type(value: str) -> str:
    if value not in _SETTABLE_TYPES:
        raise bad_request(f"Invalid bucketType: {value}")
    return value


def _info(params: Params) -> dict[str, str] | None:
    info = params.obj("bucketInfo")
    if info is None:
        return None
    if len(info) > 10 or not all(isinstance(v, str) for v in info.values()):
        raise bad_request("bucketInfo must map at most 10 keys to string values")
    return dict(info)


def _lifecycle(params: Params) -> list[Any] | None:
    rules = params.array("lifecycleRules")
    if rules is None:
        return None
    if len(rules) > 100:
        raise bad_request("too many lifecycle rules")
    prefixes: list[str] = []
    for rule in rules:
        if not isinstance(rule, dict) or not isinstance(rule.get("fileNamePrefix", ""), str):
            raise bad_request("Invalid lifecycle rule")
        days = [rule.get(name) for name in _LIFECYCLE_DAYS]
        if all(d is None for d in days):
            raise bad_request("lifecycle rule must set at least one day count")
        for day in days:
            if day is not None and (not isinstance(day, int) or isinstance(day, bool) or day < 1):
                raise bad_request("lifecycle day counts must be positive integers")
        prefixes.append(rule.get("fileNamePrefix", ""))
    for i, first in enumerate(prefixes):
        for second in prefixes[i + 1 :]:
            if first.startswith(second) or second.startswith(first):
                raise bad_request("lifecycle rules must not have overlapping prefixes")
    return list(rules)


def _cors(params: Params) -> list[Any] | None:
    rules = params.array("corsRules")
    if rules is None:
        return None
    return check_cors_rules(rules)


def _sse(call: Call, value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    call.require("writeBucketEncryption")
    mode = value.get("mode")
    if mode in (None, "none"):
        return {"algorithm": None, "mode": None}
    if mode == "SSE-B2":
        return {"algorithm": "AES256", "mode": "SSE-B2"}
    raise bad_request("defaultServerSideEncryption mode must be SSE-B2 or none")


def _retention(value: dict[str, Any]) -> dict[str, Any]:
    mode = value.get("mode")
    period = value.get("period")
    if mode not in (None, "governance", "compliance"):
        raise bad_request("Invalid defaultRetention mode")
    if mode is not None and not (
        isinstance(period, dict)
        and period.get("unit") in ("days", "years")
        and isinstance(period.get("duration"), int)
        and period["duration"] > 0
    ):
        raise bad_request("defaultRetention needs a period")
    return {"mode": mode, "period": period if mode is not None else None}


async def create_bucket(call: Call) -> dict[str, Any]:
    """Create a bucket (names 6-63 of [A-Za-z0-9-], unique case-insensitively, max 100)."""
    token = call.require("writeBuckets")
    _check_account(call)
    if token.key.bucket_ids is not None:
        raise unauthorized()
    state, params = call.state, call.params
    name = params.req("bucketName")
    if not _NAME.match(name) or name.lower().startswith("b2-"):
        raise bad_request(f"Invalid bucket name: {name}")
    bucket_type = _bucket_type(params.req("bucketType"))
    info, cors, lifecycle = _info(params), _cors(params), _lifecycle(params)
    sse = _sse(call, params.obj("defaultServerSideEncryption"))
    lock = params.boolean("fileLockEnabled")
    if lock:
        call.require("writeBucketRetentions")
    if state.bucket_by_name(name) is not None:
        raise bad_request("Bucket name is already in use.", "duplicate_bucket_name")
    if len(state.buckets) >= state.max_buckets:
        raise bad_request(f"Too many buckets: maximum is {state.max_buckets}", "too_many_buckets")
    bucket = state.add_bucket(name, bucket_type)
    bucket.info = info or {}
    bucket.cors_rules = cors or []
    bucket.lifecycle_rules = lifecycle or []
    bucket.file_lock_enabled = lock
    if sse is not None:
        bucket.default_sse = sse
    replication = params.obj("replicationConfiguration")
    if replication is not None:
        call.require("writeBucketReplications")
        bucket.replication = replication
    return bucket_json(bucket, call.caps())


async def list_buckets(call: Call) -> dict[str, Any]:
    """List buckets sorted by name; restricted keys must name an allowed bucket."""
    token = call.require("listBuckets")
    _check_account(call)
    bucket_id = call.params.text("bucketId")
    bucket_name = call.params.text("bucketName")
    types = call.params.array("bucketTypes")
    allowed_types: frozenset[str] | None = _DEFAULT_LISTED_TYPES
    if types is not None:
        if not types or ("all" in types and len(types) > 1):
            raise bad_request('bucketTypes must be ["all"] or a non-empty list of types')
        unknown = [t for t in types if t != "all" and str(t) not in _KNOWN_TYPES]
        if unknown:
            raise bad_request(f"Invalid bucketTypes entry: {unknown[0]}")
        allowed_types = None if types == ["all"] else frozenset(str(t) for t in types)
    restriction = token.key.bucket_ids
    if restriction is not None:
        named = bucket_id or (
            b.bucket_id if bucket_name and (b := call.state.bucket_by_name(bucket_name)) else None
        )
        if named is None or named not in restriction:
            raise unauthorized()
    found: list[Bucket] = []
    for bucket in call.state.buckets.values():
        if bucket_id is not None and bucket.bucket_id != bucket_id:
            continue
        if bucket_name is not None and bucket.name != bucket_name:
            continue
        if allowed_types is not None and bucket.bucket_type not in allowed_types:
            continue
        if restriction is not None and bucket.bucket_id not in restriction:
            continue
        found.append(bucket)
    found.sort(key=lambda b: b.name)
    caps = call.caps()
    return {"buckets": [bucket_json(b, caps) for b in found]}


async def update_bucket(call: Call) -> dict[str, Any]:
    """Replace the supplied fields; revision +1; ``ifRevisionIs`` mismatch -> 409."""
    call.require("writeBuckets")
    _check_account(call)
    params = call.params
    bucket = call.bucket(params.req("bucketId"))
    expected = params.integer("ifRevisionIs")
    if expected is not None and expected != bucket.revision:
        raise ApiError(409, "conflict", "simultaneous updates to bucket")
    bucket_type = params.text("bucketType")
    new_type = _bucket_type(bucket_type) if bucket_type is not None else None
    info, cors, lifecycle = _info(params), _cors(params), _lifecycle(params)
    sse = _sse(call, params.obj("defaultServerSideEncryption"))
    lock = params.boolean("fileLockEnabled") if "fileLockEnabled" in params else None
    if lock is False and bucket.file_lock_enabled:
        raise bad_request("file lock cannot be disabled", "file_lock_conflict")
    retention = params.obj("defaultRetention")
    if lock is not None or retention is not None:
        call.require("writeBucketRetentions")
    default_retention = _retention(retention) if retention is not None else None
    needs_lock = default_retention is not None and default_retention["mode"] is not None
    if needs_lock and not (bucket.file_lock_enabled or lock):
        raise bad_request("The bucket is not file lock enabled", "bucket_missing_file_lock")
    replication = params.obj("replicationConfiguration")
    if replication is not None:
        call.require("writeBucketReplications")
    # Everything is validated: apply the supplied fields.
    if default_retention is not None:
        bucket.default_retention = default_retention
    if replication is not None:
        bucket.replication = replication
    if new_type is not None:
        bucket.bucket_type = new_type
    if info is not None:
        bucket.info = info
    if cors is not None:
        bucket.cors_rules = cors
    if lifecycle is not None:
        bucket.lifecycle_rules = lifecycle
    if sse is not None:
        bucket.default_sse = sse
    if lock:
        bucket.file_lock_enabled = True
    bucket.revision += 1
    return bucket_json(bucket, call.caps())


async def delete_bucket(call: Call) -> dict[str, Any]:
    """Delete an empty bucket (no versions, hide markers or unfinished large files)."""
    call.require("deleteBuckets")
    _check_account(call)
    bucket = call.bucket(call.params.req("bucketId"))
    if len(bucket.index) or bucket.unfinished:
        raise bad_request("Cannot delete non-empty bucket", "cannot_delete_non_empty_bucket")
    call.state.remove_bucket(bucket)
    return bucket_json(bucket, call.caps())


HANDLERS = {
    "b2_create_bucket": create_bucket,
    "b2_list_buckets": list_buckets,
    "b2_update_bucket": update_bucket,
    "b2_delete_bucket": delete_bucket,
}
