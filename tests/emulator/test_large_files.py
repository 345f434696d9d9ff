"""Large files: start, parts, list_parts, finish (and its errors), cancel, copy_part."""

from __future__ import annotations

import pytest

from ._api import Api, assert_error, sha1

pytestmark = pytest.mark.anyio


async def _start(api: Api, bucket_id: str, name: str = "big.bin") -> dict[str, object]:
    body = await api.ok(
        "b2_start_large_file", bucketId=bucket_id, fileName=name, contentType="b2/x-auto",
        fileInfo={"large_file_sha1": "0" * 40},
    )  # fmt: skip
    assert body["action"] == "start"
    assert body["contentSha1"] == "none"
    assert body["contentType"] == "application/octet-stream"
    return body  # type: ignore[no-any-return]


async def _part(api: Api, url: tuple[str, str], number: int, data: bytes, **headers: str) -> object:
    return await api.http.post(
        url[0],
        headers={
            "Authorization": url[1],
            "X-Bz-Part-Number": str(number),
            "X-Bz-Content-Sha1": sha1(data),
            **headers,
        },
        content=data,
    )


async def test_full_cycle(api: Api) -> None:
    bucket_id = await api.bucket()
    started = await _start(api, bucket_id)
    file_id = started["fileId"]
    part_url = await api.ok("b2_get_upload_part_url", fileId=file_id)
    url = (part_url["uploadUrl"], part_url["authorizationToken"])
    parts = [b"a" * 150, b"b" * 120, b"c" * 7]
    for number, data in enumerate(parts, start=1):
        response = await _part(api, url, number, data)
        assert response.status_code == 200, response.text  # type: ignore[attr-defined]
        body = response.json()  # type: ignore[attr-defined]
        assert body["partNumber"] == number
        assert body["contentSha1"] == sha1(data)
    listed = await api.ok("b2_list_parts", fileId=file_id, maxPartCount=2)
    assert [p["partNumber"] for p in listed["parts"]] == [1, 2]
    assert listed["nextPartNumber"] == 3
    listed = await api.ok("b2_list_parts", fileId=file_id, startPartNumber=3)
    assert [p["partNumber"] for p in listed["parts"]] == [3]
    assert listed["nextPartNumber"] is None
    body = await api.ok(
        "b2_finish_large_file", fileId=file_id, partSha1Array=[sha1(p) for p in parts]
    )
    assert body["action"] == "upload"
    assert body["fileId"] == file_id
    assert body["contentLength"] == 277
    assert body["contentSha1"] == "none"
    assert body["uploadTimestamp"] == started["uploadTimestamp"]
    assert api.emu.read_file(file_id) == b"".join(parts)
    download = await api.http.get(
        f"{api.api_url}/file/test-bucket/big.bin",
        headers={"Authorization": api.token, "Range": "bytes=140-160"},
    )
    assert download.status_code == 206
    assert download.content == b"a" * 10 + b"b" * 11
    assert download.headers["x-bz-content-sha1"] == "none"
    assert download.headers["x-bz-info-large_file_sha1"] == "0" * 40


async def test_finish_errors(api: Api) -> None:
    bucket_id = await api.bucket()
    file_id = (await _start(api, bucket_id))["fileId"]
    part_url = await api.ok("b2_get_upload_part_url", fileId=file_id)
    url = (part_url["uploadUrl"], part_url["authorizationToken"])
    await _part(api, url, 1, b"a" * 100)
    await _part(api, url, 3, b"c" * 100)
    await api.fails(
        "b2_finish_large_file", 400, "missing_part",
        fileId=file_id, partSha1Array=[sha1(b"a" * 100), sha1(b"b"), sha1(b"c" * 100)],
    )  # fmt: skip
    await _part(api, url, 2, b"b" * 50)  # too small (min 100) and not last
    await api.fails(
        "b2_finish_large_file", 400, "part_sha1_mismatch",
        fileId=file_id, partSha1Array=[sha1(b"a" * 100), sha1(b"x"), sha1(b"c" * 100)],
    )  # fmt: skip
    await api.fails(
        "b2_finish_large_file", 400, "bad_request",
        fileId=file_id, partSha1Array=[sha1(b"a" * 100), sha1(b"b" * 50), sha1(b"c" * 100)],
    )  # fmt: skip
    await _part(api, url, 2, b"b" * 100)  # re-upload overwrites
    await api.ok(
        "b2_finish_large_file", fileId=file_id,
        partSha1Array=[sha1(b"a" * 100), sha1(b"b" * 100), sha1(b"c" * 100)],
    )  # fmt: skip
    await api.fails("b2_finish_large_file", 400, "bad_request", fileId=file_id, partSha1Array=[])


async def test_part_number_and_token_rules(api: Api) -> None:
    bucket_id = await api.bucket()
    file_id = (await _start(api, bucket_id))["fileId"]
    part_url = await api.ok("b2_get_upload_part_url", fileId=file_id)
    url = (part_url["uploadUrl"], part_url["authorizationToken"])
    for number in (0, 10_001):
        response = await _part(api, url, number, b"x")
        assert_error(response, 400, "bad_request")  # type: ignore[arg-type]
        assert response.json()["message"] == "Part number must be in range 1 - 10000"  # type: ignore[attr-defined]
    response = await _part(api, (url[0], "bogus"), 1, b"x")
    assert_error(response, 401, "bad_auth_token")  # type: ignore[arg-type]


async def test_cancel(api: Api) -> None:
    bucket_id = await api.bucket()
    started = await _start(api, bucket_id)
    body = await api.ok("b2_cancel_large_file", fileId=started["fileId"])
    assert body == {
        "fileId": started["fileId"],
        "accountId": api.account_id,
        "bucketId": bucket_id,
        "fileName": "big.bin",
    }
    await api.fails("b2_cancel_large_file", 400, "bad_request", fileId=started["fileId"])
    await api.fails("b2_cancel_large_file", 400, "bad_request", fileId="bad-id")
    assert api.emu.file_versions(bucket_id) == []


async def test_copy_part(api: Api) -> None:
    bucket_id = await api.bucket()
    source = await api.upload(bucket_id, "src", bytes(range(200)))
    file_id = (await _start(api, bucket_id))["fileId"]
    first = await api.ok(
        "b2_copy_part", sourceFileId=source["fileId"], largeFileId=file_id, partNumber=1,
        range="bytes=0-149",
    )  # fmt: skip
    assert first["contentLength"] == 150
    assert first["contentSha1"] == sha1(bytes(range(150)))
    second = await api.ok(
        "b2_copy_part", sourceFileId=source["fileId"], largeFileId=file_id, partNumber=2
    )
    body = await api.ok(
        "b2_finish_large_file", fileId=file_id,
        partSha1Array=[first["contentSha1"], second["contentSha1"]],
    )  # fmt: skip
    assert body["contentLength"] == 350
    assert api.emu.read_file(file_id) == bytes(range(150)) + bytes(range(200))


async def test_sse_c_large_file_parts_need_the_key(api: Api) -> None:
    import base64
    import hashlib

    bucket_id = await api.bucket()
    key = bytes(range(32))
    key_b64 = base64.b64encode(key).decode()
    md5_b64 = base64.b64encode(hashlib.md5(key).digest()).decode()
    started = await api.ok(
        "b2_start_large_file", bucketId=bucket_id, fileName="enc", contentType="x/y",
        serverSideEncryption={"mode": "SSE-C", "algorithm": "AES256", "customerKey": key_b64,
                              "customerKeyMd5": md5_b64},
    )  # fmt: skip
    assert started["serverSideEncryption"] == {"algorithm": "AES256", "mode": "SSE-C"}
    part_url = await api.ok("b2_get_upload_part_url", fileId=started["fileId"])
    url = (part_url["uploadUrl"], part_url["authorizationToken"])
    response = await _part(api, url, 1, b"x" * 100)
    assert_error(response, 403, "access_denied")  # type: ignore[arg-type]
    response = await _part(
        api, url, 1, b"x" * 100,
        **{
            "X-Bz-Server-Side-Encryption-Customer-Algorithm": "AES256",
            "X-Bz-Server-Side-Encryption-Customer-Key": key_b64,
            "X-Bz-Server-Side-Encryption-Customer-Key-Md5": md5_b64,
        },
    )  # fmt: skip
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert response.json()["serverSideEncryption"]["mode"] == "SSE-C"  # type: ignore[attr-defined]


async def test_copy_part_source_is_checked_like_copy_file(api: Api) -> None:
    bucket_id = await api.bucket()
    outside = await api.upload(bucket_id, "b/src", b"s" * 150)
    inside = await api.upload(bucket_id, "a/src", b"i" * 150)
    key_id, key = api.emu.create_key(
        ["listFiles", "readFiles", "writeFiles"], bucket_ids=[bucket_id], name_prefix="a/"
    )
    assert (await api.authorize(key_id, key)).status_code == 200
    file_id = (await _start(api, bucket_id, "a/big"))["fileId"]
    # A name-prefix-restricted key may not read a source outside its prefix, even into a part.
    for endpoint, extra in (
        ("b2_copy_part", {"largeFileId": file_id, "partNumber": 1}),
        ("b2_copy_file", {"fileName": "a/copy"}),
    ):
        await api.fails(endpoint, 401, "unauthorized", sourceFileId=outside["fileId"], **extra)
    part = await api.ok(
        "b2_copy_part", sourceFileId=inside["fileId"], largeFileId=file_id, partNumber=1
    )
    assert part["contentSha1"] == sha1(b"i" * 150)
    await api.fails(
        "b2_copy_part", 400, "bad_request",
        sourceFileId="nonsense", largeFileId=file_id, partNumber=2,
    )  # fmt: skip
