"""Part planning is pure: property tests of the rules B2 imposes."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from b2async._errors import InvalidPartSize
from b2async._transfer._plan import (
    MAX_PART_SIZE,
    MAX_PARTS,
    choose_part_size,
    plan_parts,
    plan_segments,
)

sizes = st.integers(min_value=1, max_value=10_000 * MAX_PART_SIZE)
minimums = st.integers(min_value=1, max_value=100_000_000)


@settings(max_examples=300, deadline=None)
@given(size=sizes, preferred=st.integers(min_value=1, max_value=10**10), minimum=minimums)
def test_parts_cover_the_file_within_limits(size: int, preferred: int, minimum: int) -> None:
    part_size = choose_part_size(size, preferred=preferred, minimum=minimum)
    assert minimum <= part_size <= MAX_PART_SIZE or part_size == MAX_PART_SIZE
    # Planning a huge file materialises many specs; check the arithmetic on big ones.
    count = -(-size // part_size)
    assert 1 <= count <= MAX_PARTS
    if count <= 2_000:
        parts = plan_parts(size, part_size)
        assert len(parts) == count
        assert parts[0].offset == 0
        assert sum(p.length for p in parts) == size
        for before, after in itertools.pairwise(parts):
            assert before.end == after.offset
            assert before.length >= minimum
        assert all(0 < p.length <= MAX_PART_SIZE for p in parts)
        assert [p.number for p in parts] == list(range(1, count + 1))


@settings(max_examples=200, deadline=None)
@given(
    size=st.integers(min_value=0, max_value=10**9),
    segments=st.integers(1, 16),
    min_segment=st.integers(1, 10**8),
)
def test_segments_cover_the_file(size: int, segments: int, min_segment: int) -> None:
    plan = plan_segments(size, segments, min_segment=min_segment)
    assert 1 <= len(plan) <= segments
    assert sum(p.length for p in plan) == size
    assert all(b.end == a.offset for b, a in itertools.pairwise(plan))
    if len(plan) > 1:
        assert min(p.length for p in plan) >= min_segment


def test_part_size_grows_to_stay_within_10000_parts() -> None:
    size = 10_000 * 100 + 1
    part_size = choose_part_size(size, preferred=100, minimum=5)
    assert part_size == 101
    assert len(plan_parts(size, part_size)) <= 10_000
    assert choose_part_size(size, preferred=101, minimum=5) == 101


def test_too_large_a_file_is_refused() -> None:
    with pytest.raises(InvalidPartSize):
        choose_part_size(MAX_PARTS * MAX_PART_SIZE + 1, preferred=100, minimum=5)


def test_exact_multiple_has_no_empty_part() -> None:
    assert [p.length for p in plan_parts(40, 20)] == [20, 20]
    assert [p.length for p in plan_parts(41, 20)] == [20, 20, 1]
