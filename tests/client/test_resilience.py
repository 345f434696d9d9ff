"""The client's verbs ride on the session: retries, re-authorization, typed final errors."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from b2async import _raw
from b2async._errors import ServiceUnavailable
from b2async.testing import Fault

from ._support import put_files

if TYPE_CHECKING:
    from b2async._bucket import Bucket
    from b2async._client import B2Client
    from b2async.testing import B2Emulator

pytestmark = pytest.mark.anyio


async def test_transient_503s_are_retried(
    emulator: B2Emulator, client: B2Client, bucket: Bucket
) -> None:
    await put_files(bucket, [(f"r{i}", b"x") for i in range(5)])
    emulator.faults.add("b2_list_file_names", Fault(kind="status", status=503), times=2)
    before = emulator.calls["b2_list_file_names"]
    names = [v.file_name async for v in bucket.list_file_names(page_size=2)]
    assert names == [f"r{i}" for i in range(5)]
    assert emulator.calls["b2_list_file_names"] - before == 3 + 2


async def test_persistent_503_ends_in_the_typed_error(
    emulator: B2Emulator, client: B2Client
) -> None:
    emulator.faults.add("b2_list_buckets", Fault(kind="status", status=503))
    with pytest.raises(ServiceUnavailable):
        await client.list_buckets()
    assert emulator.calls["b2_list_buckets"] == 5  # RetryPolicy().max_attempts


async def test_expired_token_reauthorizes_once(
    emulator: B2Emulator, client: B2Client, bucket: Bucket
) -> None:
    assert emulator.calls["b2_authorize_account"] == 1
    emulator.advance_clock(25 * 3600)  # account tokens live 24 hours
    (listed,) = await client.list_buckets()
    assert listed.id == bucket.id
    assert emulator.calls["b2_authorize_account"] == 2


async def test_unfinished_large_files_listing(client: B2Client, bucket: Bucket) -> None:
    session = client._session
    started = [
        await session.call(_raw.start_large_file, bucket_id=bucket.id, file_name=name)
        for name in ["big/a", "big/b", "other/c", "big/d", "big/e"]
    ]
    listed = [v async for v in bucket.list_unfinished_large_files(page_size=2)]
    assert [v.file_id for v in listed] == [v.file_id for v in started]
    assert {v.action for v in listed} == {"start"}
    big = [v.file_name async for v in bucket.list_unfinished_large_files(prefix="big/")]
    assert big == ["big/a", "big/b", "big/d", "big/e"]
    # Unfinished large files never appear among the file names.
    assert [v async for v in bucket.list_file_names()] == []
