"""Downloads by name and by id: GET/HEAD, ranges, overrides, private-bucket auth (spec 11)."""

from __future__ import annotations

import time
from email.utils import formatdate
from typing import TYPE_CHECKING

from b2async.testing._call import authenticate
from b2async.testing._checks import check_override, require_sse_c_key
from b2async.testing._handlers.files import OVERRIDES
from b2async.testing._handlers.ranges import parse_http_range, slice_chunks, stream
from b2async.testing._ids import parse_file_id
from b2async.testing._messages import EmuRequest, EmuResponse
from b2async.testing._wire import ApiError, bad_request, encode, unauthorized

if TYPE_CHECKING:
    from b2async.testing._state import Bucket, State, StoredVersion

# b2-* file info -> real response header (spec 6.3); and query override -> header (11.1).
_B2_INFO_HEADERS = {
    "b2-content-disposition": "Content-Disposition",
    "b2-content-language": "Content-Language",
    "b2-expires": "Expires",
    "b2-cache-control": "Cache-Control",
    "b2-content-encoding": "Content-Encoding",
}
_OVERRIDE_HEADERS = {
    "b2ContentDisposition": "Content-Disposition",
    "b2ContentLanguage": "Content-Language",
    "b2Expires": "Expires",
    "b2CacheControl": "Cache-Control",
    "b2ContentEncoding": "Content-Encoding",
    "b2ContentType": "Content-Type",
}


def _not_found(message: str = "File with such name does not exist.") -> ApiError:
    return ApiError(404, "not_found", message)


def _authorize_private(
    state: State,
    bucket: Bucket,
    token: str | None,
    file_name: str,
    overrides: dict[str, str],
    *,
    by_name: bool,
) -> frozenset[str]:
    """Private buckets need an account token with readFiles or (by name) a download auth.

    Returns the caller's capabilities (empty for anonymous and download-auth callers), which
    decide whether Object Lock headers are shown.
    """
    if bucket.bucket_type == "allPublic":
        return _account_caps(state, token)
    if not token:
        raise unauthorized("download of a private file requires an authorization token")
    auth = state.download_auths.get(token.strip())
    if auth is not None:
        if not by_name:
            raise unauthorized()
        if state.now() >= auth.expires_at:
            raise ApiError(401, "expired_auth_token", "Authorization token has expired")
        if auth.bucket_id != bucket.bucket_id or not file_name.startswith(auth.prefix):
            raise unauthorized()
        for name, value in auth.overrides.items():
            if overrides.get(name) != value:
                raise bad_request(f"{name} must match the download authorization")
        return frozenset()
    account = authenticate(state, token)
    key = account.key
    if "readFiles" not in key.capabilities:
        raise unauthorized()
    if key.bucket_ids is not None and bucket.bucket_id not in key.bucket_ids:
        raise unauthorized()
    if key.name_prefix and not file_name.startswith(key.name_prefix):
        raise unauthorized()
    return frozenset(key.capabilities)


def _account_caps(state: State, token: str | None) -> frozenset[str]:
    """Capabilities behind an optional token on a public download (never an error)."""
    account = state.tokens.get((token or "").strip())
    if account is None or account.expired or state.now() >= account.expires_at:
        return frozenset()
    return frozenset(account.key.capabilities)


def _respond(
    caps: frozenset[str],
    state: State,
    request: EmuRequest,
    bucket: Bucket,
    version: StoredVersion,
    overrides: dict[str, str],
) -> EmuResponse:
    require_sse_c_key(version.sse, request.headers)
    total = version.content_length
    selected = parse_http_range(request.headers.get("range"), total)
    first, last = selected if selected is not None else (0, total - 1)
    length = last + 1 - first if total else 0
    headers: list[tuple[str, str]] = [
        ("Content-Length", str(length)),
        ("Content-Type", overrides.get("b2ContentType") or version.content_type or ""),
        ("X-Bz-File-Id", version.file_id),
        ("X-Bz-File-Name", encode(version.file_name)),
        ("X-Bz-Content-Sha1", version.content_sha1 or "none"),
        ("X-Bz-Upload-Timestamp", str(version.upload_ms)),
        ("Accept-Ranges", "bytes"),
        # Wall-clock time, not emulator time: clients (b2sdk) check Date for clock skew.
        ("Date", formatdate(time.time(), usegmt=True)),
    ]
    if selected is not None:
        headers.append(("Content-Range", f"bytes {first}-{last}/{total}"))
    real: dict[str, str] = {}
    if "Cache-Control" in bucket.info:
        real["Cache-Control"] = bucket.info["Cache-Control"]
    for key, value in version.file_info.items():
        if key in _B2_INFO_HEADERS:
            real[_B2_INFO_HEADERS[key]] = value
        else:
            headers.append((f"X-Bz-Info-{key}", encode(value)))
    for name, value in overrides.items():
        if name != "b2ContentType":
            real[_OVERRIDE_HEADERS[name]] = value
    headers.extend(real.items())
    if version.sse.mode == "SSE-B2":
        headers.append(("X-Bz-Server-Side-Encryption", "AES256"))
    elif version.sse.mode == "SSE-C":
        headers.append(("X-Bz-Server-Side-Encryption-Customer-Algorithm", "AES256"))
        headers.append(("X-Bz-Server-Side-Encryption-Customer-Key-Md5", version.sse.key_md5 or ""))
    if bucket.file_lock_enabled:
        headers.extend(_lock_headers(version, caps))
    status = 206 if selected is not None else 200
    if request.method == "HEAD" or length == 0:
        return EmuResponse(status, headers, b"")
    return EmuResponse(status, headers, stream(slice_chunks(version.chunks, first, last + 1)))


def _lock_headers(version: StoredVersion, caps: frozenset[str]) -> list[tuple[str, str]]:
    """Object Lock headers, or the names of those the caller may not read (spec 11.4)."""
    headers: list[tuple[str, str]] = []
    hidden: list[str] = []
    if "readFileRetentions" in caps:
        if version.retention_mode is not None:
            headers.append(("X-Bz-File-Retention-Mode", version.retention_mode))
            headers.append(
                ("X-Bz-File-Retention-Retain-Until-Timestamp", str(version.retention_until))
            )
    else:
        hidden += ["X-Bz-File-Retention-Mode", "X-Bz-File-Retention-Retain-Until-Timestamp"]
    if "readFileLegalHolds" in caps:
        if version.legal_hold is not None:
            headers.append(("X-Bz-File-Legal-Hold", version.legal_hold))
    else:
        hidden.append("X-Bz-File-Legal-Hold")
    if hidden:
        headers.append(("X-Bz-Client-Unauthorized-To-Read", ",".join(hidden)))
    return headers


def _overrides(request: EmuRequest) -> dict[str, str]:
    params = request.url.params
    return {name: check_override(name, params[name]) for name in OVERRIDES if name in params}


async def download_by_name(
    state: State, request: EmuRequest, bucket_name: str, file_name: str
) -> EmuResponse:
    """``GET|HEAD /file/<bucket>/<name>``: the newest visible version of a name."""
    bucket = state.bucket_by_name(bucket_name)
    if bucket is None or bucket.name != bucket_name:
        raise _not_found(f"Bucket {bucket_name} does not exist")
    overrides = _overrides(request)
    token = request.headers.get("authorization") or request.url.params.get("Authorization")
    caps = _authorize_private(state, bucket, token, file_name, overrides, by_name=True)
    version = bucket.index.visible_version(file_name)
    if version is None:
        raise _not_found()
    return _respond(caps, state, request, bucket, version, overrides)


async def download_by_id(state: State, request: EmuRequest, file_id: str | None) -> EmuResponse:
    """``GET|HEAD|POST /b2api/vN/b2_download_file_by_id``: any stored upload version."""
    if not file_id:
        raise bad_request("required field fileId is missing")
    if parse_file_id(file_id) is None:
        raise bad_request(f"Invalid fileId: {file_id}")
    version = state.versions.get(file_id)
    bucket = state.buckets.get(version.bucket_id) if version is not None else None
    if version is None or bucket is None:
        raise _not_found(f"File not present: {file_id}")
    overrides = _overrides(request)
    token = request.headers.get("authorization")
    caps = _authorize_private(state, bucket, token, version.file_name, overrides, by_name=False)
    if version.action != "upload":
        raise _not_found(f"File not present: {file_id}")
    return _respond(caps, state, request, bucket, version, overrides)
