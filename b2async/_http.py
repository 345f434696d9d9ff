"""The HTTP layer: the only module that sends requests and touches JSON bytes.

:class:`B2Http` wraps one :class:`httpx.AsyncClient`. It turns non-2xx answers into the typed
errors of :mod:`b2async._errors` and httpx transport failures into :class:`B2TimeoutError` /
:class:`B2ConnectionError` (the httpx error chained as ``__cause__``). It never retries.

This is the hot path of bulk small uploads, so per-request work is kept small: static headers
are built once, JSON is encoded compactly with the standard library (no pydantic here), and
successful bodies are returned as bytes for the caller to parse once.

Messages never carry secrets: they name the method and the URL *path* only, because query
strings may hold an ``Authorization`` token (download URLs), and tokens travel only in headers.
"""

from __future__ import annotations

import base64
import json
import logging
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING, NoReturn

import httpx

from b2async._config import USER_AGENT
from b2async._errors import (
    B2ConnectionError,
    B2TimeoutError,
    B2TransportError,
    ClientClosed,
    error_from_response,
    redact,
)
from b2async._http_client import LeanAsyncClient

if TYPE_CHECKING:
    from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Mapping

    from pydantic import SecretStr

    #: ``AsyncClient.send`` or ``LeanAsyncClient.send_lean``: ``(request, *, stream=False)``.
    SendRequest = Callable[..., Awaitable[httpx.Response]]

__all__ = ["B2Http"]

logger = logging.getLogger("b2async.http")

_JSON_CONTENT_TYPE = "application/json"
_URL_CACHE_SIZE = 1024


def _path_of(url: str) -> str:
    """The URL without its query string or fragment (which may carry tokens)."""
    end = len(url)
    for separator in ("?", "#"):
        index = url.find(separator)
        if index != -1 and index < end:
            end = index
    return url[:end]


def _transport_error(method: str, url: str, exc: httpx.TransportError) -> B2TransportError:
    """Map an httpx transport failure to the b2async class, with a token-free message."""
    detail = redact(str(exc)) or type(exc).__name__
    message = f"{method} {_path_of(url)} failed: {type(exc).__name__}: {detail}"
    if isinstance(exc, httpx.TimeoutException):
        return B2TimeoutError(message)
    return B2ConnectionError(message)


def _decode_error_body(content: bytes) -> object:
    """B2's JSON error body, or the raw bytes when it is not JSON (proxies, HTML 5xx pages)."""
    if not content:
        return None
    try:
        return json.loads(content)
    except ValueError:  # includes UnicodeDecodeError
        return content


def _raise_for_response(response: httpx.Response, content: bytes) -> NoReturn:
    error = error_from_response(response.status_code, _decode_error_body(content), response.headers)
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug(
            "%s %s -> %d %s",
            response.request.method,
            _path_of(str(response.request.url)),
            error.status,
            error.code,
        )
    raise error


def _lean_sender(client: httpx.AsyncClient) -> SendRequest | None:
    """``client.send_lean`` when the requests B2Http builds are complete for ``client``.

    That is B2Client's own client, or any :class:`LeanAsyncClient` without client-level query
    parameters or cookies (only httpx's request building merges those in).
    """
    if isinstance(client, LeanAsyncClient) and not (client.params or client.cookies):
        return client.send_lean
    return None


class B2Http:
    """B2 requests over one :class:`httpx.AsyncClient`.

    The client is not owned: whoever created it closes it. Every method raises the typed error
    from :func:`b2async._errors.error_from_response` for a non-2xx answer, and
    :class:`B2TimeoutError` / :class:`B2ConnectionError` when no complete answer arrived,
    and :class:`ClientClosed` for a request after :meth:`close` or on a closed httpx client.

    Attributes:
        client: the underlying httpx client.
    """

    __slots__ = (
        "_base_headers",
        "_build_request",
        "_closed",
        "_json_headers",
        "_send_request",
        "_urls",
        "client",
    )

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        # B2Client's own client takes requests built here, complete (its default headers are
        # merged once, now), and sends them without httpx's per-request pipeline (see
        # LeanAsyncClient). A lent client gets httpx's own way: ``build_request`` merges its
        # settings in, ``send`` runs its whole pipeline.
        lean = _lean_sender(client)
        self._build_request: Callable[..., httpx.Request] = (
            httpx.Request if lean is not None else client.build_request
        )
        self._send_request: SendRequest = lean if lean is not None else client.send
        defaults: dict[str, str] = {}
        if lean is not None:
            defaults = {
                key.decode("latin-1"): value.decode("latin-1")
                for key, value in client.headers.raw
                if key.lower() != b"user-agent"
            }
        # Built once and copied per request (the token is added to the copy): every request
        # carries the User-Agent, JSON calls also the Content-Type.
        self._base_headers: dict[str, str] = {**defaults, "User-Agent": USER_AGENT}
        self._json_headers: dict[str, str] = {
            **self._base_headers,
            "Content-Type": _JSON_CONTENT_TYPE,
        }
        # Parsed URLs by their text. httpx validates and parses a URL string character by
        # character on every request; upload URLs and API endpoints repeat for thousands of
        # requests, and an ``httpx.URL`` given to httpx is reused as it is.
        self._urls: dict[str, httpx.URL] = {}
        self._closed = False

    def __repr__(self) -> str:
        return f"{type(self).__name__}(client={type(self.client).__name__})"

    def close(self) -> None:
        """Refuse every later request with :class:`ClientClosed` (the B2Client was closed;
        an httpx client lent to it may stay open for its owner)."""
        self._closed = True

    def _check_open(self) -> None:
        if self._closed or self.client.is_closed:
            raise ClientClosed(
                "the B2Client is closed (or the httpx client lent to it is): no request sent"
            )

    async def _send(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        *,
        content: bytes | AsyncIterable[bytes] | None = None,
        params: Mapping[str, str] | None = None,
    ) -> bytes:
        """Send one request, read the whole answer and return the body of a 2xx response."""
        self._check_open()
        request = self._build_request(
            method, self._url(url), headers=headers, content=content, params=params
        )
        try:
            response = await self._send_request(request)
        except httpx.TransportError as exc:
            raise _transport_error(method, url, exc) from exc
        body = response.content
        if not 200 <= response.status_code < 300:
            _raise_for_response(response, body)
        return body

    def _url(self, url: str) -> httpx.URL:
        """``url`` parsed once (a bounded cache: cleared when it grows past 1024 entries)."""
        parsed = self._urls.get(url)
        if parsed is None:
            if len(self._urls) >= _URL_CACHE_SIZE:
                self._urls.clear()
            parsed = self._urls[url] = httpx.URL(url)
        return parsed

    async def authorize(self, url: str, key_id: str, key: SecretStr) -> bytes:
        """Call ``b2_authorize_account`` at ``url`` with HTTP Basic credentials.

        Returns:
            The JSON body of the 2xx answer.
        """
        credentials = f"{key_id}:{key.get_secret_value()}".encode()
        headers = self._base_headers.copy()
        headers["Authorization"] = "Basic " + base64.b64encode(credentials).decode("ascii")
        return await self._send("GET", url, headers)

    async def call_json(self, url: str, *, token: SecretStr, body: Mapping[str, object]) -> bytes:
        """POST a JSON body to a B2 endpoint and return the 2xx answer's body.

        Top-level members whose value is ``None`` are dropped (B2 treats ``null`` as absent, and
        dropping keeps requests small). Nested ``None`` values are kept: some endpoints give
        ``null`` a meaning inside objects (e.g. ``fileRetention.mode: null`` clears retention).
        """
        payload = json.dumps(
            {name: value for name, value in body.items() if value is not None},
            separators=(",", ":"),
        ).encode()
        headers = self._json_headers.copy()
        # B2 takes the raw token, no "Bearer" prefix.
        headers["Authorization"] = token.get_secret_value()
        return await self._send("POST", url, headers, content=payload)

    async def get_json(self, url: str, *, token: SecretStr, params: Mapping[str, str]) -> bytes:
        """GET a B2 endpoint with query parameters and return the 2xx answer's body."""
        headers = self._base_headers.copy()
        headers["Authorization"] = token.get_secret_value()
        return await self._send("GET", url, headers, params=params)

    async def post_upload(
        self,
        url: str,
        *,
        headers: Mapping[str, str],
        content: bytes | AsyncIterable[bytes],
    ) -> bytes:
        """POST file data to an upload URL and return the 2xx answer's body.

        Args:
            url: the upload URL from ``b2_get_upload_url`` / ``b2_get_upload_part_url``.
            headers: must include ``Authorization`` (the upload token) and ``Content-Length``
                (B2 refuses chunked uploads), plus the ``X-Bz-*`` headers of the upload.
            content: the bytes, or an async iterable producing exactly ``Content-Length`` bytes.
        """
        merged = self._base_headers.copy()
        merged.update(headers)
        return await self._send("POST", url, merged, content=content)

    def stream(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
    ) -> AbstractAsyncContextManager[httpx.Response]:
        """Send a request and yield the streaming response (status 2xx, e.g. 200 or 206).

        The response body is not read; iterate it inside the block (``aiter_bytes``). It is
        closed when the block exits. A non-2xx answer is read and raised as its typed error
        before anything is yielded; a transport failure while the body is being read inside
        the block is raised as :class:`B2ConnectionError` / :class:`B2TimeoutError`.
        """
        return self._stream(method, url, headers, params)

    @asynccontextmanager
    async def _stream(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        params: Mapping[str, str] | None,
    ) -> AsyncIterator[httpx.Response]:
        self._check_open()
        merged = self._base_headers.copy()
        if headers:
            merged.update(headers)
        request = self._build_request(method, self._url(url), headers=merged, params=params)
        try:
            response = await self._send_request(request, stream=True)
        except httpx.TransportError as exc:
            raise _transport_error(method, url, exc) from exc
        try:
            if not 200 <= response.status_code < 300:
                try:
                    content = await response.aread()
                except httpx.TransportError:
                    content = b""  # the status alone still says what went wrong
                _raise_for_response(response, content)
            try:
                yield response
            except httpx.TransportError as exc:
                # The connection broke (or stalled) while the caller was reading the body.
                raise _transport_error(method, url, exc) from exc
        finally:
            await response.aclose()
