"""The httpcore transport of B2Client's own client reads responses in large pieces."""

from __future__ import annotations

import hashlib
import os
from typing import Any

import httpcore
import pytest

from b2async import B2Client
from b2async._http_client import LeanAsyncClient
from b2async._httpcore_reads import (
    READ_SIZE,
    LargeReadBackend,
    _LargeReadStream,
    httpcore_transport,
)
from b2async.testing import B2Emulator

pytestmark = pytest.mark.anyio


class FakeStream(httpcore.AsyncNetworkStream):
    """Records what is asked of it."""

    def __init__(self) -> None:
        self.reads: list[int] = []
        self.written: list[bytes] = []
        self.closed = False
        self.tls: FakeStream | None = None

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self.reads.append(max_bytes)
        return b"data"

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.written.append(buffer)

    async def aclose(self) -> None:
        self.closed = True

    async def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        self.tls = FakeStream()
        return self.tls

    def get_extra_info(self, info: str) -> Any:
        return f"info:{info}"


async def test_reads_ask_for_at_least_the_read_size() -> None:
    inner = FakeStream()
    stream = _LargeReadStream(inner, read_size=1024)
    assert await stream.read(64) == b"data"
    await stream.read(4096)
    assert inner.reads == [1024, 4096]
    await stream.write(b"x")
    assert inner.written == [b"x"]
    assert stream.get_extra_info("server_addr") == "info:server_addr"
    tls = await stream.start_tls(ssl_context=None)  # type: ignore[arg-type]
    await tls.read(10)
    assert inner.tls is not None
    assert inner.tls.reads == [1024]  # TLS streams read large too
    await stream.aclose()
    assert inner.closed


class RecordingStream(httpcore.AsyncNetworkStream):
    """The socket stream under LargeReadBackend's streams: records each read's size."""

    def __init__(self, stream: httpcore.AsyncNetworkStream, asked: list[int]) -> None:
        self._stream = stream
        self._asked = asked

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self._asked.append(max_bytes)
        return await self._stream.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._stream.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._stream.aclose()

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class RecordingBackend(LargeReadBackend):
    """LargeReadBackend over a socket backend that records what its streams are asked."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[int] = []

    def _inner(self) -> httpcore.AsyncNetworkBackend:
        real = super()._inner()
        asked = self.asked

        class Recording(httpcore.AsyncNetworkBackend):
            async def connect_tcp(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
                return RecordingStream(await real.connect_tcp(*args, **kwargs), asked)

            async def sleep(self, seconds: float) -> None:
                await real.sleep(seconds)

        return Recording()


async def test_download_through_the_httpcore_transport(anyio_backend: str) -> None:
    """A multi-MiB download over a real socket on both loops: the socket is asked for 1 MiB
    per read and the bytes arrive intact (SHA-1 checked by the engine and again here)."""
    data = os.urandom(3 * 1024 * 1024 + 17)
    transport = httpcore_transport(max_connections=4)
    backend = RecordingBackend()
    transport._pool._network_backend = backend  # type: ignore[attr-defined]
    emulator = B2Emulator()
    async with (
        emulator.serve() as realm,
        LeanAsyncClient(transport=transport) as http,
        B2Client(emulator.key_id, emulator.key, realm=realm, http_client=http) as b2,
    ):
        bucket = await b2.create_bucket("large-reads")
        await bucket.upload_bytes(data, "big.bin")
        received = await bucket.download_bytes("big.bin")
    assert hashlib.sha1(received).digest() == hashlib.sha1(data).digest()
    # httpcore asks for 64 KiB per read; the socket is asked for READ_SIZE
    assert backend.asked
    assert min(backend.asked) >= READ_SIZE


async def test_own_client_on_httpcore_uses_large_reads(anyio_backend: str) -> None:
    transport = httpcore_transport(max_connections=7)
    pool = transport._pool  # type: ignore[attr-defined]
    assert isinstance(pool, httpcore.AsyncConnectionPool)
    assert isinstance(pool._network_backend, LargeReadBackend)
    assert pool._max_connections == 7
    if anyio_backend == "trio":
        async with B2Client("0051234", "K005secret", realm="http://127.0.0.1:9") as b2:
            own = b2._http_client._transport  # type: ignore[attr-defined]
            assert isinstance(own._pool._network_backend, LargeReadBackend)


async def test_backend_follows_the_running_loop(anyio_backend: str) -> None:
    backend = LargeReadBackend()
    inner = backend._inner()
    expected = httpcore.AnyIOBackend if anyio_backend == "asyncio" else httpcore.TrioBackend
    assert isinstance(inner, expected)
    await backend.sleep(0)
