"""The (status, code) → class table, error-body parsing, redaction and pickling."""

from __future__ import annotations

import pickle
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import httpx
import pytest

from b2async._errors import (
    ERROR_CLASSES,
    STATUS_CLASSES,
    B2APIError,
    B2ConnectionError,
    B2Error,
    B2TimeoutError,
    B2TransportError,
    BadRequest,
    ChecksumMismatch,
    Conflict,
    ExpiredAuthToken,
    Forbidden,
    InternalError,
    InvalidAuthToken,
    NotFound,
    RangeNotSatisfiable,
    RequestTimeout,
    ServerError,
    ServiceUnavailable,
    TooManyRequests,
    TruncatedDownload,
    Unauthorized,
    UploadTokenUsedConcurrently,
    error_from_response,
    redact,
)

TOKEN = "4_0022623512fc8f80000000001_01a5c1f0_cf9f5d_upld_Xy7sQ0m1PqRtUvWz9aBcDe=="


def body(status: int, code: str, message: str = "") -> dict[str, object]:
    return {"status": status, "code": code, "message": message}


@pytest.mark.parametrize(("status", "code"), sorted(ERROR_CLASSES))
def test_every_known_code_maps_to_its_class(status: int, code: str) -> None:
    error = error_from_response(status, body(status, code, "why"))
    assert type(error) is ERROR_CLASSES[(status, code)]
    assert (error.status, error.code, error.message) == (status, code, "why")


@pytest.mark.parametrize("status", sorted(STATUS_CLASSES))
def test_unknown_code_falls_back_to_the_class_of_its_status(status: int) -> None:
    error = error_from_response(status, body(status, "brand_new_code"))
    assert type(error) is STATUS_CLASSES[status]
    assert error.code == "brand_new_code"


@pytest.mark.parametrize("status", [501, 502, 504, 507, 599])
def test_unknown_5xx_is_a_server_error(status: int) -> None:
    error = error_from_response(status, body(status, "mystery"))
    assert type(error) is ServerError
    assert error.retryable


def test_unknown_4xx_is_the_base_api_error() -> None:
    error = error_from_response(418, body(418, "teapot"))
    assert type(error) is B2APIError
    assert not error.retryable


def test_http_status_wins_over_the_status_member() -> None:
    error = error_from_response(503, body(400, "bad_request", "Timed out while iterating"))
    assert isinstance(error, ServiceUnavailable)
    assert error.status == 503


@pytest.mark.parametrize(
    "raw",
    [b"<html><body>502 Bad Gateway</body></html>", "<html>oops</html>", b"", None, [1, 2]],
)
def test_non_json_body_gets_code_non_json_response(raw: object) -> None:
    error = error_from_response(502, raw)
    assert error.code == "non_json_response"
    assert isinstance(error, ServerError)
    if isinstance(raw, bytes) and raw:
        assert "502 Bad Gateway" in error.message


def test_request_id_and_retry_after_seconds_are_parsed() -> None:
    headers = httpx.Headers({"X-Bz-Request-Id": "abc123", "Retry-After": "7"})
    error = error_from_response(429, body(429, "too_many_requests"), headers)
    assert isinstance(error, TooManyRequests)
    assert error.request_id == "abc123"
    assert error.retry_after == 7.0
    assert "abc123" in str(error)


def test_retry_after_http_date_is_parsed() -> None:
    future = datetime.now(timezone.utc) + timedelta(hours=1)
    headers = httpx.Headers({"Retry-After": format_datetime(future, usegmt=True)})
    error = error_from_response(503, body(503, "service_unavailable"), headers)
    assert error.retry_after is not None
    assert 3000 < error.retry_after <= 3600


def test_retry_after_in_the_past_is_zero_and_garbage_is_ignored() -> None:
    past = error_from_response(
        503, None, httpx.Headers({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
    )
    assert past.retry_after == 0.0
    garbage = error_from_response(503, None, httpx.Headers({"Retry-After": "soon"}))
    assert garbage.retry_after is None


@pytest.mark.parametrize(
    ("error", "retryable"),
    [
        (RequestTimeout(408, "request_timeout"), True),
        (TooManyRequests(429, "too_many_requests"), True),
        (InternalError(500, "internal_error"), True),
        (ServiceUnavailable(503, "service_unavailable"), True),
        (ServerError(504, "gateway_timeout"), True),
        (B2ConnectionError("connection reset"), True),
        (B2TimeoutError("read timed out"), True),
        (ChecksumMismatch("sha1", expected="a", actual="b"), True),
        (TruncatedDownload("short", expected=10, received=5), True),
        (BadRequest(400, "bad_request"), False),
        (Unauthorized(401, "unauthorized"), False),
        (ExpiredAuthToken(401, "expired_auth_token"), False),
        (Forbidden(403, "access_denied"), False),
        (NotFound(404, "not_found"), False),
        (Conflict(409, "conflict"), False),
        (RangeNotSatisfiable(416, "range_not_satisfiable"), False),
    ],
)
def test_retryable_flags(error: B2Error, retryable: bool) -> None:
    assert error.retryable is retryable


def test_invalid_auth_tokens_are_unauthorized() -> None:
    error = error_from_response(401, body(401, "bad_auth_token"))
    assert isinstance(error, InvalidAuthToken)
    assert isinstance(error, Unauthorized)


def test_messages_are_scrubbed_of_tokens() -> None:
    message = f"more than one upload using auth token {TOKEN}"
    error = error_from_response(400, body(400, "auth_token_limit", message))
    assert isinstance(error, UploadTokenUsedConcurrently)
    for text in (str(error), repr(error), error.message, str(error.args)):
        assert TOKEN not in text
    assert error.message == "more than one upload using auth token <redacted>"
    assert redact(f"a {TOKEN} b") == "a <redacted> b"


def test_non_json_bodies_are_scrubbed_too() -> None:
    error = error_from_response(500, f"proxy echoed {TOKEN}".encode())
    assert TOKEN not in str(error)


@pytest.mark.parametrize(("status", "code"), sorted(ERROR_CLASSES))
def test_api_errors_pickle(status: int, code: str) -> None:
    headers = httpx.Headers({"x-bz-request-id": "rid", "retry-after": "3"})
    error = error_from_response(status, body(status, code, "msg"), headers)
    clone = pickle.loads(pickle.dumps(error))
    assert type(clone) is type(error)
    assert (clone.status, clone.code, clone.message, clone.request_id, clone.retry_after) == (
        status,
        code,
        "msg",
        "rid",
        3.0,
    )
    assert str(clone) == str(error)


@pytest.mark.parametrize("cls", [B2ConnectionError, B2TimeoutError])
def test_transport_errors_pickle(cls: type[B2TransportError]) -> None:
    clone = pickle.loads(pickle.dumps(cls("GET /b2api/v3/b2_list_buckets failed")))
    assert type(clone) is cls
    assert str(clone) == "GET /b2api/v3/b2_list_buckets failed"
