"""Bulk uploads: ``upload_many`` and ``upload_directory``.

One :class:`anyio.CapacityLimiter` bounds every upload request of the batch — small files and
the parts of large files alike — so ``concurrency`` is the number of requests in flight, never
more. Items are consumed lazily by ``2 * concurrency`` workers: at most that many items are
pending at a time (read from the iterable, not yet finished), so a generator of a million items
is never materialised.
Each item gets an :class:`UploadOutcome` (its file version or its exception) in input order;
one failure does not stop the batch unless ``fail_fast=True``, in which case the first error
cancels the rest and is raised.
"""

from __future__ import annotations

import os
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
)
from typing import TYPE_CHECKING, Any

import anyio
import anyio.lowlevel
import anyio.to_thread

from b2async._transfer._progress import BatchProgress
from b2async._transfer._sources import RangeSource, load_small_files
from b2async._transfer._tasks import first_error_task_group
from b2async._transfer._types import UploadItem, UploadOutcome

if TYPE_CHECKING:
    from b2async._models import FileVersion
    from b2async._transfer._progress import Progress

__all__ = ["BatchItems", "as_items", "run_batch", "walk_directory"]

#: What ``upload_many`` accepts.
BatchItems = Iterable[Any] | AsyncIterable[Any]

UploadOne = Callable[[UploadItem, anyio.CapacityLimiter, BatchProgress], Awaitable["FileVersion"]]


def _item(entry: object) -> UploadItem:
    if isinstance(entry, UploadItem):
        return entry
    if isinstance(entry, tuple) and len(entry) == 2:
        return UploadItem(entry[0], entry[1])
    raise TypeError(f"upload_many items are (source, file_name) or UploadItem, not {entry!r}")


async def as_items(items: BatchItems) -> AsyncIterator[UploadItem]:
    """Iterate sync or async iterables of items uniformly (lazily)."""
    if isinstance(items, AsyncIterable):
        async for entry in items:
            yield _item(entry)
    else:
        for entry in items:
            yield _item(entry)


class _Feed:
    """Hands out ``(index, item)`` pairs to the workers, one at a time, in input order.

    A sync iterable is advanced without any await (so no lock is needed: nothing else runs
    between two statements of one task); an async iterable is advanced under a lock, because
    an async generator refuses a second ``__anext__`` while the first is suspended.
    """

    def __init__(self, items: BatchItems) -> None:
        self._sync: Iterator[Any] | None = None
        self._async: AsyncIterator[Any] | None = None
        if isinstance(items, AsyncIterable):
            self._async = aiter(items)
            self._lock = anyio.Lock()
        else:
            self._sync = iter(items)
        self._index = 0

    async def next(self) -> tuple[int, UploadItem] | None:
        if self._sync is not None:
            entry = next(self._sync, _END)
        else:
            assert self._async is not None
            async with self._lock:
                entry = await anext(self._async, _END)
        if entry is _END:
            return None
        item = _item(entry)
        index = self._index
        self._index += 1
        return index, item


_END = object()


class _SmallFileReader:
    """Reads the small files of a batch many at a time, in one thread hop per batch of reads.

    A thread hop (queue hand-off, wake-up of a worker thread, wake-up of the event loop) costs
    more client CPU than reading and hashing a 16 KiB file, so with one hop per file it would
    dominate bulk small uploads. Workers ask for their item's path with :meth:`load`; one
    reader task takes every request waiting at that moment and serves them all in one
    :func:`anyio.to_thread.run_sync` call. Still one read of each byte, off the event loop.
    """

    def __init__(self) -> None:
        self._waiting: list[tuple[str | os.PathLike[str], anyio.Event, list[Any]]] = []
        self._wake = anyio.Event()

    async def load(self, path: str | os.PathLike[str]) -> RangeSource | None:
        """The file read and hashed, or ``None`` (too big or unreadable: use the path)."""
        done = anyio.Event()
        box: list[Any] = []
        self._waiting.append((path, done, box))
        self._wake.set()
        await done.wait()
        return box[0] if box else None

    async def run(self) -> None:
        """Serve requests until cancelled (when the batch's workers are done)."""
        while True:
            await self._wake.wait()
            # One more turn of the event loop lets the other workers that are ready to ask
            # (their uploads just finished too) join this batch instead of the next one.
            await anyio.lowlevel.checkpoint()
            self._wake = anyio.Event()
            batch, self._waiting = self._waiting, []
            if not batch:
                continue
            try:
                loaded = await anyio.to_thread.run_sync(
                    load_small_files, [path for path, _, _ in batch]
                )
                for (_, _, box), source in zip(batch, loaded, strict=True):
                    box.append(source)
            finally:
                for _, done, _ in batch:
                    done.set()


async def run_batch(
    items: BatchItems,
    upload_one: UploadOne,
    *,
    concurrency: int,
    fail_fast: bool,
    progress: Progress | None,
) -> list[UploadOutcome]:
    """Upload every item with ``upload_one``; see the module docstring.

    ``2 * concurrency`` long-lived workers each take the next item when they are free (so at
    most that many items are pending, and a generator is consumed lazily); one task per
    worker rather than one per item keeps the per-file cost of bulk small uploads down.
    """
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    limiter = anyio.CapacityLimiter(concurrency)
    batch = BatchProgress(progress)
    feed = _Feed(items)
    reader = _SmallFileReader()
    outcomes: dict[int, UploadOutcome] = {}
    first_error: list[Exception] = []

    async def worker() -> None:
        while (taken := await feed.next()) is not None:
            index, item = taken
            try:
                upload = item
                if isinstance(item.source, (str, os.PathLike)):
                    loaded = await reader.load(item.source)
                    if loaded is not None:
                        upload = UploadItem(
                            loaded, item.file_name, item.content_type, item.file_info
                        )
                file_version = await upload_one(upload, limiter, batch)
            except Exception as exc:
                outcomes[index] = UploadOutcome(item, error=exc)
                if fail_fast and not first_error:
                    first_error.append(exc)
                    tg.cancel_scope.cancel()
                    return
            else:
                outcomes[index] = UploadOutcome(item, file_version=file_version)

    async with first_error_task_group() as reading:
        reading.start_soon(reader.run)
        async with first_error_task_group() as tg:
            for _ in range(2 * concurrency):
                tg.start_soon(worker)
        reading.cancel_scope.cancel()
    if first_error:
        raise first_error[0]
    return [outcomes[index] for index in sorted(outcomes)]


def _scan(directory: str, base: str) -> tuple[list[str], list[tuple[str, str]]]:
    """One directory: its subdirectories and its regular files with their relative names."""
    subdirectories: list[str] = []
    files: list[tuple[str, str]] = []
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                subdirectories.append(entry.path)
            elif entry.is_file():  # skips sockets, FIFOs and broken symlinks
                relative = os.path.relpath(entry.path, base).replace(os.sep, "/")
                files.append((entry.path, relative))
    subdirectories.sort(reverse=True)
    files.sort(key=lambda pair: pair[1])
    return subdirectories, files


async def walk_directory(
    root: str | os.PathLike[str], prefix: str = ""
) -> AsyncIterator[UploadItem]:
    """Yield an :class:`UploadItem` per regular file under ``root``, named ``prefix`` + the
    path relative to ``root`` with ``/`` separators (one thread hop per directory)."""
    base = os.fspath(root)
    stack = [base]
    while stack:
        directory = stack.pop()
        subdirectories, files = await anyio.to_thread.run_sync(_scan, directory, base)
        stack.extend(subdirectories)
        for file_path, relative in files:
            yield UploadItem(file_path, prefix + relative)
