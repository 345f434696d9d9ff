"""b2_upload_file: SHA-1 modes, Content-Length, token exclusivity, encoding, info rules, SSE."""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING

import anyio
import pytest

from ._api import Api, assert_error, sha1

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    import httpx

pytestmark = pytest.mark.anyio


async def _chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


async def test_upload_reports_digests_and_stores_bytes(api: Api) -> None:
    bucket_id = await api.bucket()
    body = await api.upload(bucket_id, "hello.txt", b"hello world")
    assert body["action"] == "upload"
    assert body["contentLength"] == 11
    assert body["contentSha1"] == sha1(b"hello world")
    assert body["contentMd5"] == hashlib.md5(b"hello world").hexdigest()
    assert body["fileName"] == "hello.txt"
    assert body["serverSideEncryption"] == {"algorithm": None, "mode": None}
    assert api.emu.read_file(body["fileId"]) == b"hello world"
    assert body["fileId"].startswith(f"4_z{bucket_id}_f1")


async def test_wrong_sha1_is_refused_and_nothing_stored(api: Api) -> None:
    bucket_id = await api.bucket()
    response = await api.upload_raw(
        bucket_id, "x.bin", b"data", headers={"X-Bz-Content-Sha1": sha1(b"other")}
    )
    assert_error(response, 400, "bad_request")
    assert response.json()["message"] == "Sha1 did not match data received"
    assert api.emu.file_versions(bucket_id) == []


async def test_hex_digits_at_end(api: Api) -> None:
    bucket_id = await api.bucket()
    data = b"x" * 1000
    payload = data + sha1(data).encode()
    body = await api.upload(
        bucket_id, "tail.bin", payload, headers={"X-Bz-Content-Sha1": "hex_digits_at_end"}
    )
    assert body["contentLength"] == 1000
    assert body["contentSha1"] == sha1(data)
    assert api.emu.read_file(body["fileId"]) == data
    bad = data + sha1(b"nope").encode()
    response = await api.upload_raw(
        bucket_id, "tail.bin", bad, headers={"X-Bz-Content-Sha1": "hex_digits_at_end"}
    )
    assert_error(response, 400, "bad_request")


async def test_hex_digits_at_end_split_across_chunks(api: Api) -> None:
    bucket_id = await api.bucket()
    data = b"abcdefghij" * 7
    payload = data + sha1(data).encode()
    parts = [payload[i : i + 13] for i in range(0, len(payload), 13)]
    response = await api.upload_raw(
        bucket_id,
        "chunks.bin",
        _chunks(*parts),
        headers={
            "X-Bz-Content-Sha1": "hex_digits_at_end",
            "Content-Length": str(len(payload)),
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["contentSha1"] == sha1(data)
    assert api.emu.read_file(response.json()["fileId"]) == data


async def test_do_not_verify_reports_unverified(api: Api) -> None:
    bucket_id = await api.bucket()
    body = await api.upload(
        bucket_id, "nv.bin", b"payload", headers={"X-Bz-Content-Sha1": "do_not_verify"}
    )
    assert body["contentSha1"] == f"unverified:{sha1(b'payload')}"
    download = await api.http.get(
        f"{api.api_url}/file/test-bucket/nv.bin", headers={"Authorization": api.token}
    )
    assert download.headers["x-bz-content-sha1"] == f"unverified:{sha1(b'payload')}"


async def test_content_length_required_and_exact(api: Api) -> None:
    bucket_id = await api.bucket()
    # An async body without Content-Length goes out chunked: B2 refuses it.
    response = await api.upload_raw(
        bucket_id, "c.bin", _chunks(b"ab", b"cd"), headers={"X-Bz-Content-Sha1": sha1(b"abcd")}
    )
    assert_error(response, 400, "bad_request")
    assert response.json()["message"] == "Missing header: Content-Length"
    response = await api.upload_raw(
        bucket_id,
        "c.bin",
        _chunks(b"ab", b"cd"),
        headers={"X-Bz-Content-Sha1": sha1(b"abcd"), "Content-Length": "5"},
    )
    assert_error(response, 400, "bad_request")
    assert api.emu.file_versions(bucket_id) == []


async def test_concurrent_use_of_one_upload_url(api: Api) -> None:
    bucket_id = await api.bucket()
    url = await api.upload_url(bucket_id)
    second_done = anyio.Event()
    results: dict[str, httpx.Response] = {}

    async def slow_body() -> AsyncIterator[bytes]:
        yield b"a" * 10
        await second_done.wait()
        yield b"b" * 10

    async def first() -> None:
        results["first"] = await api.upload_raw(
            bucket_id,
            "slow.bin",
            slow_body(),
            url=url,
            headers={"Content-Length": "20", "X-Bz-Content-Sha1": sha1(b"a" * 10 + b"b" * 10)},
        )

    async with anyio.create_task_group() as tg:
        tg.start_soon(first)
        await anyio.sleep(0.01)
        results["second"] = await api.upload_raw(bucket_id, "fast.bin", b"x", url=url)
        second_done.set()
    assert_error(results["second"], 400, "auth_token_limit")
    assert results["second"].json()["message"] == f"more than one upload using auth token {url[1]}"
    assert results["first"].status_code == 200
    # The token is free again afterwards (sequential reuse is fine).
    assert (await api.upload_raw(bucket_id, "again.bin", b"y", url=url)).status_code == 200


async def test_percent_encoded_names_and_infos(api: Api) -> None:
    bucket_id = await api.bucket()
    body = await api.upload(
        bucket_id,
        "dir/%E8%87%AA%E7%94%B1+%2B%20x.txt",
        headers={"X-Bz-Info-Note": "a%2Bb+c%20d", "X-Bz-Info-src_last_modified_millis": "12"},
    )
    assert body["fileName"] == "dir/自由 + x.txt"
    assert body["fileInfo"] == {"note": "a+b c d", "src_last_modified_millis": "12"}
    response = await api.http.get(
        f"{api.api_url}/file/test-bucket/dir/%E8%87%AA%E7%94%B1%20%2B%20x.txt",
        headers={"Authorization": api.token},
    )
    assert response.status_code == 200
    assert response.headers["x-bz-file-name"] == "dir/%E8%87%AA%E7%94%B1%20%2B%20x.txt"
    assert response.headers["x-bz-info-note"] == "a%2Bb%20c%20d"
    assert "+" not in response.headers["x-bz-info-note"]


async def test_file_info_rules(api: Api) -> None:
    bucket_id = await api.bucket()
    eleven = {f"X-Bz-Info-k{i}": "v" for i in range(11)}
    assert_error(await api.upload_raw(bucket_id, "a", b"x", headers=eleven), 400, "bad_request")
    bad_b2 = {"X-Bz-Info-b2-unknown": "v"}
    assert_error(await api.upload_raw(bucket_id, "a", b"x", headers=bad_b2), 400, "bad_request")
    bad_date = {"X-Bz-Info-b2-expires": "tomorrow"}
    assert_error(await api.upload_raw(bucket_id, "a", b"x", headers=bad_date), 400, "bad_request")
    huge = {"X-Bz-Info-big": "v" * 7000}
    assert_error(await api.upload_raw(bucket_id, "a", b"x", headers=huge), 400, "bad_request")
    forbidden = {"Content-Disposition": "inline"}
    assert_error(await api.upload_raw(bucket_id, "a", b"x", headers=forbidden), 400, "bad_request")
    ok = await api.upload(bucket_id, "a", headers={"X-Bz-Info-MixedCase": "v"})
    assert ok["fileInfo"] == {"mixedcase": "v"}


async def test_invalid_names_refused(api: Api) -> None:
    bucket_id = await api.bucket()
    for name in ("", "a%01b", "a%7Fb", "x" * 1025):
        response = await api.upload_raw(bucket_id, name, b"x")
        assert_error(response, 400, "bad_request")


async def test_auto_content_type(api: Api) -> None:
    bucket_id = await api.bucket()
    auto = {"Content-Type": "b2/x-auto"}
    assert (await api.upload(bucket_id, "a.txt", headers=auto))["contentType"] == "text/plain"
    assert (await api.upload(bucket_id, "a.json", headers=auto))["contentType"] == (
        "application/json"
    )
    assert (await api.upload(bucket_id, "noext", headers=auto))["contentType"] == (
        "application/octet-stream"
    )


async def test_upload_token_errors(api: Api) -> None:
    bucket_id = await api.bucket()
    upload_url, _ = await api.upload_url(bucket_id)
    response = await api.upload_raw(bucket_id, "a", b"x", url=(upload_url, "bogus"))
    assert_error(response, 401, "bad_auth_token")
    other = await api.bucket("other-bucket")
    _, token = await api.upload_url(other)
    response = await api.upload_raw(bucket_id, "a", b"x", url=(upload_url, token))
    assert_error(response, 401, "bad_auth_token")


async def test_sse_b2_and_sse_c(api: Api) -> None:
    bucket_id = await api.bucket()
    body = await api.upload(bucket_id, "b2.bin", headers={"X-Bz-Server-Side-Encryption": "AES256"})
    assert body["serverSideEncryption"] == {"algorithm": "AES256", "mode": "SSE-B2"}
    key = bytes(range(32))
    sse_c = sse_c_headers(key)
    body = await api.upload(bucket_id, "c.bin", b"secret", headers=sse_c)
    assert body["serverSideEncryption"] == {"algorithm": "AES256", "mode": "SSE-C"}
    url = f"{api.api_url}/file/test-bucket/c.bin"
    auth = {"Authorization": api.token}
    assert_error(await api.http.get(url, headers=auth), 403, "access_denied")
    wrong = sse_c_headers(bytes(32))
    assert_error(await api.http.get(url, headers={**auth, **wrong}), 403, "access_denied")
    good = await api.http.get(url, headers={**auth, **sse_c})
    assert good.status_code == 200
    assert good.content == b"secret"
    assert good.headers["x-bz-server-side-encryption-customer-algorithm"] == "AES256"
    bad_md5 = {**sse_c, "X-Bz-Server-Side-Encryption-Customer-Key-Md5": "AAAA"}
    assert_error(await api.upload_raw(bucket_id, "d", b"x", headers=bad_md5), 400, "bad_request")


def sse_c_headers(key: bytes) -> dict[str, str]:
    return {
        "X-Bz-Server-Side-Encryption-Customer-Algorithm": "AES256",
        "X-Bz-Server-Side-Encryption-Customer-Key": base64.b64encode(key).decode(),
        "X-Bz-Server-Side-Encryption-Customer-Key-Md5": base64.b64encode(
            hashlib.md5(key).digest()
        ).decode(),
    }


async def test_retention_headers_need_lock_bucket(api: Api) -> None:
    bucket_id = await api.bucket()
    until = str(api.emu.state.now_ms() + 86_400_000)
    headers = {
        "X-Bz-File-Retention-Mode": "governance",
        "X-Bz-File-Retention-Retain-Until-Timestamp": until,
    }
    response = await api.upload_raw(bucket_id, "r", b"x", headers=headers)
    assert_error(response, 400, "bucket_missing_file_lock")
    locked = await api.ok(
        "b2_create_bucket", accountId=api.account_id, bucketName="locked-bucket",
        bucketType="allPrivate", fileLockEnabled=True,
    )  # fmt: skip
    body = await api.upload(
        locked["bucketId"], "r", headers={**headers, "X-Bz-File-Legal-Hold": "on"}
    )
    assert body["fileRetention"]["value"] == {
        "mode": "governance",
        "retainUntilTimestamp": int(until),
    }
    assert body["legalHold"]["value"] == "on"


async def test_bucket_default_sse_b2_applies_to_uploads(api: Api) -> None:
    sse_b2 = {"mode": "SSE-B2", "algorithm": "AES256"}
    body = await api.ok(
        "b2_create_bucket", accountId=api.account_id, bucketName="enc-bucket",
        bucketType="allPrivate", defaultServerSideEncryption=sse_b2,
    )  # fmt: skip
    assert body["defaultServerSideEncryption"]["value"] == {"algorithm": "AES256", "mode": "SSE-B2"}
    uploaded = await api.upload(body["bucketId"], "f")
    assert uploaded["serverSideEncryption"] == {"algorithm": "AES256", "mode": "SSE-B2"}
    response = await api.http.get(
        f"{api.api_url}/file/enc-bucket/f", headers={"Authorization": api.token}
    )
    assert response.headers["x-bz-server-side-encryption"] == "AES256"


async def test_copy_of_sse_c_source_needs_the_key(api: Api) -> None:
    bucket_id = await api.bucket()
    key = bytes(range(32))
    source = await api.upload(bucket_id, "c.bin", b"secret", headers=sse_c_headers(key))
    await api.fails(
        "b2_copy_file", 403, "access_denied", sourceFileId=source["fileId"], fileName="d.bin"
    )
    source_sse = {
        "mode": "SSE-C",
        "algorithm": "AES256",
        "customerKey": base64.b64encode(key).decode(),
        "customerKeyMd5": base64.b64encode(hashlib.md5(key).digest()).decode(),
    }
    body = await api.ok(
        "b2_copy_file", sourceFileId=source["fileId"], fileName="d.bin",
        sourceServerSideEncryption=source_sse,
    )  # fmt: skip
    assert body["serverSideEncryption"] == {"algorithm": None, "mode": None}
    assert api.emu.read_file(body["fileId"]) == b"secret"
