"""Listing order, hidden names, folders, exact resume over small pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest

if TYPE_CHECKING:
    from b2async.testing import B2Emulator

    from ._api import Api

pytestmark = pytest.mark.anyio

PHOTOS = [
    "photos/alice.jpg",
    "photos/alfred.jpg",
    "photos/cats/fluffy.jpg",
    "photos/cats/mittens.jpg",
    "photos/dogs/spot.jpg",
    "photos/lilly.jpg",
]


def _names(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f["action"], f["fileName"]) for f in body["files"]]


async def _all_names(api: Api, bucket_id: str, page: int, **extra: Any) -> list[str]:
    names: list[str] = []
    start: str | None = None
    while True:
        body = await api.ok(
            "b2_list_file_names", bucketId=bucket_id, maxFileCount=page, startFileName=start,
            **extra,
        )  # fmt: skip
        assert len(body["files"]) <= page
        names += [f["fileName"] for f in body["files"]]
        start = body["nextFileName"]
        if start is None:
            return names


async def _all_versions(api: Api, bucket_id: str, page: int, **extra: Any) -> list[str]:
    ids: list[str] = []
    name: str | None = None
    file_id: str | None = None
    while True:
        body = await api.ok(
            "b2_list_file_versions", bucketId=bucket_id, maxFileCount=page,
            startFileName=name, startFileId=file_id, **extra,
        )  # fmt: skip
        ids += [f["fileId"] or f["fileName"] for f in body["files"]]
        name, file_id = body["nextFileName"], body["nextFileId"]
        if name is None:
            return ids


async def test_names_sorted_by_code_point_and_newest_only(api: Api) -> None:
    bucket_id = await api.bucket()
    for name in ("b", "a", "é", "B", "a/b", "a-b"):
        await api.upload(bucket_id, quote(name), name.encode())
    newest = await api.upload(bucket_id, "a", b"newer")
    body = await api.ok("b2_list_file_names", bucketId=bucket_id)
    assert [f["fileName"] for f in body["files"]] == ["B", "a", "a-b", "a/b", "b", "é"]
    assert body["files"][1]["fileId"] == newest["fileId"]
    assert body["nextFileName"] is None


async def test_hidden_names_and_unfinished_files_skipped(api: Api) -> None:
    bucket_id = await api.bucket()
    for name in ("a", "b", "c", "d"):
        await api.upload(bucket_id, name)
    await api.ok("b2_hide_file", bucketId=bucket_id, fileName="b")
    await api.ok("b2_hide_file", bucketId=bucket_id, fileName="c")
    await api.ok("b2_start_large_file", bucketId=bucket_id, fileName="e", contentType="x/y")
    assert await _all_names(api, bucket_id, 1) == ["a", "d"]
    body = await api.ok("b2_list_file_versions", bucketId=bucket_id)
    assert _names(body) == [
        ("upload", "a"), ("hide", "b"), ("upload", "b"), ("hide", "c"), ("upload", "c"),
        ("upload", "d"), ("start", "e"),
    ]  # fmt: skip


async def test_unfinished_large_file_does_not_shadow_upload(api: Api) -> None:
    bucket_id = await api.bucket()
    await api.upload(bucket_id, "same", b"old")
    await api.ok("b2_start_large_file", bucketId=bucket_id, fileName="same", contentType="x/y")
    assert await _all_names(api, bucket_id, 10) == ["same"]


async def test_prefix_and_delimiter_folders(api: Api) -> None:
    bucket_id = await api.bucket()
    for name in PHOTOS:
        await api.upload(bucket_id, name)
    body = await api.ok("b2_list_file_names", bucketId=bucket_id)
    assert len(body["files"]) == 6
    body = await api.ok("b2_list_file_names", bucketId=bucket_id, prefix="photos/c")
    assert [f["fileName"] for f in body["files"]] == PHOTOS[2:4]
    body = await api.ok("b2_list_file_names", bucketId=bucket_id, prefix="photos/", delimiter="/")
    assert _names(body) == [
        ("upload", "photos/alfred.jpg"), ("upload", "photos/alice.jpg"),
        ("folder", "photos/cats/"), ("folder", "photos/dogs/"), ("upload", "photos/lilly.jpg"),
    ]  # fmt: skip
    folder = body["files"][2]
    assert folder["fileId"] is None
    assert folder["contentLength"] == 0
    assert folder["uploadTimestamp"] == 0
    assert folder["contentSha1"] is None
    body = await api.ok(
        "b2_list_file_names", bucketId=bucket_id, prefix="photos/cats/", delimiter="/"
    )
    assert [f["fileName"] for f in body["files"]] == PHOTOS[2:4]
    body = await api.ok("b2_list_file_names", bucketId=bucket_id, delimiter="/")
    assert _names(body) == [("folder", "photos/")]


async def test_folder_paging_resumes_exactly(api: Api) -> None:
    bucket_id = await api.bucket()
    for name in PHOTOS:
        await api.upload(bucket_id, name)
    for page in (1, 2, 3):
        names = await _all_names(api, bucket_id, page, prefix="photos/", delimiter="/")
        assert names == [
            "photos/alfred.jpg", "photos/alice.jpg", "photos/cats/", "photos/dogs/",
            "photos/lilly.jpg",
        ]  # fmt: skip
        versions = await _all_versions(api, bucket_id, page, prefix="photos/", delimiter="/")
        assert len(versions) == 5
        assert "photos/cats/" in versions


async def test_start_file_name_outside_prefix_is_accepted(api: Api) -> None:
    bucket_id = await api.bucket()
    for name in ("a/1", "b/1", "b/2", "c/1"):
        await api.upload(bucket_id, name)
    body = await api.ok("b2_list_file_names", bucketId=bucket_id, prefix="b/", startFileName="a")
    assert [f["fileName"] for f in body["files"]] == ["b/1", "b/2"]
    body = await api.ok("b2_list_file_names", bucketId=bucket_id, prefix="b/", startFileName="b0")
    assert body["files"] == []
    assert body["nextFileName"] is None


async def test_versions_resume_exactly_with_small_pages(api: Api, emu: B2Emulator) -> None:
    bucket_id = await api.bucket()
    expected: list[str] = []
    for name in ("x", "y", "z"):
        ids = [(await api.upload(bucket_id, name, bytes([i])))["fileId"] for i in range(3)]
        expected += reversed(ids)  # newest first within a name
    for page in (1, 2, 4, 100):
        assert await _all_versions(api, bucket_id, page) == expected


async def test_versions_resume_after_next_version_deleted(api: Api) -> None:
    bucket_id = await api.bucket()
    ids = [(await api.upload(bucket_id, "n", bytes([i])))["fileId"] for i in range(4)]
    body = await api.ok("b2_list_file_versions", bucketId=bucket_id, maxFileCount=2)
    assert body["nextFileId"] == ids[1]
    await api.ok("b2_delete_file_version", fileName="n", fileId=ids[1])
    rest = await api.ok(
        "b2_list_file_versions", bucketId=bucket_id,
        startFileName=body["nextFileName"], startFileId=body["nextFileId"],
    )  # fmt: skip
    assert [f["fileId"] for f in rest["files"]] == [ids[0]]


async def test_max_file_count_limits(api: Api) -> None:
    bucket_id = await api.bucket()
    for endpoint in ("b2_list_file_names", "b2_list_file_versions"):
        await api.fails(endpoint, 400, "out_of_range", bucketId=bucket_id, maxFileCount=10_001)
    await api.fails(
        "b2_list_file_versions", 400, "invalid_file_id",
        bucketId=bucket_id, startFileName="a", startFileId="garbage",
    )  # fmt: skip
    await api.fails("b2_list_file_names", 400, "bad_bucket_id", bucketId="nope")


async def test_default_page_is_100(api: Api, emu: B2Emulator) -> None:
    bucket_id = await api.bucket()
    for i in range(150):
        emu.put_file(bucket_id, f"f{i:03d}", b"x")
    body = await api.ok("b2_list_file_names", bucketId=bucket_id)
    assert len(body["files"]) == 100
    assert body["nextFileName"] == "f100"
    body = await api.ok("b2_list_file_names", bucketId=bucket_id, maxFileCount=0)
    assert len(body["files"]) == 100


async def test_unfinished_large_files_listing(api: Api) -> None:
    bucket_id = await api.bucket()
    started = []
    for name in ("b/one", "a/two", "b/three"):
        body = await api.ok(
            "b2_start_large_file", bucketId=bucket_id, fileName=name, contentType="x/y"
        )
        started.append(body["fileId"])
    body = await api.ok("b2_list_unfinished_large_files", bucketId=bucket_id, maxFileCount=2)
    assert [f["fileId"] for f in body["files"]] == started[:2]
    assert all(f["action"] == "start" for f in body["files"])
    body = await api.ok(
        "b2_list_unfinished_large_files", bucketId=bucket_id, startFileId=body["nextFileId"]
    )
    assert [f["fileId"] for f in body["files"]] == started[2:]
    assert body["nextFileId"] is None
    body = await api.ok("b2_list_unfinished_large_files", bucketId=bucket_id, namePrefix="b/")
    assert [f["fileName"] for f in body["files"]] == ["b/one", "b/three"]
    await api.fails(
        "b2_list_unfinished_large_files", 400, "out_of_range", bucketId=bucket_id, maxFileCount=101
    )
