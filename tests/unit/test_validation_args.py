"""The argument checks of :mod:`b2async._validation` (ids, counts, flags, content types,
bucket settings), as properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from b2async import B2ValidationError, SseB2, SseC
from b2async._arguments import (
    validate_bucket_info,
    validate_bucket_type,
    validate_bucket_types,
    validate_content_type,
    validate_count,
    validate_default_sse,
    validate_flag,
    validate_id,
    validate_ids,
    validate_json_objects,
    validate_sse,
)

PRINTABLE_ASCII = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1)
NOT_PRINTABLE_ASCII = st.characters(
    blacklist_categories=("Cs",), blacklist_characters=[chr(c) for c in range(0x20, 0x7F)]
)


@given(PRINTABLE_ASCII)
def test_printable_ascii_content_types_pass(value: str) -> None:
    assert validate_content_type(value) == value


@given(st.text(), NOT_PRINTABLE_ASCII, st.text())
def test_content_type_with_control_or_non_ascii_fails(head: str, bad: str, tail: str) -> None:
    with pytest.raises(B2ValidationError) as info:
        validate_content_type(head + bad + tail)
    assert info.value.rule == "content_type"


@given(st.integers())
def test_counts(value: int) -> None:
    if value >= 1:
        assert validate_count(value, "segments") == value
    else:
        with pytest.raises(B2ValidationError, match="at least 1") as info:
            validate_count(value, "segments")
        assert info.value.rule == "segments"


@pytest.mark.parametrize("value", [True, False, 1.0, "1", None])
def test_counts_must_be_int(value: object) -> None:
    with pytest.raises(B2ValidationError, match="must be an int"):
        validate_count(value, "concurrency")  # type: ignore[arg-type]


@given(st.text(min_size=1))
def test_any_non_empty_str_is_an_id(value: str) -> None:
    assert validate_id(value, "file_id") == value


@pytest.mark.parametrize("value", ["", None, 5, b"id"])
def test_ids_are_non_empty_str(value: object) -> None:
    with pytest.raises(B2ValidationError) as info:
        validate_id(value, "file_id")
    assert info.value.rule == "file_id"


def test_id_lists_are_not_split_strings() -> None:
    assert validate_ids(("a", "b"), "bucket_ids") == ["a", "b"]
    assert validate_ids(None, "bucket_ids") is None
    for bad in ("ab", [None], [""], 5):
        with pytest.raises(B2ValidationError):
            validate_ids(bad, "bucket_ids")  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [1, 0, "true", None])
def test_flags_are_bools(value: object) -> None:
    with pytest.raises(B2ValidationError) as info:
        validate_flag(value, "resume")  # type: ignore[arg-type]
    assert info.value.rule == "resume"


def test_bucket_settings() -> None:
    assert validate_bucket_type("allPrivate") == "allPrivate"
    assert validate_bucket_type(None) is None
    for bad in ("restricted", "AllPrivate", ["allPrivate"], 1):
        with pytest.raises(B2ValidationError):
            validate_bucket_type(bad)  # type: ignore[arg-type]
    # Unknown type names are B2's to judge in a listing filter: it promises new ones.
    assert validate_bucket_types(["allPrivate", "someNewType"]) == ("allPrivate", "someNewType")
    assert validate_bucket_info({"Cache-Control": "max-age=1"}) == {"Cache-Control": "max-age=1"}
    assert validate_default_sse("none") == "none"
    assert isinstance(validate_default_sse(SseB2()), SseB2)
    assert validate_json_objects([], "cors_rules") == []
    with pytest.raises(B2ValidationError):
        validate_json_objects(({"a": 1}, "x"), "cors_rules")


def test_sse_kinds() -> None:
    key = SseC(b"k" * 32)
    assert validate_sse(key, allow_sse_b2=False) is key
    assert validate_sse(None) is None
    with pytest.raises(B2ValidationError) as info:
        validate_sse(SseB2(), "source_sse", allow_sse_b2=False)
    assert info.value.rule == "source_sse"
