"""Large files: part upload URLs, parts, and their listing pages."""

from __future__ import annotations

from pydantic import SecretStr

from b2async._models._base import B2Model, Timestamp
from b2async._models._encryption import ServerSideEncryption
from b2async._models._files import FileVersion

__all__ = [
    "CancelledLargeFile",
    "Part",
    "PartUploadUrl",
    "PartsPage",
    "UnfinishedLargeFilesPage",
]


class PartUploadUrl(B2Model):
    """Answer of ``b2_get_upload_part_url``: a pod URL and its own (secret) token.

    ``file_id`` is ``None`` only for b2sdk's RawSimulator, which answers ``bucketId`` instead.
    """

    file_id: str | None = None
    upload_url: str
    authorization_token: SecretStr


class Part(B2Model):
    """One part of a large file (answer of upload_part / copy_part, item of list_parts).

    ``upload_timestamp`` and ``server_side_encryption`` are ``None`` when B2 leaves them out.
    """

    file_id: str
    part_number: int
    content_length: int
    content_sha1: str
    content_md5: str | None = None
    server_side_encryption: ServerSideEncryption | None = None
    upload_timestamp: Timestamp | None = None


class PartsPage(B2Model):
    """One page of ``b2_list_parts``; ``next_part_number`` is ``None`` on the last page."""

    parts: list[Part]
    next_part_number: int | None = None


class UnfinishedLargeFilesPage(B2Model):
    """One page of ``b2_list_unfinished_large_files`` (versions with action ``"start"``)."""

    files: list[FileVersion]
    next_file_id: str | None = None


class CancelledLargeFile(B2Model):
    """Answer of ``b2_cancel_large_file``."""

    file_id: str
    account_id: str | None = None
    bucket_id: str | None = None
    file_name: str
