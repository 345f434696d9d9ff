"""Bodies that hash what they send: ``X-Bz-Content-Sha1: hex_digits_at_end``.

B2 lets a client send the SHA-1 *after* the data: the body is the content followed by the 40
hex digits, and ``Content-Length`` counts them. That is what makes single-pass uploads
possible — each block is hashed as it goes onto the wire, nothing is read twice.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from b2async._errors import ChecksumMismatch

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, AsyncIterator

    from b2async._transfer._progress import Reporter

__all__ = ["HEX_DIGITS_AT_END", "SHA1_HEX_LENGTH", "HashingBody", "check_sha1"]

#: The ``X-Bz-Content-Sha1`` value announcing a trailing digest.
HEX_DIGITS_AT_END = "hex_digits_at_end"
#: Length of the trailing digest (added to ``Content-Length``).
SHA1_HEX_LENGTH = 40


class HashingBody:
    """One attempt's request body: ``chunks`` then their SHA-1 as 40 ASCII hex digits.

    Args:
        chunks: the data, read from its source for this attempt.
        reporter: progress for the file; bytes are reported as they are handed to httpx.
    """

    __slots__ = ("_chunks", "_generator", "_reporter", "digest", "sent")

    def __init__(self, chunks: AsyncIterator[bytes], reporter: Reporter) -> None:
        self._chunks = chunks
        self._reporter = reporter
        self._generator: AsyncGenerator[bytes, None] | None = None
        self.digest: str | None = None
        self.sent = 0

    def __aiter__(self) -> AsyncGenerator[bytes, None]:
        self._generator = self._generate()
        return self._generator

    async def aclose(self) -> None:
        """Close the body (and its source reader) if the request stopped iterating it."""
        if self._generator is not None:
            await self._generator.aclose()
        else:
            aclose = getattr(self._chunks, "aclose", None)
            if aclose is not None:
                await aclose()

    async def _generate(self) -> AsyncGenerator[bytes, None]:
        hasher = hashlib.sha1()
        update = hasher.update
        report = self._reporter.moved if self._reporter.active else None
        try:
            async for chunk in self._chunks:
                update(chunk)
                self.sent += len(chunk)
                if report is not None:
                    report(len(chunk))
                yield chunk
        finally:
            aclose = getattr(self._chunks, "aclose", None)
            if aclose is not None:
                await aclose()
        self.digest = hasher.hexdigest()
        yield self.digest.encode("ascii")

    def rollback(self) -> None:
        """Take back the progress of a failed attempt (its bytes will be sent again)."""
        if self.sent and self._reporter.active:
            self._reporter.moved(-self.sent)
        self.sent = 0


def check_sha1(what: str, expected: str | None, reported: str | None) -> None:
    """Raise :class:`ChecksumMismatch` unless B2 acknowledged the SHA-1 we computed.

    B2 reports the digest it verified (``contentSha1``); ``unverified:<hex>`` is accepted when
    its hex part matches.
    """
    if reported is not None and reported.startswith("unverified:"):
        reported = reported[len("unverified:") :]
    if expected is None or reported != expected:
        raise ChecksumMismatch(
            f"{what}: B2 acknowledged SHA-1 {reported!r}, we sent {expected!r}",
            expected=expected,
            actual=reported,
        )
