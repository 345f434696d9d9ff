"""A live one-line progress display on stderr (``\\r``-rewritten on a terminal).

On a terminal the line is redrawn at most ten times a second; when stderr is not a terminal
(CI logs, pipes) only the final line of each phase is written, so logs stay short.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from b2async._transfer._progress import ProgressEvent

__all__ = ["ProgressLine", "format_bytes"]

_REDRAW_SECONDS = 0.1


def format_bytes(count: float) -> str:
    """``count`` bytes in decimal units (``"52.3 MB"``), as B2 and disk vendors count."""
    for unit in ("B", "kB", "MB", "GB"):
        if abs(count) < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000
    raise AssertionError("unreachable")  # pragma: no cover


class ProgressLine:
    """A progress listener (``on_event``) that draws ``label files bytes rate`` on one line.

    It counts for itself from the per-file events (``finished`` / ``failed`` / ``bytes``),
    so the same class serves uploads (batch events) and downloads (per-file events).

    Args:
        label: the phase ("upload", "download").
        total_files: files expected in this phase.
        total_bytes: bytes expected in this phase.
        stream: where to draw (stderr by default).
    """

    def __init__(
        self, label: str, total_files: int, total_bytes: int, stream: TextIO | None = None
    ) -> None:
        self.label = label
        self.total_files = total_files
        self.total_bytes = total_bytes
        self.files_done = 0
        self.files_failed = 0
        self.bytes_done = 0
        self._stream = stream if stream is not None else sys.stderr
        self._live = self._stream.isatty()
        self._start = time.monotonic()
        self._last_draw = 0.0

    def on_event(self, event: ProgressEvent) -> None:
        """Count one event and redraw when due."""
        if event.kind == "bytes":
            self.bytes_done += event.delta
        elif event.kind == "finished":
            self.files_done += 1
        elif event.kind == "failed":
            self.files_failed += 1
        else:
            return
        now = time.monotonic()
        if self._live and now - self._last_draw >= _REDRAW_SECONDS:
            self._last_draw = now
            self._stream.write("\r" + self.render(now) + "\033[K")
            self._stream.flush()

    def render(self, now: float | None = None) -> str:
        """The line as it would be drawn now."""
        elapsed = max((now if now is not None else time.monotonic()) - self._start, 1e-9)
        failed = f", {self.files_failed} failed" if self.files_failed else ""
        return (
            f"{self.label:>8}: {self.files_done}/{self.total_files} files{failed}, "
            f"{format_bytes(self.bytes_done)}/{format_bytes(self.total_bytes)}, "
            f"{self.files_done / elapsed:.0f} files/s, {format_bytes(self.bytes_done / elapsed)}/s"
        )

    def close(self) -> None:
        """Draw the final line and end it with a newline."""
        prefix = "\r" if self._live else ""
        self._stream.write(prefix + self.render() + ("\033[K" if self._live else "") + "\n")
        self._stream.flush()
