"""Fault-injected runs lose nothing: every file listed and byte-identical."""

from __future__ import annotations

import pytest

from b2async._client import B2Client
from b2async._config import RetryPolicy
from b2async._errors import UploadFailed
from b2async._retry import record_sleeps
from b2async.testing import Fault
from tests.transfer.conftest import CountingFile, payload, sha1

pytestmark = pytest.mark.anyio


async def _check_all(bucket, expected: dict[str, bytes]) -> None:
    listed = {fv.file_name: fv async for fv in bucket.list_file_names()}
    assert set(listed) == set(expected)
    for name, data in expected.items():
        assert listed[name].content_sha1 == sha1(data)
        assert listed[name].content_length == len(data)


async def test_upload_many_500_small_files_under_faults(emulator) -> None:
    # ~15% of upload requests fail; 8 attempts make a file that fails every time (and so
    # a flaky test) vanishingly unlikely, while thousands of retries still happen.
    async with (
        emulator.http_client() as http,
        B2Client(
            emulator.key_id,
            emulator.key,
            realm=emulator.realm,
            http_client=http,
            retry=RetryPolicy(max_attempts=8),
        ) as b2,
    ):
        bucket = await b2.create_bucket("fault-bucket")
        await _upload_500(bucket, emulator)


async def _upload_500(bucket, emulator) -> None:
    faults = emulator.faults
    faults.add(
        "b2_upload_file", Fault(kind="status", status=503, retry_after=1.0), probability=0.05
    )
    faults.add(
        "b2_upload_file", Fault(kind="status", status=429, retry_after=2.0), probability=0.03
    )
    faults.add("b2_upload_file", Fault(kind="status", status=500), probability=0.03)
    faults.add("b2_upload_file", Fault(kind="drop"), probability=0.03)
    faults.add("b2_upload_file", Fault(kind="expire_token"), probability=0.03)
    faults.add("b2_get_upload_url", Fault(kind="status", status=503), probability=0.05)
    faults.add("b2_get_upload_url", Fault(kind="expire_token"), times=2, after=3)
    files = {f"many/{i:04d}.txt": payload(50 + i % 200, i) for i in range(500)}
    with record_sleeps() as delays:
        items = ((data, name) for name, data in files.items())  # a lazy generator
        outcomes = await bucket.upload_many(items, concurrency=16)
    assert len(outcomes) == 500
    assert [o.item.file_name for o in outcomes] == list(files)
    assert all(o.ok for o in outcomes), [o.error for o in outcomes if not o.ok][:3]
    assert sum(1 for e, _ in faults.injected) > 20  # the faults really happened
    assert 2.0 in delays
    assert 1.0 in delays
    await _check_all(bucket, files)
    for name in list(files)[:20]:
        assert await bucket.download_bytes(name) == files[name]


async def test_multipart_upload_under_faults(bucket, emulator) -> None:
    faults = emulator.faults
    faults.add("b2_upload_part", Fault(kind="status", status=503), times=3)
    faults.add("b2_upload_part", Fault(kind="drop"), times=2, after=4)
    faults.add("b2_upload_part", Fault(kind="status", status=429, retry_after=0.5), times=2)
    faults.add("b2_upload_part", Fault(kind="expire_token"), times=1, after=6)
    faults.add("b2_get_upload_part_url", Fault(kind="status", status=503), times=2)
    faults.add("b2_finish_large_file", Fault(kind="status", status=500), times=1)
    data = payload(205_000, 9)  # 11 parts
    f = CountingFile(data)
    fv = await bucket.upload_file(f, "big.bin", large_file_sha1=False, parts_in_flight=4)
    assert fv.content_length == len(data)
    assert emulator.calls["b2_upload_part"] > 11
    assert await bucket.download_bytes("big.bin") == data
    # Retries re-read the failed parts from their offsets; nothing else is read twice.
    assert f.bytes_read >= len(data)


async def test_stream_upload_under_faults(bucket, emulator) -> None:
    from tests.transfer.conftest import chunks_of

    emulator.faults.add("b2_upload_part", Fault(kind="status", status=503), times=2)
    emulator.faults.add("b2_upload_part", Fault(kind="drop"), times=2, after=3)
    data = payload(130_000, 10)
    result = await bucket.upload_stream_result(chunks_of(data, 6_000), "s.bin")
    assert result.sha1 == sha1(data)
    assert await bucket.download_bytes("s.bin") == data


async def test_upload_gives_up_after_five_urls(bucket, emulator) -> None:
    emulator.faults.add("b2_upload_file", Fault(kind="status", status=500))
    with pytest.raises(UploadFailed) as info:
        await bucket.upload_bytes(b"x" * 10, "doomed")
    assert info.value.attempts == 5
    assert emulator.calls["b2_upload_file"] == 5
    assert emulator.calls["b2_get_upload_url"] == 5  # a new URL for each attempt
    assert [fv async for fv in bucket.list_file_names()] == []


async def test_failed_large_upload_cancels_the_unfinished_file(bucket, emulator) -> None:
    emulator.faults.add("b2_upload_part", Fault(kind="status", status=400, code="bad_request"))
    from b2async._errors import BadRequest

    with pytest.raises(BadRequest):
        await bucket.upload_bytes(payload(60_000), "bad-large")
    assert emulator.calls["b2_cancel_large_file"] == 1
    assert [f async for f in bucket.list_unfinished_large_files()] == []


async def test_everything_expires_after_a_day(bucket, emulator) -> None:
    first = {f"day1/{i}": payload(100, i) for i in range(10)}
    await bucket.upload_many((d, n) for n, d in first.items())
    emulator.advance_clock(25 * 3600)  # account token and pooled upload tokens expire
    second = {f"day2/{i}": payload(100, 100 + i) for i in range(10)}
    outcomes = await bucket.upload_many((d, n) for n, d in second.items())
    assert all(o.ok for o in outcomes)
    await _check_all(bucket, {**first, **second})


async def test_only_the_failing_url_is_replaced(bucket, emulator) -> None:
    emulator.faults.add("b2_upload_file", Fault(kind="status", status=503), times=1, after=10)
    emulator.faults.add("b2_upload_file", Fault(kind="drop"), times=1, after=20)
    files = {f"u/{i}": payload(10, i) for i in range(40)}
    outcomes = await bucket.upload_many(((d, n) for n, d in files.items()), concurrency=4)
    assert all(o.ok for o in outcomes)
    # 4 URLs for 4 concurrent uploads, plus one replacement per failure: no pool flush.
    assert emulator.calls["b2_get_upload_url"] <= 4 + 2
    assert emulator.calls["b2_upload_file"] == 40 + 2
    await _check_all(bucket, files)


async def _finish_answer_lost(bucket, emulator, upload) -> None:  # type: ignore[no-untyped-def]
    # B2 commits the finish, then the connection breaks before its answer arrives; the
    # session sends the finish again and B2 refuses it (the file is no longer unfinished).
    emulator.faults.add("b2_finish_large_file", Fault(kind="drop"), times=1)
    data = payload(65_000, 77)
    version = await upload(data)
    assert emulator.calls["b2_finish_large_file"] == 2  # the lost one and the refused repeat
    assert emulator.calls["b2_get_file_info"] >= 1
    assert version.action == "upload"
    assert version.content_length == len(data)
    assert [f async for f in bucket.list_unfinished_large_files()] == []
    assert emulator.calls["b2_cancel_large_file"] == 0
    versions = [v async for v in bucket.list_file_versions()]
    assert [(v.file_name, v.file_id) for v in versions][-1] == (version.file_name, version.file_id)
    assert await bucket.download_bytes(version.file_name) == data


async def test_large_upload_whose_finish_answer_was_lost_succeeds(bucket, emulator) -> None:
    async def upload(data: bytes):  # type: ignore[no-untyped-def]
        return await bucket.upload_file(CountingFile(data), "lost-finish.bin")

    await _finish_answer_lost(bucket, emulator, upload)


async def test_stream_upload_whose_finish_answer_was_lost_succeeds(bucket, emulator) -> None:
    from tests.transfer.conftest import chunks_of

    async def upload(data: bytes):  # type: ignore[no-untyped-def]
        return await bucket.upload_stream(chunks_of(data, 7_000), "lost-finish-stream.bin")

    await _finish_answer_lost(bucket, emulator, upload)


async def test_large_copy_whose_finish_answer_was_lost_succeeds(bucket, emulator) -> None:
    async def upload(data: bytes):  # type: ignore[no-untyped-def]
        emulator.faults.clear()
        source = await bucket.upload_bytes(data, "copy-source.bin")
        emulator.faults.add("b2_finish_large_file", Fault(kind="drop"), times=1)
        calls = emulator.calls["b2_finish_large_file"]
        emulator.calls["b2_finish_large_file"] = 0
        emulator.faults.add(
            "b2_copy_file",
            Fault(kind="status", status=400, code="source_too_large", message="too big"),
            times=1,
        )
        copied = await bucket.copy_file(source.file_id, "copy-target.bin")
        assert calls == 1  # the source's own finish went through at once
        return copied

    await _finish_answer_lost(bucket, emulator, upload)


async def test_a_refused_finish_of_an_unfinished_file_is_still_raised(bucket, emulator) -> None:
    from b2async._errors import BadRequest

    emulator.faults.add(
        "b2_finish_large_file", Fault(kind="status", status=400, code="bad_request"), times=1
    )
    with pytest.raises(BadRequest):
        await bucket.upload_file(CountingFile(payload(65_000, 78)), "refused.bin")
    assert emulator.calls["b2_get_file_info"] == 1  # looked, found it unfinished
    assert emulator.calls["b2_cancel_large_file"] == 1
    assert [f async for f in bucket.list_unfinished_large_files()] == []
