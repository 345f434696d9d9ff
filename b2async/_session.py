"""The session: authorization state, retries and single-flight re-authorization.

A :class:`Session` holds the application key and the current account authorization. Raw API
coroutines are run through :meth:`Session.call`, which

* authorizes lazily on first use,
* hands the coroutine an :class:`~b2async._raw._context.ApiContext` (api URL + token),
* retries retryable failures (408, 429, 5xx, transport errors) per the :class:`RetryPolicy`,
* and, when B2 says the account token is no longer good (401 ``expired_auth_token`` /
  ``bad_auth_token``; tokens live at most 24 h), re-authorizes **once** and replays.

Re-authorization is single-flight. Each authorization has a *generation* number and every
context records the generation its token came from. A task that sees an invalid token asks for
a refresh of *its* generation: under a lock, the first such task re-authorizes; the others find
a newer generation already in place and simply replay with the new token. So a hundred
concurrent calls hitting an expired token cost exactly one ``b2_authorize_account``.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar
from urllib.parse import urlsplit

import anyio
from pydantic import SecretStr

from b2async._config import DEFAULT_API_VERSION, RetryPolicy
from b2async._errors import (
    B2ConfigurationError,
    B2Error,
    InvalidAuthToken,
    Unauthorized,
)
from b2async._raw._account import authorize_account
from b2async._raw._context import ApiContext
from b2async._retry import retry_delay, sleep

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from b2async._http import B2Http
    from b2async._models import Allowed, Authorization

__all__ = ["Session", "check_realm"]

logger = logging.getLogger("b2async.session")

P = ParamSpec("P")
T = TypeVar("T")

_API_VERSION = re.compile(r"v[1-9][0-9]*")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_realm(realm: str) -> str:
    """Validate the base URL that ``b2_authorize_account`` is called at.

    ``https://`` is required, except for loopback hosts (``127.0.0.0/8``, ``::1``,
    ``localhost``) where plain ``http://`` is allowed so tests can point at a local emulator:
    anywhere else, plain HTTP would send the application key in the clear.

    Returns:
        The realm without a trailing slash.

    Raises:
        B2ConfigurationError: the realm is not an ``http(s)`` URL with a host, carries
            credentials, a query or a fragment, or uses plain HTTP to a non-loopback host.
    """
    try:
        parts = urlsplit(realm)
        host = parts.hostname
        parts.port  # noqa: B018 - validates the port
    except (TypeError, ValueError, AttributeError):
        raise B2ConfigurationError(f"realm is not a valid URL: {realm!r}") from None
    if parts.scheme not in ("http", "https") or not host:
        raise B2ConfigurationError(
            f"realm must be an http(s) URL such as 'https://api.backblazeb2.com', got {realm!r}"
        )
    if parts.username is not None or parts.password is not None:
        # Do not echo the URL: the user info may be a secret.
        raise B2ConfigurationError("realm must not contain credentials")
    if parts.query or parts.fragment:
        raise B2ConfigurationError(f"realm must not have a query or fragment: {realm!r}")
    if parts.scheme == "http" and not _is_loopback(host):
        raise B2ConfigurationError(
            f"realm {realm!r} uses plain http; https is required except for loopback hosts "
            "(127.0.0.0/8, ::1, localhost), which are allowed for local emulators"
        )
    return realm.rstrip("/")


class Session:
    """Authorization state plus the retry policy, shared by everything of one client.

    Args:
        http: the HTTP layer.
        key_id: the application key ID.
        key: the application key (kept as a ``SecretStr``; never logged or shown).
        realm: the base URL ``b2_authorize_account`` is called at (see :func:`check_realm`).
        retry: how retryable failures are retried.
        api_version: the native API version, e.g. ``"v3"``.

    The read-only properties (:attr:`account_id`, :attr:`api_url`, ...) describe the current
    authorization and raise :class:`B2ConfigurationError` before the first one; await
    :meth:`authorization` first when in doubt.

    Attributes:
        http: the HTTP layer.
        retry: the retry policy.
    """

    def __init__(
        self,
        http: B2Http,
        key_id: str,
        key: SecretStr,
        *,
        realm: str,
        retry: RetryPolicy = RetryPolicy(),  # noqa: B008 - frozen, immutable default
        api_version: str = DEFAULT_API_VERSION,
    ) -> None:
        if not key_id:
            raise B2ConfigurationError("application key ID is empty")
        if not isinstance(key, SecretStr):
            key = SecretStr(key)
        if not key.get_secret_value():
            raise B2ConfigurationError("application key is empty")
        if not _API_VERSION.fullmatch(api_version):
            raise B2ConfigurationError(f"api_version must look like 'v3', got {api_version!r}")
        self.http = http
        self.retry = retry
        self._key_id = key_id
        self._key = key
        self._realm = check_realm(realm)
        self._api_version = api_version
        self._authorization: Authorization | None = None
        self._context: ApiContext | None = None
        self._generation = 0
        # Single flight: attempts that completed (succeeded or failed with a B2Error), and the
        # error of the last one if it failed, shared with the tasks that waited for it.
        self._completed_attempts = 0
        self._last_failure: B2Error | None = None
        self._lock = anyio.Lock()

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(key_id={self._key_id!r}, realm={self._realm!r}, "
            f"api_version={self._api_version!r}, generation={self._generation})"
        )

    # ----------------------------------------------------------------------------------------
    # Authorization

    async def authorize(self) -> Authorization:
        """Call ``b2_authorize_account`` now and make the result current.

        Single-flight: tasks that call this while another task is already authorizing wait for
        that attempt and share its outcome (result or error) instead of starting their own.
        Retryable failures are retried per the policy.
        """
        seen = self._completed_attempts
        async with self._lock:
            await self._authorize_once(seen)
            assert self._authorization is not None
            return self._authorization

    async def authorization(self) -> Authorization:
        """The current authorization, authorizing first if there is none yet."""
        if self._authorization is None:
            seen = self._completed_attempts
            async with self._lock:
                if self._authorization is None:
                    await self._authorize_once(seen)
        assert self._authorization is not None
        return self._authorization

    async def context(self) -> ApiContext:
        """The :class:`ApiContext` of the current authorization (authorizing lazily)."""
        context = self._context
        if context is None:
            await self.authorization()
            context = self._context
            assert context is not None
        return context

    async def reauthorize_if_stale(self, generation: int) -> None:
        """Re-authorize unless someone already did after ``generation``.

        For code that saw an invalid-token 401 with a context of ``generation`` (e.g. upload
        code that fetches upload URLs): if the current authorization is still that
        generation, authorize again; otherwise a newer token is already in place. If another
        task's re-authorization fails while this one waits for it, its error is raised here
        too (rather than every waiting task trying again in turn).
        """
        seen = self._completed_attempts
        async with self._lock:
            if self._generation == generation:
                logger.debug("re-authorizing (generation %d is stale)", generation)
                await self._authorize_once(seen)

    async def _authorize_once(self, seen: int) -> None:
        """Authorize, unless an attempt completed since the caller saw ``seen`` attempts.

        The caller holds ``self._lock``. An attempt that completed while the caller waited for
        the lock is shared: its success is already in place, its failure is re-raised. An
        attempt that was cancelled (or died of a non-B2 error) does not count, so a waiter
        makes its own.
        """
        if self._completed_attempts != seen:
            if self._last_failure is not None:
                raise self._last_failure
            return
        try:
            await self._authorize_locked()
        except B2Error as exc:
            self._last_failure = exc
            self._completed_attempts += 1
            raise
        self._last_failure = None
        self._completed_attempts += 1

    async def _authorize_locked(self) -> None:
        """Authorize (with retries); the caller holds ``self._lock``."""
        failures = 0
        while True:
            try:
                authorization = await authorize_account(
                    self.http,
                    self._realm,
                    self._key_id,
                    self._key,
                    api_version=self._api_version,
                )
                break
            except B2Error as exc:
                failures += 1
                await self.back_off(exc, failures)
        self._generation += 1
        self._authorization = authorization
        self._context = ApiContext(
            http=self.http,
            api_url=authorization.api_url,
            download_url=authorization.download_url,
            account_id=authorization.account_id,
            token=authorization.authorization_token,
            generation=self._generation,
            api_version=self._api_version,
        )
        logger.debug("authorized (generation %d, api %s)", self._generation, authorization.api_url)

    # ----------------------------------------------------------------------------------------
    # Calls

    async def call(
        self,
        fn: Callable[Concatenate[ApiContext, P], Awaitable[T]],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run a raw API coroutine with the current authorization.

        Retries retryable failures per :attr:`retry` (logging each decision at DEBUG), and on
        an invalid account token re-authorizes once (single-flight across tasks) and replays;
        a second invalid-token answer after that is raised.

        As B2 recommends, a request that failed without an answer (timeout, dropped
        connection) or with a 5xx is sent again even if it changes state, so ``fn`` should be
        safe to repeat; non-idempotent callers must cope with, e.g., ``duplicate_bucket_name``
        after a retried ``create_bucket`` whose first attempt did succeed.

        Args:
            fn: a raw coroutine taking an :class:`ApiContext` first.
            *args: further positional arguments for ``fn``.
            **kwargs: keyword arguments for ``fn``.
        """
        failures = 0
        reauthorized = False
        while True:
            context = await self.context()
            try:
                return await fn(context, *args, **kwargs)
            except Unauthorized as exc:
                # 401 expired/bad token, or a bodiless 401 (HEAD): the token may simply be old.
                stale = isinstance(exc, InvalidAuthToken) or exc.code == "non_json_response"
                if not stale or reauthorized:
                    raise
                reauthorized = True
                logger.debug(
                    "%s (code=%s) with generation %d; re-authorizing once",
                    type(exc).__name__,
                    exc.code,
                    context.generation,
                )
                await self.reauthorize_if_stale(context.generation)
            except B2Error as exc:
                failures += 1
                await self.back_off(exc, failures)

    async def back_off(self, error: BaseException, attempt: int) -> None:
        """Sleep before retrying after ``error``, the ``attempt``-th failure, per :attr:`retry`.

        The session's own calls and the download engine's retries share this, so that a
        retry decision is made (and logged by :func:`retry_delay`) the same way everywhere.

        Raises:
            BaseException: ``error`` itself, when the policy says to stop (not retryable, or
                out of attempts).
        """
        delay = retry_delay(self.retry, error, attempt)
        if delay is None:
            raise error
        await sleep(delay)

    # ----------------------------------------------------------------------------------------
    # Read-only views of the current authorization

    def _current(self) -> Authorization:
        if self._authorization is None:
            raise B2ConfigurationError(
                "the session is not authorized yet; await authorization() first"
            )
        return self._authorization

    @property
    def realm(self) -> str:
        """The base URL ``b2_authorize_account`` is called at."""
        return self._realm

    @property
    def key_id(self) -> str:
        """The application key ID (not a secret)."""
        return self._key_id

    @property
    def api_version(self) -> str:
        """The native API version used for every call."""
        return self._api_version

    @property
    def generation(self) -> int:
        """How many authorizations this session has made (0 before the first)."""
        return self._generation

    @property
    def is_authorized(self) -> bool:
        """Whether an authorization is in place (it may still have expired at B2)."""
        return self._authorization is not None

    @property
    def account_id(self) -> str:
        """The account ID. Requires a prior authorization."""
        return self._current().account_id

    @property
    def api_url(self) -> str:
        """Base URL of the JSON API. Requires a prior authorization."""
        return self._current().api_url

    @property
    def download_url(self) -> str:
        """Base URL for downloads. Requires a prior authorization."""
        return self._current().download_url

    @property
    def recommended_part_size(self) -> int:
        """B2's recommended large-file part size. Requires a prior authorization."""
        return self._current().recommended_part_size

    @property
    def absolute_minimum_part_size(self) -> int:
        """The smallest part size B2 accepts. Requires a prior authorization."""
        return self._current().absolute_minimum_part_size

    @property
    def allowed(self) -> Allowed:
        """The key's capabilities and bucket/prefix restrictions. Requires authorization."""
        return self._current().allowed
