"""Client-side checks of what B2 would refuse, run before any request is made.

Each check raises the matching :mod:`b2async._errors` class with a stable ``rule`` identifier
(and names the rule in the message); none raises a plain ``ValueError``.

File names (spec §6.1): B2 documents UTF-8, 1…1024 bytes, no code point below 0x20 and no DEL.
Older docs and b2sdk's ``check_b2_filename`` also refuse a leading or trailing ``/``, ``//`` and
``/``-separated segments over 250 bytes; whether the server still does is unverified. Those
rules are enforced by default too (b2sdk users can already live with them, and a name B2 might
refuse is worse than one refused early); ``strict=False`` checks only the documented server
rules (for code that must be exactly as permissive as B2, such as a server-side emulator).

File info (spec §6.3) size rule, as counted here: the percent-encoded file name plus, for every
pair, the header line ``X-Bz-Info-<key>: <percent-encoded value>`` (name, colon, space, value;
no CR LF) in bytes must be ≤ 7000, or ≤ 2048 with ``strict_header_limit`` (SSE and/or Object
Lock). The encoded forms are what travels in ``b2_upload_file`` headers, and they are never
shorter than the raw UTF-8, so the count is on the safe side of the documented limit.
"""

from __future__ import annotations

from collections.abc import Mapping
from email.utils import parsedate_to_datetime

from b2async._encoding import encode_b2
from b2async._errors import (
    InvalidBucketName,
    InvalidFileInfo,
    InvalidFileName,
    InvalidPartSize,
    InvalidRange,
)

__all__ = [
    "B2_INFO_KEYS",
    "FILE_INFO_HEADER_LIMIT",
    "FILE_INFO_HEADER_LIMIT_STRICT",
    "MAX_FILE_INFO_ITEMS",
    "MAX_FILE_NAME_BYTES",
    "MAX_PART_NUMBER",
    "MAX_PART_SIZE",
    "file_info_header_size",
    "range_header",
    "validate_bucket_name",
    "validate_file_info",
    "validate_file_name",
    "validate_part_number",
    "validate_part_size",
    "validate_range",
]

MAX_FILE_NAME_BYTES = 1024
MAX_SEGMENT_BYTES = 250
MAX_FILE_INFO_ITEMS = 10
MAX_FILE_INFO_KEY_BYTES = 50
FILE_INFO_HEADER_LIMIT = 7000
FILE_INFO_HEADER_LIMIT_STRICT = 2048
MIN_BUCKET_NAME = 6
MAX_BUCKET_NAME = 63
MAX_PART_SIZE = 5_000_000_000
MAX_PART_NUMBER = 10_000

#: The only reserved ``b2-*`` info keys B2 accepts; each becomes a real header on download.
B2_INFO_KEYS = frozenset(
    {
        "b2-content-disposition",
        "b2-content-language",
        "b2-expires",
        "b2-cache-control",
        "b2-content-encoding",
    }
)

_ASCII_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
_INFO_KEY_CHARS = _ASCII_ALNUM | frozenset("-_.`~!#$%^&*'|+")
_BUCKET_CHARS = _ASCII_ALNUM | frozenset("-")
_INFO_HEADER_PREFIX = "X-Bz-Info-"


def _has_control(text: str) -> bool:
    return any(ord(char) < 0x20 or char == "\x7f" for char in text)


def validate_file_name(name: str, *, strict: bool = True) -> str:
    """Check a B2 file name and return it unchanged.

    Args:
        name: the name (a ``str``; encoded as UTF-8 by B2).
        strict: also apply b2sdk's path rules (no leading/trailing ``/``, no ``//``, segments
            ≤ 250 bytes). See the module docstring.

    Raises:
        InvalidFileName: rules ``type``, ``utf8``, ``min_bytes``, ``max_bytes``,
            ``control_character``, ``del_character``, ``leading_slash``, ``trailing_slash``,
            ``double_slash``, ``segment_max_bytes``.
    """
    if not isinstance(name, str):
        raise InvalidFileName(
            f"file name must be a str (rule type), got {type(name).__name__}", rule="type"
        )
    try:
        encoded = name.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidFileName(
            "file name is not valid UTF-8: it holds a lone surrogate (rule utf8)", rule="utf8"
        ) from None
    if not encoded:
        raise InvalidFileName(
            "file name must be at least 1 byte (rule min_bytes)", rule="min_bytes"
        )
    if len(encoded) > MAX_FILE_NAME_BYTES:
        raise InvalidFileName(
            f"file name is {len(encoded)} bytes in UTF-8, over the {MAX_FILE_NAME_BYTES}-byte "
            "limit (rule max_bytes)",
            rule="max_bytes",
        )
    lowest = min(name)
    if lowest < " ":
        raise InvalidFileName(
            f"file name contains control character 0x{ord(lowest):02x} (rule control_character)",
            rule="control_character",
        )
    if "\x7f" in name:
        raise InvalidFileName(
            "file name contains DEL (0x7f) (rule del_character)", rule="del_character"
        )
    if strict:
        if name.startswith("/"):
            raise InvalidFileName(
                "file name must not start with '/' (rule leading_slash)", rule="leading_slash"
            )
        if name.endswith("/"):
            raise InvalidFileName(
                "file name must not end with '/' (rule trailing_slash)", rule="trailing_slash"
            )
        if "//" in name:
            raise InvalidFileName(
                "file name must not contain '//' (rule double_slash)", rule="double_slash"
            )
        if len(encoded) > MAX_SEGMENT_BYTES:
            longest = max(len(segment) for segment in encoded.split(b"/"))
            if longest > MAX_SEGMENT_BYTES:
                raise InvalidFileName(
                    f"a '/'-separated segment of the file name is {longest} bytes, over the "
                    f"{MAX_SEGMENT_BYTES}-byte limit (rule segment_max_bytes)",
                    rule="segment_max_bytes",
                )
    return name


def file_info_header_size(info: Mapping[str, str], *, file_name: str = "") -> int:
    """Bytes counted against B2's header-size limit (see the module docstring).

    ``info`` must already hold ``str`` keys and values.
    """
    size = len(encode_b2(file_name))
    for key, value in info.items():
        # "X-Bz-Info-" + key + ": " + value; keys are ASCII, so len() counts bytes.
        size += len(_INFO_HEADER_PREFIX) + len(key) + 2 + len(encode_b2(value))
    return size


def _check_info_key(key: object) -> str:
    if not isinstance(key, str):
        raise InvalidFileInfo(
            f"file info keys must be str (rule key_type), got {type(key).__name__}",
            rule="key_type",
        )
    if not key:
        raise InvalidFileInfo("file info key must not be empty (rule key_empty)", rule="key_empty")
    if not set(key) <= _INFO_KEY_CHARS:
        bad = sorted(set(key) - _INFO_KEY_CHARS)
        raise InvalidFileInfo(
            f"file info key {key!r} contains characters {bad!r} outside letters, digits and "
            "-_.`~!#$%^&*'|+ (rule key_characters)",
            rule="key_characters",
        )
    if len(key) > MAX_FILE_INFO_KEY_BYTES:
        raise InvalidFileInfo(
            f"file info key {key[:60]!r} is {len(key)} bytes, over the "
            f"{MAX_FILE_INFO_KEY_BYTES}-byte limit (rule key_max_bytes)",
            rule="key_max_bytes",
        )
    lowered = key.lower()
    if lowered.startswith("b2-") and lowered not in B2_INFO_KEYS:
        raise InvalidFileInfo(
            f"file info key {key!r} uses the reserved 'b2-' prefix; only "
            f"{sorted(B2_INFO_KEYS)} are allowed (rule reserved_key)",
            rule="reserved_key",
        )
    return lowered


def _check_info_value(key: str, value: object) -> str:
    if not isinstance(value, str):
        raise InvalidFileInfo(
            f"file info value for {key!r} must be a str (rule value_type), got "
            f"{type(value).__name__}",
            rule="value_type",
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidFileInfo(
            f"file info value for {key!r} is not valid UTF-8 (rule value_utf8)", rule="value_utf8"
        ) from None
    if key in B2_INFO_KEYS:
        # These become real response headers on download: no control characters.
        if _has_control(value):
            raise InvalidFileInfo(
                f"file info value for {key!r} contains a control character (rule header_value)",
                rule="header_value",
            )
        if key == "b2-expires":
            try:
                parsed = parsedate_to_datetime(value)
            except (TypeError, ValueError, IndexError):
                parsed = None
            if parsed is None:
                raise InvalidFileInfo(
                    f"file info 'b2-expires' must be an HTTP date, got {value!r} (rule "
                    "expires_http_date)",
                    rule="expires_http_date",
                )
    return value


def validate_file_info(
    info: Mapping[str, str] | None,
    *,
    file_name: str = "",
    strict_header_limit: bool = False,
) -> dict[str, str]:
    """Check file info and return a new dict with lower-cased keys.

    Args:
        info: the pairs (``None`` means none).
        file_name: counted in the header-size rule.
        strict_header_limit: apply 2048 bytes (SSE and/or Object Lock) instead of 7000.

    Raises:
        InvalidFileInfo: rules ``type``, ``max_items``, ``key_type``, ``key_empty``,
            ``key_characters``, ``key_max_bytes``, ``reserved_key``, ``duplicate_key``,
            ``value_type``, ``value_utf8``, ``header_value``, ``expires_http_date``,
            ``header_size``.
    """
    if info is None:
        return {}
    if not isinstance(info, Mapping):
        raise InvalidFileInfo(
            f"file info must be a mapping (rule type), got {type(info).__name__}", rule="type"
        )
    if len(info) > MAX_FILE_INFO_ITEMS:
        raise InvalidFileInfo(
            f"file info has {len(info)} entries, over the limit of {MAX_FILE_INFO_ITEMS} "
            "(rule max_items)",
            rule="max_items",
        )
    result: dict[str, str] = {}
    for raw_key, raw_value in info.items():
        key = _check_info_key(raw_key)
        if key in result:
            raise InvalidFileInfo(
                f"file info key {raw_key!r} appears twice (keys are case-insensitive) "
                "(rule duplicate_key)",
                rule="duplicate_key",
            )
        result[key] = _check_info_value(key, raw_value)
    limit = FILE_INFO_HEADER_LIMIT_STRICT if strict_header_limit else FILE_INFO_HEADER_LIMIT
    try:
        size = file_info_header_size(result, file_name=file_name)
    except UnicodeEncodeError:
        raise InvalidFileInfo(
            "file name is not valid UTF-8 (rule value_utf8)", rule="value_utf8"
        ) from None
    if size > limit:
        raise InvalidFileInfo(
            f"file name and file info headers take {size} bytes, over the {limit}-byte limit "
            "(rule header_size)",
            rule="header_size",
        )
    return result


def validate_bucket_name(name: str) -> str:
    """Check a bucket name (6…63 of ``A-Z a-z 0-9 -``, not starting ``b2-``); return it.

    Raises:
        InvalidBucketName: rules ``type``, ``length``, ``characters``, ``reserved_prefix``.
    """
    if not isinstance(name, str):
        raise InvalidBucketName(
            f"bucket name must be a str (rule type), got {type(name).__name__}", rule="type"
        )
    if not MIN_BUCKET_NAME <= len(name) <= MAX_BUCKET_NAME:
        raise InvalidBucketName(
            f"bucket name must be {MIN_BUCKET_NAME} to {MAX_BUCKET_NAME} characters, got "
            f"{len(name)} (rule length)",
            rule="length",
        )
    if not set(name) <= _BUCKET_CHARS:
        raise InvalidBucketName(
            f"bucket name {name!r} may hold only letters, digits and '-' (rule characters)",
            rule="characters",
        )
    if name.lower().startswith("b2-"):
        raise InvalidBucketName(
            f"bucket names starting with 'b2-' are reserved: {name!r} (rule reserved_prefix)",
            rule="reserved_prefix",
        )
    return name


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate_range(range_: tuple[int, int] | None) -> tuple[int, int] | None:
    """Check an inclusive byte range ``(first, last)``; ``None`` passes through.

    Raises:
        InvalidRange: rules ``type`` (not a pair of ints), ``negative``, ``order``.
    """
    if range_ is None:
        return None
    if not isinstance(range_, (tuple, list)) or len(range_) != 2:
        raise InvalidRange(
            f"range must be a (first, last) pair (rule type), got {range_!r}", rule="type"
        )
    first, last = range_
    if not (_is_int(first) and _is_int(last)):
        raise InvalidRange(f"range bounds must be ints (rule type), got {range_!r}", rule="type")
    if first < 0:
        raise InvalidRange(f"range start {first} is negative (rule negative)", rule="negative")
    if first > last:
        raise InvalidRange(
            f"range start {first} is after its end {last} (rule order)", rule="order"
        )
    return (first, last)


def range_header(range_: tuple[int, int]) -> str:
    """The ``Range`` header (or ``range`` member of copy requests) for an inclusive range.

    Raises:
        InvalidRange: as :func:`validate_range` (``None`` is refused with rule ``type``).
    """
    checked = validate_range(range_)
    if checked is None:
        raise InvalidRange("range must be a (first, last) pair (rule type), got None", rule="type")
    return f"bytes={checked[0]}-{checked[1]}"


def validate_part_size(size: int, *, minimum: int, maximum: int = MAX_PART_SIZE) -> int:
    """Check a large-file part size against ``minimum`` (from authorize) and ``maximum``.

    Raises:
        InvalidPartSize: rules ``type``, ``too_small``, ``too_large``.
    """
    if not _is_int(size):
        raise InvalidPartSize(
            f"part size must be an int (rule type), got {type(size).__name__}", rule="type"
        )
    if size < minimum:
        raise InvalidPartSize(
            f"part size {size} is below the minimum of {minimum} bytes (rule too_small)",
            rule="too_small",
        )
    if size > maximum:
        raise InvalidPartSize(
            f"part size {size} is above the maximum of {maximum} bytes (rule too_large)",
            rule="too_large",
        )
    return size


def validate_part_number(number: int) -> int:
    """Check a part number (1…10 000).

    Raises:
        InvalidPartSize: rule ``part_number`` (the closest class in the error tree).
    """
    if not _is_int(number) or not 1 <= number <= MAX_PART_NUMBER:
        raise InvalidPartSize(
            f"part number must be an int from 1 to {MAX_PART_NUMBER}, got {number!r} "
            "(rule part_number)",
            rule="part_number",
        )
    return number
