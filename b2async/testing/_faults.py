"""Fault injection for the B2 emulator, described as data.

A :class:`FaultPlan` holds rules ("fail the next 2 ``b2_upload_part`` calls with 503", "answer
10% of all calls with 429 and ``Retry-After: 1``") and decides, per request, whether a fault
applies. Decisions are deterministic: probabilities draw from a ``random.Random`` seeded from the
plan's seed and the rule's position, and counters are exact, so a failing test replays the same
way every time.

The emulator core consults :meth:`FaultPlan.decide` once per request and applies ``"status"`` and
``"expire_token"`` faults itself; ``"drop"`` and ``"stall"`` are applied by the front doors (the
in-process httpx transport and the ASGI app), because they are about the connection, not the
answer.

Real B2 also honours an ``X-Bz-Test-Mode`` request header (``fail_some_uploads``,
``expire_some_account_authorization_tokens``, ``force_cap_exceeded``); the plan reproduces those
modes deterministically (every third eligible call fails), so clients can exercise their retry
paths against the emulator the same way they would against B2.

Example::

    emulator.faults.add("b2_upload_part", Fault(kind="status", status=503), times=2)
    emulator.faults.add("*", Fault.error(429, retry_after=1.0), probability=0.1)
    ...
    assert [endpoint for endpoint, _ in emulator.faults.injected] == [...]
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from random import Random
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["TEST_MODE_HEADER", "Fault", "FaultKind", "FaultPlan"]

FaultKind = Literal["status", "expire_token", "drop", "stall"]

#: The request header real B2 reads for its testing aids.
TEST_MODE_HEADER = "x-bz-test-mode"

# Error codes B2 sends with these statuses; used when a status fault leaves ``code`` at its
# default so that ``Fault(kind="status", status=500)`` answers like B2 would.
_DEFAULT_CODES: dict[int, tuple[str, str]] = {
    400: ("bad_request", "Bad request (injected fault)"),
    401: ("expired_auth_token", "Authorization token has expired (injected fault)"),
    403: ("transaction_cap_exceeded", "Transaction cap exceeded (injected fault)"),
    408: ("request_timeout", "The service timed out reading the request (injected fault)"),
    429: ("too_many_requests", "Too many requests (injected fault)"),
    500: ("internal_error", "Internal server error (injected fault)"),
    503: ("service_unavailable", "Service unavailable (injected fault)"),
}
_DEFAULT_CODE = "service_unavailable"

# Endpoints that carry file data up; X-Bz-Test-Mode fail_some_uploads applies to them.
_UPLOAD_ENDPOINTS = frozenset({"b2_upload_file", "b2_upload_part"})
_DOWNLOAD_ENDPOINTS = frozenset({"b2_download_file_by_name", "b2_download_file_by_id"})
# Every n-th eligible call fails under an X-Bz-Test-Mode mode (deterministic "some").
_TEST_MODE_PERIOD = 3


@dataclass(frozen=True)
class Fault:
    """One fault to inject.

    Attributes:
        kind: ``"status"`` answers an error (``status``/``code``/``message``, plus a
            ``Retry-After`` header when ``retry_after`` is set); ``"expire_token"`` answers
            401 ``expired_auth_token``; ``"drop"`` breaks the connection part-way through the
            response body; ``"stall"`` delays the response by ``stall_seconds`` (past a
            client's read timeout).
        status: HTTP status for ``"status"`` faults.
        code: B2 error code; when left at the default it is derived from ``status``
            (500 → ``internal_error``, 429 → ``too_many_requests``, 408 → ``request_timeout``…).
        message: Error message; a descriptive default is used when empty.
        retry_after: Seconds for a ``Retry-After`` response header (429/503), or ``None``.
        stall_seconds: How long a ``"stall"`` fault sleeps before answering.
    """

    kind: FaultKind
    status: int = 503
    code: str = _DEFAULT_CODE
    message: str = ""
    retry_after: float | None = None
    stall_seconds: float = 30.0

    def __post_init__(self) -> None:
        if self.kind not in ("status", "expire_token", "drop", "stall"):
            raise ValueError(f"unknown fault kind {self.kind!r}")
        if self.kind == "expire_token":
            object.__setattr__(self, "status", 401)
            if self.code == _DEFAULT_CODE:
                object.__setattr__(self, "code", "expired_auth_token")
        if self.code == _DEFAULT_CODE and self.status in _DEFAULT_CODES:
            object.__setattr__(self, "code", _DEFAULT_CODES[self.status][0])
        if not self.message:
            default = _DEFAULT_CODES.get(self.status, ("", f"{self.code} (injected fault)"))[1]
            object.__setattr__(self, "message", default)
        if self.retry_after is not None and self.retry_after < 0:
            raise ValueError("retry_after must be >= 0")
        if self.stall_seconds < 0:
            raise ValueError("stall_seconds must be >= 0")

    @classmethod
    def error(
        cls,
        status: int = 503,
        code: str | None = None,
        message: str = "",
        *,
        retry_after: float | None = None,
    ) -> Fault:
        """An error answer, e.g. ``Fault.error(429, retry_after=1.0)``."""
        return cls("status", status, code or _DEFAULT_CODE, message, retry_after)

    @classmethod
    def expired_token(cls) -> Fault:
        """A 401 ``expired_auth_token`` answer (clients should re-authorize and replay)."""
        return cls("expire_token")

    @classmethod
    def dropped(cls) -> Fault:
        """A connection broken part-way through the response body."""
        return cls("drop", status=0, code="connection_dropped", message="connection dropped")

    @classmethod
    def stalled(cls, seconds: float = 30.0) -> Fault:
        """A response delayed by ``seconds`` (use a client timeout shorter than this)."""
        return cls("stall", status=0, code="stalled", message="stalled", stall_seconds=seconds)

    @property
    def headers(self) -> list[tuple[str, str]]:
        """Extra response headers for an error answer (``Retry-After`` when set)."""
        if self.retry_after is None:
            return []
        # B2 sends whole seconds; keep fractional values for fast tests.
        value = self.retry_after
        text = str(int(value)) if float(value).is_integer() else repr(float(value))
        return [("retry-after", text)]

    def body(self) -> dict[str, object]:
        """The B2 JSON error body for this fault (``status``, ``code``, ``message``)."""
        return {"status": self.status, "code": self.code, "message": self.message}


@dataclass
class _Rule:
    endpoint: str
    fault: Fault
    times: int | None
    probability: float | None
    after: int
    rng: Random
    seen: int = 0
    fired: int = 0

    def matches(self, endpoint: str) -> bool:
        return self.endpoint in ("*", endpoint)

    def exhausted(self) -> bool:
        return self.times is not None and self.fired >= self.times

    def consider(self) -> bool:
        """Count one matching call and say whether the rule fires on it."""
        if self.exhausted():
            return False
        self.seen += 1
        if self.seen <= self.after:
            return False
        if self.probability is not None and self.rng.random() >= self.probability:
            return False
        self.fired += 1
        return True


@dataclass
class _ModeCounters:
    uploads: int = 0
    expiries: int = 0
    caps: int = 0


class FaultPlan:
    """Seeded, deterministic fault rules consulted by the emulator for every request.

    Rules are checked in the order they were added; the first one that fires wins. Every
    injected fault is recorded in :attr:`injected` as ``(endpoint, fault)``.

    The plan is guarded by a lock, so it can be changed from a test while the emulator serves
    requests on another thread (see :func:`b2async.testing.serve`).
    """

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.injected: list[tuple[str, Fault]] = []
        self._rules: list[_Rule] = []
        self._modes = _ModeCounters()
        self._added = 0
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        with self._lock:
            return (
                f"FaultPlan(seed={self.seed}, rules={len(self._rules)}, "
                f"injected={len(self.injected)})"
            )

    def add(
        self,
        endpoint: str,
        fault: Fault,
        *,
        times: int | None = None,
        probability: float | None = None,
        after: int = 0,
    ) -> None:
        """Inject ``fault`` into calls of ``endpoint`` (an API name such as ``"b2_upload_part"``,
        ``"b2_download_file_by_name"``, or ``"*"`` for every call).

        Args:
            endpoint: Endpoint name, or ``"*"``.
            fault: What to inject.
            times: Fire at most this many times (``None``: no limit).
            probability: Fire on each eligible call with this probability, drawn from a
                generator seeded by the plan's seed (``None``: every eligible call).
            after: Let the first ``after`` matching calls through untouched.
        """
        if times is not None and times < 0:
            raise ValueError("times must be >= 0")
        if probability is not None and not 0.0 <= probability <= 1.0:
            raise ValueError("probability must be between 0 and 1")
        if after < 0:
            raise ValueError("after must be >= 0")
        with self._lock:
            # Each rule draws from its own generator so adding a rule for another endpoint does
            # not shift this rule's decisions.
            rng = Random(f"{self.seed}:{self._added}:{endpoint}")
            self._added += 1
            self._rules.append(_Rule(endpoint, fault, times, probability, after, rng))

    def decide(self, endpoint: str, headers: Mapping[str, str]) -> Fault | None:
        """Return the fault to inject into this call of ``endpoint``, or ``None``.

        Also honours the ``X-Bz-Test-Mode`` request header (looked up case-insensitively).
        A returned fault is recorded in :attr:`injected`.
        """
        mode = _test_mode(headers)
        with self._lock:
            fault = self._from_rules(endpoint)
            if fault is None and mode:
                fault = self._from_test_mode(endpoint, mode)
            if fault is not None:
                self.injected.append((endpoint, fault))
            return fault

    def clear(self) -> None:
        """Remove every rule, reset the test-mode counters and forget recorded faults."""
        with self._lock:
            self._rules.clear()
            self._modes = _ModeCounters()
            self.injected.clear()

    @property
    def pending(self) -> bool:
        """True while some rule can still fire (a rule with ``times`` not yet used up)."""
        with self._lock:
            return any(not rule.exhausted() for rule in self._rules)

    def injected_into(self, endpoint: str) -> list[Fault]:
        """The faults injected so far into calls of ``endpoint``."""
        with self._lock:
            return [fault for name, fault in self.injected if name == endpoint]

    def _from_rules(self, endpoint: str) -> Fault | None:
        for rule in self._rules:
            if rule.matches(endpoint) and rule.consider():
                return rule.fault
        return None

    def _from_test_mode(self, endpoint: str, mode: str) -> Fault | None:
        if endpoint == "b2_authorize_account":
            return None  # B2's modes disturb API calls, not the authorization itself
        if mode == "fail_some_uploads" and endpoint in _UPLOAD_ENDPOINTS:
            self._modes.uploads += 1
            if self._modes.uploads % _TEST_MODE_PERIOD == 0:
                return Fault.error(503, message="fail_some_uploads: artificial upload failure")
        elif mode == "expire_some_account_authorization_tokens" and endpoint not in (
            _UPLOAD_ENDPOINTS  # uploads use upload tokens, not the account token
        ):
            self._modes.expiries += 1
            if self._modes.expiries % _TEST_MODE_PERIOD == 0:
                return Fault.expired_token()
        elif mode == "force_cap_exceeded":
            self._modes.caps += 1
            return _cap_fault(endpoint)
        return None


def _cap_fault(endpoint: str) -> Fault:
    """The 403 B2 sends when an account cap is exceeded for this kind of call."""
    if endpoint in _UPLOAD_ENDPOINTS:
        return Fault.error(403, "storage_cap_exceeded", "Cannot upload, storage cap exceeded.")
    if endpoint in _DOWNLOAD_ENDPOINTS:
        return Fault.error(403, "download_cap_exceeded", "Cannot download, download cap exceeded.")
    return Fault.error(403, "transaction_cap_exceeded", "Transaction cap exceeded.")


def _test_mode(headers: Mapping[str, str]) -> str:
    value = headers.get(TEST_MODE_HEADER)
    if value is None:
        for name, candidate in headers.items():
            if name.lower() == TEST_MODE_HEADER:
                value = candidate
                break
    return (value or "").strip().lower()
