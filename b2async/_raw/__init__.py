"""The raw B2 API: one coroutine per ``b2_*`` endpoint, arguments in, model out.

No state and no retries live here: the session supplies an :class:`ApiContext` per attempt and
applies the retry policy; upload coroutines take the upload URL (which carries its own token);
downloads are async context managers yielding a :class:`DownloadResponse`.
"""

from __future__ import annotations

from b2async._raw._account import authorize_account
from b2async._raw._buckets import create_bucket, delete_bucket, list_buckets, update_bucket
from b2async._raw._context import ApiContext
from b2async._raw._download import DownloadResponse, download_file_by_id, download_file_by_name
from b2async._raw._files import (
    copy_file,
    delete_file_version,
    get_download_authorization,
    get_file_info,
    hide_file,
    list_file_names,
    list_file_versions,
    update_file_legal_hold,
    update_file_retention,
)
from b2async._raw._keys import create_key, delete_key, list_keys
from b2async._raw._large_files import (
    cancel_large_file,
    copy_part,
    finish_large_file,
    get_upload_part_url,
    list_parts,
    list_unfinished_large_files,
    start_large_file,
)
from b2async._raw._notifications import (
    get_bucket_notification_rules,
    set_bucket_notification_rules,
)
from b2async._raw._upload import get_upload_url, upload_file, upload_part

__all__ = [
    "ApiContext",
    "DownloadResponse",
    "authorize_account",
    "cancel_large_file",
    "copy_file",
    "copy_part",
    "create_bucket",
    "create_key",
    "delete_bucket",
    "delete_file_version",
    "delete_key",
    "download_file_by_id",
    "download_file_by_name",
    "finish_large_file",
    "get_bucket_notification_rules",
    "get_download_authorization",
    "get_file_info",
    "get_upload_part_url",
    "get_upload_url",
    "hide_file",
    "list_buckets",
    "list_file_names",
    "list_file_versions",
    "list_keys",
    "list_parts",
    "list_unfinished_large_files",
    "set_bucket_notification_rules",
    "start_large_file",
    "update_bucket",
    "update_file_legal_hold",
    "update_file_retention",
    "upload_file",
    "upload_part",
]
