"""Endpoint handlers, one module per API area.

``JSON_HANDLERS`` maps an endpoint name to a coroutine taking a :class:`~b2async.testing._call.Call`
and returning the JSON response body (errors are raised as ``ApiError``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from b2async.testing._call import Call
from b2async.testing._handlers import (
    buckets,
    files,
    keys,
    large_files,
    listing,
    notifications,
    uploads,
)

JsonHandler = Callable[[Call], Awaitable[dict[str, Any]]]

JSON_HANDLERS: dict[str, JsonHandler] = {
    **buckets.HANDLERS,
    **files.HANDLERS,
    **keys.HANDLERS,
    **large_files.HANDLERS,
    **listing.HANDLERS,
    **notifications.HANDLERS,
    **uploads.HANDLERS,
}
