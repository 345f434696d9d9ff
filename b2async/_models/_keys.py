"""Application keys: the key object of create/list/delete and the list page.

v3 key objects carry ``bucketId`` (one bucket or ``null``), v4 ones ``bucketIds`` (a list or
``null``); both land in :attr:`ApplicationKey.bucket_ids`.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, SecretStr, model_validator

from b2async._models._base import B2Model, Timestamp

__all__ = ["ApplicationKey", "KeysPage", "NewApplicationKey"]


class ApplicationKey(B2Model):
    """An application key as listed (the secret is only returned once, on creation)."""

    account_id: str
    application_key_id: str
    key_name: str
    capabilities: list[str]
    expiration_timestamp: Timestamp | None = None
    bucket_ids: list[str] | None = None
    name_prefix: str | None = None
    options: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _v3_bucket_id(cls, data: Any) -> Any:
        if (
            isinstance(data, dict)
            and "bucketId" in data
            and "bucketIds" not in data
            and "bucket_ids" not in data
        ):
            data = dict(data)
            bucket_id = data.pop("bucketId")
            data["bucketIds"] = None if bucket_id is None else [bucket_id]
        return data

    @property
    def bucket_id(self) -> str | None:
        """The bucket id when the key is restricted to exactly one bucket."""
        ids = self.bucket_ids
        return ids[0] if ids is not None and len(ids) == 1 else None


class NewApplicationKey(ApplicationKey):
    """Answer of ``b2_create_key``: the key plus its secret (shown by B2 only this once)."""

    application_key: SecretStr


class KeysPage(B2Model):
    """One page of ``b2_list_keys``; ``next_application_key_id`` is ``None`` at the end."""

    keys: list[ApplicationKey]
    next_application_key_id: str | None = None
