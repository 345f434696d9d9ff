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
from typing import IO, TypeAlias, Union

import anyio
import anyio.to_thread

__all__ = [
    "READ_BLOCK",
    "SEEK_LOCK",
    "BytesSource",
    "FileObjectSource",
    "PathSource",
    "RangeSource",
    "UploadSource",
    "open_source",
    "pread",
]

#: Bytes read per thread hop (and the largest chunk handed to httpx).
READ_BLOCK = 4 * 1024 * 1024

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
    """Bytes already in memory: reads cost nothing, so they are hashed up front."""

    def __init__(self, data: bytes | bytearray | memoryview) -> None:
        self._data = data if isinstance(data, bytes) else bytes(data)
        self.size = len(self._data)

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
        piece = memoryview(self._data)[offset : offset + length]
        if length > 1024 * 1024:
            return await anyio.to_thread.run_sync(_sha1_hex, piece)
        return _sha1_hex(piece)

    async def read_hashed(self, offset: int, length: int) -> tuple[bytes, str]:
        if offset == 0 and length == self.size:
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


class PathSource(RangeSource):
    """A file on disk, read with ``os.pread`` in large blocks (thread-safe across parts)."""

    def __init__(self, path: str | os.PathLike[str], size: int) -> None:
        self.path = os.fspath(path)
        self.size = size
        self._fd: int | None = None
        self._lock = anyio.Lock()

    @classmethod
    async def open(cls, path: str | os.PathLike[str]) -> PathSource:
        """Stat ``path`` (off the event loop) and wrap it."""
        size = (await anyio.to_thread.run_sync(os.stat, path)).st_size
        return cls(path, size)

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

    async def aclose(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)


def _open_read(path: str) -> int:
    return os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))


#: Serialises seek + read/write where the OS has no pread/pwrite (Windows).
SEEK_LOCK = threading.Lock()


def pread(fd: int, length: int, offset: int) -> bytes:
    """``os.pread``, or a serialised seek + read where it does not exist."""
    if hasattr(os, "pread"):
        return os.pread(fd, length, offset)
    with SEEK_LOCK:  # pragma: no cover - Windows
        os.lseek(fd, offset, os.SEEK_SET)
        return os.read(fd, length)


def _pread_hashed(fd: int, length: int, offset: int, path: str) -> tuple[bytes, str]:
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

    Raises:
        TypeError: ``source`` is none of the accepted kinds (``str`` is a path, never data).
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        return BytesSource(source)
    if isinstance(source, (str, os.PathLike)):
        return await PathSource.open(source)
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
