"""The per-request context handed to every endpoint handler, and its authorization checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from b2async.testing._wire import ApiError, Params, bad_request, unauthorized

if TYPE_CHECKING:
    from b2async.testing._messages import EmuRequest
    from b2async.testing._state import AccountToken, Bucket, State


@dataclass
class Call:
    """One routed request.

    Attributes:
        state: The emulator state.
        request: The raw request.
        endpoint: The ``b2_*`` endpoint name.
        version: API version number from the path (``/b2api/v3/`` -> 3).
        params: JSON body members or query parameters (``null`` dropped).
        base_url: ``scheme://host:port`` of the request; apiUrl/downloadUrl/upload URLs are
            built from it, so every front door gets URLs that route back to itself.
    """

    state: State
    request: EmuRequest
    endpoint: str
    version: int
    params: Params
    base_url: str
    _token: AccountToken | None = field(default=None, repr=False)

    @property
    def head(self) -> bool:
        """True for HEAD requests (error answers then carry no body)."""
        return self.request.method == "HEAD"

    def account(self) -> AccountToken:
        """Authenticate the account token in the ``Authorization`` header (spec 2.6)."""
        if self._token is None:
            self._token = authenticate(self.state, self.request.headers.get("authorization"))
        return self._token

    def require(self, capability: str) -> AccountToken:
        """Authenticate and require one capability (401 ``unauthorized`` otherwise)."""
        token = self.account()
        if capability not in token.key.capabilities:
            raise unauthorized()
        return token

    def caps(self) -> frozenset[str]:
        """Capabilities of the authenticated key (empty when unauthenticated)."""
        if self._token is None:
            return frozenset()
        return frozenset(self._token.key.capabilities)

    def bucket(self, bucket_id: str, *, code: str = "bad_bucket_id") -> Bucket:
        """Find a bucket the caller may use (restriction before existence, like B2)."""
        token = self.account()
        allowed = token.key.bucket_ids
        if allowed is not None and bucket_id not in allowed:
            raise unauthorized()
        bucket = self.state.buckets.get(bucket_id)
        if bucket is None:
            raise bad_request(f"Bucket {bucket_id} does not exist", code)
        return bucket

    def check_name(self, file_name: str) -> None:
        """Refuse names outside the key's ``namePrefix``."""
        prefix = self.account().key.name_prefix
        if prefix and not file_name.startswith(prefix):
            raise unauthorized()

    def check_prefix(self, prefix: str | None) -> None:
        """Listings by a prefix-restricted key must pass a prefix at least as narrow."""
        restriction = self.account().key.name_prefix
        if restriction and not (prefix or "").startswith(restriction):
            raise unauthorized()


def authenticate(state: State, header: str | None) -> AccountToken:
    """Resolve an account token; 401 with B2's codes when missing, unknown or expired."""
    if not header:
        raise ApiError(401, "missing_auth_token", "Authorization header required")
    token = state.tokens.get(header.strip())
    if token is None or (not token.key.master and token.key.key_id not in state.keys):
        raise ApiError(401, "bad_auth_token", "Invalid authorization token")
    if token.expired or state.now() >= token.expires_at:
        raise ApiError(401, "expired_auth_token", "Authorization token has expired")
    return token
