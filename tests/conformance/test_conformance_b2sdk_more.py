"""More b2sdk scenarios: paging, HEAD, bucket updates, SSE, streams, Object Lock, overrides."""

from __future__ import annotations

import hashlib
import io
import random
import time
from typing import TYPE_CHECKING

import httpx
import pytest
from b2sdk.v2 import (
    SSE_B2_AES,
    EncryptionAlgorithm,
    EncryptionKey,
    EncryptionMode,
    EncryptionSetting,
    FileRetentionSetting,
    LegalHold,
    RetentionMode,
)
from b2sdk.v2.exception import AccessDenied, B2Error, Unauthorized

from b2async.testing import Fault

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from b2sdk.v2 import B2Api, Bucket

    from b2async.testing import B2Emulator


def payload(size: int, seed: int = 0) -> bytes:
    return random.Random(seed).randbytes(size)


def sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def read_by_name(bucket: Bucket, name: str, **kwargs: object) -> bytes:
    buffer = io.BytesIO()
    bucket.download_file_by_name(name, **kwargs).save(buffer)  # type: ignore[arg-type]
    return buffer.getvalue()


@pytest.fixture
def bucket(api: B2Api, bucket_name: Callable[[str], str]) -> Bucket:
    return api.create_bucket(bucket_name("m"), "allPrivate")


def test_listing_pages_with_small_fetch_counts(bucket: Bucket) -> None:
    names = [f"p/{index:02d}.txt" for index in range(7)]
    for name in names:
        bucket.upload_bytes(name.encode(), name)
    for name in names[:3]:
        bucket.upload_bytes(b"again " + name.encode(), name)
    latest = [v.file_name for v, _ in bucket.ls("p/", recursive=True, fetch_count=2)]
    assert latest == names
    every = [
        (v.file_name, v.size)
        for v, _ in bucket.ls("p/", recursive=True, latest_only=False, fetch_count=2)
    ]
    expected = []
    for name in names:
        if name in names[:3]:
            expected.append((name, len(b"again ") + len(name)))
        expected.append((name, len(name)))
    assert every == expected
    assert [v.file_name for v in bucket.list_file_versions("p/00.txt", fetch_count=1)] == [
        "p/00.txt",
        "p/00.txt",
    ]


def test_special_names_round_trip(bucket: Bucket) -> None:
    names = ["spaces and+plus.txt", "ünïcødé/名前.bin", "pct%20literal.txt", "q?&=#.txt"]
    for index, name in enumerate(names):
        bucket.upload_bytes(payload(100, seed=index), name)
    assert sorted(v.file_name for v, _ in bucket.ls(recursive=True)) == sorted(names)
    for index, name in enumerate(names):
        assert read_by_name(bucket, name) == payload(100, seed=index)


def test_file_info_by_name_uses_head(bucket: Bucket, emulator: B2Emulator) -> None:
    data = payload(4321, seed=1)
    bucket.upload_bytes(data, "head.bin", file_info={"origin": "conformance"})
    info = bucket.get_file_info_by_name("head.bin")
    assert info.size == len(data)
    assert info.content_sha1 == sha1(data)
    assert info.file_info == {"origin": "conformance"}


def test_bucket_info_and_type_updates(api: B2Api, bucket: Bucket) -> None:
    updated = bucket.update(bucket_info={"purpose": "tests"}, bucket_type="allPublic")
    assert updated.bucket_info == {"purpose": "tests"}
    assert updated.type_ == "allPublic"
    fresh = api.get_bucket_by_name(bucket.name).get_fresh_state()
    assert fresh.bucket_info == {"purpose": "tests"}
    assert fresh.type_ == "allPublic"


def test_non_empty_bucket_cannot_be_deleted(api: B2Api, bucket: Bucket) -> None:
    bucket.upload_bytes(b"keep me", "keep.txt")
    # b2sdk knows no exception class for this (real) B2 code and warns about it.
    with (
        pytest.raises(B2Error, match="non-empty"),
        pytest.warns(UserWarning, match="cannot_delete_non_empty_bucket"),
    ):
        api.delete_bucket(bucket)
    assert bucket.name in {b.name for b in api.list_buckets()}


def test_sse_b2_and_sse_c(bucket: Bucket, api: B2Api) -> None:
    data = payload(2500, seed=2)
    sse_b2 = bucket.upload_bytes(data, "sse-b2.bin", encryption=SSE_B2_AES)
    assert sse_b2.server_side_encryption.mode == EncryptionMode.SSE_B2
    assert read_by_name(bucket, "sse-b2.bin") == data

    key = EncryptionKey(secret=bytes(range(32)), key_id="test-key")
    sse_c = EncryptionSetting(EncryptionMode.SSE_C, EncryptionAlgorithm.AES256, key)
    uploaded = bucket.upload_bytes(data, "sse-c.bin", encryption=sse_c)
    assert uploaded.server_side_encryption.mode == EncryptionMode.SSE_C
    assert read_by_name(bucket, "sse-c.bin", encryption=sse_c) == data
    with pytest.raises(B2Error):
        read_by_name(bucket, "sse-c.bin")


def test_upload_unbound_stream_as_large_file(bucket: Bucket, emulator: B2Emulator) -> None:
    data = payload(45_000, seed=3)
    parts_before = emulator.calls["b2_upload_part"]
    uploaded = bucket.upload_unbound_stream(io.BytesIO(data), "stream.bin")
    assert emulator.calls["b2_upload_part"] > parts_before
    assert uploaded.size == len(data)
    assert read_by_name(bucket, "stream.bin") == data


def test_copy_with_replaced_metadata(bucket: Bucket, api: B2Api) -> None:
    source = bucket.upload_bytes(b"metadata", "meta/src.txt", file_info={"a": "1"})
    copied = bucket.copy(
        source.id_, "meta/dst.txt", content_type="text/x-copied", file_info={"b": "2"}
    )
    info = api.get_file_info(copied.id_)
    assert info.content_type == "text/x-copied"
    assert info.file_info == {"b": "2"}
    assert read_by_name(bucket, "meta/dst.txt") == b"metadata"


def test_download_header_overrides_from_file_info(bucket: Bucket, realm: str, api: B2Api) -> None:
    bucket.upload_bytes(
        b"<html/>",
        "page.html",
        content_type="text/html",
        content_disposition="attachment; filename=page.html",
        cache_control="max-age=60",
    )
    token = api.account_info.get_account_auth_token()
    response = httpx.get(f"{realm}/file/{bucket.name}/page.html", headers={"Authorization": token})
    assert response.content == b"<html/>"
    assert response.headers["content-disposition"] == "attachment; filename=page.html"
    assert response.headers["cache-control"] == "max-age=60"
    assert response.headers["content-type"] == "text/html"


def test_object_lock_retention_and_legal_hold(
    api: B2Api, bucket_name: Callable[[str], str]
) -> None:
    locked = api.create_bucket(bucket_name("lock"), "allPrivate", is_file_lock_enabled=True)
    retain_until = int(time.time() * 1000) + 86_400_000
    retention = FileRetentionSetting(RetentionMode.GOVERNANCE, retain_until)
    uploaded = locked.upload_bytes(
        b"precious", "locked.txt", file_retention=retention, legal_hold=LegalHold.ON
    )
    assert uploaded.file_retention.mode == RetentionMode.GOVERNANCE
    assert uploaded.file_retention.retain_until == retain_until
    assert uploaded.legal_hold == LegalHold.ON
    with pytest.raises(AccessDenied):
        locked.delete_file_version(uploaded.id_, "locked.txt")
    api.update_file_legal_hold(uploaded.id_, "locked.txt", LegalHold.OFF)
    with pytest.raises(AccessDenied):
        locked.delete_file_version(uploaded.id_, "locked.txt")
    locked.delete_file_version(uploaded.id_, "locked.txt", bypass_governance=True)
    assert list(locked.ls(recursive=True, latest_only=False)) == []


def test_interrupted_large_upload_is_resumed_by_b2sdk(
    bucket: Bucket, emulator: B2Emulator, tmp_path: Path
) -> None:
    data = payload(50_000, seed=4)
    source = tmp_path / "resume.bin"
    source.write_bytes(data)
    emulator.faults.clear()
    # 400s are not retried by b2sdk: the first upload fails after some parts are stored.
    emulator.faults.add("b2_upload_part", Fault.error(400, "bad_request"), after=3)
    with pytest.raises(B2Error):
        bucket.upload_local_file(str(source), "resume/big.bin")
    emulator.faults.clear()
    unfinished = list(bucket.list_unfinished_large_files())
    assert [item.file_name for item in unfinished] == ["resume/big.bin"]
    stored_parts = list(bucket.list_parts(unfinished[0].file_id))
    assert len(stored_parts) >= 1

    parts_before = emulator.calls["b2_upload_part"]
    finished = bucket.upload_local_file(str(source), "resume/big.bin")
    uploaded_now = emulator.calls["b2_upload_part"] - parts_before
    assert finished.id_ == unfinished[0].file_id  # b2sdk continued the same large file
    assert uploaded_now == 5 - len(stored_parts)
    assert read_by_name(bucket, "resume/big.bin") == data
    assert list(bucket.list_unfinished_large_files()) == []


def test_bucket_restricted_key_sees_only_its_bucket(
    api: B2Api,
    bucket: Bucket,
    bucket_name: Callable[[str], str],
    b2sdk_login: Callable[[str, str], B2Api],
) -> None:
    other = api.create_bucket(bucket_name("other"), "allPrivate")
    key = api.create_key(
        ["listBuckets", "listFiles", "readFiles"], "one-bucket", bucket_id=bucket.id_
    )
    restricted = b2sdk_login(key.id_, key.application_key)
    allowed = restricted.account_info.get_allowed()
    # b2sdk.v2 keeps the single-bucket (pre-v4) shape of the v4 "allowed.buckets" answer.
    assert (allowed["bucketId"], allowed["bucketName"]) == (bucket.id_, bucket.name)
    listed = restricted.list_buckets(bucket_name=bucket.name)
    assert [b.id_ for b in listed] == [bucket.id_]
    # b2sdk refuses the other bucket client-side; its raw API shows the emulator refuses too.
    info = restricted.account_info
    with pytest.raises(Unauthorized):
        restricted.raw_api.list_file_names(
            info.get_api_url(), info.get_account_auth_token(), other.id_
        )


def test_notification_rules_round_trip(bucket: Bucket) -> None:
    rule = {
        "eventTypes": ["b2:ObjectCreated:*"],
        "isEnabled": True,
        "name": "created",
        "objectNamePrefix": "logs/",
        "targetConfiguration": {"targetType": "webhook", "url": "https://example.com/hook"},
    }
    stored = bucket.set_notification_rules([rule])  # type: ignore[list-item]
    assert [(r["name"], r["objectNamePrefix"], r["isSuspended"]) for r in stored] == [
        ("created", "logs/", False)
    ]
    fetched = bucket.get_notification_rules()
    assert [(r["name"], r["eventTypes"]) for r in fetched] == [("created", ["b2:ObjectCreated:*"])]
    assert bucket.set_notification_rules([]) == []
    assert bucket.get_notification_rules() == []
