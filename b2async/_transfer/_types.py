"""Public value types of the transfer engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from b2async._models import FileVersion, LegalHold, Retention, SseB2, SseC

__all__ = ["UploadItem", "UploadOutcome", "UploadResult", "UploadSpec"]


@dataclass(frozen=True, slots=True)
class UploadItem:
    """One file of a batch for ``upload_many``.

    Attributes:
        source: bytes, a path, a binary file object or an async iterable of bytes.
        file_name: the B2 file name.
        content_type: the MIME type (``None``: B2 picks one from the extension).
        file_info: custom file info (``X-Bz-Info-*``).
    """

    source: Any
    file_name: str
    content_type: str | None = None
    file_info: dict[str, str] | None = None


@dataclass(frozen=True, slots=True)
class UploadOutcome:
    """What happened to one :class:`UploadItem`: exactly one of the two is set.

    Attributes:
        item: the item.
        file_version: the uploaded file, on success.
        error: the exception, on failure.
    """

    item: UploadItem
    file_version: FileVersion | None = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        """Whether the upload succeeded."""
        return self.error is None


@dataclass(frozen=True, slots=True)
class UploadResult:
    """An upload's file version plus what the client learned while sending.

    Attributes:
        file_version: what B2 stored.
        sha1: the whole-file SHA-1 (hex). For a large file B2 keeps no whole-file digest
            (``contentSha1`` is ``"none"``), so this is the only place a stream's digest is
            available. ``None`` only for a seekable source uploaded as a large file with
            ``large_file_sha1=False`` (its parts are read out of order, once each, so no
            whole-file digest is computed).
        size: bytes uploaded.
    """

    file_version: FileVersion
    sha1: str | None
    size: int


@dataclass(frozen=True, slots=True)
class UploadSpec:
    """Everything about the destination of one upload (validated before any request)."""

    bucket_id: str
    file_name: str
    content_type: str | None = None
    file_info: dict[str, str] = field(default_factory=dict)
    sse: SseB2 | SseC | None = None
    retention: Retention | None = None
    legal_hold: LegalHold | None = None
