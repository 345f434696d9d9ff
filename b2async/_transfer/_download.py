"""Streaming downloads, verified while they stream, resumed when the connection breaks.

:func:`open_download` opens a download (retrying the opening on 408/429/5xx/transport errors
and re-authorizing once on an expired account token) and yields a :class:`Download`. Its
:meth:`Download.aiter_bytes` hashes every chunk as it passes; at the end of the stream the
byte count is checked against what was announced (:class:`TruncatedDownload`) and, for a
whole file, the SHA-1 against ``contentSha1`` — or ``large_file_sha1`` from the file info for
large files, for which B2 keeps no digest (:class:`ChecksumMismatch`). A partial range can't
be hashed against anything B2 knows, so only its length is checked.

When the body breaks midway (a transport error or a timeout), :meth:`Download.aiter_bytes`
closes the broken response and re-opens the rest — ``Range: bytes=<first byte not received>-
<last byte wanted>`` — of the *same version*, by the file id of the first response (never by
name again: a newer version may have been uploaded meanwhile), and carries on hashing and
counting over the concatenated stream. All failures of one download (broken bodies and failed
re-opens) share one attempt count, bounded by the session's :class:`RetryPolicy`.
"""

from __future__ import annotations

import hashlib
from contextlib import AsyncExitStack, aclosing, asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import anyio
import httpx

from b2async import _raw
from b2async._errors import (
    B2ConnectionError,
    B2TimeoutError,
    B2TransportError,
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


class _Resumer:
    """Owns a download's current response and re-opens the rest of the same version.

    Each response lives in its own exit stack, so a broken one is closed (its connection
    released) before the next request goes out.
    """

    def __init__(
        self, session: Session, target: DownloadTarget, sse: SseC | None, stack: AsyncExitStack
    ) -> None:
        self.session = session
        self.target = target
        self.sse = sse
        self.stack = stack

    async def close(self) -> None:
        """Close the current response (shielded: it must not leak even when cancelled)."""
        with anyio.CancelScope(shield=True):
            await self.stack.aclose()

    async def reopen(self, range_: tuple[int, int], failures: int) -> tuple[Any, int]:
        """Close the current response and open ``range_`` of the same version.

        Returns the new response and the updated failure count (failed re-opens count too).
        """
        await self.close()
        self.stack = AsyncExitStack()
        return await _enter(self.session, self.target, range_, self.sse, self.stack, failures)


async def _enter(
    session: Session,
    target: DownloadTarget,
    range_: tuple[int, int] | None,
    sse: SseC | None,
    stack: AsyncExitStack,
    failures: int = 0,
) -> tuple[Any, int]:
    """Open ``target`` into ``stack``, retrying per the session's policy.

    Re-authorizes once on an invalid account token; every other failure goes through
    :meth:`Session.back_off` (which re-raises it when it is not retryable or ``failures``
    reaches ``max_attempts``). Returns the response and the updated failure count.
    """
    reauthorized = False
    while True:
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
            failures += 1
            await session.back_off(exc, failures)
            continue
        return response, failures


class Download:
    """An open download: the file's metadata and its verified byte stream.

    Opening the download is retried (408/429/5xx, transport errors, an expired token), and so
    is the stream: if the connection breaks (or stalls past the read timeout) while the caller
    consumes :meth:`aiter_bytes`, the broken response is closed and the rest of the same
    version is fetched by file id with a ``Range`` starting at the first byte not received
    (within the caller's range, if one was asked for); iteration simply continues, the SHA-1
    and length checks spanning all responses. Broken bodies and failed re-opens share one
    attempt count bounded by the session's ``RetryPolicy.max_attempts``; when it runs out, the
    last error (:class:`B2ConnectionError`, :class:`B2TimeoutError` or a retryable
    :class:`B2APIError`) is raised, the bytes already yielded standing. A wrong SHA-1 at the
    end is never retried here: :class:`ChecksumMismatch` surfaces.

    Attributes:
        file_version: the file version, built from the (first) response's headers.
        content_length: bytes this download delivers (the range's length when ranged).
        content_range: ``(first, last, total)`` for a ranged answer, else ``None``.
    """

    def __init__(
        self, response: Any, reporter: Reporter | None = None, *, resumer: _Resumer | None = None
    ) -> None:
        self._response = response
        self._reporter = reporter
        self._resumer = resumer
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
        """The first response's bytes without any checking or resuming (for the segmented
        file writer, which resumes each segment itself).

        A broken connection is raised as :class:`B2ConnectionError` / :class:`B2TimeoutError`
        right here (not only when the block exits), so callers can retry where they are.
        """
        self._consumed = True
        async with aclosing(self._chunks(self._response, chunk_size)) as chunks:
            async for chunk in chunks:
                yield chunk

    async def _chunks(self, response: Any, chunk_size: int | None) -> AsyncGenerator[bytes, None]:
        name = self.file_version.file_name
        try:
            async with aclosing(response.aiter_bytes(chunk_size)) as chunks:
                async for chunk in chunks:
                    yield chunk
        except httpx.TimeoutException as exc:
            raise B2TimeoutError(f"download of {name!r} timed out: {type(exc).__name__}") from exc
        except httpx.TransportError as exc:
            raise B2ConnectionError(f"download of {name!r} broke: {type(exc).__name__}") from exc

    def _span(self) -> tuple[int, int]:
        """``(first, last)``: the file offsets this download covers (inclusive)."""
        if self.content_range is not None:
            return self.content_range[0], self.content_range[1]
        return 0, self.content_length - 1

    async def _resume(self, error: B2TransportError, received: int, failures: int) -> int:
        """Back off after ``error``, then re-open from byte ``received`` of this download.

        Returns the updated failure count; raises when the policy says to stop.
        """
        assert self._resumer is not None
        failures += 1
        await self._resumer.session.back_off(error, failures)
        first, last = self._span()
        start = first + received
        response, failures = await self._resumer.reopen((start, last), failures)
        self._response = response
        got = response.content_range
        total = self.content_range[2] if self.content_range is not None else self.content_length
        if got != (start, last, total):
            # Not the bytes asked for (the server ignored or clipped the Range): never splice
            # them into the stream. Counted as a failed attempt like a broken body.
            raise TruncatedDownload(
                f"{self.file_version.file_name!r}: resuming at byte {start} got content range "
                f"{got} instead of {(start, last, total)}",
                expected=self.content_length,
                received=received,
            )
        return failures

    async def aiter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """Yield the content, resuming a broken stream; raise at the end if it was short or
        its SHA-1 is wrong.

        Raises:
            B2ConnectionError: the connection broke and the retry policy's attempts are spent
                (or the download cannot be resumed).
            B2TimeoutError: the stream stalled past the read timeout, attempts spent likewise.
            B2APIError: re-opening the rest failed with a non-retryable error, or a retryable
                one once attempts were spent.
            TruncatedDownload: fewer bytes arrived than announced.
            ChecksumMismatch: a whole-file download whose SHA-1 differs from B2's (not
                retried).
        """
        if self._consumed:
            raise RuntimeError("a download's content can be iterated only once")
        self._consumed = True
        expected = expected_sha1(self.file_version) if self.is_whole_file else None
        hasher = hashlib.sha1() if expected is not None else None
        reporter = self._reporter if self._reporter is not None and self._reporter.active else None
        received = 0
        failures = 0
        while True:
            try:
                async with aclosing(self._chunks(self._response, chunk_size)) as chunks:
                    async for chunk in chunks:
                        received += len(chunk)
                        if hasher is not None:
                            hasher.update(chunk)
                        if reporter is not None:
                            reporter.moved(len(chunk))
                        yield chunk
                break
            except B2TransportError as exc:
                if self._resumer is None:
                    raise
                if received >= self.content_length:
                    break  # every byte arrived before the connection broke
                while True:
                    try:
                        failures = await self._resume(exc, received, failures)
                        break
                    except TruncatedDownload as mismatch:
                        failures += 1
                        await self._resumer.session.back_off(mismatch, failures)
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
        """The whole (verified) content, resumed across broken connections like
        :meth:`aiter_bytes`."""
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

    The yielded :class:`Download` resumes a broken stream in :meth:`Download.aiter_bytes`
    (re-opening by the first response's file id); :meth:`Download.raw_chunks` does not
    (``download_to_file`` resumes its segments at the byte where they stopped). Whichever
    response is current is closed when the block exits, even on cancellation.
    """
    validate_range(range_)
    resumer = _Resumer(session, target, sse, AsyncExitStack())
    try:
        response, _ = await _enter(session, target, range_, sse, resumer.stack)
        file_id = response.file_version.file_id
        if file_id:
            resumer.target = DownloadTarget.by_id(file_id)  # the same version, whatever happens
            yield Download(response, reporter, resumer=resumer)
        else:  # pragma: no cover - B2 always sends X-Bz-File-Id
            yield Download(response, reporter)
    finally:
        await resumer.close()
