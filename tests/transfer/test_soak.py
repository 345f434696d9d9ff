"""A randomized fault soak over a real socket, with the http client B2Client makes itself.

Files of mixed sizes (empty, tiny, multi-part from memory, multi-part streamed from disk) go
through ``upload_many`` while the served emulator answers 500 / 503, drops connections, stalls
past the client's timeout and expires tokens at random; then every name must be listed and a
sample of files must download byte-identical, whole and in segments. On asyncio this runs the
aiohttp fast path, on trio httpx's own transport.

One seed per backend runs in the default suite (a few seconds). ``B2ASYNC_SOAK_SEEDS=N`` runs N
seeds, as ``nox -s soak`` does.
"""

from __future__ import annotations

import os
import random
from typing import TYPE_CHECKING

import pytest

from b2async import B2Client, RetryPolicy
from b2async.testing import B2Emulator, Fault

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.anyio

SEEDS = range(int(os.environ.get("B2ASYNC_SOAK_SEEDS", "1")))
PART = 300_000
_SIZES = (0, 1, 1_000, 70_000, 500_000, 1_100_000)
#: Large enough to be uploaded in parts streamed from the file on disk.
_STREAMED = 9_000_000
_FAULTY = (
    "b2_upload_file",
    "b2_upload_part",
    "b2_get_upload_url",
    "b2_get_upload_part_url",
    "b2_start_large_file",
    "b2_finish_large_file",
    "b2_download_file_by_name",
    "b2_download_file_by_id",
    "b2_list_file_names",
)


def _faults(emulator: B2Emulator, rnd: random.Random) -> None:
    for endpoint in _FAULTY:
        emulator.faults.add(endpoint, Fault.error(503), probability=0.08)
        emulator.faults.add(endpoint, Fault.error(500), probability=0.02)
        emulator.faults.add(endpoint, Fault.dropped(), probability=0.08)
        emulator.faults.add(endpoint, Fault.stalled(6.0), probability=0.01)
    # An expiry invalidates the token for every call in flight; B2 tokens live for a day, so
    # a couple per run is already far more than real life.
    for endpoint in rnd.sample(_FAULTY, 2):
        emulator.faults.add(endpoint, Fault.expired_token(), times=1, after=rnd.randrange(5, 60))


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
async def test_fault_soak_loses_nothing(anyio_backend: str, tmp_path: Path, seed: int) -> None:
    rnd = random.Random(seed)
    files: dict[str, tuple[Path, bytes]] = {}
    for index in range(120):
        size = _STREAMED if index % 40 == 0 else rnd.choice(_SIZES)
        data = rnd.randbytes(size)
        path = tmp_path / f"f{index}"
        path.write_bytes(data)
        files[f"soak/{index:03d}"] = (path, data)
    emulator = B2Emulator(min_part_size=200_000, recommended_part_size=PART, seed=seed)
    async with (
        emulator.serve() as realm,
        B2Client(
            emulator.key_id,
            emulator.key,
            realm=realm,
            # Short enough that a stalled answer costs seconds, not the default minutes; long
            # enough that a busy machine does not time out answers that are not stalled.
            timeout=2.5,
            # About one request in five fails here, against well under 1 % on B2: with the
            # default 5 attempts, some upload out of hundreds would run out of them by chance
            # (0.2**5 each). 12 attempts make that ~4e-9.
            retry=RetryPolicy(max_attempts=12),
        ) as b2,
    ):
        bucket = await b2.create_bucket(f"soak-{seed}")
        _faults(emulator, rnd)
        outcomes = await bucket.upload_many(
            [(path, name) for name, (path, _) in files.items()], concurrency=24
        )
        assert [(o.item, o.error) for o in outcomes if o.error is not None] == []
        listed = {v.file_name: v async for v in bucket.list_file_names()}
        assert sorted(listed) == sorted(files)
        for name in rnd.sample(sorted(files), 25):
            data = files[name][1]
            assert listed[name].content_length == len(data)
            assert await bucket.download_bytes(name) == data
            target = tmp_path / "downloaded"
            await bucket.download_to_file(name, target, segments=3)
            assert target.read_bytes() == data
        assert len(emulator.faults.injected) > 20  # the run did meet faults
