"""The Pager on its own: laziness, empty pages, cursors handed back exactly."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from b2async._errors import B2ValidationError
from b2async._paging import Pager, check_page_size

if TYPE_CHECKING:
    from collections.abc import Sequence

pytestmark = pytest.mark.anyio


class Pages:
    """A fake list endpoint over ``pages``; records every cursor it was called with."""

    def __init__(self, pages: list[list[int]]) -> None:
        self.pages = pages
        self.cursors: list[int | None] = []

    async def fetch(self, cursor: int | None) -> tuple[Sequence[int], int | None]:
        self.cursors.append(cursor)
        index = 0 if cursor is None else cursor
        following = index + 1 if index + 1 < len(self.pages) else None
        return self.pages[index], following


async def test_every_item_of_every_page_in_order() -> None:
    source = Pages([[1, 2], [3], [4, 5, 6]])
    assert [item async for item in Pager(source.fetch)] == [1, 2, 3, 4, 5, 6]
    assert source.cursors == [None, 1, 2]


async def test_empty_pages_with_a_cursor_are_skipped() -> None:
    source = Pages([[], [1], [], [], [2], []])
    assert [item async for item in Pager(source.fetch)] == [1, 2]
    assert source.cursors == [None, 1, 2, 3, 4, 5]


async def test_nothing_is_fetched_before_iteration_and_after_the_end() -> None:
    source = Pages([[1, 2], [3]])
    pager = Pager(source.fetch)
    assert source.cursors == []
    assert await pager.__anext__() == 1
    assert await pager.__anext__() == 2
    assert source.cursors == [None]
    assert await pager.__anext__() == 3
    for _ in range(2):
        with pytest.raises(StopAsyncIteration):
            await pager.__anext__()
    assert source.cursors == [None, 1]


async def test_the_start_cursor_is_passed_first() -> None:
    source = Pages([[1], [2], [3]])
    assert [item async for item in Pager(source.fetch, 1)] == [2, 3]
    assert source.cursors == [1, 2]


@pytest.mark.parametrize("size", [1, 1000, 10_000])
def test_page_sizes_b2_accepts(size: int) -> None:
    assert check_page_size(size) == size


@pytest.mark.parametrize("size", [0, -1, 10_001, True, 2.5])
def test_page_sizes_b2_refuses(size: object) -> None:
    with pytest.raises(B2ValidationError) as info:
        check_page_size(size)  # type: ignore[arg-type]
    assert info.value.rule == "page_size"
