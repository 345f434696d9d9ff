"""File-level B2 rules the emulator must mirror: download overrides, malformed file ids,
the unfinished-large-files listing shape."""

from __future__ import annotations

import pytest

from ._api import Api, assert_error

pytestmark = pytest.mark.anyio


async def _private_file(api: Api) -> dict[str, str]:
    bucket_id = await api.bucket("audit-bucket")
    return await api.upload(bucket_id, "doc.txt", b"hello")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("b2Expires", "next tuesday"),
        ("b2ContentDisposition", "attachment; filename=\u00fc.txt"),
        ("b2CacheControl", "max-age=5\tx"),
    ],
)
async def test_download_overrides_are_validated(api: Api, name: str, value: str) -> None:
    # spec 11.5: bad override values are a 400, for both download forms.
    uploaded = await _private_file(api)
    auth = {"Authorization": api.token}
    by_name = await api.http.get(
        f"{api.api_url}/file/audit-bucket/doc.txt", params={name: value}, headers=auth
    )
    assert_error(by_name, 400, "bad_request")
    by_id = await api.http.get(
        f"{api.api_url}/b2api/v3/b2_download_file_by_id",
        params={"fileId": uploaded["fileId"], name: value},
        headers=auth,
    )
    assert_error(by_id, 400, "bad_request")


async def test_valid_expires_override_is_applied(api: Api) -> None:
    await _private_file(api)
    expires = "Wed, 21 Oct 2037 07:28:00 GMT"
    response = await api.http.get(
        f"{api.api_url}/file/audit-bucket/doc.txt",
        params={"b2Expires": expires},
        headers={"Authorization": api.token},
    )
    assert response.status_code == 200
    assert response.headers["expires"] == expires


async def test_download_authorization_validates_its_overrides(api: Api) -> None:
    # spec 11.6: the overrides a token pins are held to the same header rules.
    uploaded = await _private_file(api)
    await api.fails(
        "b2_get_download_authorization", 400, "bad_request",
        bucketId=uploaded["bucketId"], fileNamePrefix="", validDurationInSeconds=60,
        b2Expires="not a date",
    )  # fmt: skip
    body = await api.ok(
        "b2_get_download_authorization", bucketId=uploaded["bucketId"], fileNamePrefix="",
        validDurationInSeconds=60, b2Expires="Wed, 21 Oct 2037 07:28:00 GMT",
    )  # fmt: skip
    assert body["fileNamePrefix"] == ""


@pytest.mark.parametrize(
    ("endpoint", "extra"),
    [
        ("b2_delete_file_version", {}),
        ("b2_update_file_legal_hold", {"legalHold": "on"}),
        (
            "b2_update_file_retention",
            {"fileRetention": {"mode": None, "retainUntilTimestamp": None}},
        ),
    ],
)
async def test_malformed_file_id_is_bad_request(
    api: Api, endpoint: str, extra: dict[str, object]
) -> None:
    # Like cancel_large_file / get_file_info (spec 9.6, 10.1): an id that is not a file id
    # is "Invalid fileId", not "no such version" (file_not_present).
    await _private_file(api)
    body = await api.fails(
        endpoint, 400, "bad_request", fileId="bad-id", fileName="doc.txt", **extra
    )
    assert body["message"] == "Invalid fileId: bad-id"


async def test_well_formed_unknown_file_id_is_file_not_present(api: Api) -> None:
    uploaded = await _private_file(api)
    await api.ok("b2_delete_file_version", fileName="doc.txt", fileId=uploaded["fileId"])
    await api.fails(
        "b2_delete_file_version", 400, "file_not_present",
        fileName="doc.txt", fileId=uploaded["fileId"],
    )  # fmt: skip


async def test_unfinished_large_files_listing_has_next_file_name(api: Api) -> None:
    # spec 9.8: live B2 answers {"files", "nextFileId", "nextFileName": null}.
    bucket_id = await api.bucket("audit-bucket")
    started = await api.ok(
        "b2_start_large_file", bucketId=bucket_id, fileName="big.bin", contentType="b2/x-auto"
    )
    body = await api.ok("b2_list_unfinished_large_files", bucketId=bucket_id)
    assert [f["fileId"] for f in body["files"]] == [started["fileId"]]
    assert body["nextFileId"] is None
    assert "nextFileName" in body
    assert body["nextFileName"] is None
