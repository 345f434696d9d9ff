"""The documented B2 response bodies (``b2-examples.json``) that the tests parse.

A copy lives in ``tests/data`` so the suite runs from any checkout; ``$B2ASYNC_EXAMPLES``
points the tests at another copy (e.g. a newer one from the B2 reference material).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

#: The copy kept with the tests.
BUNDLED = Path(__file__).resolve().parent / "data" / "b2-examples.json"


def examples_path() -> Path:
    """``$B2ASYNC_EXAMPLES`` or the bundled copy."""
    return Path(os.environ.get("B2ASYNC_EXAMPLES") or BUNDLED)


def load_examples() -> dict[str, Any]:
    """Every example, by endpoint name."""
    data: dict[str, Any] = json.loads(examples_path().read_text(encoding="utf-8"))
    return data
