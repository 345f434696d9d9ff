from __future__ import annotations

import pytest

from tests.transfer.conftest import payload, sha1

pytestmark = pytest.mark.anyio


async def test_upload_bytes_and_download(bucket) -> None:
    data = payload(1000)
    fv = await bucket.upload_bytes(data, "a/b.txt", file_info={"k": "v"})
    assert fv.content_sha1 == sha1(data)
    assert await bucket.download_bytes("a/b.txt") == data


async def test_large_bytes(bucket) -> None:
    data = payload(65_000)
    fv = await bucket.upload_bytes(data, "big")
    assert fv.content_length == len(data)
    assert fv.large_file_sha1 == sha1(data)
    assert await bucket.download_bytes("big") == data
