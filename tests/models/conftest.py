"""Fixtures for the model tests: the shared B2 response examples."""

from __future__ import annotations

from typing import Any

import pytest

from tests._examples import load_examples


@pytest.fixture(scope="session")
def examples() -> dict[str, Any]:
    return load_examples()
