"""In-process front door: an httpx transport that hands requests to the emulator core.

Request bodies are streamed into the core (never buffered here) and response bodies streamed
out.  Connection-level faults are applied here: ``drop`` raises ``httpx.RemoteProtocolError``
(no response) for JSON calls and uploads, or ``httpx.ReadError`` after part of a download
body; ``stall`` sleeps, and raises ``httpx.ReadTimeout`` when the request's read timeout is
shorter than the stall (custom transports don't get httpx's own timeouts).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio
import httpx

from b2async.testing._messages import EmuRequest, EmuResponse

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from b2async.testing._core import EmulatorCore


class _Body(httpx.AsyncByteStream):
    def __init__(self, body: bytes | AsyncIterator[bytes], *, drop: bool) -> None:
        self._body = body
        self._drop = drop

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if isinstance(self._body, bytes):
            if self._body:
                yield self._body
            return
        sent = False
        async for chunk in self._body:
            if self._drop and (sent or len(chunk) > 1):
                if not sent:
                    yield chunk[: len(chunk) // 2]
                raise httpx.ReadError("Connection reset by peer (injected drop)")
            sent = True
            yield chunk
        if self._drop:
            raise httpx.ReadError("Connection reset by peer (injected drop)")

    async def aclose(self) -> None:
        body = self._body
        if not isinstance(body, bytes):
            close = getattr(body, "aclose", None)
            if close is not None:
                await close()


async def _request_body(request: httpx.Request) -> AsyncIterator[bytes]:
    stream = request.stream
    if isinstance(stream, httpx.AsyncByteStream):
        async for chunk in stream:
            yield chunk
    else:  # a sync-only stream (bytes content is both)
        for chunk in stream:
            yield chunk


class EmulatorTransport(httpx.AsyncBaseTransport):
    """Routes every request, whatever its host, to one :class:`EmulatorCore`."""

    def __init__(self, core: EmulatorCore) -> None:
        self.core = core

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        emu = EmuRequest.build(
            request.method, request.url, request.headers.multi_items(), _request_body(request)
        )
        response = await self.core.handle(emu)
        fault = response.fault
        if fault is not None and fault.kind == "stall":
            await _stall(request, fault.stall_seconds)
        drop = fault is not None and fault.kind == "drop"
        if drop and isinstance(response.body, bytes):
            await _close(response)
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response (injected drop)",
                request=request,
            )
        return httpx.Response(
            response.status,
            headers=response.headers,
            stream=_Body(response.body, drop=drop),
            request=request,
        )


async def _stall(request: httpx.Request, seconds: float) -> None:
    timeout = request.extensions.get("timeout", {}).get("read")
    if timeout is None or timeout >= seconds:
        await anyio.sleep(seconds)
        return
    await anyio.sleep(timeout)
    raise httpx.ReadTimeout("Read timed out (injected stall)", request=request)


async def _close(response: EmuResponse) -> None:
    if not isinstance(response.body, bytes):
        close = getattr(response.body, "aclose", None)
        if close is not None:
            await close()
