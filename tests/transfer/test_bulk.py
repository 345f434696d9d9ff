"""upload_many / upload_directory: one limiter, per-item outcomes, lazy consumption."""

from __future__ import annotations

import anyio
import httpx
import pytest

from b2async._client import B2Client
from b2async._errors import InvalidFileName
from b2async._transfer import ProgressEvent, UploadItem
from tests.transfer.conftest import chunks_of, payload, sha1

pytestmark = pytest.mark.anyio


class CountingTransport(httpx.AsyncBaseTransport):
    """Wraps the emulator transport; counts upload requests in flight (and lets them overlap)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.in_flight = 0
        self.peak = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        upload = "/b2_upload_" in request.url.path
        if upload:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        try:
            if upload:
                await anyio.sleep(0.001)  # let other uploads start meanwhile
            return await self.inner.handle_async_request(request)
        finally:
            if upload:
                self.in_flight -= 1


async def test_one_limiter_bounds_files_and_parts_together(emulator) -> None:
    transport = CountingTransport(emulator.transport())
    async with (
        httpx.AsyncClient(transport=transport) as http,
        B2Client(emulator.key_id, emulator.key, realm=emulator.realm, http_client=http) as b2,
    ):
        bucket = await b2.create_bucket("bulk-uploads")
        files = {f"f{i}": payload(1_000 if i % 5 else 70_000, i) for i in range(30)}
        outcomes = await bucket.upload_many(
            ((d, n) for n, d in files.items()), concurrency=4, parts_in_flight=4
        )
        assert all(o.ok for o in outcomes)
        assert 1 < transport.peak <= 4
        listed = {fv.file_name: fv async for fv in bucket.list_file_names()}
        assert set(listed) == set(files)
        for name, data in files.items():
            assert await bucket.download_bytes(name) == data


async def test_a_failure_does_not_abort_the_batch(bucket) -> None:
    items = [(b"one", "ok/1"), (b"bad", "bad//name\x00"), (b"three", "ok/3")]
    outcomes = await bucket.upload_many(items)
    assert [o.ok for o in outcomes] == [True, False, True]
    assert isinstance(outcomes[1].error, InvalidFileName)
    assert outcomes[0].file_version.file_name == "ok/1"
    assert await bucket.download_bytes("ok/3") == b"three"


async def test_fail_fast_raises_the_first_error(bucket) -> None:
    items = [(b"bad", "bad\x00")] + [(b"x", f"n{i}") for i in range(50)]
    with pytest.raises(InvalidFileName):
        await bucket.upload_many(items, concurrency=2, fail_fast=True)


async def test_items_are_consumed_lazily(bucket) -> None:
    finished = 0
    max_ahead = 0

    def on_event(event: ProgressEvent) -> None:
        nonlocal finished
        if event.kind == "finished":
            finished += 1

    def items():  # type: ignore[no-untyped-def]
        nonlocal max_ahead
        for i in range(200):
            max_ahead = max(max_ahead, i - finished)
            yield (b"%d" % i, f"lazy/{i:03d}")

    outcomes = await bucket.upload_many(items(), concurrency=3, progress=on_event)
    assert len(outcomes) == 200
    assert all(o.ok for o in outcomes)
    assert max_ahead <= 2 * 3


async def test_async_items_upload_items_and_batch_progress(bucket) -> None:
    events: list[ProgressEvent] = []

    async def items():  # type: ignore[no-untyped-def]
        yield UploadItem(b"hello", "a.txt", content_type="text/plain", file_info={"x": "1"})
        yield (chunks_of(payload(45_000, 1), 4_000), "stream.bin")
        yield UploadItem(payload(2_000, 2), "b.bin")

    class Listener:
        def on_event(self, event: ProgressEvent) -> None:
            events.append(event)

    outcomes = await bucket.upload_many(items(), progress=Listener())
    assert all(o.ok for o in outcomes)
    assert outcomes[0].file_version.content_type == "text/plain"
    assert outcomes[0].file_version.file_info == {"x": "1"}
    last = events[-1].batch
    assert last is not None
    assert last.files_done == 3
    assert last.files_failed == 0
    assert last.bytes_done == 5 + 45_000 + 2_000
    assert last.rate >= 0
    assert {e.file_name for e in events if e.kind == "finished"} == {"a.txt", "stream.bin", "b.bin"}


async def test_upload_directory(bucket, tmp_path) -> None:
    tree = {
        "top.txt": b"top",
        "a/one.bin": payload(1_000, 1),
        "a/b/two.bin": payload(30_000, 2),
        "c/three.txt": b"3",
    }
    for rel, data in tree.items():
        path = tmp_path.joinpath(*rel.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (tmp_path / "empty").mkdir()
    outcomes = await bucket.upload_directory(tmp_path, "backup/")
    assert all(o.ok for o in outcomes)
    listed = {fv.file_name: fv async for fv in bucket.list_file_names()}
    assert set(listed) == {f"backup/{rel}" for rel in tree}
    for rel, data in tree.items():
        assert await bucket.download_bytes(f"backup/{rel}") == data
        fv = listed[f"backup/{rel}"]
        assert (fv.content_sha1 if fv.content_sha1 != "none" else fv.large_file_sha1) == sha1(data)
