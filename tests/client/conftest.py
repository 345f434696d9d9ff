"""Fixtures for the client/bucket tests: a fresh in-process emulator per test."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from b2async._client import B2Client
from b2async._retry import sleeps_disabled

from ._support import unique_bucket_name

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    import httpx

    from b2async._bucket import Bucket
    from b2async.testing import B2Emulator


@pytest.fixture(autouse=True)
def _no_retry_sleeps() -> Iterator[None]:
    with sleeps_disabled():
        yield


@pytest.fixture
def emulator() -> B2Emulator:
    from b2async.testing import B2Emulator

    return B2Emulator()


@pytest.fixture
async def http_client(emulator: B2Emulator) -> AsyncIterator[httpx.AsyncClient]:
    async with emulator.http_client() as client:
        yield client


@pytest.fixture
async def client(emulator: B2Emulator, http_client: httpx.AsyncClient) -> AsyncIterator[B2Client]:
    async with B2Client(
        emulator.key_id, emulator.key, realm=emulator.realm, http_client=http_client
    ) as b2:
        yield b2


@pytest.fixture
async def bucket(client: B2Client) -> Bucket:
    return await client.create_bucket(unique_bucket_name())
