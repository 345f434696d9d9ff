"""Byte ranges over stored chunk lists (downloads, copies)."""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from b2async.testing._wire import ApiError, bad_request

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def parse_http_range(header: str | None, total: int) -> tuple[int, int] | None:
    """Parse a ``Range`` header into an inclusive ``(first, last)``; None = whole body.

    Supports ``a-b``, open ``a-`` and suffix ``-n``; unsatisfiable -> 416.
    """
    if header is None:
        return None
    match = _RANGE.match(header.strip().replace(" ", ""))
    if match is None or (not match.group(1) and not match.group(2)):
        raise bad_request(f"Invalid Range header: {header}")
    first_text, last_text = match.groups()
    if not first_text:
        suffix = int(last_text)
        if suffix == 0 or total == 0:
            raise _unsatisfiable(total)
        return max(0, total - suffix), total - 1
    first = int(first_text)
    if last_text and int(last_text) < first:
        raise bad_request(f"Invalid Range header: {header}")
    if first >= total:
        raise _unsatisfiable(total)
    last = int(last_text) if last_text else total - 1
    return first, min(last, total - 1)


def _unsatisfiable(total: int) -> ApiError:
    return ApiError(
        416,
        "range_not_satisfiable",
        f"The range is not satisfiable for a file of {total} bytes",
        [("Content-Range", f"bytes */{total}")],
    )


def parse_json_range(value: str | None, total: int) -> tuple[int, int]:
    """A copy ``range`` member (``bytes=a-b``) -> inclusive range (whole file when absent)."""
    if value is None:
        return 0, total - 1
    match = _RANGE.match(value.strip())
    if match is None or not match.group(1) or not match.group(2):
        raise bad_request(f"Invalid range: {value}")
    first, last = int(match.group(1)), int(match.group(2))
    if last < first or last >= total:
        raise bad_request(f"Range {value} is outside the source of {total} bytes")
    return first, last


def slice_chunks(chunks: list[bytes], start: int, stop: int) -> list[bytes]:
    """The chunks covering ``[start, stop)``; only the two edge chunks are copied."""
    if start >= stop:
        return []
    offsets = [0]
    for chunk in chunks:
        offsets.append(offsets[-1] + len(chunk))
    i = bisect.bisect_right(offsets, start) - 1
    out: list[bytes] = []
    while i < len(chunks) and offsets[i] < stop:
        chunk = chunks[i]
        lo = max(start - offsets[i], 0)
        hi = min(stop - offsets[i], len(chunk))
        out.append(chunk if lo == 0 and hi == len(chunk) else chunk[lo:hi])
        i += 1
    return out


async def stream(chunks: list[bytes], *, size: int = 1 << 20) -> AsyncIterator[bytes]:
    """Yield ``chunks`` re-cut to at most ``size`` bytes each."""
    for chunk in chunks:
        if len(chunk) <= size:
            yield chunk
            continue
        view = memoryview(chunk)
        for pos in range(0, len(chunk), size):
            yield bytes(view[pos : pos + size])
