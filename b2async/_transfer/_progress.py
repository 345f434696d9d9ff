"""Progress reporting for uploads, downloads and batches.

A progress target is either an object with an ``on_event(event)`` method
(:class:`ProgressListener`) or a plain callable taking the event. Events are delivered
synchronously from the task doing the transfer, so a listener must be quick and must not
block (update a counter or a progress bar; do not do I/O).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol, TypeAlias, runtime_checkable

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "BatchStats",
    "Progress",
    "ProgressEvent",
    "ProgressListener",
    "Reporter",
    "make_reporter",
]

EventKind: TypeAlias = Literal["started", "bytes", "finished", "failed"]


@dataclass(frozen=True, slots=True)
class BatchStats:
    """A snapshot of a batch (``upload_many`` / ``upload_directory``).

    Attributes:
        files_done: items that finished successfully.
        files_failed: items that failed.
        bytes_done: bytes sent so far by the whole batch.
        elapsed: seconds since the batch started.
    """

    files_done: int
    files_failed: int
    bytes_done: int
    elapsed: float

    @property
    def rate(self) -> float:
        """Average bytes per second since the batch started."""
        return self.bytes_done / self.elapsed if self.elapsed > 0 else 0.0


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    """One thing that happened to one file.

    Attributes:
        kind: ``"started"``, ``"bytes"`` (``delta`` bytes moved), ``"finished"`` or
            ``"failed"`` (``error`` set).
        file_name: the B2 file name.
        delta: bytes moved by this event. Negative when an attempt failed and its bytes
            will be sent again, so that ``transferred`` never over-counts.
        transferred: bytes of this file moved so far (net of retried bytes).
        total: the file's size, when known (``None`` for streams of unknown length).
        error: the exception of a ``"failed"`` event.
        batch: batch totals, for events delivered through ``upload_many``.
    """

    kind: EventKind
    file_name: str
    delta: int = 0
    transferred: int = 0
    total: int | None = None
    error: BaseException | None = None
    batch: BatchStats | None = field(default=None)


@runtime_checkable
class ProgressListener(Protocol):
    """An object that receives :class:`ProgressEvent` s."""

    def on_event(self, event: ProgressEvent) -> None:
        """Called for every event; must return quickly."""


#: What ``progress=`` accepts: a listener object or a plain callable.
Progress: TypeAlias = "ProgressListener | Callable[[ProgressEvent], None]"


def _as_callable(progress: Progress | None) -> Callable[[ProgressEvent], None] | None:
    if progress is None:
        return None
    # getattr, not isinstance(runtime Protocol): this runs once per file in bulk uploads.
    on_event: Callable[[ProgressEvent], None] | None = getattr(progress, "on_event", None)
    if on_event is not None:
        return on_event
    return progress  # type: ignore[return-value]


class Reporter:
    """Per-file progress bookkeeping; a no-op when there is no listener."""

    __slots__ = ("_emit", "file_name", "total", "transferred")

    def __init__(self, emit: Callable[[ProgressEvent], None] | None, file_name: str) -> None:
        self._emit = emit
        self.file_name = file_name
        self.total: int | None = None
        self.transferred = 0

    @property
    def active(self) -> bool:
        """Whether anyone listens (lets hot loops skip the bookkeeping)."""
        return self._emit is not None

    def started(self, total: int | None) -> None:
        """The transfer began; ``total`` is the size when known."""
        self.total = total
        if self._emit is not None:
            self._emit(ProgressEvent("started", self.file_name, total=total))

    def moved(self, delta: int) -> None:
        """``delta`` bytes were sent or received (negative: an attempt was rolled back)."""
        self.transferred += delta
        if self._emit is not None:
            self._emit(
                ProgressEvent(
                    "bytes", self.file_name, delta, self.transferred, self.total, None, None
                )
            )

    def finished(self) -> None:
        """The transfer succeeded."""
        if self._emit is not None:
            self._emit(ProgressEvent("finished", self.file_name, 0, self.transferred, self.total))

    def failed(self, error: BaseException) -> None:
        """The transfer failed for good."""
        if self._emit is not None:
            self._emit(
                ProgressEvent("failed", self.file_name, 0, self.transferred, self.total, error)
            )


def make_reporter(progress: Progress | None, file_name: str) -> Reporter:
    """A :class:`Reporter` for ``file_name`` feeding ``progress`` (which may be ``None``)."""
    return Reporter(_as_callable(progress), file_name)


class BatchProgress:
    """Wraps a batch's listener: adds :class:`BatchStats` to every event."""

    def __init__(self, progress: Progress | None) -> None:
        self._emit = _as_callable(progress)
        self._start = time.monotonic()
        self.files_done = 0
        self.files_failed = 0
        self.bytes_done = 0

    @property
    def listening(self) -> bool:
        """Whether a listener receives the events (the totals only travel with events)."""
        return self._emit is not None

    def stats(self) -> BatchStats:
        """The batch totals now."""
        return BatchStats(
            self.files_done, self.files_failed, self.bytes_done, time.monotonic() - self._start
        )

    def on_event(self, event: ProgressEvent) -> None:
        """Update the totals and forward the event with them attached."""
        if event.kind == "bytes":
            self.bytes_done += event.delta
        elif event.kind == "finished":
            self.files_done += 1
        elif event.kind == "failed":
            self.files_failed += 1
        if self._emit is not None:
            self._emit(
                ProgressEvent(
                    event.kind,
                    event.file_name,
                    event.delta,
                    event.transferred,
                    event.total,
                    event.error,
                    self.stats(),
                )
            )
