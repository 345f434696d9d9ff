"""``download_to_file``: parallel ranged segments, verified, renamed into place.

The file is written to a temporary name in the destination's directory and renamed over
the destination only after the length and SHA-1 checked out, so ``path`` never holds a
half-written or unverified file; on any failure or cancellation the temporary file is
removed.

The first request downloads the whole file; its headers give the size and the SHA-1 to
expect. If the file is big enough, the first response is read only up to the end of the
first segment and the other segments are fetched concurrently with ranged requests *by file
id* (so a new version uploaded meanwhile can't be mixed in). Each segment buffers up to
``WRITE_BLOCK`` bytes and writes them at their offset with ``os.pwrite`` in a worker thread.

Hashing without reading the file back — the *hash frontier*: SHA-1 must see the bytes in
order, so a frontier offset marks how far the file has been hashed. A block written exactly
at the frontier is hashed from memory as it is written, and the frontier moves past it. A
block written ahead of the frontier is only recorded. When the frontier reaches the end of a
segment it moves into the next one, reads back (``pread``, page cache) only the bytes that
segment already wrote ahead, and from then on hashes that segment's blocks from memory as
they arrive. So the first segment is never read back, and a later segment is read back only
for the part that arrived before the segments before it finished.

A segment whose stream breaks is retried from its last byte received (a ranged request
starting there), with the session's backoff policy.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from contextlib import aclosing
from typing import TYPE_CHECKING

import anyio
import anyio.to_thread

from b2async._errors import B2Error, ChecksumMismatch, TruncatedDownload
from b2async._transfer._download import DownloadTarget, expected_sha1, open_download
from b2async._transfer._plan import PartSpec, plan_segments
from b2async._transfer._sources import SEEK_LOCK, pread
from b2async._transfer._tasks import first_error_task_group

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator

    from b2async._models import FileVersion, SseC
    from b2async._session import Session
    from b2async._transfer._download import Download
    from b2async._transfer._progress import Reporter

__all__ = ["MIN_SEGMENT", "WRITE_BLOCK", "download_to_file"]

#: Bytes a segment gathers before one ``pwrite`` (one thread hop).
WRITE_BLOCK = 4 * 1024 * 1024
#: Files smaller than two of these are fetched with one request.
MIN_SEGMENT = 8 * 1024 * 1024
_READ_BACK_BLOCK = 8 * 1024 * 1024


def _pwrite(fd: int, data: memoryview, offset: int) -> int:
    if hasattr(os, "pwrite"):
        return os.pwrite(fd, data, offset)
    with SEEK_LOCK:  # pragma: no cover - Windows has no pwrite: seek + write, serialised
        os.lseek(fd, offset, os.SEEK_SET)
        return os.write(fd, data)


def _pwrite_all(fd: int, data: bytes, offset: int) -> None:
    view = memoryview(data)
    while view:
        written = _pwrite(fd, view, offset)
        view = view[written:]
        offset += written


def _read_back_hash(fd: int, start: int, end: int, hasher: hashlib._Hash) -> None:
    while start < end:
        block = pread(fd, min(_READ_BACK_BLOCK, end - start), start)
        if not block:
            raise OSError("temporary file shorter than what was written")
        hasher.update(block)
        start += len(block)


class _FrontierWriter:
    """Writes segment blocks at their offsets and hashes the file in order (see module doc)."""

    def __init__(self, fd: int, plan: list[PartSpec], hashing: bool) -> None:
        self._fd = fd
        self._plan = plan
        self._written = [seg.offset for seg in plan]  # contiguous end per segment
        self._hasher = hashlib.sha1() if hashing else None
        self._frontier = 0
        self._index = 0  # segment holding the frontier
        self._lock = anyio.Lock()
        #: bytes hashed by reading them back (for tests and diagnostics)
        self.read_back = 0

    async def write(self, index: int, offset: int, data: bytes) -> None:
        await anyio.to_thread.run_sync(_pwrite_all, self._fd, data, offset)
        async with self._lock:
            self._written[index] = offset + len(data)
            if self._hasher is None:
                return
            if offset == self._frontier:
                self._hasher.update(data)
                self._frontier = offset + len(data)
            await self._advance()

    async def _advance(self) -> None:
        assert self._hasher is not None
        plan = self._plan
        while self._index < len(plan):
            segment = plan[self._index]
            if self._frontier >= segment.end:
                self._index += 1
                continue
            ahead = self._written[self._index]
            if ahead <= self._frontier:
                return
            await anyio.to_thread.run_sync(
                _read_back_hash, self._fd, self._frontier, ahead, self._hasher
            )
            self.read_back += ahead - self._frontier
            self._frontier = ahead

    def written(self, index: int) -> int:
        """The end of the bytes segment ``index`` has written, contiguous from its start."""
        return self._written[index]

    def digest(self) -> str | None:
        return None if self._hasher is None else self._hasher.hexdigest()

    @property
    def frontier(self) -> int:
        return self._frontier


async def _consume(
    chunks: AsyncGenerator[bytes, None],
    writer: _FrontierWriter,
    index: int,
    start: int,
    end: int,
    reporter: Reporter,
) -> None:
    """Write a response's bytes from ``start`` until ``end`` into segment ``index``.

    Whatever was received is written even when the stream breaks (the ``finally``), so the
    writer's :meth:`~_FrontierWriter.written` for the segment is the first byte not received
    whether this returns or raises; the caller resumes from there.
    """
    position = start
    pending: list[bytes] = []
    pending_len = 0
    try:
        async with aclosing(chunks):
            async for chunk in chunks:
                if position + pending_len + len(chunk) > end:
                    chunk = chunk[: end - position - pending_len]
                pending.append(chunk)
                pending_len += len(chunk)
                if reporter.active:
                    reporter.moved(len(chunk))
                if pending_len >= WRITE_BLOCK:
                    await writer.write(index, position, b"".join(pending))
                    position += pending_len
                    pending, pending_len = [], 0
                if position + pending_len >= end:
                    break
    finally:
        if pending_len:
            with anyio.CancelScope(shield=True):
                await writer.write(index, position, b"".join(pending))


async def _fetch_segment(
    session: Session,
    target: DownloadTarget,
    writer: _FrontierWriter,
    index: int,
    segment: PartSpec,
    sse: SseC | None,
    reporter: Reporter,
    first: Download | None = None,
) -> None:
    """Fetch one segment, resuming a broken stream at the first byte not yet written.

    The writer's per-segment progress is the only record of where the segment stands: it
    moves whenever bytes land in the file, including the bytes a broken stream delivered
    before it failed, so every retry asks for exactly the rest of the segment.
    """
    attempt = 0
    while (position := writer.written(index)) < segment.end:
        try:
            if first is not None:
                download, first = first, None
                await _consume(
                    download.raw_chunks(), writer, index, position, segment.end, reporter
                )
            else:
                async with open_download(
                    session, target, range_=(position, segment.end - 1), sse=sse
                ) as download:
                    await _consume(
                        download.raw_chunks(), writer, index, position, segment.end, reporter
                    )
            position = writer.written(index)
            if position < segment.end:
                raise TruncatedDownload(
                    f"segment {segment.number} ended at byte {position} of {segment.end}",
                    expected=segment.end,
                    received=position,
                )
        except B2Error as exc:
            attempt += 1
            await session.back_off(exc, attempt)


def _temp_name(path: str) -> str:
    directory, base = os.path.split(os.path.abspath(path))
    return os.path.join(directory, f".{base}.{secrets.token_hex(6)}.b2async-part")


def _open_temp(temp: str) -> int:
    return os.open(temp, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)


def _remove(temp: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temp)


async def download_to_file(
    session: Session,
    target: DownloadTarget,
    path: str | os.PathLike[str],
    reporter: Reporter,
    *,
    segments: int = 4,
    sse: SseC | None = None,
    min_segment: int = MIN_SEGMENT,
) -> FileVersion:
    """Download ``target`` into ``path``; see the module docstring."""
    destination = os.fspath(path)
    temp = _temp_name(destination)
    fd: int | None = await anyio.to_thread.run_sync(_open_temp, temp)
    done = False
    try:
        async with open_download(session, target, sse=sse) as first:
            file_version = first.file_version
            size = first.content_length
            reporter.started(size)
            plan = plan_segments(size, segments, min_segment=min_segment)
            expected = expected_sha1(file_version)
            assert fd is not None
            writer = _FrontierWriter(fd, plan, hashing=expected is not None)
            by_id = DownloadTarget.by_id(file_version.file_id or "")
            async with first_error_task_group() as tg:
                for index, segment in enumerate(plan[1:], start=1):
                    tg.start_soon(
                        _fetch_segment, session, by_id, writer, index, segment, sse, reporter
                    )
                await _fetch_segment(session, by_id, writer, 0, plan[0], sse, reporter, first=first)
        if writer.frontier != size and expected is not None:
            raise TruncatedDownload(
                f"{file_version.file_name!r}: hashed {writer.frontier} of {size} bytes",
                expected=size,
                received=writer.frontier,
            )
        actual = writer.digest()
        if expected is not None and actual != expected:
            raise ChecksumMismatch(
                f"{file_version.file_name!r}: downloaded data does not match its SHA-1",
                expected=expected,
                actual=actual,
            )
        closing, fd = fd, None
        await anyio.to_thread.run_sync(os.close, closing)
        await anyio.to_thread.run_sync(os.replace, temp, destination)
        done = True
        reporter.finished()
        return file_version
    except BaseException as exc:
        reporter.failed(exc)
        raise
    finally:
        with anyio.CancelScope(shield=True):
            if fd is not None:
                os.close(fd)
            if not done:
                await anyio.to_thread.run_sync(_remove, temp)
