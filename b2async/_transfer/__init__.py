"""The transfer engine: uploads (small, large, streamed, bulk), downloads and copies.

Modules:

* ``_plan`` — pure part planning (sizes, counts, download segments)
* ``_sources`` — bytes / paths / file objects / async iterables as upload sources
* ``_hashing`` — bodies that hash while they send (``hex_digits_at_end``)
* ``_upload_pool`` — upload-URL pools and the per-URL retry loop
* ``_upload`` — small files and large files from seekable sources
* ``_stream`` — streams of unknown length with bounded part buffers
* ``_resume`` — finding an unfinished large file to continue
* ``_bulk`` — ``upload_many`` / ``upload_directory``
* ``_download`` / ``_download_file`` — verified streaming and parallel file downloads
* ``_copy`` — server-side copies
* ``_progress`` — progress events and listeners
* ``_manager`` / ``_verbs`` — ``TransferManager`` and the ``BucketTransfers`` mixin
"""

from __future__ import annotations

from b2async._transfer._download import Download
from b2async._transfer._manager import TransferManager
from b2async._transfer._progress import BatchStats, ProgressEvent, ProgressListener
from b2async._transfer._types import UploadItem, UploadOutcome, UploadResult
from b2async._transfer._verbs import BucketTransfers

__all__ = [
    "BatchStats",
    "BucketTransfers",
    "Download",
    "ProgressEvent",
    "ProgressListener",
    "TransferManager",
    "UploadItem",
    "UploadOutcome",
    "UploadResult",
]
