"""Hide / unhide, file info, version deletion and download authorizations."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from b2async import _raw
from b2async._errors import (
    AlreadyHidden,
    B2APIError,
    B2ValidationError,
    FileNotHidden,
    FileNotPresent,
    InvalidFileName,
    NotFound,
)

from ._support import put_file, put_files

if TYPE_CHECKING:
    from b2async._bucket import Bucket
    from b2async._client import B2Client
    from b2async.testing import B2Emulator

pytestmark = pytest.mark.anyio


async def names(bucket: Bucket) -> list[str]:
    return [version.file_name async for version in bucket.list_file_names()]


async def test_hide_unhide_round_trip(client: B2Client, bucket: Bucket) -> None:
    uploaded = await put_file(bucket, "doc.txt", b"content")
    await put_file(bucket, "doc.txt.bak", b"other")
    assert await names(bucket) == ["doc.txt", "doc.txt.bak"]

    marker = await bucket.hide_file("doc.txt")
    assert marker.action == "hide"
    assert marker.file_name == "doc.txt"
    assert marker.content_length == 0
    assert await names(bucket) == ["doc.txt.bak"]
    with pytest.raises(AlreadyHidden):
        await bucket.hide_file("doc.txt")

    deleted = await bucket.unhide_file("doc.txt")
    assert (deleted.file_id, deleted.file_name) == (marker.file_id, "doc.txt")
    assert await names(bucket) == ["doc.txt", "doc.txt.bak"]
    visible = [v async for v in bucket.list_file_names()]
    assert visible[0].file_id == uploaded.file_id

    with pytest.raises(FileNotHidden) as info:
        await bucket.unhide_file("doc.txt")
    assert info.value.file_name == "doc.txt"
    # The versions are untouched by the refused unhide.
    assert [v.file_id async for v in bucket.list_file_versions(prefix="doc.txt")] == [
        uploaded.file_id,
        visible[1].file_id,
    ]


async def test_unhide_of_a_missing_name(bucket: Bucket) -> None:
    await put_file(bucket, "present-longer-name", b"x")
    with pytest.raises(FileNotPresent):
        await bucket.unhide_file("present")


async def test_unhide_finds_the_newest_among_many_versions(bucket: Bucket) -> None:
    await put_files(bucket, [("many", str(i).encode()) for i in range(12)])
    await bucket.hide_file("many")
    await bucket.unhide_file("many")
    (newest,) = [v async for v in bucket.list_file_names()]
    assert newest.content_length == 2  # b"11", the last upload


async def test_hide_validates_the_name_first(emulator: B2Emulator, bucket: Bucket) -> None:
    before = sum(emulator.calls.values())
    for bad in ["", "a" * 1025, "nul\x00byte", "del\x7fchar", "new\nline"]:
        with pytest.raises(InvalidFileName):
            await bucket.hide_file(bad)
    assert sum(emulator.calls.values()) == before


async def test_get_file_info_and_delete_file_version(client: B2Client, bucket: Bucket) -> None:
    old, new = await put_files(bucket, [("f.bin", b"old"), ("f.bin", b"newer")])
    assert old.file_id is not None
    assert new.file_id is not None
    info = await client.get_file_info(old.file_id)
    assert (info.file_name, info.content_length, info.content_sha1) == (
        "f.bin",
        3,
        old.content_sha1,
    )

    deleted = await bucket.delete_file_version("f.bin", new.file_id)
    assert (deleted.file_id, deleted.file_name) == (new.file_id, "f.bin")
    (current,) = [v async for v in bucket.list_file_versions()]
    assert current.file_id == old.file_id
    with pytest.raises(FileNotPresent):
        await client.delete_file_version("f.bin", new.file_id)


async def test_download_authorization(bucket: Bucket) -> None:
    authorization = await bucket.get_download_authorization("photos/", 3600)
    assert authorization.bucket_id == bucket.id
    assert authorization.file_name_prefix == "photos/"
    token = authorization.authorization_token.get_secret_value()
    assert token
    assert token not in repr(authorization)

    # The token downloads names under its prefix, and only those.
    await put_files(bucket, [("photos/cat.jpg", b"meow"), ("private/diary.txt", b"secret")])
    ctx = await bucket._client._session.context()

    async def fetch(name: str) -> bytes:
        async with _raw.download_file_by_name(
            ctx.http,
            download_url=ctx.download_url,
            bucket_name=bucket.name,
            file_name=name,
            token=authorization.authorization_token,
        ) as response:
            return b"".join([chunk async for chunk in response.aiter_bytes()])

    assert await fetch("photos/cat.jpg") == b"meow"
    with pytest.raises(B2APIError) as info:
        await fetch("private/diary.txt")
    assert info.value.status in (401, 403)


async def test_download_authorization_duration_checked_first(
    emulator: B2Emulator, bucket: Bucket
) -> None:
    before = sum(emulator.calls.values())
    for bad in (0, 604_801):
        with pytest.raises(B2ValidationError):
            await bucket.get_download_authorization("", bad)
    assert sum(emulator.calls.values()) == before


async def test_download_bytes_by_id_through_the_client(client: B2Client, bucket: Bucket) -> None:
    data = bytes(range(256)) * 40
    version = await put_file(bucket, "bin/data", data)
    assert version.file_id is not None
    assert await client.download_bytes_by_id(version.file_id) == data
    assert await client.download_bytes_by_id(version.file_id, range=(10, 19)) == data[10:20]


async def test_get_file_info_by_name(bucket: Bucket) -> None:
    await put_file(bucket, "info/a.txt", b"first")
    newest = await bucket.upload_bytes(
        b"second!", "info/a.txt", content_type="text/plain", file_info={"color": "red"}
    )
    info = await bucket.get_file_info_by_name("info/a.txt")
    assert info.file_id == newest.file_id
    assert info.content_length == 7
    assert info.content_sha1 == newest.content_sha1
    assert info.content_type == "text/plain"
    assert info.file_info.get("color") == "red"
    await bucket.hide_file("info/a.txt")
    with pytest.raises(NotFound):
        await bucket.get_file_info_by_name("info/a.txt")
