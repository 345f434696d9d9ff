"""The b2async error tree.

Every error raised by b2async derives from :class:`B2Error`::

    B2Error
    ├── B2ValidationError (also ValueError)     bad input, raised before any request
    │   ├── InvalidFileName
    │   ├── InvalidFileInfo
    │   ├── InvalidBucketName
    │   ├── InvalidPartSize
    │   └── InvalidRange
    ├── B2ConfigurationError                     missing credentials, insecure realm
    ├── ClientClosed (also RuntimeError)         a call after the client was closed
    ├── B2TransportError                         no HTTP answer (cause chained)   [retryable]
    │   ├── B2ConnectionError
    │   └── B2TimeoutError
    ├── ChecksumMismatch                         data did not match its SHA-1     [retryable]
    ├── TruncatedDownload                        fewer bytes than announced       [retryable]
    ├── BucketNotFound (also LookupError)        get_bucket(name) found nothing
    ├── FileNotHidden                            unhide_file on a visible name
    ├── UploadFailed                             an upload gave up after its attempts
    └── B2APIError                               B2 answered with an error body
        ├── BadRequest                    400
        │   ├── BadJson                   400 bad_json
        │   ├── BucketIdNotFound          400 bad_bucket_id / invalid_bucket_id
        │   ├── DuplicateBucketName       400 duplicate_bucket_name
        │   ├── TooManyBuckets            400 too_many_buckets
        │   ├── BucketNotEmpty            400 cannot_delete_non_empty_bucket
        │   ├── OutOfRange                400 out_of_range
        │   ├── InvalidFileId             400 invalid_file_id
        │   ├── FileNotPresent            400 no_such_file / file_not_present
        │   ├── AlreadyHidden             400 already_hidden
        │   ├── MissingPart               400 missing_part
        │   ├── PartSha1Mismatch          400 part_sha1_mismatch
        │   ├── UploadTokenUsedConcurrently 400 auth_token_limit
        │   ├── CopySourceTooBig          400 source_too_large
        │   ├── FileLockConflict          400 file_lock_conflict
        │   ├── SourceReplicationConflict 400 source_replication_conflict
        │   ├── RestrictedBucketConflict  400 restricted_bucket_conflict
        │   ├── BucketMissingFileLock     400 bucket_missing_file_lock
        │   └── EventNotificationRuleError 400 event_type_categories / event_type_overlap /
        │                                      event_types_empty / event_type_invalid
        ├── Unauthorized                  401 unauthorized (token valid, call not allowed)
        │   ├── InvalidAuthToken          401 (re-authorize and replay once)
        │   │   ├── BadAuthToken          401 bad_auth_token
        │   │   └── ExpiredAuthToken      401 expired_auth_token
        │   ├── MissingAuthToken          401 missing_auth_token
        │   ├── UnsupportedApiVersion     401 unsupported
        │   ├── EmailNotVerified          401 email_not_verified
        │   └── NoPaymentHistory          401 no_payment_history
        ├── Forbidden                     403
        │   ├── CapExceeded               403 cap_exceeded
        │   │   ├── StorageCapExceeded    403 storage_cap_exceeded
        │   │   ├── TransactionCapExceeded 403 transaction_cap_exceeded
        │   │   └── DownloadCapExceeded   403 download_cap_exceeded
        │   └── AccessDenied              403 access_denied
        ├── NotFound                      404 not_found
        ├── MethodNotAllowed              405 method_not_allowed
        ├── RequestTimeout                408 request_timeout                    [retryable]
        ├── Conflict                      409 conflict
        ├── RangeNotSatisfiable           416 range_not_satisfiable
        ├── TooManyRequests               429 too_many_requests                  [retryable]
        └── ServerError                   5xx                                    [retryable]
            ├── InternalError             500 internal_error
            └── ServiceUnavailable        503 service_unavailable

:func:`error_from_response` turns a status, an error body and the headers into the most
specific class through one table, :data:`ERROR_CLASSES`; an unknown code falls back to the
class of its status (and an unknown status to :class:`B2APIError`).

Messages never carry secrets: B2 echoes the upload token in ``auth_token_limit`` messages, so
messages are scrubbed of anything that looks like a B2 token before they are stored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar

__all__ = [
    "ERROR_CLASSES",
    "STATUS_CLASSES",
    "AccessDenied",
    "AlreadyHidden",
    "B2APIError",
    "B2ConfigurationError",
    "B2ConnectionError",
    "B2Error",
    "B2TimeoutError",
    "B2TransportError",
    "B2ValidationError",
    "BadAuthToken",
    "BadJson",
    "BadRequest",
    "BucketIdNotFound",
    "BucketMissingFileLock",
    "BucketNotEmpty",
    "BucketNotFound",
    "CapExceeded",
    "ChecksumMismatch",
    "ClientClosed",
    "Conflict",
    "CopySourceTooBig",
    "DownloadCapExceeded",
    "DuplicateBucketName",
    "EmailNotVerified",
    "EventNotificationRuleError",
    "ExpiredAuthToken",
    "FileLockConflict",
    "FileNotHidden",
    "FileNotPresent",
    "Forbidden",
    "InternalError",
    "InvalidAuthToken",
    "InvalidBucketName",
    "InvalidFileId",
    "InvalidFileInfo",
    "InvalidFileName",
    "InvalidPartSize",
    "InvalidRange",
    "MethodNotAllowed",
    "MissingAuthToken",
    "MissingPart",
    "NoPaymentHistory",
    "NotFound",
    "OutOfRange",
    "PartSha1Mismatch",
    "RangeNotSatisfiable",
    "RequestTimeout",
    "RestrictedBucketConflict",
    "ServerError",
    "ServiceUnavailable",
    "SourceReplicationConflict",
    "StorageCapExceeded",
    "TooManyBuckets",
    "TooManyRequests",
    "TransactionCapExceeded",
    "TruncatedDownload",
    "Unauthorized",
    "UnsupportedApiVersion",
    "UploadFailed",
    "UploadTokenUsedConcurrently",
    "error_from_response",
    "redact",
]


class B2Error(Exception):
    """Root of every error b2async raises."""

    #: Whether repeating the same operation may succeed.
    retryable: ClassVar[bool] = False

    def __reduce__(self) -> tuple[Any, ...]:
        # Subclasses take keyword-only arguments, which the default pickling cannot replay:
        # rebuild without calling __init__ and restore the message and attributes as they were.
        return (_rebuild_error, (type(self), self.args, self.__dict__))


def _rebuild_error(cls: type[B2Error], args: tuple[Any, ...], state: dict[str, Any]) -> B2Error:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


# --------------------------------------------------------------------------------------------
# Client-side errors


class B2ValidationError(B2Error, ValueError):
    """Input that B2 would refuse; raised before any request is made.

    Attributes:
        rule: a short, stable identifier of the rule that was broken (e.g. ``"max_bytes"``).
    """

    def __init__(self, message: str, *, rule: str) -> None:
        super().__init__(message)
        self.rule = rule


class InvalidFileName(B2ValidationError):
    """A file name breaks B2's naming rules."""


class InvalidFileInfo(B2ValidationError):
    """File info (``X-Bz-Info-*``) breaks B2's rules."""


class InvalidBucketName(B2ValidationError):
    """A bucket name breaks B2's naming rules."""


class InvalidPartSize(B2ValidationError):
    """A part size outside B2's limits."""


class InvalidRange(B2ValidationError):
    """A byte range that is not ``(first, last)`` with ``0 <= first <= last``."""


class B2ConfigurationError(B2Error):
    """The client is configured in a way that cannot work (credentials, realm, options)."""


class ClientClosed(B2Error, RuntimeError):
    """A call was made after the :class:`~b2async.B2Client` (or the httpx client lent to it)
    was closed; no request was sent. Also a ``RuntimeError``, which is what httpx raises."""


class B2TransportError(B2Error):
    """No HTTP answer was received; the underlying httpx error is chained as ``__cause__``."""

    retryable = True


class B2ConnectionError(B2TransportError):
    """The connection could not be made, or broke before the answer was complete."""


class B2TimeoutError(B2TransportError):
    """The request or the response timed out."""


class ChecksumMismatch(B2Error):
    """Data did not match its SHA-1 (upload acknowledgement or download)."""

    retryable = True

    def __init__(self, message: str, *, expected: str | None, actual: str | None) -> None:
        super().__init__(message)
        self.expected = expected
        self.actual = actual


class TruncatedDownload(B2Error):
    """A download ended before the announced number of bytes arrived."""

    retryable = True

    def __init__(self, message: str, *, expected: int, received: int) -> None:
        super().__init__(message)
        self.expected = expected
        self.received = received


class BucketNotFound(B2Error, LookupError):
    """No bucket with that name is visible to this key."""

    def __init__(self, bucket_name: str) -> None:
        super().__init__(f"bucket not found: {bucket_name!r}")
        self.bucket_name = bucket_name


class FileNotHidden(B2Error):
    """``unhide_file`` was asked for a name whose newest version is not a hide marker."""

    def __init__(self, file_name: str) -> None:
        super().__init__(f"file is not hidden: {file_name!r}")
        self.file_name = file_name


class UploadFailed(B2Error):
    """An upload (or part) still failed after every attempt; the last error is chained."""

    def __init__(self, message: str, *, attempts: int) -> None:
        super().__init__(message)
        self.attempts = attempts


# --------------------------------------------------------------------------------------------
# Errors answered by B2


class B2APIError(B2Error):
    """B2 answered with a non-2xx status.

    Attributes:
        status: the HTTP status.
        code: B2's error code (``"non_json_response"`` when the body was not B2 JSON).
        message: B2's message, scrubbed of tokens.
        request_id: the request id header, when B2 sent one.
        retry_after: seconds from the ``Retry-After`` header, when present.
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str = "",
        *,
        request_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.message = redact(message)
        self.request_id = request_id
        self.retry_after = retry_after
        super().__init__(self._describe())

    def _describe(self) -> str:
        text = f"{self.status} {self.code}"
        if self.message:
            text += f": {self.message}"
        if self.request_id:
            text += f" (request id {self.request_id})"
        return text

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"{name}(status={self.status}, code={self.code!r}, message={self.message!r})"


class BadRequest(B2APIError):
    """400: the request was malformed or not allowed as made."""


class BadJson(BadRequest):
    """400 ``bad_json``."""


class BucketIdNotFound(BadRequest):
    """400 ``bad_bucket_id`` / ``invalid_bucket_id``: no such bucket id."""


class DuplicateBucketName(BadRequest):
    """400 ``duplicate_bucket_name``: bucket names are global across all accounts."""


class TooManyBuckets(BadRequest):
    """400 ``too_many_buckets``."""


class BucketNotEmpty(BadRequest):
    """400 ``cannot_delete_non_empty_bucket``."""


class OutOfRange(BadRequest):
    """400 ``out_of_range`` (e.g. ``maxFileCount``)."""


class InvalidFileId(BadRequest):
    """400 ``invalid_file_id``."""


class FileNotPresent(BadRequest):
    """400 ``no_such_file`` / ``file_not_present``."""


class AlreadyHidden(BadRequest):
    """400 ``already_hidden``."""


class MissingPart(BadRequest):
    """400 ``missing_part``."""


class PartSha1Mismatch(BadRequest):
    """400 ``part_sha1_mismatch``."""


class UploadTokenUsedConcurrently(BadRequest):
    """400 ``auth_token_limit``: one upload at a time per upload URL."""


class CopySourceTooBig(BadRequest):
    """400 ``source_too_large``: use ``b2_copy_part`` (large-file copy) instead."""


class FileLockConflict(BadRequest):
    """400 ``file_lock_conflict``."""


class SourceReplicationConflict(BadRequest):
    """400 ``source_replication_conflict``."""


class RestrictedBucketConflict(BadRequest):
    """400 ``restricted_bucket_conflict``."""


class BucketMissingFileLock(BadRequest):
    """400 ``bucket_missing_file_lock``: the bucket does not have Object Lock enabled."""


class EventNotificationRuleError(BadRequest):
    """400 ``event_type_*``: event notification rules were refused."""


class Unauthorized(B2APIError):
    """401 ``unauthorized``: the token is valid but this call is not allowed for it."""


class InvalidAuthToken(Unauthorized):
    """401 for a token B2 no longer accepts; the session re-authorizes once and replays."""


class BadAuthToken(InvalidAuthToken):
    """401 ``bad_auth_token``."""


class ExpiredAuthToken(InvalidAuthToken):
    """401 ``expired_auth_token``."""


class MissingAuthToken(Unauthorized):
    """401 ``missing_auth_token``."""


class UnsupportedApiVersion(Unauthorized):
    """401 ``unsupported``: the key needs a newer API version."""


class EmailNotVerified(Unauthorized):
    """401 ``email_not_verified``."""


class NoPaymentHistory(Unauthorized):
    """401 ``no_payment_history``."""


class Forbidden(B2APIError):
    """403."""


class CapExceeded(Forbidden):
    """403: a cap set on the account was reached."""


class StorageCapExceeded(CapExceeded):
    """403 ``storage_cap_exceeded``."""


class TransactionCapExceeded(CapExceeded):
    """403 ``transaction_cap_exceeded``."""


class DownloadCapExceeded(CapExceeded):
    """403 ``download_cap_exceeded``."""


class AccessDenied(Forbidden):
    """403 ``access_denied`` (SSE-C key, Object Lock)."""


class NotFound(B2APIError):
    """404 ``not_found``."""


class MethodNotAllowed(B2APIError):
    """405 ``method_not_allowed``."""


class RequestTimeout(B2APIError):
    """408 ``request_timeout``: B2 timed out reading the request."""

    retryable = True


class Conflict(B2APIError):
    """409 ``conflict`` (``ifRevisionIs`` did not match)."""


class RangeNotSatisfiable(B2APIError):
    """416 ``range_not_satisfiable``."""


class TooManyRequests(B2APIError):
    """429 ``too_many_requests``: back off (``retry_after``) and retry."""

    retryable = True


class ServerError(B2APIError):
    """5xx."""

    retryable = True


class InternalError(ServerError):
    """500 ``internal_error``."""


class ServiceUnavailable(ServerError):
    """503 ``service_unavailable``."""


#: (status, code) → the most specific class. The one table of B2's error codes.
ERROR_CLASSES: Mapping[tuple[int, str], type[B2APIError]] = {
    (400, "bad_request"): BadRequest,
    (400, "bad_json"): BadJson,
    (400, "bad_bucket_id"): BucketIdNotFound,
    (400, "invalid_bucket_id"): BucketIdNotFound,
    (400, "duplicate_bucket_name"): DuplicateBucketName,
    (400, "too_many_buckets"): TooManyBuckets,
    (400, "cannot_delete_non_empty_bucket"): BucketNotEmpty,
    (400, "out_of_range"): OutOfRange,
    (400, "invalid_file_id"): InvalidFileId,
    (400, "no_such_file"): FileNotPresent,
    (400, "file_not_present"): FileNotPresent,
    (400, "already_hidden"): AlreadyHidden,
    (400, "missing_part"): MissingPart,
    (400, "part_sha1_mismatch"): PartSha1Mismatch,
    (400, "auth_token_limit"): UploadTokenUsedConcurrently,
    (400, "source_too_large"): CopySourceTooBig,
    (400, "file_lock_conflict"): FileLockConflict,
    (400, "source_replication_conflict"): SourceReplicationConflict,
    (400, "restricted_bucket_conflict"): RestrictedBucketConflict,
    (400, "bucket_missing_file_lock"): BucketMissingFileLock,
    (400, "event_type_categories"): EventNotificationRuleError,
    (400, "event_type_overlap"): EventNotificationRuleError,
    (400, "event_types_empty"): EventNotificationRuleError,
    (400, "event_type_invalid"): EventNotificationRuleError,
    (401, "unauthorized"): Unauthorized,
    (401, "bad_auth_token"): BadAuthToken,
    (401, "expired_auth_token"): ExpiredAuthToken,
    (401, "missing_auth_token"): MissingAuthToken,
    (401, "unsupported"): UnsupportedApiVersion,
    (401, "email_not_verified"): EmailNotVerified,
    (401, "no_payment_history"): NoPaymentHistory,
    (403, "cap_exceeded"): CapExceeded,
    (403, "storage_cap_exceeded"): StorageCapExceeded,
    (403, "transaction_cap_exceeded"): TransactionCapExceeded,
    (403, "download_cap_exceeded"): DownloadCapExceeded,
    (403, "access_denied"): AccessDenied,
    (404, "not_found"): NotFound,
    (405, "method_not_allowed"): MethodNotAllowed,
    (408, "request_timeout"): RequestTimeout,
    (409, "conflict"): Conflict,
    (416, "range_not_satisfiable"): RangeNotSatisfiable,
    (429, "too_many_requests"): TooManyRequests,
    (500, "internal_error"): InternalError,
    (503, "service_unavailable"): ServiceUnavailable,
}

#: status → the class used when the code is unknown.
STATUS_CLASSES: Mapping[int, type[B2APIError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    405: MethodNotAllowed,
    408: RequestTimeout,
    409: Conflict,
    416: RangeNotSatisfiable,
    429: TooManyRequests,
    500: InternalError,
    503: ServiceUnavailable,
}

# B2 tokens are long runs of base64-ish characters, usually starting "4_" (account and
# upload tokens) or "3_" (download authorizations); B2 echoes upload tokens in messages.
_TOKEN_PATTERN = re.compile(r"\b[0-9]_[A-Za-z0-9_\-+/=.]{16,}")


def redact(text: str) -> str:
    """Return ``text`` with anything shaped like a B2 token replaced by ``<redacted>``."""
    return _TOKEN_PATTERN.sub("<redacted>", text)


def _retry_after_seconds(value: str | None) -> float | None:
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    from datetime import datetime, timezone

    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def error_from_response(
    status: int,
    body: object,
    headers: Mapping[str, str] | None = None,
) -> B2APIError:
    """Build the typed error for a non-2xx answer.

    Args:
        status: the HTTP status (trusted over the ``status`` member of the body).
        body: the decoded JSON body, or anything else (HTML from a proxy, ``None`` for HEAD).
        headers: response headers (case-insensitive mapping preferred), for ``Retry-After``
            and the request id.
    """
    code = "non_json_response"
    message = ""
    if isinstance(body, Mapping):
        raw_code = body.get("code")
        if isinstance(raw_code, str) and raw_code:
            code = raw_code
        raw_message = body.get("message")
        if isinstance(raw_message, str):
            message = raw_message
    elif isinstance(body, (bytes, str)) and body:
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        message = text[:200]
    request_id = None
    retry_after = None
    if headers is not None:
        request_id = headers.get("x-bz-request-id") or headers.get("x-amz-request-id")
        retry_after = _retry_after_seconds(headers.get("retry-after"))
    cls = ERROR_CLASSES.get((status, code))
    if cls is None:
        cls = STATUS_CLASSES.get(status)
    if cls is None:
        cls = ServerError if 500 <= status < 600 else B2APIError
    return cls(status, code, message, request_id=request_id, retry_after=retry_after)
