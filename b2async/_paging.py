"""Transparent paging over B2's cursor-based list endpoints.

B2's list calls (``b2_list_file_names``, ``b2_list_file_versions``, ``b2_list_keys``, ...)
return one page and a cursor (``nextFileName``, ``nextFileId``, ``nextApplicationKeyId``) to
pass back for the next page; the cursor is ``null`` when the listing is complete. A
:class:`Pager` hides that loop behind ``async for``.

A class rather than an async generator: breaking out of ``async for`` then leaves nothing
suspended for the event loop to finalize, which matters on trio.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from b2async._errors import B2ValidationError

__all__ = ["Pager", "check_page_size"]

T = TypeVar("T")
C = TypeVar("C")

#: B2's upper bound for ``maxFileCount`` / ``maxKeyCount`` (larger → 400 ``out_of_range``).
MAX_PAGE_SIZE = 10_000


def check_page_size(page_size: int) -> int:
    """Return ``page_size`` if B2 accepts it as a ``max*Count`` (1 … 10 000).

    Raises:
        B2ValidationError: with ``rule="page_size"`` otherwise (no request is made).
    """
    if isinstance(page_size, bool) or not isinstance(page_size, int):
        raise B2ValidationError("page_size must be an int", rule="page_size")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise B2ValidationError(
            f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {page_size}",
            rule="page_size",
        )
    return page_size


class Pager(Generic[T, C], AsyncIterator[T]):
    """An async iterator over every item of a cursor-paged listing.

    Pages are fetched lazily, one at a time, as iteration reaches them; nothing is fetched
    before the first ``__anext__``.

    Args:
        fetch: called with the cursor (``start`` for the first page) and returning the page's
            items and the next cursor, ``None`` when the listing is complete.
        start: the cursor of the first page.
    """

    def __init__(
        self,
        fetch: Callable[[C | None], Awaitable[tuple[Sequence[T], C | None]]],
        start: C | None = None,
    ) -> None:
        self._fetch = fetch
        self._cursor: C | None = start
        self._buffer: list[T] = []
        self._index = 0
        self._started = False
        self._done = False

    def __aiter__(self) -> Pager[T, C]:
        return self

    async def __anext__(self) -> T:
        while self._index >= len(self._buffer):
            # B2 quirk: a page may be empty while the cursor is still set (e.g. a page made
            # only of skipped entries), so keep fetching until items or the end arrive.
            if self._done or (self._started and self._cursor is None):
                self._done = True
                raise StopAsyncIteration
            items, cursor = await self._fetch(self._cursor)
            self._started = True
            self._buffer = list(items)
            self._index = 0
            self._cursor = cursor
        item = self._buffer[self._index]
        self._index += 1
        return item
