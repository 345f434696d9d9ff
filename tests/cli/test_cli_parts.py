"""The demo's pieces: sizes, the generated tree, the progress line."""

from __future__ import annotations

import argparse
import hashlib
import io
from typing import TYPE_CHECKING

import pytest

from b2async._cli import parse_size
from b2async._cli._progress_line import ProgressLine, format_bytes
from b2async._cli._tree import TreeSpec, write_tree
from b2async._transfer._progress import ProgressEvent

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5000000", 5_000_000),
        ("16KiB", 16 * 1024),
        ("16kib", 16 * 1024),
        ("24MB", 24_000_000),
        ("5.5m", 5_500_000),
        ("1GiB", 1 << 30),
        ("7B", 7),
    ],
)
def test_parse_size(text: str, expected: int) -> None:
    assert parse_size(text) == expected


@pytest.mark.parametrize("text", ["", "lots", "-1", "5 TB", "1e6"])
def test_parse_size_rejects(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        parse_size(text)


def test_format_bytes() -> None:
    assert format_bytes(999) == "999 B"
    assert format_bytes(57_700_000) == "57.7 MB"
    assert format_bytes(2_500_000_000) == "2.5 GB"


def test_tree_is_deterministic_and_hashed(tmp_path: Path) -> None:
    spec = TreeSpec(small_files=20, small_max_size=300, large_files=1, large_size=4096, seed=7)
    first = write_tree(tmp_path / "a", spec)
    second = write_tree(tmp_path / "b", spec)

    assert [f.name for f in first] == [f.name for f in second]
    assert [f.sha1 for f in first] == [f.sha1 for f in second]
    assert len(first) == 21
    assert [f.large for f in first].count(True) == 1
    for local in first:
        data = local.path.read_bytes()
        assert len(data) == local.size
        assert hashlib.sha1(data).hexdigest() == local.sha1
        assert 1 <= local.size <= (4096 if local.large else 300)
    assert any("é" in f.name and " " in f.name for f in first)


def test_progress_line_counts_events() -> None:
    stream = io.StringIO()
    line = ProgressLine("upload", total_files=2, total_bytes=300, stream=stream)
    line.on_event(ProgressEvent("started", "a", total=100))
    line.on_event(ProgressEvent("bytes", "a", delta=100, transferred=100, total=100))
    line.on_event(ProgressEvent("finished", "a", transferred=100, total=100))
    line.on_event(ProgressEvent("bytes", "b", delta=50, transferred=50, total=200))
    line.on_event(ProgressEvent("bytes", "b", delta=-50, transferred=0, total=200))
    line.on_event(ProgressEvent("failed", "b", error=RuntimeError("boom")))
    line.close()

    assert (line.files_done, line.files_failed, line.bytes_done) == (1, 1, 100)
    assert stream.getvalue().startswith("  upload: 1/2 files, 1 failed, 100 B/300 B, ")
    assert stream.getvalue().endswith("\n")
    assert stream.getvalue().count("\n") == 1
