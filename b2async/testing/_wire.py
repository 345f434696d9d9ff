"""B2's wire conventions: error bodies, JSON responses, percent-encoding, parameter reading.

Everything the handlers need to speak B2's dialect lives here: the exact JSON error body
``{"status", "code", "message"}``, the ``application/json;charset=UTF-8`` responses and the
``unquote_plus``/``quote`` encoding rules of spec section 6.2.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote_plus

from b2async.testing._messages import EmuResponse

if TYPE_CHECKING:
    from collections.abc import Mapping

JSON_HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Type", "application/json;charset=UTF-8"),
    ("Cache-Control", "max-age=0, no-cache, no-store"),
)

# Characters B2 leaves unencoded besides letters and digits (spec 6.2, "minimally encoded"
# set minus "+", which must be sent as %2B because "+" decodes to a space).
_SAFE = "/-._~!$'()*;=:@"


class ApiError(Exception):
    """A B2 error answer; raised anywhere in a handler, rendered by the core."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str = "",
        headers: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or []

    def response(self, *, head: bool = False) -> EmuResponse:
        """Render as B2 does; HEAD answers carry no body (spec 11.5)."""
        body = json.dumps({"status": self.status, "code": self.code, "message": self.message})
        data = body.encode()
        headers = [*JSON_HEADERS, ("Content-Length", str(len(data))), *self.headers]
        if head:
            return EmuResponse(self.status, [h for h in headers if h[0] != "Content-Length"], b"")
        return EmuResponse(self.status, headers, data)


def bad_request(message: str, code: str = "bad_request") -> ApiError:
    """400 with ``code`` (default ``bad_request``)."""
    return ApiError(400, code, message)


def unauthorized(message: str = "") -> ApiError:
    """401 ``unauthorized``: the token is valid but not allowed to do this."""
    return ApiError(
        401,
        "unauthorized",
        message or "auth token is valid but does not allow this call with these parameters",
    )


class EncodedArray(list[bytes]):
    """A JSON array whose items are already encoded (a listing's cached file versions)."""


def json_response(body: Mapping[str, Any], status: int = 200) -> EmuResponse:
    """A JSON success response with B2's headers."""
    data = encode_json(body)
    return EmuResponse(status, [*JSON_HEADERS, ("Content-Length", str(len(data)))], data)


def encode_json(body: Mapping[str, Any]) -> bytes:
    """``json.dumps(body)``, with :class:`EncodedArray` members spliced in as they are."""
    if not any(isinstance(value, EncodedArray) for value in body.values()):
        return json.dumps(body).encode()
    members = [
        json.dumps(key).encode()
        + b": "
        + (
            b"[" + b", ".join(value) + b"]"
            if isinstance(value, EncodedArray)
            else json.dumps(value).encode()
        )
        for key, value in body.items()
    ]
    return b"{" + b", ".join(members) + b"}"


def encode(text: str) -> str:
    """Percent-encode for headers/URLs; never emits a raw ``+``."""
    return quote(text.encode("utf-8"), safe=_SAFE)


def decode(text: str) -> str:
    """Decode B2 percent-encoding (``+`` is a space, ``%2B`` a plus)."""
    return unquote_plus(text)


class Params:
    """Request parameters from a JSON body or a query string; ``null`` means absent."""

    def __init__(self, values: Mapping[str, Any], *, from_query: bool) -> None:
        self._values = {k: v for k, v in values.items() if v is not None}
        self._from_query = from_query

    def __contains__(self, name: str) -> bool:
        return name in self._values

    def raw(self, name: str) -> Any:
        """The value as sent (after JSON decoding of structured query values)."""
        value = self._values.get(name)
        if self._from_query and isinstance(value, str) and value[:1] in ("[", "{"):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    def text(self, name: str, *, required: bool = False) -> str | None:
        """A string parameter; 400 when required and missing or not a string."""
        value = self._values.get(name)
        if value is None:
            if required:
                raise bad_request(f"required field {name} is missing")
            return None
        if not isinstance(value, str):
            raise bad_request(f"{name} must be a string")
        return value

    def req(self, name: str) -> str:
        """A required string parameter."""
        value = self.text(name, required=True)
        assert value is not None
        return value

    def integer(self, name: str, *, default: int | None = None) -> int | None:
        """An integer parameter (JSON number or decimal query string)."""
        value = self._values.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            raise bad_request(f"{name} must be an integer")
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.lstrip("-").isdigit():
            return int(value)
        raise bad_request(f"{name} must be an integer")

    def boolean(self, name: str, *, default: bool = False) -> bool:
        """A boolean parameter (JSON bool or ``true``/``false`` query string)."""
        value = self._values.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise bad_request(f"{name} must be a boolean")

    def obj(self, name: str) -> dict[str, Any] | None:
        """A JSON object parameter."""
        value = self.raw(name)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise bad_request(f"{name} must be an object")
        return value

    def array(self, name: str) -> list[Any] | None:
        """A JSON array parameter (a query value may also be comma-separated)."""
        value = self.raw(name)
        if value is None:
            return None
        if isinstance(value, str) and self._from_query:
            return [v for v in value.split(",") if v]
        if not isinstance(value, list):
            raise bad_request(f"{name} must be an array")
        return value
