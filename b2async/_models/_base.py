"""Shared pieces of the wire models: the base class and the timestamp type.

Every model is frozen, ignores members it does not know (B2 adds fields over time), accepts
both the snake_case attribute names and B2's camelCase member names, and keeps its validators
cheap: :class:`~b2async._models.FileVersion` is parsed once per upload on the bulk path.
"""

from __future__ import annotations

import gc
from datetime import datetime, timedelta, timezone
from typing import Annotated, TypeVar

from pydantic import BaseModel, ConfigDict, PlainSerializer, PlainValidator
from pydantic.alias_generators import to_camel

__all__ = ["EPOCH", "B2Model", "Timestamp", "from_millis", "to_millis", "validate_page"]

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


#: An aware UTC datetime read from B2's integer milliseconds; dumps back to milliseconds in
#: JSON mode, so ``model_dump(mode="json", by_alias=True)`` reproduces the wire shape.
Timestamp = Annotated[
    datetime,
    PlainValidator(from_millis, json_schema_input_type=int),
    PlainSerializer(to_millis, return_type=int, when_used="json"),
]


class B2Model(BaseModel):
    """Base of every B2 wire model (frozen, camelCase aliases, unknown members ignored)."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        frozen=True,
        extra="ignore",
    )


M = TypeVar("M", bound=BaseModel)


def validate_page(model: type[M], body: bytes) -> M:
    """``model.model_validate_json(body)`` with the cyclic garbage collector paused.

    A 10,000-entry listing page builds ~150,000 container objects (each version is a model,
    its ``__dict__``, its fields-set and its nested retention / legal-hold / encryption
    models). None of them form reference cycles, yet while they are being built CPython's
    collector keeps triggering and walking every live object, including the previous page
    still held by the caller; measured on scenario 6 that tripled the validation time
    (≈ 28 µs instead of ≈ 8 µs per version). Validation makes no cycles and runs no user
    code, so pausing the collector for its duration is safe; it is switched back on only if
    it was on, so a program that disabled it keeps it disabled.
    """
    if not gc.isenabled():
        return model.model_validate_json(body)
    gc.disable()
    try:
        return model.model_validate_json(body)
    finally:
        gc.enable()
