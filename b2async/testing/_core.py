"""The emulator core: routes an :class:`EmuRequest` to a handler and renders the answer.

Routes (any API version ``vN``):

* ``/b2api/vN/b2_authorize_account`` (GET/POST, Basic auth)
* ``/b2api/vN/b2_<endpoint>`` JSON endpoints, POST+JSON or GET+query (``null`` == absent)
* ``/b2api/vN/b2_upload_file/<bucketId>/<id>`` and ``/b2api/vN/b2_upload_part/<fileId>/<n>``
* ``/b2api/vN/b2_download_file_by_id`` (GET/HEAD/POST) and ``/file/<bucket>/<name>`` (GET/HEAD)

Faults: the :class:`FaultPlan` is consulted once per routed request.  ``status`` and
``expire_token`` faults are answered here exactly as B2 would (``Retry-After`` included);
``drop`` and ``stall`` are attached to the response for the front door to apply.  A dropped
upload is *not* stored: the core reads part of the body and returns a placeholder 503 that the
front door truncates, like a connection reset while sending; every other dropped/stalled
request is processed first.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import TYPE_CHECKING, Any

from b2async.testing._call import Call
from b2async.testing._handlers import JSON_HANDLERS
from b2async.testing._handlers.account import authorize
from b2async.testing._handlers.downloads import download_by_id, download_by_name
from b2async.testing._handlers.uploads import upload_file, upload_part
from b2async.testing._messages import EmuRequest, EmuResponse
from b2async.testing._wire import ApiError, Params, decode, json_response

if TYPE_CHECKING:
    from b2async.testing._faults import Fault, FaultPlan
    from b2async.testing._state import State

__all__ = ["EmuRequest", "EmuResponse", "EmulatorCore"]

_API = re.compile(r"^/b2api/v(\d+)/(b2_[a-z0-9_]+)(?:/(.*))?$")
_FILE = re.compile(r"^/file/([^/]+)/(.+)$")
_UPLOADS = frozenset({"b2_upload_file", "b2_upload_part"})


class EmulatorCore:
    """Serves every B2 endpoint from an in-memory :class:`State`.

    Attributes:
        state: The emulated account.
        faults: The fault plan consulted per request.
        calls: Number of requests routed to each endpoint (``"b2_list_file_names"`` ...).
    """

    def __init__(self, state: State, faults: FaultPlan) -> None:
        self.state = state
        self.faults = faults
        self.calls: Counter[str] = Counter()

    async def handle(self, request: EmuRequest) -> EmuResponse:
        """Answer one request (never raises for B2-level errors)."""
        head = request.method == "HEAD"
        path = request.url.raw_path.decode("ascii", "replace").split("?", 1)[0]
        endpoint, version, rest = _route(path)
        if not endpoint:
            return ApiError(404, "not_found", f"Not found: {path}").response(head=head)
        self.calls[endpoint] += 1
        fault = self.faults.decide(endpoint, request.headers)
        if fault is not None and fault.kind in ("status", "expire_token"):
            response = self._fault_answer(fault, request, head=head)
        elif fault is not None and fault.kind == "drop" and endpoint in _UPLOADS:
            await _read_some(request)
            # The front door breaks the connection; this answer is never delivered whole.
            response = ApiError(503, "service_unavailable", "connection dropped").response()
        else:
            try:
                response = await self._dispatch(request, endpoint, version, rest)
            except ApiError as error:
                response = error.response(head=head)
        response.endpoint = endpoint
        if fault is not None and fault.kind in ("drop", "stall"):
            response.fault = fault
        return response

    def _fault_answer(self, fault: Fault, request: EmuRequest, *, head: bool) -> EmuResponse:
        if fault.kind == "expire_token":
            token = (request.headers.get("authorization") or "").strip()
            if token in self.state.tokens:
                self.state.tokens[token].expired = True
            elif token in self.state.upload_slots:
                self.state.upload_slots[token].expired = True
            error = ApiError(401, "expired_auth_token", "Authorization token has expired")
            return error.response(head=head)
        return ApiError(fault.status, fault.code, fault.message, fault.headers).response(head=head)

    async def _dispatch(
        self, request: EmuRequest, endpoint: str, version: int, rest: str
    ) -> EmuResponse:
        method = request.method
        url = request.url
        base_url = f"{url.scheme}://{url.netloc.decode('ascii')}"
        if endpoint == "b2_download_file_by_name":
            _allow(method, "GET", "HEAD")
            bucket_name, _, raw_name = rest.partition("/")
            return await download_by_name(
                self.state, request, decode(bucket_name), decode(raw_name)
            )
        if endpoint == "b2_authorize_account":
            _allow(method, "GET", "POST")
            return json_response(authorize(self.state, request, version, base_url))
        if endpoint == "b2_upload_file":
            _allow(method, "POST")
            return await upload_file(self.state, request, rest.split("/", 1)[0])
        if endpoint == "b2_upload_part":
            _allow(method, "POST")
            return await upload_part(self.state, request, decode(rest.split("/", 1)[0]))
        if endpoint == "b2_download_file_by_id":
            _allow(method, "GET", "HEAD", "POST")
            params = await _params(request)
            return await download_by_id(self.state, request, params.text("fileId"))
        handler = JSON_HANDLERS.get(endpoint)
        if handler is None:
            raise ApiError(404, "not_found", f"Unknown endpoint: {endpoint}")
        _allow(method, "GET", "POST")
        call = Call(self.state, request, endpoint, version, await _params(request), base_url)
        return json_response(await handler(call))


def _route(path: str) -> tuple[str, int, str]:
    """``(endpoint, version, rest of path)``; endpoint "" when nothing matches."""
    match = _API.match(path)
    if match is not None:
        return match.group(2), int(match.group(1)), match.group(3) or ""
    match = _FILE.match(path)
    if match is not None:
        return "b2_download_file_by_name", 0, f"{match.group(1)}/{match.group(2)}"
    return "", 0, ""


def _allow(method: str, *allowed: str) -> None:
    if method not in allowed:
        raise ApiError(405, "method_not_allowed", f"Only {'/'.join(allowed)} is supported")


async def _params(request: EmuRequest) -> Params:
    """JSON body members for POST, query parameters otherwise."""
    if request.method == "POST":
        chunks = [chunk async for chunk in request.body]
        raw = b"".join(chunks)
        if raw.strip():
            try:
                body: Any = json.loads(raw)
            except ValueError as exc:
                raise ApiError(400, "bad_json", f"Invalid JSON: {exc}") from exc
            if not isinstance(body, dict):
                raise ApiError(400, "bad_json", "The request body must be a JSON object")
            if request.url.query:
                body = {**dict(request.url.params), **body}
            return Params(body, from_query=False)
    return Params(dict(request.url.params), from_query=True)


async def _read_some(request: EmuRequest) -> None:
    """Consume about half of a request body (a connection reset mid-upload)."""
    declared = request.headers.get("content-length", "")
    target = int(declared) // 2 if declared.isdigit() else 0
    seen = 0
    async for chunk in request.body:
        seen += len(chunk)
        if seen >= target:
            break
