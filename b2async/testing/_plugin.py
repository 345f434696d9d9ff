"""pytest plugin (registered through the ``pytest11`` entry point): B2 emulator fixtures.

Installed with b2async, so any test suite gets these fixtures without a ``conftest.py``:

* ``b2_emulator_options`` — keyword arguments for :class:`~b2async.testing.B2Emulator`
  (``{}`` by default, i.e. B2's real part sizes); override it in your ``conftest.py`` to get,
  e.g., tiny part sizes so large-file code paths run on kilobytes.
* ``b2_emulator`` — a fresh in-memory emulator per test.
* ``b2_client`` — an authorized-on-demand :class:`b2async.B2Client` wired to ``b2_emulator``
  through the in-process transport (no sockets). Async: use it from tests marked ``anyio``.
* ``b2_bucket`` — a fresh private bucket on ``b2_client`` per test.

Everything is imported lazily inside the fixtures so that loading the plugin costs nothing in
test suites that never use it.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from b2async._bucket import Bucket
    from b2async._client import B2Client
    from b2async.testing._emulator import B2Emulator

_bucket_numbers = itertools.count(1)


@pytest.fixture
def b2_emulator_options() -> dict[str, Any]:
    """Keyword arguments for the ``b2_emulator`` fixture's :class:`B2Emulator`.

    Override in a ``conftest.py``::

        @pytest.fixture
        def b2_emulator_options():
            return {"min_part_size": 5_000, "recommended_part_size": 10_000}
    """
    return {}


@pytest.fixture
def b2_emulator(b2_emulator_options: dict[str, Any]) -> B2Emulator:
    """A fresh, empty in-memory B2 account for one test."""
    from b2async.testing._emulator import B2Emulator

    return B2Emulator(**b2_emulator_options)


@pytest.fixture
async def b2_client(b2_emulator: B2Emulator) -> AsyncIterator[B2Client]:
    """A :class:`b2async.B2Client` on ``b2_emulator``'s in-process transport."""
    from b2async._client import B2Client

    http_client = b2_emulator.http_client()
    try:
        async with B2Client(
            b2_emulator.key_id,
            b2_emulator.key,
            realm=b2_emulator.realm,
            http_client=http_client,
        ) as client:
            yield client
    finally:
        await http_client.aclose()


@pytest.fixture
async def b2_bucket(b2_client: B2Client) -> Bucket:
    """A fresh private bucket (``allPrivate``) on ``b2_client``."""
    return await b2_client.create_bucket(f"test-bucket-{next(_bucket_numbers):06d}", "allPrivate")
