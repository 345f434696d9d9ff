"""Server-side copies: ``b2_copy_file``, and ``b2_copy_part`` for sources over 5 GB.

A copy never moves the data through the client. Sources (or ranges) up to 5 GB are copied by
``b2_copy_file``. Larger ones — or when B2 answers ``400 source_too_large`` — become a large
file: start, ``b2_copy_part`` per planned range (several at once), finish. With
``metadata_directive="COPY"`` the large-file path reads the source's content type and file
info first (``b2_get_file_info``), since ``b2_start_large_file`` needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from b2async import _raw
from b2async._errors import CopySourceTooBig
from b2async._models import SseC
from b2async._raw._files import check_copy_metadata
from b2async._transfer._plan import MAX_PART_SIZE, choose_part_size, plan_parts
from b2async._transfer._tasks import first_error_task_group
from b2async._transfer._types import UploadSpec
from b2async._validation import validate_file_info, validate_file_name, validate_range

if TYPE_CHECKING:
    from b2async._models import FileVersion, LegalHold, Retention, SseB2
    from b2async._transfer._upload import UploadEngine

__all__ = ["COPY_FILE_LIMIT", "copy_file"]

#: The largest result ``b2_copy_file`` produces (5 GB, decimal).
COPY_FILE_LIMIT = MAX_PART_SIZE


async def copy_file(
    engine: UploadEngine,
    source_file_id: str,
    file_name: str,
    *,
    destination_bucket_id: str,
    range_: tuple[int, int] | None = None,
    metadata_directive: Literal["COPY", "REPLACE"] = "COPY",
    content_type: str | None = None,
    file_info: dict[str, str] | None = None,
    source_sse: SseC | None = None,
    sse: SseB2 | SseC | None = None,
    retention: Retention | None = None,
    legal_hold: LegalHold | None = None,
    parts_in_flight: int = 4,
    source_size: int | None = None,
    copy_file_limit: int = COPY_FILE_LIMIT,
) -> FileVersion:
    """Copy a file version (or a byte range of it) to a new name, server-side.

    Args:
        source_size: the source's size when already known (saves a ``b2_get_file_info``).
        copy_file_limit: results larger than this use the large-file path.
    """
    # Checked here, not only in b2_copy_file: the large-file path never reaches that call.
    validate_file_name(file_name)
    validate_range(range_)
    check_copy_metadata(metadata_directive, content_type, file_info)
    info = (
        validate_file_info(file_info, file_name=file_name)
        if metadata_directive == "REPLACE"
        else None
    )
    session = engine.session
    length = None if range_ is None else range_[1] - range_[0] + 1
    if length is None and source_size is not None:
        length = source_size
    if length is None or length <= copy_file_limit:
        try:
            return await session.call(
                _raw.copy_file,
                source_file_id=source_file_id,
                file_name=file_name,
                destination_bucket_id=destination_bucket_id,
                range_=range_,
                metadata_directive=metadata_directive,
                content_type=content_type,
                file_info=info,
                file_retention=retention,
                legal_hold=legal_hold,
                source_server_side_encryption=source_sse,
                destination_server_side_encryption=sse,
            )
        except CopySourceTooBig:
            pass  # fall through to the large-file copy
    source = await session.call(_raw.get_file_info, file_id=source_file_id)
    if metadata_directive == "COPY":
        content_type, info = source.content_type, dict(source.file_info)
    first, last = range_ if range_ is not None else (0, source.content_length - 1)
    last = min(last, source.content_length - 1)
    size = last - first + 1
    if info is not None and size != source.content_length:
        # The source's whole-file digest does not describe a part of it.
        info.pop("large_file_sha1", None)
    preferred, minimum = await engine.part_sizes(None)
    parts = plan_parts(size, choose_part_size(size, preferred=preferred, minimum=minimum))
    spec = UploadSpec(
        bucket_id=destination_bucket_id,
        file_name=file_name,
        content_type=content_type,
        file_info=info or {},
        sse=sse,
        retention=retention,
        legal_hold=legal_hold,
    )
    file_id = await engine.start_large(spec, dict(spec.file_info))
    sha1s: dict[int, str] = {}
    todo = iter(parts)
    dest_sse = sse if isinstance(sse, SseC) else None

    async def worker() -> None:
        for part in todo:
            result = await session.call(
                _raw.copy_part,
                source_file_id=source_file_id,
                large_file_id=file_id,
                part_number=part.number,
                range_=(first + part.offset, first + part.end - 1),
                source_server_side_encryption=source_sse,
                destination_server_side_encryption=dest_sse,
            )
            assert result.content_sha1 is not None
            sha1s[part.number] = result.content_sha1

    try:
        async with first_error_task_group() as tg:
            for _ in range(max(1, min(parts_in_flight, len(parts)))):
                tg.start_soon(worker)
        return await engine.finish_large(
            file_id, [sha1s[p.number] for p in parts], sum(p.length for p in parts)
        )
    except BaseException:
        await engine.cancel_large(file_id)
        raise
