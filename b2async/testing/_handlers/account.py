"""``b2_authorize_account``, shaped per API version (spec 2.2, 2.3)."""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Any

from b2async.testing._wire import ApiError

if TYPE_CHECKING:
    from b2async.testing._messages import EmuRequest
    from b2async.testing._state import AccountToken, AppKey, State


def _credentials(request: EmuRequest) -> tuple[str, str]:
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        raise ApiError(401, "unauthorized", "")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise ApiError(401, "unauthorized", "") from exc
    key_id, sep, secret = decoded.partition(":")
    if not sep:
        raise ApiError(401, "unauthorized", "")
    return key_id, secret


def authorize(state: State, request: EmuRequest, version: int, base_url: str) -> dict[str, Any]:
    """Check Basic credentials and issue an account token."""
    key_id, secret = _credentials(request)
    key = state.find_key(key_id)
    if key is None or key.secret != secret:
        raise ApiError(401, "unauthorized", "")
    if key.expiration_ms is not None and state.now_ms() >= key.expiration_ms:
        raise ApiError(401, "unauthorized", "application key has expired")
    if version < 4 and key.bucket_ids is not None and len(key.bucket_ids) > 1:
        raise ApiError(
            401,
            "unsupported",
            "applicationKeyId is valid, but cannot be used with this version of the B2 API",
        )
    token = state.issue_token(key)
    return _shape(state, token, key, version, base_url)


def _shape(
    state: State, token: AccountToken, key: AppKey, version: int, base_url: str
) -> dict[str, Any]:
    buckets = None
    if key.bucket_ids is not None:
        buckets = [
            {"id": bid, "name": b.name if (b := state.buckets.get(bid)) else None}
            for bid in key.bucket_ids
        ]
    first = buckets[0] if buckets else {"id": None, "name": None}
    urls: dict[str, Any] = {
        "apiUrl": base_url,
        "downloadUrl": base_url,
        "s3ApiUrl": base_url,
        "recommendedPartSize": state.recommended_part_size,
        "absoluteMinimumPartSize": state.min_part_size,
    }
    body: dict[str, Any] = {
        "accountId": state.account_id,
        "authorizationToken": token.token,
        "applicationKeyExpirationTimestamp": key.expiration_ms,
    }
    if version <= 2:
        body.update(urls)
        body["minimumPartSize"] = state.recommended_part_size
        body["allowed"] = {
            "bucketId": first["id"],
            "bucketName": first["name"],
            "capabilities": list(key.capabilities),
            "namePrefix": key.name_prefix,
        }
    elif version == 3:
        body["apiInfo"] = {
            "storageApi": {
                "infoType": "storageApi",
                **urls,
                "bucketId": first["id"],
                "bucketName": first["name"],
                "capabilities": list(key.capabilities),
                "namePrefix": key.name_prefix,
            }
        }
    else:
        body["apiInfo"] = {
            "storageApi": {
                **urls,
                "allowed": {
                    "buckets": buckets,
                    "capabilities": list(key.capabilities),
                    "namePrefix": key.name_prefix,
                },
            }
        }
    return body
