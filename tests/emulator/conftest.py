"""Fixtures for the emulator tests: plain httpx requests through ``emu.http_client()``.

These tests deliberately avoid b2async's own client so the emulator is checked against the
B2 spec independently of the code it is meant to test.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from b2async.testing import B2Emulator

from ._api import Api

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


@pytest.fixture
def emu() -> B2Emulator:
    return B2Emulator(min_part_size=100, recommended_part_size=1000)


@pytest.fixture
async def api(emu: B2Emulator) -> AsyncIterator[Api]:
    async with emu.http_client() as http:
        caller = Api(emu, http)
        response = await caller.authorize()
        assert response.status_code == 200
        yield caller
