"""Upload sources: bytes in memory, paths, file objects and async iterables.

Seekable sources (:class:`RangeSource`) can be read from any offset, which is what makes a
retry or a parallel part cheap: nothing is buffered, a part is streamed from its offset in
large blocks (one thread hop per block), and a retry simply reads the range again.

Anything else (a non-seekable file object, an async iterable of unknown length) becomes an
``AsyncIterator[bytes]`` and is handled by the stream uploader, which keeps only bounded part
buffers.
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator
from contextlib import aclosing
from typing import IO, Any, TypeAlias, Union

import anyio
import anyio.to_thread

__all__ = [
    "HASH_SPAN",
    "READ_BLOCK",
    "SEEK_LOCK",
    "WHOLE_READ_LIMIT",
    "BytesSource",
    "FileObjectSource",
    "PathSource",
    "RangeSource",
    "UploadSource",
    "load_small_files",
    "open_source",
    "pread",
]

#: Bytes read per thread hop (and the largest chunk handed to httpx). 1 MiB measured best for
#: a 1 GiB upload with 4 parts in flight: the same client CPU as 2 or 4 MiB (the hop cost is
#: small next to reading, hashing and sending a MiB) but a far lower peak RSS (~70 MiB instead
#: of ~110 MiB: fewer bytes held per part between the read and the socket).
READ_BLOCK = 1024 * 1024

#: Files on disk up to this size are opened, read, hashed and closed in one thread hop when
#: they are opened as a source (and then sent as one buffer). Thread hops dominate the client
#: CPU of bulk small uploads (each costs a queue put, a lock hand-off and a wake-up), so one
#: hop per small file instead of three (stat, open, read) matters more than anything else.
#: One read block: a bigger file is streamed anyway, so whole-read files cost no more memory
#: than streamed ones (``upload_many`` holds one per worker); at 8 MiB, 64 in flight could
#: hold a GiB of file contents.
WHOLE_READ_LIMIT = READ_BLOCK

#: Bytes read and hashed per thread hop when only the SHA-1 of a file range is wanted.
HASH_SPAN = 64 * 1024 * 1024

#: What ``upload_file`` accepts.
UploadSource: TypeAlias = Union[
    bytes, bytearray, memoryview, str, "os.PathLike[str]", IO[bytes], AsyncIterable[bytes]
]


class RangeSource(ABC):
    """A source of known size that can be read from any offset (so retries re-read it)."""

    size: int

    @abstractmethod
    def chunks(self, offset: int, length: int) -> AsyncGenerator[bytes, None]:
        """Yield ``length`` bytes starting at ``offset``, in blocks of at most READ_BLOCK."""

    @abstractmethod
    async def read_hashed(self, offset: int, length: int) -> tuple[bytes, str]:
        """Read a (small) range in one go and return it with its SHA-1 hex digest."""

    async def sha1(self, offset: int = 0, length: int | None = None) -> str:
        """The SHA-1 of a range (the whole source by default), read sequentially."""
        length = self.size - offset if length is None else length
        digest = hashlib.sha1()
        async with aclosing(self.chunks(offset, length)) as chunks:
            async for chunk in chunks:
                digest.update(chunk)
        return digest.hexdigest()

    async def aclose(self) -> None:  # noqa: B027 - optional hook
        """Release whatever the source holds open."""


class BytesSource(RangeSource):
    """Bytes already in memory: reads cost nothing, so they are hashed up front.

    Args:
        data: the content (copied once if it is not ``bytes``).
        sha1: the content's SHA-1 hex digest when the caller already computed it (a small
            file read and hashed in one thread hop), so it is not computed twice.
    """

    def __init__(self, data: bytes | bytearray | memoryview, *, sha1: str | None = None) -> None:
        self._data = data if isinstance(data, bytes) else bytes(data)
        self.size = len(self._data)
        self._sha1 = sha1

    @property
    def data(self) -> bytes:
        """The whole content."""
        return self._data

    async def chunks(self, offset: int, length: int) -> AsyncGenerator[bytes, None]:
        end = offset + length
        view = memoryview(self._data)
        while offset < end:
            step = min(READ_BLOCK, end - offset)
            yield bytes(view[offset : offset + step])
            offset += step

    async def sha1(self, offset: int = 0, length: int | None = None) -> str:
        length = self.size - offset if length is None else length
        if self._sha1 is not None and offset == 0 and length == self.size:
            return self._sha1
        piece = memoryview(self._data)[offset : offset + length]
        if length > 1024 * 1024:
            return await anyio.to_thread.run_sync(_sha1_hex, piece)
        return _sha1_hex(piece)

    async def read_hashed(self, offset: int, length: int) -> tuple[bytes, str]:
        if offset == 0 and length == self.size:
            if self._sha1 is not None:
                return self._data, self._sha1
            piece = self._data
        else:
            piece = self._data[offset : offset + length]
        if length > 1024 * 1024:
            # hashlib releases the GIL on large buffers: hash off the event loop.
            digest = await anyio.to_thread.run_sync(_sha1_hex, piece)
        else:
            digest = _sha1_hex(piece)
        return piece, digest


def _sha1_hex(data: bytes | memoryview) -> str:
    return hashlib.sha1(data).hexdigest()


_EMPTY_SHA1 = _sha1_hex(b"")


class PathSource(RangeSource):
    """A file on disk, read with ``os.pread`` in large blocks (thread-safe across parts)."""

    def __init__(self, path: str | os.PathLike[str], size: int, *, fd: int | None = None) -> None:
        self.path = os.fspath(path)
        self.size = size
        self._fd: int | None = fd
        self._lock = anyio.Lock()

    @classmethod
    async def open(cls, path: str | os.PathLike[str]) -> PathSource:
        """Open and stat ``path`` (in one hop off the event loop) and wrap it."""
        size, fd, _ = await anyio.to_thread.run_sync(_open_path, os.fspath(path), -1)
        assert fd is not None
        return cls(path, size, fd=fd)

    async def _descriptor(self) -> int:
        if self._fd is None:
            async with self._lock:
                if self._fd is None:
                    self._fd = await anyio.to_thread.run_sync(_open_read, self.path)
        return self._fd

    async def chunks(self, offset: int, length: int) -> AsyncGenerator[bytes, None]:
        fd = await self._descriptor()
        end = offset + length
        while offset < end:
            block = await anyio.to_thread.run_sync(pread, fd, min(READ_BLOCK, end - offset), offset)
            if not block:
                raise OSError(f"{self.path}: file shrank while it was being uploaded")
            offset += len(block)
            yield block

    async def read_hashed(self, offset: int, length: int) -> tuple[bytes, str]:
        fd = await self._descriptor()
        return await anyio.to_thread.run_sync(_pread_hashed, fd, length, offset, self.path)

    async def sha1(self, offset: int = 0, length: int | None = None) -> str:
        """The SHA-1 of a range, read and hashed in worker threads (``large_file_sha1``).

        Nothing is sent, so nothing needs the bytes afterwards: one reused buffer is read
        into and hashed in the same thread call, :data:`HASH_SPAN` bytes per hop (no
        allocation per block, no hop per block, the event loop never waits on the hashing).
        """
        length = self.size - offset if length is None else length
        fd = await self._descriptor()
        hasher = hashlib.sha1()
        buffer = bytearray(READ_BLOCK)
        end = offset + length
        while offset < end:
            step = min(HASH_SPAN, end - offset)
            await anyio.to_thread.run_sync(_hash_range, fd, offset, step, hasher, buffer, self.path)
            offset += step
        return hasher.hexdigest()

    async def aclose(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)


def _open_read(path: str) -> int:
    return os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))


def _open_path(
    path: str, whole_read_limit: int
) -> tuple[int, int | None, tuple[bytes, str] | None]:
    """Open ``path``; read and hash it whole (and close it) when it is at most the limit.

    Returns:
        ``(size, open descriptor, None)`` for a bigger file, ``(size, None, (data, sha1))``
        for a small one.
    """
    fd = _open_read(path)
    try:
        size = os.fstat(fd).st_size
        if size > whole_read_limit:
            return size, fd, None
        loaded = _pread_hashed(fd, size, 0, path)
    except BaseException:
        os.close(fd)
        raise
    os.close(fd)
    return size, None, loaded


def _hash_range(
    fd: int, offset: int, length: int, hasher: Any, buffer: bytearray, path: str
) -> None:
    """Feed ``length`` bytes of ``fd`` from ``offset`` to ``hasher`` through ``buffer``."""
    view = memoryview(buffer)
    end = offset + length
    while offset < end:
        want = min(len(buffer), end - offset)
        if hasattr(os, "preadv"):
            got = os.preadv(fd, [view[:want]], offset)
            block: bytes | memoryview = view[:got]
        else:  # pragma: no cover - no preadv (Windows)
            block = pread(fd, want, offset)
            got = len(block)
        if not got:
            raise OSError(f"{path}: file shrank while it was being hashed")
        hasher.update(block)
        offset += got


#: Serialises seek + read/write where the OS has no pread/pwrite (Windows).
SEEK_LOCK = threading.Lock()


def pread(fd: int, length: int, offset: int) -> bytes:
    """``os.pread``, or a serialised seek + read where it does not exist."""
    if hasattr(os, "pread"):
        return os.pread(fd, length, offset)
    with SEEK_LOCK:  # pragma: no cover - Windows
        os.lseek(fd, offset, os.SEEK_SET)
        return os.read(fd, length)


def load_small_files(paths: list[str | os.PathLike[str]]) -> list[BytesSource | None]:
    """Read and hash each small file of ``paths`` (in the calling thread); ``None`` for one
    that is bigger than :data:`WHOLE_READ_LIMIT` or could not be read.

    Many files in one thread hop: the bulk uploader batches the reads of the files its
    workers are about to upload. A ``None`` leaves the file to the normal path (which then
    reads it in blocks, or raises the same error where it belongs: in that item's outcome).
    """
    loaded: list[BytesSource | None] = []
    for path in paths:
        try:
            _, fd, data = _open_path(os.fspath(path), WHOLE_READ_LIMIT)
        except Exception:
            loaded.append(None)
            continue
        if fd is not None:
            os.close(fd)
        loaded.append(None if data is None else BytesSource(data[0], sha1=data[1]))
    return loaded


def _pread_hashed(fd: int, length: int, offset: int, path: str) -> tuple[bytes, str]:
    if length == 0:
        return b"", _EMPTY_SHA1
    parts: list[bytes] = []
    got = 0
    while got < length:
        block = pread(fd, length - got, offset + got)
        if not block:
            raise OSError(f"{path}: file shrank while it was being uploaded")
        parts.append(block)
        got += len(block)
    data = parts[0] if len(parts) == 1 else b"".join(parts)
    return data, hashlib.sha1(data).hexdigest()


class FileObjectSource(RangeSource):
    """A seekable binary file object; reads are serialised (they share one position)."""

    def __init__(self, file: IO[bytes], start: int, size: int) -> None:
        self._file = file
        self._start = start
        self.size = size
        self._lock = anyio.Lock()

    def _read_at(self, offset: int, length: int) -> bytes:
        self._file.seek(self._start + offset)
        parts: list[bytes] = []
        got = 0
        while got < length:
            block = self._file.read(length - got)
            if not block:
                raise OSError("file object ended before its announced size")
            parts.append(block)
            got += len(block)
        return parts[0] if len(parts) == 1 else b"".join(parts)

    async def chunks(self, offset: int, length: int) -> AsyncGenerator[bytes, None]:
        end = offset + length
        while offset < end:
            step = min(READ_BLOCK, end - offset)
            async with self._lock:
                block = await anyio.to_thread.run_sync(self._read_at, offset, step)
            offset += step
            yield block

    def _read_hashed_at(self, offset: int, length: int) -> tuple[bytes, str]:
        data = self._read_at(offset, length)
        return data, _sha1_hex(data)

    async def read_hashed(self, offset: int, length: int) -> tuple[bytes, str]:
        async with self._lock:
            return await anyio.to_thread.run_sync(self._read_hashed_at, offset, length)


async def _file_stream(file: IO[bytes]) -> AsyncIterator[bytes]:
    while True:
        block = await anyio.to_thread.run_sync(file.read, READ_BLOCK)
        if not block:
            return
        yield block


def _seekable(file: IO[bytes]) -> bool:
    try:
        return bool(file.seekable())
    except (AttributeError, ValueError, OSError):
        return False


def _file_extent(file: IO[bytes]) -> tuple[int, int]:
    start = file.tell()
    end = file.seek(0, io.SEEK_END)
    file.seek(start)
    return start, end - start


async def open_source(source: object) -> RangeSource | AsyncIterator[bytes]:
    """Turn anything ``upload_file`` accepts into a range source or a byte stream.

    A :class:`RangeSource` is returned as is (the batch uploader hands over small files it
    already read and hashed, see :func:`load_small_files`).

    Raises:
        TypeError: ``source`` is none of the accepted kinds (``str`` is a path, never data).
    """
    if isinstance(source, RangeSource):
        return source
    if isinstance(source, (bytes, bytearray, memoryview)):
        return BytesSource(source)
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        size, fd, loaded = await anyio.to_thread.run_sync(_open_path, path, WHOLE_READ_LIMIT)
        if loaded is not None:
            data, sha1 = loaded
            return BytesSource(data, sha1=sha1)
        return PathSource(path, size, fd=fd)
    if hasattr(source, "__aiter__"):
        iterable: AsyncIterable[bytes] = source
        return iterable.__aiter__()
    if hasattr(source, "read"):
        file: IO[bytes] = source  # type: ignore[assignment]
        if _seekable(file):
            start, size = await anyio.to_thread.run_sync(_file_extent, file)
            return FileObjectSource(file, start, size)
        return _file_stream(file)
    raise TypeError(
        "upload source must be bytes, a path, a binary file object or an async iterable "
        f"of bytes, not {type(source).__name__}"
    )
