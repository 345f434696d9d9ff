"""Fixtures for the emulator's edges: a small-part-size emulator per test."""

from __future__ import annotations

import pytest

from b2async.testing._emulator import B2Emulator


@pytest.fixture
def emulator() -> B2Emulator:
    return B2Emulator(min_part_size=5_000, recommended_part_size=10_000)
