"""Large files: start, part URLs, list/finish/cancel and ``b2_copy_part`` (spec 9)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from b2async.testing._checks import (
    auto_content_type,
    check_file_info,
    check_file_name,
    require_sse_c_json,
    sse_from_json,
)
from b2async.testing._handlers.files import copy_source, lock_params
from b2async.testing._handlers.ranges import parse_json_range, slice_chunks
from b2async.testing._handlers.uploads import issue_slot
from b2async.testing._render import part_json, version_json
from b2async.testing._state import Part, StoredVersion, chunk_digests
from b2async.testing._wire import bad_request

if TYPE_CHECKING:
    from b2async.testing._call import Call

MAX_PARTS = 10_000
MAX_PART_SIZE = 5_000_000_000


def unfinished(call: Call, file_id: str) -> StoredVersion:
    """An unfinished large file the caller may write to (400 otherwise, like B2)."""
    version = call.state.versions.get(file_id)
    if version is None or version.action != "start":
        raise bad_request(f"Invalid fileId: {file_id}")
    call.bucket(version.bucket_id)
    call.check_name(version.file_name)
    return version


async def start_large_file(call: Call) -> dict[str, Any]:
    """Start a large file: a version with action ``start`` (not listed by name)."""
    call.require("writeFiles")
    params = call.params
    bucket = call.bucket(params.req("bucketId"))
    name = check_file_name(params.req("fileName"))
    call.check_name(name)
    content_type = auto_content_type(params.req("contentType"), name)
    sse = sse_from_json(params.obj("serverSideEncryption"), bucket)
    mode, until, legal_hold = lock_params(call, bucket)
    info = check_file_info(
        params.obj("fileInfo") or {},
        file_name=name,
        strict=sse.mode is not None or bucket.file_lock_enabled,
    )
    version = call.state.add_version(
        bucket,
        name,
        action="start",
        content_type=content_type,
        content_sha1="none",
        content_length=0,
        file_info=info,
        sse=sse,
        retention_mode=mode,
        retention_until=until,
        legal_hold=legal_hold,
    )
    return version_json(version, call.caps())


async def get_upload_part_url(call: Call) -> dict[str, Any]:
    """An upload URL + token for the parts of one large file."""
    call.require("writeFiles")
    version = unfinished(call, call.params.req("fileId"))
    url, token = issue_slot(call, file_id=version.file_id)
    return {"fileId": version.file_id, "uploadUrl": url, "authorizationToken": token}


async def list_parts(call: Call) -> dict[str, Any]:
    """Parts in ascending order from ``startPartNumber``; ``maxPartCount`` <= 1000."""
    call.require("writeFiles")
    params = call.params
    version = unfinished(call, params.req("fileId"))
    start = params.integer("startPartNumber", default=1) or 1
    count = params.integer("maxPartCount", default=100) or 100
    if not 1 <= count <= 1000:
        raise bad_request("maxPartCount out of range", "out_of_range")
    numbers = sorted(n for n in version.parts if n >= start)
    page = numbers[:count]
    return {
        "parts": [part_json(version.file_id, version.parts[n]) for n in page],
        "nextPartNumber": numbers[count] if len(numbers) > count else None,
    }


async def finish_large_file(call: Call) -> dict[str, Any]:
    """Check the parts against ``partSha1Array`` and turn the file into an upload."""
    call.require("writeFiles")
    params = call.params
    version = unfinished(call, params.req("fileId"))
    sha1s = params.array("partSha1Array")
    if sha1s is None:
        raise bad_request("required field partSha1Array is missing")
    if not sha1s:
        raise bad_request("partSha1Array must not be empty")
    if len(sha1s) > MAX_PARTS:
        raise bad_request("too many parts")
    parts = version.parts
    for number, sha1 in enumerate(sha1s, start=1):
        part = parts.get(number)
        if part is None:
            raise bad_request(f"Part number {number} has not been uploaded", "missing_part")
        if not isinstance(sha1, str) or sha1.lower() != part.sha1:
            raise bad_request(
                f"Sha1 for part {number} does not match: {sha1}", "part_sha1_mismatch"
            )
    extra = [n for n in parts if n > len(sha1s)]
    if extra:
        raise bad_request(f"Part {min(extra)} was uploaded but not listed in partSha1Array")
    minimum = call.state.min_part_size
    for number in range(1, len(sha1s)):
        if parts[number].length < minimum:
            raise bad_request(
                f"Part number {number} is smaller than the minimum part size {minimum}"
            )
    if len(sha1s) == 1 and parts[1].length < minimum:
        raise bad_request(f"A large file needs at least {minimum} bytes")
    call.state.finish_large_file(version)
    return version_json(version, call.caps())


async def cancel_large_file(call: Call) -> dict[str, Any]:
    """Discard an unfinished large file and its parts."""
    call.require("writeFiles")
    version = unfinished(call, call.params.req("fileId"))
    call.state.remove_version(version)
    return {
        "fileId": version.file_id,
        "accountId": version.account_id,
        "bucketId": version.bucket_id,
        "fileName": version.file_name,
    }


async def copy_part(call: Call) -> dict[str, Any]:
    """Copy a byte range of an existing file into a part of a large file."""
    call.require("writeFiles")
    params = call.params
    source = copy_source(call)
    large = unfinished(call, params.req("largeFileId"))
    number = params.integer("partNumber")
    if number is None or not 1 <= number <= MAX_PARTS:
        raise bad_request("Part number must be in range 1 - 10000")
    destination = params.obj("destinationServerSideEncryption")
    if large.sse.mode == "SSE-C":
        require_sse_c_json(large.sse, destination)
    first, last = parse_json_range(params.text("range"), source.content_length)
    chunks = slice_chunks(source.chunks, first, last + 1)
    length = last + 1 - first
    if length > MAX_PART_SIZE:
        raise bad_request(f"Copy source too big: {length}", "source_too_large")
    sha1, md5 = chunk_digests(chunks)
    part = Part(number, chunks, length, sha1, md5, call.state.now_ms(), large.sse)
    large.parts[number] = part
    return part_json(large.file_id, part)


HANDLERS = {
    "b2_start_large_file": start_large_file,
    "b2_get_upload_part_url": get_upload_part_url,
    "b2_list_parts": list_parts,
    "b2_finish_large_file": finish_large_file,
    "b2_cancel_large_file": cancel_large_file,
    "b2_copy_part": copy_part,
}
