"""Every kind of upload source, small and large; each byte read once."""

from __future__ import annotations

import pytest

from b2async._transfer._sources import READ_BLOCK
from tests.transfer.conftest import CountingFile, chunks_of, payload, sha1, stored

pytestmark = pytest.mark.anyio

SMALL = 3_000
LARGE = 73_123  # four parts of 20 000 (last shorter)


@pytest.mark.parametrize("size", [0, SMALL, LARGE])
async def test_bytes(bucket, size: int) -> None:
    data = payload(size, 1)
    fv = await bucket.upload_bytes(bytearray(data), "bytes.bin")
    assert fv.content_length == size
    assert await stored(bucket, "bytes.bin") == data


@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_path(bucket, tmp_path, size: int) -> None:
    data = payload(size, 2)
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    fv = await bucket.upload_file(path, "path.bin")
    assert fv.content_length == size
    assert await stored(bucket, "path.bin") == data
    fv2 = await bucket.upload_file(str(path), "path-str.bin")
    assert fv2.content_length == size


@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_seekable_file_object_read_once(bucket, size: int) -> None:
    data = payload(size, 3)
    f = CountingFile(data)
    fv = await bucket.upload_file(f, "fo.bin", large_file_sha1=False)
    assert fv.content_length == size
    assert f.coverage() == [1] * size  # every byte read exactly once
    assert await stored(bucket, "fo.bin") == data


async def test_large_file_sha1_costs_one_sequential_pass(bucket) -> None:
    data = payload(LARGE, 4)
    f = CountingFile(data)
    fv = await bucket.upload_file(f, "fo2.bin")
    assert fv.large_file_sha1 == sha1(data)
    assert f.coverage() == [2] * LARGE  # exactly twice...
    first_pass = []
    position = 0
    for offset, length in f.reads:  # ...and the first pass is sequential from the start
        if offset != position:
            break
        first_pass.append(length)
        position += length
    assert sum(first_pass) >= LARGE
    assert f.bytes_read == 2 * LARGE


@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_non_seekable_file_object(bucket, size: int) -> None:
    data = payload(size, 5)
    f = CountingFile(data, seekable=False)
    fv = await bucket.upload_file(f, "pipe.bin")
    assert fv.content_length == size
    assert f.coverage() == [1] * size
    assert await stored(bucket, "pipe.bin") == data


@pytest.mark.parametrize("size", [0, SMALL, 20_000, LARGE])
async def test_async_iterable(bucket, size: int) -> None:
    data = payload(size, 6)
    result = await bucket.upload_stream_result(chunks_of(data, 7_001), "stream.bin")
    assert result.sha1 == sha1(data)
    assert result.size == size
    assert result.file_version.content_length == size
    assert await stored(bucket, "stream.bin") == data
    fv = await bucket.upload_stream(chunks_of(data, 999), "stream2.bin")
    assert fv.content_length == size
    fv = await bucket.upload_file(chunks_of(data, 999), "stream3.bin")
    assert await stored(bucket, "stream3.bin") == data


async def test_bigger_small_file_streams_with_digits_at_end(bucket, emulator, tmp_path) -> None:
    # Above the one-hop read limit a small file is streamed in READ_BLOCK blocks, hashed
    # while sending; use a threshold that keeps it a small file.
    from b2async._transfer import _upload

    size = 9 * 1024 * 1024
    data = payload(size, 7)
    path = tmp_path / "nine.bin"
    path.write_bytes(data)
    assert size > _upload.WHOLE_READ_LIMIT
    assert size > READ_BLOCK
    fv = await bucket.upload_file(path, "nine.bin", large_file_threshold=10 * 1024 * 1024)
    assert fv.content_sha1 == sha1(data)
    assert emulator.calls["b2_upload_file"] == 1
    assert await bucket.download_bytes("nine.bin") == data


async def test_bad_source_type(bucket) -> None:
    with pytest.raises(TypeError):
        await bucket.upload_file(12345, "x")


@pytest.mark.parametrize("large_file_sha1", [True, False])
async def test_upload_result_sha1(bucket, large_file_sha1: bool) -> None:
    data = payload(LARGE, 8)
    small = await bucket.upload_file_result(data[:100], "small.bin")
    assert small.sha1 == sha1(data[:100])
    assert small.size == 100
    large = await bucket.upload_file_result(
        CountingFile(data), "large.bin", large_file_sha1=large_file_sha1
    )
    assert large.size == LARGE
    assert large.sha1 == (sha1(data) if large_file_sha1 else None)
    assert large.file_version.large_file_sha1 == large.sha1
