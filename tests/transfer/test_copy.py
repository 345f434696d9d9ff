"""Server-side copies, small and (via copy_part) large."""

from __future__ import annotations

import pytest

from b2async._errors import B2ValidationError
from b2async.testing import Fault
from tests.transfer.conftest import payload, sha1

pytestmark = pytest.mark.anyio


async def test_copy_whole_file_keeps_metadata(bucket, emulator) -> None:
    data = payload(3_000, 41)
    src = await bucket.upload_bytes(
        data, "src.txt", content_type="text/plain", file_info={"k": "v"}
    )
    fv = await bucket.copy_file(src.file_id, "dst.txt")
    assert fv.action == "copy"
    assert fv.content_type == "text/plain"
    assert fv.file_info == {"k": "v"}
    assert await bucket.download_bytes("dst.txt") == data
    assert emulator.calls["b2_copy_file"] == 1


async def test_copy_range_and_replace(bucket, client) -> None:
    data = payload(3_000, 42)
    src = await bucket.upload_bytes(data, "src.txt", file_info={"k": "v"})
    other = await client.create_bucket("copy-target")
    fv = await bucket.copy_file(
        src.file_id,
        "part.bin",
        destination_bucket_id=other.id,
        range=(10, 109),
        metadata_directive="REPLACE",
        content_type="application/x-test",
        file_info={"n": "1"},
    )
    assert fv.content_length == 100
    assert fv.file_info == {"n": "1"}
    assert await other.download_bytes("part.bin") == data[10:110]


async def test_copy_validates_before_any_request(bucket, emulator) -> None:
    calls = sum(emulator.calls.values())
    with pytest.raises(B2ValidationError):
        await bucket.copy_file("id", "x", metadata_directive="REPLACE")
    with pytest.raises(B2ValidationError):
        await bucket.copy_file("id", "x", content_type="text/plain")
    with pytest.raises(B2ValidationError):
        await bucket.copy_file("id", "x", range=(5, 1))
    with pytest.raises(B2ValidationError):
        await bucket.copy_file("id", "")
    assert sum(emulator.calls.values()) == calls


@pytest.mark.parametrize("range_", [None, (1_000, 61_000)])
async def test_source_too_big_falls_back_to_copy_part(bucket, emulator, range_) -> None:
    data = payload(65_000, 43)
    src = await bucket.upload_bytes(data, "big.bin")  # large file with large_file_sha1
    emulator.faults.add(
        "b2_copy_file",
        Fault(
            kind="status", status=400, code="source_too_large", message="Copy source too big: 65000"
        ),
        times=1,
    )
    fv = await bucket.copy_file(src.file_id, "copy.bin", range=range_)
    expected = data if range_ is None else data[range_[0] : range_[1] + 1]
    assert fv.content_length == len(expected)
    assert emulator.calls["b2_copy_part"] == -(-len(expected) // 20_000)
    assert await bucket.download_bytes("copy.bin") == expected  # verified
    if range_ is None:
        assert fv.large_file_sha1 == sha1(data)
    else:
        assert fv.large_file_sha1 is None  # a part of the source: its digest doesn't apply
