"""``TransferManager``: the per-client transfer engine behind the bucket verbs."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from b2async._transfer._copy import copy_file
from b2async._transfer._download import Download, DownloadTarget, open_download
from b2async._transfer._download_file import MIN_SEGMENT, download_to_file
from b2async._transfer._plan import choose_part_size
from b2async._transfer._progress import make_reporter
from b2async._transfer._sources import RangeSource, open_source
from b2async._transfer._stream import upload_stream
from b2async._transfer._types import UploadResult, UploadSpec
from b2async._transfer._upload import UploadEngine, effective_threshold
from b2async._validation import validate_file_info, validate_file_name, validate_part_size

if TYPE_CHECKING:
    import os
    from collections.abc import AsyncIterator

    import anyio

    from b2async._models import FileVersion, LegalHold, Retention, SseB2, SseC
    from b2async._session import Session
    from b2async._transfer._progress import Progress

__all__ = ["TransferManager", "make_spec"]


def make_spec(
    bucket_id: str,
    file_name: str,
    *,
    content_type: str | None = None,
    file_info: dict[str, str] | None = None,
    sse: SseB2 | SseC | None = None,
    retention: Retention | None = None,
    legal_hold: LegalHold | None = None,
) -> UploadSpec:
    """Validate an upload's destination before any request is made."""
    validate_file_name(file_name)
    strict = sse is not None or retention is not None or legal_hold is not None
    info = validate_file_info(file_info, file_name=file_name, strict_header_limit=strict)
    return UploadSpec(bucket_id, file_name, content_type, info, sse, retention, legal_hold)


class TransferManager:
    """Transfer state of one client: the upload-URL pools and the engine's entry points.

    Args:
        session: the client's session.
    """

    def __init__(self, session: Session) -> None:
        self._session = session
        self.uploads = UploadEngine(session)
        #: Parallel-download segments smaller than this are not split further.
        self.min_segment = MIN_SEGMENT

    async def aclose(self) -> None:
        """Forget pooled upload URLs (they hold no connection)."""
        self.uploads = UploadEngine(self._session)

    # ----------------------------------------------------------------------------------------
    # Uploads

    async def upload(
        self,
        spec: UploadSpec,
        source: Any,
        *,
        progress: Progress | None = None,
        large_file_sha1: bool = True,
        resume: bool = False,
        part_size: int | None = None,
        parts_in_flight: int = 4,
        large_file_threshold: int | None = None,
        limiter: anyio.CapacityLimiter | None = None,
    ) -> UploadResult:
        """Upload any accepted source to ``spec``; small, large or streamed as fits."""
        if parts_in_flight < 1:
            raise ValueError("parts_in_flight must be at least 1")
        engine = self.uploads
        preferred, minimum = await engine.part_sizes(part_size)
        if part_size is not None:
            validate_part_size(part_size, minimum=minimum)
        src = await open_source(source)
        reporter = make_reporter(progress, spec.file_name)
        try:
            if isinstance(src, RangeSource):
                reporter.started(src.size)
                chosen = choose_part_size(src.size, preferred=preferred, minimum=minimum)
                if src.size <= effective_threshold(large_file_threshold, chosen):
                    result = await engine.upload_small(spec, src, reporter, limiter)
                else:
                    result = await engine.upload_large(
                        spec,
                        src,
                        reporter,
                        part_size=chosen,
                        parts_in_flight=parts_in_flight,
                        large_file_sha1=large_file_sha1,
                        resume=resume,
                        limiter=limiter,
                    )
            else:
                reporter.started(None)
                chosen = choose_part_size(None, preferred=preferred, minimum=minimum)
                result = await upload_stream(
                    engine,
                    spec,
                    src,
                    reporter,
                    part_size=chosen,
                    threshold=effective_threshold(large_file_threshold, chosen),
                    parts_in_flight=parts_in_flight,
                    resume=resume,
                    limiter=limiter,
                )
        except BaseException as exc:
            reporter.failed(exc)
            raise
        finally:
            if isinstance(src, RangeSource):
                await src.aclose()
        reporter.finished()
        return result

    # ----------------------------------------------------------------------------------------
    # Downloads

    @asynccontextmanager
    async def open(
        self,
        target: DownloadTarget,
        *,
        range: tuple[int, int] | None = None,
        sse: SseC | None = None,
        progress: Progress | None = None,
    ) -> AsyncIterator[Download]:
        """Open a verified streaming download of ``target``; its stream resumes a broken
        connection from the same version (see :class:`Download`)."""
        reporter = make_reporter(progress, target.label) if progress is not None else None
        async with open_download(
            self._session, target, range_=range, sse=sse, reporter=reporter
        ) as download:
            if reporter is not None:
                reporter.started(download.content_length)
            yield download
            if reporter is not None:
                reporter.finished()

    async def read(
        self,
        target: DownloadTarget,
        *,
        range: tuple[int, int] | None = None,
        sse: SseC | None = None,
        progress: Progress | None = None,
    ) -> bytes:
        """The (verified) content of ``target``, or of a range of it, resumed across broken
        connections like :meth:`open`'s stream."""
        async with self.open(target, range=range, sse=sse, progress=progress) as download:
            return await download.read()

    async def download_bytes_by_id(
        self,
        file_id: str,
        *,
        range: tuple[int, int] | None = None,
        sse: SseC | None = None,
    ) -> bytes:
        """The (verified) content of one file version (resumed like :meth:`read`)."""
        return await self.read(DownloadTarget.by_id(file_id), range=range, sse=sse)

    async def download_to_file(
        self,
        target: DownloadTarget,
        path: str | os.PathLike[str],
        *,
        segments: int = 4,
        progress: Progress | None = None,
        sse: SseC | None = None,
    ) -> FileVersion:
        """Download ``target`` into ``path`` (parallel segments, verified, atomic rename)."""
        if segments < 1:
            raise ValueError("segments must be at least 1")
        reporter = make_reporter(progress, target.label)
        return await download_to_file(
            self._session,
            target,
            path,
            reporter,
            segments=segments,
            sse=sse,
            min_segment=self.min_segment,
        )

    # ----------------------------------------------------------------------------------------
    # Copies

    async def copy(self, source_file_id: str, file_name: str, **kwargs: Any) -> FileVersion:
        """Server-side copy (see :func:`b2async._transfer._copy.copy_file`)."""
        return await copy_file(self.uploads, source_file_id, file_name, **kwargs)
