"""The raw package exports one coroutine per endpoint, with a sorted ``__all__``."""

from __future__ import annotations

import inspect

import b2async._raw as raw

ENDPOINTS = {
    "authorize_account", "cancel_large_file", "copy_file", "copy_part", "create_bucket",
    "create_key", "delete_bucket", "delete_file_version", "delete_key", "finish_large_file",
    "get_bucket_notification_rules", "get_download_authorization", "get_file_info",
    "get_upload_part_url", "get_upload_url", "hide_file", "list_buckets", "list_file_names",
    "list_file_versions", "list_keys", "list_parts", "list_unfinished_large_files",
    "set_bucket_notification_rules", "start_large_file", "update_bucket",
    "update_file_legal_hold", "update_file_retention", "upload_file", "upload_part",
}  # fmt: skip


def test_all_is_sorted_and_complete() -> None:
    assert raw.__all__ == sorted(raw.__all__)
    assert set(raw.__all__) == ENDPOINTS | {
        "ApiContext",
        "DownloadResponse",
        "download_file_by_id",
        "download_file_by_name",
    }
    for name in ENDPOINTS:
        assert inspect.iscoroutinefunction(getattr(raw, name)), name


def test_endpoint_arguments_after_the_first_are_keyword_only() -> None:
    for name in ENDPOINTS:
        parameters = list(inspect.signature(getattr(raw, name)).parameters.values())
        positional = [p.name for p in parameters if p.kind is not p.KEYWORD_ONLY]
        if name == "authorize_account":
            assert positional == ["http", "realm", "key_id", "key"]
        elif name in {"upload_file", "upload_part"}:
            assert positional[0] == "http"
            assert len(positional) == 2
        else:
            assert positional == ["ctx"], name
