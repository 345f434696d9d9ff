"""Shared pieces of the wire models: the base class and the timestamp type.

Every model is frozen, ignores members it does not know (B2 adds fields over time), accepts
both the snake_case attribute names and B2's camelCase member names, and keeps its validators
cheap: :class:`~b2async._models.FileVersion` is parsed once per upload on the bulk path.
"""

from __future__ import annotations

import gc
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias, TypeVar

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
)
from pydantic.alias_generators import to_camel

__all__ = [
    "EPOCH",
    "VALUE_CONFIG",
    "B2Model",
    "Timestamp",
    "from_millis",
    "to_millis",
    "validate_page",
]

#: 1970-01-01T00:00:00Z, the zero of B2's millisecond timestamps.
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def from_millis(value: object) -> datetime:
    """Turn B2's integer milliseconds (JSON number or header string) into an aware UTC datetime.

    Datetimes pass through; a naive one is taken to be UTC.

    Raises:
        ValueError: for anything else (pydantic reports it as a validation error).
    """
    if type(value) is int:  # the JSON case first: it runs once per listed version
        return EPOCH + timedelta(milliseconds=value)
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    if isinstance(value, int) and not isinstance(value, bool):
        return EPOCH + timedelta(milliseconds=value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return EPOCH + timedelta(milliseconds=int(value))
    if isinstance(value, float) and value.is_integer():
        return EPOCH + timedelta(milliseconds=int(value))
    raise ValueError(f"expected integer milliseconds since the epoch, got {type(value).__name__}")


def to_millis(value: datetime) -> int:
    """Milliseconds since the epoch for an aware datetime (naive ones are taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return (value - EPOCH) // timedelta(milliseconds=1)


# pydantic >= 2.12 reads integers as milliseconds natively when told to (its default infers
# seconds or milliseconds from the magnitude, which misreads B2 times before August 1970).
# That saves a Python call per timestamp, ~0.8 µs per listed file version (~12 % of a
# listing's client CPU); older pydantic gets the same results through from_millis.
_NATIVE_MILLIS = "val_temporal_unit" in ConfigDict.__annotations__
#: Configuration shared by every model (see :class:`B2Model`).
_MILLIS_CONFIG: dict[str, str] = {"val_temporal_unit": "milliseconds"} if _NATIVE_MILLIS else {}

_from_millis_validator = PlainValidator(from_millis, json_schema_input_type=int)
_millis_serializer = PlainSerializer(to_millis, return_type=int, when_used="json")

#: The timestamp type on pydantic < 2.12: every value goes through :func:`from_millis`.
_PYTHON_TIMESTAMP = Annotated[datetime, _from_millis_validator, _millis_serializer]
#: The timestamp type on pydantic >= 2.12 (with ``val_temporal_unit="milliseconds"`` in the
#: model's configuration): pydantic's aware datetime is tried first, :func:`from_millis`
#: handles what it refuses (a naive datetime, taken to be UTC).
_NATIVE_TIMESTAMP = Annotated[
    AwareDatetime | Annotated[datetime, _from_millis_validator],
    Field(union_mode="left_to_right"),
    _millis_serializer,
]

#: An aware UTC datetime read from B2's integer milliseconds; dumps back to milliseconds in
#: JSON mode, so ``model_dump(mode="json", by_alias=True)`` reproduces the wire shape. Naive
#: datetimes are taken to be UTC. Type checkers see ``datetime``.
if TYPE_CHECKING:
    Timestamp: TypeAlias = datetime
else:
    Timestamp = _NATIVE_TIMESTAMP if _NATIVE_MILLIS else _PYTHON_TIMESTAMP


class B2Model(BaseModel):
    """Base of every B2 wire model (frozen, camelCase aliases, unknown members ignored)."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        frozen=True,
        extra="ignore",
        **_MILLIS_CONFIG,  # type: ignore[typeddict-item]
    )


#: Configuration of the small value objects nested in every file version (retention, legal
#: hold, encryption). They are frozen, slotted pydantic dataclasses rather than models: a
#: model instance costs three garbage-collected objects (itself, its ``__dict__``, its
#: fields-set), a slotted dataclass one, and a listing builds four of them per version. On a
#: 10,000-version page that is 8.6 → 6.4 µs of client CPU per version, mostly collector and
#: deallocation work. Same attribute names, aliases and JSON shape as the models.
VALUE_CONFIG = ConfigDict(
    alias_generator=to_camel,
    populate_by_name=True,
    extra="ignore",
    **_MILLIS_CONFIG,  # type: ignore[typeddict-item]
)


M = TypeVar("M", bound=BaseModel)


def validate_page(model: type[M], body: bytes, *, release: list[Any] | None = None) -> M:
    """``model.model_validate_json(body)`` with the cyclic garbage collector paused.

    A 10,000-entry listing page builds ~70,000 container objects (each version is a model,
    its ``__dict__``, its fields-set and its nested retention / legal-hold / encryption
    values). None of them form reference cycles, yet while they are being built CPython's
    collector keeps triggering and walking every live object, including the previous page
    still held by the caller; measured on scenario 6 that tripled the validation time
    (≈ 28 µs instead of ≈ 8 µs per version). Validation makes no cycles and runs no user
    code, so pausing the collector for its duration is safe; it is switched back on only if
    it was on, so a program that disabled it keeps it disabled.

    Args:
        release: the previous page's items, emptied once this page is built and before the
            collector resumes. The collector runs when more tracked objects have been made
            than freed since it last ran; freeing the previous page *after* building this
            one (frees count only while that balance is above zero) keeps the balance flat,
            so no collection walks this page's objects before the caller is done with them
            (~5 % of a listing's client CPU; the price is the previous page held meanwhile).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        page = model.model_validate_json(body)
        if release is not None:
            release.clear()
        return page
    finally:
        if was_enabled:
            gc.enable()
