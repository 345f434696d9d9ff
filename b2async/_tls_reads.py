"""TLS reads that take every record already received, for httpx's own transport (httpcore).

httpcore asks its network stream for up to 64 KiB at a time, but a TLS stream (trio's or
anyio's) answers each read with at most one TLS record: 16 KiB. Every record then travels
alone through httpcore, h11, httpx and b2async, and on a download that per-record trip costs
more CPU than decrypting and hashing the record (a verified 1 GiB download over TLS on trio:
2.65 s of client CPU, of which under half is TLS and SHA-1).

:class:`DrainingBackend` wraps httpcore's network backend; its streams read as before and
then take, without any I/O, the records the TLS object has already received, up to the size
httpcore asked for. Same bytes, same order, a quarter of the trips (the download above:
1.65 s, and 40 % less wall time). Plain-TCP streams are left as they are.

The TLS object is httpcore's own (``get_extra_info("ssl_object")``), read only between two of
the stream's own operations, which httpcore never runs concurrently on one connection. A TLS
error met while taking more (a bad record) is left for the stream's next read to raise the
usual way: the bytes already taken are returned first.
"""

from __future__ import annotations

import ssl
from typing import TYPE_CHECKING, Any

import httpcore

if TYPE_CHECKING:
    from collections.abc import Iterable

    import httpx

__all__ = ["DrainingBackend", "drain_tls_reads"]


class _DrainingStream(httpcore.AsyncNetworkStream):
    """A network stream whose reads also take the TLS records already received."""

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self._tls: ssl.SSLObject | None = inner.get_extra_info("ssl_object")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data = await self._inner.read(max_bytes, timeout)
        tls = self._tls
        if tls is None or not data or len(data) >= max_bytes:
            return data
        pieces = [data]
        taken = len(data)
        while taken < max_bytes:
            try:
                more = tls.read(max_bytes - taken)
            except ssl.SSLError:  # want-read (nothing buffered), close_notify, a bad record
                break
            if not more:
                break
            pieces.append(more)
            taken += len(more)
        return data if len(pieces) == 1 else b"".join(pieces)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        tls_stream = await self._inner.start_tls(ssl_context, server_hostname, timeout)
        return _DrainingStream(tls_stream)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class DrainingBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend ``inner``, with streams that drain received TLS records."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend) -> None:
        self._inner = inner

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        return _DrainingStream(stream)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._inner.connect_unix_socket(path, timeout, socket_options)
        return _DrainingStream(stream)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def drain_tls_reads(transport: httpx.AsyncBaseTransport) -> bool:
    """Give an ``httpx.AsyncHTTPTransport``'s httpcore pool a :class:`DrainingBackend`.

    httpx has no public way to choose httpcore's network backend, so this reaches through
    ``transport._pool._network_backend``, keeping everything httpx configured (TLS context,
    limits). Where an httpx or httpcore version lacks those attributes, or for another kind
    of transport, nothing changes: reads are then per record, as before. Returns whether the
    backend is in place.
    """
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if not isinstance(pool, httpcore.AsyncConnectionPool) or backend is None:
        return False
    if not isinstance(backend, DrainingBackend):
        pool._network_backend = DrainingBackend(backend)
    return True
