"""Named defaults and the retry policy.

Every tunable number b2async uses lives here under a name, so that the other modules never
carry magic constants and users can read the defaults in one place.
"""

from __future__ import annotations

import math
import platform
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

import httpx

from b2async._errors import B2ConfigurationError

__all__ = [
    "DEFAULT_API_VERSION",
    "DEFAULT_DOWNLOAD_SEGMENTS",
    "DEFAULT_PARTS_IN_FLIGHT",
    "DEFAULT_REALM",
    "DEFAULT_TIMEOUT",
    "DEFAULT_UPLOAD_CONCURRENCY",
    "MAX_UPLOAD_ATTEMPTS",
    "USER_AGENT",
    "RetryPolicy",
]


def _version(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:  # pragma: no cover - running from a bare source tree
        return "unknown"


#: Where ``b2_authorize_account`` is called unless another realm is given.
DEFAULT_REALM = "https://api.backblazeb2.com"

#: The native API version used for every call (v3 and v4 differ only in authorize/keys).
DEFAULT_API_VERSION = "v3"

#: Connect quickly or fail; allow slow reads/writes (large parts, server-side copies).
#: ``pool=None``: waiting for a free connection is bounded by the caller's concurrency limits.
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=120.0, write=120.0, pool=None)

#: Backblaze asks integrations to identify themselves.
USER_AGENT = (
    f"b2async/{_version('b2async')} python/{platform.python_version()} httpx/{httpx.__version__}"
)

#: Small files uploaded at once by ``upload_many`` / ``upload_directory``.
DEFAULT_UPLOAD_CONCURRENCY = 16

#: Parts of one large file uploaded at once.
DEFAULT_PARTS_IN_FLIGHT = 4

#: Parallel ranged requests used by ``download_to_file``.
DEFAULT_DOWNLOAD_SEGMENTS = 4

#: Upload attempts per small file or part, each with a fresh upload URL (B2 recommends ~5).
MAX_UPLOAD_ATTEMPTS = 5


@dataclass(frozen=True)
class RetryPolicy:
    """How retryable failures (408, 429, 5xx, transport errors) are retried.

    Delays use exponential backoff with full jitter: before retry ``n`` (1-based) the delay is
    drawn uniformly from ``[0, min(max_backoff, initial_backoff * multiplier ** (n - 1))]``.
    A ``Retry-After`` sent by B2 replaces the backoff when ``honour_retry_after`` is set,
    capped at ``max_retry_after`` seconds.

    Attributes:
        max_attempts: total attempts including the first; ``1`` disables retries.
        initial_backoff: ceiling of the first delay, in seconds.
        multiplier: growth of the ceiling per attempt.
        max_backoff: largest ceiling, in seconds (B2 documents backing off up to 64 s).
        honour_retry_after: use B2's ``Retry-After`` instead of the backoff when present.
        max_retry_after: the longest ``Retry-After`` obeyed, in seconds.

    Raises:
        B2ConfigurationError: a value is out of range.
    """

    max_attempts: int = 5
    initial_backoff: float = 1.0
    multiplier: float = 2.0
    max_backoff: float = 64.0
    honour_retry_after: bool = True
    max_retry_after: float = 300.0

    def __post_init__(self) -> None:
        if isinstance(self.max_attempts, bool) or not isinstance(self.max_attempts, int):
            raise B2ConfigurationError("RetryPolicy.max_attempts must be an int")
        if self.max_attempts < 1:
            raise B2ConfigurationError("RetryPolicy.max_attempts must be at least 1")
        for name in ("initial_backoff", "max_backoff", "max_retry_after"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
                raise B2ConfigurationError(f"RetryPolicy.{name} must be a finite number >= 0")
        if not (math.isfinite(self.multiplier) and self.multiplier >= 1):
            raise B2ConfigurationError("RetryPolicy.multiplier must be a finite number >= 1")
