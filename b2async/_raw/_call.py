"""The two things every JSON endpoint coroutine does: POST a body, and turn inputs into JSON.

Kept apart so each endpoint module reads as "which members, which model" and nothing else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

from pydantic import BaseModel

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from b2async._raw._context import ApiContext

__all__ = ["JsonInput", "dump", "dump_list", "post"]

#: A structured request member given either as a model (e.g. ``CorsRule``) or as the B2 JSON
#: object itself (camelCase members).
JsonInput: TypeAlias = "BaseModel | Mapping[str, Any]"


async def post(ctx: ApiContext, endpoint: str, body: Mapping[str, object]) -> bytes:
    """POST ``body`` to ``endpoint`` with the context's token; returns the 2xx body bytes.

    Members whose value is ``None`` are omitted: B2 treats ``null`` as "absent", and leaving
    them out keeps requests small and the sent JSON exactly what the caller asked for.
    """
    return await ctx.http.call_json(
        ctx.url(endpoint),
        token=ctx.token,
        body={name: value for name, value in body.items() if value is not None},
    )


def dump(value: JsonInput) -> dict[str, Any]:
    """The B2 JSON object of a model (camelCase, ``None`` members left out) or a mapping."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_none=True)
    return dict(value)


def dump_list(values: Sequence[JsonInput] | None) -> list[dict[str, Any]] | None:
    """:func:`dump` over a sequence; ``None`` stays ``None`` (member omitted)."""
    if values is None:
        return None
    return [dump(value) for value in values]
