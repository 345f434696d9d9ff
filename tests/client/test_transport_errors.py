"""Network failures and failing upload sources surface the same way on both transports.

B2Client's own http client uses aiohttp's transport on asyncio (when the extra is installed)
and httpx's own on trio, so every test here runs over a real loopback socket on both
backends: a refused connection or a server that hangs up is a :class:`B2ConnectionError`, a
stalled answer a :class:`B2TimeoutError`, and an error raised while reading the upload
source is raised as itself, not retried as if the network had failed.
"""

from __future__ import annotations

import io
import socket
from types import SimpleNamespace
from typing import TYPE_CHECKING

import anyio
import httpx
import pytest

from b2async import (
    B2Client,
    B2ConnectionError,
    B2TimeoutError,
    RetryPolicy,
)
from b2async.testing import B2Emulator, Fault

from ._support import loopback_server, unique_bucket_name

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

pytestmark = pytest.mark.anyio

ONE_ATTEMPT = RetryPolicy(max_attempts=1)


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def hang_up_server() -> Iterator[str]:
    """A server that reads each request and closes the connection without answering."""

    def hang_up(connection: socket.socket) -> None:
        connection.recv(65536)
        connection.close()

    with loopback_server(hang_up) as url:
        yield url


async def test_refused_connection_is_a_connection_error(anyio_backend: str) -> None:
    realm = f"http://127.0.0.1:{_closed_port()}"
    async with B2Client("key-id", "key", realm=realm, retry=ONE_ATTEMPT) as b2:
        with pytest.raises(B2ConnectionError) as caught:
            await b2.list_buckets()
    assert not isinstance(caught.value, B2TimeoutError)
    assert isinstance(caught.value.__cause__, httpx.ConnectError)


async def test_server_hanging_up_is_a_connection_error(
    anyio_backend: str, hang_up_server: str
) -> None:
    async with B2Client("key-id", "key", realm=hang_up_server, retry=ONE_ATTEMPT) as b2:
        with pytest.raises(B2ConnectionError) as caught:
            await b2.list_buckets()
    assert not isinstance(caught.value, B2TimeoutError)
    assert isinstance(caught.value.__cause__, httpx.RemoteProtocolError)


async def test_dropped_json_answer_is_a_connection_error(anyio_backend: str) -> None:
    emulator = B2Emulator()
    async with (
        emulator.serve() as realm,
        B2Client(emulator.key_id, emulator.key, realm=realm, retry=ONE_ATTEMPT) as b2,
    ):
        emulator.faults.add("b2_list_buckets", Fault.dropped(), times=1)
        with pytest.raises(B2ConnectionError) as caught:
            await b2.list_buckets()
        assert not isinstance(caught.value, B2TimeoutError)
        assert await b2.list_buckets() == []  # the client is still usable


async def test_stalled_answer_is_a_timeout(anyio_backend: str) -> None:
    emulator = B2Emulator()
    async with (
        emulator.serve() as realm,
        B2Client(emulator.key_id, emulator.key, realm=realm, retry=ONE_ATTEMPT, timeout=0.3) as b2,
    ):
        await b2.list_buckets()  # authorized before the fault
        emulator.faults.add("b2_list_buckets", Fault.stalled(5.0), times=1)
        with pytest.raises(B2TimeoutError):
            await b2.list_buckets()


class _FailingFile(io.RawIOBase):
    """A seekable file of ``size`` bytes whose reads fail past ``fail_at``."""

    def __init__(self, size: int, fail_at: int) -> None:
        self._size = size
        self._fail_at = fail_at
        self._position = 0
        self.reads_past_failure = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        self._position = base + offset
        return self._position

    def read(self, size: int | None = -1) -> bytes:
        if self._position >= self._fail_at:
            self.reads_past_failure += 1
            raise OSError("the disk failed")
        size = self._size - self._position if size is None or size < 0 else size
        size = min(size, self._size - self._position)
        self._position += size
        return b"\x5a" * size


async def test_failing_source_error_is_raised_as_itself_and_not_retried(
    anyio_backend: str,
) -> None:
    # Over aiohttp, a body that raises used to come back as "ConnectTimeout: Can not write
    # request body": retried with back-off as a network fault, then reported as a timeout.
    emulator = B2Emulator()
    source = _FailingFile(size=12 * 1024 * 1024, fail_at=3 * 1024 * 1024)
    async with (
        emulator.serve() as realm,
        B2Client(emulator.key_id, emulator.key, realm=realm) as b2,  # default retry policy
    ):
        bucket = await b2.create_bucket(unique_bucket_name("failing"))
        with pytest.raises(OSError, match="the disk failed") as caught:
            await bucket.upload_file(source, "failing.bin")
        assert not isinstance(caught.value, (B2ConnectionError, B2TimeoutError))
        assert source.reads_past_failure == 1
        assert emulator.calls["b2_get_upload_url"] == 1
        assert [v.file_name async for v in bucket.list_file_versions()] == []
        # The connection the failed body was on is not reused broken: the client works on.
        version = await bucket.upload_bytes(b"after", "after.txt")
        assert await bucket.download_bytes("after.txt") == b"after"
        assert version.content_length == 5


def _aiohttp_failures() -> list[tuple[BaseException, type[httpx.TransportError]]]:
    import asyncio

    aiohttp = pytest.importorskip("aiohttp")
    refused = ConnectionRefusedError(111, "refused")
    # ClientConnectorError only reads host, port and ssl of its connection key.
    key = SimpleNamespace(host="127.0.0.1", port=1, ssl=True)
    cases: list[tuple[BaseException, type[httpx.TransportError]]] = [
        (aiohttp.ClientConnectorError(key, refused), httpx.ConnectError),  # type: ignore[arg-type]
        (aiohttp.ServerDisconnectedError(), httpx.RemoteProtocolError),
        (aiohttp.ClientPayloadError("body cut short"), httpx.RemoteProtocolError),
        (aiohttp.ClientOSError(104, "reset"), httpx.NetworkError),
        (aiohttp.ServerTimeoutError("read"), httpx.ReadTimeout),
        (asyncio.TimeoutError(), httpx.TimeoutException),
    ]
    if hasattr(aiohttp, "ConnectionTimeoutError"):
        cases.append((aiohttp.ConnectionTimeoutError("connect"), httpx.ConnectTimeout))
        cases.append((aiohttp.SocketTimeoutError("read"), httpx.ReadTimeout))
    return cases


def test_aiohttp_failures_get_httpx_own_classes() -> None:
    from b2async._aiohttp_transport import httpx_error_for

    for failure, expected in _aiohttp_failures():
        mapped = httpx_error_for(failure)
        assert type(mapped) is expected, (failure, mapped)
    assert httpx_error_for(ValueError("not a network failure")) is None


@pytest.fixture
def deaf_server() -> Iterator[str]:
    """A server that accepts connections and then neither reads nor answers."""
    with loopback_server(lambda connection: None) as url:
        yield f"{url}/upload"


@pytest.mark.parametrize("kind", ["bytes", "stream"])
async def test_upload_to_a_server_that_stops_reading_times_out(
    anyio_backend: str, deaf_server: str, kind: str
) -> None:
    # aiohttp has no write timeout of its own: such an upload used to wait forever there.
    from b2async._http import B2Http
    from b2async._http_client import default_http_client

    size = 32 * 1024 * 1024  # well past what the socket buffers absorb
    block = bytes(1024 * 1024)

    async def stream() -> AsyncIterator[bytes]:
        for _ in range(size // len(block)):
            yield block

    content = bytes(size) if kind == "bytes" else stream()
    headers = {"Authorization": "upload-token", "Content-Length": str(size)}
    async with default_http_client(httpx.Timeout(0.5)) as client:
        with anyio.fail_after(20):
            started = anyio.current_time()
            with pytest.raises(B2TimeoutError):
                await B2Http(client).post_upload(deaf_server, headers=headers, content=content)
        assert anyio.current_time() - started < 10
