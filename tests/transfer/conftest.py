"""Fixtures for the transfer-engine tests: an emulator with tiny part sizes."""

from __future__ import annotations

import hashlib
import io
import random
from typing import TYPE_CHECKING, Any

import pytest

from b2async._client import B2Client
from b2async._retry import sleeps_disabled
from b2async.testing import B2Emulator

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

#: Tiny part sizes keep large-file tests fast.
MIN_PART = 5_000
PART = 20_000


def sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def payload(size: int, seed: int = 0) -> bytes:
    """Deterministic random test data."""
    return random.Random(seed).randbytes(size)


@pytest.fixture(autouse=True)
def _no_sleeps() -> Iterator[None]:
    with sleeps_disabled():
        yield


@pytest.fixture
def emulator() -> B2Emulator:
    return B2Emulator(min_part_size=MIN_PART, recommended_part_size=PART)


@pytest.fixture
async def client(emulator: B2Emulator) -> AsyncIterator[B2Client]:
    async with (
        emulator.http_client() as http,
        B2Client(emulator.key_id, emulator.key, realm=emulator.realm, http_client=http) as b2,
    ):
        yield b2


@pytest.fixture
async def bucket(client: B2Client):  # type: ignore[no-untyped-def]
    return await client.create_bucket("transfer-tests")


class CountingFile(io.RawIOBase):
    """A binary file that records every read (offset, length) and can pretend not to seek."""

    def __init__(self, data: bytes, *, seekable: bool = True) -> None:
        self._inner = io.BytesIO(data)
        self._seekable = seekable
        self.reads: list[tuple[int, int]] = []

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._seekable

    def seek(self, offset: int, whence: int = 0) -> int:
        if not self._seekable:
            raise io.UnsupportedOperation("seek")
        return self._inner.seek(offset, whence)

    def tell(self) -> int:
        return self._inner.tell()

    def read(self, size: int = -1) -> bytes:
        position = self._inner.tell()
        block = self._inner.read(size)
        if block:
            self.reads.append((position, len(block)))
        return block

    @property
    def bytes_read(self) -> int:
        return sum(length for _, length in self.reads)

    def coverage(self) -> list[int]:
        """How many times each byte offset was read."""
        counts = [0] * len(self._inner.getbuffer())
        for offset, length in self.reads:
            for i in range(offset, offset + length):
                counts[i] += 1
        return counts


async def chunks_of(data: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def stored(bucket: Any, name: str) -> bytes:
    """Download a file and check its listing agrees."""
    names = [fv.file_name async for fv in bucket.list_file_names(prefix=name)]
    assert name in names
    return bytes(await bucket.download_bytes(name))
