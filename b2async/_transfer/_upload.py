"""Uploads of known size: small files and large files read from seekable sources.

Small files (at most one part) go through ``b2_upload_file``:

* bytes already in memory are hashed first and sent as one buffer with the hex digest in the
  header — hashing memory costs no I/O, and httpx then writes the buffer in one go instead of
  driving an async generator chunk by chunk, which is the fastest path for bulk small files;
* a small file on disk is read *and hashed* in one thread hop (``read_hashed``), then sent the
  same way: one read of each byte, one hop per file;
* anything bigger is streamed from the source in large blocks with
  ``X-Bz-Content-Sha1: hex_digits_at_end`` (hashed while sending, see :mod:`._hashing`).

Large files go through start, N x upload_part, finish, with ``parts_in_flight`` parts
uploading at once, each streamed from its own offset (no part buffer; a retry re-reads the
range). The optional ``large_file_sha1`` costs one extra sequential read before the start,
because B2 wants it in the file info at ``b2_start_large_file``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, TypeVar

import anyio
import anyio.lowlevel

from b2async import _raw
from b2async._errors import B2Error, BadRequest
from b2async._models import FileAction, SseC
from b2async._transfer._hashing import HEX_DIGITS_AT_END, SHA1_HEX_LENGTH, HashingBody, check_sha1
from b2async._transfer._plan import MAX_PART_SIZE, PartSpec, plan_parts
from b2async._transfer._resume import find_resumable
from b2async._transfer._sources import WHOLE_READ_LIMIT, BytesSource, RangeSource
from b2async._transfer._tasks import first_error_task_group
from b2async._transfer._types import UploadResult, UploadSpec
from b2async._transfer._upload_pool import UploadUrlPool, upload_with_retries

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, AsyncIterable, Awaitable, Callable

    from b2async._http import B2Http
    from b2async._models import FileVersion, Part, PartUploadUrl, UploadUrl
    from b2async._session import Session
    from b2async._transfer._progress import Reporter

__all__ = ["WHOLE_READ_LIMIT", "UploadEngine"]

_log = logging.getLogger("b2async.transfer")

T = TypeVar("T")


class UploadEngine:
    """Shared upload machinery of one client: the session and the per-bucket URL pools.

    Args:
        session: the client's session (``get_upload_url`` & co. go through ``session.call``;
            the uploads themselves do not — their retries are per URL, see ``_upload_pool``).
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self._bucket_pools: dict[str, UploadUrlPool[UploadUrl]] = {}

    # ---------------------------------------------------------------- pools and limits

    def bucket_pool(self, bucket_id: str) -> UploadUrlPool[UploadUrl]:
        """The upload-URL pool of a bucket (created on first use; O(1) lookup)."""
        pool = self._bucket_pools.get(bucket_id)
        if pool is None:
            session = self.session

            async def fetch() -> UploadUrl:
                return await session.call(_raw.get_upload_url, bucket_id=bucket_id)

            pool = self._bucket_pools[bucket_id] = UploadUrlPool(fetch)
        return pool

    def part_pool(self, file_id: str) -> UploadUrlPool[PartUploadUrl]:
        """A fresh upload-URL pool for the parts of one large file."""
        session = self.session

        async def fetch() -> PartUploadUrl:
            return await session.call(_raw.get_upload_part_url, file_id=file_id)

        return UploadUrlPool(fetch)

    async def part_sizes(self, part_size: int | None) -> tuple[int, int]:
        """(preferred part size, minimum part size) from the account (or the caller)."""
        auth = await self.session.authorization()
        minimum = auth.absolute_minimum_part_size
        return (part_size or auth.recommended_part_size), minimum

    # ---------------------------------------------------------------- small files

    async def upload_small(
        self,
        spec: UploadSpec,
        source: RangeSource,
        reporter: Reporter,
        limiter: anyio.CapacityLimiter | None = None,
    ) -> UploadResult:
        """Upload a whole range source with one ``b2_upload_file`` (retried on fresh URLs)."""
        if source.size <= WHOLE_READ_LIMIT:
            data, sha1 = await source.read_hashed(0, source.size)
            return await self.upload_buffer(spec, data, sha1, reporter, limiter)
        return await self._upload_streamed(spec, source, reporter, limiter)

    async def upload_buffer(
        self,
        spec: UploadSpec,
        data: bytes,
        sha1: str,
        reporter: Reporter,
        limiter: anyio.CapacityLimiter | None = None,
    ) -> UploadResult:
        """Upload bytes in memory whose SHA-1 is known (the digest goes in the header)."""
        http = self.session.http

        async def attempt(url: UploadUrl) -> FileVersion:
            fv = await _post_file(
                http, url, spec, content=data, content_length=len(data), sha1=sha1
            )
            check_sha1(spec.file_name, sha1, fv.content_sha1)
            return fv

        fv = await upload_with_retries(
            self.bucket_pool(spec.bucket_id),
            self.session.retry,
            attempt,
            what=f"upload of {spec.file_name!r}",
            limiter=limiter,
        )
        reporter.moved(len(data))
        return UploadResult(fv, sha1, len(data))

    async def _upload_streamed(
        self,
        spec: UploadSpec,
        source: RangeSource,
        reporter: Reporter,
        limiter: anyio.CapacityLimiter | None,
    ) -> UploadResult:
        http = self.session.http
        bodies: list[HashingBody] = []

        async def attempt(url: UploadUrl) -> FileVersion:
            body = HashingBody(source.chunks(0, source.size), reporter)
            bodies.append(body)
            try:
                fv = await _post_file(
                    http,
                    url,
                    spec,
                    content=body,
                    content_length=source.size + SHA1_HEX_LENGTH,
                    sha1=HEX_DIGITS_AT_END,
                )
            finally:
                with anyio.CancelScope(shield=True):
                    await body.aclose()
            check_sha1(spec.file_name, body.digest, fv.content_sha1)
            return fv

        fv = await upload_with_retries(
            self.bucket_pool(spec.bucket_id),
            self.session.retry,
            attempt,
            what=f"upload of {spec.file_name!r}",
            on_retry=lambda: bodies[-1].rollback(),
            limiter=limiter,
        )
        digest = bodies[-1].digest
        assert digest is not None
        return UploadResult(fv, digest, source.size)

    # ---------------------------------------------------------------- large files

    async def call_in_slot(
        self,
        limiter: anyio.CapacityLimiter | None,
        fn: Callable[..., Awaitable[T]],
        **kwargs: Any,
    ) -> T:
        """``session.call(fn, **kwargs)`` holding a slot of ``limiter`` (a batch's bound on
        requests in flight covers the JSON calls of its large files too)."""
        if limiter is None:
            return await self.session.call(fn, **kwargs)
        async with limiter:
            return await self.session.call(fn, **kwargs)

    async def start_large(
        self,
        spec: UploadSpec,
        file_info: dict[str, str],
        limiter: anyio.CapacityLimiter | None = None,
    ) -> str:
        """``b2_start_large_file``; returns the new file id."""
        fv = await self.call_in_slot(
            limiter,
            _raw.start_large_file,
            bucket_id=spec.bucket_id,
            file_name=spec.file_name,
            content_type=spec.content_type or "b2/x-auto",
            file_info=file_info,
            server_side_encryption=spec.sse,
            file_retention=spec.retention,
            legal_hold=spec.legal_hold,
        )
        assert fv.file_id is not None
        return fv.file_id

    async def finish_large(
        self,
        file_id: str,
        part_sha1s: list[str],
        length: int,
        limiter: anyio.CapacityLimiter | None = None,
    ) -> FileVersion:
        """``b2_finish_large_file`` of ``length`` bytes, coping with a finish whose answer was
        lost.

        The session sends the finish again when no answer came back (a dropped connection, a
        5xx after B2 had committed it). B2 then no longer knows the file as unfinished and
        refuses the repeat with a 400. Before that refusal is reported, the file is looked
        up: a finished upload of the expected length under that id *is* the result (the id
        is unique to this upload). Without ``readFiles`` the look-up fails and the 400 stands.
        """
        try:
            return await self.call_in_slot(
                limiter, _raw.finish_large_file, file_id=file_id, part_sha1_array=part_sha1s
            )
        except BadRequest:
            try:
                version = await self.call_in_slot(limiter, _raw.get_file_info, file_id=file_id)
            except B2Error:
                version = None
            if (
                version is None
                or version.action != FileAction.UPLOAD
                or version.content_length != length
            ):
                raise
            _log.debug("finish of large file %s: answer lost, but B2 finished it", file_id)
            return version

    async def cancel_large(self, file_id: str) -> None:
        """Cancel an unfinished large file, even while the caller is being cancelled."""
        with anyio.CancelScope(shield=True):
            try:
                await self.session.call(_raw.cancel_large_file, file_id=file_id)
            except Exception as exc:  # the original failure matters more
                _log.warning("could not cancel large file %s: %s", file_id, exc)

    async def upload_part(
        self,
        pool: UploadUrlPool[PartUploadUrl],
        spec: UploadSpec,
        part: PartSpec,
        source: RangeSource | None,
        buffer: tuple[list[bytes], str] | None,
        reporter: Reporter,
        limiter: anyio.CapacityLimiter | None,
    ) -> str:
        """Upload one part (streamed from ``source`` or sent from ``buffer``); its SHA-1."""
        http = self.session.http
        sse = spec.sse if isinstance(spec.sse, SseC) else None
        what = f"part {part.number} of {spec.file_name!r}"
        bodies: list[HashingBody] = []

        async def attempt(url: PartUploadUrl) -> Part:
            if buffer is not None:
                pieces, sha1 = buffer
                content: object = _replay(pieces) if len(pieces) != 1 else pieces[0]
                length, header = part.length, sha1
            else:
                assert source is not None
                if isinstance(source, BytesSource):
                    content, sha1 = await source.read_hashed(part.offset, part.length)
                    length, header = part.length, sha1
                else:
                    body = HashingBody(source.chunks(part.offset, part.length), reporter)
                    bodies.append(body)
                    content, length, header = body, part.length + SHA1_HEX_LENGTH, HEX_DIGITS_AT_END
            try:
                result = await _raw.upload_part(
                    http,
                    url,
                    part_number=part.number,
                    content=content,  # type: ignore[arg-type]
                    content_length=length,
                    sha1=header,
                    sse=sse,
                )
            finally:
                aclose = getattr(content, "aclose", None)
                if aclose is not None:
                    with anyio.CancelScope(shield=True):
                        await aclose()
            expected = bodies[-1].digest if header == HEX_DIGITS_AT_END else header
            check_sha1(what, expected, result.content_sha1)
            return result

        def rollback() -> None:
            if bodies:
                bodies[-1].rollback()

        result = await upload_with_retries(
            pool, self.session.retry, attempt, what=what, on_retry=rollback, limiter=limiter
        )
        if not bodies:
            reporter.moved(part.length)
        assert result.content_sha1 is not None
        return result.content_sha1

    async def upload_large(
        self,
        spec: UploadSpec,
        source: RangeSource,
        reporter: Reporter,
        *,
        part_size: int,
        parts_in_flight: int,
        large_file_sha1: bool,
        resume: bool,
        limiter: anyio.CapacityLimiter | None = None,
    ) -> UploadResult:
        """Upload a seekable source as a large file; parts stream from their offsets."""
        parts = plan_parts(source.size, part_size)
        info = dict(spec.file_info)
        whole_sha1: str | None = info.get("large_file_sha1")
        if large_file_sha1 and whole_sha1 is None:
            # B2 needs it at start: one extra sequential read of the source.
            whole_sha1 = await source.sha1()
            info["large_file_sha1"] = whole_sha1
        done: dict[int, str] = {}
        file_id: str | None = None
        if resume:
            found = await find_resumable(self.session, spec, info, parts, source)
            if found is not None:
                file_id, done = found
                reporter.moved(sum(p.length for p in parts if p.number in done))
        if file_id is None:
            file_id = await self.start_large(spec, info, limiter)
        try:
            sha1s = await self.upload_parts(
                file_id, spec, parts, source, done, reporter, parts_in_flight, limiter
            )
            fv = await self.finish_large(file_id, sha1s, source.size, limiter)
        except BaseException:
            if not resume:
                await self.cancel_large(file_id)
            raise
        return UploadResult(fv, whole_sha1, source.size)

    async def upload_parts(
        self,
        file_id: str,
        spec: UploadSpec,
        parts: list[PartSpec],
        source: RangeSource,
        done: dict[int, str],
        reporter: Reporter,
        parts_in_flight: int,
        limiter: anyio.CapacityLimiter | None,
    ) -> list[str]:
        """Upload every part not in ``done`` with ``parts_in_flight`` workers; SHA-1s in order."""
        pool = self.part_pool(file_id)
        sha1s = dict(done)
        todo = iter([p for p in parts if p.number not in done])

        async def worker() -> None:
            for part in todo:
                # In-process transports may never suspend: make cancellation prompt anyway.
                await anyio.lowlevel.checkpoint_if_cancelled()
                sha1s[part.number] = await self.upload_part(
                    pool, spec, part, source, None, reporter, limiter
                )

        async with first_error_task_group() as tg:
            for _ in range(max(1, min(parts_in_flight, len(parts)))):
                tg.start_soon(worker)
        return [sha1s[p.number] for p in parts]


def _post_file(
    http: B2Http,
    url: UploadUrl,
    spec: UploadSpec,
    *,
    content: bytes | AsyncIterable[bytes],
    content_length: int,
    sha1: str,
) -> Awaitable[FileVersion]:
    """``b2_upload_file`` of ``content`` as ``spec`` describes it (name, type, info,
    encryption, Object Lock). A plain function: the caller awaits the raw call itself."""
    return _raw.upload_file(
        http,
        url,
        file_name=spec.file_name,
        content=content,
        content_length=content_length,
        sha1=sha1,
        content_type=spec.content_type,
        file_info=spec.file_info,
        sse=spec.sse,
        retention=spec.retention,
        legal_hold=spec.legal_hold,
        validated=True,  # make_spec checked name and info
    )


async def _replay(pieces: list[bytes]) -> AsyncGenerator[bytes, None]:
    for piece in pieces:
        yield piece


def effective_threshold(threshold: int | None, part_size: int) -> int:
    """Sizes above this go large: at least one part (a one-part large file is pointless and
    may be refused below the minimum part size), at most B2's 5 GB single-upload limit."""
    return min(max(threshold or part_size, part_size), MAX_PART_SIZE)
