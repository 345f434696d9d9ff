"""Downloads: ranges, HEAD, headers, overrides, private-bucket auth, download auth tokens."""

from __future__ import annotations

import pytest

from ._api import Api, assert_error, sha1

pytestmark = pytest.mark.anyio

DATA = bytes(range(256)) * 4  # 1024 bytes


async def _setup(api: Api, bucket_type: str = "allPrivate") -> dict[str, object]:
    bucket_id = await api.bucket("dl-bucket", bucket_type)
    return await api.upload(
        bucket_id, "dir/file.bin", DATA,
        headers={
            "X-Bz-Info-b2-content-disposition": "attachment; filename=x.bin",
            "X-Bz-Info-b2-cache-control": "max-age=5",
            "X-Bz-Info-color": "red",
        },
    )  # fmt: skip


def _url(api: Api, name: str = "dir/file.bin") -> str:
    return f"{api.api_url}/file/dl-bucket/{name}"


async def test_full_download_headers(api: Api) -> None:
    uploaded = await _setup(api)
    response = await api.http.get(_url(api), headers={"Authorization": api.token})
    assert response.status_code == 200
    assert response.content == DATA
    h = response.headers
    assert h["content-length"] == "1024"
    assert h["x-bz-file-id"] == uploaded["fileId"]
    assert h["x-bz-file-name"] == "dir/file.bin"
    assert h["x-bz-content-sha1"] == sha1(DATA)
    assert h["x-bz-upload-timestamp"] == str(uploaded["uploadTimestamp"])
    assert h["x-bz-info-color"] == "red"
    assert h["accept-ranges"] == "bytes"
    assert h["content-disposition"] == "attachment; filename=x.bin"
    assert h["cache-control"] == "max-age=5"
    assert "x-bz-info-b2-content-disposition" not in h
    assert "date" in h


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [("bytes=0-0", 0, 0), ("bytes=10-19", 10, 19), ("bytes=1000-", 1000, 1023),
     ("bytes=-24", 1000, 1023), ("bytes=1000-5000", 1000, 1023)],
)  # fmt: skip
async def test_ranges(api: Api, header: str, first: int, last: int) -> None:
    await _setup(api)
    response = await api.http.get(_url(api), headers={"Authorization": api.token, "Range": header})
    assert response.status_code == 206
    assert response.content == DATA[first : last + 1]
    assert response.headers["content-range"] == f"bytes {first}-{last}/1024"
    assert response.headers["content-length"] == str(last + 1 - first)


async def test_unsatisfiable_range(api: Api) -> None:
    await _setup(api)
    response = await api.http.get(
        _url(api), headers={"Authorization": api.token, "Range": "bytes=1024-"}
    )
    assert_error(response, 416, "range_not_satisfiable")


async def test_head_has_headers_only(api: Api) -> None:
    uploaded = await _setup(api)
    response = await api.http.head(_url(api), headers={"Authorization": api.token})
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["content-length"] == "1024"
    assert response.headers["x-bz-file-id"] == uploaded["fileId"]
    missing = await api.http.head(_url(api, "nope"), headers={"Authorization": api.token})
    assert missing.status_code == 404
    assert missing.content == b""


async def test_download_by_id_get_head_post(api: Api) -> None:
    uploaded = await _setup(api)
    url = f"{api.api_url}/b2api/v3/b2_download_file_by_id"
    auth = {"Authorization": api.token}
    got = await api.http.get(url, params={"fileId": uploaded["fileId"]}, headers=auth)
    assert got.content == DATA
    posted = await api.http.post(url, json={"fileId": uploaded["fileId"]}, headers=auth)
    assert posted.content == DATA
    head = await api.http.head(url, params={"fileId": uploaded["fileId"]}, headers=auth)
    assert head.content == b""
    assert head.headers["content-length"] == "1024"


async def test_overrides(api: Api) -> None:
    await _setup(api)
    response = await api.http.get(
        _url(api),
        params={"b2ContentType": "text/weird", "b2CacheControl": "no-cache"},
        headers={"Authorization": api.token},
    )
    assert response.headers["content-type"] == "text/weird"
    assert response.headers["cache-control"] == "no-cache"


async def test_private_bucket_needs_auth(api: Api) -> None:
    await _setup(api)
    assert_error(await api.http.get(_url(api)), 401, "unauthorized")
    response = await api.http.get(_url(api), headers={"Authorization": "garbage"})
    assert_error(response, 401, "bad_auth_token")
    key_id, key = api.emu.create_key(["listFiles"])
    await api.authorize(key_id, key)
    response = await api.http.get(_url(api), headers={"Authorization": api.token})
    assert_error(response, 401, "unauthorized")


async def test_public_bucket_needs_none(api: Api) -> None:
    await _setup(api, "allPublic")
    assert (await api.http.get(_url(api))).content == DATA


async def test_missing_file_and_bucket(api: Api) -> None:
    await _setup(api)
    auth = {"Authorization": api.token}
    assert_error(await api.http.get(_url(api, "nope"), headers=auth), 404, "not_found")
    response = await api.http.get(f"{api.api_url}/file/no-bucket/x", headers=auth)
    assert_error(response, 404, "not_found")


async def test_download_authorization_by_header_and_query(api: Api) -> None:
    uploaded = await _setup(api)
    body = await api.ok(
        "b2_get_download_authorization", bucketId=uploaded["bucketId"], fileNamePrefix="dir/",
        validDurationInSeconds=60,
    )  # fmt: skip
    token = body["authorizationToken"]
    assert body["fileNamePrefix"] == "dir/"
    assert (await api.http.get(_url(api), headers={"Authorization": token})).content == DATA
    response = await api.http.get(_url(api), params={"Authorization": token})
    assert response.content == DATA
    await api.upload(uploaded["bucketId"], "other.bin")  # type: ignore[arg-type]
    response = await api.http.get(_url(api, "other.bin"), params={"Authorization": token})
    assert_error(response, 401, "unauthorized")
    by_id = await api.http.get(
        f"{api.api_url}/b2api/v3/b2_download_file_by_id",
        params={"fileId": uploaded["fileId"]},
        headers={"Authorization": token},
    )
    assert_error(by_id, 401, "unauthorized")
    api.emu.advance_clock(59)
    assert (await api.http.get(_url(api), params={"Authorization": token})).content == DATA
    api.emu.advance_clock(2)
    response = await api.http.get(_url(api), params={"Authorization": token})
    assert_error(response, 401, "expired_auth_token")


async def test_download_authorization_limits(api: Api) -> None:
    uploaded = await _setup(api)
    for seconds in (0, 604_801):
        await api.fails(
            "b2_get_download_authorization", 400, "bad_request", bucketId=uploaded["bucketId"],
            fileNamePrefix="", validDurationInSeconds=seconds,
        )  # fmt: skip


async def test_download_authorization_overrides_must_match(api: Api) -> None:
    uploaded = await _setup(api)
    body = await api.ok(
        "b2_get_download_authorization", bucketId=uploaded["bucketId"], fileNamePrefix="",
        validDurationInSeconds=60, b2ContentDisposition="inline",
    )  # fmt: skip
    token = body["authorizationToken"]
    response = await api.http.get(_url(api), params={"Authorization": token})
    assert_error(response, 400, "bad_request")
    response = await api.http.get(
        _url(api), params={"Authorization": token, "b2ContentDisposition": "inline"}
    )
    assert response.status_code == 200
    assert response.headers["content-disposition"] == "inline"


async def test_large_body_streams_in_chunks(api: Api) -> None:
    bucket_id = await api.bucket()
    data = bytes(range(256)) * 12_000  # ~3 MB
    await api.upload(bucket_id, "big", data)
    async with api.http.stream(
        "GET", f"{api.api_url}/file/test-bucket/big", headers={"Authorization": api.token}
    ) as response:
        chunks = [chunk async for chunk in response.aiter_raw()]
    assert b"".join(chunks) == data
    assert len(chunks) >= 3


async def test_object_lock_headers_follow_read_capabilities(api: Api) -> None:
    locked = await api.ok(
        "b2_create_bucket", accountId=api.account_id, bucketName="locked-bucket",
        bucketType="allPublic", fileLockEnabled=True,
    )  # fmt: skip
    until = api.emu.state.now_ms() + 3_600_000
    await api.upload(
        locked["bucketId"], "held",
        headers={
            "X-Bz-File-Retention-Mode": "governance",
            "X-Bz-File-Retention-Retain-Until-Timestamp": str(until),
            "X-Bz-File-Legal-Hold": "on",
        },
    )  # fmt: skip
    url = f"{api.api_url}/file/locked-bucket/held"
    full = await api.http.get(url, headers={"Authorization": api.token})
    assert full.headers["x-bz-file-retention-mode"] == "governance"
    assert full.headers["x-bz-file-retention-retain-until-timestamp"] == str(until)
    assert full.headers["x-bz-file-legal-hold"] == "on"
    assert "x-bz-client-unauthorized-to-read" not in full.headers
    anonymous = await api.http.get(url)
    assert "x-bz-file-retention-mode" not in anonymous.headers
    assert anonymous.headers["x-bz-client-unauthorized-to-read"] == (
        "X-Bz-File-Retention-Mode,X-Bz-File-Retention-Retain-Until-Timestamp,X-Bz-File-Legal-Hold"
    )
