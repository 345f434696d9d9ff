"""The emulator as an ASGI3 application (the front door used when serving over a socket).

:class:`EmulatorApp` turns an ASGI HTTP request into an :class:`EmuRequest` (the request body is
streamed from ``receive()`` so large uploads are never buffered here), hands it to the emulator
core and streams the :class:`EmuResponse` back. It also applies the two connection-level faults
the core leaves to its front doors:

* ``"drop"``: part of the response body is sent, then the connection is broken, so the client
  sees a truncated response (the core has already acted on the request, exactly like a real
  connection lost after the server did the work);
* ``"stall"``: the response is held back for ``fault.stall_seconds`` before it starts.

It runs under any ASGI server (``b2async.testing.serve`` uses uvicorn) and under
``httpx.ASGITransport``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from email.utils import formatdate
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

import anyio
import httpx

from b2async.testing._messages import EmuRequest, EmuResponse

if TYPE_CHECKING:
    from b2async.testing._faults import Fault

__all__ = ["ConnectionDropped", "EmulatorApp", "Receive", "Scope", "Send"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class RequestHandler(Protocol):
    """What the app needs from the emulator core."""

    async def handle(self, request: EmuRequest) -> EmuResponse: ...


class ConnectionDropped(Exception):
    """Raised by the app to make the ASGI server abort the connection (a "drop" fault).

    Servers close the connection when an application fails after the response has started;
    ``b2async.testing.serve`` keeps this expected failure out of the logs.
    """


class EmulatorApp:
    """ASGI3 application serving an emulator core.

    Args:
        core: The emulator core (anything with ``async handle(EmuRequest) -> EmuResponse``).
    """

    def __init__(self, core: RequestHandler) -> None:
        self.core = core

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            raise RuntimeError(f"the B2 emulator only speaks HTTP, not {scope['type']!r}")
        request = EmuRequest.build(
            scope["method"],
            _url(scope),
            [(name.decode("latin-1"), value.decode("latin-1")) for name, value in scope["headers"]],
            _request_body(receive),
        )
        response = await self.core.handle(request)
        fault = response.fault
        if fault is not None and fault.kind == "stall":
            await anyio.sleep(fault.stall_seconds)
        if fault is not None and fault.kind == "drop":
            await _drop(response, send, fault)
            return
        await send(_start(response.status, response.headers))
        await _send_body(response, send)


def _start(status: int, headers: list[tuple[str, str]]) -> Message:
    encoded = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers]
    # B2 dates every response and b2sdk's clock-skew check reads the header on every call, so
    # add one when the core did not (serve() turns uvicorn's own Date header off to avoid a
    # duplicate, which b2sdk would reject as a malformed date).
    if not any(name == b"date" for name, _ in encoded):
        encoded.append((b"date", formatdate(usegmt=True).encode("latin-1")))
    return {"type": "http.response.start", "status": status, "headers": encoded}


def _url(scope: Scope) -> httpx.URL:
    """Rebuild the request URL, keeping the path's percent-encoding as the client sent it."""
    raw_path: bytes | None = scope.get("raw_path")
    path = raw_path.decode("latin-1") if raw_path else quote(scope["path"], safe="/")
    query: bytes = scope.get("query_string", b"")
    host = _header(scope, b"host")
    if host is None:
        server = scope.get("server") or ("127.0.0.1", 80)
        host = f"{server[0]}:{server[1]}"
    url = f"{scope.get('scheme', 'http')}://{host}{path}"
    if query:
        url = f"{url}?{query.decode('latin-1')}"
    return httpx.URL(url)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


async def _request_body(receive: Receive) -> AsyncIterator[bytes]:
    """Yield the request body chunk by chunk as the server receives it."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        chunk: bytes = message.get("body", b"")
        if chunk:
            yield chunk
        if not message.get("more_body", False):
            return


async def _send_body(response: EmuResponse, send: Send) -> None:
    body = response.body
    if isinstance(body, bytes):
        await send({"type": "http.response.body", "body": body, "more_body": False})
        return
    try:
        async for chunk in body:
            if chunk:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
    finally:
        await _close(body)
    await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _drop(response: EmuResponse, send: Send, fault: Fault) -> None:
    """Break the connection before the response is complete (a "drop" fault).

    Like the in-process transport: a whole-body answer (JSON calls, uploads — whose body the
    core left half-read) gets no response at all, the connection just closes; a streamed
    download is cut off after its headers and about half of its first chunk.

    Closing a connection without any response needs the server's transport: it is done under
    uvicorn (what :func:`b2async.testing.serve` runs). ASGI has no portable way, so elsewhere
    the app raises :class:`ConnectionDropped` before responding (servers then answer 500;
    ``httpx.ASGITransport`` re-raises it).
    """
    body = response.body
    if isinstance(body, bytes) or response.status == 0:
        if _close_connection(send):
            return
        raise ConnectionDropped(fault.message or "connection dropped (injected fault)")
    await send(_start(response.status, response.headers))
    first = b""
    async for chunk in body:
        if chunk:
            first = chunk
            break
    await _close(body)
    part = first[: len(first) // 2]
    if part:
        await send({"type": "http.response.body", "body": part, "more_body": True})
    raise ConnectionDropped(fault.message or "connection dropped (injected fault)")


def _close_connection(send: Send) -> bool:
    """Close the TCP connection without any response, if the server is uvicorn.

    uvicorn's ``send`` is a method of its per-request cycle object, which holds the asyncio
    transport. Marking the cycle disconnected stops uvicorn from answering 500 afterwards.
    """
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None or not hasattr(cycle, "disconnected"):
        return False
    transport.close()
    cycle.disconnected = True  # type: ignore[union-attr]
    return True


async def _close(body: AsyncIterator[bytes]) -> None:
    close = getattr(body, "aclose", None)
    if close is not None:
        await close()


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
