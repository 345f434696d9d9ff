"""Streaming downloads, verified while they stream.

:func:`open_download` opens a download (retrying the *opening* on 408/429/5xx/transport
errors and re-authorizing once on an expired account token) and yields a :class:`Download`.
Its :meth:`Download.aiter_bytes` hashes every chunk as it passes; at the end of the stream
the byte count is checked against what was announced (:class:`TruncatedDownload`) and, for a
whole file, the SHA-1 against ``contentSha1`` — or ``large_file_sha1`` from the file info for
large files, for which B2 keeps no digest (:class:`ChecksumMismatch`). A partial range can't
be hashed against anything B2 knows, so only its length is checked.
"""

from __future__ import annotations

import hashlib
from contextlib import AsyncExitStack, aclosing, asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from b2async import _raw
from b2async._errors import (
    B2ConnectionError,
    B2TimeoutError,
    ChecksumMismatch,
    InvalidAuthToken,
    TruncatedDownload,
)
from b2async._validation import validate_file_name, validate_range

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, AsyncIterator
    from contextlib import AbstractAsyncContextManager

    from b2async._models import FileVersion, SseC
    from b2async._raw._context import ApiContext
    from b2async._raw._download import DownloadMethod
    from b2async._session import Session
    from b2async._transfer._progress import Reporter

__all__ = ["Download", "DownloadTarget", "expected_sha1", "open_download"]


@dataclass(frozen=True, slots=True)
class DownloadTarget:
    """What to download: by bucket + name, or by file id."""

    bucket_name: str | None = None
    file_name: str | None = None
    file_id: str | None = None

    @classmethod
    def by_name(cls, bucket_name: str, file_name: str) -> DownloadTarget:
        """The newest visible version of ``file_name``."""
        validate_file_name(file_name, strict=False)  # an existing name (B2's own checks)
        return cls(bucket_name=bucket_name, file_name=file_name)

    @classmethod
    def by_id(cls, file_id: str) -> DownloadTarget:
        """One specific file version."""
        return cls(file_id=file_id)

    @property
    def label(self) -> str:
        """For messages and progress events."""
        return self.file_name if self.file_name is not None else f"id:{self.file_id}"

    def open(
        self,
        ctx: ApiContext,
        range_: tuple[int, int] | None,
        sse: SseC | None,
        *,
        method: DownloadMethod = "GET",
    ) -> AbstractAsyncContextManager[Any]:
        """The raw download context manager for this target (``HEAD``: headers only)."""
        if self.file_id is not None:
            return _raw.download_file_by_id(
                ctx.http,
                download_url=ctx.download_url,
                file_id=self.file_id,
                token=ctx.token,
                api_version=ctx.api_version,
                range_=range_,
                sse=sse,
                method=method,
            )
        assert self.bucket_name is not None
        assert self.file_name is not None
        return _raw.download_file_by_name(
            ctx.http,
            download_url=ctx.download_url,
            bucket_name=self.bucket_name,
            file_name=self.file_name,
            token=ctx.token,
            range_=range_,
            sse=sse,
            method=method,
        )

    async def head(self, ctx: ApiContext, *, sse: SseC | None = None) -> FileVersion:
        """The version this target names, from a ``HEAD`` request (no content is sent).

        Shaped for ``Session.call`` (context first), so it is retried and re-authorized
        like any endpoint.
        """
        async with self.open(ctx, None, sse, method="HEAD") as response:
            version: FileVersion = response.file_version
            return version


def expected_sha1(file_version: FileVersion) -> str | None:
    """The whole-file SHA-1 a download can be checked against, if B2 (or the uploader) has
    one: the verified ``contentSha1``, else ``large_file_sha1`` from the file info."""
    return file_version.verified_sha1 or file_version.large_file_sha1


class Download:
    """An open download: the file's metadata and its verified byte stream.

    Opening the download is retried (408/429/5xx, transport errors, an expired token); the
    stream itself is not: if the connection breaks while the caller consumes it, iteration
    raises :class:`B2ConnectionError` (or :class:`B2TimeoutError`) and the bytes already
    yielded stand. To carry on, open a ranged download starting at the first byte not
    received. ``download_to_file`` does exactly that for each of its segments.

    Attributes:
        file_version: the file version, built from the response headers.
        content_length: bytes in this response (the range's length for a ranged download).
        content_range: ``(first, last, total)`` for a ranged answer, else ``None``.
    """

    def __init__(self, response: Any, reporter: Reporter | None = None) -> None:
        self._response = response
        self._reporter = reporter
        self.file_version: FileVersion = response.file_version
        self.content_length: int = response.content_length
        self.content_range: tuple[int, int, int] | None = response.content_range
        self._consumed = False

    @property
    def is_whole_file(self) -> bool:
        """Whether this response carries the whole file (so its SHA-1 can be checked)."""
        cr = self.content_range
        return cr is None or (cr[0] == 0 and cr[1] == cr[2] - 1)

    async def raw_chunks(self, chunk_size: int | None = None) -> AsyncGenerator[bytes, None]:
        """The response's bytes without any checking (for the segmented file writer).

        A broken connection is raised as :class:`B2ConnectionError` / :class:`B2TimeoutError`
        right here (not only when the block exits), so callers can retry where they are.
        """
        self._consumed = True
        name = self.file_version.file_name
        try:
            async with aclosing(self._response.aiter_bytes(chunk_size)) as chunks:
                async for chunk in chunks:
                    yield chunk
        except httpx.TimeoutException as exc:
            raise B2TimeoutError(f"download of {name!r} timed out: {type(exc).__name__}") from exc
        except httpx.TransportError as exc:
            raise B2ConnectionError(f"download of {name!r} broke: {type(exc).__name__}") from exc

    async def aiter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """Yield the content; raise at the end if it was short or its SHA-1 is wrong.

        Raises:
            B2ConnectionError: the connection broke mid-stream (not retried; see the class).
            B2TimeoutError: the stream stalled past the read timeout (not retried).
            TruncatedDownload: fewer bytes arrived than announced.
            ChecksumMismatch: a whole-file download whose SHA-1 differs from B2's.
        """
        if self._consumed:
            raise RuntimeError("a download's content can be iterated only once")
        expected = expected_sha1(self.file_version) if self.is_whole_file else None
        hasher = hashlib.sha1() if expected is not None else None
        reporter = self._reporter if self._reporter is not None and self._reporter.active else None
        received = 0
        async with aclosing(self.raw_chunks(chunk_size)) as chunks:
            async for chunk in chunks:
                received += len(chunk)
                if hasher is not None:
                    hasher.update(chunk)
                if reporter is not None:
                    reporter.moved(len(chunk))
                yield chunk
        if received != self.content_length:
            raise TruncatedDownload(
                f"{self.file_version.file_name!r}: got {received} of {self.content_length} bytes",
                expected=self.content_length,
                received=received,
            )
        if hasher is not None and hasher.hexdigest() != expected:
            raise ChecksumMismatch(
                f"{self.file_version.file_name!r}: downloaded data does not match its SHA-1",
                expected=expected,
                actual=hasher.hexdigest(),
            )

    async def read(self) -> bytes:
        """The whole (verified) content."""
        parts = [chunk async for chunk in self.aiter_bytes()]
        return b"".join(parts)


@asynccontextmanager
async def open_download(
    session: Session,
    target: DownloadTarget,
    *,
    range_: tuple[int, int] | None = None,
    sse: SseC | None = None,
    reporter: Reporter | None = None,
) -> AsyncIterator[Download]:
    """Open a download, retrying the opening per the session's policy.

    Only the opening is retried here; a stream that breaks midway raises to the reader
    (``download_to_file`` resumes its segments at the byte where they stopped).
    """
    validate_range(range_)
    reauthorized = False
    attempt = 0
    async with AsyncExitStack() as stack:
        while True:
            attempt += 1
            ctx = await session.context()
            try:
                response = await stack.enter_async_context(target.open(ctx, range_, sse))
            except InvalidAuthToken:
                if reauthorized:
                    raise
                reauthorized = True
                await session.reauthorize_if_stale(ctx.generation)
                continue
            except Exception as exc:
                await session.back_off(exc, attempt)
                continue
            break
        yield Download(response, reporter)
