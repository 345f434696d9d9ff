"""resume=True continues a matching unfinished large file, uploading only missing parts."""

from __future__ import annotations

import pytest

from b2async._errors import UploadFailed
from b2async.testing import Fault
from tests.transfer.conftest import CountingFile, payload, sha1

pytestmark = pytest.mark.anyio

SIZE = 100_000  # five parts of 20 000


async def _interrupted(bucket, emulator, data: bytes, **kwargs) -> None:
    # Parts 1..3 succeed, then every upload_part fails for good: the upload gives up.
    emulator.faults.add("b2_upload_part", Fault(kind="status", status=500), after=3)
    with pytest.raises(UploadFailed):
        await bucket.upload_file(data, "resumable.bin", resume=True, parts_in_flight=1, **kwargs)
    emulator.faults.clear()
    unfinished = [f async for f in bucket.list_unfinished_large_files()]
    assert [f.file_name for f in unfinished] == ["resumable.bin"]  # kept for resuming


@pytest.mark.parametrize("large_file_sha1", [True, False])
async def test_resume_uploads_only_missing_parts(bucket, emulator, large_file_sha1) -> None:
    data = payload(SIZE, 11)
    await _interrupted(bucket, emulator, data, large_file_sha1=large_file_sha1)
    before = emulator.calls["b2_upload_part"]
    f = CountingFile(data)
    fv = await bucket.upload_file(f, "resumable.bin", resume=True, large_file_sha1=large_file_sha1)
    assert emulator.calls["b2_upload_part"] - before == 2  # parts 4 and 5 only
    assert emulator.calls["b2_start_large_file"] == 1  # no new large file
    assert fv.content_length == SIZE
    assert await bucket.download_bytes("resumable.bin") == data
    assert [f async for f in bucket.list_unfinished_large_files()] == []


async def test_resume_reuploads_parts_whose_sha1_differs(bucket, emulator) -> None:
    data = payload(SIZE, 12)
    await _interrupted(bucket, emulator, data, large_file_sha1=False)
    changed = bytearray(data)
    changed[5] ^= 0xFF  # part 1 differs now
    before = emulator.calls["b2_upload_part"]
    await bucket.upload_file(bytes(changed), "resumable.bin", resume=True, large_file_sha1=False)
    assert emulator.calls["b2_upload_part"] - before == 3  # parts 1, 4, 5
    assert await bucket.download_bytes("resumable.bin") == bytes(changed)


async def test_no_match_starts_a_new_file(bucket, emulator) -> None:
    data = payload(SIZE, 13)
    await _interrupted(bucket, emulator, data)
    other = payload(SIZE, 14)  # different content: large_file_sha1 differs, no match
    fv = await bucket.upload_file(other, "resumable.bin", resume=True)
    assert emulator.calls["b2_start_large_file"] == 2
    assert fv.large_file_sha1 == sha1(other)
    assert await bucket.download_bytes("resumable.bin") == other
