"""File versions, listing pages, upload URLs and small file-operation answers.

:class:`FileVersion` is parsed on the bulk-upload hot path (once per uploaded file), so it uses
plain field types and no model-level validators; the only per-field work is the millisecond
timestamp conversion and lower-casing ``replicationStatus``.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Annotated, Any, Final

from pydantic import AliasChoices, BeforeValidator, Field, SecretStr

from b2async._encoding import decode_b2
from b2async._models._base import EPOCH, B2Model, Timestamp, from_millis, validate_page
from b2async._models._encryption import SSE_B2, SSE_C, ServerSideEncryption
from b2async._models._retention import FileLegalHold, FileRetention, RetentionSetting

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "DOWNLOAD_HEADER_FILE_INFO",
    "DeletedFileVersion",
    "FileAction",
    "FileNamesPage",
    "FileVersion",
    "FileVersionsPage",
    "UploadUrl",
    "file_names_cursor",
    "file_versions_cursor",
    "parse_file_names_page",
    "parse_file_versions_page",
]

_HEX40 = re.compile(r"[0-9a-fA-F]{40}")
_UNVERIFIED = "unverified:"
_INFO_PREFIX = "x-bz-info-"
_CONTENT_RANGE = re.compile(r"\s*bytes\s+(\d+)-(\d+)/(\d+)\s*")

#: Real download headers that B2 fills from the ``b2-*`` file-info keys (§6.3), by header name.
DOWNLOAD_HEADER_FILE_INFO: Final[Mapping[str, str]] = {
    "content-disposition": "b2-content-disposition",
    "content-language": "b2-content-language",
    "expires": "b2-expires",
    "cache-control": "b2-cache-control",
    "content-encoding": "b2-content-encoding",
}


class FileAction:
    """Known ``action`` values of a file version (B2 may add others; they still parse)."""

    UPLOAD: Final = "upload"
    START: Final = "start"
    HIDE: Final = "hide"
    FOLDER: Final = "folder"
    COPY: Final = "copy"


def _lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def _hex40(value: str | None) -> str | None:
    if value is not None and len(value) == 40 and _HEX40.fullmatch(value):
        return value.lower()
    return None


class FileVersion(B2Model):
    """One version of a file, as listed, uploaded, copied, hidden or started.

    ``content_sha1`` is kept verbatim: 40 hex digits, ``"none"`` (large files),
    ``"unverified:<hex>"`` (uploaded with ``do_not_verify``) or ``None`` (hide markers and
    folders, per the docs). Use :attr:`verified_sha1` for a digest B2 has checked.
    Old v1 answers call ``contentLength`` ``size``; both are accepted.
    """

    account_id: str | None = None
    bucket_id: str | None = None
    file_id: str | None = None
    file_name: str
    content_length: int = Field(
        default=0,
        validation_alias=AliasChoices("contentLength", "content_length", "size"),
        serialization_alias="contentLength",
    )
    content_sha1: str | None = None
    content_md5: str | None = None
    content_type: str | None = None
    file_info: dict[str, str] = Field(default_factory=dict)
    action: str = FileAction.UPLOAD
    upload_timestamp: Timestamp = EPOCH
    file_retention: FileRetention | None = None
    legal_hold: FileLegalHold | None = None
    server_side_encryption: ServerSideEncryption | None = None
    replication_status: Annotated[str | None, BeforeValidator(_lower)] = None

    @property
    def verified_sha1(self) -> str | None:
        """The SHA-1 B2 verified on upload (lower-case hex), else ``None``."""
        return _hex40(self.content_sha1)

    @property
    def unverified_sha1(self) -> str | None:
        """The SHA-1 the uploader claimed with ``do_not_verify`` (``"unverified:<hex>"``)."""
        sha1 = self.content_sha1
        if sha1 is not None and sha1.startswith(_UNVERIFIED):
            return _hex40(sha1[len(_UNVERIFIED) :])
        return None

    @property
    def large_file_sha1(self) -> str | None:
        """The whole-file SHA-1 stored in ``fileInfo.large_file_sha1`` (40 hex), else ``None``."""
        return _hex40(self.file_info.get("large_file_sha1"))

    @property
    def is_hidden(self) -> bool:
        """True for a hide marker."""
        return self.action == FileAction.HIDE

    @property
    def is_folder(self) -> bool:
        """True for a virtual folder of a delimiter listing."""
        return self.action == FileAction.FOLDER

    @property
    def is_large_file(self) -> bool:
        """True for large files (started or finished): B2 reports their SHA-1 as ``"none"``."""
        return self.action == FileAction.START or self.content_sha1 == "none"

    @property
    def retention(self) -> RetentionSetting | None:
        """The retention, when set and readable."""
        return None if self.file_retention is None else self.file_retention.value

    @property
    def legal_hold_value(self) -> str | None:
        """``"on"``/``"off"`` when set and readable, else ``None``."""
        return None if self.legal_hold is None else self.legal_hold.value

    @classmethod
    def from_download_headers(cls, headers: Mapping[str, str]) -> FileVersion:
        """Build a file version from the headers of a download (GET or HEAD) response.

        Names and ``X-Bz-Info-*`` values are percent-decoded; info keys are lower-cased.
        ``content_length`` is the whole file's length: the total of ``Content-Range`` for a
        ranged (206) answer, else ``Content-Length``. ``action`` is ``"upload"`` (only uploads
        are downloadable); ``account_id``, ``bucket_id`` and ``content_md5`` are not sent.

        Ambiguity: B2 sends ``b2-*`` file info as the real headers ``Content-Disposition``,
        ``Content-Language``, ``Expires``, ``Cache-Control`` and ``Content-Encoding``, but the
        same headers also come from query overrides (``b2ContentDisposition``, …) and
        ``Cache-Control`` from the bucket's info. Headers cannot tell these apart, so each one
        present is mapped back to its ``b2-*`` key; with overrides or a bucket-level
        Cache-Control, ``file_info`` therefore shows those values instead of the stored ones.
        """
        h = {key.lower(): value for key, value in headers.items()}
        info: dict[str, str] = {}
        for key, value in h.items():
            if key.startswith(_INFO_PREFIX):
                info[key[len(_INFO_PREFIX) :].lower()] = decode_b2(value)
        for header, info_key in DOWNLOAD_HEADER_FILE_INFO.items():
            if header in h:
                info[info_key] = h[header]

        content_length = 0
        match = _CONTENT_RANGE.fullmatch(h.get("content-range", ""))
        if match is not None:
            content_length = int(match.group(3))
        elif "content-length" in h:
            content_length = int(h["content-length"])

        sse = ServerSideEncryption()
        if "x-bz-server-side-encryption-customer-algorithm" in h:
            sse = ServerSideEncryption(
                mode=SSE_C, algorithm=h["x-bz-server-side-encryption-customer-algorithm"]
            )
        elif "x-bz-server-side-encryption" in h:
            sse = ServerSideEncryption(mode=SSE_B2, algorithm=h["x-bz-server-side-encryption"])

        unauthorized = {
            name.strip().lower()
            for name in h.get("x-bz-client-unauthorized-to-read", "").split(",")
            if name.strip()
        }
        retention: FileRetention | None = None
        if "x-bz-file-retention-mode" in unauthorized:
            retention = FileRetention(is_client_authorized_to_read=False)
        elif "x-bz-file-retention-mode" in h:
            until = h.get("x-bz-file-retention-retain-until-timestamp")
            retention = FileRetention(
                value=RetentionSetting(
                    mode=h["x-bz-file-retention-mode"] or None,
                    retain_until_timestamp=None if not until else from_millis(until),
                )
            )
        legal_hold: FileLegalHold | None = None
        if "x-bz-file-legal-hold" in unauthorized:
            legal_hold = FileLegalHold(is_client_authorized_to_read=False)
        elif "x-bz-file-legal-hold" in h:
            legal_hold = FileLegalHold(value=h["x-bz-file-legal-hold"] or None)

        timestamp = h.get("x-bz-upload-timestamp")
        return cls(
            file_id=h.get("x-bz-file-id"),
            file_name=decode_b2(h.get("x-bz-file-name", "")),
            content_length=content_length,
            content_sha1=h.get("x-bz-content-sha1"),
            content_type=h.get("content-type"),
            file_info=info,
            action=FileAction.UPLOAD,
            upload_timestamp=EPOCH if timestamp is None else from_millis(timestamp),
            file_retention=retention,
            legal_hold=legal_hold,
            server_side_encryption=sse,
            replication_status=h.get("x-bz-replication-status"),
        )


class FileNamesPage(B2Model):
    """One page of ``b2_list_file_names``; ``next_file_name`` is ``None`` on the last page."""

    files: list[FileVersion]
    next_file_name: str | None = None


class FileVersionsPage(B2Model):
    """One page of ``b2_list_file_versions``; continue from (next_file_name, next_file_id)."""

    files: list[FileVersion]
    next_file_name: str | None = None
    next_file_id: str | None = None


class _NamesCursor(B2Model):
    next_file_name: str | None = None


class _VersionsCursor(B2Model):
    next_file_name: str | None = None
    next_file_id: str | None = None


def _cursor_members(body: bytes) -> dict[str, object] | None:
    """The members after a listing's ``files`` array, parsed alone, or ``None`` if unsure.

    B2 sends ``{"files": [...], "nextFileName": ..., "nextFileId": ...}``. The text after
    the last ``]``, behind a ``{``, parses as exactly one JSON object only when that ``]``
    closes a top-level member (a ``]`` inside a string or a deeper object leaves invalid or
    trailing text). Callers fall back to a full parse when the cursor is not in it.
    """
    end = body.rfind(b"]")
    if end < 0:
        return None
    try:
        members = json.loads(b"{" + body[end + 1 :].lstrip(b" \t\r\n,"))
    except ValueError:
        return None
    return members if isinstance(members, dict) and "nextFileName" in members else None


def file_names_cursor(body: bytes) -> str | None:
    """The ``nextFileName`` of a raw ``b2_list_file_names`` page, without parsing its files.

    Lets a pager ask for the next page before this one is parsed: reading only the members
    after the files array takes microseconds, a full pass over a 10,000-version page ~20 ms.
    """
    members = _cursor_members(body)
    if members is None:
        return _NamesCursor.model_validate_json(body).next_file_name
    return _NamesCursor.model_validate(members).next_file_name


def file_versions_cursor(body: bytes) -> tuple[str, str | None] | None:
    """The ``(nextFileName, nextFileId)`` of a raw ``b2_list_file_versions`` page, or ``None``
    on the last page; see :func:`file_names_cursor`."""
    members = _cursor_members(body)
    if members is None:
        cursor = _VersionsCursor.model_validate_json(body)
    else:
        cursor = _VersionsCursor.model_validate(members)
    if cursor.next_file_name is None:
        return None
    return cursor.next_file_name, cursor.next_file_id


def parse_file_names_page(body: bytes, release: list[Any] | None = None) -> list[FileVersion]:
    """The files of a raw ``b2_list_file_names`` page (see :func:`validate_page`)."""
    return validate_page(FileNamesPage, body, release=release).files


def parse_file_versions_page(body: bytes, release: list[Any] | None = None) -> list[FileVersion]:
    """The files of a raw ``b2_list_file_versions`` page (see :func:`validate_page`)."""
    return validate_page(FileVersionsPage, body, release=release).files


class UploadUrl(B2Model):
    """Answer of ``b2_get_upload_url``: a pod URL and its own (secret) upload token."""

    bucket_id: str
    upload_url: str
    authorization_token: SecretStr


class DeletedFileVersion(B2Model):
    """Answer of ``b2_delete_file_version``."""

    file_id: str
    file_name: str
