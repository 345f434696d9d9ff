"""Checks of the verbs' other arguments: ids, counts, flags, content types, bucket settings,
encryption and Object Lock inputs.

Each ``validate_*`` raises :class:`~b2async._errors.B2ValidationError` whose ``rule`` is the
argument's name (``"file_id"``, ``"parts_in_flight"``...), before any request. They check only
what B2 documents, or what the client itself needs (a count of 1 or more), and leave anything
the spec is unsure about to B2. Names, file info, bucket names, ranges and part sizes, B2's
own data rules, are in :mod:`b2async._validation`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

from pydantic import BaseModel

from b2async._errors import B2ValidationError
from b2async._models import Retention, SseB2, SseC

__all__ = [
    "SETTABLE_BUCKET_TYPES",
    "validate_bucket_info",
    "validate_bucket_type",
    "validate_bucket_types",
    "validate_content_type",
    "validate_count",
    "validate_default_sse",
    "validate_flag",
    "validate_id",
    "validate_ids",
    "validate_json_object",
    "validate_json_objects",
    "validate_legal_hold",
    "validate_metadata_directive",
    "validate_optional_int",
    "validate_optional_str",
    "validate_retention",
    "validate_sse",
]

_T = TypeVar("_T")

#: The bucket types ``b2_create_bucket`` / ``b2_update_bucket`` accept (spec §4.1); the others
#: (``restricted``, ``snapshot``, ``shared``...) only appear in listings.
SETTABLE_BUCKET_TYPES = frozenset({"allPublic", "allPrivate"})
_METADATA_DIRECTIVES = ("COPY", "REPLACE")


def _shown(value: object) -> str:
    # Messages quote the bad value, but never a whole megabyte of it.
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def validate_id(value: object, name: str) -> str:
    """Check an id B2 assigned (file, bucket or key id): a non-empty ``str``; return it.

    B2's ids are opaque, so nothing else about them is checked.

    Raises:
        B2ValidationError: rule ``name``.
    """
    if not isinstance(value, str) or not value:
        raise B2ValidationError(
            f"{name} must be a non-empty str (rule {name}), got {_shown(value)}", rule=name
        )
    return value


def validate_ids(values: Sequence[str] | None, name: str) -> list[str] | None:
    """Check a list of ids (``None`` passes through); a lone ``str`` is refused, not split.

    Raises:
        B2ValidationError: rule ``name``.
    """
    if values is None:
        return None
    if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, set, frozenset)):
        raise B2ValidationError(
            f"{name} must be a list of ids (rule {name}), got {_shown(values)}", rule=name
        )
    return [validate_id(value, name) for value in values]


def validate_optional_str(value: str | None, name: str) -> str | None:
    """Check that ``value`` is a ``str`` or ``None``; return it.

    Raises:
        B2ValidationError: rule ``name``.
    """
    if value is not None and not isinstance(value, str):
        raise B2ValidationError(
            f"{name} must be a str (rule {name}), got {type(value).__name__}", rule=name
        )
    return value


def validate_count(value: int, name: str, *, minimum: int = 1) -> int:
    """Check a count of the client's own (tasks, segments...): an ``int`` ≥ ``minimum``.

    A ``bool`` is refused: ``True`` would silently mean 1.

    Raises:
        B2ValidationError: rule ``name``.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise B2ValidationError(
            f"{name} must be an int (rule {name}), got {type(value).__name__}", rule=name
        )
    if value < minimum:
        raise B2ValidationError(
            f"{name} must be at least {minimum} (rule {name}), got {value}", rule=name
        )
    return value


def validate_optional_int(value: int | None, name: str, *, minimum: int = 0) -> int | None:
    """:func:`validate_count` that lets ``None`` through (for "B2's default").

    Raises:
        B2ValidationError: rule ``name``.
    """
    return None if value is None else validate_count(value, name, minimum=minimum)


def validate_flag(value: bool, name: str) -> bool:
    """Check a ``bool`` flag; a truthy string such as ``"no"`` must not turn it on.

    Raises:
        B2ValidationError: rule ``name``.
    """
    if not isinstance(value, bool):
        raise B2ValidationError(
            f"{name} must be True or False (rule {name}), got {_shown(value)}", rule=name
        )
    return value


def validate_content_type(value: str | None) -> str | None:
    """Check a content (MIME) type; ``None`` (B2 picks one) passes through.

    A MIME type is printable ASCII (RFC 2045 tokens and quoted strings), and it travels as
    an HTTP header on upload and download, so control characters and non-ASCII are refused.

    Raises:
        B2ValidationError: rule ``content_type``.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise B2ValidationError(
            f"content_type must be a str (rule content_type), got {type(value).__name__}",
            rule="content_type",
        )
    if not value:
        raise B2ValidationError(
            "content_type must not be empty; pass None to let B2 pick one (rule content_type)",
            rule="content_type",
        )
    if not (value.isascii() and value.isprintable()):
        raise B2ValidationError(
            f"content_type must be printable ASCII (rule content_type), got {_shown(value)}",
            rule="content_type",
        )
    return value


def validate_legal_hold(value: str | None) -> str | None:
    """Check a legal hold: ``"on"``, ``"off"`` or ``None``.

    Raises:
        B2ValidationError: rule ``legal_hold``.
    """
    if value is not None and value not in ("on", "off"):
        raise B2ValidationError(
            f"legal hold must be 'on' or 'off' (rule legal_hold), got {_shown(value)}",
            rule="legal_hold",
        )
    return value


def validate_retention(value: Retention | None, name: str = "retention") -> Retention | None:
    """Check an Object Lock retention: a :class:`~b2async.Retention` or ``None``.

    Raises:
        B2ValidationError: rule ``name``.
    """
    if value is not None and not isinstance(value, Retention):
        raise B2ValidationError(
            f"{name} must be a Retention(mode, retain_until) or None (rule {name}), got "
            f"{_shown(value)}",
            rule=name,
        )
    return value


def validate_sse(
    value: SseB2 | SseC | None, name: str = "sse", *, allow_sse_b2: bool = True
) -> SseB2 | SseC | None:
    """Check an encryption setting: :class:`~b2async.SseC`, :class:`~b2async.SseB2` (when
    ``allow_sse_b2``; a download or a copy source takes only an SSE-C key) or ``None``.

    Raises:
        B2ValidationError: rule ``name``.
    """
    if value is None or isinstance(value, SseC) or (allow_sse_b2 and isinstance(value, SseB2)):
        return value
    wanted = "SseB2(), SseC(key)" if allow_sse_b2 else "SseC(key)"
    raise B2ValidationError(
        f"{name} must be {wanted} or None (rule {name}), got {_shown(value)}", rule=name
    )


def validate_default_sse(value: object) -> object:
    """Check a bucket's default encryption: ``SseB2()``, ``"none"`` or ``None``.

    SSE-C cannot be a bucket default (spec §4.3); anything else was sent as ``"none"``,
    silently turning default encryption off.

    Raises:
        B2ValidationError: rule ``default_server_side_encryption``.
    """
    if value is None or value == "none" or isinstance(value, SseB2):
        return value
    raise B2ValidationError(
        "default_server_side_encryption must be SseB2() or 'none' (SSE-C cannot be a bucket "
        f"default) (rule default_server_side_encryption), got {_shown(value)}",
        rule="default_server_side_encryption",
    )


def validate_bucket_type(value: str | None) -> str | None:
    """Check a bucket type to set: ``"allPrivate"``, ``"allPublic"`` or ``None``.

    Raises:
        B2ValidationError: rule ``bucket_type``.
    """
    if value is not None and (not isinstance(value, str) or value not in SETTABLE_BUCKET_TYPES):
        raise B2ValidationError(
            "bucket_type must be 'allPrivate' or 'allPublic' (B2 sets the other types itself) "
            f"(rule bucket_type), got {_shown(value)}",
            rule="bucket_type",
        )
    return value


def validate_bucket_types(values: Sequence[str]) -> tuple[str, ...]:
    """Check the ``bucketTypes`` filter of ``b2_list_buckets`` (spec §4.4): a non-empty list
    of type names, with ``"all"`` only on its own. Unknown names are left to B2 (it promises
    new types).

    Raises:
        B2ValidationError: rule ``bucket_types``.
    """
    if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, set, frozenset)):
        raise B2ValidationError(
            f"bucket_types must be a list of type names such as ['all'] (rule bucket_types), "
            f"got {_shown(values)}",
            rule="bucket_types",
        )
    types = tuple(values)
    if not types or not all(isinstance(value, str) and value for value in types):
        raise B2ValidationError(
            "bucket_types must be a non-empty list of type names (rule bucket_types), got "
            f"{_shown(values)}",
            rule="bucket_types",
        )
    if "all" in types and len(types) > 1:
        raise B2ValidationError(
            "bucket_types 'all' cannot be mixed with other types (rule bucket_types)",
            rule="bucket_types",
        )
    return types


def validate_bucket_info(value: Mapping[str, str] | None) -> Mapping[str, str] | None:
    """Check bucket info: a mapping of ``str`` to ``str`` (``None`` passes through). Its
    entry limit is unconfirmed (spec §4.2), so B2 judges the size.

    Raises:
        B2ValidationError: rule ``bucket_info``.
    """
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise B2ValidationError(
            f"bucket_info must be a mapping of str to str (rule bucket_info), got "
            f"{type(value).__name__}",
            rule="bucket_info",
        )
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, str):
            raise B2ValidationError(
                f"bucket_info must map str to str (rule bucket_info), got {_shown(key)}: "
                f"{_shown(item)}",
                rule="bucket_info",
            )
    return value


def validate_json_object(value: _T, name: str) -> _T:
    """Check a structured request member: a model (e.g. ``CorsRule``) or a B2-shaped mapping.

    Raises:
        B2ValidationError: rule ``name``.
    """
    if value is not None and not isinstance(value, (BaseModel, Mapping)):
        raise B2ValidationError(
            f"{name} must be a model or a dict of B2's JSON members (rule {name}), got "
            f"{_shown(value)}",
            rule=name,
        )
    return value


def validate_json_objects(values: _T, name: str) -> _T:
    """Check a list of structured members (rules); ``None`` passes through, ``[]`` is valid.

    Raises:
        B2ValidationError: rule ``name``.
    """
    if values is None:
        return values
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Sequence):
        raise B2ValidationError(
            f"{name} must be a list of models or dicts (rule {name}), got {_shown(values)}",
            rule=name,
        )
    for value in values:
        if not isinstance(value, (BaseModel, Mapping)):
            raise B2ValidationError(
                f"each of {name} must be a model or a dict of B2's JSON members (rule {name}), "
                f"got {_shown(value)}",
                rule=name,
            )
    return values


def validate_metadata_directive(value: str) -> str:
    """Check a copy's ``metadata_directive``: ``"COPY"`` or ``"REPLACE"`` (exactly; spec §10.5).

    Raises:
        B2ValidationError: rule ``metadata_directive``.
    """
    if value not in _METADATA_DIRECTIVES:
        raise B2ValidationError(
            "metadata_directive must be 'COPY' or 'REPLACE' (rule metadata_directive), got "
            f"{_shown(value)}",
            rule="metadata_directive",
        )
    return value
