"""Upload endpoints: ``b2_get_upload_url``, ``b2_upload_file`` and ``b2_upload_part``.

``b2_upload_file`` is the hot path of bulk small uploads, so its header dict is built with
plain string work: the constant header names are module constants, each value is encoded once,
and no pydantic is involved until the answer is parsed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from b2async._encoding import encode_b2
from b2async._errors import B2ValidationError
from b2async._models import FileVersion, Part, UploadUrl
from b2async._raw._call import post
from b2async._raw._files import check_legal_hold
from b2async._validation import validate_file_info, validate_file_name, validate_part_number

if TYPE_CHECKING:
    from collections.abc import AsyncIterable, Mapping

    from b2async._http import B2Http
    from b2async._models import LegalHold, PartUploadUrl, Retention, SseB2, SseC
    from b2async._raw._context import ApiContext

__all__ = ["get_upload_url", "upload_file", "upload_part"]

#: The ``sha1`` values that are not a digest (see :func:`upload_file`).
HEX_DIGITS_AT_END = "hex_digits_at_end"
DO_NOT_VERIFY = "do_not_verify"
#: Ask B2 to pick the content type from the file name's extension.
AUTO_CONTENT_TYPE = "b2/x-auto"
#: The largest body ``b2_upload_file`` accepts (5 GB, decimal).
MAX_UPLOAD_SIZE = 5_000_000_000

_HEX40 = re.compile(r"[0-9a-fA-F]{40}")
_INFO_PREFIX = "X-Bz-Info-"


async def get_upload_url(ctx: ApiContext, *, bucket_id: str) -> UploadUrl:
    """``b2_get_upload_url``: an upload URL + token for ``bucket_id``.

    A URL takes one upload at a time (B2 answers 400 ``auth_token_limit`` otherwise) but may
    be reused for any number of sequential uploads.
    """
    body = await post(ctx, "b2_get_upload_url", {"bucketId": bucket_id})
    return UploadUrl.model_validate_json(body)


def _check_sha1(sha1: str, *, allow_unverified: bool) -> bool:
    """Check the ``X-Bz-Content-Sha1`` value; return True for ``hex_digits_at_end``."""
    if _HEX40.fullmatch(sha1) is not None:
        return False
    if sha1 == HEX_DIGITS_AT_END:
        return True
    if allow_unverified and sha1 == DO_NOT_VERIFY:
        return False
    allowed = "a 40-hex SHA-1 or 'hex_digits_at_end'" + (
        " or 'do_not_verify'" if allow_unverified else ""
    )
    raise B2ValidationError(f"sha1 must be {allowed}", rule="sha1")


def _check_length(
    content: bytes | AsyncIterable[bytes], content_length: int, *, digits_at_end: bool
) -> None:
    # Content-Length must be exact (B2 refuses chunked bodies); a wrong value would either
    # truncate the upload or hang it, so catch the checkable cases before sending.
    if content_length < 0:
        raise B2ValidationError("content_length must not be negative", rule="content_length")
    if isinstance(content, bytes) and len(content) != content_length:
        raise B2ValidationError(
            f"content_length is {content_length} but the content has {len(content)} bytes",
            rule="content_length",
        )
    if digits_at_end and content_length < 40:
        raise B2ValidationError(
            "with 'hex_digits_at_end' the content must end with the 40 hex digits",
            rule="content_length",
        )


async def upload_file(
    http: B2Http,
    upload_url: UploadUrl,
    *,
    file_name: str,
    content: bytes | AsyncIterable[bytes],
    content_length: int,
    sha1: str,
    content_type: str | None = None,
    file_info: Mapping[str, str] | None = None,
    sse: SseB2 | SseC | None = None,
    retention: Retention | None = None,
    legal_hold: LegalHold | None = None,
    validated: bool = False,
) -> FileVersion:
    """``b2_upload_file``: POST one file's bytes to an upload URL.

    Args:
        http: the HTTP layer.
        upload_url: from :func:`get_upload_url`; its token authorizes the upload.
        file_name: the name (percent-encoded into ``X-Bz-File-Name``).
        content: the bytes, or an async iterable yielding exactly ``content_length`` bytes.
        content_length: bytes in the body (with ``hex_digits_at_end``, including the 40
            trailing hex digits).
        sha1: the 40-hex SHA-1 of the content; ``"hex_digits_at_end"`` (the body ends with
            the digest, so it can be computed while sending); or ``"do_not_verify"``.
        content_type: the MIME type; ``None`` sends ``"b2/x-auto"``.
        file_info: custom ``X-Bz-Info-*`` items (values percent-encoded).
        sse: SSE-B2 or SSE-C.
        retention: Object Lock retention for the new version.
        legal_hold: ``"on"`` / ``"off"``.
        validated: the caller already checked ``file_name`` with ``validate_file_name`` and
            ``file_info`` with ``validate_file_info`` (same ``strict_header_limit``; its result,
            keys lower-cased) — the transfer engine does so once per file before any request,
            so its retries and its hot path skip the repeat. The SHA-1 and length checks
            always run.

    Returns:
        The new file version.

    Raises:
        B2ValidationError: before any request, for a bad name, file info, SHA-1 value or
            length.
    """
    if not validated:
        validate_file_name(file_name)
    digits_at_end = _check_sha1(sha1, allow_unverified=True)
    _check_length(content, content_length, digits_at_end=digits_at_end)
    if content_length - (40 if digits_at_end else 0) > MAX_UPLOAD_SIZE:
        raise B2ValidationError(
            "b2_upload_file takes at most 5 GB; use a large file", rule="max_upload_size"
        )
    headers = {
        # B2 takes the raw upload token, no "Bearer" prefix.
        "Authorization": upload_url.authorization_token.get_secret_value(),
        "X-Bz-File-Name": encode_b2(file_name),
        "Content-Type": AUTO_CONTENT_TYPE if content_type is None else content_type,
        "Content-Length": str(content_length),
        "X-Bz-Content-Sha1": sha1,
    }
    if file_info:
        info = (
            file_info
            if validated
            else validate_file_info(
                file_info,
                file_name=file_name,
                strict_header_limit=(
                    sse is not None or retention is not None or legal_hold is not None
                ),
            )
        )
        for key, value in info.items():
            headers[_INFO_PREFIX + key] = encode_b2(value)
    if sse is not None:
        headers.update(sse.upload_headers())
    if retention is not None:
        headers.update(retention.upload_headers())
    if legal_hold is not None:
        headers["X-Bz-File-Legal-Hold"] = check_legal_hold(legal_hold)
    body = await http.post_upload(upload_url.upload_url, headers=headers, content=content)
    return FileVersion.model_validate_json(body)


async def upload_part(
    http: B2Http,
    part_url: PartUploadUrl,
    *,
    part_number: int,
    content: bytes | AsyncIterable[bytes],
    content_length: int,
    sha1: str,
    sse: SseC | None = None,
) -> Part:
    """``b2_upload_part``: POST one part of a large file to a part upload URL.

    Args:
        http: the HTTP layer.
        part_url: from ``get_upload_part_url``; its token authorizes the upload.
        part_number: 1 … 10 000; re-uploading a number replaces that part.
        content: the bytes, or an async iterable yielding exactly ``content_length`` bytes.
        content_length: bytes in the body (including 40 hex digits with
            ``hex_digits_at_end``).
        sha1: the part's 40-hex SHA-1 or ``"hex_digits_at_end"``.
        sse: the SSE-C key, when the large file was started with SSE-C (SSE-B2 is declared at
            start only).

    Returns:
        The stored part.
    """
    validate_part_number(part_number)
    digits_at_end = _check_sha1(sha1, allow_unverified=False)
    _check_length(content, content_length, digits_at_end=digits_at_end)
    headers = {
        "Authorization": part_url.authorization_token.get_secret_value(),
        "X-Bz-Part-Number": str(part_number),
        "Content-Length": str(content_length),
        "X-Bz-Content-Sha1": sha1,
    }
    if sse is not None:
        headers.update(sse.upload_headers())
    body = await http.post_upload(part_url.upload_url, headers=headers, content=content)
    return Part.model_validate_json(body)
