"""Listings: ``b2_list_file_names``, ``b2_list_file_versions`` (spec 7) and
``b2_list_unfinished_large_files`` (spec 9.8).

Pages are cut from the bucket's sorted index starting at a bisect position, so a page costs
O(page + log n).  ``nextFileName``/``nextFileId`` name the next item that would have been
returned, so passing them back resumes exactly; when the next item is a folder the folder name
itself is returned, which re-emits that folder (once) at the start of the next page.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from b2async.testing._ids import parse_file_id
from b2async.testing._render import folder_json, version_bytes
from b2async.testing._wire import EncodedArray, bad_request

if TYPE_CHECKING:
    from b2async.testing._call import Call
    from b2async.testing._index import BucketIndex
    from b2async.testing._state import Bucket

_MAX_FILE_COUNT = 10_000


def _max_count(call: Call, maximum: int = _MAX_FILE_COUNT) -> int:
    count = call.params.integer("maxFileCount", default=100) or 100
    if count < 0 or count > maximum:
        raise bad_request("maxFileCount out of range", "out_of_range")
    return count


def _scope(
    call: Call, *, prefix_param: str = "prefix", maximum: int = _MAX_FILE_COUNT
) -> tuple[Bucket, str, int]:
    """The opening every listing shares: capability, bucket, prefix and page size.

    The prefix is checked against a name-prefix-restricted key before anything is listed.
    """
    call.require("listFiles")
    bucket = call.bucket(call.params.req("bucketId"), code="bad_bucket_id")
    prefix = call.params.text(prefix_param) or ""
    call.check_prefix(prefix)
    return bucket, prefix, _max_count(call, maximum)


def _after(folder: str) -> str:
    """The smallest string greater than every name inside ``folder`` (spec 7.3 trick)."""
    return folder[:-1] + chr(ord(folder[-1]) + 1)


def _folder(name: str, prefix: str, delimiter: str | None) -> str | None:
    if not delimiter:
        return None
    pos = name.find(delimiter, len(prefix))
    return name[: pos + len(delimiter)] if pos >= 0 else None


async def list_file_names(call: Call) -> dict[str, Any]:
    """Newest visible version of each name, with optional folders."""
    params = call.params
    bucket, prefix, count = _scope(call)
    delimiter = params.text("delimiter")
    start = params.text("startFileName") or ""
    index = bucket.index
    names = index.visible_from(max(start, prefix))
    caps = call.caps()
    files = EncodedArray()
    next_name: str | None = None
    while (name := next(names, None)) is not None:
        if not name.startswith(prefix):
            break
        if len(files) == count:
            next_name = name
            break
        folder = _folder(name, prefix, delimiter)
        if folder is not None:
            files.append(json.dumps(folder_json(folder)).encode())
            names = index.visible_from(_after(folder))
            continue
        version = index.visible_version(name)
        assert version is not None
        files.append(version_bytes(version, caps))
    if next_name is not None:
        folder = _folder(next_name, prefix, delimiter)
        next_name = folder or next_name
    return {"files": files, "nextFileName": next_name}


async def list_file_versions(call: Call) -> dict[str, Any]:
    """Every version (upload, hide, start), name ascending then newest first."""
    params = call.params
    bucket, prefix, count = _scope(call)
    delimiter = params.text("delimiter")
    start_name = params.text("startFileName")
    start_id = params.text("startFileId")
    index: BucketIndex = bucket.index
    if start_id is not None:
        if start_name is None:
            raise bad_request("startFileId requires startFileName")
        parsed = parse_file_id(start_id)
        if parsed is None:
            raise bad_request(f"Invalid startFileId: {start_id}", "invalid_file_id")
        # Ids embed the version sequence, so resuming is exact even if that version is gone.
        start_seq: int | None = parsed[1]
        if start_name < prefix:
            start_name, start_seq = prefix, None
    else:
        start_name, start_seq = max(start_name or "", prefix), None
    caps = call.caps()
    versions = index.versions_from(start_name, start_seq)
    files = EncodedArray()
    next_name: str | None = None
    next_id: str | None = None
    while (version := next(versions, None)) is not None:
        name = version.file_name
        if not name.startswith(prefix):
            break
        folder = _folder(name, prefix, delimiter)
        if len(files) == count:
            next_name = folder or name
            next_id = None if folder else version.file_id
            break
        if folder is not None:
            files.append(json.dumps(folder_json(folder)).encode())
            versions = index.versions_from(_after(folder))
            continue
        files.append(version_bytes(version, caps))
    return {"files": files, "nextFileName": next_name, "nextFileId": next_id}


async def list_unfinished_large_files(call: Call) -> dict[str, Any]:
    """Started, unfinished large files, oldest first; ``namePrefix``; max 100 per page."""
    params = call.params
    bucket, prefix, count = _scope(call, prefix_param="namePrefix", maximum=100)
    start_id = params.text("startFileId")
    parsed = parse_file_id(start_id) if start_id is not None else None
    if start_id is not None and parsed is None:
        raise bad_request(f"Invalid startFileId: {start_id}", "invalid_file_id")
    start_seq = parsed[1] if parsed is not None else 0
    caps = call.caps()
    files = EncodedArray()
    next_id: str | None = None
    for version in bucket.unfinished.values():  # insertion order == start order
        if version.seq < start_seq or not version.file_name.startswith(prefix):
            continue
        if len(files) == count:
            next_id = version.file_id
            break
        files.append(version_bytes(version, caps))
    # Live B2 also sends "nextFileName": null here (spec 9.8), which some clients read.
    return {"files": files, "nextFileId": next_id, "nextFileName": None}


HANDLERS = {
    "b2_list_file_names": list_file_names,
    "b2_list_file_versions": list_file_versions,
    "b2_list_unfinished_large_files": list_unfinished_large_files,
}
