"""The client's own http client, over a real loopback socket (aiohttp fast path on asyncio)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import pytest

from b2async._client import B2Client
from b2async.testing import B2Emulator

from ._support import unique_bucket_name

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.anyio


async def test_round_trip_with_the_default_http_client(anyio_backend: str, tmp_path: Path) -> None:
    emulator = B2Emulator()
    data = b"over a real socket " * 1000
    async with (
        emulator.serve() as realm,
        B2Client(emulator.key_id, emulator.key, realm=realm) as b2,
    ):
        transport = type(b2._http_client._transport).__name__
        assert transport == (
            "AiohttpTransport" if anyio_backend == "asyncio" else "AsyncHTTPTransport"
        )
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
        transport = type(b2._http_client._transport).__name__
    assert transport == ("AiohttpTransport" if anyio_backend == "asyncio" else "AsyncHTTPTransport")
