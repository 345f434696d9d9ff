"""A small sorted list with O(sqrt n) inserts/removes (a list of bounded sorted runs).

A plain ``bisect.insort`` list costs a memmove of the whole tail per insert, which adds up
to seconds for 10^5 random-order names.  Keeping the items in runs of at most ``2 * LOAD``
entries (the idea behind the ``sortedcontainers`` package, which we don't depend on) makes
inserts cheap while iteration from any start point stays O(log n) to find plus O(1) per item.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Iterator

T = TypeVar("T")

_LOAD = 1000


class SortedList(Generic[T]):
    """Sorted, duplicate-free-by-convention list supporting ``irange`` from a lower bound."""

    def __init__(self) -> None:
        self._runs: list[list[Any]] = []
        self._maxes: list[Any] = []
        self._len = 0

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[T]:
        for run in self._runs:
            yield from run

    def __contains__(self, value: object) -> bool:
        i = bisect_left(self._maxes, value)
        if i == len(self._maxes):
            return False
        run = self._runs[i]
        j = bisect_left(run, value)
        return j < len(run) and run[j] == value

    def add(self, value: T) -> None:
        """Insert ``value`` at its sorted position."""
        self._len += 1
        if not self._runs:
            self._runs.append([value])
            self._maxes.append(value)
            return
        i = bisect_left(self._maxes, value)
        if i == len(self._maxes):
            i -= 1
            self._runs[i].append(value)
            self._maxes[i] = value
        else:
            insort(self._runs[i], value)
        run = self._runs[i]
        if len(run) > 2 * _LOAD:
            tail = run[_LOAD:]
            del run[_LOAD:]
            self._runs.insert(i + 1, tail)
            self._maxes[i] = run[-1]
            self._maxes.insert(i + 1, tail[-1])

    def discard(self, value: T) -> bool:
        """Remove ``value`` if present; returns whether it was."""
        i = bisect_left(self._maxes, value)
        if i == len(self._maxes):
            return False
        run = self._runs[i]
        j = bisect_left(run, value)
        if j == len(run) or run[j] != value:
            return False
        del run[j]
        self._len -= 1
        if run:
            self._maxes[i] = run[-1]
        else:
            del self._runs[i]
            del self._maxes[i]
        return True

    def irange(self, start: Any) -> Iterator[T]:
        """Iterate the items ``>= start`` in order (``start`` may be a shorter tuple)."""
        i = bisect_left(self._maxes, start)
        if i == len(self._maxes):
            return
        run = self._runs[i]
        for k in range(bisect_left(run, start), len(run)):
            yield run[k]
        for run in self._runs[i + 1 :]:
            yield from run
