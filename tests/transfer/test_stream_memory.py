"""Streams of unknown length keep at most parts_in_flight part buffers alive."""

from __future__ import annotations

import hashlib
import itertools
from typing import TYPE_CHECKING

import anyio
import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from b2async._client import B2Client
from b2async._transfer._stream import _Chunker, part_buffers
from tests.transfer.conftest import PART, payload

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from b2async.testing import B2Emulator

pytestmark = pytest.mark.anyio


async def generated(total: int, chunk: int, digest: hashlib._Hash) -> AsyncIterator[bytes]:
    """Produce ``total`` bytes lazily (the test never holds the whole stream)."""
    sent = 0
    seed = 0
    while sent < total:
        block = payload(min(chunk, total - sent), seed)
        digest.update(block)
        seed += 1
        sent += len(block)
        yield block


@pytest.mark.parametrize("parts_in_flight", [1, 4])
async def test_part_buffers_are_bounded(bucket, emulator, parts_in_flight: int) -> None:
    total = 2_000_000 + 123  # 101 parts of 20 000 bytes
    digest = hashlib.sha1()
    part_buffers.reset()
    result = await bucket.upload_stream_result(
        generated(total, 7_777, digest), "stream.bin", parts_in_flight=parts_in_flight
    )
    assert result.size == total
    assert result.sha1 == digest.hexdigest()
    assert emulator.calls["b2_upload_part"] == -(-total // PART)
    assert part_buffers.current == 0  # every buffer let go
    # the buffer being filled counts: never more buffers than parts_in_flight
    assert 1 <= part_buffers.peak <= parts_in_flight
    stored = await bucket.download_bytes("stream.bin")
    assert hashlib.sha1(stored).hexdigest() == digest.hexdigest()


class SlowParts(httpx.AsyncBaseTransport):
    """The emulator behind a slow network for part uploads; counts parts in flight."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.now = self.peak = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if "b2_upload_part" not in request.url.path:
            return await self.inner.handle_async_request(request)
        self.now += 1
        self.peak = max(self.peak, self.now)
        try:
            await anyio.sleep(0.01)
            return await self.inner.handle_async_request(request)
        finally:
            self.now -= 1


@pytest.mark.parametrize("parts_in_flight", [1, 2, 4])
async def test_slow_network_fills_every_slot_and_no_more(
    emulator: B2Emulator, parts_in_flight: int
) -> None:
    """When sending is the bottleneck, exactly parts_in_flight buffers exist, all uploading."""
    total = 12 * PART + 5
    digest = hashlib.sha1()
    transport = SlowParts(emulator.transport())
    part_buffers.reset()
    async with (
        httpx.AsyncClient(transport=transport) as http,
        B2Client(emulator.key_id, emulator.key, realm=emulator.realm, http_client=http) as b2,
    ):
        bucket = await b2.create_bucket("slow-network")
        result = await bucket.upload_stream_result(
            generated(total, 7_777, digest), "slow.bin", parts_in_flight=parts_in_flight
        )
        stored = await bucket.download_bytes("slow.bin")
    assert result.size == total == len(stored)
    assert hashlib.sha1(stored).hexdigest() == result.sha1 == digest.hexdigest()
    assert part_buffers.peak == parts_in_flight
    assert transport.peak == parts_in_flight
    assert part_buffers.current == 0


@settings(max_examples=150, deadline=None)
@given(
    data=st.binary(max_size=3_000),
    cuts=st.lists(st.integers(0, 3_000), max_size=15),
    sizes=st.lists(st.integers(1, 700), min_size=1, max_size=10),
)
def test_chunker_cuts_exact_parts(data: bytes, cuts: list[int], sizes: list[int]) -> None:
    """Whatever the chunking of the stream, parts come out exact and in order."""
    points = sorted({min(c, len(data)) for c in cuts} | {0, len(data)})
    chunks = [data[a:b] for a, b in itertools.pairwise(points)]

    async def main() -> list[bytes]:
        async def stream() -> AsyncIterator[bytes]:
            for chunk in chunks:
                yield chunk

        chunker = _Chunker(stream())
        parts: list[bytes] = []
        for i in itertools.count():
            size = sizes[i % len(sizes)]
            await chunker.fill(size)
            if chunker.exhausted:
                return parts
            part = b"".join(chunker.take(size))
            assert len(part) == size or chunker.exhausted
            parts.append(part)
        raise AssertionError  # pragma: no cover

    parts = anyio.run(main)
    assert b"".join(parts) == data
