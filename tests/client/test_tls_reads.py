"""TLS reads that take every record already received (httpx's own transport, httpcore)."""

from __future__ import annotations

import ssl
from typing import Any

import httpcore
import httpx
import pytest

from b2async._http_client import default_http_client
from b2async._tls_reads import DrainingBackend, drain_tls_reads

pytestmark = pytest.mark.anyio

RECORD = 16 * 1024


class _FakeTLS:
    """An SSL object holding decrypted records; ``read`` hands out at most one record."""

    def __init__(self, records: list[bytes], then: type[ssl.SSLError] = ssl.SSLWantReadError):
        self.records = records
        self.then = then

    def read(self, length: int) -> bytes:
        if not self.records:
            raise self.then()
        record = self.records.pop(0)
        if len(record) > length:
            self.records.insert(0, record[length:])
            record = record[:length]
        return record


class _FakeStream(httpcore.AsyncNetworkStream):
    def __init__(self, tls: _FakeTLS | None) -> None:
        self.tls = tls

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        if self.tls is None:
            return b"p" * min(max_bytes, 100)
        try:
            return self.tls.read(max_bytes)
        except ssl.SSLError:
            return b""

    def get_extra_info(self, info: str) -> Any:
        return self.tls if info == "ssl_object" else None


class _FakeBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, stream: _FakeStream) -> None:
        self.stream = stream

    async def connect_tcp(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        return self.stream


async def _stream(tls: _FakeTLS | None) -> httpcore.AsyncNetworkStream:
    return await DrainingBackend(_FakeBackend(_FakeStream(tls))).connect_tcp("b2", 443)


async def test_a_read_takes_the_records_already_received(anyio_backend: str) -> None:
    records = [bytes([n]) * RECORD for n in range(6)]
    stream = await _stream(_FakeTLS(list(records)))
    first = await stream.read(64 * 1024)
    assert first == b"".join(records[:4])  # four records: as much as was asked for
    assert await stream.read(64 * 1024) == b"".join(records[4:])  # the rest, no more
    assert await stream.read(64 * 1024) == b""


async def test_a_read_never_returns_more_than_asked(anyio_backend: str) -> None:
    stream = await _stream(_FakeTLS([b"a" * RECORD, b"b" * RECORD]))
    assert await stream.read(20_000) == b"a" * RECORD + b"b" * (20_000 - RECORD)
    assert await stream.read(20_000) == b"b" * (2 * RECORD - 20_000)


@pytest.mark.parametrize("then", [ssl.SSLZeroReturnError, ssl.SSLError])
async def test_a_tls_end_or_error_is_left_for_the_next_read(
    anyio_backend: str, then: type[ssl.SSLError]
) -> None:
    # What was taken is returned; close_notify or a bad record then surfaces (here: b"") on
    # the stream's next read, through its own error handling.
    stream = await _stream(_FakeTLS([b"x" * RECORD, b"y" * 10], then=then))
    assert await stream.read(64 * 1024) == b"x" * RECORD + b"y" * 10
    assert await stream.read(64 * 1024) == b""


async def test_plain_streams_are_read_as_before(anyio_backend: str) -> None:
    stream = await _stream(None)
    assert await stream.read(64 * 1024) == b"p" * 100


async def test_the_own_client_on_httpx_transport_drains(anyio_backend: str) -> None:
    async with default_http_client(5.0) as client:
        transport = client._transport
        if isinstance(transport, httpx.AsyncHTTPTransport):  # not the aiohttp fast path
            assert isinstance(transport._pool._network_backend, DrainingBackend)
            assert drain_tls_reads(transport)  # idempotent: not wrapped twice
            backend = transport._pool._network_backend
            assert not isinstance(backend._inner, DrainingBackend)


async def test_other_transports_are_left_alone() -> None:
    assert not drain_tls_reads(httpx.MockTransport(lambda request: httpx.Response(200)))
