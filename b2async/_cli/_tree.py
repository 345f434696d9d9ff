"""The demo's file tree: deterministic pseudo-random files with their SHA-1s.

The tree mixes many small files (the ``upload_many`` fast path: one request each) with a few
files larger than the account's recommended part size, which take the large-file path
(``b2_start_large_file`` / ``b2_upload_part`` / ``b2_finish_large_file``).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["LocalFile", "TreeSpec", "write_tree"]


@dataclass(frozen=True)
class TreeSpec:
    """What to generate.

    Attributes:
        small_files: number of small files.
        small_max_size: the largest small file, in bytes (sizes vary from 1 byte up to it).
        large_files: number of multi-part files.
        large_size: the size of each multi-part file, in bytes.
        seed: seed of the pseudo-random contents (the same seed gives the same tree).
    """

    small_files: int
    small_max_size: int
    large_files: int
    large_size: int
    seed: int = 2026


@dataclass(frozen=True)
class LocalFile:
    """One generated file.

    Attributes:
        path: where it was written.
        name: its B2 file name (relative, ``/``-separated, without the demo's prefix).
        size: its size in bytes.
        sha1: the hex SHA-1 of its contents, computed while generating them.
        large: whether it is one of the multi-part files.
    """

    path: Path
    name: str
    size: int
    sha1: str
    large: bool


def _write(root: Path, name: str, data: bytes, *, large: bool) -> LocalFile:
    path = root.joinpath(*name.split("/"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return LocalFile(path, name, len(data), hashlib.sha1(data).hexdigest(), large)


def write_tree(root: Path, spec: TreeSpec) -> list[LocalFile]:
    """Write the tree described by ``spec`` under ``root`` and return its files.

    Blocking (disk I/O and hashing): call it through ``anyio.to_thread.run_sync``.
    """
    rng = random.Random(spec.seed)
    files: list[LocalFile] = []
    for index in range(spec.small_files):
        # A few directory levels, and names with spaces and non-ASCII characters, so that
        # the percent-encoding of file names is exercised too.
        name = f"photos/{index % 7:02d}/set {index % 3}/img-{index:05d}-é.bin"
        size = rng.randint(1, max(1, spec.small_max_size))
        files.append(_write(root, name, rng.randbytes(size), large=False))
    for index in range(spec.large_files):
        name = f"videos/clip-{index:02d}.mp4"
        files.append(_write(root, name, rng.randbytes(spec.large_size), large=True))
    return files
