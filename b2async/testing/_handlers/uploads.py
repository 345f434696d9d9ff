"""Uploads: ``b2_get_upload_url``, ``b2_upload_file`` and ``b2_upload_part`` (spec 8, 9.3).

Bodies are read incrementally from the request stream: SHA-1 and MD5 are updated per chunk
and the chunks are kept as received (never concatenated), so a multi-GB body costs one pass.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from b2async.testing._checks import (
    auto_content_type,
    check_file_info,
    check_file_name,
    legal_hold_value,
    require_sse_c_key,
    retention_values,
    sse_from_headers,
)
from b2async.testing._render import part_json, version_json
from b2async.testing._state import UPLOAD_TOKEN_LIFETIME, Part, State, UploadSlot
from b2async.testing._wire import ApiError, bad_request, decode, json_response, unauthorized

if TYPE_CHECKING:
    from b2async.testing._call import Call
    from b2async.testing._messages import EmuRequest, EmuResponse

MAX_SIMPLE_UPLOAD = 5_000_000_000
MAX_PART_SIZE = 5_000_000_000
_HEX40 = re.compile(r"^[0-9a-fA-F]{40}$")
_FORBIDDEN = (
    "content-disposition",
    "content-encoding",
    "content-language",
    "content-location",
    "content-range",
    "expires",
)


def issue_slot(
    call: Call, *, bucket_id: str | None = None, file_id: str | None = None
) -> tuple[str, str]:
    """Create an upload token + URL for a bucket (files) or a large file (parts)."""
    state = call.state
    slot = UploadSlot(
        token=state.ids.upload_token(),
        url_id=state.ids.url_suffix(),
        expires_at=state.now() + UPLOAD_TOKEN_LIFETIME,
        key=call.account().key,
        bucket_id=bucket_id,
        file_id=file_id,
    )
    state.upload_slots[slot.token] = slot
    if bucket_id is not None:
        path = f"b2_upload_file/{bucket_id}/{slot.url_id}"
    else:
        path = f"b2_upload_part/{file_id}/{slot.url_id[-4:]}"
    return f"{call.base_url}/b2api/v{call.version}/{path}", slot.token


async def get_upload_url(call: Call) -> dict[str, Any]:
    """Hand out an upload URL and its own token."""
    call.require("writeFiles")
    bucket = call.bucket(call.params.req("bucketId"))
    url, token = issue_slot(call, bucket_id=bucket.bucket_id)
    return {"bucketId": bucket.bucket_id, "uploadUrl": url, "authorizationToken": token}


def _slot(state: State, request: EmuRequest) -> UploadSlot:
    token = request.headers.get("authorization")
    if not token:
        raise ApiError(401, "missing_auth_token", "Authorization header required")
    slot = state.upload_slots.get(token.strip())
    if slot is None:
        raise ApiError(401, "bad_auth_token", "Invalid authorization token")
    if slot.expired or state.now() >= slot.expires_at:
        raise ApiError(401, "expired_auth_token", "Authorization token has expired")
    if not slot.key.master and slot.key.key_id not in state.keys:
        raise ApiError(401, "bad_auth_token", "Invalid authorization token")
    if slot.busy:
        # b2sdk regex-matches this exact message (UploadTokenUsedConcurrently).
        raise ApiError(
            400, "auth_token_limit", f"more than one upload using auth token {slot.token}"
        )
    return slot


@dataclass
class Received:
    """A request body as stored: its chunks and digests."""

    chunks: list[bytes]
    length: int
    sha1: str
    md5: str


async def receive(request: EmuRequest, *, limit: int) -> Received:
    """Read and verify a body per ``Content-Length`` and ``X-Bz-Content-Sha1`` (spec 8.2)."""
    declared_text = request.headers.get("content-length")
    if declared_text is None:
        raise bad_request("Missing header: Content-Length")
    if not declared_text.strip().isdigit():
        raise bad_request("Invalid Content-Length")
    declared = int(declared_text)
    sha1_header = request.headers.get("x-bz-content-sha1")
    if sha1_header is None:
        raise bad_request("Missing header: X-Bz-Content-Sha1")
    at_end = sha1_header == "hex_digits_at_end"
    if not (at_end or sha1_header == "do_not_verify" or _HEX40.match(sha1_header)):
        raise bad_request(f"Invalid X-Bz-Content-Sha1: {sha1_header}")
    content_length = declared - 40 if at_end else declared
    if content_length < 0:
        raise bad_request("Content-Length too small for hex_digits_at_end")
    if content_length > limit:
        raise bad_request(f"Content-Length {content_length} exceeds the maximum of {limit}")
    sha1, md5 = hashlib.sha1(), hashlib.md5()
    chunks: list[bytes] = []
    tail = bytearray()
    received = 0
    async for raw in request.body:
        if not raw:
            continue
        chunk = raw if type(raw) is bytes else bytes(raw)
        start = received
        received += len(chunk)
        if received > declared:
            raise bad_request("More data received than Content-Length")
        if at_end and received > content_length:
            cut = max(0, content_length - start)
            tail += chunk[cut:]
            chunk = chunk[:cut]
            if not chunk:
                continue
        sha1.update(chunk)
        md5.update(chunk)
        chunks.append(chunk)
    if received != declared:
        raise bad_request(f"Received {received} bytes but Content-Length was {declared}")
    digest = sha1.hexdigest()
    expected: str | None = sha1_header.lower()
    if at_end:
        expected = tail.decode("ascii", "replace").lower()
    elif sha1_header == "do_not_verify":
        expected = None
        digest = f"unverified:{digest}"
    if expected is not None and expected != digest:
        raise bad_request("Sha1 did not match data received")
    return Received(chunks, content_length, digest, md5.hexdigest())


def _infos(request: EmuRequest) -> dict[str, str]:
    return {
        name[len("x-bz-info-") :]: decode(value)
        for name, value in request.headers.items()
        if name.startswith("x-bz-info-")
    }


async def upload_file(state: State, request: EmuRequest, bucket_id: str) -> EmuResponse:
    """``POST <uploadUrl>``: store a new version of a file."""
    slot = _slot(state, request)
    if slot.bucket_id is None or slot.bucket_id != bucket_id:
        raise ApiError(401, "bad_auth_token", "Upload token does not match this upload URL")
    bucket = state.buckets.get(bucket_id)
    if bucket is None:
        raise bad_request(f"Bucket {bucket_id} does not exist", "bad_bucket_id")
    slot.busy = True
    try:
        headers = request.headers
        raw_name = headers.get("x-bz-file-name")
        if raw_name is None:
            raise bad_request("Missing header: X-Bz-File-Name")
        name = check_file_name(decode(raw_name))
        if slot.key.name_prefix and not name.startswith(slot.key.name_prefix):
            raise unauthorized()
        content_type = headers.get("content-type")
        if not content_type:
            raise bad_request("Missing header: Content-Type")
        for forbidden in _FORBIDDEN:
            if forbidden in headers:
                raise bad_request(f"Header {forbidden} is not allowed; use b2-* file info")
        sse = sse_from_headers(headers, bucket)
        mode = headers.get("x-bz-file-retention-mode")
        until = headers.get("x-bz-file-retention-retain-until-timestamp")
        if (mode is None) != (until is None):
            raise bad_request("retention mode and retain-until timestamp go together")
        retention = retention_values(mode, until, bucket, state.now_ms())
        if mode is not None and "writeFileRetentions" not in slot.key.capabilities:
            raise unauthorized()
        legal_hold = legal_hold_value(headers.get("x-bz-file-legal-hold"), bucket)
        if legal_hold is not None and "writeFileLegalHolds" not in slot.key.capabilities:
            raise unauthorized()
        strict = sse.mode is not None or bucket.file_lock_enabled
        info = check_file_info(_infos(request), file_name=name, strict=strict)
        body = await receive(request, limit=MAX_SIMPLE_UPLOAD)
        version = state.add_version(
            bucket,
            name,
            chunks=body.chunks,
            content_type=auto_content_type(content_type, name),
            content_sha1=body.sha1,
            content_md5=body.md5,
            content_length=body.length,
            file_info=info,
            sse=sse,
            retention_mode=retention[0],
            retention_until=retention[1],
            legal_hold=legal_hold,
        )
    finally:
        slot.busy = False
    return json_response(version_json(version, frozenset(slot.key.capabilities)))


async def upload_part(state: State, request: EmuRequest, file_id: str) -> EmuResponse:
    """``POST <part uploadUrl>``: store (or overwrite) one part of a large file."""
    slot = _slot(state, request)
    if slot.file_id is None or slot.file_id != file_id:
        raise ApiError(401, "bad_auth_token", "Upload token does not match this upload URL")
    slot.busy = True
    try:
        version = state.versions.get(file_id)
        if version is None or version.action != "start":
            raise bad_request(f"No active upload for: {file_id}")
        number_text = request.headers.get("x-bz-part-number")
        if number_text is None:
            raise bad_request("Missing header: X-Bz-Part-Number")
        if not number_text.strip().isdigit() or not 1 <= int(number_text) <= 10_000:
            raise bad_request("Part number must be in range 1 - 10000")
        require_sse_c_key(version.sse, request.headers)
        body = await receive(request, limit=MAX_PART_SIZE)
        if version.file_id not in state.versions or version.action != "start":
            raise bad_request(f"No active upload for: {file_id}")
        sha1 = body.sha1.removeprefix("unverified:")
        part = Part(
            int(number_text), body.chunks, body.length, sha1, body.md5, state.now_ms(), version.sse
        )
        version.parts[part.number] = part
    finally:
        slot.busy = False
    return json_response(part_json(file_id, part))


HANDLERS = {"b2_get_upload_url": get_upload_url}
