"""Scale: 100 000 files listed in pages of 1 000 through the in-process transport.

The 100 000 versions are inserted once per module through the state API (fast setup) and
listed over HTTP under each backend.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from b2async.testing import B2Emulator

from ._api import Api

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

pytestmark = pytest.mark.anyio

COUNT = 100_000
HIDDEN = range(0, COUNT, 1000)


def _name(i: int) -> str:
    return f"dir{i % 7}/file-{i:06d}"


@pytest.fixture(scope="module")
def big_emu() -> B2Emulator:
    emu = B2Emulator()
    bucket_id = emu.create_bucket("big-bucket")
    for i in range(COUNT):
        emu.put_file(bucket_id, _name(i))
    return emu


@pytest.fixture
async def big_api(big_emu: B2Emulator) -> AsyncIterator[Api]:
    async with big_emu.http_client() as http:
        caller = Api(big_emu, http)
        assert (await caller.authorize()).status_code == 200
        yield caller


async def test_hundred_thousand_files_in_pages(big_api: Api, big_emu: B2Emulator) -> None:
    bucket_id = big_emu.bucket("big-bucket").bucket_id
    # Hidden names spread through the bucket must be skipped without breaking paging.
    for i in HIDDEN:
        if big_emu.bucket(bucket_id).index.visible_version(_name(i)) is not None:
            await big_api.ok("b2_hide_file", bucketId=bucket_id, fileName=_name(i))
    before = big_emu.calls["b2_list_file_names"]
    names: list[str] = []
    start: str | None = None
    while True:
        body = await big_api.ok(
            "b2_list_file_names", bucketId=bucket_id, startFileName=start, maxFileCount=1000
        )
        assert len(body["files"]) <= 1000
        names += [f["fileName"] for f in body["files"]]
        start = body["nextFileName"]
        if start is None:
            break
    hidden = {_name(i) for i in HIDDEN}
    assert names == sorted(_name(i) for i in range(COUNT) if _name(i) not in hidden)
    pages = big_emu.calls["b2_list_file_names"] - before
    assert pages == len(names) // 1000 + 1
