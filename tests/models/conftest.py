"""Fixtures for the model tests: the shared B2 response examples."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest


def examples_path() -> Path:
    """``$B2ASYNC_EXAMPLES`` or ``<repo>/../shared/b2-examples.json``."""
    override = os.environ.get("B2ASYNC_EXAMPLES")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2].parent / "shared" / "b2-examples.json"


@pytest.fixture(scope="session")
def examples() -> dict[str, Any]:
    with examples_path().open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data
