"""The demo's human-readable summary."""

from __future__ import annotations

from typing import TYPE_CHECKING

from b2async._cli._progress_line import format_bytes

if TYPE_CHECKING:
    from b2async._cli._demo import DemoOptions, DemoSummary

__all__ = ["render_summary"]

_MAX_FAILURES_SHOWN = 20


def _rate(files: int, size: int, seconds: float) -> str:
    if seconds <= 0:
        return "n/a"
    return f"{files / seconds:.1f} files/s, {format_bytes(size / seconds)}/s"


def render_summary(summary: DemoSummary, options: DemoOptions) -> str:
    """The lines printed at the end of ``python -m b2async demo``."""
    small = summary.files_generated - summary.large_files
    lines = [
        f"b2async demo against the {summary.target} ({summary.backend}, "
        f"concurrency {options.concurrency})",
        f"  files generated:  {summary.files_generated} ({small} small, "
        f"{summary.large_files} multi-part), {format_bytes(summary.bytes_generated)}",
        f"  files uploaded:   {summary.files_uploaded}, {format_bytes(summary.bytes_uploaded)} "
        f"in {summary.upload_seconds:.2f} s "
        f"({_rate(summary.files_uploaded, summary.bytes_uploaded, summary.upload_seconds)})",
        f"  files downloaded: {summary.files_downloaded}, "
        f"{format_bytes(summary.bytes_downloaded)} in {summary.download_seconds:.2f} s "
        f"({_rate(summary.files_downloaded, summary.bytes_downloaded, summary.download_seconds)})",
        f"  files verified:   {summary.files_verified}",
        f"  SHA-1 checks:     {summary.sha1_checks} passed",
        f"    {summary.upload_sha1_checks} upload acknowledgements carried the local SHA-1",
        f"    {summary.download_sha1_checks} downloads verified by b2async while streaming",
        f"    {summary.files_verified} downloaded files re-hashed and equal to the originals",
    ]
    if summary.calls:
        lines.append("  emulator calls:")
        calls = [f"{name}={count}" for name, count in summary.calls.items()]
        for start in range(0, len(calls), 3):
            lines.append("    " + ", ".join(calls[start : start + 3]))
    if summary.failures:
        lines.append(f"  FAILURES: {len(summary.failures)}")
        lines.extend(f"    {failure}" for failure in summary.failures[:_MAX_FAILURES_SHOWN])
        if len(summary.failures) > _MAX_FAILURES_SHOWN:
            lines.append(f"    ... and {len(summary.failures) - _MAX_FAILURES_SHOWN} more")
    lines.append(f"  result:           {'OK' if summary.ok else 'FAILED'}")
    return "\n".join(lines)
