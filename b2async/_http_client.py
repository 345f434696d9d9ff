"""The httpx client a :class:`~b2async.B2Client` makes for itself when none is lent to it.

Its class, :class:`LeanAsyncClient`, leaves out the parts of httpx's per-request work that B2
never needs; its transport depends on which event loop runs the caller and on which optional
extras are installed. Kept apart from the client because nothing else in it cares.
"""

from __future__ import annotations

import urllib.request
from typing import Any

import httpx

from b2async._tls_reads import drain_tls_reads

__all__ = [
    "DEFAULT_MAX_CONNECTIONS",
    "LeanAsyncClient",
    "aiohttp_transport",
    "default_http_client",
    "running_on_asyncio",
]

#: Connections a client opens by default. Bulk uploads keep many busy; all of them stay alive
#: between requests.
DEFAULT_MAX_CONNECTIONS = 100
# aiohttp buffers up to this much of a response body before it stops reading the socket (its
# default is 64 KiB): the event loop then takes fewer, fuller turns per downloaded MiB.
_AIOHTTP_READ_CHUNK = 1 << 20


class _SetCookieIgnored(httpx.Cookies):
    """A cookie store that never takes cookies from responses.

    B2 sets no cookies, and httpx's extraction is not free: for every response it builds a
    ``urllib`` request (re-parsing the URL) and an ``email`` message of all the headers for
    ``http.cookiejar`` to look through.
    """

    def extract_cookies(self, response: httpx.Response) -> None:
        """Ignore the response's ``Set-Cookie`` headers."""


class LeanAsyncClient(httpx.AsyncClient):
    """The httpx client :class:`~b2async.B2Client` makes for itself.

    httpx's own client, minus two things B2 never uses that cost CPU on every request
    (together ~15-20 % of the client CPU of bulk small uploads, ~80 µs per request):

    * cookies: ``Set-Cookie`` is ignored (cookies set on the client explicitly are still
      sent with requests it builds);
    * the client-level pipeline, in :meth:`send_lean`.

    :class:`~b2async._http.B2Http` builds complete requests for it (the client's default
    headers merged once) unless it has client-level query parameters or cookies, which only
    httpx's own request building would merge in.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cookies = kwargs.get("cookies")

    @property
    def cookies(self) -> httpx.Cookies:
        return self._ignoring_cookies

    @cookies.setter
    def cookies(self, cookies: Any) -> None:
        self._ignoring_cookies = _SetCookieIgnored(cookies)

    async def send_lean(self, request: httpx.Request, *, stream: bool = False) -> httpx.Response:
        """What ``send(request, stream=stream)`` does for a client with no auth, no event hooks
        and no redirect following, with less work per request.

        The request goes straight to the transport httpx would choose for its URL (a proxy
        mount or the pool), with the client's timeout; httpx's auth-flow, redirect and
        cookie layers around it are skipped, since they would do nothing here. With any of
        them configured, or on an httpx without the transport lookup, this is ``send``.
        Like ``send``, it sends the request as it is: nothing of the client's (headers, query
        parameters, cookies) is merged in, that is ``build_request``'s work.
        """
        transport_for_url = getattr(self, "_transport_for_url", None)
        if (
            transport_for_url is None
            or self.auth is not None
            or self.follow_redirects
            or any(self.event_hooks.values())
        ):
            return await self.send(request, stream=stream)
        if self.is_closed:
            raise RuntimeError("Cannot send a request, as the client has been closed.")
        if "timeout" not in request.extensions:
            request.extensions = {**request.extensions, "timeout": self.timeout.as_dict()}
        transport: httpx.AsyncBaseTransport = transport_for_url(request.url)
        try:
            response = await transport.handle_async_request(request)
        except httpx.RequestError as exc:
            _attach_request(exc, request)
            raise
        response.request = request
        if not stream:
            try:
                await response.aread()
            except BaseException:
                await response.aclose()
                raise
        return response


def _attach_request(exc: httpx.RequestError, request: httpx.Request) -> None:
    """Give a transport error its request, as httpx's client does (``exc.request`` raises
    without one)."""
    try:
        exc.request  # noqa: B018 - the property raises when no request is attached
    except RuntimeError:
        exc.request = request


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


def default_http_client(
    timeout: httpx.Timeout | float, *, max_connections: int = DEFAULT_MAX_CONNECTIONS
) -> httpx.AsyncClient:
    """A new httpx client for B2 requests, on the fastest transport that fits the loop.

    The fast path (optional ``aiohttp`` extra): when the client is constructed *inside a
    running asyncio loop* and ``httpx_aiohttp`` is importable, requests go through aiohttp's
    transport, which moves bytes faster than httpcore on asyncio. Everywhere else (trio, or
    construction outside any event loop, where we cannot know which loop will use the client)
    httpx's own transport is used, which works on every anyio backend.

    Proxies from the environment (``HTTPS_PROXY``, ``HTTP_PROXY``, ``ALL_PROXY``) also keep
    httpx's own transport: httpx ignores them for a client given a transport of its own, so
    the fast path would connect around the proxy. httpx's transport honours them, and
    ``NO_PROXY``, the same way on every loop.

    httpx's own transport gets TLS reads that take every record already received
    (:mod:`b2async._tls_reads`).
    """
    limits = httpx.Limits(
        max_connections=max_connections, max_keepalive_connections=max_connections
    )
    if running_on_asyncio() and not _proxies_in_environment():
        transport = aiohttp_transport(max_connections=max_connections)
        if transport is not None:
            return LeanAsyncClient(timeout=timeout, transport=transport)
    client = LeanAsyncClient(timeout=timeout, limits=limits)
    # Each read takes every TLS record already received, not one (a private reach into httpx:
    # a no-op where it is missing). Proxy transports from the environment keep httpx's reads.
    drain_tls_reads(client._transport)
    return client


def _proxies_in_environment() -> bool:
    """Whether the environment names a proxy for HTTP(S) requests (as httpx reads it)."""
    proxies = urllib.request.getproxies()
    return any(scheme in proxies for scheme in ("http", "https", "all"))


def aiohttp_transport(
    *, max_connections: int = DEFAULT_MAX_CONNECTIONS
) -> httpx.AsyncBaseTransport | None:
    """httpx-aiohttp's transport, adjusted by :mod:`b2async._aiohttp_transport` (large
    received pieces, httpx's error classes), or None without the extra."""
    try:
        import aiohttp

        from b2async._aiohttp_transport import B2AiohttpTransport
    except ImportError:
        return None

    def new_session() -> aiohttp.ClientSession:
        # Called by the transport on its first request, inside the running loop.
        connector = aiohttp.TCPConnector(limit=max_connections, ssl=httpx.create_ssl_context())
        return aiohttp.ClientSession(connector=connector, read_bufsize=_AIOHTTP_READ_CHUNK)

    return B2AiohttpTransport(client=new_session)
