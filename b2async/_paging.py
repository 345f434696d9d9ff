"""Transparent paging over B2's cursor-based list endpoints.

B2's list calls (``b2_list_file_names``, ``b2_list_file_versions``, ``b2_list_keys``, ...)
return one page and a cursor (``nextFileName``, ``nextFileId``, ``nextApplicationKeyId``) to
pass back for the next page; the cursor is ``null`` when the listing is complete. A
:class:`Pager` hides that loop behind ``async for``.

A class rather than an async generator: breaking out of ``async for`` then leaves nothing
suspended for the event loop to finalize, which matters on trio.

:class:`PipelinedPager` is the fast form for the file listings, whose pages of up to 10,000
versions cost milliseconds to parse: it asks for page *n + 1* while a worker thread parses
page *n*, so B2's (or the emulator's) time producing a page overlaps the client's time
reading the previous one (from the second page on). All of that happens inside one
``__anext__`` under a task group that ends before it returns, so no task outlives the call
and ``break`` stays safe.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Generic, TypeVar

import anyio

from b2async._errors import B2ValidationError

__all__ = ["MAX_PAGE_SIZE", "Pager", "PipelinedPager", "check_page_size"]

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


#: Raw pages smaller than this are parsed on the event loop: a thread hop would cost more.
_THREAD_PARSE_BYTES = 256 * 1024


class PipelinedPager(Pager[T, C]):
    """A :class:`Pager` that, past the first page, fetches the next page while the current
    one is parsed.

    The first page is fetched alone, so a loop that stops inside it makes one call, as with
    :class:`Pager`. From the second page on, page *n + 1* is asked for while page *n* is
    parsed in a worker thread; a loop that stops there may thus have fetched one page more
    than it read (B2 bills listings per 1000 names returned).

    A subclass so that it stands wherever a ``Pager`` is promised; it shares no state with
    the base class (``__init__`` and ``__anext__`` are its own).

    Args:
        fetch: called with a cursor (``start`` for the first page); returns the raw page.
        cursor_of: the next cursor of a raw page (``None`` on the last page). It is called
            before the page is parsed, so it should be cheap.
        parse: turns a raw page into its items; its second argument is the previous page's
            items, for it to empty once the new ones are built (see
            :func:`~b2async._models._base.validate_page`). Large pages are parsed in a worker
            thread, so it must not touch the event loop.
        start: the cursor of the first page.
    """

    def __init__(
        self,
        fetch: Callable[[C | None], Awaitable[bytes]],
        cursor_of: Callable[[bytes], C | None],
        parse: Callable[[bytes, list[T]], list[T]],
        start: C | None = None,
    ) -> None:
        self._fetch_raw = fetch
        self._cursor_of = cursor_of
        self._parse = parse
        self._cursor = start
        self._pages = 0  # pages taken so far
        self._ahead: bytes | None = None  # the raw page fetched ahead, not parsed yet
        self._ahead_error: Exception | None = None
        self._more = True  # False once the last page has been taken
        self._buffer = []
        self._index = 0

    def __aiter__(self) -> PipelinedPager[T, C]:
        return self

    async def __anext__(self) -> T:
        while self._index >= len(self._buffer):
            # B2 quirk: a page may be empty while the cursor is still set, so keep going
            # until items or the end arrive.
            if not self._more:
                raise StopAsyncIteration
            await self._advance()
        item = self._buffer[self._index]
        self._index += 1
        return item

    async def _advance(self) -> None:
        if self._ahead_error is not None:
            error, self._ahead_error = self._ahead_error, None
            self._more = False
            raise error
        if self._ahead is None:
            self._ahead = await self._fetch_raw(self._cursor)
        # The raw page stays in ``_ahead`` and the cursor is not moved until the page is
        # parsed: if this call is cancelled, the next one starts again from the same page
        # rather than skipping it.
        raw = self._ahead
        cursor = self._cursor_of(raw)
        # The previous page goes to ``parse``, which lets it go once the next is built.
        previous, self._buffer, self._index = self._buffer, [], 0
        following: list[bytes | Exception] = []  # what the fetch ahead brought back
        items: list[T] = []
        parse_error: Exception | None = None
        async with anyio.create_task_group() as tg:
            if self._pages > 0 and cursor is not None:
                tg.start_soon(self._fetch_ahead, cursor, following)
            try:
                if len(raw) < _THREAD_PARSE_BYTES:
                    items = self._parse(raw, previous)
                else:
                    items = await anyio.to_thread.run_sync(self._parse, raw, previous)
            except Exception as error:  # raised below, outside the task group
                parse_error = error
        if parse_error is not None:
            self._more = False
            raise parse_error
        self._pages += 1
        self._cursor = cursor
        self._more = cursor is not None
        self._buffer = items
        self._ahead = None
        if following:
            if isinstance(following[0], bytes):
                self._ahead = following[0]
            else:
                self._ahead_error = following[0]

    async def _fetch_ahead(self, cursor: C, into: list[bytes | Exception]) -> None:
        # Errors are kept and raised when iteration reaches the page, as the plain Pager
        # would: raising here would surface them early, wrapped in an exception group.
        try:
            into.append(await self._fetch_raw(cursor))
        except Exception as error:  # re-raised unchanged by _advance
            into.append(error)
