"""Bad input to the verbs of ``Bucket`` (settings, listings, sharing, uploads, downloads,
copies) fails with a typed :class:`B2ValidationError` naming its rule, before any request.

Every case runs on a handle from ``B2Client.bucket`` on a client that has not authorized, so
"no request" means no call at all, ``b2_authorize_account`` included."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import pytest

from b2async import (
    B2ValidationError,
    InvalidFileName,
    InvalidPartSize,
    Retention,
    SseB2,
    SseC,
    UploadItem,
)

from ._support import unique_bucket_name

if TYPE_CHECKING:
    from pathlib import Path

    from b2async._bucket import Bucket
    from b2async._client import B2Client
    from b2async.testing import B2Emulator

pytestmark = pytest.mark.anyio

#: Takes the bucket handle and a scratch directory; returns an awaitable (or raises at once).
Call = Callable[["Bucket", "Path"], Any]

_FILE_ID = "4_zfile_id_of_some_version"
_RETENTION = Retention("governance", datetime(2100, 1, 1, tzinfo=timezone.utc))


def _case(rule: str, call: Call, label: str) -> Any:
    return pytest.param(rule, call, id=label)


async def _first(pager: Any) -> Any:
    return await anext(pager)


CASES = [
    # update
    _case("bucket_type", lambda b, _: b.update(bucket_type="public"), "update-type-typo"),
    _case(
        "bucket_info",
        lambda b, _: b.update(bucket_info={"k": None}),
        "update-info-value-none",
    ),
    _case("cors_rules", lambda b, _: b.update(cors_rules="rules"), "update-cors-str"),
    _case("cors_rules", lambda b, _: b.update(cors_rules={"a": 1}), "update-cors-dict"),
    _case("lifecycle_rules", lambda b, _: b.update(lifecycle_rules=[1]), "update-lifecycle-int"),
    _case(
        "default_retention",
        lambda b, _: b.update(default_retention="governance"),
        "update-retention-str",
    ),
    _case(
        "default_server_side_encryption",
        lambda b, _: b.update(default_server_side_encryption="off"),
        "update-sse-typo",
    ),
    _case("if_revision_is", lambda b, _: b.update(if_revision_is="5"), "update-revision-str"),
    _case("if_revision_is", lambda b, _: b.update(if_revision_is=True), "update-revision-bool"),
    _case("file_lock_enabled", lambda b, _: b.update(file_lock_enabled=1), "update-lock-int"),
    _case(
        "replication_configuration",
        lambda b, _: b.update(replication_configuration=[1]),
        "update-replication-list",
    ),
    # listings and notification rules
    _case("prefix", lambda b, _: _first(b.list_file_names(prefix=5)), "names-prefix-int"),
    _case("delimiter", lambda b, _: _first(b.list_file_names(delimiter=5)), "names-delim-int"),
    _case(
        "start_file_name",
        lambda b, _: _first(b.list_file_names(start_file_name=b"a")),
        "names-start-bytes",
    ),
    _case("prefix", lambda b, _: _first(b.list_file_versions(prefix=1)), "versions-prefix-int"),
    _case(
        "start_file_id",
        lambda b, _: _first(b.list_file_versions(start_file_name="a", start_file_id=5)),
        "versions-start-id-int",
    ),
    _case(
        "prefix",
        lambda b, _: _first(b.list_unfinished_large_files(prefix=5)),
        "unfinished-prefix-int",
    ),
    _case("rules", lambda b, _: b.set_notification_rules("rule"), "notification-rules-str"),
    _case("rules", lambda b, _: b.set_notification_rules([1]), "notification-rules-int"),
    # sharing, file info by name, hiding
    _case(
        "valid_duration",
        lambda b, _: b.get_download_authorization("", "60"),
        "download-auth-seconds-str",
    ),
    _case(
        "valid_duration",
        lambda b, _: b.get_download_authorization("", None),
        "download-auth-seconds-none",
    ),
    _case(
        "valid_duration",
        lambda b, _: b.get_download_authorization("", 60.0),
        "download-auth-seconds-float",
    ),
    _case("prefix", lambda b, _: b.get_download_authorization(None, 60), "download-auth-prefix"),
    _case(
        "content_disposition",
        lambda b, _: b.get_download_authorization("", 60, content_disposition=5),
        "download-auth-override-int",
    ),
    _case("sse", lambda b, _: b.get_file_info_by_name("a.txt", sse="key"), "info-by-name-sse"),
    _case(
        "bypass_governance",
        lambda b, _: b.unhide_file("a.txt", bypass_governance="no"),
        "unhide-bypass-str",
    ),
    # uploads
    _case("data", lambda b, _: b.upload_bytes("text", "a.txt"), "upload-bytes-str"),
    _case("data", lambda b, _: b.upload_bytes(None, "a.txt"), "upload-bytes-none"),
    _case(
        "content_type",
        lambda b, _: b.upload_bytes(b"x", "a.txt", content_type=5),
        "upload-content-type-int",
    ),
    _case(
        "content_type",
        lambda b, _: b.upload_bytes(b"x", "a.txt", content_type=""),
        "upload-content-type-empty",
    ),
    _case(
        "content_type",
        lambda b, _: b.upload_bytes(b"x", "a.txt", content_type="text/plain\r\nX-Evil: 1"),
        "upload-content-type-crlf",
    ),
    _case(
        "content_type",
        lambda b, _: b.upload_bytes(b"x", "a.txt", content_type="text/plaín"),
        "upload-content-type-non-ascii",
    ),
    _case("sse", lambda b, _: b.upload_bytes(b"x", "a.txt", sse="SSE-B2"), "upload-sse-str"),
    _case(
        "retention",
        lambda b, _: b.upload_bytes(b"x", "a.txt", retention={"mode": "governance"}),
        "upload-retention-dict",
    ),
    _case(
        "legal_hold",
        lambda b, _: b.upload_bytes(b"x", "a.txt", legal_hold="yes"),
        "upload-legal-hold-typo",
    ),
    _case(
        "parts_in_flight",
        lambda b, _: b.upload_file(b"x", "a.txt", parts_in_flight=0),
        "upload-parts-in-flight-0",
    ),
    _case(
        "parts_in_flight",
        lambda b, _: b.upload_file(b"x", "a.txt", parts_in_flight=None),
        "upload-parts-in-flight-none",
    ),
    _case(
        "parts_in_flight",
        lambda b, _: b.upload_file(b"x", "a.txt", parts_in_flight=True),
        "upload-parts-in-flight-bool",
    ),
    _case(
        "parts_in_flight",
        lambda b, _: b.upload_file(b"x", "a.txt", parts_in_flight=2.5),
        "upload-parts-in-flight-float",
    ),
    _case(
        "large_file_threshold",
        lambda b, _: b.upload_file(b"x", "a.txt", large_file_threshold="5"),
        "upload-threshold-str",
    ),
    _case(
        "large_file_threshold",
        lambda b, _: b.upload_file(b"x", "a.txt", large_file_threshold=-1),
        "upload-threshold-negative",
    ),
    _case("resume", lambda b, _: b.upload_file(b"x", "a.txt", resume="no"), "upload-resume-str"),
    _case(
        "large_file_sha1",
        lambda b, _: b.upload_file(b"x", "a.txt", large_file_sha1=None),
        "upload-large-file-sha1-none",
    ),
    # upload_many / upload_directory
    _case("concurrency", lambda b, _: b.upload_many([], concurrency=0), "many-concurrency-0"),
    _case("concurrency", lambda b, _: b.upload_many([], concurrency=None), "many-concurrency-none"),
    _case(
        "concurrency",
        lambda b, _: b.upload_many([(b"x", "a.txt")], concurrency=True),
        "many-concurrency-bool",
    ),
    _case(
        "concurrency",
        lambda b, _: b.upload_many([(b"x", "a.txt")], concurrency=2.5),
        "many-concurrency-float",
    ),
    _case("items", lambda b, _: b.upload_many(None), "many-items-none"),
    _case("items", lambda b, _: b.upload_many("a.txt"), "many-items-str"),
    _case(
        "parts_in_flight",
        lambda b, _: b.upload_many([(b"x", "a.txt")], parts_in_flight=0),
        "many-option-parts-in-flight",
    ),
    _case(
        "legal_hold",
        lambda b, _: b.upload_many([(b"x", "a.txt")], legal_hold="yes"),
        "many-option-legal-hold",
    ),
    _case("prefix", lambda b, tmp: b.upload_directory(tmp, 5), "directory-prefix-int"),
    # downloads
    _case("sse", lambda b, _: b.download_bytes("a.txt", sse="key"), "download-sse-str"),
    _case("sse", lambda b, _: b.download_bytes("a.txt", sse=SseB2()), "download-sse-b2"),
    _case("sse", lambda b, _: b.download("a.txt", sse="key"), "open-download-sse-str"),
    _case("file_id", lambda b, _: b.download_by_id(None), "open-download-by-id-none"),
    _case("file_id", lambda b, _: b.download_bytes_by_id(""), "download-by-id-empty"),
    _case(
        "segments",
        lambda b, tmp: b.download_to_file("a.txt", tmp / "out", segments=0),
        "to-file-segments-0",
    ),
    _case(
        "segments",
        lambda b, tmp: b.download_to_file("a.txt", tmp / "out", segments=None),
        "to-file-segments-none",
    ),
    _case(
        "segments",
        lambda b, tmp: b.download_to_file("a.txt", tmp / "out", segments=True),
        "to-file-segments-bool",
    ),
    _case(
        "file_id",
        lambda b, tmp: b.download_to_file_by_id(None, tmp / "out"),
        "to-file-by-id-none",
    ),
    # copies
    _case("source_file_id", lambda b, _: b.copy_file(None, "c.txt"), "copy-source-none"),
    _case("source_file_id", lambda b, _: b.copy_file("", "c.txt"), "copy-source-empty"),
    _case(
        "destination_bucket_id",
        lambda b, _: b.copy_file(_FILE_ID, "c.txt", destination_bucket_id=""),
        "copy-destination-empty",
    ),
    _case(
        "metadata_directive",
        lambda b, _: b.copy_file(_FILE_ID, "c.txt", metadata_directive="MOVE"),
        "copy-directive-unknown",
    ),
    _case(
        "metadata_directive",
        lambda b, _: b.copy_file(
            _FILE_ID, "c.txt", metadata_directive="replace", content_type="text/plain"
        ),
        "copy-directive-lowercase",
    ),
    _case(
        "content_type",
        lambda b, _: b.copy_file(
            _FILE_ID, "c.txt", metadata_directive="REPLACE", content_type="a\x01"
        ),
        "copy-content-type-control",
    ),
    _case("sse", lambda b, _: b.copy_file(_FILE_ID, "c.txt", sse="x"), "copy-sse-str"),
    _case(
        "source_sse",
        lambda b, _: b.copy_file(_FILE_ID, "c.txt", source_sse=SseB2()),
        "copy-source-sse-b2",
    ),
    _case(
        "retention", lambda b, _: b.copy_file(_FILE_ID, "c.txt", retention="x"), "copy-retention"
    ),
    _case(
        "parts_in_flight",
        lambda b, _: b.copy_file(_FILE_ID, "c.txt", parts_in_flight=0),
        "copy-parts-in-flight-0",
    ),
]


@pytest.fixture
def handle(client: B2Client) -> Bucket:
    """A bucket handle made without any request (the client has not even authorized)."""
    return client.bucket("bucketid0001", "bucket-aaa")


@pytest.mark.parametrize(("rule", "call"), CASES)
async def test_bad_input_fails_before_any_request(
    handle: Bucket, emulator: B2Emulator, tmp_path: Path, rule: str, call: Call
) -> None:
    with pytest.raises(B2ValidationError) as info:
        await call(handle, tmp_path)
    assert info.value.rule == rule
    assert rule in str(info.value)
    assert sum(emulator.calls.values()) == 0


@pytest.mark.parametrize(
    ("part_size", "rule"),
    [(0, "too_small"), (-1, "too_small"), ("5", "type"), (True, "type"), (6 * 10**9, "too_large")],
)
async def test_part_size_fails_before_authorizing(
    handle: Bucket, emulator: B2Emulator, part_size: Any, rule: str
) -> None:
    # Out of any account's range: refused before the authorization that tells the minimum.
    with pytest.raises(InvalidPartSize) as info:
        await handle.upload_file(b"x", "a.txt", part_size=part_size)
    assert info.value.rule == rule
    assert sum(emulator.calls.values()) == 0


async def test_upload_many_unknown_option_is_one_type_error(
    handle: Bucket, emulator: B2Emulator
) -> None:
    # Raised once, not recorded as the same failure in every item's outcome.
    with pytest.raises(TypeError, match="bogus"):
        await handle.upload_many([(b"x", "a.txt")], bogus=1)
    with pytest.raises(TypeError, match="file_info"):
        await handle.upload_many([(b"x", "a.txt")], file_info={"a": "b"})
    assert sum(emulator.calls.values()) == 0


@pytest.mark.parametrize(
    ("prefix", "rule"),
    [("/", "leading_slash"), ("a//", "double_slash"), ("a\x01/", "control_character")],
)
async def test_upload_directory_prefix_no_name_can_have(
    handle: Bucket, emulator: B2Emulator, tmp_path: Path, prefix: str, rule: str
) -> None:
    (tmp_path / "f.txt").write_bytes(b"x")
    with pytest.raises(InvalidFileName) as info:
        await handle.upload_directory(tmp_path, prefix)
    assert info.value.rule == rule
    assert sum(emulator.calls.values()) == 0


async def test_valid_options_still_upload_and_copy(
    client: B2Client, emulator: B2Emulator, tmp_path: Path
) -> None:
    bucket = await client.create_bucket(unique_bucket_name())
    version = await bucket.upload_file(
        b"hello",
        "a.txt",
        content_type="text/plain; charset=utf-8",
        sse=SseB2(),
        parts_in_flight=1,
    )
    assert version.content_type == "text/plain; charset=utf-8"
    outcomes = await bucket.upload_many(
        [(b"one", "m/1.txt"), UploadItem(b"two", "m/2.txt", "text/plain")],
        concurrency=1,
        parts_in_flight=2,
        large_file_sha1=False,
    )
    assert all(outcome.ok for outcome in outcomes)
    (tmp_path / "d.txt").write_bytes(b"d")
    (outcome,) = await bucket.upload_directory(tmp_path, "dir/")
    assert outcome.ok
    copy = await bucket.copy_file(
        version.file_id,
        "b.txt",
        metadata_directive="REPLACE",
        content_type="text/csv",
        destination_bucket_id=bucket.id,
    )
    assert copy.content_type == "text/csv"
    assert await bucket.download_bytes_by_id(copy.file_id, range=(1, 2)) == b"el"
    sse_c = SseC(b"k" * 32)
    await bucket.upload_bytes(b"secret", "c.txt", sse=sse_c)
    assert await bucket.download_bytes("c.txt", sse=sse_c) == b"secret"
    auth = await bucket.get_download_authorization("m/", 60, content_type="text/plain")
    assert auth.file_name_prefix == "m/"
    assert emulator.calls["b2_copy_file"] == 1


async def test_copy_directive_in_lower_case_is_named(handle: Bucket, emulator: B2Emulator) -> None:
    # It used to be refused as if a content type were given with COPY, which it was not.
    with pytest.raises(B2ValidationError) as info:
        await handle.copy_file(
            _FILE_ID, "c.txt", metadata_directive="replace", content_type="text/plain"
        )
    assert info.value.rule == "metadata_directive"
    assert "'replace'" in str(info.value)
    assert sum(emulator.calls.values()) == 0
