"""The official b2sdk (unmodified, real HTTP stack) against the emulator served over loopback.

b2sdk is synchronous, so these are plain sync tests sharing one served emulator per module
(see ``conftest.py``). Every scenario checks real bytes and SHA-1s, not just status codes.
"""

from __future__ import annotations

import hashlib
import io
import random
from typing import TYPE_CHECKING

import httpx
import pytest
from b2sdk.v2.exception import FileNotPresent, Unauthorized

from b2async.testing import Fault

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from b2sdk.v2 import B2Api, Bucket

    from b2async.testing._emulator import B2Emulator


def payload(size: int, seed: int = 0) -> bytes:
    return random.Random(seed).randbytes(size)


def sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def read_by_name(bucket: Bucket, name: str, range_: tuple[int, int] | None = None) -> bytes:
    buffer = io.BytesIO()
    bucket.download_file_by_name(name, range_=range_).save(buffer)
    return buffer.getvalue()


def read_by_id(api: B2Api, file_id: str, range_: tuple[int, int] | None = None) -> bytes:
    buffer = io.BytesIO()
    api.download_file_by_id(file_id, range_=range_).save(buffer)
    return buffer.getvalue()


RECOMMENDED_PART_SIZE = 10_000  # as served by conftest.py


@pytest.fixture
def bucket(api: B2Api, bucket_name: Callable[[str], str]) -> Bucket:
    return api.create_bucket(bucket_name("b"), "allPrivate")


def test_authorize_reports_served_urls_and_part_sizes(
    api: B2Api, emulator: B2Emulator, realm: str
) -> None:
    info = api.account_info
    assert info.get_account_id() == emulator.account_id
    assert info.get_api_url() == realm
    assert info.get_download_url() == realm
    assert info.get_recommended_part_size() == RECOMMENDED_PART_SIZE
    assert info.get_absolute_minimum_part_size() == 5_000


def test_create_list_and_delete_public_and_private_buckets(
    api: B2Api, bucket_name: Callable[[str], str]
) -> None:
    public = api.create_bucket(bucket_name("pub"), "allPublic")
    private = api.create_bucket(bucket_name("priv"), "allPrivate")
    listed = {bucket.name: bucket.type_ for bucket in api.list_buckets()}
    assert listed[public.name] == "allPublic"
    assert listed[private.name] == "allPrivate"
    assert api.get_bucket_by_name(private.name).id_ == private.id_
    api.delete_bucket(public)
    assert public.name not in {bucket.name for bucket in api.list_buckets()}


def test_public_bucket_downloads_without_auth(
    api: B2Api, realm: str, bucket_name: Callable[[str], str]
) -> None:
    public = api.create_bucket(bucket_name("pub"), "allPublic")
    data = payload(1234, seed=5)
    public.upload_bytes(data, "open/data.bin")
    response = httpx.get(f"{realm}/file/{public.name}/open/data.bin")
    assert response.status_code == 200
    assert response.content == data
    assert response.headers["x-bz-content-sha1"] == sha1(data)


def test_upload_bytes_with_ten_file_infos(bucket: Bucket, api: B2Api) -> None:
    data = payload(3000, seed=1)
    infos = {f"key{i}": f"value {i} ü+%/ =" for i in range(10)}
    name = "dir/hellö wörld+plus.txt"
    uploaded = bucket.upload_bytes(data, name, content_type="text/plain", file_info=infos)
    assert uploaded.file_name == name
    assert uploaded.size == len(data)
    assert uploaded.content_sha1 == sha1(data)
    assert uploaded.file_info == infos
    assert uploaded.content_type == "text/plain"

    by_id = api.get_file_info(uploaded.id_)
    assert by_id.file_info == infos
    assert by_id.file_name == name

    buffer = io.BytesIO()
    downloaded = bucket.download_file_by_name(name)
    downloaded.save(buffer)
    assert buffer.getvalue() == data
    assert downloaded.download_version.file_info == infos
    assert downloaded.download_version.content_sha1 == sha1(data)
    assert downloaded.download_version.file_name == name


def test_upload_local_file_takes_the_large_file_path(
    bucket: Bucket, api: B2Api, emulator: B2Emulator, tmp_path: Path
) -> None:
    data = payload(50_000, seed=2)
    source = tmp_path / "big.bin"
    source.write_bytes(data)
    parts_before = emulator.calls["b2_upload_part"]
    finishes_before = emulator.calls["b2_finish_large_file"]

    uploaded = bucket.upload_local_file(str(source), "big/file.bin")

    parts = emulator.calls["b2_upload_part"] - parts_before
    assert parts >= 3  # 50 000 bytes in ~10 000-byte parts
    assert emulator.calls["b2_finish_large_file"] - finishes_before == 1
    assert uploaded.size == len(data)
    assert uploaded.file_info["large_file_sha1"] == sha1(data)
    assert read_by_name(bucket, "big/file.bin") == data
    assert read_by_id(api, uploaded.id_) == data


def test_ls_recursive_folders_and_all_versions(bucket: Bucket) -> None:
    names = ["a.txt", "dir/b.txt", "dir/sub/c.txt", "dir/sub/d.txt", "e/f.txt"]
    for index, name in enumerate(names):
        bucket.upload_bytes(payload(10 + index, seed=index), name)
    newest_a = bucket.upload_bytes(b"second a", "a.txt")

    recursive = [(version.file_name, folder) for version, folder in bucket.ls(recursive=True)]
    assert recursive == [(name, None) for name in names]
    top = [(version.file_name, folder) for version, folder in bucket.ls("")]
    assert [folder or version for version, folder in top] == ["a.txt", "dir/", "e/"]
    in_dir = [folder or version.file_name for version, folder in bucket.ls("dir/")]
    assert in_dir == ["dir/b.txt", "dir/sub/"]

    versions = [
        (version.file_name, version.id_)
        for version, _ in bucket.ls(recursive=True, latest_only=False)
    ]
    assert [name for name, _ in versions] == ["a.txt", "a.txt", *names[1:]]
    assert versions[0][1] == newest_a.id_  # newest first within a name
    assert [version.size for version in bucket.list_file_versions("a.txt")] == [8, 10]


def test_download_by_name_and_id_whole_and_ranged(bucket: Bucket, api: B2Api) -> None:
    data = payload(25_000, seed=3)
    uploaded = bucket.upload_bytes(data, "ranged.bin")
    assert read_by_name(bucket, "ranged.bin") == data
    assert read_by_id(api, uploaded.id_) == data
    assert read_by_name(bucket, "ranged.bin", (100, 4099)) == data[100:4100]
    assert read_by_id(api, uploaded.id_, (24_990, 24_999)) == data[24_990:]
    assert read_by_id(api, uploaded.id_, (0, 0)) == data[:1]


def test_hide_and_unhide(bucket: Bucket) -> None:
    data = b"now you see me"
    bucket.upload_bytes(data, "peekaboo.txt")
    hidden = bucket.hide_file("peekaboo.txt")
    assert hidden.action == "hide"
    assert [version.file_name for version, _ in bucket.ls(recursive=True)] == []
    with pytest.raises(FileNotPresent):
        read_by_name(bucket, "peekaboo.txt")
    bucket.unhide_file("peekaboo.txt")
    assert [version.file_name for version, _ in bucket.ls(recursive=True)] == ["peekaboo.txt"]
    assert read_by_name(bucket, "peekaboo.txt") == data


def test_delete_newest_version_exposes_previous(bucket: Bucket) -> None:
    first = bucket.upload_bytes(b"version one", "doc.txt")
    second = bucket.upload_bytes(b"version two", "doc.txt")
    assert read_by_name(bucket, "doc.txt") == b"version two"
    deleted = bucket.delete_file_version(second.id_, "doc.txt")
    assert deleted.file_id == second.id_
    assert read_by_name(bucket, "doc.txt") == b"version one"
    assert [version.id_ for version in bucket.list_file_versions("doc.txt")] == [first.id_]


def test_copy_small_and_large_files(
    bucket: Bucket,
    api: B2Api,
    emulator: B2Emulator,
    tmp_path: Path,
    bucket_name: Callable[[str], str],
) -> None:
    small = payload(2_000, seed=4)
    source = bucket.upload_bytes(small, "copy/src.bin", file_info={"colour": "blue"})
    copied = bucket.copy(source.id_, "copy/dst.bin")
    assert copied.id_ != source.id_
    assert read_by_name(bucket, "copy/dst.bin") == small
    assert api.get_file_info(copied.id_).file_info == {"colour": "blue"}

    ranged = bucket.copy(source.id_, "copy/part.bin", offset=100, length=500)
    assert ranged.size == 500
    assert read_by_name(bucket, "copy/part.bin") == small[100:600]

    other = api.create_bucket(bucket_name("dst"), "allPrivate")
    big = payload(30_000, seed=6)
    path = tmp_path / "big.bin"
    path.write_bytes(big)
    large = bucket.upload_local_file(str(path), "copy/big.bin")
    # A whole-file copy below 5 GB is one b2_copy_file; capping the part size makes b2sdk
    # copy a large file part by part (b2_start_large_file + b2_copy_part + finish).
    single_before = emulator.calls["b2_copy_file"]
    other.copy(large.id_, "big-copy.bin")
    assert emulator.calls["b2_copy_file"] == single_before + 1
    assert read_by_name(other, "big-copy.bin") == big
    parts_before = emulator.calls["b2_copy_part"]
    in_parts = other.copy(
        large.id_, "big-parts.bin", length=len(big), max_part_size=RECOMMENDED_PART_SIZE
    )
    assert emulator.calls["b2_copy_part"] - parts_before == 3
    assert in_parts.size == len(big)
    assert read_by_name(other, "big-parts.bin") == big


def test_list_and_cancel_unfinished_large_file(bucket: Bucket, api: B2Api) -> None:
    started = api.services.large_file.start_large_file(
        bucket.id_, "pending/big.bin", "application/octet-stream", {"why": "testing"}
    )
    unfinished = list(bucket.list_unfinished_large_files())
    assert [(item.file_id, item.file_name) for item in unfinished] == [
        (started.file_id, "pending/big.bin")
    ]
    assert unfinished[0].file_info == {"why": "testing"}
    # Unfinished files are versions, but never current files.
    assert list(bucket.ls(recursive=True)) == []
    cancelled = bucket.cancel_large_file(started.file_id)
    assert cancelled.file_id == started.file_id
    assert list(bucket.list_unfinished_large_files()) == []


def test_download_authorization_for_a_private_bucket(bucket: Bucket, realm: str) -> None:
    shared = payload(777, seed=7)
    bucket.upload_bytes(shared, "shared/doc.bin")
    bucket.upload_bytes(b"secret", "private/doc.bin")
    token = bucket.get_download_authorization("shared/", 3600)
    base = f"{realm}/file/{bucket.name}"

    assert httpx.get(f"{base}/shared/doc.bin").status_code == 401
    with_header = httpx.get(f"{base}/shared/doc.bin", headers={"Authorization": token})
    assert with_header.status_code == 200
    assert with_header.content == shared
    with_query = httpx.get(f"{base}/shared/doc.bin", params={"Authorization": token})
    assert with_query.content == shared
    outside = httpx.get(f"{base}/private/doc.bin", headers={"Authorization": token})
    assert outside.status_code == 401
    assert outside.json()["code"] == "unauthorized"


def test_create_list_and_delete_keys(api: B2Api, bucket: Bucket) -> None:
    created = api.create_key(
        ["listFiles", "readFiles"], "conformance-key", bucket_id=bucket.id_, name_prefix="in/"
    )
    assert created.application_key
    listed = {key.id_: key for key in api.list_keys()}
    assert created.id_ in listed
    assert listed[created.id_].key_name == "conformance-key"
    assert listed[created.id_].name_prefix == "in/"
    assert sorted(listed[created.id_].capabilities) == ["listFiles", "readFiles"]
    api.delete_key(created)
    assert created.id_ not in {key.id_ for key in api.list_keys()}


def test_restricted_key_is_refused_outside_its_prefix(
    api: B2Api, bucket: Bucket, b2sdk_login: Callable[[str, str], B2Api]
) -> None:
    inside = payload(500, seed=8)
    bucket.upload_bytes(inside, "in/allowed.bin")
    bucket.upload_bytes(b"nope", "out/forbidden.bin")
    key = api.create_key(
        ["listBuckets", "listFiles", "readFiles", "writeFiles"],
        "prefix-key",
        bucket_id=bucket.id_,
        name_prefix="in/",
    )
    restricted = b2sdk_login(key.id_, key.application_key)
    assert restricted.account_info.get_allowed()["namePrefix"] == "in/"
    view = restricted.get_bucket_by_name(bucket.name)

    assert [version.file_name for version, _ in view.ls("in/", recursive=True)] == [
        "in/allowed.bin"
    ]
    assert read_by_name(view, "in/allowed.bin") == inside
    with pytest.raises(Unauthorized):
        list(view.ls("", recursive=True))
    with pytest.raises(Unauthorized):
        read_by_name(view, "out/forbidden.bin")
    written = view.upload_bytes(b"mine", "in/new.bin")
    assert read_by_name(bucket, "in/new.bin") == b"mine"
    assert written.file_name == "in/new.bin"


def test_b2sdk_recovers_from_injected_upload_faults(
    api: B2Api, bucket: Bucket, emulator: B2Emulator, tmp_path: Path
) -> None:
    emulator.faults.clear()
    emulator.faults.add("b2_upload_part", Fault.error(503), times=1)
    emulator.faults.add("b2_upload_part", Fault.dropped(), times=1)
    emulator.faults.add("b2_upload_file", Fault.expired_token(), times=1)
    emulator.faults.add("b2_upload_file", Fault.error(500), times=1)
    data = payload(40_000, seed=9)
    source = tmp_path / "faulty.bin"
    source.write_bytes(data)
    large = bucket.upload_local_file(str(source), "faulty/large.bin")
    small = bucket.upload_bytes(b"small but sure", "faulty/small.txt")
    injected = [
        (endpoint, fault.kind, fault.status) for endpoint, fault in emulator.faults.injected
    ]
    emulator.faults.clear()
    assert injected == [
        ("b2_upload_part", "status", 503),
        ("b2_upload_part", "drop", 0),
        ("b2_upload_file", "expire_token", 401),
        ("b2_upload_file", "status", 500),
    ]
    assert read_by_id(api, large.id_) == data
    assert large.file_info["large_file_sha1"] == sha1(data)
    assert read_by_id(api, small.id_) == b"small but sure"
    # Failed attempts leave no stray versions behind.
    names = [version.file_name for version, _ in bucket.ls(recursive=True, latest_only=False)]
    assert names == ["faulty/large.bin", "faulty/small.txt"]


def test_b2sdk_reauthorizes_on_expired_token_and_honours_retry_after(
    api: B2Api, bucket: Bucket, emulator: B2Emulator
) -> None:
    bucket.upload_bytes(b"listed", "listed.txt")
    emulator.faults.clear()
    emulator.faults.add("b2_list_file_names", Fault.expired_token(), times=1)
    emulator.faults.add("b2_list_file_names", Fault.error(429, retry_after=0), times=2)
    authorizations = emulator.calls["b2_authorize_account"]
    names = [version.file_name for version, _ in bucket.ls(recursive=True)]
    assert names == ["listed.txt"]
    assert emulator.calls["b2_authorize_account"] == authorizations + 1
    assert [fault.code for fault in emulator.faults.injected_into("b2_list_file_names")] == [
        "expired_auth_token",
        "too_many_requests",
        "too_many_requests",
    ]
    emulator.faults.clear()
