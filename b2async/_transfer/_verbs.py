"""``BucketTransfers``: the upload, download and copy verbs of ``Bucket``.

A mixin: ``Bucket`` provides ``self._client`` (whose ``_transfers`` is the client's
:class:`TransferManager`), ``self.id`` and ``self.name``.
"""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterable, Iterable
from typing import TYPE_CHECKING, Any, Literal

from b2async._arguments import (
    validate_content_type,
    validate_count,
    validate_flag,
    validate_id,
    validate_legal_hold,
    validate_metadata_directive,
    validate_optional_int,
    validate_retention,
    validate_sse,
)
from b2async._errors import B2ValidationError
from b2async._transfer._bulk import run_batch, walk_directory
from b2async._transfer._download import DownloadTarget
from b2async._transfer._manager import make_spec
from b2async._validation import validate_file_name, validate_part_size

if TYPE_CHECKING:
    import os
    from contextlib import AbstractAsyncContextManager

    import anyio

    from b2async._client import B2Client
    from b2async._models import FileVersion, LegalHold, Retention, SseB2, SseC
    from b2async._transfer._download import Download
    from b2async._transfer._manager import TransferManager
    from b2async._transfer._progress import BatchProgress, Progress
    from b2async._transfer._types import UploadItem, UploadOutcome, UploadResult

__all__ = ["BucketTransfers"]

#: What ``upload_many`` passes on to every file; the item supplies the rest.
_UPLOAD_MANY_OPTIONS = frozenset(
    {
        "sse",
        "retention",
        "legal_hold",
        "large_file_sha1",
        "resume",
        "part_size",
        "parts_in_flight",
        "large_file_threshold",
    }
)


def _check_upload(
    content_type: str | None,
    sse: SseB2 | SseC | None,
    retention: Retention | None,
    legal_hold: LegalHold | None,
    large_file_sha1: bool,
    resume: bool,
    part_size: int | None,
    parts_in_flight: int,
    large_file_threshold: int | None,
) -> None:
    """Check an upload's options before any request (and before authorizing).

    Runs once per file of ``upload_many``, so each check is a type test or two when the
    option is left at its default. Wrong types used to surface as ``AttributeError`` or
    ``TypeError`` from deep inside, some after ``b2_get_upload_url`` had been called.
    """
    validate_content_type(content_type)
    if sse is not None:
        validate_sse(sse)
    if retention is not None:
        validate_retention(retention)
    if legal_hold is not None:
        validate_legal_hold(legal_hold)
    if large_file_sha1 is not True:
        validate_flag(large_file_sha1, "large_file_sha1")
    if resume is not False:
        validate_flag(resume, "resume")
    if part_size is not None:
        # Type, sign and B2's 5 GB ceiling here; the account's minimum needs the
        # authorization, so the transfer manager checks that once it has it.
        validate_part_size(part_size, minimum=1)
    validate_count(parts_in_flight, "parts_in_flight")
    validate_optional_int(large_file_threshold, "large_file_threshold")


def _warn_if_pool_is_smaller(max_connections: int | None, concurrency: int) -> None:
    if max_connections is not None and concurrency > max_connections:
        warnings.warn(
            f"upload_many(concurrency={concurrency}) asks for more requests in flight than "
            f"the client's max_connections={max_connections}: the rest wait for a free "
            f"connection. Create the B2Client with max_connections={concurrency} or more.",
            RuntimeWarning,
            stacklevel=3,
        )


class BucketTransfers:
    """Uploads, downloads and server-side copies inside one bucket."""

    _client: B2Client
    id: str
    name: str

    @property
    def _transfers(self) -> TransferManager:
        """The client's transfer engine (upload-URL pools, limits)."""
        return self._client._transfers

    # ----------------------------------------------------------------------------------------
    # Uploads

    async def upload_bytes(
        self,
        data: bytes | bytearray | memoryview,
        file_name: str,
        *,
        content_type: str | None = None,
        file_info: dict[str, str] | None = None,
        sse: SseB2 | SseC | None = None,
        retention: Retention | None = None,
        legal_hold: LegalHold | None = None,
        progress: Progress | None = None,
    ) -> FileVersion:
        """Upload bytes in memory as ``file_name``.

        The bytes are hashed up front (no I/O: they are in memory) and sent as one buffer
        with the digest in the header. Data above the large-file threshold is uploaded as a
        large file, its parts sliced from memory.

        Raises:
            B2ValidationError: ``data`` is not bytes-like (rule ``data``; encode text
                first), or as :meth:`upload_file`.
        """
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise B2ValidationError(
                f"upload_bytes needs bytes, bytearray or memoryview (rule data), got "
                f"{type(data).__name__}" + ("; encode text first" if isinstance(data, str) else ""),
                rule="data",
            )
        return await self.upload_file(
            data if isinstance(data, bytes) else bytes(data),
            file_name,
            content_type=content_type,
            file_info=file_info,
            sse=sse,
            retention=retention,
            legal_hold=legal_hold,
            progress=progress,
        )

    async def upload_file(
        self,
        source: Any,
        file_name: str,
        *,
        content_type: str | None = None,
        file_info: dict[str, str] | None = None,
        progress: Progress | None = None,
        sse: SseB2 | SseC | None = None,
        retention: Retention | None = None,
        legal_hold: LegalHold | None = None,
        large_file_sha1: bool = True,
        resume: bool = False,
        part_size: int | None = None,
        parts_in_flight: int = 4,
        large_file_threshold: int | None = None,
    ) -> FileVersion:
        """Upload ``source`` as ``file_name``, reading every byte once.

        Args:
            source: bytes; a path (``str`` or ``os.PathLike``); a binary file object
                (seekable or not); or an async iterable of bytes of unknown length.
            file_name: the B2 file name.
            content_type: the MIME type; ``None`` lets B2 pick from the extension.
            file_info: custom file info (validated before any request).
            progress: a :class:`ProgressListener` or a callable taking
                :class:`ProgressEvent`.
            sse: :class:`SseB2` or :class:`SseC`.
            retention: Object Lock retention for the new file.
            legal_hold: ``"on"`` / ``"off"``.
            large_file_sha1: for a seekable source uploaded as a large file, compute the
                whole-file SHA-1 first (one extra sequential read) and store it as the
                ``large_file_sha1`` file info, so downloads can be verified.
            resume: continue a matching unfinished large file (and leave it unfinished,
                rather than cancelled, if this upload fails).
            part_size: bytes per part (default: the account's ``recommendedPartSize``,
                grown to stay within 10,000 parts).
            parts_in_flight: parts of this file uploading at once.
            large_file_threshold: sizes above this are uploaded as large files (default and
                minimum: the part size).

        Returns:
            The uploaded file version.

        Raises:
            InvalidFileName: a bad ``file_name``, before any request.
            InvalidFileInfo: bad ``file_info``, before any request.
            InvalidPartSize: a ``part_size`` that is not an int or is out of range, before
                any request (the account's minimum is checked once authorized).
            B2ValidationError: any other option of the wrong type or value (its ``rule`` is
                the option's name: ``content_type``, ``sse``, ``retention``, ``legal_hold``,
                ``parts_in_flight``...), before any request.
        """
        result = await self.upload_file_result(
            source,
            file_name,
            content_type=content_type,
            file_info=file_info,
            progress=progress,
            sse=sse,
            retention=retention,
            legal_hold=legal_hold,
            large_file_sha1=large_file_sha1,
            resume=resume,
            part_size=part_size,
            parts_in_flight=parts_in_flight,
            large_file_threshold=large_file_threshold,
        )
        return result.file_version

    async def upload_file_result(
        self,
        source: Any,
        file_name: str,
        *,
        content_type: str | None = None,
        file_info: dict[str, str] | None = None,
        progress: Progress | None = None,
        sse: SseB2 | SseC | None = None,
        retention: Retention | None = None,
        legal_hold: LegalHold | None = None,
        large_file_sha1: bool = True,
        resume: bool = False,
        part_size: int | None = None,
        parts_in_flight: int = 4,
        large_file_threshold: int | None = None,
        limiter: anyio.CapacityLimiter | None = None,
    ) -> UploadResult:
        """Like :meth:`upload_file`, returning an :class:`UploadResult` (file version,
        whole-file SHA-1 computed while reading, size)."""
        _check_upload(
            content_type,
            sse,
            retention,
            legal_hold,
            large_file_sha1,
            resume,
            part_size,
            parts_in_flight,
            large_file_threshold,
        )
        spec = make_spec(
            self.id,
            file_name,
            content_type=content_type,
            file_info=file_info,
            sse=sse,
            retention=retention,
            legal_hold=legal_hold,
        )
        return await self._transfers.upload(
            spec,
            source,
            progress=progress,
            large_file_sha1=large_file_sha1,
            resume=resume,
            part_size=part_size,
            parts_in_flight=parts_in_flight,
            large_file_threshold=large_file_threshold,
            limiter=limiter,
        )

    async def upload_stream(
        self,
        stream: AsyncIterable[bytes],
        file_name: str,
        **kwargs: Any,
    ) -> FileVersion:
        """Upload an async iterable of bytes of unknown length (see :meth:`upload_file`).

        Use :meth:`upload_stream_result` to also get the stream's whole-file SHA-1.
        """
        return (await self.upload_stream_result(stream, file_name, **kwargs)).file_version

    async def upload_stream_result(
        self,
        stream: AsyncIterable[bytes],
        file_name: str,
        **kwargs: Any,
    ) -> UploadResult:
        """Upload a stream; the result carries the whole-file SHA-1 computed while reading."""
        if not hasattr(stream, "__aiter__"):
            raise TypeError("upload_stream needs an async iterable of bytes")
        return await self.upload_file_result(stream, file_name, **kwargs)

    async def upload_many(
        self,
        items: Iterable[Any] | AsyncIterable[Any],
        *,
        concurrency: int = 16,
        fail_fast: bool = False,
        progress: Progress | None = None,
        **options: Any,
    ) -> list[UploadOutcome]:
        """Upload many files at once, with a result per item.

        Args:
            items: ``(source, file_name)`` pairs or :class:`UploadItem` s, from an iterable
                or an async iterable (consumed lazily).
            concurrency: upload requests in flight for the whole batch (small files and
                parts of large files together).
            fail_fast: stop at the first failure and raise it (default: record it in that
                item's outcome and carry on).
            progress: receives every file's events, each with the batch totals attached
                (:attr:`ProgressEvent.batch`).
            **options: passed to :meth:`upload_file` for every item (e.g. ``sse``,
                ``part_size``, ``large_file_sha1``).

        Returns:
            One :class:`UploadOutcome` per item, in input order.

        Raises:
            B2ValidationError: before any request: ``concurrency`` not an int of 1 or more
                (rule ``concurrency``), ``items`` not an iterable (rule ``items``), or an
                option of the wrong type or value (as :meth:`upload_file`). An item's own bad
                name or info is that item's outcome (or, with ``fail_fast``, raised).
            TypeError: an option :meth:`upload_file` does not take, or one the items set
                (``content_type``, ``file_info``).

        Warns:
            RuntimeWarning: ``concurrency`` is above the ``max_connections`` of the client's
                own httpx client, so the extra requests would only wait for a connection.
        """
        validate_count(concurrency, "concurrency")
        if isinstance(items, (str, bytes)) or not isinstance(items, (Iterable, AsyncIterable)):
            raise B2ValidationError(
                f"upload_many items must be an iterable of (source, file_name) pairs or "
                f"UploadItems (rule items), got {type(items).__name__}",
                rule="items",
            )
        unknown = options.keys() - _UPLOAD_MANY_OPTIONS
        if unknown:
            # Checked once here: each item would otherwise fail with the same TypeError.
            raise TypeError(
                f"upload_many got unexpected options {sorted(unknown)}; it passes on only "
                f"{sorted(_UPLOAD_MANY_OPTIONS)} (content_type and file_info come with each "
                "UploadItem)"
            )
        _check_upload(
            None,
            options.get("sse"),
            options.get("retention"),
            options.get("legal_hold"),
            options.get("large_file_sha1", True),
            options.get("resume", False),
            options.get("part_size"),
            options.get("parts_in_flight", 4),
            options.get("large_file_threshold"),
        )
        _warn_if_pool_is_smaller(self._client._own_max_connections, concurrency)

        async def upload_one(
            item: UploadItem, limiter: anyio.CapacityLimiter, batch: BatchProgress
        ) -> FileVersion:
            result = await self.upload_file_result(
                item.source,
                item.file_name,
                content_type=item.content_type,
                file_info=item.file_info,
                # without a listener the totals are never read: no per-file events at all
                progress=batch if batch.listening else None,
                limiter=limiter,
                **options,
            )
            return result.file_version

        return await run_batch(
            items, upload_one, concurrency=concurrency, fail_fast=fail_fast, progress=progress
        )

    async def upload_directory(
        self,
        path: str | os.PathLike[str],
        prefix: str = "",
        *,
        concurrency: int = 16,
        fail_fast: bool = False,
        progress: Progress | None = None,
        **options: Any,
    ) -> list[UploadOutcome]:
        """Upload every file under ``path`` as ``prefix`` + its relative path (``/``-separated).

        The tree is walked lazily (one thread hop per directory); see :meth:`upload_many`.

        Raises:
            InvalidFileName: a ``prefix`` no file name may start with (e.g. ``"/"``), before
                any request: checked once rather than failing every file.
            B2ValidationError: a non-``str`` ``prefix`` (rule ``prefix``), or as
                :meth:`upload_many`.
        """
        if not isinstance(prefix, str):
            raise B2ValidationError(
                f"prefix must be a str (rule prefix), got {type(prefix).__name__}", rule="prefix"
            )
        if prefix:
            # Every name is prefix + a relative path ("x" stands for the shortest one): a
            # prefix that breaks a rule on its own (leading "/", "//", control characters,
            # too long) breaks it in every name.
            validate_file_name(prefix + "x")
        return await self.upload_many(
            walk_directory(path, prefix),
            concurrency=concurrency,
            fail_fast=fail_fast,
            progress=progress,
            **options,
        )

    # ----------------------------------------------------------------------------------------
    # Downloads

    def download(
        self,
        file_name: str,
        *,
        range: tuple[int, int] | None = None,
        sse: SseC | None = None,
        progress: Progress | None = None,
    ) -> AbstractAsyncContextManager[Download]:
        """Open a streaming download of the newest version of ``file_name``.

        ``async with bucket.download(name) as dl:`` gives ``dl.file_version`` and
        ``dl.aiter_bytes()``, which verifies the SHA-1 of a whole file as it streams (raising
        :class:`ChecksumMismatch` at the end) and the length of any download
        (:class:`TruncatedDownload`).

        Opening is retried per the client's ``RetryPolicy``, and so is the stream: when the
        connection breaks midway, the rest is fetched (a ``Range`` from the first byte not
        received, within ``range`` if given) from the same version, by the file id of the
        first response — never by name again, so a version uploaded meanwhile is not mixed
        in. Iteration continues seamlessly and the checks span the whole stream. Once the
        policy's attempts are spent, the last error (e.g. :class:`B2ConnectionError`) is
        raised. A :class:`ChecksumMismatch` is never retried.

        Raises:
            InvalidFileName: a bad ``file_name``, before any request.
            InvalidRange: a bad ``range``, before any request.
            B2ValidationError: an ``sse`` that is not an :class:`~b2async.SseC` (rule
                ``sse``), before any request.
        """
        target = DownloadTarget.by_name(self.name, file_name)
        validate_sse(sse, allow_sse_b2=False)
        return self._transfers.open(target, range=range, sse=sse, progress=progress)

    def download_by_id(
        self,
        file_id: str,
        *,
        range: tuple[int, int] | None = None,
        sse: SseC | None = None,
        progress: Progress | None = None,
    ) -> AbstractAsyncContextManager[Download]:
        """Open a streaming download of one file version (see :meth:`download`; a broken
        stream is resumed from the same version the same way).

        Raises:
            B2ValidationError: an empty or non-``str`` ``file_id`` (rule ``file_id``), or as
                :meth:`download`.
        """
        validate_id(file_id, "file_id")
        validate_sse(sse, allow_sse_b2=False)
        target = DownloadTarget.by_id(file_id)
        return self._transfers.open(target, range=range, sse=sse, progress=progress)

    async def download_bytes(
        self,
        file_name: str,
        *,
        range: tuple[int, int] | None = None,
        sse: SseC | None = None,
        progress: Progress | None = None,
    ) -> bytes:
        """The content of ``file_name`` (verified when whole; length-checked when ranged).

        A connection that breaks midway is resumed from the same version, by file id (see
        :meth:`download`).

        Raises:
            InvalidFileName, InvalidRange, B2ValidationError: as :meth:`download`.
        """
        target = DownloadTarget.by_name(self.name, file_name)
        validate_sse(sse, allow_sse_b2=False)
        return await self._transfers.read(target, range=range, sse=sse, progress=progress)

    async def download_bytes_by_id(
        self,
        file_id: str,
        *,
        range: tuple[int, int] | None = None,
        sse: SseC | None = None,
    ) -> bytes:
        """The content of one file version (verified when whole; a broken connection is
        resumed, see :meth:`download`).

        Raises:
            InvalidRange, B2ValidationError: as :meth:`download_by_id`.
        """
        validate_id(file_id, "file_id")
        validate_sse(sse, allow_sse_b2=False)
        return await self._transfers.download_bytes_by_id(file_id, range=range, sse=sse)

    async def download_to_file(
        self,
        file_name: str,
        path: str | os.PathLike[str],
        *,
        segments: int = 4,
        progress: Progress | None = None,
        sse: SseC | None = None,
    ) -> FileVersion:
        """Download ``file_name`` into ``path``: parallel ranged segments, verified against
        the SHA-1 B2 (or ``large_file_sha1``) holds, written to a temporary file in the same
        directory and renamed over ``path`` only once verified.

        Raises:
            InvalidFileName: a bad ``file_name``, before any request.
            B2ValidationError: ``segments`` not an int of 1 or more (rule ``segments``), or
                an ``sse`` that is not an :class:`~b2async.SseC` (rule ``sse``), before any
                request.
        """
        target = DownloadTarget.by_name(self.name, file_name)
        validate_count(segments, "segments")
        validate_sse(sse, allow_sse_b2=False)
        return await self._transfers.download_to_file(
            target, path, segments=segments, progress=progress, sse=sse
        )

    async def download_to_file_by_id(
        self,
        file_id: str,
        path: str | os.PathLike[str],
        *,
        segments: int = 4,
        progress: Progress | None = None,
        sse: SseC | None = None,
    ) -> FileVersion:
        """Like :meth:`download_to_file`, for one file version.

        Raises:
            B2ValidationError: an empty or non-``str`` ``file_id`` (rule ``file_id``), or as
                :meth:`download_to_file`.
        """
        validate_id(file_id, "file_id")
        validate_count(segments, "segments")
        validate_sse(sse, allow_sse_b2=False)
        return await self._transfers.download_to_file(
            DownloadTarget.by_id(file_id), path, segments=segments, progress=progress, sse=sse
        )

    # ----------------------------------------------------------------------------------------
    # Copies

    async def copy_file(
        self,
        source_file_id: str,
        file_name: str,
        *,
        destination_bucket_id: str | None = None,
        range: tuple[int, int] | None = None,
        metadata_directive: Literal["COPY", "REPLACE"] = "COPY",
        content_type: str | None = None,
        file_info: dict[str, str] | None = None,
        source_sse: SseC | None = None,
        sse: SseB2 | SseC | None = None,
        retention: Retention | None = None,
        legal_hold: LegalHold | None = None,
        parts_in_flight: int = 4,
    ) -> FileVersion:
        """Copy a file version server-side (into this bucket unless
        ``destination_bucket_id`` says otherwise).

        Results over 5 GB (or when B2 answers ``source_too_large``) are copied part by part
        into a large file.

        Raises:
            InvalidFileName, InvalidFileInfo, InvalidRange: before any request.
            B2ValidationError: before any request: an empty or non-``str``
                ``source_file_id`` or ``destination_bucket_id``; a ``metadata_directive``
                other than ``"COPY"``/``"REPLACE"``, or metadata it does not allow; a bad
                ``content_type``; an ``sse`` / ``source_sse`` / ``retention`` /
                ``legal_hold`` of the wrong type or value; ``parts_in_flight`` below 1
                (each ``rule`` is the argument's name).
        """
        validate_id(source_file_id, "source_file_id")
        if destination_bucket_id is not None:
            validate_id(destination_bucket_id, "destination_bucket_id")
        validate_metadata_directive(metadata_directive)
        validate_content_type(content_type)
        validate_sse(source_sse, "source_sse", allow_sse_b2=False)
        validate_sse(sse)
        validate_retention(retention)
        validate_legal_hold(legal_hold)
        validate_count(parts_in_flight, "parts_in_flight")
        return await self._transfers.copy(
            source_file_id,
            file_name,
            destination_bucket_id=destination_bucket_id or self.id,
            range_=range,
            metadata_directive=metadata_directive,
            content_type=content_type,
            file_info=file_info,
            source_sse=source_sse,
            sse=sse,
            retention=retention,
            legal_hold=legal_hold,
            parts_in_flight=parts_in_flight,
        )
