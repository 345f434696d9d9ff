"""Cancelling an upload over a real socket, with the http client B2Client makes itself.

On asyncio that client uses aiohttp's transport, which sends request bodies from a task of
its own; on trio, httpx's own transport sends them from the caller's task. Either way a
cancelled upload must end with nothing still reading the file and nothing left running.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import anyio
import anyio.lowlevel
import pytest

from b2async import B2Client
from b2async.testing import B2Emulator
from tests.transfer.test_cancel import _canceller, _task_count

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

pytestmark = pytest.mark.anyio

PART = 5_000_000


@pytest.mark.parametrize("after_bytes", [1, 3 * 1024 * 1024, 9 * 1024 * 1024])
async def test_cancel_large_file_upload_from_disk(tmp_path: Path, after_bytes: int) -> None:
    data = os.urandom(3 * PART + 12_345)
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    emulator = B2Emulator(min_part_size=PART, recommended_part_size=PART)
    async with (
        emulator.serve() as realm,
        B2Client(emulator.key_id, emulator.key, realm=realm) as b2,
    ):
        bucket = await b2.create_bucket("cancel-loopback")
        tasks_before = _task_count()
        with anyio.CancelScope() as scope:
            await bucket.upload_file(
                path, "big.bin", parts_in_flight=4, progress=_canceller(scope, after_bytes)
            )
        assert scope.cancelled_caught
        assert _task_count() == tasks_before
        assert emulator.calls["b2_cancel_large_file"] == 1
        assert [f async for f in bucket.list_unfinished_large_files()] == []
        # The client is still fine, and so is a new upload of the same file.
        version = await bucket.upload_file(path, "big.bin", parts_in_flight=4)
        assert version.content_length == len(data)
        assert await bucket.download_bytes("big.bin") == data


async def test_cancel_stream_upload(tmp_path: Path) -> None:
    data = os.urandom(3 * PART + 999)

    async def produce() -> AsyncIterator[bytes]:
        for start in range(0, len(data), 1 << 20):
            await anyio.lowlevel.checkpoint()
            yield data[start : start + (1 << 20)]

    emulator = B2Emulator(min_part_size=PART, recommended_part_size=PART)
    async with (
        emulator.serve() as realm,
        B2Client(emulator.key_id, emulator.key, realm=realm) as b2,
    ):
        bucket = await b2.create_bucket("cancel-stream")
        tasks_before = _task_count()
        with anyio.CancelScope() as scope:
            await bucket.upload_stream(
                produce(), "s.bin", parts_in_flight=2, progress=_canceller(scope, 7_000_000)
            )
        assert scope.cancelled_caught
        assert _task_count() == tasks_before
        assert emulator.calls["b2_cancel_large_file"] == 1
        version = await bucket.upload_stream(produce(), "s.bin", parts_in_flight=2)
        assert version.content_length == len(data)
        assert await bucket.download_bytes("s.bin") == data
