"""The fast paths of bulk small uploads give the same results as the plain paths.

Covers: the ASCII shortcut of ``encode_b2``, ``_raw.upload_file(validated=True)`` (skips only
the checks the engine already ran), batched small-file reads in ``upload_many`` (one thread
hop for many files; errors still land in the right outcome), and the batch's URL count being
bounded by its concurrency (a limiter slot is taken before a URL).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING
from urllib.parse import quote

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from b2async._encoding import encode_b2
from b2async._errors import B2ValidationError
from b2async._models import UploadUrl
from b2async._raw import upload_file
from b2async._transfer._sources import (
    WHOLE_READ_LIMIT,
    BytesSource,
    PathSource,
    load_small_files,
    open_source,
)
from tests.transfer.conftest import payload, sha1

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.anyio


@given(st.text())
def test_encode_b2_fast_path_matches_quote(text: str) -> None:
    try:
        expected = quote(text.encode("utf-8"), safe="/")
    except UnicodeEncodeError:
        with pytest.raises(UnicodeEncodeError):
            encode_b2(text)
        return
    assert encode_b2(text) == expected


@given(st.text(alphabet="abcXYZ019-._~/ +%é\n"))
def test_encode_b2_near_the_safe_set(text: str) -> None:
    assert encode_b2(text) == quote(text.encode("utf-8"), safe="/")


def test_encode_b2_examples() -> None:
    assert encode_b2("photos/2026/img_0001.jpg") == "photos/2026/img_0001.jpg"
    assert encode_b2("a b+c") == "a%20b%2Bc"
    assert encode_b2("") == ""


class _Recorder(httpx.AsyncBaseTransport):
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        body = (
            b'{"fileId":"4_z1","fileName":"x","contentLength":3,"contentSha1":"'
            + request.headers["X-Bz-Content-Sha1"].encode()
            + b'","action":"upload","uploadTimestamp":1700000000000}'
        )
        return httpx.Response(200, content=body)


def _url() -> UploadUrl:
    return UploadUrl.model_validate(
        {"bucketId": "b", "uploadUrl": "https://u.example/up", "authorizationToken": "tok"}
    )


async def test_validated_upload_sends_the_same_headers() -> None:
    from b2async._http import B2Http

    transport = _Recorder()
    async with httpx.AsyncClient(transport=transport) as client:
        http = B2Http(client)
        data = b"abc"
        for validated in (False, True):
            fv = await upload_file(
                http,
                _url(),
                file_name="dir/naïve name.txt",
                content=data,
                content_length=3,
                sha1=sha1(data),
                file_info={"color": "blue green"},
                validated=validated,
            )
            assert fv.content_sha1 == sha1(data)
        first, second = transport.requests
        assert dict(first.headers) == dict(second.headers)
        assert first.headers["X-Bz-File-Name"] == "dir/na%C3%AFve%20name.txt"
        assert first.headers["X-Bz-Info-color"] == "blue%20green"
        # The SHA-1 and length checks run even for validated input, before any request.
        with pytest.raises(B2ValidationError):
            await upload_file(
                http,
                _url(),
                file_name="x",
                content=data,
                content_length=3,
                sha1="nope",
                validated=True,
            )
        with pytest.raises(B2ValidationError):
            await upload_file(
                http, _url(), file_name="x", content=data, content_length=4, sha1=sha1(data)
            )
        assert len(transport.requests) == 2


def test_load_small_files(tmp_path: Path) -> None:
    small = tmp_path / "small.bin"
    small.write_bytes(payload(1000, 1))
    empty = tmp_path / "empty.bin"
    empty.write_bytes(b"")
    loaded = load_small_files([small, tmp_path / "missing.bin", tmp_path, str(empty)])
    first, missing, directory, nothing = loaded
    assert isinstance(first, BytesSource)
    assert first.data == small.read_bytes()
    assert missing is None
    assert directory is None
    assert isinstance(nothing, BytesSource)
    assert nothing.size == 0


async def test_open_source_reads_small_paths_in_one_go(tmp_path: Path) -> None:
    data = payload(5000, 2)
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    source = await open_source(path)
    assert isinstance(source, BytesSource)
    assert await source.read_hashed(0, len(data)) == (data, sha1(data))
    assert await source.sha1() == sha1(data)
    assert await source.read_hashed(10, 20) == (data[10:30], sha1(data[10:30]))
    # A ready range source is taken as is.
    assert await open_source(source) is source


async def test_path_source_open_keeps_the_descriptor(tmp_path: Path) -> None:
    data = payload(3000, 3)
    path = tmp_path / "g.bin"
    path.write_bytes(data)
    source = await PathSource.open(path)
    try:
        assert source.size == len(data)
        assert b"".join([c async for c in source.chunks(0, len(data))]) == data
        assert await source.read_hashed(100, 200) == (
            data[100:300],
            hashlib.sha1(data[100:300]).hexdigest(),
        )
    finally:
        await source.aclose()
    assert WHOLE_READ_LIMIT >= 1024 * 1024


async def test_upload_many_paths_batched_reads(bucket, emulator, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    files = {}
    items: list[tuple[object, str]] = []
    for index in range(30):
        data = payload(100 + index * 37, index)
        path = tmp_path / f"f{index:03d}.bin"
        path.write_bytes(data)
        files[f"p/{index:03d}"] = data
        items.append((path if index % 2 else str(path), f"p/{index:03d}"))
    items.insert(7, (tmp_path / "does-not-exist.bin", "p/missing"))
    items.insert(12, (tmp_path, "p/directory"))
    outcomes = await bucket.upload_many(items, concurrency=4)
    assert [o.item.file_name for o in outcomes] == [name for _, name in items]
    # The original items are reported, not the loaded buffers.
    assert [o.item.source for o in outcomes] == [source for source, _ in items]
    failed = {o.item.file_name: o.error for o in outcomes if not o.ok}
    assert set(failed) == {"p/missing", "p/directory"}
    assert isinstance(failed["p/missing"], FileNotFoundError)
    assert isinstance(failed["p/directory"], OSError)
    for outcome in outcomes:
        if outcome.ok:
            expected = files[outcome.item.file_name]
            assert outcome.file_version.content_sha1 == sha1(expected)
            assert outcome.file_version.content_length == len(expected)
    assert emulator.calls["b2_upload_file"] == 30
    # A limiter slot is taken before an upload URL: never more URLs than concurrency.
    assert emulator.calls["b2_get_upload_url"] <= 4


async def test_upload_many_async_items_keep_order(bucket) -> None:  # type: ignore[no-untyped-def]
    data = {f"a/{i:02d}": payload(50 + i, i) for i in range(20)}

    async def items():  # type: ignore[no-untyped-def]
        for name, content in data.items():
            yield content, name

    outcomes = await bucket.upload_many(items(), concurrency=3)
    assert [o.item.file_name for o in outcomes] == list(data)
    assert all(o.ok for o in outcomes)
    assert [o.file_version.content_sha1 for o in outcomes] == [sha1(d) for d in data.values()]


async def test_path_source_sha1_reads_in_place(tmp_path: Path) -> None:
    from b2async._transfer import _sources

    data = payload(3 * _sources.READ_BLOCK + 12345, 4)
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    source = await PathSource.open(path)
    try:
        assert await source.sha1() == sha1(data)
        start, length = _sources.READ_BLOCK - 7, _sources.READ_BLOCK + 100
        assert await source.sha1(start, length) == sha1(data[start : start + length])
        assert await source.sha1(5, 0) == sha1(b"")
        path.write_bytes(data[:1000])  # the file shrinks under us
        with pytest.raises(OSError, match="shrank"):
            await source.sha1()
    finally:
        await source.aclose()


class _UploadHeaders(httpx.AsyncBaseTransport):
    """Records the ``X-Bz-Content-Sha1`` header of every upload, by file name."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.sha1_headers: dict[str, str] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if "x-bz-file-name" in request.headers:
            name = request.headers["x-bz-file-name"]
            self.sha1_headers[name] = request.headers["x-bz-content-sha1"]
        return await self.inner.handle_async_request(request)


async def test_upload_many_reads_only_files_of_one_block_whole(tmp_path: Path) -> None:
    # Files up to one read block (1 MiB) are read and hashed whole, in one thread hop, and
    # sent with their digest; bigger ones are streamed with the digest at the end. So the
    # batch holds about one block per worker whatever the file sizes (at 8 MiB, 64 workers
    # could hold a GiB of file contents).
    from b2async._client import B2Client
    from b2async._http_client import LeanAsyncClient
    from b2async._transfer._sources import READ_BLOCK
    from b2async.testing import B2Emulator

    emulator = B2Emulator()  # real part sizes: every file here is a single-part upload
    sizes = {"block.bin": READ_BLOCK, "small.bin": 16_384, "bigger.bin": READ_BLOCK + 1}
    items = []
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(payload(size, size % 97))
        items.append((tmp_path / name, name))
    recorder = _UploadHeaders(emulator.transport())
    async with (
        LeanAsyncClient(transport=recorder) as http,
        B2Client(emulator.key_id, emulator.key, realm=emulator.realm, http_client=http) as b2,
    ):
        bucket = await b2.create_bucket("whole-reads")
        outcomes = await bucket.upload_many(items, concurrency=2)
        assert all(o.ok for o in outcomes)
        for name in sizes:
            assert await bucket.download_bytes(name) == (tmp_path / name).read_bytes()
    assert recorder.sha1_headers["small.bin"] == sha1((tmp_path / "small.bin").read_bytes())
    assert recorder.sha1_headers["block.bin"] == sha1((tmp_path / "block.bin").read_bytes())
    assert recorder.sha1_headers["bigger.bin"] == "hex_digits_at_end"
