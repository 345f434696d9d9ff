"""Server-side checks of names, file info, SSE-C keys and retention (spec 6, 8.2, 11.2).

The emulator validates what B2 validates so that a client relying on the server to catch its
mistakes fails here as it would against B2.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import mimetypes
import re
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from b2async.testing._state import Bucket, Sse
from b2async.testing._wire import ApiError, bad_request, encode

if TYPE_CHECKING:
    from collections.abc import Mapping

B2_INFO_KEYS = frozenset(
    {
        "b2-content-disposition",
        "b2-content-language",
        "b2-expires",
        "b2-cache-control",
        "b2-content-encoding",
    }
)
_INFO_KEY = re.compile(r"^[A-Za-z0-9\-_.`~!#$%^&*'|+]{1,50}$")
_MAX_INFO = 10
_HEADER_LIMIT = 7000
_HEADER_LIMIT_STRICT = 2048


def check_file_name(name: str) -> str:
    """1..1024 UTF-8 bytes, no control characters, no DEL."""
    size = len(name.encode("utf-8"))
    if size == 0:
        raise bad_request("File names must contain at least one character")
    if size > 1024:
        raise bad_request("File names must be 1024 bytes or less")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise bad_request("File names must not contain characters below 32 or DEL")
    return name


def check_file_info(
    info: Mapping[str, Any], *, file_name: str = "", strict: bool = False
) -> dict[str, str]:
    """Apply the file-info rules; returns a dict with lower-cased keys."""
    if len(info) > _MAX_INFO:
        raise bad_request(f"too many file info entries: {len(info)} (max {_MAX_INFO})")
    result: dict[str, str] = {}
    size = len("X-Bz-File-Name: ") + len(encode(file_name))
    for raw_key, value in info.items():
        key = raw_key.lower()
        if not _INFO_KEY.match(key) or len(key.encode()) > 50:
            raise bad_request(f"Invalid file info key: {raw_key}")
        if not isinstance(value, str):
            raise bad_request(f"file info value for {raw_key} must be a string")
        if key.startswith("b2-"):
            _check_b2_info(key, value)
        result[key] = value
        size += len(f"X-Bz-Info-{key}: ") + len(encode(value))
    limit = _HEADER_LIMIT_STRICT if strict else _HEADER_LIMIT
    if size > limit:
        raise bad_request(f"file name and file info headers exceed {limit} bytes")
    return result


def _check_b2_info(key: str, value: str) -> None:
    if key not in B2_INFO_KEYS:
        raise bad_request(f"Invalid file info key: {key} (b2- prefix is reserved)")
    _check_header_value(key, value, date=key == "b2-expires")


def check_override(name: str, value: str) -> str:
    """A ``b2ContentDisposition``-style download override (spec 11.1, 11.6).

    Each becomes a response header, so B2 holds it to the same rules as the matching ``b2-*``
    file info: a printable header value, and an HTTP date for ``b2Expires`` (400 otherwise).
    """
    _check_header_value(name, value, date=name == "b2Expires")
    return value


def _check_header_value(name: str, value: str, *, date: bool) -> None:
    if not value or any(ord(ch) < 32 or ord(ch) > 126 for ch in value):
        raise bad_request(f"Invalid value for {name}")
    if date:
        try:
            parsedate_to_datetime(value)
        except (TypeError, ValueError) as exc:
            raise bad_request(f"Invalid value for {name}: not an HTTP date") from exc


def auto_content_type(content_type: str, file_name: str) -> str:
    """Resolve ``b2/x-auto`` from the extension (default application/octet-stream)."""
    if content_type != "b2/x-auto":
        return content_type
    guessed, _ = mimetypes.guess_type(file_name, strict=False)
    return guessed or "application/octet-stream"


def sse_c_key_md5(algorithm: str | None, key_b64: str | None, md5_b64: str | None) -> str:
    """Validate SSE-C customer key material; returns the base64 MD5 of the key."""
    if algorithm != "AES256" or not key_b64 or not md5_b64:
        raise bad_request("SSE-C requires algorithm AES256, a customer key and its MD5")
    try:
        key = base64.b64decode(key_b64, validate=True)
    except binascii.Error as exc:
        raise bad_request("SSE-C key is not valid base64") from exc
    if len(key) != 32:
        raise bad_request("SSE-C key must be 256 bits")
    digest = base64.b64encode(hashlib.md5(key).digest()).decode()
    if digest != md5_b64:
        raise bad_request("SSE-C key MD5 does not match the key")
    return digest


_SSE_C = "x-bz-server-side-encryption-customer-"


def sse_from_headers(headers: Mapping[str, str], bucket: Bucket | None) -> Sse:
    """SSE settings of an upload (``X-Bz-Server-Side-Encryption*`` headers)."""
    b2 = headers.get("x-bz-server-side-encryption")
    has_c = any(name.startswith(_SSE_C) for name in headers)
    if b2 is not None and has_c:
        raise bad_request("SSE-B2 and SSE-C headers are mutually exclusive")
    if b2 is not None:
        if b2 != "AES256":
            raise bad_request("X-Bz-Server-Side-Encryption must be AES256")
        return Sse("SSE-B2")
    if has_c:
        return Sse("SSE-C", customer_key_md5(headers))
    if bucket is not None and bucket.default_sse.get("mode") == "SSE-B2":
        return Sse("SSE-B2")
    return Sse()


def customer_key_md5(headers: Mapping[str, str]) -> str:
    """The validated key MD5 from SSE-C request headers."""
    return sse_c_key_md5(
        headers.get(_SSE_C + "algorithm"),
        headers.get(_SSE_C + "key"),
        headers.get(_SSE_C + "key-md5"),
    )


def require_sse_c_key(stored: Sse, headers: Mapping[str, str]) -> None:
    """Reading/copying an SSE-C object needs the same key (403 access_denied otherwise)."""
    if stored.mode != "SSE-C":
        return
    if not any(name.startswith(_SSE_C) for name in headers):
        raise ApiError(403, "access_denied", "The object was stored using a form of SSE-C")
    if customer_key_md5(headers) != stored.key_md5:
        raise ApiError(403, "access_denied", "Wrong SSE-C key provided")


def sse_from_json(value: dict[str, Any] | None, bucket: Bucket | None) -> Sse:
    """SSE settings from a JSON ``serverSideEncryption`` member (start/copy)."""
    if value is None:
        if bucket is not None and bucket.default_sse.get("mode") == "SSE-B2":
            return Sse("SSE-B2")
        return Sse()
    mode = value.get("mode")
    if mode in (None, "none"):
        return Sse()
    if mode == "SSE-B2":
        if value.get("algorithm", "AES256") != "AES256":
            raise bad_request("SSE-B2 algorithm must be AES256")
        return Sse("SSE-B2")
    if mode == "SSE-C":
        return Sse(
            "SSE-C",
            sse_c_key_md5(
                value.get("algorithm"), value.get("customerKey"), value.get("customerKeyMd5")
            ),
        )
    raise bad_request(f"Invalid serverSideEncryption mode: {mode}")


def require_sse_c_json(stored: Sse, value: dict[str, Any] | None) -> None:
    """Copy sources stored with SSE-C need the same key in ``sourceServerSideEncryption``."""
    if stored.mode != "SSE-C":
        return
    if value is None or value.get("mode") != "SSE-C":
        raise ApiError(403, "access_denied", "The source was stored using a form of SSE-C")
    md5 = sse_c_key_md5(
        value.get("algorithm"), value.get("customerKey"), value.get("customerKeyMd5")
    )
    if md5 != stored.key_md5:
        raise ApiError(403, "access_denied", "Wrong SSE-C key provided for the source")


def retention_values(
    mode: str | None, until: Any, bucket: Bucket, now_ms: int
) -> tuple[str | None, int | None]:
    """Validate a retention setting for a new version (bucket default when none given)."""
    if mode is None and until is None:
        default = bucket.default_retention if bucket.file_lock_enabled else {}
        period = default.get("period") or {}
        if default.get("mode") is None or not period:
            return None, None
        days = period["duration"] * (365 if period["unit"] == "years" else 1)
        return default["mode"], now_ms + days * 86_400_000
    if not bucket.file_lock_enabled:
        raise bad_request("The bucket is not file lock enabled", "bucket_missing_file_lock")
    if mode not in ("governance", "compliance"):
        raise bad_request(f"Invalid retention mode: {mode}")
    try:
        until_ms = int(until)
    except (TypeError, ValueError) as exc:
        raise bad_request("Invalid retainUntilTimestamp") from exc
    if until_ms <= now_ms:
        raise bad_request("retainUntilTimestamp must be in the future")
    return mode, until_ms


def legal_hold_value(value: str | None, bucket: Bucket) -> str | None:
    """Validate a legal-hold setting for a new version."""
    if value is None:
        return None
    if not bucket.file_lock_enabled:
        raise bad_request("The bucket is not file lock enabled", "bucket_missing_file_lock")
    if value not in ("on", "off"):
        raise bad_request(f"Invalid legal hold: {value}")
    return value
