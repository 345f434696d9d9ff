"""Large-file endpoints: start, part upload URLs, copy parts, list, finish and cancel.

The part upload itself (``b2_upload_part``) lives in :mod:`b2async._raw._upload`: it goes to
the part upload URL with that URL's own token, not to the API URL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from b2async._models import (
    CancelledLargeFile,
    FileVersion,
    Part,
    PartsPage,
    PartUploadUrl,
    UnfinishedLargeFilesPage,
)
from b2async._raw._call import post
from b2async._raw._files import check_legal_hold, sse_member
from b2async._validation import (
    range_header,
    validate_file_info,
    validate_file_name,
    validate_part_number,
    validate_range,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from b2async._models import LegalHold, Retention, SseB2, SseC
    from b2async._raw._context import ApiContext

__all__ = [
    "cancel_large_file",
    "copy_part",
    "finish_large_file",
    "get_upload_part_url",
    "list_parts",
    "list_unfinished_large_files",
    "start_large_file",
]


async def start_large_file(
    ctx: ApiContext,
    *,
    bucket_id: str,
    file_name: str,
    content_type: str | None = None,
    file_info: Mapping[str, str] | None = None,
    file_retention: Retention | None = None,
    legal_hold: LegalHold | None = None,
    server_side_encryption: SseB2 | SseC | None = None,
) -> FileVersion:
    """``b2_start_large_file``.

    Args:
        content_type: the MIME type; ``None`` sends ``"b2/x-auto"`` (B2 picks it from the
            name's extension).
        file_info: custom info; store the whole file's SHA-1 as ``large_file_sha1`` here, as
            B2 reports large files' ``contentSha1`` as ``"none"``.
        server_side_encryption: declared here for the whole file; SSE-C parts must then
            carry the same key.

    Returns:
        The unfinished file (``action`` ``"start"``); its ``file_id`` names the large file.
    """
    validate_file_name(file_name)
    info = None
    if file_info is not None:
        info = validate_file_info(
            file_info,
            file_name=file_name,
            strict_header_limit=(
                server_side_encryption is not None
                or file_retention is not None
                or legal_hold is not None
            ),
        )
    body = await post(
        ctx,
        "b2_start_large_file",
        {
            "bucketId": bucket_id,
            "fileName": file_name,
            "contentType": "b2/x-auto" if content_type is None else content_type,
            "fileInfo": info,
            "fileRetention": None if file_retention is None else file_retention.to_json(),
            "legalHold": None if legal_hold is None else check_legal_hold(legal_hold),
            "serverSideEncryption": sse_member(server_side_encryption),
        },
    )
    return FileVersion.model_validate_json(body)


async def get_upload_part_url(ctx: ApiContext, *, file_id: str) -> PartUploadUrl:
    """``b2_get_upload_part_url``: a URL + token for uploading parts of ``file_id``, one part at
    a time per URL."""
    body = await post(ctx, "b2_get_upload_part_url", {"fileId": file_id})
    return PartUploadUrl.model_validate_json(body)


async def finish_large_file(
    ctx: ApiContext, *, file_id: str, part_sha1_array: Sequence[str]
) -> FileVersion:
    """``b2_finish_large_file``: assemble parts 1 … N, whose SHA-1s are given in order."""
    body = await post(
        ctx,
        "b2_finish_large_file",
        {"fileId": file_id, "partSha1Array": list(part_sha1_array)},
    )
    return FileVersion.model_validate_json(body)


async def cancel_large_file(ctx: ApiContext, *, file_id: str) -> CancelledLargeFile:
    """``b2_cancel_large_file``: drop an unfinished large file and its parts."""
    body = await post(ctx, "b2_cancel_large_file", {"fileId": file_id})
    return CancelledLargeFile.model_validate_json(body)


async def list_parts(
    ctx: ApiContext,
    *,
    file_id: str,
    start_part_number: int | None = None,
    max_part_count: int | None = None,
) -> PartsPage:
    """One page of ``b2_list_parts`` (ascending part numbers; follow ``next_part_number``)."""
    body = await post(
        ctx,
        "b2_list_parts",
        {
            "fileId": file_id,
            "startPartNumber": start_part_number,
            "maxPartCount": max_part_count,
        },
    )
    return PartsPage.model_validate_json(body)


async def list_unfinished_large_files(
    ctx: ApiContext,
    *,
    bucket_id: str,
    name_prefix: str | None = None,
    start_file_id: str | None = None,
    max_file_count: int | None = None,
) -> UnfinishedLargeFilesPage:
    """One page of ``b2_list_unfinished_large_files``, oldest started first.

    Note B2 calls the prefix ``namePrefix`` here (``prefix`` elsewhere), and caps
    ``max_file_count`` at 100.
    """
    body = await post(
        ctx,
        "b2_list_unfinished_large_files",
        {
            "bucketId": bucket_id,
            "namePrefix": name_prefix,
            "startFileId": start_file_id,
            "maxFileCount": max_file_count,
        },
    )
    return UnfinishedLargeFilesPage.model_validate_json(body)


async def copy_part(
    ctx: ApiContext,
    *,
    source_file_id: str,
    large_file_id: str,
    part_number: int,
    range_: tuple[int, int] | None = None,
    source_server_side_encryption: SseC | None = None,
    destination_server_side_encryption: SseC | None = None,
) -> Part:
    """``b2_copy_part``: make part ``part_number`` of ``large_file_id`` from (a byte range of)
    another file, server-side.

    Args:
        range_: ``(first, last)`` inclusive byte offsets of the source.
        source_server_side_encryption: the SSE-C key of an SSE-C source.
        destination_server_side_encryption: the SSE-C key the large file was started with.
    """
    validate_part_number(part_number)
    validate_range(range_)
    body = await post(
        ctx,
        "b2_copy_part",
        {
            "sourceFileId": source_file_id,
            "largeFileId": large_file_id,
            "partNumber": part_number,
            "range": None if range_ is None else range_header(range_),
            "sourceServerSideEncryption": sse_member(source_server_side_encryption),
            "destinationServerSideEncryption": sse_member(destination_server_side_encryption),
        },
    )
    return Part.model_validate_json(body)
