"""File endpoints: listing, info, hiding, deleting, copying, Object Lock updates and download
authorizations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from b2async._errors import B2ValidationError
from b2async._models import (
    DeletedFileVersion,
    DownloadAuthorization,
    FileNamesPage,
    FileRetentionResult,
    FileVersion,
    FileVersionsPage,
    LegalHoldResult,
)
from b2async._models._base import validate_page
from b2async._raw._call import post
from b2async._validation import (
    range_header,
    validate_file_info,
    validate_file_name,
    validate_range,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from b2async._models import LegalHold, Retention, SseB2, SseC
    from b2async._raw._context import ApiContext

__all__ = [
    "copy_file",
    "delete_file_version",
    "get_download_authorization",
    "get_file_info",
    "hide_file",
    "list_file_names",
    "list_file_versions",
    "update_file_legal_hold",
    "update_file_retention",
]

#: One week: the longest a download authorization may live.
MAX_DOWNLOAD_AUTHORIZATION_SECONDS = 604_800


def check_legal_hold(legal_hold: str) -> str:
    """Return ``legal_hold`` if it is ``"on"``/``"off"``; else raise before any request."""
    if legal_hold not in ("on", "off"):
        raise B2ValidationError(
            f"legal hold must be 'on' or 'off', got {legal_hold!r}", rule="legal_hold"
        )
    return legal_hold


def check_download_authorization_seconds(valid_duration_in_seconds: int) -> int:
    """Return the lifetime if B2 accepts it (1 … 604 800 s, a bool is not a number here)."""
    if isinstance(valid_duration_in_seconds, bool) or not (
        1 <= valid_duration_in_seconds <= MAX_DOWNLOAD_AUTHORIZATION_SECONDS
    ):
        raise B2ValidationError(
            "valid_duration_in_seconds must be between 1 and 604800 (one week), "
            f"got {valid_duration_in_seconds}",
            rule="valid_duration",
        )
    return valid_duration_in_seconds


def check_copy_metadata(
    metadata_directive: str | None,
    content_type: str | None,
    file_info: Mapping[str, str] | None,
) -> None:
    """Refuse metadata that contradicts the directive, before any request.

    B2 refuses a content type (or file info) with ``COPY`` and requires a content type with
    ``REPLACE``; the large-file copy path applies the same rule, so it lives here once.
    """
    if metadata_directive == "REPLACE":
        if content_type is None:
            raise B2ValidationError(
                "metadata_directive='REPLACE' needs a content_type", rule="metadata_directive"
            )
    elif content_type is not None or file_info is not None:
        raise B2ValidationError(
            "content_type and file_info are only used with metadata_directive='REPLACE'",
            rule="metadata_directive",
        )


def sse_member(sse: SseB2 | SseC | None) -> dict[str, object] | None:
    """An encryption setting as a JSON request member (``None`` leaves the member out)."""
    return None if sse is None else sse.to_json()


async def list_file_names(
    ctx: ApiContext,
    *,
    bucket_id: str,
    start_file_name: str | None = None,
    max_file_count: int | None = None,
    prefix: str | None = None,
    delimiter: str | None = None,
) -> FileNamesPage:
    """One page of ``b2_list_file_names``: the visible (newest, not hidden) file of each name.

    Paging (following ``next_file_name``) is the caller's job.
    """
    body = await list_file_names_body(
        ctx,
        bucket_id=bucket_id,
        start_file_name=start_file_name,
        max_file_count=max_file_count,
        prefix=prefix,
        delimiter=delimiter,
    )
    return validate_page(FileNamesPage, body)


async def list_file_names_body(
    ctx: ApiContext,
    *,
    bucket_id: str,
    start_file_name: str | None = None,
    max_file_count: int | None = None,
    prefix: str | None = None,
    delimiter: str | None = None,
) -> bytes:
    """:func:`list_file_names` unparsed: the page's JSON body, for parsing off the event loop
    with ``validate_page(FileNamesPage, body)``."""
    return await post(
        ctx,
        "b2_list_file_names",
        {
            "bucketId": bucket_id,
            "startFileName": start_file_name,
            "maxFileCount": max_file_count,
            "prefix": prefix,
            "delimiter": delimiter,
        },
    )


async def list_file_versions(
    ctx: ApiContext,
    *,
    bucket_id: str,
    start_file_name: str | None = None,
    start_file_id: str | None = None,
    max_file_count: int | None = None,
    prefix: str | None = None,
    delimiter: str | None = None,
) -> FileVersionsPage:
    """One page of ``b2_list_file_versions`` (name ascending, newest version first).

    ``start_file_id`` is only meaningful together with ``start_file_name``.
    """
    body = await list_file_versions_body(
        ctx,
        bucket_id=bucket_id,
        start_file_name=start_file_name,
        start_file_id=start_file_id,
        max_file_count=max_file_count,
        prefix=prefix,
        delimiter=delimiter,
    )
    return validate_page(FileVersionsPage, body)


async def list_file_versions_body(
    ctx: ApiContext,
    *,
    bucket_id: str,
    start_file_name: str | None = None,
    start_file_id: str | None = None,
    max_file_count: int | None = None,
    prefix: str | None = None,
    delimiter: str | None = None,
) -> bytes:
    """:func:`list_file_versions` unparsed: the page's JSON body, for parsing off the event
    loop with ``validate_page(FileVersionsPage, body)``."""
    return await post(
        ctx,
        "b2_list_file_versions",
        {
            "bucketId": bucket_id,
            "startFileName": start_file_name,
            "startFileId": start_file_id,
            "maxFileCount": max_file_count,
            "prefix": prefix,
            "delimiter": delimiter,
        },
    )


async def get_file_info(ctx: ApiContext, *, file_id: str) -> FileVersion:
    """``b2_get_file_info``: the file version with that id (404 ``not_found`` if none)."""
    body = await post(ctx, "b2_get_file_info", {"fileId": file_id})
    return FileVersion.model_validate_json(body)


async def hide_file(ctx: ApiContext, *, bucket_id: str, file_name: str) -> FileVersion:
    """``b2_hide_file``: add a hide marker as the newest version of ``file_name``."""
    # Not strict: the name is of an existing file, which another client may have uploaded
    # under looser rules than b2sdk's (e.g. a trailing "/").
    validate_file_name(file_name, strict=False)
    body = await post(ctx, "b2_hide_file", {"bucketId": bucket_id, "fileName": file_name})
    return FileVersion.model_validate_json(body)


async def delete_file_version(
    ctx: ApiContext,
    *,
    file_name: str,
    file_id: str,
    bypass_governance: bool = False,
) -> DeletedFileVersion:
    """``b2_delete_file_version``: delete exactly one version (both id and name must match).

    ``bypass_governance`` (needs the ``bypassGovernance`` capability) deletes a version under
    governance-mode retention; it is only sent when true.
    """
    body = await post(
        ctx,
        "b2_delete_file_version",
        {
            "fileName": file_name,
            "fileId": file_id,
            "bypassGovernance": True if bypass_governance else None,
        },
    )
    return DeletedFileVersion.model_validate_json(body)


async def copy_file(
    ctx: ApiContext,
    *,
    source_file_id: str,
    file_name: str,
    destination_bucket_id: str | None = None,
    range_: tuple[int, int] | None = None,
    metadata_directive: Literal["COPY", "REPLACE"] | None = None,
    content_type: str | None = None,
    file_info: Mapping[str, str] | None = None,
    file_retention: Retention | None = None,
    legal_hold: LegalHold | None = None,
    source_server_side_encryption: SseC | None = None,
    destination_server_side_encryption: SseB2 | SseC | None = None,
) -> FileVersion:
    """``b2_copy_file``: a server-side copy of (a byte range of) a file, up to 5 GB.

    Args:
        range_: ``(first, last)`` inclusive byte offsets of the source to copy.
        metadata_directive: ``"COPY"`` (B2's default) keeps the source's content type and
            file info; ``"REPLACE"`` uses ``content_type`` (required) and ``file_info``.
        source_server_side_encryption: the SSE-C key of an SSE-C source.
        destination_server_side_encryption: how to encrypt the copy.

    Returns:
        The new version; B2 reports its ``action`` as ``"copy"`` here only.

    Raises:
        B2ValidationError: before any request, for a bad name, info, range, or metadata
            that contradicts the directive (B2 refuses a content type with ``COPY`` and
            requires one with ``REPLACE``).
    """
    validate_file_name(file_name)
    validate_range(range_)
    check_copy_metadata(metadata_directive, content_type, file_info)
    info = None
    if file_info is not None:
        info = validate_file_info(
            file_info,
            file_name=file_name,
            strict_header_limit=(
                destination_server_side_encryption is not None
                or file_retention is not None
                or legal_hold is not None
            ),
        )
    body = await post(
        ctx,
        "b2_copy_file",
        {
            "sourceFileId": source_file_id,
            "fileName": file_name,
            "destinationBucketId": destination_bucket_id,
            "range": None if range_ is None else range_header(range_),
            "metadataDirective": metadata_directive,
            "contentType": content_type,
            "fileInfo": info,
            "fileRetention": None if file_retention is None else file_retention.to_json(),
            "legalHold": None if legal_hold is None else check_legal_hold(legal_hold),
            "sourceServerSideEncryption": sse_member(source_server_side_encryption),
            "destinationServerSideEncryption": sse_member(destination_server_side_encryption),
        },
    )
    return FileVersion.model_validate_json(body)


async def update_file_retention(
    ctx: ApiContext,
    *,
    file_name: str,
    file_id: str,
    file_retention: Retention | None,
    bypass_governance: bool = False,
) -> FileRetentionResult:
    """``b2_update_file_retention``.

    ``file_retention=None`` removes the retention (sent as ``{"mode": null,
    "retainUntilTimestamp": null}``; removing or shortening governance needs
    ``bypass_governance``). Compliance retention can only be extended.
    """
    retention: dict[str, object] = (
        {"mode": None, "retainUntilTimestamp": None}
        if file_retention is None
        else file_retention.to_json()
    )
    body = await post(
        ctx,
        "b2_update_file_retention",
        {
            "fileName": file_name,
            "fileId": file_id,
            "fileRetention": retention,
            "bypassGovernance": True if bypass_governance else None,
        },
    )
    return FileRetentionResult.model_validate_json(body)


async def update_file_legal_hold(
    ctx: ApiContext,
    *,
    file_name: str,
    file_id: str,
    legal_hold: LegalHold,
) -> LegalHoldResult:
    """``b2_update_file_legal_hold``: set the legal hold of one version ``"on"`` or ``"off"``."""
    check_legal_hold(legal_hold)
    body = await post(
        ctx,
        "b2_update_file_legal_hold",
        {"fileName": file_name, "fileId": file_id, "legalHold": legal_hold},
    )
    return LegalHoldResult.model_validate_json(body)


async def get_download_authorization(
    ctx: ApiContext,
    *,
    bucket_id: str,
    file_name_prefix: str,
    valid_duration_in_seconds: int,
    b2_content_disposition: str | None = None,
    b2_content_language: str | None = None,
    b2_expires: str | None = None,
    b2_cache_control: str | None = None,
    b2_content_encoding: str | None = None,
    b2_content_type: str | None = None,
) -> DownloadAuthorization:
    """``b2_get_download_authorization``: a token for by-name downloads under a prefix.

    If any ``b2_*`` override is given here, downloads using the token must pass exactly the
    same values as query parameters.

    Raises:
        B2ValidationError: ``valid_duration_in_seconds`` outside 1 … 604 800 (one week).
    """
    check_download_authorization_seconds(valid_duration_in_seconds)
    body = await post(
        ctx,
        "b2_get_download_authorization",
        {
            "bucketId": bucket_id,
            "fileNamePrefix": file_name_prefix,
            "validDurationInSeconds": valid_duration_in_seconds,
            "b2ContentDisposition": b2_content_disposition,
            "b2ContentLanguage": b2_content_language,
            "b2Expires": b2_expires,
            "b2CacheControl": b2_cache_control,
            "b2ContentEncoding": b2_content_encoding,
            "b2ContentType": b2_content_type,
        },
    )
    return DownloadAuthorization.model_validate_json(body)
