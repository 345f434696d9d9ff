"""Pure part planning for large files (uploads, copies and parallel downloads).

Nothing here does I/O; every function is a total function of its arguments so that the
planning rules can be property-tested on their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from b2async._errors import InvalidPartSize

__all__ = [
    "MAX_PARTS",
    "MAX_PART_SIZE",
    "PartSpec",
    "choose_part_size",
    "plan_parts",
    "plan_segments",
]

#: B2 accepts at most 10,000 parts per large file.
MAX_PARTS = 10_000
#: B2's largest part (decimal, as B2 counts): 5 GB.
MAX_PART_SIZE = 5_000_000_000


@dataclass(frozen=True, slots=True)
class PartSpec:
    """One part (or download segment) of a file.

    Attributes:
        number: the 1-based part number B2 expects.
        offset: the first byte of the part in the file.
        length: the number of bytes in the part.
    """

    number: int
    offset: int
    length: int

    @property
    def end(self) -> int:
        """The offset one past the last byte of the part."""
        return self.offset + self.length


def choose_part_size(
    size: int | None,
    *,
    preferred: int,
    minimum: int,
    maximum: int = MAX_PART_SIZE,
) -> int:
    """The part size to use for a file of ``size`` bytes.

    Starts from ``preferred`` (the account's ``recommendedPartSize`` or the caller's choice),
    raises it to ``minimum`` (``absoluteMinimumPartSize``) and grows it just enough that the
    file fits in :data:`MAX_PARTS` parts.

    Raises:
        InvalidPartSize: the file cannot be split within B2's limits (over 10,000 parts of 5 GB).
    """
    if minimum < 1 or maximum < minimum:
        raise InvalidPartSize(f"bad part-size limits {minimum}..{maximum}", rule="limits")
    part_size = max(preferred, minimum)
    if size is not None and size > part_size * MAX_PARTS:
        part_size = -(-size // MAX_PARTS)
    if part_size > maximum:
        if size is not None and size > maximum * MAX_PARTS:
            raise InvalidPartSize(
                f"a file of {size} bytes does not fit in {MAX_PARTS} parts of at most "
                f"{maximum} bytes",
                rule="too_large",
            )
        part_size = maximum
    return part_size


def plan_parts(size: int, part_size: int) -> list[PartSpec]:
    """Split ``size`` bytes into parts of ``part_size`` bytes (the last one may be shorter).

    A final remainder smaller than a part is kept as its own (short) last part, which B2
    allows; a file that is an exact multiple has no empty trailing part.

    Raises:
        InvalidPartSize: ``part_size`` is not positive or the plan would exceed 10,000 parts.
    """
    if part_size < 1:
        raise InvalidPartSize(f"part size must be positive, got {part_size}", rule="positive")
    if size < 0:
        raise InvalidPartSize(f"size must not be negative, got {size}", rule="size")
    count = max(1, -(-size // part_size))
    if count > MAX_PARTS:
        raise InvalidPartSize(f"{count} parts exceed B2's limit of {MAX_PARTS}", rule="count")
    return [
        PartSpec(number=i + 1, offset=i * part_size, length=min(part_size, size - i * part_size))
        for i in range(count)
    ]


def plan_segments(size: int, segments: int, *, min_segment: int) -> list[PartSpec]:
    """Split a download of ``size`` bytes into at most ``segments`` ranges.

    No segment is smaller than ``min_segment`` (except a file smaller than that, which gets
    one segment), so small files are fetched with a single request.
    """
    if size <= 0:
        return [PartSpec(number=1, offset=0, length=max(size, 0))]
    count = max(1, min(segments, size // max(1, min_segment)))
    base, extra = divmod(size, count)
    specs: list[PartSpec] = []
    offset = 0
    for i in range(count):
        length = base + (1 if i < extra else 0)
        specs.append(PartSpec(number=i + 1, offset=offset, length=length))
        offset += length
    return specs
