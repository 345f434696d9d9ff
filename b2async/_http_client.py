"""The httpx client a :class:`~b2async.B2Client` makes for itself when none is lent to it.

Kept apart from the client because choosing a transport depends on which event loop runs
the caller, and on which optional extras are installed; nothing else in the client does.
"""

from __future__ import annotations

import httpx

__all__ = ["aiohttp_transport", "default_http_client", "running_on_asyncio"]

# Bulk uploads keep many connections busy; let them all stay alive between requests.
_CONNECTION_LIMIT = 100
# Response bodies arrive in chunks of up to this size on the aiohttp transport (its defaults
# are a 64 KiB read buffer and 16 KiB chunks): a verified 1 GiB download then costs ~1,000
# Python iterations of hashing and writing instead of ~65,000.
_AIOHTTP_READ_CHUNK = 1 << 20


def running_on_asyncio() -> bool:
    """Whether the caller runs inside an asyncio event loop (False outside any loop).

    ``sniffio`` (installed with trio) tells the loops apart even in trio's guest mode on an
    asyncio host. anyio >= 4 no longer depends on it, so a runtime-only install may lack it:
    then asyncio itself answers, since trio never runs an asyncio loop of its own.
    """
    try:
        import sniffio
    except ImportError:
        import asyncio

        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return False
        return True
    try:
        return sniffio.current_async_library() == "asyncio"
    except sniffio.AsyncLibraryNotFoundError:
        return False


def default_http_client(timeout: httpx.Timeout | float) -> httpx.AsyncClient:
    """A new httpx client for B2 requests, on the fastest transport that fits the loop.

    The fast path (optional ``aiohttp`` extra): when the client is constructed *inside a
    running asyncio loop* and ``httpx_aiohttp`` is importable, requests go through aiohttp's
    transport, which moves bytes faster than httpcore on asyncio. Everywhere else (trio, or
    construction outside any event loop, where we cannot know which loop will use the client)
    httpx's own transport is used, which works on every anyio backend.
    """
    limits = httpx.Limits(
        max_connections=_CONNECTION_LIMIT, max_keepalive_connections=_CONNECTION_LIMIT
    )
    if running_on_asyncio():
        transport = aiohttp_transport()
        if transport is not None:
            return httpx.AsyncClient(timeout=timeout, transport=transport)
    return httpx.AsyncClient(timeout=timeout, limits=limits)


def aiohttp_transport() -> httpx.AsyncBaseTransport | None:
    """httpx-aiohttp's transport with large read chunks, or None without the extra."""
    try:
        import aiohttp
        from httpx_aiohttp.transport import AiohttpResponseStream, AiohttpTransport
    except ImportError:
        return None

    def new_session() -> aiohttp.ClientSession:
        # Called by the transport on its first request, inside the running loop.
        connector = aiohttp.TCPConnector(limit=_CONNECTION_LIMIT, ssl=httpx.create_ssl_context())
        return aiohttp.ClientSession(connector=connector, read_bufsize=_AIOHTTP_READ_CHUNK)

    class LargeChunkTransport(AiohttpTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            response: httpx.Response = await super().handle_async_request(request)
            if isinstance(response.stream, AiohttpResponseStream):
                # An instance attribute: the class's 16 KiB stays as it is for other users.
                response.stream.CHUNK_SIZE = _AIOHTTP_READ_CHUNK
            return response

    transport: httpx.AsyncBaseTransport = LargeChunkTransport(client=new_session)
    return transport
