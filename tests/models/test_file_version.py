"""FileVersion and Part: SHA-1 views, timestamps, wrappers, download headers."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from b2async._models import (
    EPOCH,
    FileVersion,
    Part,
    SseB2,
    SseC,
    to_millis,
)

from ._data import SHA1


def _version(**members: Any) -> FileVersion:
    body: dict[str, Any] = {
        "accountId": "acct",
        "bucketId": "bucket",
        "fileId": "4_zfile",
        "fileName": "a/b.txt",
        "contentLength": 11,
        "contentSha1": SHA1,
        "contentType": "text/plain",
        "fileInfo": {},
        "action": "upload",
        "uploadTimestamp": 1_640_884_512_000,
    }
    body.update(members)
    return FileVersion.model_validate(body)


@pytest.mark.parametrize(
    ("sha1", "verified", "unverified"),
    [
        (SHA1, SHA1, None),
        (SHA1.upper(), SHA1, None),
        ("none", None, None),
        (f"unverified:{SHA1}", None, SHA1),
        ("unverified:nothex", None, None),
        (None, None, None),
        ("abc", None, None),
    ],
)
def test_sha1_views(sha1: str | None, verified: str | None, unverified: str | None) -> None:
    version = _version(contentSha1=sha1)
    assert version.content_sha1 == sha1
    assert version.verified_sha1 == verified
    assert version.unverified_sha1 == unverified


@pytest.mark.parametrize(
    ("value", "expected"),
    [(SHA1, SHA1), (SHA1.upper(), SHA1), ("x" * 40, None), (SHA1[:-1], None), (None, None)],
)
def test_large_file_sha1(value: str | None, expected: str | None) -> None:
    info = {} if value is None else {"large_file_sha1": value}
    version = _version(contentSha1="none", fileInfo=info)
    assert version.large_file_sha1 == expected
    assert version.verified_sha1 is None


def test_timestamps_are_aware_utc() -> None:
    version = _version(uploadTimestamp=1_639_753_356_820)
    assert version.upload_timestamp == datetime(2021, 12, 17, 15, 2, 36, 820000, timezone.utc)
    assert version.upload_timestamp.utcoffset() == timedelta(0)
    assert (
        _version(uploadTimestamp=0).upload_timestamp
        == EPOCH
        == datetime(1970, 1, 1, tzinfo=timezone.utc)
    )
    when = datetime(2024, 1, 2, 3, 4, 5, 6000, tzinfo=timezone(timedelta(hours=2)))
    assert _version(uploadTimestamp=when).upload_timestamp == when
    naive = datetime(2024, 1, 2, 3, 4, 5)
    assert _version(uploadTimestamp=naive).upload_timestamp.tzinfo is timezone.utc
    # JSON dumps give B2's milliseconds back (round trip through the wire shape).
    wire = json.loads(_version(uploadTimestamp=1_639_753_356_820).model_dump_json(by_alias=True))
    assert wire["uploadTimestamp"] == 1_639_753_356_820
    assert FileVersion.model_validate(wire) == _version(uploadTimestamp=1_639_753_356_820)
    with pytest.raises(ValidationError):
        _version(uploadTimestamp="yesterday")
    with pytest.raises(ValidationError):
        _version(uploadTimestamp=True)


def test_unknown_action_and_fields_parse() -> None:
    version = _version(action="archive", brandNewMember={"x": 1}, contentMd5=None)
    assert version.action == "archive"
    assert not version.is_hidden
    assert not hasattr(version, "brand_new_member")
    assert "brandNewMember" not in version.model_dump(by_alias=True)


def test_v1_size_and_replication_status() -> None:
    version = FileVersion.model_validate(
        {"fileId": "f", "fileName": "n", "size": 42, "action": "upload", "uploadTimestamp": 1}
    )
    assert version.content_length == 42
    assert version.account_id is None
    assert _version(replicationStatus="PENDING").replication_status == "pending"
    assert _version(replicationStatus="Replica").replication_status == "replica"
    assert _version().replication_status is None


def test_retention_and_legal_hold_wrappers() -> None:
    version = _version(
        fileRetention={
            "isClientAuthorizedToRead": True,
            "value": {"mode": "governance", "retainUntilTimestamp": 32_503_680_000_000},
        },
        legalHold={"isClientAuthorizedToRead": True, "value": "on"},
        serverSideEncryption={"mode": "SSE-B2", "algorithm": "AES256"},
    )
    assert version.retention is not None
    assert version.retention.mode == "governance"
    assert version.retention.retain_until_timestamp == datetime(3000, 1, 1, tzinfo=timezone.utc)
    assert version.legal_hold_value == "on"
    assert version.server_side_encryption is not None
    assert version.server_side_encryption.is_encrypted
    hidden = _version(
        fileRetention={"isClientAuthorizedToRead": False, "value": None},
        legalHold={"isClientAuthorizedToRead": False, "value": None},
    )
    assert hidden.file_retention is not None
    assert not hidden.file_retention.is_client_authorized_to_read
    assert hidden.retention is None
    assert hidden.legal_hold is not None
    assert not hidden.legal_hold.is_client_authorized_to_read


def test_part_optional_members() -> None:
    part = Part.model_validate(
        {"fileId": "f", "partNumber": 1, "contentLength": 300, "contentSha1": SHA1}
    )
    assert part.upload_timestamp is None
    assert part.server_side_encryption is None
    full = Part.model_validate(
        {
            "fileId": "f",
            "partNumber": 2,
            "contentLength": 3,
            "contentSha1": SHA1,
            "contentMd5": "d4b7c284882ca9e208bb65e8abd5f4c8",
            "serverSideEncryption": {"algorithm": None, "mode": None},
            "uploadTimestamp": 1_639_753_357_221,
        }
    )
    assert full.upload_timestamp is not None
    assert to_millis(full.upload_timestamp) == 1_639_753_357_221
    assert full.server_side_encryption is not None
    assert not full.server_side_encryption.is_encrypted


def test_from_download_headers_full() -> None:
    headers = {
        "Content-Length": "4",
        "Content-Type": "text/plain",
        "Content-Range": "bytes 0-3/1000",
        "X-Bz-File-Id": "4_zfile",
        "X-Bz-File-Name": "dir/na%20me+x%2B%E8%87%AA.txt",
        "X-Bz-Content-Sha1": f"unverified:{SHA1}",
        "X-Bz-Upload-Timestamp": "1637248690000",
        "X-Bz-Info-Src_Last_Modified_Millis": "1637248673875",
        "X-Bz-Info-note": "caf%C3%A9%20au%20lait",
        "Content-Disposition": "attachment; filename=x.txt",
        "Content-Language": "de",
        "Expires": "Wed, 21 Oct 2037 07:28:00 GMT",
        "Cache-Control": "max-age=60",
        "Content-Encoding": "gzip",
        "X-Bz-Server-Side-Encryption-Customer-Algorithm": "AES256",
        "X-Bz-Server-Side-Encryption-Customer-Key-Md5": "abc",
        "X-Bz-File-Retention-Mode": "compliance",
        "X-Bz-File-Retention-Retain-Until-Timestamp": "32503680000000",
        "X-Bz-Client-Unauthorized-To-Read": "X-Bz-File-Legal-Hold",
        "X-Bz-Replication-Status": "COMPLETED",
    }
    version = FileVersion.from_download_headers(headers)
    assert version.file_id == "4_zfile"
    assert version.file_name == "dir/na me x+自.txt"
    assert version.content_length == 1000
    assert version.unverified_sha1 == SHA1
    assert version.verified_sha1 is None
    assert version.content_type == "text/plain"
    assert to_millis(version.upload_timestamp) == 1_637_248_690_000
    assert version.file_info == {
        "src_last_modified_millis": "1637248673875",
        "note": "café au lait",
        "b2-content-disposition": "attachment; filename=x.txt",
        "b2-content-language": "de",
        "b2-expires": "Wed, 21 Oct 2037 07:28:00 GMT",
        "b2-cache-control": "max-age=60",
        "b2-content-encoding": "gzip",
    }
    assert version.server_side_encryption is not None
    assert version.server_side_encryption.mode == "SSE-C"
    assert version.retention is not None
    assert version.retention.mode == "compliance"
    assert version.retention.retain_until_timestamp == datetime(3000, 1, 1, tzinfo=timezone.utc)
    assert version.legal_hold is not None
    assert not version.legal_hold.is_client_authorized_to_read
    assert version.replication_status == "completed"
    assert version.action == "upload"


def test_from_download_headers_minimal() -> None:
    version = FileVersion.from_download_headers(
        {"content-length": "0", "x-bz-file-id": "f", "x-bz-file-name": "empty"}
    )
    assert version.content_length == 0
    assert version.upload_timestamp == EPOCH
    assert version.file_info == {}
    assert version.file_retention is None
    assert version.legal_hold is None
    assert version.server_side_encryption is not None
    assert not version.server_side_encryption.is_encrypted
    sse_b2 = FileVersion.from_download_headers(
        {
            "x-bz-file-name": "x",
            "x-bz-server-side-encryption": "AES256",
            "x-bz-file-legal-hold": "on",
        }
    )
    assert sse_b2.server_side_encryption is not None
    assert sse_b2.server_side_encryption.mode == "SSE-B2"
    assert sse_b2.legal_hold_value == "on"


def test_from_httpx_headers_and_sse_header_alias() -> None:
    import httpx

    headers = httpx.Headers(
        [
            ("Content-Length", "3"),
            ("X-Bz-File-Name", "caf%C3%A9+x"),
            ("X-Bz-Info-Author", "J%C3%BCrgen"),
            ("X-Bz-Upload-Timestamp", "1000"),
        ]
    )
    version = FileVersion.from_download_headers(headers)
    assert version.file_name == "café x"
    assert version.file_info == {"author": "Jürgen"}
    assert version.content_length == 3
    assert version.upload_timestamp == datetime(1970, 1, 1, 0, 0, 1, tzinfo=timezone.utc)
    sse = SseC(b"k" * 32)
    assert sse.headers() == sse.upload_headers()
    assert SseB2().headers() == SseB2().upload_headers()
