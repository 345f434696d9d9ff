"""Finding an unfinished large file to resume (``upload_file(..., resume=True)``).

A candidate matches when it has the same file name, the same file info (which, by default,
includes ``large_file_sha1``: the content itself), the same content type when one was given,
and every uploaded part has the size our plan gives that part number. The parts' SHA-1s are
then checked against the source — a part whose digest differs is uploaded again — so a
resumed file is byte-identical to the source even when ``large_file_sha1`` is turned off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from b2async import _raw

if TYPE_CHECKING:
    from b2async._models import FileVersion, Part
    from b2async._session import Session
    from b2async._transfer._plan import PartSpec
    from b2async._transfer._sources import RangeSource
    from b2async._transfer._types import UploadSpec

__all__ = ["find_resumable"]

# B2's largest pages: b2_list_unfinished_large_files returns at most 100 files per call,
# b2_list_parts at most 1000 parts.
_FILES_PER_PAGE = 100
_PARTS_PER_PAGE = 1000


async def _unfinished(session: Session, spec: UploadSpec) -> list[FileVersion]:
    """Every unfinished large file named exactly ``spec.file_name``, oldest first."""
    found: list[FileVersion] = []
    start: str | None = None
    while True:
        page = await session.call(
            _raw.list_unfinished_large_files,
            bucket_id=spec.bucket_id,
            name_prefix=spec.file_name,
            start_file_id=start,
            max_file_count=_FILES_PER_PAGE,
        )
        found.extend(f for f in page.files if f.file_name == spec.file_name)
        start = page.next_file_id
        if not start:
            return found


async def _parts(session: Session, file_id: str) -> list[Part]:
    """Every part uploaded so far to the unfinished large file ``file_id``."""
    parts: list[Part] = []
    start: int | None = None
    while True:
        page = await session.call(
            _raw.list_parts,
            file_id=file_id,
            start_part_number=start,
            max_part_count=_PARTS_PER_PAGE,
        )
        parts.extend(page.parts)
        start = page.next_part_number
        if not start:
            return parts


async def find_resumable(
    session: Session,
    spec: UploadSpec,
    file_info: dict[str, str],
    plan: list[PartSpec],
    source: RangeSource,
) -> tuple[str, dict[int, str]] | None:
    """The newest matching unfinished large file and its reusable parts (number → SHA-1)."""
    by_number = {p.number: p for p in plan}
    for candidate in reversed(await _unfinished(session, spec)):
        if dict(candidate.file_info) != file_info:
            continue
        if spec.content_type and candidate.content_type != spec.content_type:
            continue
        assert candidate.file_id is not None
        uploaded = await _parts(session, candidate.file_id)
        if any(
            p.part_number not in by_number or p.content_length != by_number[p.part_number].length
            for p in uploaded
        ):
            continue
        reusable: dict[int, str] = {}
        for part in uploaded:
            spec_part = by_number[part.part_number]
            digest = await source.sha1(spec_part.offset, spec_part.length)
            if digest == part.content_sha1:
                reusable[part.part_number] = digest
        return candidate.file_id, reusable
    return None
