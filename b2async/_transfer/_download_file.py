"""``download_to_file``: parallel ranged segments, verified, renamed into place.

The file is written to a temporary name in the destination's directory and renamed over
the destination only after the length and SHA-1 checked out, so ``path`` never holds a
half-written or unverified file; on any failure or cancellation the temporary file is
removed.

The first request downloads the whole file; its headers give the size and the SHA-1 to
expect. If the file is big enough, the first response is read only up to the end of the
first segment and the other segments are fetched concurrently with ranged requests *by file
id* (so a new version uploaded meanwhile can't be mixed in). Each segment gathers the
chunks it receives up to ``WRITE_BLOCK`` bytes and writes them at their offset with one
``os.pwritev`` in a worker thread (one thread hop per block, no copy to join the chunks).
The segments' writes go into the file one at a time: concurrent buffered writes to one
file queue on the kernel's inode lock, whose waiters spin (``perf`` put ~10 % of a 4-segment
download's client CPU there), while a thread waiting on a mutex sleeps. Copying into the
page cache is bounded by memory bandwidth anyway, so parallel writes gained nothing.

Hashing without reading the file back — the *hash frontier*: SHA-1 must see the bytes in
order, so a frontier offset marks how far the file has been hashed. A block written exactly
at the frontier is hashed from memory in the same worker thread that writes it (hashlib
releases the GIL, so this overlaps with receiving), and the frontier moves past it. A block
written ahead of the frontier is only recorded. When the frontier reaches the end of a
segment it moves into the next one, reads back (``preadv`` into one reused buffer, from the
page cache) only the bytes that segment already wrote ahead, and from then on hashes that
segment's blocks from memory as they arrive. So the first segment is never read back, and a
later segment is read back only for the part that arrived before the segments before it
finished.

A segment whose stream breaks is retried from its last byte received (a ranged request
starting there), with the session's backoff policy.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import threading
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

#: Bytes a segment gathers before one ``pwritev`` (one thread hop).
WRITE_BLOCK = 4 * 1024 * 1024
#: Files smaller than two of these are fetched with one request.
MIN_SEGMENT = 8 * 1024 * 1024
#: The read-back buffer (one, reused; the whole read-back is one thread hop whatever its size).
_READ_BACK_BLOCK = 2 * 1024 * 1024
#: Buffers per ``pwritev`` call (Linux's IOV_MAX is 1024).
_IOV_MAX = 1024


def _pwrite(fd: int, data: memoryview, offset: int) -> int:
    if hasattr(os, "pwrite"):
        return os.pwrite(fd, data, offset)
    with SEEK_LOCK:  # pragma: no cover - Windows has no pwrite: seek + write, serialised
        os.lseek(fd, offset, os.SEEK_SET)
        return os.write(fd, data)


def _write_chunks(fd: int, chunks: list[bytes], offset: int) -> None:
    """Write ``chunks`` back to back at ``offset``, without joining them (no copy).

    ``pwritev`` hands the received buffers to the kernel as they are; a short write (rare
    for regular files) resumes in the middle of the chunk it stopped in.
    """
    if not hasattr(os, "pwritev"):  # pragma: no cover - Windows, macOS < 11
        for chunk in chunks:
            view = memoryview(chunk)
            while view:
                written = _pwrite(fd, view, offset)
                view = view[written:]
                offset += written
        return
    pending: list[bytes | memoryview] = [chunk for chunk in chunks if chunk]
    while pending:
        batch = pending[:_IOV_MAX]
        written = os.pwritev(fd, batch, offset)
        if written <= 0:
            raise OSError("pwritev wrote nothing")
        offset += written
        done = 0
        while done < len(batch) and written >= len(batch[done]):
            written -= len(batch[done])
            done += 1
        del pending[:done]
        if written:
            pending[0] = memoryview(pending[0])[written:]


def _write_serially(lock: threading.Lock, fd: int, chunks: list[bytes], offset: int) -> None:
    """``_write_chunks`` holding ``lock``: one write at a time into the file (module doc)."""
    with lock:
        _write_chunks(fd, chunks, offset)


def _write_and_hash(
    lock: threading.Lock, fd: int, chunks: list[bytes], offset: int, hasher: hashlib._Hash
) -> None:
    """Write a block at the hash frontier and hash it from memory, in one worker thread.

    hashlib releases the GIL while hashing buffers of more than 2 KiB, so this overlaps with
    the event loop receiving the other segments.
    """
    _write_serially(lock, fd, chunks, offset)
    for chunk in chunks:
        hasher.update(chunk)


def _read_into(fd: int, view: memoryview, offset: int) -> int:
    if hasattr(os, "preadv"):
        return os.preadv(fd, [view], offset)
    data = pread(fd, len(view), offset)  # pragma: no cover - Windows, macOS < 11
    view[: len(data)] = data  # pragma: no cover
    return len(data)  # pragma: no cover


def _read_back_hash(
    fd: int, start: int, end: int, hasher: hashlib._Hash, buffer: bytearray
) -> None:
    """Hash ``[start, end)`` of the file, read back through one reused buffer.

    Reusing the buffer keeps the read-back from allocating (and page-faulting in) a fresh
    block for every read.
    """
    view = memoryview(buffer)
    while start < end:
        got = _read_into(fd, view[: min(len(view), end - start)], start)
        if got <= 0:
            raise OSError("temporary file shorter than what was written")
        hasher.update(view[:got])
        start += got


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
        self._write_lock = threading.Lock()
        self._buffer: bytearray | None = None  # the read-back buffer, made when first needed
        #: bytes hashed by reading them back (for tests and diagnostics)
        self.read_back = 0

    async def write(self, index: int, offset: int, data: bytes) -> None:
        """Write ``data`` at ``offset`` in segment ``index`` (see :meth:`write_chunks`)."""
        await self.write_chunks(index, offset, [data], len(data))

    async def write_chunks(self, index: int, offset: int, chunks: list[bytes], length: int) -> None:
        """Write ``chunks`` (``length`` bytes in all) at ``offset`` in segment ``index``.

        A block at the frontier is written and hashed in the same thread hop, under the lock,
        so nothing else moves the frontier meanwhile; a block ahead of it is written outside
        the lock (the segments write in parallel) and only recorded.
        """
        end = offset + length
        hasher = self._hasher
        # The lock-free test is safe: nothing moves the frontier past ``offset`` before this
        # block is recorded (only this segment writes here). A block not at the frontier now
        # is written in parallel with the others and, should the frontier reach it later,
        # read back by ``_advance``.
        if hasher is not None and offset == self._frontier:
            async with self._lock:
                if offset == self._frontier:
                    await anyio.to_thread.run_sync(
                        _write_and_hash, self._write_lock, self._fd, chunks, offset, hasher
                    )
                    self._written[index] = self._frontier = end
                    await self._advance(hasher)
                    return
        await anyio.to_thread.run_sync(_write_serially, self._write_lock, self._fd, chunks, offset)
        async with self._lock:
            self._written[index] = end
            if hasher is not None:
                await self._advance(hasher)

    async def _advance(self, hasher: hashlib._Hash) -> None:
        plan = self._plan
        while self._index < len(plan):
            segment = plan[self._index]
            if self._frontier >= segment.end:
                self._index += 1
                continue
            ahead = self._written[self._index]
            if ahead <= self._frontier:
                return
            if self._buffer is None:
                self._buffer = bytearray(_READ_BACK_BLOCK)
            await anyio.to_thread.run_sync(
                _read_back_hash, self._fd, self._frontier, ahead, hasher, self._buffer
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

    Chunks are gathered as received (no joining: ``pwritev`` writes the list) up to
    :data:`WRITE_BLOCK` bytes, then written in one thread hop. Whatever was received is
    written even when the stream breaks (the ``finally``), so the writer's
    :meth:`~_FrontierWriter.written` for the segment is the first byte not received whether
    this returns or raises; the caller resumes from there.
    """
    position = start
    pending: list[bytes] = []
    pending_len = 0
    block_size = WRITE_BLOCK
    reporting = reporter.active
    try:
        async with aclosing(chunks):
            async for chunk in chunks:
                # the per-chunk path runs ~65,000 times per GiB: keep it to a few operations
                size = len(chunk)
                room = end - position - pending_len
                if size > room:
                    chunk, size = chunk[:room], room
                pending.append(chunk)
                pending_len += size
                if reporting:
                    reporter.moved(size)
                if pending_len >= block_size:
                    block, length = pending, pending_len
                    pending, pending_len = [], 0
                    await writer.write_chunks(index, position, block, length)
                    position += length
                if size == room:
                    break
    finally:
        if pending_len:
            with anyio.CancelScope(shield=True):
                await writer.write_chunks(index, position, pending, pending_len)


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
