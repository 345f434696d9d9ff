"""The client's own http client, over a real loopback socket (aiohttp fast path on asyncio)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import httpx
import pytest

from b2async import B2ConnectionError, RetryPolicy
from b2async._client import B2Client
from b2async.testing import B2Emulator

from ._support import loopback_server, unique_bucket_name

if TYPE_CHECKING:
    import socket
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.anyio


async def test_round_trip_with_the_default_http_client(anyio_backend: str, tmp_path: Path) -> None:
    emulator = B2Emulator()
    data = b"over a real socket " * 1000
    async with (
        emulator.serve() as realm,
        B2Client(emulator.key_id, emulator.key, realm=realm) as b2,
    ):
        assert _uses_aiohttp(b2) == (anyio_backend == "asyncio")
        bucket = await b2.create_bucket(unique_bucket_name("socket"))
        version = await bucket.upload_bytes(data, "socket/file.bin")
        assert version.file_id is not None
        assert await b2.download_bytes_by_id(version.file_id) == data
        assert await bucket.download_bytes("socket/file.bin") == data
        # A file on disk is streamed (hashed while sent), not read into memory first.
        path = tmp_path / "local.bin"
        path.write_bytes(data[::-1])
        streamed = await bucket.upload_file(path, "socket/streamed.bin")
        assert streamed.content_length == len(data)
        assert await bucket.download_bytes("socket/streamed.bin") == data[::-1]
        names = [v.file_name async for v in bucket.list_file_names(page_size=1)]
        assert names == ["socket/file.bin", "socket/streamed.bin"]
        own = b2._http_client
    assert own.is_closed


async def test_transport_choice_without_sniffio(
    anyio_backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # anyio >= 4 does not depend on sniffio: a runtime-only install may lack it, and the
    # fast path must still be chosen on asyncio (and never on trio).
    monkeypatch.setitem(sys.modules, "sniffio", None)
    async with B2Client("key-id", "key", realm="http://127.0.0.1:1") as b2:
        assert _uses_aiohttp(b2) == (anyio_backend == "asyncio")


@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_aiohttp_bodies_arrive_in_large_chunks(anyio_backend: str) -> None:
    # httpx-aiohttp's own stream yields 16 KiB chunks (joined from what aiohttp received);
    # ours passes on the received pieces, so a verified download of a large file costs far
    # fewer iterations of hashing and writing, and no copy to join them.
    emulator = B2Emulator()
    data = bytes(range(256)) * (4 * 4096)  # 4 MiB
    async with (
        emulator.serve() as realm,
        B2Client(emulator.key_id, emulator.key, realm=realm) as b2,
    ):
        assert _uses_aiohttp(b2)
        bucket = await b2.create_bucket(unique_bucket_name("chunks"), bucket_type="allPublic")
        await bucket.upload_bytes(data, "big.bin")
        url = f"{realm}/file/{bucket.name}/big.bin"
        async with b2._http_client.stream("GET", url) as response:
            chunks = [chunk async for chunk in response.aiter_raw()]
    assert b"".join(chunks) == data
    assert max(len(chunk) for chunk in chunks) > 16 * 1024


@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_aiohttp_chunked_bodies_arrive_whole(anyio_backend: str) -> None:
    """A ``Transfer-Encoding: chunked`` body, empty chunks' boundaries included, arrives whole
    and in order through the received-pieces stream, and so does an empty body."""
    import asyncio

    from b2async._http_client import aiohttp_transport

    pieces = [b"a" * 10, b"b" * 70_000, b"c", b"d" * 300_000]

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = await reader.readuntil(b"\r\n\r\n")
        if request.startswith(b"GET /empty"):
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        else:
            writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            for piece in pieces:
                writer.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                await writer.drain()
            writer.write(b"0\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    transport = aiohttp_transport()
    assert transport is not None
    try:
        async with httpx.AsyncClient(transport=transport) as http:
            async with http.stream("GET", f"http://127.0.0.1:{port}/chunked") as response:
                received = [chunk async for chunk in response.aiter_raw()]
            async with http.stream("GET", f"http://127.0.0.1:{port}/empty") as response:
                empty = [chunk async for chunk in response.aiter_raw()]
    finally:
        server.close()
        await server.wait_closed()
    assert b"".join(received) == b"".join(pieces)
    assert all(received)  # no empty pieces passed on
    assert empty == []


def _uses_aiohttp(b2: B2Client) -> bool:
    from httpx_aiohttp import AiohttpTransport

    return isinstance(b2._http_client._transport, AiohttpTransport)


@pytest.fixture
def recording_proxy() -> Iterator[tuple[str, list[bytes]]]:
    """A proxy that records each request line and refuses it (502)."""
    seen: list[bytes] = []

    def refuse(connection: socket.socket) -> None:
        seen.append(connection.recv(65536).split(b"\r\n", 1)[0])
        connection.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
        connection.close()

    with loopback_server(refuse) as url:
        yield url, seen


@pytest.mark.parametrize("variable", ["HTTPS_PROXY", "https_proxy", "ALL_PROXY"])
async def test_environment_proxy_is_used_on_every_loop(
    anyio_backend: str,
    monkeypatch: pytest.MonkeyPatch,
    recording_proxy: tuple[str, list[bytes]],
    variable: str,
) -> None:
    # httpx ignores HTTPS_PROXY & co. for a client given its own transport, so the aiohttp
    # fast path would connect around the proxy; B2Client keeps httpx's transport then.
    proxy, seen = recording_proxy
    monkeypatch.setenv(variable, proxy)
    realm = "https://b2-realm.invalid"
    async with B2Client("key-id", "key", realm=realm, retry=RetryPolicy(max_attempts=1)) as b2:
        assert not _uses_aiohttp(b2)
        with pytest.raises(B2ConnectionError):
            await b2.list_buckets()
    assert seen == [b"CONNECT b2-realm.invalid:443 HTTP/1.1"]
