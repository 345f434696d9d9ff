"""The same engine over a real loopback HTTP server (the emulator served by uvicorn)."""

from __future__ import annotations

import httpx
import pytest

from b2async._client import B2Client
from b2async.testing import B2Emulator, Fault
from tests.transfer.conftest import MIN_PART, PART, CountingFile, chunks_of, payload, sha1

pytestmark = pytest.mark.anyio


async def test_uploads_and_downloads_over_http(tmp_path) -> None:
    emulator = B2Emulator(min_part_size=MIN_PART, recommended_part_size=PART)
    emulator.faults.add("b2_upload_part", Fault(kind="drop"), times=1, after=2)
    emulator.faults.add("b2_upload_file", Fault(kind="status", status=503), times=1)
    async with (
        emulator.serve() as realm,
        httpx.AsyncClient() as http,
        B2Client(emulator.key_id, emulator.key, realm=realm, http_client=http) as b2,
    ):
        b2._transfers.min_segment = 10_000
        bucket = await b2.create_bucket("loopback-bucket")
        small, large, streamed = payload(3_000, 61), payload(90_000, 62), payload(70_000, 63)
        await bucket.upload_bytes(small, "small.bin")
        f = CountingFile(large)
        fv = await bucket.upload_file(f, "large.bin", large_file_sha1=True)
        assert fv.large_file_sha1 == sha1(large)
        result = await bucket.upload_stream_result(chunks_of(streamed, 9_000), "stream.bin")
        assert result.sha1 == sha1(streamed)
        assert await bucket.download_bytes("small.bin") == small
        assert await bucket.download_bytes("stream.bin") == streamed
        target = tmp_path / "large.bin"
        await bucket.download_to_file("large.bin", target)
        assert target.read_bytes() == large
