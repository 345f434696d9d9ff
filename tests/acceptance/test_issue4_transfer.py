"""Issue 4 acceptance: bulk uploads, sources, large files, resume, downloads, cancellation."""

from __future__ import annotations

import io
import os
from typing import TYPE_CHECKING

import anyio
import httpx
import pytest

from b2async import (
    B2APIError,
    B2Client,
    Bucket,
    InvalidFileName,
    InvalidRange,
    ProgressEvent,
    UploadItem,
)
from b2async.testing import B2Emulator, Fault
from tests.acceptance.conftest import PART, check_stored, payload, sha1

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

pytestmark = pytest.mark.anyio


class InFlight(httpx.AsyncBaseTransport):
    """Counts every request in flight (JSON calls, uploads and downloads alike)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.in_flight = 0
        self.peak = 0
        self.by_path: dict[str, int] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        path = next(
            (p for p in request.url.path.split("/") if p.startswith("b2_")), request.url.path
        )
        self.by_path[path] = self.by_path.get(path, 0) + 1
        try:
            await anyio.sleep(0.001)  # let the others start meanwhile
            return await self.inner.handle_async_request(request)
        finally:
            self.in_flight -= 1


async def _chunks(data: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


class OneWayFile(io.RawIOBase):
    """A readable binary file that cannot seek (a pipe)."""

    def __init__(self, data: bytes) -> None:
        self._inner = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        block = self._inner.read(len(buffer))
        buffer[: len(block)] = block
        return len(block)


async def test_one_limiter_bounds_every_request_of_a_batch(emulator: B2Emulator) -> None:
    """Files and parts together, and the JSON calls they make, never exceed ``concurrency``."""
    transport = InFlight(emulator.transport())
    files = {f"mix/{i:02d}": payload(70_000 if i % 4 == 0 else 800, i) for i in range(24)}
    async with (
        httpx.AsyncClient(transport=transport) as http,
        B2Client(emulator.key_id, emulator.key, realm=emulator.realm, http_client=http) as b2,
    ):
        bucket = await b2.create_bucket("limited")
        await b2.authorize()
        transport.peak = 0
        outcomes = await bucket.upload_many(
            ((d, n) for n, d in files.items()), concurrency=3, parts_in_flight=4
        )
        assert [o.item.file_name for o in outcomes] == list(files)
        assert all(o.ok for o in outcomes)
        assert transport.by_path.get("b2_upload_part", 0) >= 6 * 4  # large files were split
        assert 1 < transport.peak <= 3, transport.peak
        await check_stored(bucket, files)


async def test_every_source_kind_in_one_batch(bucket: Bucket, tmp_path: Path) -> None:
    small, big = payload(3_000, 1), payload(90_000, 2)
    (tmp_path / "small.bin").write_bytes(small)
    (tmp_path / "big.bin").write_bytes(big)
    items = [
        (small, "src/bytes"),
        (bytearray(big), "src/bytearray-large"),
        (memoryview(small), "src/memoryview"),
        (tmp_path / "small.bin", "src/path"),
        (str(tmp_path / "big.bin"), "src/path-large"),
        (io.BytesIO(big), "src/seekable-large"),
        (OneWayFile(small), "src/pipe"),
        (OneWayFile(big), "src/pipe-large"),
        (_chunks(small, 700), "src/aiter"),
        (_chunks(big, 7_000), "src/aiter-large"),
        UploadItem(small, "src/item", content_type="text/x-test", file_info={"color": "red"}),
        UploadItem(_chunks(big, 9_000), "src/item-large", "text/x-big", {"k": "v"}),
    ]

    async def agen():  # type: ignore[no-untyped-def]
        for item in items:
            yield item

    outcomes = await bucket.upload_many(agen(), concurrency=4)
    assert all(o.ok for o in outcomes), [o.error for o in outcomes if not o.ok]
    expected = {
        (o.item.file_name if isinstance(o.item, UploadItem) else o.item[1]): (
            big if "large" in o.item.file_name else small
        )
        for o in outcomes
    }
    await check_stored(bucket, expected)
    listed = {fv.file_name: fv async for fv in bucket.list_file_names(prefix="src/")}
    assert listed["src/item"].content_type == "text/x-test"
    assert listed["src/item"].file_info["color"] == "red"
    assert listed["src/item-large"].content_type == "text/x-big"
    assert listed["src/item-large"].file_info["k"] == "v"
    for name, fv in listed.items():
        if "large" in name:  # multi-part: B2 has no whole-file contentSha1
            assert fv.content_sha1 in (None, "none")
        else:
            assert fv.verified_sha1 == sha1(small)
    # large_file_sha1 is stored for seekable large sources by default
    for name in ("src/bytearray-large", "src/path-large", "src/seekable-large"):
        assert listed[name].large_file_sha1 == sha1(big), name


async def test_stream_returns_its_whole_file_sha1(bucket: Bucket) -> None:
    data = payload(110_000, 3)
    result = await bucket.upload_stream_result(_chunks(data, 4_096), "s/large.bin")
    assert result.sha1 == sha1(data)
    assert result.size == len(data)
    small = payload(500, 4)
    result = await bucket.upload_stream_result(_chunks(small, 100), "s/small.bin")
    assert result.sha1 == sha1(small) == result.file_version.verified_sha1
    fv = await bucket.upload_stream(_chunks(small, 100), "s/plain.bin")
    assert fv.verified_sha1 == sha1(small)
    await check_stored(bucket, {"s/large.bin": data, "s/small.bin": small})


async def test_large_files_under_every_fault_kind_lose_nothing(
    bucket: Bucket, emulator: B2Emulator
) -> None:
    faults = emulator.faults
    faults.add("b2_upload_part", Fault(kind="status", status=503, retry_after=0.5), times=3)
    faults.add("b2_upload_part", Fault(kind="status", status=429, retry_after=1.0), times=2)
    faults.add("b2_upload_part", Fault(kind="drop"), times=3, after=5)
    faults.add("b2_upload_part", Fault(kind="expire_token"), times=2, after=8)
    faults.add("b2_upload_file", Fault(kind="expire_token"), times=2, after=2)
    faults.add("b2_upload_file", Fault(kind="drop"), times=2, after=4)
    faults.add("b2_get_upload_part_url", Fault(kind="expire_token"), times=1, after=2)
    faults.add("b2_start_large_file", Fault(kind="status", status=503), times=1)
    faults.add("b2_finish_large_file", Fault(kind="status", status=500), times=1)
    faults.add("b2_list_file_names", Fault(kind="expire_token"), times=1)
    files = {f"big/{i}": payload(45_000 + 997 * i, 10 + i) for i in range(6)}
    files |= {f"small/{i}": payload(300 + i, 20 + i) for i in range(20)}
    outcomes = await bucket.upload_many(((d, n) for n, d in files.items()), concurrency=5)
    assert all(o.ok for o in outcomes), [o.error for o in outcomes if not o.ok][:3]
    injected = [endpoint for endpoint, _ in faults.injected]
    assert injected.count("b2_upload_part") >= 8
    await check_stored(bucket, files)
    assert [f async for f in bucket.list_unfinished_large_files()] == []


async def test_fail_fast_and_per_item_results(bucket: Bucket) -> None:
    items = [(b"a", "ok/a"), (b"b", "bad\x00"), (b"c", "ok/c")]
    outcomes = await bucket.upload_many(items)
    assert [o.ok for o in outcomes] == [True, False, True]
    assert outcomes[1].file_version is None
    assert isinstance(outcomes[1].error, InvalidFileName)
    assert outcomes[0].file_version is not None
    assert outcomes[0].error is None
    with pytest.raises(InvalidFileName):
        await bucket.upload_many(items, fail_fast=True, concurrency=1)
    await check_stored(bucket, {"ok/a": b"a", "ok/c": b"c"})


async def test_batch_progress_with_a_plain_callable(bucket: Bucket, tmp_path: Path) -> None:
    events: list[ProgressEvent] = []
    files = {f"p/{i}": payload(1_000 * (i + 1), i) for i in range(5)}
    files["p/large"] = payload(60_000, 99)
    outcomes = await bucket.upload_many(
        ((d, n) for n, d in files.items()), concurrency=2, progress=events.append
    )
    assert all(o.ok for o in outcomes)
    finished = {e.file_name for e in events if e.kind == "finished"}
    assert finished == set(files)
    for name, data in files.items():
        moved = sum(e.delta for e in events if e.kind == "bytes" and e.file_name == name)
        assert moved == len(data), name
    last = [e.batch for e in events if e.batch is not None][-1]
    assert last.files_done == len(files)
    assert last.bytes_done == sum(len(d) for d in files.values())
    # a directory upload reports too, with names under the prefix
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.txt").write_bytes(b"xx")
    (tmp_path / "y.txt").write_bytes(b"yyy")
    events.clear()
    outcomes = await bucket.upload_directory(tmp_path, "dir/", progress=events.append)
    assert all(o.ok for o in outcomes)
    assert {e.file_name for e in events if e.kind == "finished"} == {"dir/sub/x.txt", "dir/y.txt"}
    await check_stored(bucket, {"dir/sub/x.txt": b"xx", "dir/y.txt": b"yyy"})


async def test_resume_matches_name_size_and_info(bucket: Bucket, emulator: B2Emulator) -> None:
    data = payload(5 * PART + 123, 7)  # 6 parts
    # a non-retryable error stops the first attempt after 2 parts; resume keeps the file
    emulator.faults.add("b2_upload_part", Fault(kind="status", status=400), times=1, after=2)
    with pytest.raises(B2APIError):
        await bucket.upload_file(data, "r.bin", file_info={"v": "1"}, resume=True,
                                 parts_in_flight=1)  # fmt: skip
    unfinished = [f async for f in bucket.list_unfinished_large_files()]
    assert len(unfinished) == 1
    started = emulator.calls["b2_start_large_file"]
    # different file info: not a match, a new large file is started
    fv_other = await bucket.upload_file(data, "r-other.bin", file_info={"v": "2"}, resume=True)
    assert emulator.calls["b2_start_large_file"] == started + 1
    parts_before = emulator.calls["b2_upload_part"]
    fv = await bucket.upload_file(data, "r.bin", file_info={"v": "1"}, resume=True)
    assert emulator.calls["b2_start_large_file"] == started + 1  # reused the unfinished file
    assert fv.file_id == unfinished[0].file_id
    assert emulator.calls["b2_upload_part"] - parts_before == 6 - 2  # only the missing parts
    assert [f async for f in bucket.list_unfinished_large_files()] == []
    assert fv_other.file_info["v"] == "2"
    await check_stored(bucket, {"r.bin": data, "r-other.bin": data})


async def test_failed_upload_without_resume_leaves_no_unfinished_file(
    bucket: Bucket, emulator: B2Emulator
) -> None:
    emulator.faults.add("b2_upload_part", Fault(kind="status", status=400), times=1, after=1)
    with pytest.raises(B2APIError):
        await bucket.upload_file(payload(80_000, 8), "f.bin")
    assert emulator.calls["b2_cancel_large_file"] == 1
    assert [f async for f in bucket.list_unfinished_large_files()] == []
    assert [f async for f in bucket.list_file_names()] == []


async def test_download_stream_of_a_large_file_is_verified(bucket: Bucket) -> None:
    data = payload(95_000, 11)
    await bucket.upload_file(data, "dl/large.bin", file_info={"a": "b"})
    async with bucket.download("dl/large.bin") as dl:
        assert dl.file_version.file_name == "dl/large.bin"
        assert dl.file_version.content_length == len(data)
        assert dl.file_version.large_file_sha1 == sha1(data)
        assert dl.file_version.file_info["a"] == "b"
        got = b"".join([chunk async for chunk in dl.aiter_bytes()])
    assert got == data
    async with bucket.download("dl/large.bin", range=(40_000, 40_009)) as dl:
        assert b"".join([c async for c in dl.aiter_bytes()]) == data[40_000:40_010]


async def test_download_to_file_under_faults_is_exact_and_leaves_no_temp_file(
    client: B2Client, bucket: Bucket, emulator: B2Emulator, tmp_path: Path
) -> None:
    data = payload(230_000, 12)
    fv = await bucket.upload_file(data, "d/big.bin")
    emulator.faults.add("b2_download_file_by_name", Fault(kind="drop"), times=3)
    emulator.faults.add("b2_download_file_by_id", Fault(kind="drop"), times=3)
    emulator.faults.add("b2_download_file_by_name", Fault(kind="status", status=503), times=1)
    emulator.faults.add("b2_download_file_by_id", Fault(kind="status", status=503), times=1)
    target = tmp_path / "out" / "big.bin"
    target.parent.mkdir()
    got = await bucket.download_to_file("d/big.bin", target, segments=4)
    assert got.file_id == fv.file_id
    assert sha1(target.read_bytes()) == sha1(data)
    assert os.listdir(target.parent) == ["big.bin"]
    by_id = tmp_path / "out" / "by-id.bin"
    await bucket.download_to_file_by_id(fv.file_id, by_id)
    assert by_id.read_bytes() == data
    assert sorted(os.listdir(target.parent)) == ["big.bin", "by-id.bin"]
    assert len(emulator.faults.injected) >= 4


async def test_cancelling_a_batch_leaves_nothing_behind(
    bucket: Bucket, emulator: B2Emulator
) -> None:
    files = {f"c/{i}": payload(60_000, 30 + i) for i in range(6)}

    seen = 0

    def on_event(event: ProgressEvent) -> None:
        nonlocal seen
        if event.kind == "bytes":
            seen += event.delta
            if seen > 100_000:
                scope.cancel()

    with anyio.CancelScope() as scope:
        await bucket.upload_many(
            ((d, n) for n, d in files.items()), concurrency=4, progress=on_event
        )
    assert scope.cancelled_caught
    assert emulator.calls["b2_start_large_file"] >= 1
    assert [f async for f in bucket.list_unfinished_large_files()] == []
    # the client still works afterwards
    await bucket.upload_bytes(b"after", "after.txt")
    assert await bucket.download_bytes("after.txt") == b"after"


async def test_bad_download_input_makes_no_call_and_no_file(
    bucket: Bucket, emulator: B2Emulator, tmp_path: Path
) -> None:
    await bucket.upload_bytes(b"abc", "ok.txt")
    before = sum(emulator.calls.values())
    with pytest.raises(InvalidFileName):
        await bucket.download_to_file("bad\x00name", tmp_path / "x")
    with pytest.raises(InvalidFileName):
        async with bucket.download("bad\x7fname"):
            pass
    with pytest.raises(InvalidRange):
        async with bucket.download("ok.txt", range=(3, 1)):
            pass
    with pytest.raises(InvalidFileName):
        await bucket.upload_file(_chunks(b"data", 2), "")
    assert sum(emulator.calls.values()) == before
    assert os.listdir(tmp_path) == []


class Listener:
    """The Protocol form of progress."""

    def __init__(self) -> None:
        self.events: list[ProgressEvent] = []

    def on_event(self, event: ProgressEvent) -> None:
        self.events.append(event)


async def test_progress_listener_object_on_downloads(bucket: Bucket, tmp_path: Path) -> None:
    data = payload(70_000, 40)
    await bucket.upload_file(data, "pl.bin")
    for run in ("stream", "file"):
        listener = Listener()
        if run == "stream":
            async with bucket.download("pl.bin", progress=listener) as dl:
                got = b"".join([c async for c in dl.aiter_bytes()])
            assert got == data
        else:
            await bucket.download_to_file("pl.bin", tmp_path / "pl.bin", progress=listener)
            assert (tmp_path / "pl.bin").read_bytes() == data
        kinds = [e.kind for e in listener.events]
        assert kinds[0] == "started", run
        assert kinds[-1] == "finished", run
        moved = sum(e.delta for e in listener.events if e.kind == "bytes")
        assert moved == len(data), run
        assert listener.events[-1].transferred == len(data), run
