"""Downloads: ``b2_download_file_by_name`` and ``b2_download_file_by_id`` (GET and HEAD).

Both are async context managers yielding a :class:`DownloadResponse` whose body has not been
read yet; iterate :meth:`DownloadResponse.aiter_bytes` inside the block. Nothing here verifies
the SHA-1: that is the transfer engine's job, because only it knows whether the whole file is
being read.

Tokens travel in the ``Authorization`` header. The one exception is B2's documented
``?Authorization=<token>`` query parameter for by-name downloads (``token_in_query=True``),
for URLs handed to other programs; such a URL carries the token, so do not log it.
"""

from __future__ import annotations

import re
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Literal

import httpx

from b2async._encoding import encode_b2
from b2async._errors import B2ValidationError
from b2async._models import FileVersion
from b2async._validation import range_header, validate_file_name, validate_range

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Mapping

    from pydantic import SecretStr

    from b2async._http import B2Http
    from b2async._models import SseC

__all__ = [
    "OVERRIDE_PARAMETERS",
    "DownloadResponse",
    "download_file_by_id",
    "download_file_by_name",
]

#: Query parameters that replace a response header of the download (B2 checks them against
#: a download authorization's values, when it was created with any).
OVERRIDE_PARAMETERS = frozenset(
    {
        "b2ContentDisposition",
        "b2ContentLanguage",
        "b2Expires",
        "b2CacheControl",
        "b2ContentEncoding",
        "b2ContentType",
    }
)

_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+)")

#: The two request methods a download accepts (``HEAD``: headers only, no body).
DownloadMethod = Literal["GET", "HEAD"]


class DownloadResponse:
    """A download answer (200, or 206 for a range) whose body is still to be read.

    Attributes:
        file_version: the version, built from the ``X-Bz-*`` response headers.
        status: 200 or 206.
        content_length: bytes in this response's body (for HEAD: the bytes a GET with the same
            range would return; the body itself is empty).
        content_range: ``(first, last, total)`` of a 206 answer, else ``None``.
        headers: all response headers (e.g. ``Content-Disposition``, ``Cache-Control``).
    """

    __slots__ = (
        "_response",
        "content_length",
        "content_range",
        "file_version",
        "headers",
        "status",
    )

    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self.headers = response.headers
        self.status = response.status_code
        self.content_range = parse_content_range(response.headers.get("content-range"))
        length = response.headers.get("content-length")
        if length is not None and length.isdigit():
            self.content_length = int(length)
        elif self.content_range is not None:
            self.content_length = self.content_range[1] - self.content_range[0] + 1
        else:
            self.content_length = 0
        self.file_version = FileVersion.from_download_headers(response.headers)

    def __repr__(self) -> str:
        return (
            f"DownloadResponse(status={self.status}, content_length={self.content_length}, "
            f"content_range={self.content_range}, file_name={self.file_version.file_name!r})"
        )

    def aiter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """The body, exactly as stored in B2.

        The raw bytes are yielded even when the file has a ``Content-Encoding`` (e.g. a
        ``b2-content-encoding: gzip`` file info): decoding them would break SHA-1 checks and
        hand back something other than what was uploaded.
        """
        return _raw_bytes(self._response, chunk_size)


async def _raw_bytes(response: httpx.Response, chunk_size: int | None) -> AsyncIterator[bytes]:
    if not response.is_stream_consumed:
        async for chunk in response.aiter_raw(chunk_size):
            yield chunk
        return
    # In-memory transports (httpx.MockTransport, test doubles) hand over responses built from
    # bytes, which httpx reads (and content-decodes) on construction; the raw bytes are still
    # in the response's stream, which can be iterated again.
    stream = response.stream
    if not isinstance(stream, httpx.AsyncByteStream):  # pragma: no cover - sync transports
        raise TypeError("an async download needs an async response stream")
    data = b"".join([part async for part in stream])
    step = chunk_size or len(data) or 1
    for start in range(0, len(data), step):
        yield data[start : start + step]


def parse_content_range(value: str | None) -> tuple[int, int, int] | None:
    """``"bytes 0-99/1000"`` → ``(0, 99, 1000)``; ``None`` for anything else."""
    if value is None:
        return None
    match = _CONTENT_RANGE.fullmatch(value.strip())
    if match is None:
        return None
    return int(match.group(1)), int(match.group(2)), int(match.group(3))


def _request_headers(
    token: SecretStr | None, range_: tuple[int, int] | None, sse: SseC | None
) -> dict[str, str]:
    # Identity encoding: the bytes must arrive as stored, for SHA-1 checks and ranges.
    headers = {"Accept-Encoding": "identity"}
    if token is not None:
        headers["Authorization"] = token.get_secret_value()
    if range_ is not None:
        headers["Range"] = range_header(range_)
    if sse is not None:
        headers.update(sse.upload_headers())
    return headers


def _check(
    method: str, range_: tuple[int, int] | None, overrides: Mapping[str, str] | None
) -> None:
    if method not in ("GET", "HEAD"):
        raise B2ValidationError(f"downloads use GET or HEAD, not {method!r}", rule="method")
    validate_range(range_)
    if overrides:
        unknown = sorted(set(overrides) - OVERRIDE_PARAMETERS)
        if unknown:
            raise B2ValidationError(
                f"unknown download override parameters {unknown}; "
                f"known: {sorted(OVERRIDE_PARAMETERS)}",
                rule="overrides",
            )


@asynccontextmanager
async def download_file_by_name(
    http: B2Http,
    *,
    download_url: str,
    bucket_name: str,
    file_name: str,
    token: SecretStr | None = None,
    token_in_query: bool = False,
    range_: tuple[int, int] | None = None,
    sse: SseC | None = None,
    method: DownloadMethod = "GET",
    overrides: Mapping[str, str] | None = None,
) -> AsyncIterator[DownloadResponse]:
    """Download the newest visible version of ``file_name``:
    ``{download_url}/file/{bucket_name}/{percent-encoded file_name}``.

    Args:
        http: the HTTP layer.
        download_url: the account's download URL (from the authorization).
        bucket_name: the bucket's name.
        file_name: the file name (its slashes stay literal in the URL path).
        token: the account token or a download-authorization token; ``None`` for public
            buckets.
        token_in_query: send the token as B2's ``?Authorization=`` query parameter instead of
            the header. The URL then carries the token, and httpx logs request URLs at INFO
            level (logger ``httpx``): prefer the header unless a URL must be handed on.
        range_: ``(first, last)`` inclusive byte offsets; the answer is then a 206.
        sse: the SSE-C key of an SSE-C file.
        method: ``"GET"``, or ``"HEAD"`` for the headers only.
        overrides: ``b2Content*``/``b2Expires``/``b2CacheControl`` query parameters that
            replace response headers.

    Yields:
        The :class:`DownloadResponse`; its body is readable until the block exits.

    Raises:
        B2ValidationError: before any request, for a bad name, range, method or override.
        B2APIError: the typed error of a non-2xx answer (e.g. ``NotFound``,
            ``RangeNotSatisfiable``, ``AccessDenied``).
    """
    validate_file_name(file_name, strict=False)  # an existing name; see hide_file
    _check(method, range_, overrides)
    if token_in_query and token is None:
        raise B2ValidationError("token_in_query needs a token", rule="token_in_query")
    params = dict(overrides) if overrides else {}
    header_token = token
    if token_in_query and token is not None:
        params["Authorization"] = token.get_secret_value()
        header_token = None
    url = f"{download_url}/file/{bucket_name}/{encode_b2(file_name)}"
    async with http.stream(
        method,
        url,
        headers=_request_headers(header_token, range_, sse),
        params=params or None,
    ) as response:
        yield DownloadResponse(response)


@asynccontextmanager
async def download_file_by_id(
    http: B2Http,
    *,
    download_url: str,
    file_id: str,
    token: SecretStr | None = None,
    api_version: str = "v3",
    range_: tuple[int, int] | None = None,
    sse: SseC | None = None,
    method: DownloadMethod = "GET",
    overrides: Mapping[str, str] | None = None,
) -> AsyncIterator[DownloadResponse]:
    """Download one specific version:
    ``{download_url}/b2api/{api_version}/b2_download_file_by_id?fileId=...``.

    Args:
        http: the HTTP layer.
        download_url: the account's download URL (from the authorization).
        file_id: the version's id.
        token: the account token; ``None`` for public buckets. (Download-authorization
            tokens work by name only.)
        api_version: the API version of the URL path.
        range_: ``(first, last)`` inclusive byte offsets; the answer is then a 206.
        sse: the SSE-C key of an SSE-C file.
        method: ``"GET"``, or ``"HEAD"`` for the headers only.
        overrides: ``b2Content*``/``b2Expires``/``b2CacheControl`` query parameters.

    Yields:
        The :class:`DownloadResponse`; its body is readable until the block exits.

    Raises:
        B2ValidationError: before any request, for a bad range, method or override.
        B2APIError: the typed error of a non-2xx answer.
    """
    _check(method, range_, overrides)
    params = {"fileId": file_id}
    if overrides:
        params.update(overrides)
    url = f"{download_url}/b2api/{api_version}/b2_download_file_by_id"
    async with http.stream(
        method, url, headers=_request_headers(token, range_, sse), params=params
    ) as response:
        yield DownloadResponse(response)
