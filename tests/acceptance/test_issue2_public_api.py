"""Issue 2 acceptance: public names and signatures, client config, validation, secrets, re-auth."""

from __future__ import annotations

import inspect
import logging
import re
from typing import TYPE_CHECKING

import anyio
import httpx
import pytest

import b2async
from b2async import (
    B2Client,
    B2ConfigurationError,
    B2ValidationError,
    Bucket,
    BucketNotFound,
    InvalidBucketName,
    InvalidFileInfo,
    InvalidFileName,
    InvalidRange,
    RetryPolicy,
    UploadItem,
)
from tests.acceptance.conftest import payload, sha1, total_calls

if TYPE_CHECKING:
    from b2async.testing import B2Emulator

pytestmark = pytest.mark.anyio


def _params(fn: object) -> dict[str, inspect.Parameter]:
    return dict(inspect.signature(fn).parameters)  # type: ignore[arg-type]


def _has(fn: object, name: str, kind: inspect._ParameterKind, default: object = ...) -> None:
    params = _params(fn)
    assert name in params, f"{fn} lacks {name}"
    assert params[name].kind == kind, f"{fn}.{name} is {params[name].kind}"
    if default is not ...:
        assert params[name].default == default, f"{fn}.{name} default {params[name].default!r}"


POS = inspect.Parameter.POSITIONAL_OR_KEYWORD
KW = inspect.Parameter.KEYWORD_ONLY


@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_client_signature() -> None:
    init = B2Client.__init__
    _has(init, "application_key_id", POS)
    _has(init, "application_key", POS)
    _has(init, "realm", KW, "https://api.backblazeb2.com")
    _has(init, "http_client", KW, None)
    _has(init, "retry", KW)
    assert isinstance(_params(init)["retry"].default, RetryPolicy)
    _has(init, "timeout", KW)
    for name in (
        "from_env", "authorize", "create_bucket", "get_bucket", "list_buckets", "delete_bucket",
        "get_file_info", "delete_file_version", "download_bytes_by_id", "create_key",
        "list_keys", "delete_key", "aclose", "__aenter__", "__aexit__",
    ):  # fmt: skip
        assert callable(getattr(B2Client, name)), name
    _has(B2Client.get_bucket, "name", POS)
    _has(B2Client.get_file_info, "file_id", POS)
    _has(B2Client.delete_file_version, "file_name", POS)
    _has(B2Client.delete_file_version, "file_id", POS)
    _has(B2Client.delete_file_version, "bypass_governance", KW, False)
    _has(B2Client.download_bytes_by_id, "file_id", POS)
    _has(B2Client.create_key, "key_name", POS)
    _has(B2Client.create_key, "capabilities", POS)
    for kw in ("bucket_ids", "name_prefix", "valid_duration_seconds"):
        _has(B2Client.create_key, kw, KW, None)
    _has(B2Client.delete_key, "key_or_key_id", POS)


@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_bucket_signatures() -> None:
    _has(Bucket.update, "if_revision_is", KW)
    _has(Bucket.upload_bytes, "data", POS)
    _has(Bucket.upload_bytes, "file_name", POS)
    _has(Bucket.upload_bytes, "content_type", KW, None)
    _has(Bucket.upload_bytes, "file_info", KW, None)
    for fn in (Bucket.list_file_names, Bucket.list_file_versions):
        for name in ("prefix", "delimiter", "start_file_name", "page_size"):
            assert name in _params(fn), (fn, name)
    assert callable(Bucket.list_unfinished_large_files)
    assert callable(Bucket.hide_file)
    assert callable(Bucket.unhide_file)
    _has(Bucket.copy_file, "source_file_id", POS)
    _has(Bucket.copy_file, "file_name", POS)
    for name in ("range", "destination_bucket_id", "metadata_directive"):
        assert name in _params(Bucket.copy_file), name
    _has(Bucket.download_bytes, "file_name", POS)
    _has(Bucket.download_bytes, "range", KW, None)
    _has(Bucket.get_download_authorization, "prefix", POS)
    _has(Bucket.get_download_authorization, "valid_seconds", POS)
    for name in (
        "update_file_retention", "update_file_legal_hold",
        "get_notification_rules", "set_notification_rules",
    ):  # fmt: skip
        assert callable(getattr(Bucket, name)), name
    # issue 4's transfer verbs
    _has(Bucket.upload_file, "source", POS)
    _has(Bucket.upload_file, "file_name", POS)
    for name, default in (
        ("content_type", None), ("file_info", None), ("progress", None),
        ("large_file_sha1", True), ("resume", False),
    ):  # fmt: skip
        _has(Bucket.upload_file, name, KW, default)
    assert list(_params(Bucket.upload_stream))[1] in ("stream", "aiter", "source")
    _has(Bucket.upload_many, "items", POS)
    _has(Bucket.upload_many, "concurrency", KW)
    _has(Bucket.upload_many, "fail_fast", KW, False)
    _has(Bucket.upload_directory, "path", POS)
    _has(Bucket.upload_directory, "prefix", POS)
    _has(Bucket.download, "file_name", POS)
    _has(Bucket.download, "range", KW, None)
    _has(Bucket.download_to_file, "file_name", POS)
    _has(Bucket.download_to_file, "path", POS)
    assert callable(Bucket.download_to_file_by_id)
    item = UploadItem(b"x", "n")
    assert (item.source, item.file_name, item.content_type, item.file_info) == (
        b"x", "n", None, None,
    )  # fmt: skip
    assert list(_params(UploadItem)) == ["source", "file_name", "content_type", "file_info"]
    assert sorted(b2async.__all__) == b2async.__all__
    for name in b2async.__all__:
        assert hasattr(b2async, name), name


async def test_bucket_handle_attributes(client: B2Client) -> None:
    made = await client.create_bucket("attrs-bucket", "allPublic")
    got = await client.get_bucket("attrs-bucket")
    assert (got.id, got.name, got.type) == (made.id, "attrs-bucket", "allPublic")
    assert got.model.bucket_id == made.id
    with pytest.raises(BucketNotFound):
        await client.get_bucket("no-such-bucket")


def test_from_env_names_both_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("B2_APPLICATION_KEY_ID", raising=False)
    monkeypatch.delenv("B2_APPLICATION_KEY", raising=False)
    with pytest.raises(B2ConfigurationError) as caught:
        B2Client.from_env()
    assert "B2_APPLICATION_KEY_ID" in str(caught.value)
    assert re.search(r"B2_APPLICATION_KEY\b", str(caught.value))


@pytest.mark.parametrize(
    "realm", ["http://127.0.0.1:8000", "http://127.9.9.9", "http://[::1]:9", "http://localhost"]
)
def test_loopback_realms_may_use_http(realm: str) -> None:
    B2Client("id", "key", realm=realm, http_client=httpx.AsyncClient())


@pytest.mark.parametrize(
    "realm",
    ["http://api.backblazeb2.com", "http://10.0.0.1", "ftp://127.0.0.1", "http://128.0.0.1"],
)
def test_other_realms_need_https(realm: str) -> None:
    with pytest.raises(B2ConfigurationError):
        B2Client("id", "key", realm=realm, http_client=httpx.AsyncClient())


async def test_client_closes_only_its_own_http_client(emulator: B2Emulator) -> None:
    async with emulator.http_client() as http:
        async with B2Client(
            emulator.key_id, emulator.key, realm=emulator.realm, http_client=http
        ) as b2:
            auth = await b2.authorize()
            assert auth.account_id
        assert not http.is_closed


async def test_invalid_input_is_refused_before_any_request(
    client: B2Client, emulator: B2Emulator
) -> None:
    bucket = await client.create_bucket("validation")
    await bucket.upload_bytes(b"abc", "present.txt")
    before = total_calls(emulator)
    bad_names = ["", "a" * 1025, "bad\x00name", "del\x7fname", "tab\tname", "é" * 513]
    for name in bad_names:
        with pytest.raises(InvalidFileName):
            await bucket.upload_bytes(b"x", name)
        with pytest.raises(InvalidFileName):
            await bucket.download_bytes(name)
    bad_infos = [
        {f"k{i}": "v" for i in range(11)},  # > 10 pairs
        {"k" * 51: "v"},  # key > 50 bytes
        {"bad key!": "v"},  # character not allowed
        {"b2-not-a-known-key": "v"},  # only the five b2- keys
        {"big": "v" * 7001},  # 7000-byte header rule
    ]
    for info in bad_infos:
        with pytest.raises(InvalidFileInfo):
            await bucket.upload_bytes(b"x", "ok.txt", file_info=info)
        with pytest.raises(InvalidFileInfo):
            await bucket.upload_file(b"x", "ok.txt", file_info=info)
    for rng in [(5, 2), (-1, 3), (0, -1)]:
        with pytest.raises(InvalidRange):
            await bucket.download_bytes("present.txt", range=rng)
    for name in ["abcde", "has_underscore", "b2-reserved", "B2-Reserved", "x" * 64, "with space"]:
        with pytest.raises(InvalidBucketName):
            await client.create_bucket(name)
    assert total_calls(emulator) == before
    # every violation is a B2ValidationError (also a ValueError) naming its rule
    with pytest.raises(B2ValidationError, match=r"10|ten"):
        await bucket.upload_bytes(b"x", "ok.txt", file_info=bad_infos[0])


async def test_info_header_rule_is_2048_with_sse(client: B2Client, emulator: B2Emulator) -> None:
    bucket = await client.create_bucket("sse-info")
    before = total_calls(emulator)
    with pytest.raises(InvalidFileInfo):
        await bucket.upload_bytes(
            b"x", "ok.txt", file_info={"big": "v" * 3000}, sse=b2async.SseB2()
        )
    assert total_calls(emulator) == before
    fv = await bucket.upload_bytes(b"x", "ok.txt", file_info={"big": "v" * 3000})
    assert fv.file_info["big"] == "v" * 3000


async def test_download_range_is_inclusive(bucket: Bucket) -> None:
    data = payload(1000, 4)
    await bucket.upload_bytes(data, "r.bin")
    assert await bucket.download_bytes("r.bin", range=(2, 5)) == data[2:6]
    assert await bucket.download_bytes("r.bin", range=(0, 0)) == data[:1]
    assert await bucket.download_bytes("r.bin", range=(990, 999)) == data[990:]


async def test_hide_unhide_and_delete_versions(client: B2Client, bucket: Bucket) -> None:
    v1 = await bucket.upload_bytes(b"one", "h.txt")
    hidden = await bucket.hide_file("h.txt")
    assert hidden.action == "hide"
    assert [fv.file_name async for fv in bucket.list_file_names()] == []
    await bucket.unhide_file("h.txt")
    assert [fv.file_id async for fv in bucket.list_file_names()] == [v1.file_id]
    assert await bucket.download_bytes("h.txt") == b"one"
    deleted = await client.delete_file_version("h.txt", v1.file_id)
    assert deleted.file_id == v1.file_id
    assert [fv async for fv in bucket.list_file_versions()] == []


async def test_paging_is_transparent(bucket: Bucket) -> None:
    names = [f"p/{i:03d}" for i in range(25)]
    for name in names:
        await bucket.upload_bytes(name.encode(), name)
    assert [fv.file_name async for fv in bucket.list_file_names(page_size=4)] == names
    versions = [fv.file_name async for fv in bucket.list_file_versions(page_size=3)]
    assert versions == names
    top = [fv.file_name async for fv in bucket.list_file_names(delimiter="/", page_size=1)]
    assert top == ["p/"]


async def test_hundred_concurrent_calls_on_an_expired_token_authorize_once(
    client: B2Client, bucket: Bucket, emulator: B2Emulator
) -> None:
    fv = await bucket.upload_bytes(b"data", "x.txt")
    emulator.advance_clock(25 * 3600)  # the account token has expired
    before = emulator.calls["b2_authorize_account"]
    results: list[str] = []

    async def one() -> None:
        results.append((await client.get_file_info(fv.file_id)).file_id)

    async with anyio.create_task_group() as tg:
        for _ in range(100):
            tg.start_soon(one)
    assert results == [fv.file_id] * 100
    assert emulator.calls["b2_authorize_account"] == before + 1


async def test_no_secret_in_logs_reprs_or_errors(
    emulator: B2Emulator, caplog: pytest.LogCaptureFixture, tmp_path: object
) -> None:
    """A whole workflow at DEBUG: no key, account/upload/download token ever shows."""
    seen_tokens: set[str] = set()

    class Recorder(httpx.AsyncBaseTransport):
        def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
            self.inner = inner

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if auth := request.headers.get("Authorization"):
                seen_tokens.add(auth)
            response = await self.inner.handle_async_request(request)
            if response.headers.get("content-type", "").startswith("application/json"):
                await response.aread()
                for token in re.findall(
                    rb'"(?:authorizationToken|applicationKey)"\s*:\s*"([^"]+)"', response.content
                ):
                    seen_tokens.add(token.decode())
            return response

    caplog.set_level(logging.DEBUG)
    emulator.faults.add("b2_upload_file", b2async.testing.Fault(kind="status", status=503), times=2)
    emulator.faults.add("b2_list_file_names", b2async.testing.Fault(kind="expire_token"), times=1)
    reprs: list[str] = []
    async with (
        httpx.AsyncClient(transport=Recorder(emulator.transport())) as http,
        B2Client(emulator.key_id, emulator.key, realm=emulator.realm, http_client=http) as b2,
    ):
        reprs.append(repr(b2))
        auth = await b2.authorize()
        reprs += [repr(auth), str(auth)]
        bucket = await b2.create_bucket("secrets")
        reprs.append(repr(bucket))
        await bucket.upload_bytes(b"small", "s.txt")
        await bucket.upload_file(payload(50_000, 1), "large.bin")
        reprs.append(repr([fv async for fv in bucket.list_file_names()]))
        dl_auth = await bucket.get_download_authorization("s", 3600)
        reprs += [repr(dl_auth), str(dl_auth), dl_auth.model_dump_json()]
        key = await b2.create_key("k1", ["listFiles"])
        reprs += [repr(key), str(key), key.model_dump_json()]
        secret = key.application_key.get_secret_value()
        seen_tokens.add(secret)
        async with B2Client(
            key.application_key_id, secret, realm=emulator.realm, http_client=http
        ) as limited:
            with pytest.raises(b2async.B2APIError) as caught:
                await limited.create_bucket("not-allowed")
            reprs += [repr(caught.value), str(caught.value)]
        assert await bucket.download_bytes("s.txt") == b"small"
        assert sha1(await bucket.download_bytes("large.bin")) == sha1(payload(50_000, 1))
    secrets = {emulator.key, *seen_tokens}
    secrets |= {s.removeprefix("Bearer ").strip() for s in secrets}
    secrets = {s for s in secrets if len(s) >= 8}
    assert len(secrets) >= 4  # account token(s), upload token(s), download token, new key
    logs = "\n".join(f"{r.getMessage()} {r.args!r} {r.__dict__!r}" for r in caplog.records)
    assert caplog.records  # retries and re-authorization were logged
    blob = logs + "\n".join(reprs)
    for secret in secrets:
        assert secret not in blob
