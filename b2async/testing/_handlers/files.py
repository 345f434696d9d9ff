"""File operations: info, hide, delete, copy, retention, legal hold, download auth (spec 10)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from b2async.testing._checks import (
    auto_content_type,
    check_file_info,
    check_file_name,
    check_override,
    legal_hold_value,
    require_sse_c_json,
    retention_values,
    sse_from_json,
)
from b2async.testing._handlers.ranges import parse_json_range, slice_chunks
from b2async.testing._ids import parse_file_id
from b2async.testing._render import version_json
from b2async.testing._state import DownloadAuth, StoredVersion, chunk_digests
from b2async.testing._wire import ApiError, bad_request

if TYPE_CHECKING:
    from b2async.testing._call import Call
    from b2async.testing._state import Bucket

MAX_COPY = 5_000_000_000
MAX_DOWNLOAD_AUTH = 604_800
OVERRIDES = (
    "b2ContentDisposition",
    "b2ContentLanguage",
    "b2Expires",
    "b2CacheControl",
    "b2ContentEncoding",
    "b2ContentType",
)


def _version(call: Call, file_id: str) -> StoredVersion:
    if parse_file_id(file_id) is None:
        raise bad_request(f"Invalid fileId: {file_id}")
    version = call.state.versions.get(file_id)
    if version is None:
        raise ApiError(404, "not_found", f"File not present: {file_id}")
    call.bucket(version.bucket_id)
    return version


def copy_source(call: Call) -> StoredVersion:
    """The ``sourceFileId`` of ``b2_copy_file`` / ``b2_copy_part``, checked as B2 checks it.

    It must be an uploaded version in a bucket (and under a name prefix) the key may use;
    a private source also needs ``readFiles``, and an SSE-C source needs its key
    (``sourceServerSideEncryption``) whatever the destination.
    """
    source = _version(call, call.params.req("sourceFileId"))
    if source.action != "upload":
        raise ApiError(404, "not_found", f"File not present: {source.file_id}")
    if call.state.buckets[source.bucket_id].bucket_type != "allPublic":
        call.require("readFiles")
    call.check_name(source.file_name)
    require_sse_c_json(source.sse, call.params.obj("sourceServerSideEncryption"))
    return source


def lock_params(call: Call, bucket: Bucket) -> tuple[str | None, int | None, str | None]:
    """``fileRetention`` and ``legalHold`` of a copy or a started large file.

    Returns ``(retention mode, retain-until ms, legal hold)``; each needs a file-lock bucket
    and, when set, its write capability (``writeFileRetentions`` / ``writeFileLegalHolds``).
    """
    retention = call.params.obj("fileRetention") or {}
    mode, until = retention_values(
        retention.get("mode"), retention.get("retainUntilTimestamp"), bucket, call.state.now_ms()
    )
    if mode is not None:
        call.require("writeFileRetentions")
    legal_hold = legal_hold_value(call.params.text("legalHold"), bucket)
    if legal_hold is not None:
        call.require("writeFileLegalHolds")
    return mode, until, legal_hold


def _named_version(call: Call) -> StoredVersion:
    """The version named by ``fileId`` + ``fileName`` (both must match).

    A well-formed id that names no such version is ``file_not_present``; an id that is not a
    file id at all is a plain 400 ``bad_request`` "Invalid fileId", as every other B2 call
    taking a fileId answers it (spec 9.6, 10.1).
    """
    file_id = call.params.req("fileId")
    file_name = call.params.req("fileName")
    if parse_file_id(file_id) is None:
        raise bad_request(f"Invalid fileId: {file_id}")
    version = call.state.versions.get(file_id)
    if version is None or version.file_name != file_name:
        raise bad_request(f"File not present: {file_name} {file_id}", "file_not_present")
    call.bucket(version.bucket_id)
    call.check_name(file_name)
    return version


def _locked_version(call: Call, capability: str) -> tuple[StoredVersion, Bucket]:
    """The named version and its bucket, for retention/legal-hold changes (file lock only)."""
    call.require(capability)
    version = _named_version(call)
    bucket = call.state.buckets[version.bucket_id]
    if not bucket.file_lock_enabled:
        raise bad_request("The bucket is not file lock enabled", "bucket_missing_file_lock")
    return version, bucket


async def get_file_info(call: Call) -> dict[str, Any]:
    """One version by id; unknown id -> 404 not_found."""
    call.require("readFiles")
    version = _version(call, call.params.req("fileId"))
    call.check_name(version.file_name)
    return version_json(version, call.caps())


async def hide_file(call: Call) -> dict[str, Any]:
    """Add a hide marker as the newest version of a name."""
    call.require("writeFiles")
    bucket = call.bucket(call.params.req("bucketId"))
    name = check_file_name(call.params.req("fileName"))
    call.check_name(name)
    current = bucket.index.current(name)
    if current is None:
        raise bad_request(f"File not present: {name}", "no_such_file")
    if current.action == "hide":
        raise bad_request(f"File already hidden: {name}", "already_hidden")
    empty_sha1, empty_md5 = chunk_digests(())
    # Live B2 reports the digests of empty content for hide markers (spec 17).
    version = call.state.add_version(
        bucket,
        name,
        action="hide",
        content_type="application/x-bz-hide-marker",
        content_sha1=empty_sha1,
        content_md5=empty_md5,
        content_length=0,
    )
    return version_json(version, call.caps())


def _retention_blocks(call: Call, version: StoredVersion, bypass: bool) -> None:
    if version.legal_hold == "on":
        raise ApiError(403, "access_denied", "file is under legal hold")
    until = version.retention_until
    if version.retention_mode is None or until is None or until <= call.state.now_ms():
        return
    if version.retention_mode == "compliance":
        raise ApiError(403, "access_denied", "file is under compliance retention")
    if not bypass:
        raise ApiError(403, "access_denied", "file is under governance retention")


async def delete_file_version(call: Call) -> dict[str, Any]:
    """Delete one version; deleting a hide marker unhides the name."""
    call.require("deleteFiles")
    version = _named_version(call)
    bypass = call.params.boolean("bypassGovernance")
    if bypass:
        call.require("bypassGovernance")
    _retention_blocks(call, version, bypass)
    call.state.remove_version(version)
    return {"fileId": version.file_id, "fileName": version.file_name}


async def copy_file(call: Call) -> dict[str, Any]:
    """Server-side copy (COPY or REPLACE metadata, optional range); response action "copy"."""
    call.require("writeFiles")
    params = call.params
    source = copy_source(call)
    destination_id = params.text("destinationBucketId") or source.bucket_id
    bucket = call.bucket(destination_id)
    name = check_file_name(params.req("fileName"))
    call.check_name(name)
    directive = params.text("metadataDirective") or "COPY"
    content_type = params.text("contentType")
    info_param = params.obj("fileInfo")
    if directive == "COPY":
        if content_type is not None or info_param is not None:
            raise bad_request(
                "contentType and fileInfo must not be set with metadataDirective COPY"
            )
        content_type, info = source.content_type, dict(source.file_info)
    elif directive == "REPLACE":
        if content_type is None:
            raise bad_request("contentType is required with metadataDirective REPLACE")
        content_type = auto_content_type(content_type, name)
        info = info_param or {}
    else:
        raise bad_request(f"Invalid metadataDirective: {directive}")
    sse = sse_from_json(params.obj("destinationServerSideEncryption"), bucket)
    info = check_file_info(
        info, file_name=name, strict=sse.mode is not None or bucket.file_lock_enabled
    )
    mode, until, legal_hold = lock_params(call, bucket)
    if source.content_length == 0 and params.text("range") is None:
        chunks: list[bytes] = []
        length = 0
    else:
        first, last = parse_json_range(params.text("range"), source.content_length)
        length = last + 1 - first
        if length > MAX_COPY:
            raise bad_request(f"Copy source too big: {length}", "source_too_large")
        chunks = slice_chunks(source.chunks, first, last + 1)
    content_sha1, content_md5 = chunk_digests(chunks)
    version = call.state.add_version(
        bucket,
        name,
        chunks=chunks,
        content_type=content_type,
        content_sha1=content_sha1,
        content_md5=content_md5,
        content_length=length,
        file_info=info,
        sse=sse,
        retention_mode=mode,
        retention_until=until,
        legal_hold=legal_hold,
    )
    return version_json(version, call.caps(), action="copy")


async def update_file_retention(call: Call) -> dict[str, Any]:
    """Set/extend retention; compliance only extends; governance changes need bypass."""
    version, bucket = _locked_version(call, "writeFileRetentions")
    retention = call.params.obj("fileRetention")
    if retention is None:
        raise bad_request("required field fileRetention is missing")
    bypass = call.params.boolean("bypassGovernance")
    if bypass:
        call.require("bypassGovernance")
    mode, until = retention.get("mode"), retention.get("retainUntilTimestamp")
    now = call.state.now_ms()
    new_mode, new_until = (
        (None, None) if mode is None else retention_values(mode, until, bucket, now)
    )
    active = version.retention_until is not None and version.retention_until > now
    shortened = new_mode is None or (new_until or 0) < (version.retention_until or 0)
    if (
        active
        and version.retention_mode == "compliance"
        and (new_mode != "compliance" or shortened)
    ):
        raise ApiError(403, "access_denied", "compliance retention can only be extended")
    if active and version.retention_mode == "governance" and not bypass and shortened:
        raise ApiError(403, "access_denied", "governance retention needs bypassGovernance")
    version.retention_mode, version.retention_until = new_mode, new_until
    return {
        "fileId": version.file_id,
        "fileName": version.file_name,
        "fileRetention": {"mode": new_mode, "retainUntilTimestamp": new_until},
    }


async def update_file_legal_hold(call: Call) -> dict[str, Any]:
    """Turn a version's legal hold on or off."""
    version, bucket = _locked_version(call, "writeFileLegalHolds")
    value = legal_hold_value(call.params.req("legalHold"), bucket)
    version.legal_hold = value
    return {"fileId": version.file_id, "fileName": version.file_name, "legalHold": value}


async def get_download_authorization(call: Call) -> dict[str, Any]:
    """A token for by-name downloads of names under a prefix, valid 1..604800 s."""
    call.require("shareFiles")
    params = call.params
    bucket = call.bucket(params.req("bucketId"))
    prefix = params.text("fileNamePrefix")
    if prefix is None:
        raise bad_request("required field fileNamePrefix is missing")
    call.check_prefix(prefix)
    duration = params.integer("validDurationInSeconds")
    if duration is None or not 1 <= duration <= MAX_DOWNLOAD_AUTH:
        raise bad_request("validDurationInSeconds must be between 1 and 604800")
    overrides = {
        name: check_override(name, value)
        for name in OVERRIDES
        if (value := params.text(name)) is not None
    }
    state = call.state
    auth = DownloadAuth(
        state.ids.download_token(), bucket.bucket_id, prefix, state.now() + duration, overrides
    )
    state.download_auths[auth.token] = auth
    return {
        "bucketId": bucket.bucket_id,
        "fileNamePrefix": prefix,
        "authorizationToken": auth.token,
    }


HANDLERS = {
    "b2_get_file_info": get_file_info,
    "b2_hide_file": hide_file,
    "b2_delete_file_version": delete_file_version,
    "b2_copy_file": copy_file,
    "b2_update_file_retention": update_file_retention,
    "b2_update_file_legal_hold": update_file_legal_hold,
    "b2_get_download_authorization": get_download_authorization,
}
