"""SSE-B2 / SSE-C, retention and legal hold, validation before any request, progress."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

import pytest

from b2async._errors import AccessDenied, InvalidFileInfo, InvalidFileName, InvalidPartSize
from b2async._models import Retention, SseB2, SseC
from tests.transfer.conftest import chunks_of, payload

if TYPE_CHECKING:
    from b2async._transfer import ProgressEvent

pytestmark = pytest.mark.anyio

KEY = SseC(b"k" * 32, key_id="test-key")


@pytest.mark.parametrize("size", [2_000, 50_000])
async def test_sse_b2(bucket, size: int) -> None:
    data = payload(size, 51)
    fv = await bucket.upload_bytes(data, "enc.bin", sse=SseB2())
    assert fv.server_side_encryption is not None
    assert fv.server_side_encryption.mode == "SSE-B2"
    assert await bucket.download_bytes("enc.bin") == data


@pytest.mark.parametrize("size", [2_000, 50_000])
async def test_sse_c_upload_download_copy(bucket, tmp_path, size: int) -> None:
    data = payload(size, 52)
    fv = await bucket.upload_bytes(data, "c.bin", sse=KEY)
    assert fv.server_side_encryption is not None
    assert fv.server_side_encryption.mode == "SSE-C"
    with pytest.raises(AccessDenied):
        await bucket.download_bytes("c.bin")
    assert await bucket.download_bytes("c.bin", sse=KEY) == data
    assert await bucket.download_bytes_by_id(fv.file_id, sse=KEY) == data
    target = tmp_path / "c.bin"
    await bucket.download_to_file("c.bin", target, sse=KEY)
    assert target.read_bytes() == data
    other = SseC(b"o" * 32)
    copy = await bucket.copy_file(fv.file_id, "c2.bin", source_sse=KEY, sse=other)
    assert copy.server_side_encryption.mode == "SSE-C"
    assert await bucket.download_bytes("c2.bin", sse=other) == data


@pytest.mark.parametrize("size", [2_000, 50_000])
async def test_retention_and_legal_hold(client, size: int) -> None:
    bucket = await client.create_bucket("locked-bucket", file_lock_enabled=True)
    until = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=1)
    fv = await bucket.upload_bytes(
        payload(size, 53),
        "held.bin",
        retention=Retention(mode="governance", retain_until=until),
        legal_hold="on",
    )
    assert fv.legal_hold_value == "on"
    assert fv.retention is not None
    assert fv.retention.mode == "governance"


async def test_validation_happens_before_any_request(bucket, emulator) -> None:
    before = sum(emulator.calls.values())
    with pytest.raises(InvalidFileName):
        await bucket.upload_bytes(b"x", "")
    with pytest.raises(InvalidFileInfo):
        await bucket.upload_bytes(b"x", "ok", file_info={f"k{i}": "v" for i in range(11)})
    with pytest.raises(InvalidFileName):
        await bucket.upload_file(chunks_of(b"abc", 1), "bad\x00name")
    assert sum(emulator.calls.values()) == before
    with pytest.raises(InvalidPartSize):
        await bucket.upload_file(payload(50_000), "p", part_size=10)  # below the minimum


async def test_progress_events_for_uploads_and_downloads(bucket, tmp_path) -> None:
    events: list[ProgressEvent] = []
    data = payload(70_000, 54)
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    await bucket.upload_file(path, "p.bin", progress=events.append, large_file_sha1=False)
    kinds = [e.kind for e in events]
    assert kinds[0] == "started"
    assert kinds[-1] == "finished"
    assert events[0].total == 70_000
    assert sum(e.delta for e in events if e.kind == "bytes") == 70_000
    assert events[-1].transferred == 70_000

    events.clear()
    await bucket.download_to_file("p.bin", tmp_path / "out.bin", progress=events.append)
    assert events[-1].kind == "finished"
    assert sum(e.delta for e in events if e.kind == "bytes") == 70_000

    events.clear()
    async with bucket.download("p.bin", progress=events.append) as dl:
        assert await dl.read() == data
    assert events[-1].kind == "finished"
    assert events[-1].transferred == 70_000


async def test_failed_upload_reports_failure(bucket, emulator) -> None:
    from b2async._errors import UploadFailed
    from b2async.testing import Fault

    emulator.faults.add("b2_upload_file", Fault(kind="status", status=503))
    events: list[ProgressEvent] = []
    with pytest.raises(UploadFailed):
        await bucket.upload_bytes(b"data", "x", progress=events.append)
    assert [e.kind for e in events] == ["started", "failed"]
    assert isinstance(events[-1].error, UploadFailed)


async def test_sse_b2_copy(bucket) -> None:
    data = payload(1_000, 55)
    src = await bucket.upload_bytes(data, "plain.bin")
    fv = await bucket.copy_file(src.file_id, "enc-copy.bin", sse=SseB2())
    assert fv.server_side_encryption is not None
    assert fv.server_side_encryption.mode == "SSE-B2"
    assert await bucket.download_bytes("enc-copy.bin") == data
