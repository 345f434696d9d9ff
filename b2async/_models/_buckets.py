"""Buckets: the bucket object of create/list/update/delete and its parts.

``bucket_type`` stays a plain ``str``: besides ``allPublic``/``allPrivate`` B2 reports read-only
types (``restricted``, ``snapshot``, ``shared``) and promises more; :class:`BucketType` names the
known ones. Capability-filtered members keep B2's ``isClientAuthorizedToRead`` wrapper.
"""

from __future__ import annotations

from typing import Any, Final

from pydantic import Field, model_validator

from b2async._models._base import B2Model
from b2async._models._encryption import DefaultServerSideEncryption
from b2async._models._retention import FileLockConfiguration

__all__ = [
    "BucketList",
    "BucketModel",
    "BucketType",
    "CorsRule",
    "LifecycleRule",
    "ReplicationConfiguration",
    "ReplicationDestination",
    "ReplicationRule",
    "ReplicationSettings",
    "ReplicationSource",
]


class BucketType:
    """Known ``bucketType`` values (B2 may report others; treat unknown ones as opaque)."""

    ALL_PUBLIC: Final = "allPublic"
    ALL_PRIVATE: Final = "allPrivate"
    RESTRICTED: Final = "restricted"
    SNAPSHOT: Final = "snapshot"
    SHARED: Final = "shared"
    #: Only meaningful in ``b2_list_buckets``' ``bucketTypes`` filter.
    ALL: Final = "all"


class CorsRule(B2Model):
    """One CORS rule of a bucket (also usable as input to create/update bucket)."""

    cors_rule_name: str
    allowed_origins: list[str]
    allowed_operations: list[str]
    allowed_headers: list[str] = Field(default_factory=list)
    expose_headers: list[str] = Field(default_factory=list)
    max_age_seconds: int = 0


class LifecycleRule(B2Model):
    """One lifecycle rule (days are positive integers or ``None``)."""

    file_name_prefix: str = ""
    days_from_uploading_to_hiding: int | None = None
    days_from_hiding_to_deleting: int | None = None
    days_from_starting_to_canceling_unfinished_large_files: int | None = None


class ReplicationRule(B2Model):
    """A replication rule of a source bucket."""

    destination_bucket_id: str
    replication_rule_name: str
    file_name_prefix: str = ""
    include_existing_files: bool = False
    is_enabled: bool = True
    priority: int = 128


class ReplicationSource(B2Model):
    """The bucket replicates to others."""

    replication_rules: list[ReplicationRule] = Field(default_factory=list)
    source_application_key_id: str | None = None


class ReplicationDestination(B2Model):
    """The bucket receives replicas; maps source key ids to destination key ids."""

    source_to_destination_key_mapping: dict[str, str] = Field(default_factory=dict)


class ReplicationSettings(B2Model):
    """The ``value`` of a bucket's replication configuration."""

    as_replication_source: ReplicationSource | None = None
    as_replication_destination: ReplicationDestination | None = None


class ReplicationConfiguration(B2Model):
    """A bucket's replication configuration; ``value`` is ``None`` without
    ``readBucketReplications``."""

    is_client_authorized_to_read: bool = True
    value: ReplicationSettings | None = None

    @model_validator(mode="before")
    @classmethod
    def _accept_unwrapped(cls, data: Any) -> Any:
        # Some answers (and callers) give the settings without the authorization wrapper.
        if isinstance(data, dict) and (
            "asReplicationSource" in data or "asReplicationDestination" in data
        ):
            return {"isClientAuthorizedToRead": True, "value": data}
        return data


class BucketModel(B2Model):
    """The bucket object B2 returns from create/list/update/delete bucket."""

    account_id: str
    bucket_id: str
    bucket_name: str
    bucket_type: str
    bucket_info: dict[str, str] = Field(default_factory=dict)
    cors_rules: list[CorsRule] = Field(default_factory=list)
    lifecycle_rules: list[LifecycleRule] = Field(default_factory=list)
    default_server_side_encryption: DefaultServerSideEncryption | None = None
    file_lock_configuration: FileLockConfiguration | None = None
    replication_configuration: ReplicationConfiguration | None = None
    options: list[str] = Field(default_factory=list)
    revision: int | None = None

    @property
    def is_file_lock_enabled(self) -> bool | None:
        """Whether Object Lock is on (``None`` when unknown or not readable)."""
        config = self.file_lock_configuration
        return None if config is None else config.is_file_lock_enabled


class BucketList(B2Model):
    """Answer of ``b2_list_buckets``."""

    buckets: list[BucketModel]
