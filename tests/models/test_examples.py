"""Every response body in the shared B2 examples parses into its model, faithfully."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import BaseModel, SecretStr, TypeAdapter
from pydantic.alias_generators import to_snake
from pydantic.dataclasses import is_pydantic_dataclass

from b2async._errors import B2APIError, error_from_response
from b2async._models import (
    ApplicationKey,
    Authorization,
    BucketList,
    BucketModel,
    CancelledLargeFile,
    DeletedFileVersion,
    DownloadAuthorization,
    EventNotificationRule,
    FileNamesPage,
    FileRetentionResult,
    FileVersion,
    FileVersionsPage,
    KeysPage,
    LegalHoldResult,
    NewApplicationKey,
    NotificationRules,
    Part,
    PartsPage,
    PartUploadUrl,
    UnfinishedLargeFilesPage,
    UploadUrl,
    to_millis,
)
from tests._examples import BUNDLED

#: endpoint (key of the examples file) -> model of its 2xx body
ENDPOINT_MODELS: dict[str, type[BaseModel]] = {
    "authorize_account": Authorization,
    "list_buckets": BucketList,
    "create_bucket": BucketModel,
    "update_bucket": BucketModel,
    "delete_bucket": BucketModel,
    "get_bucket_notification_rules": NotificationRules,
    "set_bucket_notification_rules": NotificationRules,
    "create_key": NewApplicationKey,
    "delete_key": ApplicationKey,
    "list_keys": KeysPage,
    "get_download_authorization": DownloadAuthorization,
    "get_upload_url": UploadUrl,
    "upload_file": FileVersion,
    "get_file_info": FileVersion,
    "hide_file": FileVersion,
    "copy_file": FileVersion,
    "start_large_file": FileVersion,
    "finish_large_file": FileVersion,
    "delete_file_version": DeletedFileVersion,
    "list_file_names": FileNamesPage,
    "list_file_versions": FileVersionsPage,
    "list_unfinished_large_files": UnfinishedLargeFilesPage,
    "update_file_legal_hold": LegalHoldResult,
    "update_file_retention": FileRetentionResult,
    "cancel_large_file": CancelledLargeFile,
    "get_upload_part_url": PartUploadUrl,
    "upload_part": Part,
    "copy_part": Part,
    "list_parts": PartsPage,
}
DOWNLOAD_ENDPOINTS = {"download_file_by_id", "download_file_by_name"}

# Wire members whose Python attribute is not simply the snake_case name.
RENAMED = {"size": "content_length", "bucketId@ApplicationKey": "bucket_ids"}


def _is_wire_object(value: object) -> bool:
    """A model, or one of the pydantic dataclasses nested in file versions."""
    return isinstance(value, BaseModel) or is_pydantic_dataclass(type(value))


def _field_for(model: Any, member: str) -> str | None:
    fields = type(model).__pydantic_fields__
    special = RENAMED.get(f"{member}@{type(model).__name__}") or RENAMED.get(member)
    for candidate in (special, to_snake(member)):
        if candidate is not None and candidate in fields:
            return candidate
    return None


def assert_matches(model: Any, body: dict[str, Any]) -> int:
    """Assert every member of ``body`` the model knows equals its attribute; count checks."""
    checks = 0
    for member, raw in body.items():
        name = _field_for(model, member)
        if name is None:
            continue  # unknown members are ignored by design
        value = getattr(model, name)
        checks += 1
        if isinstance(value, SecretStr):
            assert value.get_secret_value() == raw
        elif isinstance(value, datetime):
            assert value.tzinfo is not None
            assert to_millis(value) == raw
        elif name == "bucket_ids" and member == "bucketId":
            assert value == (None if raw is None else [raw])
        elif name == "replication_status":
            assert value == (None if raw is None else raw.lower())
        elif _is_wire_object(value):
            assert isinstance(raw, dict)
            checks += assert_matches(value, raw)
        elif isinstance(value, list) and value and _is_wire_object(value[0]):
            assert len(value) == len(raw)
            for item, raw_item in zip(value, raw, strict=True):
                checks += assert_matches(item, raw_item)
        else:
            assert value == raw, (member, value, raw)
    return checks


def _check_authorization(auth: Authorization, body: dict[str, Any]) -> int:
    storage = body.get("apiInfo", {}).get("storageApi", body)
    allowed = storage.get("allowed") or {
        key: storage[key] for key in ("bucketId", "bucketName", "capabilities") if key in storage
    }
    assert auth.account_id == body["accountId"]
    assert auth.authorization_token.get_secret_value() == body["authorizationToken"]
    assert auth.api_url == storage["apiUrl"]
    assert auth.download_url == storage["downloadUrl"]
    assert auth.s3_api_url == storage.get("s3ApiUrl")
    assert auth.recommended_part_size == storage["recommendedPartSize"]
    assert auth.absolute_minimum_part_size == storage["absoluteMinimumPartSize"]
    assert auth.allowed.capabilities == allowed["capabilities"]
    if "buckets" in allowed:
        expected = allowed["buckets"]
        got = auth.allowed.buckets
        assert (got is None) == (expected is None)
        if got is not None:
            assert [(b.id, b.name) for b in got] == [(b["id"], b["name"]) for b in expected]
    else:
        assert auth.allowed.bucket_ids == (
            None if allowed.get("bucketId") is None else [allowed["bucketId"]]
        )
    assert auth.application_key_expiration_timestamp is None
    return 9


def _check_download(version: FileVersion, example: dict[str, Any]) -> int:
    headers = example["body"]["headers"]
    raw_body = example["body"]["raw_body"].encode()
    assert version.file_id == headers["x-bz-file-id"]
    assert version.file_name == headers["x-bz-file-name"]
    assert version.content_sha1 == headers["x-bz-content-sha1"]
    assert version.verified_sha1 == headers["x-bz-content-sha1"]
    assert version.content_type == headers["content-type"]
    assert to_millis(version.upload_timestamp) == int(headers["x-bz-upload-timestamp"])
    assert version.upload_timestamp.tzinfo is timezone.utc
    assert version.file_info == {
        "src_last_modified_millis": headers["x-bz-info-src_last_modified_millis"]
    }
    assert version.action == "upload"
    if example["http_status"] == 206:
        # Content-Range "bytes 5-8/10": the version is the whole file, not the 4-byte slice.
        assert version.content_length == 10
        assert len(raw_body) == int(headers["content-length"]) == 4
    else:
        assert version.content_length == len(raw_body) == int(headers["content-length"])
    return 10


def test_every_example_parses(examples: dict[str, Any]) -> None:
    parsed: dict[str, int] = {}
    checks = 0
    rule_list = TypeAdapter(list[EventNotificationRule])
    for endpoint, entries in examples.items():
        if endpoint == "_about":
            continue
        for example in entries:
            body = example["body"]
            status = example["http_status"]
            if endpoint == "errors" or status >= 300:
                error = error_from_response(status, body)
                assert isinstance(error, B2APIError)
                assert (error.status, error.code) == (status, body["code"])
                assert error.message == body["message"]
                assert type(error) is not B2APIError
                checks += 3
            elif example.get("kind") == "download_headers":
                assert endpoint in DOWNLOAD_ENDPOINTS
                version = FileVersion.from_download_headers(body["headers"])
                checks += _check_download(version, example)
            elif endpoint == "authorize_account":
                auth = Authorization.model_validate_json(json.dumps(body))
                checks += _check_authorization(auth, body)
            elif isinstance(body, list):
                # b2sdk's simulator answers the bare rule list (noted in the examples file).
                assert endpoint.endswith("bucket_notification_rules")
                rules = rule_list.validate_python(body)
                assert [rule.name for rule in rules] == [raw["name"] for raw in body]
                for rule, raw in zip(rules, body, strict=True):
                    checks += assert_matches(rule, raw)
            else:
                model_cls = ENDPOINT_MODELS[endpoint]
                model = model_cls.model_validate(body)
                # The raw layer parses bytes: the JSON path must give the same model.
                assert model_cls.model_validate_json(json.dumps(body)) == model
                checks += assert_matches(model, body)
            parsed[endpoint] = parsed.get(endpoint, 0) + 1
    expected = {k: len(v) for k, v in examples.items() if k != "_about"}
    assert parsed == expected
    assert sum(parsed.values()) >= 80
    assert checks > 500


def test_example_file_versions_have_consistent_sha1_views(examples: dict[str, Any]) -> None:
    seen: set[str] = set()
    collect: list[FileVersion] = []
    for endpoint, model_cls in ENDPOINT_MODELS.items():
        for example in examples[endpoint]:
            if model_cls is FileVersion:
                collect.append(FileVersion.model_validate(example["body"]))
            elif model_cls in (FileNamesPage, FileVersionsPage, UnfinishedLargeFilesPage):
                collect.extend(model_cls.model_validate(example["body"]).files)
    for version in collect:
        sha1 = version.content_sha1
        if sha1 is not None and len(sha1) == 40:
            assert version.verified_sha1 == sha1
            seen.add("hex")
        elif sha1 == "none":
            assert version.verified_sha1 is None
            assert version.is_large_file
            seen.add("none")
        if version.action == "hide":
            assert version.is_hidden
            seen.add("hide")
        if version.action == "start":
            assert version.content_length == 0
            seen.add("start")
        if version.action == "folder":
            assert version.file_id is None
            seen.add("folder")
    assert {"hex", "none", "hide", "start"} <= seen


#: The B2 reference material beside the repository (``../shared``), where checkouts have it.
REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "b2-examples.json"


def test_the_bundled_examples_are_the_reference_copy() -> None:
    """The copy in ``tests/data`` covers every endpoint mapped here and, where the reference
    material sits beside the checkout, is identical to it (refresh it when that changes; a
    fresh clone elsewhere, like CI's, has only the bundled copy)."""
    bundled = json.loads(BUNDLED.read_text(encoding="utf-8"))
    assert set(ENDPOINT_MODELS) <= set(bundled)
    if REFERENCE.exists():
        reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
        assert bundled == reference, f"refresh {BUNDLED} from {REFERENCE}"
