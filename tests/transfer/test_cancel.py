"""Cancelling the surrounding scope stops everything and leaves nothing behind."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import anyio
import anyio.lowlevel
import httpx
import pytest

from b2async._client import B2Client
from tests.transfer.conftest import chunks_of, payload

if TYPE_CHECKING:
    from b2async._transfer import ProgressEvent

pytestmark = pytest.mark.anyio


def _canceller(scope: anyio.CancelScope, after_bytes: int):  # type: ignore[no-untyped-def]
    def on_event(event: ProgressEvent) -> None:
        if event.kind == "bytes" and event.transferred >= after_bytes:
            scope.cancel()

    return on_event


def _task_count() -> int:
    # trio's own system tasks (named "<...>") start lazily, e.g. on a first thread hop.
    return sum(1 for t in anyio.get_running_tasks() if not (t.name or "").startswith("<"))


async def test_cancel_large_upload_midway(bucket, emulator) -> None:
    data = payload(200_000, 21)
    tasks_before = _task_count()
    with anyio.CancelScope() as scope:
        await bucket.upload_file(data, "big.bin", progress=_canceller(scope, 60_000))
    assert scope.cancelled_caught
    assert emulator.calls["b2_start_large_file"] == 1
    assert emulator.calls["b2_cancel_large_file"] == 1  # shielded cancel went through
    assert [f async for f in bucket.list_unfinished_large_files()] == []
    assert [f async for f in bucket.list_file_names()] == []
    assert _task_count() == tasks_before


async def test_cancel_stream_upload_midway(bucket, emulator) -> None:
    data = payload(200_000, 22)
    with anyio.CancelScope() as scope:
        await bucket.upload_stream(
            chunks_of(data, 5_000), "s.bin", progress=_canceller(scope, 50_000)
        )
    assert scope.cancelled_caught
    assert emulator.calls["b2_cancel_large_file"] == 1
    assert [f async for f in bucket.list_unfinished_large_files()] == []


async def test_cancel_with_resume_keeps_the_unfinished_file(bucket, emulator) -> None:
    data = payload(200_000, 23)
    with anyio.CancelScope() as scope:
        await bucket.upload_file(
            data, "big.bin", resume=True, parts_in_flight=1, progress=_canceller(scope, 60_000)
        )
    assert emulator.calls["b2_cancel_large_file"] == 0
    assert [f.file_name async for f in bucket.list_unfinished_large_files()] == ["big.bin"]
    fv = await bucket.upload_file(data, "big.bin", resume=True)
    assert fv.content_length == len(data)
    assert await bucket.download_bytes("big.bin") == data


async def test_cancel_download_to_file_midway(bucket, client, tmp_path) -> None:
    client._transfers.min_segment = 10_000
    data = payload(300_000, 24)
    await bucket.upload_bytes(data, "big.bin")
    target = tmp_path / "out.bin"
    tasks_before = _task_count()
    with anyio.CancelScope() as scope:
        await bucket.download_to_file(
            "big.bin", target, segments=4, progress=_canceller(scope, 100_000)
        )
    assert scope.cancelled_caught
    assert os.listdir(tmp_path) == []  # neither the file nor a temporary one
    assert _task_count() == tasks_before


async def test_cancel_streaming_download_midway(bucket) -> None:
    data = payload(100_000, 25)
    await bucket.upload_bytes(data, "f.bin")
    received = 0
    with anyio.CancelScope() as scope:
        async with bucket.download("f.bin") as dl:
            async for chunk in dl.aiter_bytes(4096):
                received += len(chunk)
                if received >= 20_000:
                    scope.cancel()
                    await anyio.lowlevel.checkpoint()  # a checkpoint: cancellation lands here
    assert scope.cancelled_caught
    assert 20_000 <= received < len(data)


class TrackingStream(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, owner: TrackingTransport) -> None:
        self.inner = inner
        self.owner = owner
        owner.open += 1

    async def __aiter__(self):  # type: ignore[no-untyped-def]
        async for chunk in self.inner:
            yield chunk

    async def aclose(self) -> None:
        self.owner.open -= 1
        await self.inner.aclose()


class TrackingTransport(httpx.AsyncBaseTransport):
    """Counts responses whose body stream was not closed (connections still held)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.open = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        assert isinstance(response.stream, httpx.AsyncByteStream)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=TrackingStream(response.stream, self),
        )


async def test_cancellation_closes_every_response(emulator, tmp_path) -> None:
    transport = TrackingTransport(emulator.transport())
    async with (
        httpx.AsyncClient(transport=transport) as http,
        B2Client(emulator.key_id, emulator.key, realm=emulator.realm, http_client=http) as b2,
    ):
        b2._transfers.min_segment = 10_000
        bucket = await b2.create_bucket("tracked-bucket")
        data = payload(300_000, 26)
        with anyio.CancelScope() as scope:
            await bucket.upload_file(data, "big.bin", progress=_canceller(scope, 100_000))
        assert transport.open == 0
        await bucket.upload_bytes(data, "big.bin")
        with anyio.CancelScope() as scope:
            await bucket.download_to_file(
                "big.bin", tmp_path / "x", progress=_canceller(scope, 100_000)
            )
        assert scope.cancelled_caught
        assert transport.open == 0
        with anyio.CancelScope() as scope:
            async with bucket.download("big.bin") as dl:
                async for _ in dl.aiter_bytes(1000):
                    scope.cancel()
                    await anyio.lowlevel.checkpoint()
        assert transport.open == 0
        assert os.listdir(tmp_path) == []
