"""A transport wrapper that records download requests and what became of their bodies."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


class DownloadFetch:
    """One download request: endpoint, file id, range, status, and its body's fate."""

    def __init__(self, request: httpx.Request, status: int) -> None:
        self.by_id = request.url.path.endswith("/b2_download_file_by_id")
        self.file_id = request.url.params.get("fileId")
        match = re.fullmatch(r"bytes=(\d+)-(\d+)", request.headers.get("Range", ""))
        self.range = (int(match[1]), int(match[2])) if match else None
        self.status = status
        self.delivered = 0
        self.broken = False
        self.closed = False


class _RecordedBody(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, fetch: DownloadFetch) -> None:
        self._inner = inner
        self._fetch = fetch

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._inner:
                self._fetch.delivered += len(chunk)
                yield chunk
        except httpx.TransportError:
            self._fetch.broken = True
            raise

    async def aclose(self) -> None:
        self._fetch.closed = True
        await self._inner.aclose()


class DownloadRecorder(httpx.AsyncBaseTransport):
    """Wraps the emulator's transport and records every download request in ``fetches``."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner
        self.fetches: list[DownloadFetch] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        if "/b2_download_file_by_" not in request.url.path and "/file/" not in request.url.path:
            return response
        fetch = DownloadFetch(request, response.status_code)
        self.fetches.append(fetch)
        assert isinstance(response.stream, httpx.AsyncByteStream)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=_RecordedBody(response.stream, fetch),
            request=request,
        )
