"""Hide/unhide, delete, get_file_info, copy, retention and legal hold."""

from __future__ import annotations

import re

import pytest

from ._api import Api, sha1

pytestmark = pytest.mark.anyio


async def test_hide_and_unhide_by_deleting_the_marker(api: Api) -> None:
    bucket_id = await api.bucket()
    uploaded = await api.upload(bucket_id, "doc.txt", b"v1")
    hide = await api.ok("b2_hide_file", bucketId=bucket_id, fileName="doc.txt")
    assert hide["action"] == "hide"
    assert hide["contentType"] == "application/x-bz-hide-marker"
    assert hide["contentLength"] == 0
    assert "fileRetention" not in hide
    assert "serverSideEncryption" not in hide
    url = f"{api.api_url}/file/test-bucket/doc.txt"
    auth = {"Authorization": api.token}
    assert (await api.http.get(url, headers=auth)).status_code == 404
    by_id = await api.http.get(
        f"{api.api_url}/b2api/v3/b2_download_file_by_id",
        params={"fileId": uploaded["fileId"]},
        headers=auth,
    )
    assert by_id.content == b"v1"
    await api.fails("b2_hide_file", 400, "already_hidden", bucketId=bucket_id, fileName="doc.txt")
    await api.fails("b2_hide_file", 400, "no_such_file", bucketId=bucket_id, fileName="none.txt")
    deleted = await api.ok("b2_delete_file_version", fileName="doc.txt", fileId=hide["fileId"])
    assert deleted == {"fileId": hide["fileId"], "fileName": "doc.txt"}
    assert (await api.http.get(url, headers=auth)).content == b"v1"


async def test_delete_newest_exposes_previous(api: Api) -> None:
    bucket_id = await api.bucket()
    await api.upload(bucket_id, "f", b"old")
    new = await api.upload(bucket_id, "f", b"new")
    await api.ok("b2_delete_file_version", fileName="f", fileId=new["fileId"])
    body = await api.ok("b2_list_file_names", bucketId=bucket_id)
    assert [f["contentSha1"] for f in body["files"]] == [sha1(b"old")]


async def test_delete_needs_matching_name_and_id(api: Api) -> None:
    bucket_id = await api.bucket()
    uploaded = await api.upload(bucket_id, "f")
    await api.fails(
        "b2_delete_file_version", 400, "file_not_present", fileName="g", fileId=uploaded["fileId"]
    )
    await api.ok("b2_delete_file_version", fileName="f", fileId=uploaded["fileId"])
    await api.fails(
        "b2_delete_file_version", 400, "file_not_present", fileName="f", fileId=uploaded["fileId"]
    )


async def test_get_file_info(api: Api) -> None:
    bucket_id = await api.bucket()
    uploaded = await api.upload(bucket_id, "f", headers={"X-Bz-Info-color": "blue"})
    body = await api.ok("b2_get_file_info", fileId=uploaded["fileId"])
    assert body == uploaded
    missing = uploaded["fileId"].replace("_f1000", "_f1999")
    await api.fails("b2_get_file_info", 404, "not_found", fileId=missing)
    await api.fails("b2_get_file_info", 400, "bad_request", fileId="garbage")


async def test_copy_with_copy_directive(api: Api) -> None:
    bucket_id = await api.bucket()
    source = await api.upload(
        bucket_id, "src.txt", b"0123456789",
        headers={"Content-Type": "text/plain", "X-Bz-Info-k": "v"},
    )  # fmt: skip
    body = await api.ok("b2_copy_file", sourceFileId=source["fileId"], fileName="dst.txt")
    assert body["action"] == "copy"
    assert body["contentType"] == "text/plain"
    assert body["fileInfo"] == {"k": "v"}
    assert body["contentSha1"] == sha1(b"0123456789")
    assert body["fileId"] != source["fileId"]
    assert api.emu.read_file(body["fileId"]) == b"0123456789"
    listed = await api.ok("b2_list_file_names", bucketId=bucket_id, startFileName="dst.txt")
    assert listed["files"][0]["action"] == "upload"
    await api.fails(
        "b2_copy_file", 400, "bad_request",
        sourceFileId=source["fileId"], fileName="x", contentType="text/html",
    )  # fmt: skip


async def test_copy_replace_and_range_to_other_bucket(api: Api) -> None:
    bucket_id = await api.bucket()
    other = await api.bucket("other-bucket")
    source = await api.upload(bucket_id, "src", b"0123456789")
    body = await api.ok(
        "b2_copy_file", sourceFileId=source["fileId"], fileName="part",
        destinationBucketId=other, range="bytes=2-5", metadataDirective="REPLACE",
        contentType="application/x-test", fileInfo={"a": "b"},
    )  # fmt: skip
    assert body["bucketId"] == other
    assert body["contentLength"] == 4
    assert body["contentSha1"] == sha1(b"2345")
    assert body["contentType"] == "application/x-test"
    assert body["fileInfo"] == {"a": "b"}
    assert api.emu.read_file(body["fileId"]) == b"2345"
    await api.fails(
        "b2_copy_file", 400, "bad_request",
        sourceFileId=source["fileId"], fileName="x", metadataDirective="REPLACE",
    )  # fmt: skip
    await api.fails(
        "b2_copy_file", 400, "bad_request",
        sourceFileId=source["fileId"], fileName="x", range="bytes=5-100",
    )  # fmt: skip


async def test_retention_and_legal_hold_updates(api: Api) -> None:
    bucket_id = await api.bucket()
    plain = await api.upload(bucket_id, "f")
    await api.fails(
        "b2_update_file_legal_hold", 400, "bucket_missing_file_lock",
        fileName="f", fileId=plain["fileId"], legalHold="on",
    )  # fmt: skip
    locked = await api.ok(
        "b2_create_bucket", accountId=api.account_id, bucketName="locked-bucket",
        bucketType="allPrivate", fileLockEnabled=True,
    )  # fmt: skip
    version = await api.upload(locked["bucketId"], "g")
    body = await api.ok(
        "b2_update_file_legal_hold", fileName="g", fileId=version["fileId"], legalHold="on"
    )
    assert body == {"fileId": version["fileId"], "fileName": "g", "legalHold": "on"}
    await api.fails(
        "b2_delete_file_version", 403, "access_denied", fileName="g", fileId=version["fileId"]
    )
    await api.ok(
        "b2_update_file_legal_hold", fileName="g", fileId=version["fileId"], legalHold="off"
    )
    until = api.emu.state.now_ms() + 3_600_000
    body = await api.ok(
        "b2_update_file_retention", fileName="g", fileId=version["fileId"],
        fileRetention={"mode": "governance", "retainUntilTimestamp": until},
    )  # fmt: skip
    assert body["fileRetention"] == {"mode": "governance", "retainUntilTimestamp": until}
    await api.fails(
        "b2_delete_file_version", 403, "access_denied", fileName="g", fileId=version["fileId"]
    )
    await api.ok(
        "b2_delete_file_version", fileName="g", fileId=version["fileId"], bypassGovernance=True
    )


async def test_bucket_default_retention_applies_to_new_files(api: Api) -> None:
    locked = await api.ok(
        "b2_create_bucket", accountId=api.account_id, bucketName="locked-bucket",
        bucketType="allPrivate", fileLockEnabled=True,
    )  # fmt: skip
    updated = await api.ok(
        "b2_update_bucket", accountId=api.account_id, bucketId=locked["bucketId"],
        defaultRetention={"mode": "compliance", "period": {"duration": 2, "unit": "days"}},
    )  # fmt: skip
    assert updated["fileLockConfiguration"]["value"]["defaultRetention"] == {
        "mode": "compliance",
        "period": {"duration": 2, "unit": "days"},
    }
    before = api.emu.state.now_ms()
    body = await api.upload(locked["bucketId"], "kept")
    value = body["fileRetention"]["value"]
    assert value["mode"] == "compliance"
    assert before + 2 * 86_400_000 <= value["retainUntilTimestamp"]
    await api.fails(
        "b2_delete_file_version", 403, "access_denied", fileName="kept", fileId=body["fileId"],
        bypassGovernance=True,
    )  # fmt: skip
    api.emu.advance_clock(2 * 86_400 + 1)
    await api.authorize()
    await api.ok("b2_delete_file_version", fileName="kept", fileId=body["fileId"])


_FILE_ID = re.compile(
    r"^4_z(?P<bucket>[0-9a-f]{24})_f(?P<kind>[12])[0-9a-f]{15}_d\d{8}_m\d{6}"
    r"_c002_v0001\d{3}_t\d{4}_u0\d{13}$"
)


async def test_file_ids_have_b2_shape_and_are_unique(api: Api) -> None:
    bucket_id = await api.bucket()
    ids = [(await api.upload(bucket_id, "same", b"x"))["fileId"] for _ in range(30)]
    ids.append((await api.ok("b2_hide_file", bucketId=bucket_id, fileName="same"))["fileId"])
    ids.append((await api.ok("b2_copy_file", sourceFileId=ids[0], fileName="c"))["fileId"])
    large = await api.ok(
        "b2_start_large_file", bucketId=bucket_id, fileName="L", contentType="text/plain"
    )
    # Every id is in B2's layout, names its bucket, and the clock did not move: ids still differ.
    assert len(set([*ids, large["fileId"]])) == len(ids) + 1
    for file_id in ids:
        match = _FILE_ID.match(file_id)
        assert match is not None, file_id
        assert (match["bucket"], match["kind"]) == (bucket_id, "1")
    match = _FILE_ID.match(large["fileId"])
    assert match is not None
    assert match["kind"] == "2"
    # The newest version is listed first: ids order versions of one name.
    listed = await api.ok("b2_list_file_versions", bucketId=bucket_id, prefix="same")
    assert [f["fileId"] for f in listed["files"]] == ids[30::-1]
