"""Pydantic models of B2's wire objects, and the SSE / retention input types.

One module per area; everything is re-exported here (and from :mod:`b2async`).
"""

from __future__ import annotations

from b2async._models._account import Allowed, AllowedBucket, Authorization, DownloadAuthorization
from b2async._models._base import EPOCH, B2Model, Timestamp, from_millis, to_millis
from b2async._models._buckets import (
    BucketList,
    BucketModel,
    BucketType,
    CorsRule,
    LifecycleRule,
    ReplicationConfiguration,
    ReplicationDestination,
    ReplicationRule,
    ReplicationSettings,
    ReplicationSource,
)
from b2async._models._encryption import (
    SSE_B2,
    SSE_C,
    DefaultServerSideEncryption,
    ServerSideEncryption,
    SseB2,
    SseC,
)
from b2async._models._files import (
    DOWNLOAD_HEADER_FILE_INFO,
    DeletedFileVersion,
    FileAction,
    FileNamesPage,
    FileVersion,
    FileVersionsPage,
    UploadUrl,
)
from b2async._models._keys import ApplicationKey, KeysPage, NewApplicationKey
from b2async._models._large_files import (
    CancelledLargeFile,
    Part,
    PartsPage,
    PartUploadUrl,
    UnfinishedLargeFilesPage,
)
from b2async._models._notifications import (
    CustomHeader,
    EventNotificationRule,
    NotificationRules,
    NotificationTarget,
)
from b2async._models._retention import (
    DefaultRetention,
    FileLegalHold,
    FileLockConfiguration,
    FileLockSettings,
    FileRetention,
    FileRetentionResult,
    LegalHold,
    LegalHoldResult,
    Retention,
    RetentionPeriod,
    RetentionSetting,
    legal_hold_headers,
)

__all__ = [
    "Allowed",
    "AllowedBucket",
    "ApplicationKey",
    "Authorization",
    "B2Model",
    "BucketList",
    "BucketModel",
    "BucketType",
    "CancelledLargeFile",
    "CorsRule",
    "CustomHeader",
    "DOWNLOAD_HEADER_FILE_INFO",
    "DefaultRetention",
    "DefaultServerSideEncryption",
    "DeletedFileVersion",
    "DownloadAuthorization",
    "EPOCH",
    "EventNotificationRule",
    "FileAction",
    "FileLegalHold",
    "FileLockConfiguration",
    "FileLockSettings",
    "FileNamesPage",
    "FileRetention",
    "FileRetentionResult",
    "FileVersion",
    "FileVersionsPage",
    "KeysPage",
    "LegalHold",
    "LegalHoldResult",
    "LifecycleRule",
    "NewApplicationKey",
    "NotificationRules",
    "NotificationTarget",
    "Part",
    "PartUploadUrl",
    "PartsPage",
    "ReplicationConfiguration",
    "ReplicationDestination",
    "ReplicationRule",
    "ReplicationSettings",
    "ReplicationSource",
    "Retention",
    "RetentionPeriod",
    "RetentionSetting",
    "SSE_B2",
    "SSE_C",
    "ServerSideEncryption",
    "SseB2",
    "SseC",
    "Timestamp",
    "UnfinishedLargeFilesPage",
    "UploadUrl",
    "from_millis",
    "legal_hold_headers",
    "to_millis",
]
