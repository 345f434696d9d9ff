"""Byte ranges and part sizes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from b2async._errors import InvalidPartSize, InvalidRange
from b2async._validation import (
    MAX_PART_SIZE,
    range_header,
    validate_part_number,
    validate_part_size,
    validate_range,
)


@settings(deadline=None)
@given(st.integers(min_value=0, max_value=2**50), st.integers(min_value=0, max_value=2**50))
def test_ordered_ranges_pass(first: int, length: int) -> None:
    pair = (first, first + length)
    assert validate_range(pair) == pair
    assert range_header(pair) == f"bytes={first}-{first + length}"


@settings(deadline=None)
@given(st.integers(min_value=1, max_value=2**40), st.integers(min_value=0, max_value=2**40))
def test_reversed_ranges_fail(gap: int, last: int) -> None:
    with pytest.raises(InvalidRange) as info:
        validate_range((last + gap, last))
    assert info.value.rule == "order"


@settings(deadline=None)
@given(st.integers(max_value=-1), st.integers())
def test_negative_start_fails(first: int, last: int) -> None:
    with pytest.raises(InvalidRange) as info:
        validate_range((first, last))
    assert info.value.rule in {"negative", "order"}


@pytest.mark.parametrize("bad", [(1,), (1, 2, 3), (1.0, 2), ("0", "1"), (True, 2), 5, "bytes=0-1"])
def test_malformed_ranges_fail(bad: object) -> None:
    with pytest.raises(InvalidRange) as info:
        validate_range(bad)  # type: ignore[arg-type]
    assert info.value.rule == "type"


def test_range_none_and_single_byte() -> None:
    assert validate_range(None) is None
    assert range_header((0, 0)) == "bytes=0-0"
    with pytest.raises(InvalidRange):
        range_header(None)  # type: ignore[arg-type]


@settings(deadline=None)
@given(st.integers(min_value=5_000_000, max_value=MAX_PART_SIZE))
def test_part_sizes_in_bounds_pass(size: int) -> None:
    assert validate_part_size(size, minimum=5_000_000) == size


@settings(deadline=None)
@given(st.integers(max_value=4_999_999))
def test_part_sizes_too_small_fail(size: int) -> None:
    with pytest.raises(InvalidPartSize) as info:
        validate_part_size(size, minimum=5_000_000)
    assert info.value.rule == "too_small"


@settings(deadline=None)
@given(st.integers(min_value=MAX_PART_SIZE + 1))
def test_part_sizes_too_large_fail(size: int) -> None:
    with pytest.raises(InvalidPartSize) as info:
        validate_part_size(size, minimum=5_000_000)
    assert info.value.rule == "too_large"


def test_part_size_edges() -> None:
    assert validate_part_size(100, minimum=100, maximum=100) == 100
    with pytest.raises(InvalidPartSize) as info:
        validate_part_size(5.5e6, minimum=5_000_000)  # type: ignore[arg-type]
    assert info.value.rule == "type"
    assert validate_part_number(1) == 1
    assert validate_part_number(10_000) == 10_000
    for bad in (0, 10_001, True):
        with pytest.raises(InvalidPartSize) as info:
            validate_part_number(bad)
        assert info.value.rule == "part_number"
