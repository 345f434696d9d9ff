"""Bulk uploads: ``upload_many`` and ``upload_directory``.

One :class:`anyio.CapacityLimiter` bounds every upload request of the batch — small files and
the parts of large files alike — so ``concurrency`` is the number of requests in flight, never
more. Items are consumed lazily: at most ``2 * concurrency`` items are pending at a time (read
from the iterable, not yet finished), so a generator of a million items is never materialised.
Each item gets an :class:`UploadOutcome` (its file version or its exception) in input order;
one failure does not stop the batch unless ``fail_fast=True``, in which case the first error
cancels the rest and is raised.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any

import anyio
import anyio.to_thread

from b2async._transfer._progress import BatchProgress
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


async def run_batch(
    items: BatchItems,
    upload_one: UploadOne,
    *,
    concurrency: int,
    fail_fast: bool,
    progress: Progress | None,
) -> list[UploadOutcome]:
    """Upload every item with ``upload_one``; see the module docstring."""
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    limiter = anyio.CapacityLimiter(concurrency)
    pending = anyio.Semaphore(2 * concurrency)
    batch = BatchProgress(progress)
    outcomes: list[UploadOutcome | None] = []
    first_error: list[Exception] = []

    async def run(index: int, item: UploadItem) -> None:
        try:
            try:
                file_version = await upload_one(item, limiter, batch)
            except Exception as exc:
                outcomes[index] = UploadOutcome(item, error=exc)
                if fail_fast and not first_error:
                    first_error.append(exc)
                    tg.cancel_scope.cancel()
            else:
                outcomes[index] = UploadOutcome(item, file_version=file_version)
        finally:
            pending.release()

    async with first_error_task_group() as tg:
        index = 0
        async for item in as_items(items):
            await pending.acquire()
            outcomes.append(None)
            tg.start_soon(run, index, item)
            index += 1
    if first_error:
        raise first_error[0]
    return [outcome for outcome in outcomes if outcome is not None]


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
