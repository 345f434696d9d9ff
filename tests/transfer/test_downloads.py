"""Downloads are verified while they stream; download_to_file is atomic and verified."""

from __future__ import annotations

import hashlib
import os

import httpx
import pytest

from b2async._client import B2Client
from b2async._errors import ChecksumMismatch, NotFound, TruncatedDownload
from b2async._transfer._download_file import _FrontierWriter
from b2async._transfer._plan import plan_segments
from b2async.testing import Fault
from tests.transfer._recording import DownloadFetch, DownloadRecorder
from tests.transfer.conftest import payload, sha1

pytestmark = pytest.mark.anyio


def _corrupt(emulator, file_id: str) -> None:
    version = emulator.state.versions[file_id]
    data = bytearray(version.data())
    data[len(data) // 2] ^= 0x01
    version.chunks = [bytes(data)]


async def test_download_stream_exposes_metadata_and_bytes(bucket) -> None:
    data = payload(10_000, 31)
    await bucket.upload_bytes(data, "d/x.bin", file_info={"color": "blue"})
    async with bucket.download("d/x.bin") as dl:
        assert dl.file_version.file_name == "d/x.bin"
        assert dl.file_version.file_info["color"] == "blue"
        assert dl.file_version.content_sha1 == sha1(data)
        got = b"".join([c async for c in dl.aiter_bytes()])
    assert got == data


@pytest.mark.parametrize("size", [3_000, 65_000])
async def test_corrupted_data_raises_checksum_mismatch(bucket, emulator, size: int) -> None:
    data = payload(size, 32)
    fv = await bucket.upload_bytes(data, "c.bin")  # 65 000 is a large file: large_file_sha1
    _corrupt(emulator, fv.file_id)
    with pytest.raises(ChecksumMismatch):
        await bucket.download_bytes("c.bin")
    with pytest.raises(ChecksumMismatch):
        await bucket.download_bytes_by_id(fv.file_id)
    received = 0

    async def stream_it() -> None:
        nonlocal received
        async with bucket.download("c.bin") as dl:
            async for chunk in dl.aiter_bytes():
                received += len(chunk)

    with pytest.raises(ChecksumMismatch):
        await stream_it()
    assert received == size  # every byte was handed over before the verdict


async def test_ranges_are_length_checked_not_hashed(bucket, emulator) -> None:
    data = payload(10_000, 33)
    fv = await bucket.upload_bytes(data, "r.bin")
    assert await bucket.download_bytes("r.bin", range=(100, 199)) == data[100:200]
    assert await bucket.download_bytes_by_id(fv.file_id, range=(0, 9)) == data[:10]
    # a range covering the whole file is verified like a whole download
    assert await bucket.download_bytes("r.bin", range=(0, 9_999)) == data
    _corrupt(emulator, fv.file_id)
    with pytest.raises(ChecksumMismatch):
        await bucket.download_bytes("r.bin", range=(0, 9_999))


async def test_short_body_raises_truncated_download(bucket) -> None:
    from b2async._transfer._download import Download

    class FakeResponse:
        file_version = None
        content_length = 100
        content_range = (0, 99, 1000)

        async def aiter_bytes(self, chunk_size=None):  # type: ignore[no-untyped-def]
            yield b"x" * 60

    fv = await bucket.upload_bytes(b"abc", "t.bin")
    response = FakeResponse()
    response.file_version = fv  # type: ignore[assignment]
    with pytest.raises(TruncatedDownload) as info:
        await Download(response).read()
    assert (info.value.expected, info.value.received) == (100, 60)


async def test_client_download_bytes_by_id(client, bucket) -> None:
    data = payload(5_000, 34)
    fv = await bucket.upload_bytes(data, "id.bin")
    assert await client.download_bytes_by_id(fv.file_id) == data
    assert await client._transfers.download_bytes_by_id(fv.file_id, range=(1, 2)) == data[1:3]


@pytest.mark.parametrize(("size", "segments"), [(0, 4), (5_000, 4), (150_001, 4), (150_001, 1)])
async def test_download_to_file(bucket, client, tmp_path, size: int, segments: int) -> None:
    client._transfers.min_segment = 10_000
    data = payload(size, 35)
    fv = await bucket.upload_bytes(data, "f.bin")
    target = tmp_path / "out.bin"
    got = await bucket.download_to_file("f.bin", target, segments=segments)
    assert got.file_id == fv.file_id
    assert target.read_bytes() == data
    assert os.listdir(tmp_path) == ["out.bin"]
    target2 = tmp_path / "by-id.bin"
    await bucket.download_to_file_by_id(fv.file_id, str(target2))
    assert target2.read_bytes() == data


async def test_download_to_file_resumes_broken_segments(emulator, tmp_path) -> None:
    recorder = DownloadRecorder(emulator.transport())
    data = payload(200_000, 36)
    async with (
        httpx.AsyncClient(transport=recorder) as http,
        B2Client(emulator.key_id, emulator.key, realm=emulator.realm, http_client=http) as client,
    ):
        client._transfers.min_segment = 10_000
        bucket = await client.create_bucket("resume")
        await bucket.upload_bytes(data, "f.bin")
        emulator.faults.add("b2_download_file_by_id", Fault(kind="drop"), times=3)
        emulator.faults.add("b2_download_file_by_name", Fault(kind="drop"), times=1)
        emulator.faults.add("b2_download_file_by_id", Fault(kind="status", status=503), times=2)
        target = tmp_path / "out.bin"
        await bucket.download_to_file("f.bin", target, segments=4)
    assert target.read_bytes() == data
    assert [e for e, _ in emulator.faults.injected].count("b2_download_file_by_id") == 5

    first, *ranged = recorder.fetches
    assert first.range is None
    assert first.broken
    assert first.delivered > 0
    segments = plan_segments(len(data), 4, min_segment=10_000)
    assert len(segments) == 4
    # every ranged request ends at a segment's end and starts inside that segment
    by_segment: dict[int, list[DownloadFetch]] = {seg.end - 1: [] for seg in segments}
    for fetch in ranged:
        assert fetch.range is not None
        by_segment[fetch.range[1]].append(fetch)
    # segment 0 resumes where the first (whole-file) response broke off
    assert by_segment[segments[0].end - 1][0].range == (first.delivered, segments[0].end - 1)
    broken = [f for f in ranged if f.broken and f.delivered > 0]
    assert len(broken) == 3  # the three dropped by-id responses each delivered some bytes
    for seg in segments[1:]:
        fetches = by_segment[seg.end - 1]
        position = seg.offset
        for fetch in fetches:
            # each retry asks for the first byte not yet received, never the segment again
            assert fetch.range == (position, seg.end - 1)
            if fetch.status == 206:  # a 503's body is an error document, not file bytes
                position += fetch.delivered
        assert position == seg.end


async def test_download_to_file_never_leaves_a_bad_file(bucket, client, emulator, tmp_path):
    client._transfers.min_segment = 10_000
    data = payload(120_000, 37)
    fv = await bucket.upload_bytes(data, "f.bin")
    _corrupt(emulator, fv.file_id)
    target = tmp_path / "out.bin"
    with pytest.raises(ChecksumMismatch):
        await bucket.download_to_file("f.bin", target)
    assert os.listdir(tmp_path) == []
    with pytest.raises(NotFound):
        await bucket.download_to_file("missing.bin", target)
    assert os.listdir(tmp_path) == []
    # an existing file at path is left untouched by a failed download
    target.write_bytes(b"old")
    with pytest.raises(ChecksumMismatch):
        await bucket.download_to_file("f.bin", target)
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["out.bin"]


async def test_hash_frontier_reads_back_only_what_was_written_ahead(tmp_path) -> None:
    data = payload(40_000, 38)
    plan = plan_segments(len(data), 4, min_segment=1)
    fd = os.open(tmp_path / "f", os.O_RDWR | os.O_CREAT)
    try:
        writer = _FrontierWriter(fd, plan, hashing=True)
        s0, s1, s2, s3 = plan
        # segment 2 runs ahead entirely; segment 1 half; then segment 0 streams in order
        await writer.write(2, s2.offset, data[s2.offset : s2.end])
        await writer.write(1, s1.offset, data[s1.offset : s1.offset + 5_000])
        await writer.write(0, s0.offset, data[s0.offset : s0.end])
        assert writer.read_back == 5_000  # segment 1's early half only
        await writer.write(1, s1.offset + 5_000, data[s1.offset + 5_000 : s1.end])
        assert writer.read_back == 5_000 + s2.length  # then segment 2, written ahead
        await writer.write(3, s3.offset, data[s3.offset : s3.end])  # at the frontier
        assert writer.read_back == 5_000 + s2.length
        assert writer.digest() == hashlib.sha1(data).hexdigest()
        assert writer.frontier == len(data)
    finally:
        os.close(fd)


async def test_expired_account_token_on_download_reauthorizes(bucket, emulator, tmp_path):
    data = payload(30_000, 39)
    await bucket.upload_bytes(data, "e.bin")
    before = emulator.calls["b2_authorize_account"]
    emulator.faults.add("b2_download_file_by_name", Fault(kind="expire_token"), times=1)
    assert await bucket.download_bytes("e.bin") == data
    assert emulator.calls["b2_authorize_account"] == before + 1
    emulator.faults.add("b2_download_file_by_name", Fault(kind="status", status=503), times=2)
    emulator.faults.add(
        "b2_download_file_by_name", Fault(kind="status", status=429, retry_after=1.0), times=1
    )
    assert await bucket.download_bytes("e.bin") == data
    emulator.faults.add("b2_download_file_by_name", Fault(kind="status", status=500))
    from b2async._errors import InternalError

    with pytest.raises(InternalError):
        await bucket.download_to_file("e.bin", tmp_path / "x")
    assert os.listdir(tmp_path) == []
