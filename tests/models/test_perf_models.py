"""The listing fast path: page validation with the collector paused, cursors read from a
page's tail, and the pipelined pager (fetch ahead, parse in a worker thread)."""

from __future__ import annotations

import gc
import json
from datetime import datetime, timedelta, timezone
from typing import Any

import anyio
import pytest
from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from b2async._errors import B2ValidationError, ServiceUnavailable
from b2async._models import FileNamesPage, FileVersion, FileVersionsPage
from b2async._models._base import _PYTHON_TIMESTAMP, from_millis, validate_page
from b2async._models._files import (
    file_names_cursor,
    file_versions_cursor,
    parse_file_names_page,
    parse_file_versions_page,
)
from b2async._paging import _THREAD_PARSE_BYTES, PipelinedPager

pytestmark = pytest.mark.anyio


def version_json(index: int) -> dict[str, Any]:
    return {
        "accountId": "acct",
        "action": "upload",
        "bucketId": "bkt",
        "contentLength": index,
        "contentSha1": f"{index:040x}",
        "contentType": "application/octet-stream",
        "fileId": f"id-{index:07d}",
        "fileInfo": {"k": str(index)},
        "fileName": f"v/{index:07d}",
        "uploadTimestamp": 1_700_000_000_000 + index,
        "fileRetention": {
            "isClientAuthorizedToRead": True,
            "value": {"mode": None, "retainUntilTimestamp": None},
        },
        "legalHold": {"isClientAuthorizedToRead": True, "value": None},
        "serverSideEncryption": {"algorithm": None, "mode": None},
    }


def page_body(first: int, count: int, cursor: tuple[str, str] | None) -> bytes:
    body: dict[str, Any] = {"files": [version_json(i) for i in range(first, first + count)]}
    body["nextFileName"] = None if cursor is None else cursor[0]
    body["nextFileId"] = None if cursor is None else cursor[1]
    return json.dumps(body).encode()


# ------------------------------------------------------------------------------------------
# validate_page and the timestamp fast path


def test_validate_page_equals_model_validate_json_and_restores_the_collector() -> None:
    body = page_body(0, 50, ("v/0000050", "id-0000050"))
    assert gc.isenabled()
    page = validate_page(FileVersionsPage, body)
    assert gc.isenabled()
    assert page == FileVersionsPage.model_validate_json(body)
    assert [v.content_length for v in page.files] == list(range(50))
    assert page.files[7].upload_timestamp == datetime(
        2023, 11, 14, 22, 13, 20, 7000, tzinfo=timezone.utc
    )
    # UTC, though with pydantic >= 2.12 as pydantic's own tzinfo rather than timezone.utc
    assert page.files[7].upload_timestamp.tzinfo == timezone.utc
    assert page.files[7].upload_timestamp.tzname() == "UTC"
    assert (page.next_file_name, page.next_file_id) == ("v/0000050", "id-0000050")


def test_validate_page_keeps_a_disabled_collector_disabled_and_restores_on_error() -> None:
    gc.disable()
    try:
        assert validate_page(FileNamesPage, b'{"files": []}').files == []
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(ValueError, match="fileName"):
        validate_page(FileNamesPage, b'{"files": [{"action": "upload"}]}')
    assert gc.isenabled()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, datetime(1970, 1, 1, tzinfo=timezone.utc)),
        (1_500, datetime(1970, 1, 1, 0, 0, 1, 500_000, tzinfo=timezone.utc)),
        ("1500", datetime(1970, 1, 1, 0, 0, 1, 500_000, tzinfo=timezone.utc)),
        (1500.0, datetime(1970, 1, 1, 0, 0, 1, 500_000, tzinfo=timezone.utc)),
        (datetime(2020, 1, 1), datetime(2020, 1, 1, tzinfo=timezone.utc)),
    ],
)
def test_from_millis_paths(value: object, expected: datetime) -> None:
    assert from_millis(value) == expected
    assert from_millis(value).tzinfo is not None


def test_from_millis_refuses_bools() -> None:
    with pytest.raises(ValueError, match="milliseconds"):
        from_millis(True)


# ------------------------------------------------------------------------------------------
# cursors


@pytest.mark.parametrize(
    ("body", "names", "versions"),
    [
        (b'{"files": [], "nextFileName": null, "nextFileId": null}', None, None),
        (b'{"files": []}', None, None),
        (b'{"files": [], "nextFileName": "a"}', "a", ("a", None)),
        # the array is not first: the tail holds no cursor, the full parse finds it
        (
            b'{"nextFileName": "a]b", "nextFileId": "i", "files": [{"fileName": "x"}]}',
            "a]b",
            ("a]b", "i"),
        ),
        # brackets inside names and ids, before and in the tail
        (
            b'{"files": [{"fileName": "x]"}], "nextFileName": "a]b", "nextFileId": "i]"}',
            "a]b",
            ("a]b", "i]"),
        ),
        (
            b'{"files": [{"fileName": "x"}],\n  "nextFileName" : "n" , "nextFileId": "]"}',
            "n",
            ("n", "]"),
        ),
        # a ']' inside a nested object after the files: trailing text, so the full parse
        (
            b'{"files": [], "o": {"a": [1], "nextFileName": "fake"}, "nextFileName": "real"}',
            "real",
            ("real", None),
        ),
        (
            b'{"files": [], "nextFileName": "n\\u005d\\"x", "nextFileId": "f"}',
            'n]"x',
            ('n]"x', "f"),
        ),
    ],
)
def test_cursors_match_a_full_parse(
    body: bytes, names: str | None, versions: tuple[str, str | None] | None
) -> None:
    assert file_names_cursor(body) == names
    assert file_versions_cursor(body) == versions
    full = json.loads(body)
    assert names == full.get("nextFileName")


# ------------------------------------------------------------------------------------------
# PipelinedPager


class RawPages:
    """A fake raw list endpoint: page ``n`` has ``sizes[n]`` versions; the cursor is the
    page number (as a ``(name, id)`` pair). Records every cursor it was called with."""

    def __init__(self, sizes: list[int], fail_at: int | None = None) -> None:
        self.sizes = sizes
        self.fail_at = fail_at
        self.cursors: list[tuple[str, str | None] | None] = []

    def first_of(self, page: int) -> int:
        return sum(self.sizes[:page])

    async def fetch(self, cursor: tuple[str, str | None] | None) -> bytes:
        self.cursors.append(cursor)
        page = 0 if cursor is None else int(cursor[0])
        if page == self.fail_at:
            raise ServiceUnavailable(503, "service_unavailable", "busy")
        following = (str(page + 1), "x") if page + 1 < len(self.sizes) else None
        return page_body(self.first_of(page), self.sizes[page], following)

    def pager(
        self, start: tuple[str, str | None] | None = None
    ) -> PipelinedPager[FileVersion, Any]:
        return PipelinedPager(self.fetch, file_versions_cursor, parse_file_versions_page, start)


async def test_every_version_of_every_page_in_order() -> None:
    source = RawPages([3, 0, 2, 4])
    listed = [v.content_length async for v in source.pager()]
    assert listed == list(range(9))
    assert source.cursors == [None, ("1", "x"), ("2", "x"), ("3", "x")]


async def test_large_pages_are_parsed_in_a_worker_thread_with_the_same_result() -> None:
    per_page = _THREAD_PARSE_BYTES // len(page_body(0, 1, None)) + 50
    source = RawPages([per_page, per_page, 7])
    assert len(page_body(0, per_page, ("1", "x"))) >= _THREAD_PARSE_BYTES
    listed = [v async for v in source.pager()]
    assert [v.content_length for v in listed] == list(range(2 * per_page + 7))
    assert listed[-1].file_name == f"v/{2 * per_page + 6:07d}"
    assert gc.isenabled()


async def test_breaking_out_in_the_first_page_fetches_only_it() -> None:
    source = RawPages([2, 2, 2])
    async for version in source.pager():
        assert version.content_length == 0
        break
    assert source.cursors == [None]


async def test_past_the_first_page_one_page_is_fetched_ahead() -> None:
    source = RawPages([2, 2, 2, 2])
    pager = source.pager()
    assert [(await pager.__anext__()).content_length for _ in range(3)] == [0, 1, 2]
    # page 1 is being read; page 2 was asked for while page 1 was parsed
    assert source.cursors == [None, ("1", "x"), ("2", "x")]
    assert [v.content_length async for v in pager] == [3, 4, 5, 6, 7]
    assert source.cursors == [None, ("1", "x"), ("2", "x"), ("3", "x")]


async def test_the_start_cursor_is_passed_first() -> None:
    source = RawPages([1, 1, 1])
    assert [v.content_length async for v in source.pager(("1", "x"))] == [1, 2]
    assert source.cursors == [("1", "x"), ("2", "x")]


async def test_a_failed_fetch_ahead_is_raised_unwrapped_when_its_page_is_reached() -> None:
    source = RawPages([2, 2, 2], fail_at=2)
    pager = source.pager()
    # every version before the failing page is delivered, then the error itself
    assert [(await pager.__anext__()).content_length for _ in range(4)] == [0, 1, 2, 3]
    with pytest.raises(ServiceUnavailable):
        await pager.__anext__()
    with pytest.raises(StopAsyncIteration):
        await pager.__anext__()


async def test_a_page_that_does_not_validate_is_raised_unwrapped() -> None:
    async def fetch(cursor: str | None) -> bytes:
        if cursor is None:
            return b'{"files": [{"fileName": "a"}], "nextFileName": "b"}'
        return b'{"files": [{"action": "upload"}], "nextFileName": "c"}'

    pager: PipelinedPager[FileVersion, str] = PipelinedPager(
        fetch, file_names_cursor, parse_file_names_page
    )
    assert (await pager.__anext__()).file_name == "a"
    with pytest.raises(ValueError, match="fileName"):
        await pager.__anext__()
    with pytest.raises(StopAsyncIteration):
        await pager.__anext__()


def test_validate_page_releases_the_previous_page_once_the_new_one_is_built() -> None:
    previous = validate_page(FileVersionsPage, page_body(0, 3, None)).files
    held = list(previous)
    page = validate_page(FileVersionsPage, page_body(3, 3, None), release=previous)
    assert previous == []  # emptied, in place
    assert [v.content_length for v in page.files] == [3, 4, 5]
    assert [v.content_length for v in held] == [0, 1, 2]  # others' references stay valid
    assert gc.isenabled()
    kept = list(held)
    with pytest.raises(ValueError, match="fileName"):
        validate_page(FileNamesPage, b'{"files": [{"action": "upload"}]}', release=kept)
    assert len(kept) == 3  # nothing is released when the new page does not validate
    assert gc.isenabled()


async def test_the_pager_hands_each_page_the_one_before_it() -> None:
    seen: list[list[str]] = []

    def parse(raw: bytes, previous: list[FileVersion]) -> list[FileVersion]:
        seen.append([v.file_name for v in previous])
        return parse_file_names_page(raw, previous)

    async def fetch(cursor: str | None) -> bytes:
        names = {None: ("a", "b"), "b": ("c", None)}[cursor]
        nxt = "null" if names[1] is None else f'"{names[1]}"'
        return f'{{"files": [{{"fileName": "{names[0]}"}}], "nextFileName": {nxt}}}'.encode()

    pager: PipelinedPager[FileVersion, str] = PipelinedPager(fetch, file_names_cursor, parse)
    assert [v.file_name async for v in pager] == ["a", "c"]
    assert seen == [[], ["a"]]


async def test_bad_page_size_is_refused_before_any_call() -> None:
    from b2async._paging import check_page_size

    with pytest.raises(B2ValidationError):
        check_page_size(10_001)


async def test_a_cancelled_page_is_not_skipped_when_iteration_resumes() -> None:
    source = RawPages([2, 2, 2])
    pager = source.pager()
    assert [(await pager.__anext__()).content_length for _ in range(2)] == [0, 1]
    scope = anyio.CancelScope()
    inner = source.fetch

    async def cancelling_fetch(cursor: tuple[str, str | None] | None) -> bytes:
        if cursor == ("2", "x") and not scope.cancel_called:
            scope.cancel()  # cancel the caller while page 1 is parsed and page 2 fetched
            await anyio.sleep_forever()
        return await inner(cursor)

    pager._fetch_raw = cancelling_fetch
    with scope:
        await pager.__anext__()
    assert scope.cancelled_caught
    # page 1 was fetched but never delivered: it comes now, then page 2
    assert [v.content_length async for v in pager] == [2, 3, 4, 5]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, datetime(1970, 1, 1, tzinfo=timezone.utc)),
        # below 2e10: pydantic's default would read these as seconds
        (1_500, datetime(1970, 1, 1, 0, 0, 1, 500_000, tzinfo=timezone.utc)),
        (19_999_999_999, datetime(1970, 8, 20, 11, 33, 19, 999_000, tzinfo=timezone.utc)),
        (1_700_000_000_007, datetime(2023, 11, 14, 22, 13, 20, 7_000, tzinfo=timezone.utc)),
    ],
)
def test_listed_timestamps_are_always_milliseconds(value: int, expected: datetime) -> None:
    body = json.dumps({"files": [{"fileName": "a", "uploadTimestamp": value}]}).encode()
    (version,) = validate_page(FileVersionsPage, body).files
    assert version.upload_timestamp == expected
    assert version.upload_timestamp.utcoffset() == timedelta(0)
    assert json.loads(version.model_dump_json(by_alias=True))["uploadTimestamp"] == value


def test_the_timestamp_of_older_pydantic_reads_the_same_values() -> None:
    """pydantic < 2.12 (no ``val_temporal_unit``) gets the Python validator; same results."""

    class Old(BaseModel):
        model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)
        upload_timestamp: _PYTHON_TIMESTAMP  # type: ignore[valid-type]

    for value, expected in [
        (1_500, datetime(1970, 1, 1, 0, 0, 1, 500_000, tzinfo=timezone.utc)),
        (1_700_000_000_007, datetime(2023, 11, 14, 22, 13, 20, 7_000, tzinfo=timezone.utc)),
    ]:
        parsed = Old.model_validate_json(json.dumps({"uploadTimestamp": value}))
        assert parsed.upload_timestamp == expected
        assert parsed.upload_timestamp.tzinfo is timezone.utc
        assert json.loads(parsed.model_dump_json(by_alias=True))["uploadTimestamp"] == value
    naive = Old(upload_timestamp=datetime(2024, 1, 2, 3, 4, 5))
    assert naive.upload_timestamp == datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
