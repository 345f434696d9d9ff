"""Transparent paging of list_file_names / list_file_versions, with prefixes and folders."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from b2async._errors import B2ValidationError

from ._support import put_files

if TYPE_CHECKING:
    from b2async._bucket import Bucket
    from b2async._models import FileVersion
    from b2async.testing import B2Emulator

pytestmark = pytest.mark.anyio

PAGE = 7


def tree_names() -> list[str]:
    """250 names: files in two folder levels, files directly in folders, top-level files."""
    names = [f"dir{i % 5}/sub{i % 3}/file{i:03d}.txt" for i in range(200)]
    names += [f"dir{i % 5}/loose{i:02d}.bin" for i in range(30)]
    names += [f"top{i:02d}" for i in range(17)]
    names += ["dir1/sub0.txt", "é/ü.txt", "日本/語.txt"]
    assert len(set(names)) == 250
    return names


def folded(names: list[str], prefix: str, delimiter: str) -> list[tuple[str, str]]:
    """What B2 lists for ``prefix`` + ``delimiter``: (action, name), folders collapsed."""
    entries: set[tuple[str, str]] = set()
    for name in names:
        if not name.startswith(prefix):
            continue
        rest = name[len(prefix) :]
        if delimiter in rest:
            entries.add(("folder", prefix + rest[: rest.index(delimiter) + 1]))
        else:
            entries.add(("upload", name))
    return sorted(entries, key=lambda entry: entry[1])


async def collect(pager: object) -> list[FileVersion]:
    return [version async for version in pager]  # type: ignore[attr-defined]


@pytest.fixture
async def tree(bucket: Bucket) -> list[str]:
    names = tree_names()
    await put_files(bucket, [(name, name.encode()) for name in names])
    return sorted(names)


async def test_list_file_names_pages_through_everything(
    emulator: B2Emulator, bucket: Bucket, tree: list[str]
) -> None:
    # One 250-file tree checked several ways (uploading it is the slow part).
    before = emulator.calls["b2_list_file_names"]
    listed = await collect(bucket.list_file_names(page_size=PAGE))
    assert [version.file_name for version in listed] == tree
    assert all(version.action == "upload" for version in listed)
    assert [version.content_length for version in listed] == [len(n.encode()) for n in tree]
    pages = emulator.calls["b2_list_file_names"] - before
    assert pages in (len(tree) // PAGE + 1, len(tree) // PAGE + 2)

    # A prefix.
    listed = await collect(bucket.list_file_names(prefix="dir1/", page_size=PAGE))
    assert [version.file_name for version in listed] == [n for n in tree if n.startswith("dir1/")]

    # start_file_name is inclusive.
    listed = await collect(bucket.list_file_names(start_file_name=tree[100], page_size=PAGE))
    assert [version.file_name for version in listed] == tree[100:]

    # A delimiter folds the names below each folder into one "folder" entry.
    for prefix in ("", "dir1/", "dir2/sub1/", "日本/"):
        listed = await collect(bucket.list_file_names(prefix=prefix, delimiter="/", page_size=PAGE))
        assert [(v.action, v.file_name) for v in listed] == folded(tree, prefix, "/"), prefix
        listed = await collect(
            bucket.list_file_versions(prefix=prefix, delimiter="/", page_size=PAGE)
        )
        assert [(v.action, v.file_name) for v in listed] == folded(tree, prefix, "/"), prefix


async def test_list_file_versions_newest_first_across_pages(
    emulator: B2Emulator, bucket: Bucket
) -> None:
    names = [f"v/{i:03d}" for i in range(40)]
    first = await put_files(bucket, [(name, b"one") for name in names])
    second = await put_files(bucket, [(name, b"two!") for name in names[::3]])
    hidden = [await bucket.hide_file(name) for name in names[::4]]
    expected: list[tuple[str, str | None]] = []
    for name in names:
        # Newest first within a name: hide marker, then the second upload, then the first.
        expected += [(v.file_name, v.file_id) for v in hidden if v.file_name == name]
        expected += [(v.file_name, v.file_id) for v in second if v.file_name == name]
        expected += [(v.file_name, v.file_id) for v in first if v.file_name == name]
    assert len(expected) == 40 + 14 + 10

    listed = await collect(bucket.list_file_versions(page_size=PAGE))
    assert [(v.file_name, v.file_id) for v in listed] == expected
    assert sum(v.action == "hide" for v in listed) == 10

    visible = await collect(bucket.list_file_names(page_size=PAGE))
    assert [v.file_name for v in visible] == [n for n in names if n not in names[::4]]
    newest = {v.file_name: v.content_length for v in visible}
    assert newest["v/003"] == 4
    assert newest["v/001"] == 3

    # Resuming from the middle (a name and an id) continues exactly there.
    middle = expected[21]
    rest = await collect(
        bucket.list_file_versions(start_file_name=middle[0], start_file_id=middle[1], page_size=5)
    )
    assert [(v.file_name, v.file_id) for v in rest] == expected[21:]


async def test_breaking_out_early_fetches_one_page(emulator: B2Emulator, bucket: Bucket) -> None:
    await put_files(bucket, [(f"f{i}", b"x") for i in range(20)])
    before = emulator.calls["b2_list_file_names"]
    async for version in bucket.list_file_names(page_size=5):
        assert version.file_name == "f0"
        break
    assert emulator.calls["b2_list_file_names"] - before == 1


async def test_empty_bucket_lists_nothing(bucket: Bucket) -> None:
    assert await collect(bucket.list_file_names()) == []
    assert await collect(bucket.list_file_versions()) == []
    assert await collect(bucket.list_unfinished_large_files()) == []


async def test_bad_page_size_is_refused_before_any_request(
    emulator: B2Emulator, bucket: Bucket
) -> None:
    before = sum(emulator.calls.values())
    for bad in (0, 10_001):
        with pytest.raises(B2ValidationError):
            bucket.list_file_names(page_size=bad)
        with pytest.raises(B2ValidationError):
            bucket.list_file_versions(page_size=bad)
    with pytest.raises(B2ValidationError):
        bucket.list_unfinished_large_files(page_size=101)
    with pytest.raises(B2ValidationError):
        bucket.list_file_versions(start_file_id="4_z123")
    assert sum(emulator.calls.values()) == before
