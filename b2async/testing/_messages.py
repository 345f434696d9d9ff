"""The request/response pair exchanged between the emulator core and its front doors.

Both front doors (the in-process httpx transport and the ASGI app) translate their native
request into an :class:`EmuRequest`, call :meth:`EmulatorCore.handle` and translate the
:class:`EmuResponse` back.  Keeping this pair tiny and free of httpx/ASGI specifics is what
lets the same core serve both.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from b2async.testing._faults import Fault


async def _empty_body() -> AsyncIterator[bytes]:
    return
    yield b""  # pragma: no cover - makes this an async generator


@dataclass
class EmuRequest:
    """One HTTP request as seen by the emulator core.

    Attributes:
        method: Upper-case HTTP method.
        url: The full request URL; ``url.raw_path`` keeps the percent-encoding of the path
            (file names in download URLs are decoded by the core itself).
        headers: Header names lower-cased; repeated headers joined with ``", "``.
        body: The request body, streamed; the core reads it incrementally.
    """

    method: str
    url: httpx.URL
    headers: Mapping[str, str]
    body: AsyncIterator[bytes] = field(default_factory=_empty_body)

    @classmethod
    def build(
        cls,
        method: str,
        url: str | httpx.URL,
        headers: Mapping[str, str] | list[tuple[str, str]] | None = None,
        body: AsyncIterator[bytes] | None = None,
    ) -> EmuRequest:
        """Build a request, normalising header names to lower case."""
        merged: dict[str, str] = {}
        items = headers.items() if isinstance(headers, Mapping) else (headers or [])
        for name, value in items:
            key = name.lower()
            merged[key] = f"{merged[key]}, {value}" if key in merged else value
        return cls(method.upper(), httpx.URL(url), merged, body or _empty_body())


@dataclass
class EmuResponse:
    """One HTTP response produced by the emulator core.

    Attributes:
        status: HTTP status code.
        headers: Response headers (names as B2 spells them; order kept).
        body: Whole body, or an async iterator streaming it (downloads).
        fault: A "drop"/"stall" fault the front door must apply while delivering this
            response (the core applies "status"/"expire_token" faults itself).
        endpoint: The ``b2_*`` endpoint name the request was routed to ("" if none).
    """

    status: int
    headers: list[tuple[str, str]]
    body: bytes | AsyncIterator[bytes] = b""
    fault: Fault | None = None
    endpoint: str = ""

    def header(self, name: str) -> str | None:
        """Return the first header called ``name`` (case-insensitive), or None."""
        lower = name.lower()
        for key, value in self.headers:
            if key.lower() == lower:
                return value
        return None

    async def read(self) -> bytes:
        """Return the whole body (drains a streamed body)."""
        if isinstance(self.body, bytes):
            return self.body
        parts = [chunk async for chunk in self.body]
        return b"".join(parts)


JsonObject = dict[str, Any]
