"""Streaming downloads resume a broken body: same version (by id), from the first missing byte."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import anyio
import httpx
import pytest

from b2async._client import B2Client
from b2async._config import RetryPolicy
from b2async._errors import B2ConnectionError, ChecksumMismatch
from b2async.testing import B2Emulator, Fault
from tests.transfer._recording import DownloadFetch, DownloadRecorder
from tests.transfer.conftest import payload, sha1

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

pytestmark = pytest.mark.anyio

SIZE = 300_000


@pytest.fixture
def emulator() -> B2Emulator:
    """Files of a few hundred KB stay simple files here (``test_large_file_...`` has its own)."""
    return B2Emulator(min_part_size=5_000, recommended_part_size=1_000_000)


@asynccontextmanager
async def _recorded_client(
    emulator: B2Emulator, retry: RetryPolicy | None = None
) -> AsyncIterator[tuple[B2Client, DownloadRecorder]]:
    recorder = DownloadRecorder(emulator.transport())
    options = {"retry": retry} if retry is not None else {}
    async with (
        httpx.AsyncClient(transport=recorder) as http,
        B2Client(
            emulator.key_id, emulator.key, realm=emulator.realm, http_client=http, **options
        ) as b2,
    ):
        yield b2, recorder


@pytest.fixture
async def recorded(emulator: B2Emulator) -> AsyncIterator[tuple[B2Client, DownloadRecorder]]:
    async with _recorded_client(emulator) as pair:
        yield pair


def _assert_resumed(fetches: list[DownloadFetch], file_id: str, first: int, last: int) -> None:
    """Every re-open asks the same version, by id, for exactly the bytes not yet received."""
    position = first + fetches[0].delivered
    for fetch in fetches[1:]:
        assert fetch.by_id
        assert fetch.file_id == file_id
        assert fetch.range == (position, last)
        position += fetch.delivered
    assert position == last + 1
    assert all(f.closed for f in fetches)  # no response left open
    assert all(f.broken for f in fetches[:-1])
    assert not fetches[-1].broken


async def test_stream_by_name_resumes_by_id(recorded, emulator) -> None:
    client, recorder = recorded
    bucket = await client.create_bucket("resume")
    data = payload(SIZE, 51)
    fv = await bucket.upload_bytes(data, "s.bin")
    emulator.faults.add("b2_download_file_by_name", Fault(kind="drop"), times=1)
    emulator.faults.add("b2_download_file_by_id", Fault(kind="drop"), times=1)
    chunks: list[bytes] = []
    async with bucket.download("s.bin") as dl:
        assert dl.file_version.content_sha1 == sha1(data)
        async for chunk in dl.aiter_bytes():
            chunks.append(chunk)
    assert b"".join(chunks) == data
    assert len(chunks) > 2
    fetches = recorder.fetches
    assert len(fetches) == 3
    assert not fetches[0].by_id
    assert 0 < fetches[0].delivered < SIZE
    _assert_resumed(fetches, fv.file_id, 0, SIZE - 1)
    assert emulator.calls["b2_download_file_by_name"] == 1
    assert emulator.calls["b2_download_file_by_id"] == 2


async def test_two_drops_by_name_recover(recorded, emulator) -> None:
    client, recorder = recorded
    bucket = await client.create_bucket("resume")
    data = payload(SIZE, 52)
    fv = await bucket.upload_bytes(data, "s.bin")
    emulator.faults.add("b2_download_file_by_name", Fault(kind="drop"), times=2)
    async with bucket.download("s.bin") as dl:
        got = b"".join([c async for c in dl.aiter_bytes()])
    assert got == data
    # only the first request went by name; the second fault is still pending for the next one
    assert len(recorder.fetches) == 2
    _assert_resumed(recorder.fetches, fv.file_id, 0, SIZE - 1)


async def test_ranged_download_resumes_within_the_range(recorded, emulator) -> None:
    client, recorder = recorded
    bucket = await client.create_bucket("resume")
    data = payload(SIZE, 53)
    fv = await bucket.upload_bytes(data, "r.bin")
    emulator.faults.add("b2_download_file_by_name", Fault(kind="drop"), times=1)
    emulator.faults.add("b2_download_file_by_id", Fault(kind="drop"), times=2)
    first, last = 1_234, 250_000
    got = await bucket.download_bytes("r.bin", range=(first, last))
    assert got == data[first : last + 1]
    assert recorder.fetches[0].range == (first, last)
    assert len(recorder.fetches) == 4
    _assert_resumed(recorder.fetches, fv.file_id, first, last)


async def test_download_bytes_and_by_id_recover(recorded, emulator) -> None:
    client, recorder = recorded
    bucket = await client.create_bucket("resume")
    data = payload(SIZE, 54)
    fv = await bucket.upload_bytes(data, "b.bin")
    emulator.faults.add("b2_download_file_by_name", Fault(kind="drop"), times=1)
    emulator.faults.add("b2_download_file_by_id", Fault(kind="drop"), times=1)
    assert await bucket.download_bytes("b.bin") == data
    _assert_resumed(recorder.fetches, fv.file_id, 0, SIZE - 1)

    recorder.fetches.clear()
    emulator.faults.add("b2_download_file_by_id", Fault(kind="drop"), times=2)
    assert await bucket.download_bytes_by_id(fv.file_id) == data
    assert len(recorder.fetches) == 3
    assert recorder.fetches[0].range is None
    _assert_resumed(recorder.fetches, fv.file_id, 0, SIZE - 1)

    recorder.fetches.clear()
    emulator.faults.add("b2_download_file_by_id", Fault(kind="drop"), times=2)
    assert (
        await client._transfers.download_bytes_by_id(fv.file_id, range=(10, 200_009))
        == (data[10:200_010])
    )
    _assert_resumed(recorder.fetches, fv.file_id, 10, 200_009)


async def test_new_version_uploaded_meanwhile_is_not_mixed_in(recorded, emulator) -> None:
    client, recorder = recorded
    bucket = await client.create_bucket("resume")
    old = payload(SIZE, 55)
    new = payload(SIZE, 56)
    fv = await bucket.upload_bytes(old, "v.bin")
    emulator.faults.add("b2_download_file_by_name", Fault(kind="drop"), times=1)
    chunks: list[bytes] = []
    async with bucket.download("v.bin") as dl:
        async for chunk in dl.aiter_bytes():
            if not chunks:  # before the broken stream is noticed: a new version appears
                newer = await bucket.upload_bytes(new, "v.bin")
            chunks.append(chunk)
    assert b"".join(chunks) == old
    assert newer.file_id != fv.file_id
    assert await bucket.download_bytes("v.bin") == new  # the name now means the new version
    assert [f.file_id for f in recorder.fetches[1:2]] == [fv.file_id]


@pytest.mark.parametrize("max_attempts", [1, 3, 5])
async def test_exhausted_attempts_raise_the_last_error(emulator, max_attempts: int) -> None:
    async with _recorded_client(emulator, RetryPolicy(max_attempts=max_attempts)) as pair:
        await _exhaust(*pair, emulator, max_attempts)


async def _exhaust(
    client: B2Client, recorder: DownloadRecorder, emulator: B2Emulator, max_attempts: int
) -> None:
    bucket = await client.create_bucket("resume")
    data = payload(SIZE, 57)
    await bucket.upload_bytes(data, "x.bin")
    emulator.faults.add("b2_download_file_by_name", Fault(kind="drop"), times=1)
    emulator.faults.add("b2_download_file_by_id", Fault(kind="drop"), times=20)
    sizes: list[int] = []

    async def consume() -> None:
        async with bucket.download("x.bin") as dl:
            async for chunk in dl.aiter_bytes():
                sizes.append(len(chunk))

    with pytest.raises(B2ConnectionError):
        await consume()
    received = sum(sizes)
    assert len(recorder.fetches) == max_attempts  # 1 by name + (max_attempts - 1) by id
    assert all(f.broken and f.closed for f in recorder.fetches)
    assert received == sum(f.delivered for f in recorder.fetches)
    assert received < SIZE


async def test_retryable_reopen_errors_count_and_recover(recorded, emulator) -> None:
    client, recorder = recorded
    bucket = await client.create_bucket("resume")
    data = payload(SIZE, 58)
    await bucket.upload_bytes(data, "y.bin")
    emulator.faults.add("b2_download_file_by_name", Fault(kind="drop"), times=1)
    emulator.faults.add("b2_download_file_by_id", Fault(kind="status", status=503), times=2)
    assert await bucket.download_bytes("y.bin") == data
    assert emulator.calls["b2_download_file_by_id"] == 3
    first, *reopens = recorder.fetches
    start = first.delivered
    assert [(f.by_id, f.range) for f in reopens] == [(True, (start, SIZE - 1))] * 3
    assert all(f.closed for f in recorder.fetches)  # the 503 answers were closed too


async def test_checksum_mismatch_is_not_resumed(recorded, emulator) -> None:
    client, recorder = recorded
    bucket = await client.create_bucket("resume")
    data = payload(SIZE, 59)
    fv = await bucket.upload_bytes(data, "c.bin")
    version = emulator.state.versions[fv.file_id]
    corrupted = bytearray(version.data())
    corrupted[-1] ^= 0x01
    version.chunks = [bytes(corrupted[i : i + 65_536]) for i in range(0, SIZE, 65_536)]
    emulator.faults.add("b2_download_file_by_name", Fault(kind="drop"), times=1)
    with pytest.raises(ChecksumMismatch):
        await bucket.download_bytes("c.bin")
    assert len(recorder.fetches) == 2  # the drop was resumed once; the mismatch was not


async def test_large_file_recovers_and_is_verified() -> None:
    emulator = B2Emulator(min_part_size=5_000, recommended_part_size=20_000)
    async with _recorded_client(emulator) as (client, recorder):
        await _large_file_recovers(client, recorder, emulator)


async def _large_file_recovers(
    client: B2Client, recorder: DownloadRecorder, emulator: B2Emulator
) -> None:
    bucket = await client.create_bucket("resume")
    data = payload(SIZE, 60)
    fv = await bucket.upload_bytes(data, "big.bin")  # > recommended part size: a large file
    assert fv.content_sha1 in (None, "none") or fv.content_sha1.startswith("unverified")
    assert fv.large_file_sha1 == sha1(data)
    emulator.faults.add("b2_download_file_by_name", Fault(kind="drop"), times=1)
    emulator.faults.add("b2_download_file_by_id", Fault(kind="drop"), times=2)
    assert await bucket.download_bytes("big.bin") == data
    _assert_resumed(recorder.fetches, fv.file_id, 0, SIZE - 1)
    # and a corrupted large file still fails verification after resuming
    version = emulator.state.versions[fv.file_id]
    corrupted = bytearray(version.data())
    corrupted[SIZE // 2] ^= 0x01
    version.chunks = [bytes(corrupted)]
    emulator.faults.add("b2_download_file_by_id", Fault(kind="drop"), times=1)
    with pytest.raises(ChecksumMismatch):
        await bucket.download_bytes_by_id(fv.file_id)


async def test_cancellation_while_resuming_closes_everything(recorded, emulator) -> None:
    client, recorder = recorded
    bucket = await client.create_bucket("resume")
    data = payload(SIZE, 61)
    await bucket.upload_bytes(data, "k.bin")
    emulator.faults.add("b2_download_file_by_name", Fault(kind="drop"), times=1)
    emulator.faults.add("b2_download_file_by_id", Fault(kind="drop"), times=5)
    received = 0
    with anyio.CancelScope() as scope:
        async with bucket.download("k.bin") as dl:
            async for chunk in dl.aiter_bytes():
                received += len(chunk)
                if len(recorder.fetches) == 2:  # cancel once the first resume is streaming
                    scope.cancel()
    assert scope.cancelled_caught
    assert 0 < received < SIZE
    assert len(recorder.fetches) in (2, 3)
    assert all(f.closed for f in recorder.fetches)


class _TimeoutMidBody(httpx.AsyncByteStream):
    """Delivers the first chunk, then times out like a stalled read."""

    def __init__(self, inner: httpx.AsyncByteStream) -> None:
        self._inner = inner

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            yield chunk[:1_000]
            raise httpx.ReadTimeout("read timed out (test)")

    async def aclose(self) -> None:
        await self._inner.aclose()


class _StallFirstDownload(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner
        self.stalled = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        if "/file/" not in request.url.path or self.stalled:
            return response
        self.stalled += 1
        assert isinstance(response.stream, httpx.AsyncByteStream)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=_TimeoutMidBody(response.stream),
            request=request,
        )


async def test_read_timeout_mid_body_is_resumed(emulator) -> None:
    recorder = DownloadRecorder(emulator.transport())
    staller = _StallFirstDownload(recorder)
    data = payload(SIZE, 62)
    async with (
        httpx.AsyncClient(transport=staller) as http,
        B2Client(emulator.key_id, emulator.key, realm=emulator.realm, http_client=http) as b2,
    ):
        bucket = await b2.create_bucket("resume")
        fv = await bucket.upload_bytes(data, "t.bin")
        assert await bucket.download_bytes("t.bin") == data
    assert staller.stalled == 1
    first, resumed = recorder.fetches
    assert (first.by_id, first.range, first.closed) == (False, None, True)
    assert (resumed.by_id, resumed.file_id, resumed.range) == (True, fv.file_id, (1_000, SIZE - 1))
