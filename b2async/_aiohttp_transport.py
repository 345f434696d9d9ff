"""The optional fast path's transport: aiohttp under httpx, behaving like httpx's own.

Imported only when the ``aiohttp`` extra is installed (see
:func:`b2async._http_client.aiohttp_transport`). It keeps httpx-aiohttp's session handling
but sends requests itself, because httpx-aiohttp as shipped differs from httpx's own
transport in ways that matter to B2 uploads and downloads:

* **Bodies arrive in the pieces aiohttp received** (up to the session's read buffer) instead
  of being re-cut to 16 KiB, which made aiohttp join what it had buffered: one more copy of
  every downloaded byte.
* **Failures carry the httpx class httpx's own transport would raise.** httpx-aiohttp maps
  every ``aiohttp.ClientConnectionError`` (a refused connection, a server that hung up) to
  ``httpx.ConnectTimeout``, so b2async would report a refused connection as a
  :class:`~b2async.B2TimeoutError`.
* **An error raised by the request body is raised as itself.** aiohttp reports a body
  iterator that fails (a file that shrank, a disk error) as a broken connection; the upload
  would then be retried as a network fault and end as a misleading timeout.
* **The write timeout holds.** aiohttp has none: an upload to a server that stopped reading
  waited forever. Here each piece of a body must be taken by the connection within the
  ``write`` timeout, as httpx's own transport requires of each write.
* **A request is over only once its body is no longer being read.** aiohttp sends a request
  body from a task of its own, which it cancels without waiting when the request fails, is
  cancelled, or its answer has been read. The caller would then close a body that aiohttp's
  task was still reading (``RuntimeError: aclose(): asynchronous generator is already
  running``, seen when cancelling a large upload), and that task could outlive the upload.
  Here the request waits for it, as httpx's own transport does by sending from the caller's
  task.
"""

from __future__ import annotations

import asyncio
import functools
import math
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import aiohttp
import anyio
import httpx
from httpx_aiohttp.transport import AiohttpTransport

if TYPE_CHECKING:
    from collections.abc import AsyncIterable, AsyncIterator, Iterator

__all__ = ["B2AiohttpTransport", "httpx_error_for"]

#: Bodies in memory larger than this are handed to aiohttp in slices of :data:`_SLICE`, so
#: that a stalled write is noticed (a smaller one fits in aiohttp's write buffer at once).
_WATCHED_ABOVE = 64 * 1024
_SLICE = 1024 * 1024


def _aiohttp_class(name: str) -> type[BaseException] | None:
    # A few classes are newer than the oldest aiohttp httpx-aiohttp accepts.
    found = getattr(aiohttp, name, None)
    return found if isinstance(found, type) else None


#: aiohttp failure → the httpx error httpx's own transport raises for the same event; the
#: first match wins, so subclasses come before their bases.
_ERROR_CLASSES: tuple[tuple[type[BaseException] | None, type[httpx.TransportError]], ...] = (
    (_aiohttp_class("ConnectionTimeoutError"), httpx.ConnectTimeout),
    (_aiohttp_class("SocketTimeoutError"), httpx.ReadTimeout),
    (aiohttp.ServerTimeoutError, httpx.ReadTimeout),
    (asyncio.TimeoutError, httpx.TimeoutException),
    (aiohttp.ClientProxyConnectionError, httpx.ProxyError),
    (aiohttp.ClientHttpProxyError, httpx.ProxyError),
    (aiohttp.ClientConnectorError, httpx.ConnectError),
    (aiohttp.ServerDisconnectedError, httpx.RemoteProtocolError),
    (aiohttp.ClientPayloadError, httpx.RemoteProtocolError),
    (_aiohttp_class("NonHttpUrlClientError"), httpx.UnsupportedProtocol),
    (aiohttp.InvalidURL, httpx.UnsupportedProtocol),
    (aiohttp.ClientConnectionError, httpx.NetworkError),
)


def httpx_error_for(error: BaseException) -> httpx.TransportError | None:
    """The httpx error for an aiohttp failure (``None`` for anything else)."""
    for aiohttp_class, httpx_class in _ERROR_CLASSES:
        if aiohttp_class is not None and isinstance(error, aiohttp_class):
            return httpx_class(str(error) or type(error).__name__)
    return None


@contextmanager
def _httpx_errors() -> Iterator[None]:
    """Raise aiohttp failures as :func:`httpx_error_for` classes them (chained)."""
    try:
        yield
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        mapped = httpx_error_for(exc)
        if mapped is None:
            raise
        raise mapped from exc


class _WatchedBody(httpx.AsyncByteStream):
    """A request body that aiohttp reads from its writer task, watched from the caller's.

    It knows which task reads it (to wait for that task to stop), remembers the error its
    source raised (to raise it instead of the broken connection aiohttp reports), and, while
    a piece it handed over is being written, keeps the request's ``watchdog`` scope due to
    expire after the write timeout.
    """

    def __init__(self, chunks: AsyncIterable[bytes], write_timeout: float | None) -> None:
        self._chunks = chunks
        self._write_timeout = write_timeout
        self._reader: asyncio.Task[Any] | None = None
        self.watchdog: anyio.CancelScope | None = None
        self.error: Exception | None = None

    async def __aiter__(self) -> AsyncIterator[bytes]:
        self._reader = asyncio.current_task()
        try:
            async for chunk in self._chunks:
                self._writing(True)
                yield chunk
                self._writing(False)  # asked for more: the connection took the piece
        except Exception as exc:
            self.error = exc
            raise
        finally:
            self._reader = None

    def _writing(self, started: bool) -> None:
        if self.watchdog is not None and self._write_timeout is not None:
            due = anyio.current_time() + self._write_timeout if started else math.inf
            self.watchdog.deadline = due

    async def aclose(self) -> None:
        aclose = getattr(self._chunks, "aclose", None)
        if aclose is not None:
            await aclose()

    async def stop_reading(self) -> None:
        """Return once no other task reads the body, cancelling aiohttp's writer task if it
        still does (aiohttp cancels it too, but does not wait for it)."""
        self.watchdog = None
        reader = self._reader
        if reader is None or reader.done() or reader is asyncio.current_task():
            return
        reader.cancel()
        with anyio.CancelScope(shield=True):
            await asyncio.wait([reader])


async def _slices(data: bytes) -> AsyncIterator[bytes]:
    view = memoryview(data)
    for start in range(0, len(view), _SLICE):
        yield view[start : start + _SLICE]  # type: ignore[misc]  # aiohttp writes memoryviews


def _body_of(
    request: httpx.Request, write_timeout: float | None
) -> tuple[Any, _WatchedBody | None]:
    """What to give aiohttp as ``data``, and the watched body when there is one."""
    try:
        content = request.content
    except httpx.RequestNotRead:
        body = _WatchedBody(request.stream, write_timeout)  # type: ignore[arg-type]
        return body, body
    if len(content) <= _WATCHED_ABOVE or "content-length" not in request.headers:
        return (content or None), None
    body = _WatchedBody(_slices(content), write_timeout)
    return body, body


class _ResponseBody(httpx.AsyncByteStream):
    """A response body yielded in the pieces aiohttp received it in.

    A fixed piece size would make aiohttp join the pieces it buffered into a new ``bytes``:
    one more copy of every downloaded byte. Received pieces (up to 256 KiB from asyncio) are
    passed on as they are. Closing it also waits until the request's body is no longer being
    read.
    """

    def __init__(self, response: aiohttp.ClientResponse, request_body: _WatchedBody | None):
        self._response = response
        self._request_body = request_body

    async def __aiter__(self) -> AsyncIterator[bytes]:
        content = self._response.content
        with _httpx_errors():
            while True:
                chunk, end_of_http_chunk = await content.readchunk()
                if chunk:
                    yield chunk
                elif not end_of_http_chunk:  # (b"", False) is the end of the body
                    return

    async def aclose(self) -> None:
        try:
            with _httpx_errors():
                await self._response.__aexit__(None, None, None)
        finally:
            if self._request_body is not None:
                await self._request_body.stop_reading()


@functools.lru_cache(maxsize=16)
def _client_timeout(
    connect: float | None, read: float | None, pool: float | None
) -> aiohttp.ClientTimeout:
    # One per distinct httpx timeout (a client has one or two), not one per request.
    return aiohttp.ClientTimeout(sock_connect=connect, sock_read=read, connect=pool)


class B2AiohttpTransport(AiohttpTransport):
    """httpx-aiohttp's transport, sending requests as this module's docstring describes."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not isinstance(self.client, aiohttp.ClientSession):
            self.client = self.get_client()
        timeouts: dict[str, float | None] = request.extensions.get("timeout", {})
        write_timeout = timeouts.get("write")
        data, body = _body_of(request, write_timeout)
        if body is None:
            with _httpx_errors():
                response = await self._send(request, data, timeouts)
        else:
            response = await self._send_watched(request, body, write_timeout, timeouts)
        extensions: dict[str, Any] = {"http_version": b"HTTP/1.1"}
        if response.reason:
            extensions["reason_phrase"] = response.reason.encode()
        return httpx.Response(
            status_code=response.status,
            headers=response.raw_headers,
            stream=_ResponseBody(response, body),
            request=request,
            extensions=extensions,
        )

    async def _send_watched(
        self,
        request: httpx.Request,
        body: _WatchedBody,
        write_timeout: float | None,
        timeouts: dict[str, float | None],
    ) -> aiohttp.ClientResponse:
        """Send a request whose body aiohttp's writer task reads: under the write-timeout
        watchdog, and only returning or raising once that task no longer reads the body."""
        try:
            with anyio.CancelScope() as watchdog:
                body.watchdog = watchdog
                with _httpx_errors():
                    response = await self._send(request, body, timeouts)
            if watchdog.cancelled_caught:
                raise httpx.WriteTimeout(
                    f"the connection took no more of the request body for {write_timeout} s"
                )
        except BaseException:
            await body.stop_reading()
            if body.error is not None:
                raise body.error from None
            raise
        body.watchdog = None  # the answer came: the body is no longer timed
        return response

    async def _send(
        self, request: httpx.Request, data: Any, timeouts: dict[str, float | None]
    ) -> aiohttp.ClientResponse:
        assert isinstance(self.client, aiohttp.ClientSession)
        headers = [
            (name, value)
            for name, value in request.headers.multi_items()
            if name.lower() != "transfer-encoding"  # aiohttp frames the body itself
        ]
        return await self.client.request(
            request.method,
            str(request.url),
            headers=headers,
            data=data,
            allow_redirects=False,
            auto_decompress=False,
            compress=False,
            timeout=_client_timeout(
                timeouts.get("connect"), timeouts.get("read"), timeouts.get("pool")
            ),
            server_hostname=request.extensions.get("sni_hostname"),
        )
