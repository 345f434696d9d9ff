"""Helpers shared by the client tests."""

from __future__ import annotations

import hashlib
import itertools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from b2async._bucket import Bucket
    from b2async._models import FileVersion

_names = itertools.count()


def unique_bucket_name(stem: str = "bucket") -> str:
    """A valid bucket name not used before in this test run."""
    return f"{stem}-{next(_names):06d}"


async def put_file(bucket: Bucket, file_name: str, data: bytes) -> FileVersion:
    """Upload a small file through the raw layer (independent of the transfer engine)."""
    (version,) = await put_files(bucket, [(file_name, data)])
    return version


async def put_files(bucket: Bucket, files: list[tuple[str, bytes]]) -> list[FileVersion]:
    """Upload small files one after another, in order (so later uploads are newer)."""
    versions = []
    for file_name, data in files:
        version = await bucket.upload_bytes(data, file_name)
        assert version.file_name == file_name
        assert version.content_sha1 == hashlib.sha1(data).hexdigest()
        versions.append(version)
    return versions
