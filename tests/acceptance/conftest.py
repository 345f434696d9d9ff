"""Fixtures for the acceptance audit of issues 2 and 4: the public API over the emulator."""

from __future__ import annotations

import hashlib
import random
from typing import TYPE_CHECKING

import pytest

from b2async import B2Client, Bucket
from b2async._retry import sleeps_disabled
from b2async.testing import B2Emulator

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

#: Tiny part sizes keep multi-part tests fast.
MIN_PART = 5_000
PART = 20_000


def sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def payload(size: int, seed: int = 0) -> bytes:
    """Deterministic random test data."""
    return random.Random(seed).randbytes(size)


def total_calls(emulator: B2Emulator) -> int:
    return sum(emulator.calls.values())


async def check_stored(bucket: Bucket, files: dict[str, bytes]) -> None:
    """List the bucket and download every file: names, sizes, SHA-1s and bytes all match."""
    listed = {fv.file_name: fv async for fv in bucket.list_file_names()}
    assert set(files) <= set(listed)
    for name, data in files.items():
        fv = listed[name]
        assert fv.content_length == len(data)
        got = await bucket.download_bytes(name)
        assert sha1(got) == sha1(data)
        assert got == data


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
async def bucket(client: B2Client) -> Bucket:
    return await client.create_bucket("acceptance")
