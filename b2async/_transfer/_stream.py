"""Uploads of streams of unknown length (async iterables, non-seekable file objects).

The stream is read once, in order. The first bytes decide the path: if the stream ends
within the threshold it is a small file (one ``b2_upload_file`` with the digest in the
header). Otherwise a large file is started and the stream is cut into parts of ``part_size``:
each filled part buffer is hashed and handed to an upload task, and reading continues while
parts upload. A part buffer lives only until its part is acknowledged (a retry re-sends it),
and at most ``parts_in_flight`` buffers exist at a time, the one being filled included, so
memory is bounded by ``parts_in_flight * part_size`` whatever the stream's length.

Why the buffer being filled takes a slot: part buffers are the whole memory cost of a stream
upload (100 MB each by default), while filling one from a fast producer takes a fraction of
the time sending one does. An extra buffer to read ahead with would buy little overlap for a
whole part's worth of memory; with ``parts_in_flight`` slots, all of them are in flight
whenever the network is the bottleneck.

The whole-file SHA-1 is computed as the stream is read and returned in
:class:`~b2async._transfer._types.UploadResult` (B2 keeps none for large files, and it can't be
put in ``large_file_sha1`` because that must be known at ``b2_start_large_file``).
"""

from __future__ import annotations

import hashlib
from collections import deque
from typing import TYPE_CHECKING

import anyio
import anyio.lowlevel

from b2async._errors import InvalidPartSize
from b2async._transfer._plan import MAX_PARTS, PartSpec
from b2async._transfer._tasks import first_error_task_group
from b2async._transfer._types import UploadResult

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from b2async._transfer._progress import Reporter
    from b2async._transfer._types import UploadSpec
    from b2async._transfer._upload import UploadEngine

__all__ = ["PartBufferGauge", "part_buffers", "upload_stream"]


class PartBufferGauge:
    """Counts the part buffers alive (for tests and diagnostics): ``current`` and ``peak``."""

    def __init__(self) -> None:
        self.current = 0
        self.peak = 0

    def add(self) -> None:
        """A part buffer was filled."""
        self.current += 1
        self.peak = max(self.peak, self.current)

    def remove(self) -> None:
        """A part buffer was let go."""
        self.current -= 1

    def reset(self) -> None:
        """Start counting afresh."""
        self.current = 0
        self.peak = 0


#: Process-wide gauge of stream part buffers.
part_buffers = PartBufferGauge()


class _Chunker:
    """Cuts an async byte stream into pieces of an exact size, hashing the whole stream."""

    def __init__(self, stream: AsyncIterator[bytes]) -> None:
        self._stream = stream
        self._pending: deque[bytes] = deque()
        self._head = 0  # bytes of _pending[0] already taken
        self.pending_len = 0
        self.eof = False
        self.total = 0
        self.whole = hashlib.sha1()

    async def fill(self, size: int) -> None:
        """Read until at least ``size`` bytes are pending or the stream ends."""
        while self.pending_len < size and not self.eof:
            try:
                chunk = await self._stream.__anext__()
            except StopAsyncIteration:
                self.eof = True
                break
            if not chunk:
                continue
            chunk = bytes(chunk)
            self.whole.update(chunk)
            self.total += len(chunk)
            self._pending.append(chunk)
            self.pending_len += len(chunk)

    def take(self, size: int) -> list[bytes]:
        """Remove and return up to ``size`` pending bytes as pieces (no joining).

        A chunk split across parts is consumed through an offset (``_head``), so a big chunk
        cut into many small parts is copied once in total, not once per part.
        """
        pieces: list[bytes] = []
        need = size
        pending = self._pending
        while need and pending:
            chunk = pending[0]
            available = len(chunk) - self._head
            if available <= need:
                pieces.append(chunk[self._head :] if self._head else chunk)
                pending.popleft()
                self._head = 0
                need -= available
            else:
                pieces.append(chunk[self._head : self._head + need])
                self._head += need
                need = 0
        self.pending_len -= size - need
        return pieces

    @property
    def exhausted(self) -> bool:
        """Nothing pending and nothing more to read."""
        return self.eof and not self.pending_len


async def upload_stream(
    engine: UploadEngine,
    spec: UploadSpec,
    stream: AsyncIterator[bytes],
    reporter: Reporter,
    *,
    part_size: int,
    threshold: int,
    parts_in_flight: int,
    resume: bool = False,
    limiter: anyio.CapacityLimiter | None = None,
) -> UploadResult:
    """Upload a stream of unknown length, small or large as its length turns out."""
    chunker = _Chunker(stream)
    try:
        await chunker.fill(threshold + 1)
        if chunker.eof and chunker.pending_len <= threshold:
            data = b"".join(chunker.take(chunker.pending_len))
            sha1 = chunker.whole.hexdigest()
            return await engine.upload_buffer(spec, data, sha1, reporter, limiter)
        return await _upload_large_stream(
            engine, spec, chunker, reporter, part_size, parts_in_flight, resume, limiter
        )
    finally:
        aclose = getattr(stream, "aclose", None)
        if aclose is not None:
            with anyio.CancelScope(shield=True):
                await aclose()


async def _upload_large_stream(
    engine: UploadEngine,
    spec: UploadSpec,
    chunker: _Chunker,
    reporter: Reporter,
    part_size: int,
    parts_in_flight: int,
    resume: bool,
    limiter: anyio.CapacityLimiter | None,
) -> UploadResult:
    file_id = await engine.start_large(spec, dict(spec.file_info), limiter)
    pool = engine.part_pool(file_id)
    sha1s: dict[int, str] = {}
    # One slot per part buffer: taken before a buffer is filled, given back when its part
    # is acknowledged, so at most parts_in_flight buffers exist and as many parts upload.
    buffers = anyio.Semaphore(parts_in_flight)

    async def send(part: PartSpec, pieces: list[bytes], sha1: str) -> None:
        try:
            sha1s[part.number] = await engine.upload_part(
                pool, spec, part, None, (pieces, sha1), reporter, limiter
            )
        finally:
            pieces.clear()
            part_buffers.remove()
            buffers.release()

    try:
        async with first_error_task_group() as tg:
            number = 0
            offset = 0
            while True:
                await anyio.lowlevel.checkpoint_if_cancelled()
                await buffers.acquire()
                await chunker.fill(part_size)
                if chunker.exhausted:
                    buffers.release()
                    break
                number += 1
                if number > MAX_PARTS:
                    raise InvalidPartSize(
                        f"stream needs more than {MAX_PARTS} parts of {part_size} bytes",
                        rule="count",
                    )
                pieces = chunker.take(part_size)
                part_buffers.add()
                length = sum(len(p) for p in pieces)
                digest = hashlib.sha1()
                for piece in pieces:
                    digest.update(piece)
                part = PartSpec(number=number, offset=offset, length=length)
                offset += length
                tg.start_soon(send, part, pieces, digest.hexdigest())
        fv = await engine.finish_large(
            file_id, [sha1s[n] for n in range(1, number + 1)], chunker.total, limiter
        )
    except BaseException:
        if not resume:
            await engine.cancel_large(file_id)
        raise
    return UploadResult(fv, chunker.whole.hexdigest(), chunker.total)
