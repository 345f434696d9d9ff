"""Scale of upload bodies: streamed into storage with SHA-1 computed incrementally.

Issue 3 asks that upload bodies are never buffered quadratically and that a 2 GiB large file
works.  These tests drive raw httpx calls through the in-process transport with bodies produced
lazily by async generators, so neither side ever holds a whole body in one ``bytes``:

* a 50 MB simple upload whose peak traced memory stays near 1x its size (the stored chunks)
  and whose stored chunk list is exactly the chunks sent (appended, never concatenated);
* a 2 GiB large file (``slow``) uploaded as 100 MiB parts with ``hex_digits_at_end`` (the SHA-1
  is computed as the part streams), then streamed back and compared by SHA-1.
"""

from __future__ import annotations

import hashlib
import random
import tracemalloc
from typing import TYPE_CHECKING

import pytest

from b2async.testing import B2Emulator

from ._api import Api

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

pytestmark = pytest.mark.anyio

MIB = 1 << 20
_BASE = random.Random(1234).randbytes(MIB)


def _chunk(index: int) -> bytes:
    """Chunk ``index`` of the test content: 1 MiB, distinct per index (so order matters)."""
    return index.to_bytes(8, "big") + _BASE[8:]


async def _body(
    first: int, count: int, whole: hashlib._Hash, *, tail: bool = False
) -> AsyncIterator[bytes]:
    """Yield chunks ``first .. first+count-1`` while hashing them (and the part's SHA-1 at end)."""
    part = hashlib.sha1()
    for index in range(first, first + count):
        chunk = _chunk(index)
        part.update(chunk)
        whole.update(chunk)
        yield chunk
    if tail:
        yield part.hexdigest().encode()


async def _download_sha1(api: Api, url: str) -> tuple[str, int, int]:
    """Stream a download and return (SHA-1, bytes seen, number of chunks)."""
    digest = hashlib.sha1()
    seen = chunks = 0
    async with api.http.stream("GET", url, headers={"Authorization": api.token}) as response:
        assert response.status_code == 200, await response.aread()
        assert int(response.headers["content-length"]) > 0
        async for chunk in response.aiter_raw():
            digest.update(chunk)
            seen += len(chunk)
            chunks += 1
    return digest.hexdigest(), seen, chunks


async def test_fifty_megabyte_upload_is_stored_chunk_by_chunk(api: Api) -> None:
    bucket_id = await api.bucket()
    count = 50
    whole = hashlib.sha1()
    expected = hashlib.sha1(b"".join(_chunk(i) for i in range(count))).hexdigest()
    tracemalloc.start()
    try:
        response = await api.upload_raw(
            bucket_id,
            "fifty.bin",
            _body(0, count, whole),
            headers={"X-Bz-Content-Sha1": expected, "Content-Length": str(count * MIB)},
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["contentSha1"] == expected == whole.hexdigest()
    assert body["contentLength"] == count * MIB
    # The emulator keeps the chunks as received: one list entry per chunk sent, no join.
    stored = api.emu.state.versions[body["fileId"]].chunks
    assert [len(chunk) for chunk in stored] == [MIB] * count
    assert stored[7][:8] == (7).to_bytes(8, "big")
    # Holding the stored body costs 1x; a quadratic or double buffer would cost >= 2x.
    assert peak < 1.3 * count * MIB, peak
    url = f"{api.api_url}/file/test-bucket/fifty.bin"
    assert await _download_sha1(api, url) == (expected, count * MIB, count)


TWO_GIB = 2 << 30
PART_CHUNKS = 100  # 100 MiB parts; the last one is the remainder (48 MiB)


@pytest.fixture
async def default_api() -> AsyncIterator[Api]:
    """An authorized caller on an emulator with B2's own (default) part sizes."""
    emu = B2Emulator(seed=3)
    async with emu.http_client() as http:
        caller = Api(emu, http)
        assert (await caller.authorize()).status_code == 200
        yield caller


@pytest.mark.slow
async def test_two_gib_large_file_round_trip(default_api: Api) -> None:
    api = default_api
    bucket_id = await api.bucket("huge-bucket")
    start = await api.ok(
        "b2_start_large_file",
        bucketId=bucket_id,
        fileName="two-gib.bin",
        contentType="application/octet-stream",
    )
    file_id = start["fileId"]
    part_url = await api.ok("b2_get_upload_part_url", fileId=file_id)
    whole = hashlib.sha1()
    total_chunks = TWO_GIB // MIB
    part_sha1s: list[str] = []
    for number, first in enumerate(range(0, total_chunks, PART_CHUNKS), start=1):
        count = min(PART_CHUNKS, total_chunks - first)
        response = await api.http.post(
            part_url["uploadUrl"],
            headers={
                "Authorization": part_url["authorizationToken"],
                "X-Bz-Part-Number": str(number),
                "X-Bz-Content-Sha1": "hex_digits_at_end",
                "Content-Length": str(count * MIB + 40),
            },
            content=_body(first, count, whole, tail=True),
        )
        assert response.status_code == 200, response.text
        assert response.json()["contentLength"] == count * MIB
        part_sha1s.append(response.json()["contentSha1"])
    assert len(part_sha1s) == 21
    finished = await api.ok("b2_finish_large_file", fileId=file_id, partSha1Array=part_sha1s)
    assert finished["contentLength"] == TWO_GIB
    assert finished["action"] == "upload"
    url = f"{api.api_url}/file/huge-bucket/two-gib.bin"
    digest, seen, _ = await _download_sha1(api, url)
    assert seen == TWO_GIB
    assert digest == whole.hexdigest()
    # A ranged read across the boundary of parts 1 and 2 returns exactly those bytes.
    boundary = PART_CHUNKS * MIB
    response = await api.http.get(
        url, headers={"Authorization": api.token, "Range": f"bytes={boundary - 4}-{boundary + 3}"}
    )
    assert response.status_code == 206
    assert response.content == _chunk(PART_CHUNKS - 1)[-4:] + _chunk(PART_CHUNKS)[:4]
    # Deleting the version releases its 2 GiB now rather than whenever the emulator is collected.
    await api.ok("b2_delete_file_version", fileId=file_id, fileName="two-gib.bin")
    assert api.emu.file_versions(bucket_id) == []
