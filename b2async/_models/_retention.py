"""Object Lock: file retention, legal holds and a bucket's lock configuration.

B2 wraps every value that needs a read capability as ``{"isClientAuthorizedToRead": bool,
"value": ...}``; without the capability ``value`` is ``null``. The wrappers keep that shape so
"not allowed to see" stays distinguishable from "not set".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime  # noqa: TC003 (dataclass field type, kept resolvable)
from typing import Literal

from pydantic import dataclasses as pydantic_dataclasses

from b2async._errors import B2ValidationError
from b2async._models._base import VALUE_CONFIG, B2Model, Timestamp, to_millis

__all__ = [
    "DefaultRetention",
    "FileLegalHold",
    "FileLockConfiguration",
    "FileLockSettings",
    "FileRetention",
    "FileRetentionResult",
    "LegalHold",
    "LegalHoldResult",
    "Retention",
    "RetentionPeriod",
    "RetentionSetting",
    "legal_hold_headers",
]

#: A legal hold to set on upload/copy or with ``b2_update_file_legal_hold``.
LegalHold = Literal["on", "off"]

_MODES = ("governance", "compliance")


@pydantic_dataclasses.dataclass(frozen=True, slots=True, config=VALUE_CONFIG)
class RetentionSetting:
    """A retention as B2 reports it: ``mode`` (``None``, ``"governance"``, ``"compliance"``)
    and ``retain_until_timestamp``."""

    mode: str | None = None
    retain_until_timestamp: Timestamp | None = None


@pydantic_dataclasses.dataclass(frozen=True, slots=True, config=VALUE_CONFIG)
class FileRetention:
    """A file version's retention; ``value`` is ``None`` without ``readFileRetentions``."""

    is_client_authorized_to_read: bool = True
    value: RetentionSetting | None = None


@pydantic_dataclasses.dataclass(frozen=True, slots=True, config=VALUE_CONFIG)
class FileLegalHold:
    """A file version's legal hold (``"on"``/``"off"``/``None``); ``value`` is ``None``
    without ``readFileLegalHolds``."""

    is_client_authorized_to_read: bool = True
    value: str | None = None


class RetentionPeriod(B2Model):
    """A bucket's default retention period: ``duration`` ``unit`` (``"days"``/``"years"``)."""

    duration: int
    unit: str


class DefaultRetention(B2Model):
    """A bucket's default retention (``mode`` ``None`` when there is none)."""

    mode: str | None = None
    period: RetentionPeriod | None = None


class FileLockSettings(B2Model):
    """The ``value`` of a bucket's file lock configuration."""

    default_retention: DefaultRetention | None = None
    is_file_lock_enabled: bool | None = None


class FileLockConfiguration(B2Model):
    """A bucket's Object Lock configuration; ``value`` is ``None`` without
    ``readBucketRetentions``."""

    is_client_authorized_to_read: bool = True
    value: FileLockSettings | None = None

    @property
    def is_file_lock_enabled(self) -> bool | None:
        """Whether Object Lock is on (``None`` when the key may not read it)."""
        return None if self.value is None else self.value.is_file_lock_enabled


class FileRetentionResult(B2Model):
    """Answer of ``b2_update_file_retention``."""

    file_id: str
    file_name: str
    file_retention: RetentionSetting


class LegalHoldResult(B2Model):
    """Answer of ``b2_update_file_legal_hold``."""

    file_id: str
    file_name: str
    legal_hold: str | None = None


@dataclass(frozen=True)
class Retention:
    """A retention to set on upload, copy or with ``b2_update_file_retention``.

    Raises:
        B2ValidationError: unknown ``mode`` (rule ``"retention_mode"``) or a naive
            ``retain_until`` (rule ``"retention_timezone"``; a naive time is ambiguous).
    """

    mode: Literal["governance", "compliance"]
    retain_until: datetime

    def __post_init__(self) -> None:
        if self.mode not in _MODES:
            raise B2ValidationError(
                f"retention mode must be 'governance' or 'compliance' (rule retention_mode), "
                f"got {self.mode!r}",
                rule="retention_mode",
            )
        if self.retain_until.tzinfo is None:
            raise B2ValidationError(
                "retain_until must be a timezone-aware datetime (rule retention_timezone)",
                rule="retention_timezone",
            )

    @property
    def retain_until_millis(self) -> int:
        """``retain_until`` as B2's milliseconds since the epoch."""
        return to_millis(self.retain_until)

    def to_json(self) -> dict[str, object]:
        """The ``fileRetention`` member for JSON requests."""
        return {"mode": self.mode, "retainUntilTimestamp": self.retain_until_millis}

    def upload_headers(self) -> dict[str, str]:
        """Headers for ``b2_upload_file``."""
        return {
            "X-Bz-File-Retention-Mode": self.mode,
            "X-Bz-File-Retention-Retain-Until-Timestamp": str(self.retain_until_millis),
        }


def legal_hold_headers(legal_hold: LegalHold) -> dict[str, str]:
    """Header for ``b2_upload_file`` setting a legal hold.

    Raises:
        B2ValidationError: ``legal_hold`` is not ``"on"``/``"off"`` (rule ``"legal_hold"``).
    """
    if legal_hold not in ("on", "off"):
        raise B2ValidationError(
            f"legal hold must be 'on' or 'off' (rule legal_hold), got {legal_hold!r}",
            rule="legal_hold",
        )
    return {"X-Bz-File-Legal-Hold": legal_hold}
