"""httpx's own transport, reading responses in large pieces (B2Client's client on httpcore).

httpcore reads a response 64 KiB at a time. On asyncio every read goes through an anyio
cancel scope (its timeout), and anyio's stream cuts each piece the socket delivered (up to
256 KiB) into 64 KiB slices, copying the remainder every time; h11 then handles one event per
slice. Asking the socket for up to :data:`READ_SIZE` bytes per read instead took ~30 % off
the client CPU of a verified 1 GiB download on this transport (and so on trio, where it is
the only one).

httpcore's network backend is its extension point for this: the streams made here ask the
stream underneath for at least ``READ_SIZE`` bytes, whatever httpcore asks for. httpcore hands
every read to h11 (or h2), which accept data of any length.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpcore
import httpx

if TYPE_CHECKING:
    import ssl
    from collections.abc import Iterable

__all__ = ["READ_SIZE", "LargeReadBackend", "httpcore_transport"]

#: Bytes asked of the socket per read (httpcore asks for 64 KiB).
READ_SIZE = 1 << 20


class _LargeReadStream(httpcore.AsyncNetworkStream):
    """A network stream whose reads ask the stream underneath for ``read_size`` bytes or more."""

    def __init__(self, inner: httpcore.AsyncNetworkStream, read_size: int) -> None:
        self._inner = inner
        self._read_size = read_size

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max(max_bytes, self._read_size), timeout=timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout=timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        tls = await self._inner.start_tls(ssl_context, server_hostname, timeout=timeout)
        return _LargeReadStream(tls, self._read_size)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class LargeReadBackend(httpcore.AsyncNetworkBackend):
    """httpcore's own backend for the running event loop (trio's on trio, anyio's elsewhere,
    as httpcore chooses), with streams that read in pieces of up to ``read_size`` bytes."""

    def __init__(self, read_size: int = READ_SIZE) -> None:
        self._read_size = read_size
        self._backend: httpcore.AsyncNetworkBackend | None = None

    def _inner(self) -> httpcore.AsyncNetworkBackend:
        if self._backend is None:
            from b2async._http_client import running_on_asyncio

            if running_on_asyncio():
                self._backend = httpcore.AnyIOBackend()
            else:
                self._backend = httpcore.TrioBackend()
        return self._backend

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._inner().connect_tcp(
            host, port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )
        return _LargeReadStream(stream, self._read_size)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._inner().connect_unix_socket(
            path, timeout=timeout, socket_options=socket_options
        )
        return _LargeReadStream(stream, self._read_size)

    async def sleep(self, seconds: float) -> None:
        await self._inner().sleep(seconds)


def httpcore_transport(*, max_connections: int) -> httpx.AsyncHTTPTransport:
    """``httpx.AsyncHTTPTransport`` with ``max_connections`` kept alive, reading in large pieces.

    httpx offers no way to pass httpcore a network backend, so the transport's connection pool
    (its private ``_pool``) is replaced by one built with the same settings and
    :class:`LargeReadBackend`. Should a future httpx lay its transport out differently, the
    transport is returned as httpx made it: correct, only slower.
    """
    limits = httpx.Limits(
        max_connections=max_connections, max_keepalive_connections=max_connections
    )
    ssl_context = httpx.create_ssl_context()
    transport = httpx.AsyncHTTPTransport(verify=ssl_context, limits=limits)
    if isinstance(getattr(transport, "_pool", None), httpcore.AsyncConnectionPool):
        transport._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=LargeReadBackend(),
        )
    return transport
