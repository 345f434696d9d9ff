"""The download writer's fast paths: chunk lists written without joining, hashed in order.

``download_to_file`` gathers the chunks a segment receives and writes them with one
``pwritev`` per block; blocks at the hash frontier are hashed in the writing thread, blocks
ahead of it are read back later through one reused buffer. These tests pin the bytes and
the SHA-1 each path produces, including the awkward shapes (more chunks than one ``pwritev``
takes, empty chunks, read-backs longer than the buffer).
"""

from __future__ import annotations

import hashlib
import os

import pytest

from b2async._transfer import _download_file
from b2async._transfer._download import expected_sha1
from b2async._transfer._download_file import (
    _FrontierWriter,
    _read_back_hash,
    _write_chunks,
)
from b2async._transfer._plan import plan_segments
from tests.transfer.conftest import payload, sha1

pytestmark = pytest.mark.anyio


def _split(data: bytes, sizes: list[int]) -> list[bytes]:
    """``data`` cut into chunks of the given sizes, cycling (empty chunks included)."""
    chunks: list[bytes] = []
    start, i = 0, 0
    while start < len(data):
        size = sizes[i % len(sizes)]
        chunks.append(data[start : start + size])
        start += size
        i += 1
    return chunks


def test_write_chunks_writes_many_small_and_empty_chunks_in_place(tmp_path) -> None:
    data = payload(50_000, 60)
    chunks = _split(data, [7, 0, 13, 1])  # ~9,000 chunks: several pwritev batches
    assert len(chunks) > 2 * 1024
    fd = os.open(tmp_path / "f", os.O_RDWR | os.O_CREAT)
    try:
        os.pwrite(fd, b"\xff" * 100, 0)
        _write_chunks(fd, chunks, 100)
        assert os.pread(fd, len(data) + 200, 0) == b"\xff" * 100 + data
    finally:
        os.close(fd)


def test_read_back_hash_spans_many_buffers(tmp_path) -> None:
    data = payload(30_001, 61)
    path = tmp_path / "f"
    path.write_bytes(data)
    fd = os.open(path, os.O_RDONLY)
    try:
        hasher = hashlib.sha1()
        _read_back_hash(fd, 5, len(data) - 3, hasher, bytearray(4_096))
        assert hasher.hexdigest() == sha1(data[5:-3])
        with pytest.raises(OSError, match="shorter"):
            _read_back_hash(fd, 0, len(data) + 1, hashlib.sha1(), bytearray(4_096))
    finally:
        os.close(fd)


async def test_frontier_writer_hashes_chunk_lists_in_order(tmp_path, monkeypatch) -> None:
    # A small read-back buffer makes the read-back take several reads.
    monkeypatch.setattr(_download_file, "_READ_BACK_BLOCK", 1_000)
    data = payload(80_000, 62)
    plan = plan_segments(len(data), 4, min_segment=1)
    s0, s1, s2, s3 = plan
    fd = os.open(tmp_path / "f", os.O_RDWR | os.O_CREAT)
    try:
        writer = _FrontierWriter(fd, plan, hashing=True)

        async def put(index: int, start: int, end: int) -> None:
            chunks = _split(data[start:end], [997, 0, 4_096])
            await writer.write_chunks(index, start, chunks, end - start)

        await put(3, s3.offset, s3.offset + 7_000)  # ahead
        await put(1, s1.offset, s1.end)  # ahead, whole segment
        await put(0, s0.offset, s0.offset + 3_000)  # at the frontier: hashed from memory
        assert writer.read_back == 0
        assert writer.frontier == s0.offset + 3_000
        await put(0, s0.offset + 3_000, s0.end)  # frontier crosses into segment 1
        assert writer.read_back == s1.length
        assert writer.frontier == s1.end
        await put(2, s2.offset, s2.end)  # at the frontier, then segment 3's head read back
        assert writer.read_back == s1.length + 7_000
        await put(3, s3.offset + 7_000, s3.end)
        assert writer.read_back == s1.length + 7_000
        assert writer.frontier == len(data)
        assert writer.digest() == sha1(data)
        assert [writer.written(i) for i in range(4)] == [seg.end for seg in plan]
        assert os.pread(fd, len(data) + 1, 0) == data
    finally:
        os.close(fd)


async def test_frontier_writer_without_hashing_only_writes(tmp_path) -> None:
    data = payload(20_000, 63)
    plan = plan_segments(len(data), 2, min_segment=1)
    fd = os.open(tmp_path / "f", os.O_RDWR | os.O_CREAT)
    try:
        writer = _FrontierWriter(fd, plan, hashing=False)
        for index in (1, 0):
            seg = plan[index]
            chunks = _split(data[seg.offset : seg.end], [333])
            await writer.write_chunks(index, seg.offset, chunks, seg.length)
        assert writer.digest() is None
        assert writer.read_back == 0
        assert os.pread(fd, len(data), 0) == data
    finally:
        os.close(fd)


@pytest.mark.parametrize("segments", [1, 4])
async def test_download_to_file_across_many_write_blocks(
    bucket, client, tmp_path, monkeypatch, segments: int
) -> None:
    # Small write blocks: each segment writes many blocks, some at the frontier, some ahead.
    monkeypatch.setattr(_download_file, "WRITE_BLOCK", 3_000)
    client._transfers.min_segment = 10_000
    data = payload(120_007, 64)
    await bucket.upload_bytes(data, "many.bin")
    target = tmp_path / "out.bin"
    version = await bucket.download_to_file("many.bin", target, segments=segments)
    # a large file here: verified against the large_file_sha1 its uploader recorded
    assert expected_sha1(version) == sha1(data)
    assert target.read_bytes() == data
    assert os.listdir(tmp_path) == ["out.bin"]
