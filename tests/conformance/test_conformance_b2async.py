"""The b2sdk conformance scenarios again, with b2async's own client over a real socket.

The client uses its default httpx stack against the served emulator (``realm`` is the loopback
URL), so the whole path — connection pool, streaming bodies, error mapping, retries — is real.
"""

from __future__ import annotations

import hashlib
import random
from typing import TYPE_CHECKING

import httpx
import pytest

from b2async import B2Client, B2ConnectionError, BadRequest, NotFound, Unauthorized
from b2async._retry import sleeps_disabled
from b2async.testing import Fault

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterator
    from pathlib import Path

    from b2async import Bucket
    from b2async.testing import B2Emulator

pytestmark = pytest.mark.anyio


def payload(size: int, seed: int = 0) -> bytes:
    return random.Random(seed).randbytes(size)


def sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


@pytest.fixture(autouse=True)
def no_retry_sleeps() -> Iterator[None]:
    with sleeps_disabled():
        yield


@pytest.fixture
async def client(emulator: B2Emulator, realm: str) -> AsyncIterator[B2Client]:
    async with B2Client(emulator.key_id, emulator.key, realm=realm) as client:
        yield client


@pytest.fixture
async def bucket(client: B2Client, bucket_name: Callable[[str], str]) -> Bucket:
    return await client.create_bucket(bucket_name("c"), "allPrivate")


async def names(bucket: Bucket, **kwargs: object) -> list[str]:
    return [version.file_name async for version in bucket.list_file_names(**kwargs)]  # type: ignore[arg-type]


async def test_authorize_reports_served_urls_and_part_sizes(
    client: B2Client, emulator: B2Emulator, realm: str
) -> None:
    auth = await client.authorize()
    assert auth.account_id == emulator.account_id
    assert auth.api_url == realm
    assert auth.download_url == realm
    assert auth.recommended_part_size == 10_000
    assert auth.absolute_minimum_part_size == 5_000


async def test_create_list_and_delete_public_and_private_buckets(
    client: B2Client, bucket_name: Callable[[str], str]
) -> None:
    public = await client.create_bucket(bucket_name("pub"), "allPublic")
    private = await client.create_bucket(bucket_name("priv"), "allPrivate")
    listed = {bucket.name: bucket.type for bucket in await client.list_buckets()}
    assert listed[public.name] == "allPublic"
    assert listed[private.name] == "allPrivate"
    assert (await client.get_bucket(private.name)).id == private.id
    await client.delete_bucket(public)
    assert public.name not in {bucket.name for bucket in await client.list_buckets()}


async def test_upload_bytes_with_ten_file_infos(bucket: Bucket, client: B2Client) -> None:
    data = payload(3000, seed=1)
    infos = {f"key{i}": f"value {i} ü+%/ =" for i in range(10)}
    name = "dir/hellö wörld+plus.txt"
    uploaded = await bucket.upload_bytes(data, name, content_type="text/plain", file_info=infos)
    assert uploaded.file_name == name
    assert uploaded.content_length == len(data)
    assert uploaded.verified_sha1 == sha1(data)
    assert uploaded.file_info == infos
    assert uploaded.content_type == "text/plain"
    assert uploaded.file_id is not None
    assert (await client.get_file_info(uploaded.file_id)).file_info == infos
    async with bucket.download(name) as download:
        assert download.file_version.file_info == infos
        assert download.file_version.file_name == name
        received = b"".join([chunk async for chunk in download.aiter_bytes()])
    assert received == data


async def test_upload_takes_the_large_file_path(
    bucket: Bucket, client: B2Client, emulator: B2Emulator, tmp_path: Path
) -> None:
    data = payload(50_000, seed=2)
    source = tmp_path / "big.bin"
    source.write_bytes(data)
    parts_before = emulator.calls["b2_upload_part"]
    uploaded = await bucket.upload_file(source, "big/file.bin")
    assert emulator.calls["b2_upload_part"] - parts_before == 5
    assert uploaded.content_length == len(data)
    assert uploaded.large_file_sha1 == sha1(data)
    assert await bucket.download_bytes("big/file.bin") == data
    assert uploaded.file_id is not None
    assert await client.download_bytes_by_id(uploaded.file_id) == data


async def test_listing_recursive_folders_and_all_versions(bucket: Bucket) -> None:
    all_names = ["a.txt", "dir/b.txt", "dir/sub/c.txt", "dir/sub/d.txt", "e/f.txt"]
    for index, name in enumerate(all_names):
        await bucket.upload_bytes(payload(10 + index, seed=index), name)
    newest_a = await bucket.upload_bytes(b"second a", "a.txt")

    assert await names(bucket) == all_names
    assert await names(bucket, page_size=2) == all_names
    top = [(v.file_name, v.action) async for v in bucket.list_file_names(delimiter="/")]
    assert top == [("a.txt", "upload"), ("dir/", "folder"), ("e/", "folder")]
    assert await names(bucket, prefix="dir/", delimiter="/") == ["dir/b.txt", "dir/sub/"]

    versions = [v async for v in bucket.list_file_versions(page_size=2)]
    assert [v.file_name for v in versions] == ["a.txt", "a.txt", *all_names[1:]]
    assert versions[0].file_id == newest_a.file_id
    assert [v.content_length for v in versions[:2]] == [8, 10]


async def test_download_by_name_and_id_whole_and_ranged(bucket: Bucket, client: B2Client) -> None:
    data = payload(25_000, seed=3)
    uploaded = await bucket.upload_bytes(data, "ranged.bin")
    assert uploaded.file_id is not None
    assert await bucket.download_bytes("ranged.bin") == data
    assert await client.download_bytes_by_id(uploaded.file_id) == data
    assert await bucket.download_bytes("ranged.bin", range=(100, 4099)) == data[100:4100]
    ranged = await client.download_bytes_by_id(uploaded.file_id, range=(24_990, 24_999))
    assert ranged == data[24_990:]


async def test_download_to_file_in_segments(bucket: Bucket, tmp_path: Path) -> None:
    data = payload(40_000, seed=10)
    await bucket.upload_bytes(data, "segments.bin")
    target = tmp_path / "out.bin"
    version = await bucket.download_to_file("segments.bin", target, segments=4)
    assert target.read_bytes() == data
    assert version.content_length == len(data)


async def test_hide_and_unhide(bucket: Bucket) -> None:
    data = b"now you see me"
    await bucket.upload_bytes(data, "peekaboo.txt")
    hidden = await bucket.hide_file("peekaboo.txt")
    assert hidden.action == "hide"
    assert await names(bucket) == []
    with pytest.raises(NotFound):  # B2 answers 404 not_found for a hidden name
        await bucket.download_bytes("peekaboo.txt")
    await bucket.unhide_file("peekaboo.txt")
    assert await names(bucket) == ["peekaboo.txt"]
    assert await bucket.download_bytes("peekaboo.txt") == data


async def test_delete_newest_version_exposes_previous(bucket: Bucket) -> None:
    first = await bucket.upload_bytes(b"version one", "doc.txt")
    second = await bucket.upload_bytes(b"version two", "doc.txt")
    assert second.file_id is not None
    assert await bucket.download_bytes("doc.txt") == b"version two"
    deleted = await bucket.delete_file_version("doc.txt", second.file_id)
    assert deleted.file_id == second.file_id
    assert await bucket.download_bytes("doc.txt") == b"version one"
    assert [v.file_id async for v in bucket.list_file_versions()] == [first.file_id]


async def test_copy_small_and_ranged_and_across_buckets(
    bucket: Bucket, client: B2Client, bucket_name: Callable[[str], str]
) -> None:
    small = payload(2_000, seed=4)
    source = await bucket.upload_bytes(small, "copy/src.bin", file_info={"colour": "blue"})
    assert source.file_id is not None
    copied = await bucket.copy_file(source.file_id, "copy/dst.bin")
    assert copied.file_id != source.file_id
    assert copied.file_info == {"colour": "blue"}
    assert await bucket.download_bytes("copy/dst.bin") == small

    ranged = await bucket.copy_file(source.file_id, "copy/part.bin", range=(100, 599))
    assert ranged.content_length == 500
    assert await bucket.download_bytes("copy/part.bin") == small[100:600]

    other = await client.create_bucket(bucket_name("dst"), "allPrivate")
    await other.copy_file(source.file_id, "elsewhere.bin")
    assert await other.download_bytes("elsewhere.bin") == small


async def test_failed_resumable_upload_is_listed_then_resumed(
    bucket: Bucket, emulator: B2Emulator, tmp_path: Path
) -> None:
    data = payload(40_000, seed=12)
    source = tmp_path / "resume.bin"
    source.write_bytes(data)
    emulator.faults.clear()
    emulator.faults.add("b2_upload_part", Fault.error(400, "bad_request"), after=2)
    with pytest.raises(BadRequest):
        await bucket.upload_file(source, "resume/big.bin", resume=True, parts_in_flight=1)
    emulator.faults.clear()
    unfinished = [v async for v in bucket.list_unfinished_large_files()]
    assert [(v.file_name, v.action) for v in unfinished] == [("resume/big.bin", "start")]

    parts_before = emulator.calls["b2_upload_part"]
    finished = await bucket.upload_file(source, "resume/big.bin", resume=True)
    assert finished.file_id == unfinished[0].file_id  # the same large file, finished
    assert emulator.calls["b2_upload_part"] - parts_before == 2  # only the missing parts
    assert await bucket.download_bytes("resume/big.bin") == data
    assert [v async for v in bucket.list_unfinished_large_files()] == []


async def test_failed_upload_without_resume_cancels_its_unfinished_file(
    bucket: Bucket, emulator: B2Emulator, tmp_path: Path
) -> None:
    source = tmp_path / "cancel.bin"
    source.write_bytes(payload(40_000, seed=13))
    emulator.faults.clear()
    emulator.faults.add("b2_upload_part", Fault.error(400, "bad_request"), after=2)
    cancels_before = emulator.calls["b2_cancel_large_file"]
    with pytest.raises(BadRequest):
        await bucket.upload_file(source, "cancel/big.bin", parts_in_flight=1)
    emulator.faults.clear()
    # The started file was cancelled by b2async (b2_cancel_large_file), so nothing is listed.
    assert emulator.calls["b2_cancel_large_file"] - cancels_before == 1
    assert [v async for v in bucket.list_unfinished_large_files()] == []
    assert await names(bucket, prefix="cancel/") == []


async def test_download_authorization_for_a_private_bucket(bucket: Bucket, realm: str) -> None:
    shared = payload(777, seed=7)
    await bucket.upload_bytes(shared, "shared/doc.bin")
    await bucket.upload_bytes(b"secret", "private/doc.bin")
    authorization = await bucket.get_download_authorization("shared/", 3600)
    token = authorization.authorization_token.get_secret_value()
    assert token not in repr(authorization)
    base = f"{realm}/file/{bucket.name}"
    async with httpx.AsyncClient() as http:
        assert (await http.get(f"{base}/shared/doc.bin")).status_code == 401
        allowed = await http.get(f"{base}/shared/doc.bin", headers={"Authorization": token})
        assert allowed.content == shared
        outside = await http.get(f"{base}/private/doc.bin", headers={"Authorization": token})
        assert outside.status_code == 401


async def test_create_list_and_delete_keys(client: B2Client, bucket: Bucket) -> None:
    created = await client.create_key(
        "conformance-key", ["listFiles", "readFiles"], bucket_ids=[bucket.id], name_prefix="in/"
    )
    assert created.application_key.get_secret_value()
    listed = {key.application_key_id: key async for key in client.list_keys()}
    assert listed[created.application_key_id].key_name == "conformance-key"
    assert listed[created.application_key_id].name_prefix == "in/"
    assert sorted(listed[created.application_key_id].capabilities) == ["listFiles", "readFiles"]
    await client.delete_key(created)
    assert created.application_key_id not in {
        key.application_key_id async for key in client.list_keys()
    }


async def test_restricted_key_is_refused_outside_its_prefix(
    client: B2Client, bucket: Bucket, realm: str
) -> None:
    inside = payload(500, seed=8)
    await bucket.upload_bytes(inside, "in/allowed.bin")
    await bucket.upload_bytes(b"nope", "out/forbidden.bin")
    key = await client.create_key(
        "prefix-key",
        ["listBuckets", "listFiles", "readFiles", "writeFiles"],
        bucket_ids=[bucket.id],
        name_prefix="in/",
    )
    async with B2Client(
        key.application_key_id, key.application_key.get_secret_value(), realm=realm
    ) as restricted:
        auth = await restricted.authorize()
        assert auth.allowed.name_prefix == "in/"
        view = restricted.bucket(bucket.id, bucket.name)
        assert await names(view, prefix="in/") == ["in/allowed.bin"]
        assert await view.download_bytes("in/allowed.bin") == inside
        with pytest.raises(Unauthorized):
            await names(view)
        with pytest.raises(Unauthorized):
            await view.download_bytes("out/forbidden.bin")
        await view.upload_bytes(b"mine", "in/new.bin")
    assert await bucket.download_bytes("in/new.bin") == b"mine"


async def test_client_recovers_from_injected_faults(bucket: Bucket, emulator: B2Emulator) -> None:
    data = payload(40_000, seed=9)
    emulator.faults.clear()
    emulator.faults.add("b2_upload_part", Fault.error(503), times=1)
    emulator.faults.add("b2_upload_part", Fault.dropped(), times=1)
    emulator.faults.add("b2_upload_file", Fault.expired_token(), times=1)
    emulator.faults.add("b2_list_file_names", Fault.expired_token(), times=1)
    emulator.faults.add("b2_list_file_names", Fault.error(429, retry_after=0), times=1)
    emulator.faults.add("b2_download_file_by_name", Fault.error(503), times=1)
    large = await bucket.upload_bytes(data, "faulty/large.bin")
    await bucket.upload_bytes(b"small but sure", "faulty/small.txt")
    listed = await names(bucket)
    downloaded = await bucket.download_bytes("faulty/large.bin")
    injected = [(name, fault.kind) for name, fault in emulator.faults.injected]
    emulator.faults.clear()
    assert injected == [
        ("b2_upload_part", "status"),
        ("b2_upload_part", "drop"),
        ("b2_upload_file", "expire_token"),
        ("b2_list_file_names", "expire_token"),
        ("b2_list_file_names", "status"),
        ("b2_download_file_by_name", "status"),
    ]
    assert listed == ["faulty/large.bin", "faulty/small.txt"]
    assert downloaded == data
    assert large.large_file_sha1 == sha1(data)


async def test_download_to_file_resumes_after_a_dropped_connection(
    bucket: Bucket, emulator: B2Emulator, tmp_path: Path
) -> None:
    data = payload(40_000, seed=13)
    await bucket.upload_bytes(data, "dropped.bin")
    emulator.faults.clear()
    # Whichever download requests the engine makes (by name, then possibly by id per
    # segment), the first two are cut off mid-body.
    emulator.faults.add("b2_download_file_by_name", Fault.dropped(), times=1)
    emulator.faults.add("b2_download_file_by_id", Fault.dropped(), times=1)
    target = tmp_path / "dropped.bin"
    version = await bucket.download_to_file("dropped.bin", target, segments=2)
    assert [fault.kind for _, fault in emulator.faults.injected] == ["drop", "drop"]
    emulator.faults.clear()
    assert target.read_bytes() == data
    assert version.large_file_sha1 == sha1(data)


async def test_download_bytes_resumes_a_dropped_connection_over_a_socket(
    bucket: Bucket, emulator: B2Emulator
) -> None:
    # Over a real socket: a body broken mid-way is resumed by file id from the first missing
    # byte; when every attempt breaks, the caller sees a typed connection error, never
    # truncated bytes.
    data = payload(300_000, seed=14)
    await bucket.upload_bytes(data, "dropped-bytes.bin")
    emulator.faults.clear()
    emulator.faults.add("b2_download_file_by_name", Fault.dropped(), times=1)
    emulator.faults.add("b2_download_file_by_id", Fault.dropped(), times=1)
    assert await bucket.download_bytes("dropped-bytes.bin") == data
    emulator.faults.clear()
    emulator.faults.add("b2_download_file_by_name", Fault.dropped(), times=1)
    emulator.faults.add("b2_download_file_by_id", Fault.dropped())
    with pytest.raises(B2ConnectionError):
        await bucket.download_bytes("dropped-bytes.bin")
    emulator.faults.clear()
