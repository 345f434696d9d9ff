"""Buckets, immutability and the SSE / retention input types."""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime, timezone

import pytest
from pydantic import ValidationError

from b2async._errors import B2ValidationError
from b2async._models import (
    BucketModel,
    BucketType,
    FileVersion,
    Retention,
    SseB2,
    SseC,
    legal_hold_headers,
)


def test_models_are_frozen() -> None:
    version = FileVersion(file_name="a.txt", content_length=1)
    with pytest.raises(ValidationError):
        version.file_name = "other"  # type: ignore[misc]
    bucket = BucketModel(account_id="a", bucket_id="b", bucket_name="c", bucket_type="allPrivate")
    with pytest.raises(ValidationError):
        bucket.bucket_type = BucketType.ALL_PUBLIC  # type: ignore[misc]


def test_bucket_model_full_shape() -> None:
    bucket = BucketModel.model_validate(
        {
            "accountId": "acct",
            "bucketId": "4a48fe8875c6214145260818",
            "bucketName": "kitten-videos",
            "bucketType": "snapshot",
            "bucketInfo": {"Cache-Control": "max-age=60"},
            "corsRules": [
                {
                    "corsRuleName": "downloadFromAnyOrigin",
                    "allowedOrigins": ["https"],
                    "allowedOperations": ["b2_download_file_by_id"],
                    "allowedHeaders": ["range"],
                    "exposeHeaders": ["x-bz-content-sha1"],
                    "maxAgeSeconds": 3600,
                }
            ],
            "lifecycleRules": [
                {
                    "fileNamePrefix": "logs/",
                    "daysFromHidingToDeleting": 7,
                    "daysFromUploadingToHiding": None,
                }
            ],
            "defaultServerSideEncryption": {
                "isClientAuthorizedToRead": True,
                "value": {"mode": "SSE-B2", "algorithm": "AES256"},
            },
            "fileLockConfiguration": {
                "isClientAuthorizedToRead": True,
                "value": {
                    "defaultRetention": {
                        "mode": "compliance",
                        "period": {"duration": 7, "unit": "days"},
                    },
                    "isFileLockEnabled": True,
                },
            },
            "replicationConfiguration": {
                "isClientAuthorizedToRead": True,
                "value": {
                    "asReplicationSource": {
                        "replicationRules": [
                            {
                                "destinationBucketId": "dest",
                                "fileNamePrefix": "",
                                "includeExistingFiles": True,
                                "isEnabled": True,
                                "priority": 1,
                                "replicationRuleName": "rule-1",
                            }
                        ],
                        "sourceApplicationKeyId": "key",
                    },
                    "asReplicationDestination": None,
                },
            },
            "options": ["s3"],
            "revision": 3,
        }
    )
    assert bucket.bucket_type == BucketType.SNAPSHOT
    assert bucket.bucket_info == {"Cache-Control": "max-age=60"}
    assert bucket.cors_rules[0].max_age_seconds == 3600
    assert bucket.lifecycle_rules[0].days_from_hiding_to_deleting == 7
    assert bucket.lifecycle_rules[0].days_from_uploading_to_hiding is None
    sse = bucket.default_server_side_encryption
    assert sse is not None
    assert sse.value is not None
    assert sse.value.mode == "SSE-B2"
    assert bucket.is_file_lock_enabled is True
    lock = bucket.file_lock_configuration
    assert lock is not None
    assert lock.value is not None
    assert lock.value.default_retention is not None
    assert lock.value.default_retention.period is not None
    assert lock.value.default_retention.period.duration == 7
    replication = bucket.replication_configuration
    assert replication is not None
    assert replication.value is not None
    assert replication.value.as_replication_source is not None
    assert replication.value.as_replication_source.replication_rules[0].priority == 1
    assert bucket.options == ["s3"]
    assert bucket.revision == 3
    unauthorized = BucketModel.model_validate(
        {
            "accountId": "a",
            "bucketId": "b",
            "bucketName": "c",
            "bucketType": "allPrivate",
            "fileLockConfiguration": {"isClientAuthorizedToRead": False, "value": None},
        }
    )
    assert unauthorized.is_file_lock_enabled is None


def test_sse_inputs() -> None:
    key = bytes(range(32))
    sse = SseC(key, key_id="my-key")
    b64 = base64.b64encode(key).decode()
    md5 = base64.b64encode(hashlib.md5(key).digest()).decode()
    assert sse.key_md5_b64 == md5
    assert sse.upload_headers() == {
        "X-Bz-Server-Side-Encryption-Customer-Algorithm": "AES256",
        "X-Bz-Server-Side-Encryption-Customer-Key": b64,
        "X-Bz-Server-Side-Encryption-Customer-Key-Md5": md5,
    }
    assert sse.to_json() == {
        "mode": "SSE-C",
        "algorithm": "AES256",
        "customerKey": b64,
        "customerKeyMd5": md5,
    }
    for text in (repr(sse), str(sse)):
        assert b64 not in text
        assert repr(key) not in text
        assert "my-key" in text
    with pytest.raises(B2ValidationError) as info:
        SseC(b"short")
    assert info.value.rule == "sse_c_key_length"
    assert SseB2().upload_headers() == {"X-Bz-Server-Side-Encryption": "AES256"}
    assert SseB2().to_json() == {"mode": "SSE-B2", "algorithm": "AES256"}


def test_retention_inputs() -> None:
    until = datetime(2030, 1, 1, tzinfo=timezone.utc)
    retention = Retention("governance", until)
    millis = 1_893_456_000_000
    assert retention.to_json() == {"mode": "governance", "retainUntilTimestamp": millis}
    assert retention.upload_headers() == {
        "X-Bz-File-Retention-Mode": "governance",
        "X-Bz-File-Retention-Retain-Until-Timestamp": str(millis),
    }
    with pytest.raises(B2ValidationError) as info:
        Retention("forever", until)  # type: ignore[arg-type]
    assert info.value.rule == "retention_mode"
    with pytest.raises(B2ValidationError) as info:
        Retention("compliance", datetime(2030, 1, 1))
    assert info.value.rule == "retention_timezone"
    assert legal_hold_headers("on") == {"X-Bz-File-Legal-Hold": "on"}
    with pytest.raises(B2ValidationError):
        legal_hold_headers("maybe")  # type: ignore[arg-type]
