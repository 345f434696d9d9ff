"""``b2_authorize_account``: one model for the v2, v3 and v4 answer shapes.

* v2 (flat): ``apiUrl``, ``downloadUrl``, … at the top, and
  ``allowed: {bucketId, bucketName, capabilities, namePrefix}``.
* v3: the URLs and sizes under ``apiInfo.storageApi`` together with
  ``bucketId``/``bucketName``/``capabilities``/``namePrefix``.
* v4: ``apiInfo.storageApi.allowed: {buckets: [{id, name}] | null, capabilities, namePrefix}``.

A ``mode="before"`` validator flattens all three into the same fields, with the restriction
always expressed as :class:`Allowed` (``buckets`` is a list, or ``None`` for "all buckets").
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, SecretStr, model_validator

from b2async._models._base import B2Model, Timestamp

__all__ = ["Allowed", "AllowedBucket", "Authorization", "DownloadAuthorization"]

_STORAGE_MEMBERS = (
    "apiUrl",
    "downloadUrl",
    "s3ApiUrl",
    "recommendedPartSize",
    "absoluteMinimumPartSize",
)
_LEGACY_RESTRICTION = ("bucketId", "bucketName", "capabilities", "namePrefix")


class AllowedBucket(B2Model):
    """A bucket a key is restricted to; ``name`` is ``None`` if the bucket was deleted."""

    id: str
    name: str | None = None


class Allowed(B2Model):
    """What the authorized key may do.

    Attributes:
        buckets: the buckets the key is restricted to, or ``None`` for every bucket.
        capabilities: capability names (opaque strings; B2 adds new ones).
        name_prefix: file-name prefix restriction, or ``None``.
    """

    buckets: list[AllowedBucket] | None = None
    capabilities: list[str] = Field(default_factory=list)
    name_prefix: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _single_bucket_shape(cls, data: Any) -> Any:
        # v2/v3 express a (single) bucket restriction as bucketId/bucketName.
        if isinstance(data, dict) and "buckets" not in data and "bucketId" in data:
            data = dict(data)
            bucket_id = data.pop("bucketId")
            bucket_name = data.pop("bucketName", None)
            data["buckets"] = (
                None if bucket_id is None else [{"id": bucket_id, "name": bucket_name}]
            )
        return data

    @property
    def bucket_ids(self) -> list[str] | None:
        """Ids of the allowed buckets, or ``None`` for every bucket."""
        return None if self.buckets is None else [bucket.id for bucket in self.buckets]

    def allows_bucket(self, bucket_id: str) -> bool:
        """Whether the key may touch the bucket with this id."""
        return self.buckets is None or any(bucket.id == bucket_id for bucket in self.buckets)


class Authorization(B2Model):
    """The answer of ``b2_authorize_account`` (any API version).

    ``authorization_token`` is a :class:`~pydantic.SecretStr`: it never shows in a repr.
    ``application_key_expiration_timestamp`` is ``None`` for keys that do not expire.
    """

    account_id: str
    authorization_token: SecretStr
    api_url: str
    download_url: str
    s3_api_url: str | None = None
    recommended_part_size: int
    absolute_minimum_part_size: int
    allowed: Allowed = Allowed()
    application_key_expiration_timestamp: Timestamp | None = None

    @model_validator(mode="before")
    @classmethod
    def _flatten_api_info(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "apiInfo" not in data:
            return data
        flat = {key: value for key, value in data.items() if key != "apiInfo"}
        storage = (data.get("apiInfo") or {}).get("storageApi") or {}
        for member in _STORAGE_MEMBERS:
            if member in storage:
                flat.setdefault(member, storage[member])
        if "allowed" not in flat:
            allowed = storage.get("allowed")
            if allowed is None:
                # v3: the restriction lives directly in storageApi.
                allowed = {k: storage[k] for k in _LEGACY_RESTRICTION if k in storage}
            flat["allowed"] = allowed
        return flat


class DownloadAuthorization(B2Model):
    """Answer of ``b2_get_download_authorization``; the token is secret."""

    bucket_id: str
    file_name_prefix: str
    authorization_token: SecretStr
