"""Transfer engine (placeholder until the engine lands)."""

from __future__ import annotations

from typing import Any


class TransferManager:
    """Per-client transfer state (upload-URL pools, limiters)."""

    def __init__(self, session: Any) -> None:
        self._session = session

    async def aclose(self) -> None:
        """Release pooled resources."""


class BucketTransfers:
    """Mixin of the transfer verbs for ``Bucket``."""


__all__ = ["BucketTransfers", "TransferManager"]
