"""A task group that raises the first real error, not an exception group.

Parts, segments and batch items run in task groups; when one of them fails the others are
cancelled and anyio raises an ``ExceptionGroup``. Callers of ``upload_file`` expect the
error itself (``BadRequest``, ``UploadFailed``, ...), so the group is unwrapped to its first
non-cancellation leaf. A group of cancellations only (the caller's scope was cancelled) is
left alone so cancellation propagates as usual.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import anyio

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

__all__ = ["first_error_task_group"]


def _leaves(error: BaseException) -> list[BaseException]:
    # Duck-typed (``exceptions`` member) so it works with the 3.10 backport and 3.11+ alike.
    inner = getattr(error, "exceptions", None)
    if not isinstance(inner, tuple):
        return [error]
    found: list[BaseException] = []
    for exc in inner:
        found.extend(_leaves(exc))
    return found


@asynccontextmanager
async def first_error_task_group() -> AsyncIterator[anyio.abc.TaskGroup]:
    """``anyio.create_task_group()``, raising the first real error of a failed group."""
    try:
        async with anyio.create_task_group() as tg:
            yield tg
    except BaseException as error:
        cancelled = anyio.get_cancelled_exc_class()
        for leaf in _leaves(error):
            if not isinstance(leaf, cancelled):
                if leaf is error:
                    raise
                raise leaf  # noqa: B904 - keeps its own __cause__ (UploadFailed chains)
        raise
