"""The pytest plugin's fixtures, used exactly as a downstream test suite would use them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from b2async.testing._emulator import B2Emulator

if TYPE_CHECKING:
    from b2async._bucket import Bucket
    from b2async._client import B2Client


def test_plugin_is_loaded_through_the_entry_point(pytestconfig: pytest.Config) -> None:
    plugin = pytestconfig.pluginmanager.get_plugin("b2async")
    assert plugin is not None
    assert plugin.__name__ == "b2async.testing._plugin"


def test_default_emulator_uses_b2_part_sizes(b2_emulator: B2Emulator) -> None:
    assert isinstance(b2_emulator, B2Emulator)
    assert sum(b2_emulator.calls.values()) == 0


def test_each_test_gets_a_fresh_emulator(b2_emulator: B2Emulator) -> None:
    assert sum(b2_emulator.calls.values()) == 0
    assert not b2_emulator.faults.injected


@pytest.mark.anyio
async def test_default_part_sizes_are_b2s(b2_client: B2Client) -> None:
    auth = await b2_client.authorize()
    assert auth.absolute_minimum_part_size == 5_000_000
    assert auth.recommended_part_size == 100_000_000


@pytest.mark.anyio
class TestOverriddenOptions:
    @pytest.fixture
    def b2_emulator_options(self) -> dict[str, Any]:
        return {"min_part_size": 6_000, "recommended_part_size": 12_000}

    async def test_options_reach_the_emulator(self, b2_client: B2Client) -> None:
        auth = await b2_client.authorize()
        assert auth.absolute_minimum_part_size == 6_000
        assert auth.recommended_part_size == 12_000

    async def test_bucket_fixture_is_a_fresh_private_bucket(
        self, b2_client: B2Client, b2_bucket: Bucket, b2_emulator: B2Emulator
    ) -> None:
        assert b2_bucket.type == "allPrivate"
        assert b2_bucket.name.startswith("test-bucket-")
        buckets = await b2_client.list_buckets()
        assert [bucket.name for bucket in buckets] == [b2_bucket.name]
        assert b2_emulator.calls["b2_create_bucket"] == 1
