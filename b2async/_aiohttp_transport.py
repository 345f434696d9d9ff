"""httpx-aiohttp's transport, adjusted to behave like httpx's own (the optional fast path).

Imported only when the ``aiohttp`` extra is installed (see
:func:`b2async._http_client.aiohttp_transport`). Three things differ from httpx-aiohttp as
shipped:

* **Bodies arrive in the pieces aiohttp received** (up to the session's read buffer) instead
  of being re-cut to 16 KiB, which made aiohttp join what it had buffered: one more copy of
  every downloaded byte.
* **Failures carry the httpx class httpx's own transport would raise.** httpx-aiohttp maps
  every ``aiohttp.ClientConnectionError`` (a refused connection, a server that hung up) to
  ``httpx.ConnectTimeout``, so b2async would report a refused connection as a
  :class:`~b2async.B2TimeoutError`.
* **An error raised by the request body is raised as itself.** aiohttp reports a body
  iterator that fails (a file that shrank, a disk error) as a broken connection; the upload
  would then be retried as a network fault and end as a misleading timeout. Over httpx's own
  transport the error propagates unchanged, and now over this one too.
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
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import aiohttp
import anyio
import httpx
from httpx_aiohttp.transport import AiohttpResponseStream, AiohttpTransport

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

__all__ = ["B2AiohttpTransport", "httpx_error_for"]


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
    """Raise aiohttp failures, and httpx-aiohttp's mapping of them, as :func:`httpx_error_for`
    classes them (the aiohttp error stays chained as ``__cause__``)."""
    try:
        yield
    except httpx.TransportError as exc:
        cause = exc.__cause__
        mapped = None if cause is None else httpx_error_for(cause)
        if mapped is None:
            raise
        raise mapped from cause
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        mapped = httpx_error_for(exc)
        if mapped is None:
            raise
        raise mapped from exc


class _WatchedBody(httpx.AsyncByteStream):
    """A request body that knows which task reads it and remembers the error its source
    raised (to be re-raised instead of the broken connection aiohttp reports)."""

    def __init__(self, inner: httpx.AsyncByteStream) -> None:
        self._inner = inner
        self._reader: asyncio.Task[Any] | None = None
        self.error: Exception | None = None

    async def __aiter__(self) -> AsyncIterator[bytes]:
        self._reader = asyncio.current_task()
        try:
            async for chunk in self._inner:
                yield chunk
        except Exception as exc:
            self.error = exc
            raise
        finally:
            self._reader = None

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def stop_reading(self) -> None:
        """Return once no other task reads the body, cancelling aiohttp's writer task if it
        still does (aiohttp cancels it too, but does not wait for it)."""
        reader = self._reader
        if reader is None or reader.done() or reader is asyncio.current_task():
            return
        reader.cancel()
        with anyio.CancelScope(shield=True):
            await asyncio.wait([reader])


def _watch_body(request: httpx.Request) -> _WatchedBody | None:
    """Wrap a streamed request body in a :class:`_WatchedBody` (``None`` for bytes bodies)."""
    try:
        request.content  # noqa: B018 - raises RequestNotRead for a streamed body
    except httpx.RequestNotRead:
        if isinstance(request.stream, httpx.AsyncByteStream):
            body = _WatchedBody(request.stream)
            request.stream = body
            return body
    return None


class _ReceivedChunksStream(AiohttpResponseStream):
    """A response body yielded in the pieces aiohttp received it in.

    httpx-aiohttp's own stream re-cuts the body to a fixed size (16 KiB), and any fixed size
    makes aiohttp join the pieces it buffered into a new ``bytes``: one more copy of every
    downloaded byte. Received pieces (up to 256 KiB from asyncio) are passed on as they are.
    Closing it also waits until the request's body is no longer being read.
    """

    def __init__(self, response: aiohttp.ClientResponse, body: _WatchedBody | None) -> None:
        super().__init__(response)
        self._request_body = body

    async def __aiter__(self) -> AsyncIterator[bytes]:
        content = self._aiohttp_response.content
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
                await super().aclose()
        finally:
            if self._request_body is not None:
                await self._request_body.stop_reading()


class B2AiohttpTransport(AiohttpTransport):
    """httpx-aiohttp's transport with the adjustments in this module's docstring."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = _watch_body(request)
        try:
            with _httpx_errors():
                response: httpx.Response = await super().handle_async_request(request)
        except BaseException:
            if body is not None:
                await body.stop_reading()
                if body.error is not None:
                    raise body.error from None
            raise
        stream = response.stream
        # httpx-aiohttp keeps the aiohttp response in a private attribute; without it (some
        # future release) its own stream is kept, which is correct but copies once more (and
        # the body's reader is then only cancelled by aiohttp, not waited for).
        if isinstance(stream, AiohttpResponseStream) and hasattr(stream, "_aiohttp_response"):
            response.stream = _ReceivedChunksStream(stream._aiohttp_response, body)
        return response
