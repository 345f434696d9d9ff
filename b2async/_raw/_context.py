"""What every raw JSON-endpoint coroutine needs to make its call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import SecretStr

    from b2async._http import B2Http


@dataclass(frozen=True, slots=True)
class ApiContext:
    """The current authorization as the raw layer sees it.

    Built by the session for each attempt; ``generation`` says which authorization the token
    came from, so that concurrent failures re-authorize only once.
    """

    http: B2Http
    api_url: str
    download_url: str
    account_id: str
    token: SecretStr
    generation: int = 0
    api_version: str = "v3"

    def url(self, endpoint: str) -> str:
        """The URL of a JSON endpoint, e.g. ``ctx.url("b2_list_buckets")``."""
        return f"{self.api_url}/b2api/{self.api_version}/{endpoint}"
