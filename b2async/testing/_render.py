"""JSON shapes of B2 objects (spec sections 4.2, 5, 9.3, 12.1)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from b2async.testing._state import AppKey, Bucket, Part, StoredVersion


def version_json(
    version: StoredVersion, caps: frozenset[str], *, action: str | None = None
) -> dict[str, Any]:
    """The file-version object; hide markers carry no SSE/retention/legal-hold members."""
    body: dict[str, Any] = {
        "accountId": version.account_id,
        "action": action or version.action,
        "bucketId": version.bucket_id,
        "contentLength": version.content_length,
        "contentMd5": version.content_md5,
        "contentSha1": version.content_sha1,
        "contentType": version.content_type,
        "fileId": version.file_id,
        "fileInfo": dict(version.file_info),
        "fileName": version.file_name,
        "uploadTimestamp": version.upload_ms,
    }
    if version.action == "hide":
        return body
    if "readFileRetentions" in caps:
        body["fileRetention"] = {
            "isClientAuthorizedToRead": True,
            "value": {
                "mode": version.retention_mode,
                "retainUntilTimestamp": version.retention_until,
            },
        }
    else:
        body["fileRetention"] = {"isClientAuthorizedToRead": False, "value": None}
    if "readFileLegalHolds" in caps:
        body["legalHold"] = {"isClientAuthorizedToRead": True, "value": version.legal_hold}
    else:
        body["legalHold"] = {"isClientAuthorizedToRead": False, "value": None}
    body["serverSideEncryption"] = version.sse.json()
    return body


def version_bytes(version: StoredVersion, caps: frozenset[str]) -> bytes:
    """:func:`version_json` encoded, cached on the version (listings render the same versions
    page after page; see ``StoredVersion.rendered``)."""
    key = ("readFileRetentions" in caps, "readFileLegalHolds" in caps)
    encoded = version.rendered.get(key)
    if encoded is None:
        encoded = json.dumps(version_json(version, caps)).encode()
        version.rendered[key] = encoded
    return encoded


def folder_json(name: str) -> dict[str, Any]:
    """A virtual folder entry of a delimiter listing (spec 7.3)."""
    return {
        "accountId": None,
        "action": "folder",
        "bucketId": None,
        "contentLength": 0,
        "contentMd5": None,
        "contentSha1": None,
        "contentType": None,
        "fileId": None,
        "fileInfo": {},
        "fileName": name,
        "uploadTimestamp": 0,
    }


def part_json(file_id: str, part: Part) -> dict[str, Any]:
    """A part object (upload_part / copy_part / list_parts)."""
    return {
        "contentLength": part.length,
        "contentMd5": part.md5,
        "contentSha1": part.sha1,
        "fileId": file_id,
        "partNumber": part.number,
        "serverSideEncryption": part.sse.json(),
        "uploadTimestamp": part.upload_ms,
    }


def bucket_json(bucket: Bucket, caps: frozenset[str]) -> dict[str, Any]:
    """The bucket object; encryption/lock/replication members are authorization filtered."""
    body: dict[str, Any] = {
        "accountId": bucket.account_id,
        "bucketId": bucket.bucket_id,
        "bucketInfo": dict(bucket.info),
        "bucketName": bucket.name,
        "bucketType": bucket.bucket_type,
        "corsRules": list(bucket.cors_rules),
        "lifecycleRules": list(bucket.lifecycle_rules),
        "options": ["s3"],
        "revision": bucket.revision,
    }
    if "readBucketEncryption" in caps:
        body["defaultServerSideEncryption"] = {
            "isClientAuthorizedToRead": True,
            "value": dict(bucket.default_sse),
        }
    else:
        body["defaultServerSideEncryption"] = {"isClientAuthorizedToRead": False}
    if "readBucketRetentions" in caps:
        body["fileLockConfiguration"] = {
            "isClientAuthorizedToRead": True,
            "value": {
                "defaultRetention": dict(bucket.default_retention),
                "isFileLockEnabled": bucket.file_lock_enabled,
            },
        }
    else:
        body["fileLockConfiguration"] = {"isClientAuthorizedToRead": False, "value": None}
    if "readBucketReplications" in caps:
        body["replicationConfiguration"] = {
            "isClientAuthorizedToRead": True,
            "value": bucket.replication
            or {"asReplicationSource": None, "asReplicationDestination": None},
        }
    else:
        body["replicationConfiguration"] = {"isClientAuthorizedToRead": False, "value": None}
    return body


def key_json(key: AppKey, version: int, *, secret: bool = False) -> dict[str, Any]:
    """A key object; v4 carries ``bucketIds``, older versions a single ``bucketId``."""
    body: dict[str, Any] = {
        "accountId": key.account_id,
        "applicationKeyId": key.key_id,
        "capabilities": list(key.capabilities),
        "expirationTimestamp": key.expiration_ms,
        "keyName": key.name,
        "namePrefix": key.name_prefix,
        "options": ["s3"],
    }
    if version >= 4:
        body["bucketIds"] = list(key.bucket_ids) if key.bucket_ids is not None else None
    else:
        body["bucketId"] = key.bucket_ids[0] if key.bucket_ids else None
    if secret:
        body["applicationKey"] = key.secret
    return body
