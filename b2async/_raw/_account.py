"""``b2_authorize_account``: the one call made with the application key itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

from b2async._models import Authorization

if TYPE_CHECKING:
    from pydantic import SecretStr

    from b2async._http import B2Http

__all__ = ["authorize_account"]


async def authorize_account(
    http: B2Http,
    realm: str,
    key_id: str,
    key: SecretStr,
    *,
    api_version: str = "v3",
) -> Authorization:
    """Exchange an application key for an account authorization.

    Args:
        http: the HTTP layer.
        realm: the authorization base URL, e.g. ``"https://api.backblazeb2.com"`` (checked by
            the session; this layer only builds the URL).
        key_id: the application key id.
        key: the application key (sent as HTTP Basic credentials, never logged).
        api_version: ``"v3"`` or ``"v4"``; v4 is needed for multi-bucket keys.

    Returns:
        The authorization (v2, v3 and v4 answer shapes all parse into it).
    """
    url = f"{realm.rstrip('/')}/b2api/{api_version}/b2_authorize_account"
    body = await http.authorize(url, key_id, key)
    return Authorization.model_validate_json(body)
