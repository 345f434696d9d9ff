"""``B2Client``: the entry point of b2async.

A client owns one httpx client (unless the caller lends one), one :class:`Session` (the
authorization state and the retry policy) and one :class:`TransferManager` (upload-URL pools
and transfer limits). Account-level verbs live here (the application-key verbs come from
the :class:`~b2async._client_keys.KeyVerbs` mixin, the default httpx client from
:mod:`b2async._http_client`); bucket-level verbs live on the :class:`~b2async.Bucket`
handles it returns.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from b2async import _raw
from b2async._arguments import (
    validate_bucket_info,
    validate_bucket_type,
    validate_bucket_types,
    validate_default_sse,
    validate_flag,
    validate_id,
    validate_json_object,
    validate_json_objects,
    validate_retention,
    validate_sse,
)
from b2async._bucket import Bucket
from b2async._client_keys import KeyVerbs
from b2async._config import (
    DEFAULT_API_VERSION,
    DEFAULT_REALM,
    DEFAULT_TIMEOUT,
    RetryPolicy,
)
from b2async._errors import B2ConfigurationError, BucketNotFound
from b2async._http import B2Http
from b2async._http_client import DEFAULT_MAX_CONNECTIONS, default_http_client
from b2async._raw._files import check_legal_hold
from b2async._session import Session, check_realm
from b2async._transfer import TransferManager
from b2async._validation import validate_bucket_name, validate_file_name, validate_range

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from types import TracebackType

    import httpx
    from typing_extensions import Self

    from b2async._models import (
        Authorization,
        BucketModel,
        DeletedFileVersion,
        FileRetentionResult,
        FileVersion,
        LegalHold,
        LegalHoldResult,
        Retention,
        SseC,
    )
    from b2async._raw._buckets import DefaultEncryption
    from b2async._raw._call import JsonInput

__all__ = ["B2Client"]

ENV_KEY_ID = "B2_APPLICATION_KEY_ID"
ENV_KEY = "B2_APPLICATION_KEY"
ENV_REALM = "B2_REALM"


class B2Client(KeyVerbs):
    """An asynchronous client for the Backblaze B2 native API (asyncio and trio).

    Authorization is lazy: the first call authorizes, and the session re-authorizes by
    itself when the token expires. Use the client as an async context manager, or call
    :meth:`aclose`::

        async with B2Client(key_id, key) as b2:
            bucket = await b2.get_bucket("photos")

    Args:
        application_key_id: the key id (not secret).
        application_key: the application key (kept as a ``SecretStr``; never shown).
        realm: the authorization base URL. ``https://`` is required except for loopback
            hosts (an emulator); checked here, before any request.
        http_client: an httpx client to use. The caller keeps ownership: :meth:`aclose`
            closes only a client that B2Client created itself.
        retry: how retryable failures are retried.
        timeout: the httpx timeout of a client created here (ignored with ``http_client``).
        api_version: the B2 API version (``"v3"``, or ``"v4"``).
        max_connections: the most connections a client created here opens (ignored with
            ``http_client``). Requests beyond it wait for a free connection, so give bulk
            transfers with a higher ``concurrency`` at least as many.

    Raises:
        B2ConfigurationError: empty credentials, an insecure realm, or ``max_connections``
            below 1.
    """

    def __init__(
        self,
        application_key_id: str,
        application_key: str | SecretStr,
        *,
        realm: str = DEFAULT_REALM,
        http_client: httpx.AsyncClient | None = None,
        retry: RetryPolicy = RetryPolicy(),  # noqa: B008 - frozen dataclass, safe as default
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        api_version: str = DEFAULT_API_VERSION,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
    ) -> None:
        key = (
            application_key
            if isinstance(application_key, SecretStr)
            else SecretStr(application_key)
        )
        if not application_key_id or not key.get_secret_value():
            raise B2ConfigurationError("application key id and application key must not be empty")
        self._key_id = application_key_id
        self._realm = check_realm(realm)
        if isinstance(max_connections, bool) or not isinstance(max_connections, int):
            raise B2ConfigurationError("max_connections must be an int")
        if max_connections < 1:
            raise B2ConfigurationError(f"max_connections must be at least 1, got {max_connections}")
        self._owns_http_client = http_client is None
        #: The pool size of the client's own httpx client (None for a lent one: unknown).
        self._own_max_connections = max_connections if http_client is None else None
        self._http_client = (
            http_client
            if http_client is not None
            else default_http_client(timeout, max_connections=max_connections)
        )
        self._http = B2Http(self._http_client)
        self._session = Session(
            self._http,
            application_key_id,
            key,
            realm=self._realm,
            retry=retry,
            api_version=api_version,
        )
        self._transfers = TransferManager(self._session)
        self._closed = False

    @classmethod
    def from_env(cls, **kwargs: Any) -> B2Client:
        """A client from ``B2_APPLICATION_KEY_ID`` / ``B2_APPLICATION_KEY`` (and ``B2_REALM``).

        Args:
            **kwargs: any other :class:`B2Client` keyword argument; an explicit ``realm``
                wins over ``B2_REALM``.

        Raises:
            B2ConfigurationError: when either variable is missing or empty; the message names
                both, so one look tells what to set.
        """
        key_id = os.environ.get(ENV_KEY_ID, "")
        key = os.environ.get(ENV_KEY, "")
        if not key_id or not key:
            missing = [name for name, value in ((ENV_KEY_ID, key_id), (ENV_KEY, key)) if not value]
            raise B2ConfigurationError(
                f"set both {ENV_KEY_ID} and {ENV_KEY} in the environment "
                f"(missing or empty: {', '.join(missing)})"
            )
        realm = os.environ.get(ENV_REALM)
        if realm and "realm" not in kwargs:
            kwargs["realm"] = realm
        return cls(key_id, key, **kwargs)

    def __repr__(self) -> str:
        return f"B2Client(application_key_id={self._key_id!r}, realm={self._realm!r})"

    # ----------------------------------------------------------------------------------------
    # Lifecycle

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Release the transfer pools and close the http client if this client created it.

        Idempotent. A client passed in as ``http_client`` is left open for its owner.
        """
        if self._closed:
            return
        self._closed = True
        self._http.close()
        try:
            await self._transfers.aclose()
        finally:
            if self._owns_http_client:
                await self._http_client.aclose()

    # ----------------------------------------------------------------------------------------
    # Account

    async def authorize(self) -> Authorization:
        """Authorize now (``b2_authorize_account``) and return the account's authorization.

        Not needed before other calls (they authorize lazily); useful to fail fast on bad
        credentials or to read the key's restrictions and the recommended part size.
        """
        return await self._session.authorize()

    # ----------------------------------------------------------------------------------------
    # Buckets

    def bucket(self, bucket_id: str, bucket_name: str) -> Bucket:
        """A handle on a bucket whose id and name the caller already knows; makes no call.

        The handle's :attr:`Bucket.model` is ``None`` (and ``type`` unknown) until
        :meth:`Bucket.refresh` fetches it.

        Raises:
            B2ValidationError: an empty or non-``str`` id (rule ``bucket_id``).
            InvalidBucketName: a name B2 would never have given a bucket.
        """
        validate_id(bucket_id, "bucket_id")
        validate_bucket_name(bucket_name)
        return Bucket(self, None, bucket_id=bucket_id, bucket_name=bucket_name)

    async def create_bucket(
        self,
        name: str,
        bucket_type: str = "allPrivate",
        *,
        bucket_info: Mapping[str, str] | None = None,
        cors_rules: Sequence[JsonInput] | None = None,
        lifecycle_rules: Sequence[JsonInput] | None = None,
        file_lock_enabled: bool | None = None,
        default_server_side_encryption: DefaultEncryption | None = None,
        replication_configuration: JsonInput | None = None,
    ) -> Bucket:
        """Create a bucket (``b2_create_bucket``); the name is checked before any request.

        Args:
            name: 6-63 letters, digits and ``-``; globally unique across B2.
            bucket_type: ``"allPrivate"`` or ``"allPublic"``.
            bucket_info: a small string map (the ``Cache-Control`` entry is honoured on
                downloads).
            cors_rules: CORS rules (models or B2-shaped dicts).
            lifecycle_rules: lifecycle rules (models or B2-shaped dicts).
            file_lock_enabled: enable Object Lock (cannot be turned off later).
            default_server_side_encryption: ``SseB2()`` to encrypt new files by default
                (``"none"`` for no default).
            replication_configuration: replication settings (model or B2-shaped dict).

        Raises:
            InvalidBucketName: before any request.
            B2ValidationError: any other argument of the wrong type or value (its ``rule``
                is the argument's name), before any request.
            DuplicateBucketName: the name is taken (by anyone).
        """
        validate_bucket_name(name)
        validate_bucket_type(bucket_type)
        validate_bucket_info(bucket_info)
        validate_json_objects(cors_rules, "cors_rules")
        validate_json_objects(lifecycle_rules, "lifecycle_rules")
        if file_lock_enabled is not None:
            validate_flag(file_lock_enabled, "file_lock_enabled")
        validate_default_sse(default_server_side_encryption)
        validate_json_object(replication_configuration, "replication_configuration")
        model = await self._session.call(
            _raw.create_bucket,
            bucket_name=name,
            bucket_type=bucket_type,
            bucket_info=bucket_info,
            cors_rules=cors_rules,
            lifecycle_rules=lifecycle_rules,
            file_lock_enabled=file_lock_enabled,
            default_server_side_encryption=default_server_side_encryption,
            replication_configuration=replication_configuration,
        )
        return Bucket(self, model)

    async def get_bucket(self, name: str) -> Bucket:
        """The bucket called ``name`` (``b2_list_buckets`` filtered by name).

        Raises:
            InvalidBucketName: before any request.
            BucketNotFound: no bucket of that name is visible to this key.
        """
        validate_bucket_name(name)
        listing = await self._session.call(_raw.list_buckets, bucket_name=name)
        for model in listing.buckets:
            # Bucket names are case-insensitive in B2.
            if model.bucket_name.lower() == name.lower():
                return Bucket(self, model)
        raise BucketNotFound(name)

    async def list_buckets(
        self,
        *,
        bucket_name: str | None = None,
        bucket_id: str | None = None,
        bucket_types: Sequence[str] = ("all",),
    ) -> list[Bucket]:
        """Every bucket visible to this key, sorted by name (``b2_list_buckets``).

        B2 refuses an unfiltered listing with a bucket-restricted key; for such keys the
        listing is made per allowed bucket instead, so this works with every key.

        Args:
            bucket_name: only the bucket of this name (an empty list if there is none).
            bucket_id: only the bucket of this id.
            bucket_types: the types to list; ``("all",)`` includes every type B2 knows
                (without it B2 leaves some out).

        Raises:
            InvalidBucketName: a ``bucket_name`` B2 would refuse, before any request.
            B2ValidationError: an empty or non-``str`` ``bucket_id``, or ``bucket_types``
                that is not a non-empty list of names (``"all"`` only alone), before any
                request.
        """
        if bucket_name is not None:
            validate_bucket_name(bucket_name)
        if bucket_id is not None:
            validate_id(bucket_id, "bucket_id")
        types = validate_bucket_types(bucket_types)
        # (bucket_name, bucket_id) filters, one b2_list_buckets call each.
        filters: list[tuple[str | None, str | None]] = [(bucket_name, bucket_id)]
        if bucket_name is None and bucket_id is None:
            allowed = (await self._session.authorization()).allowed.buckets
            if allowed:
                filters = [(None, entry.id) for entry in allowed]
        models: list[BucketModel] = []
        for name, id_ in filters:
            listing = await self._session.call(
                _raw.list_buckets,
                bucket_name=name,
                bucket_id=id_,
                bucket_types=types,
            )
            models.extend(listing.buckets)
        models.sort(key=lambda model: model.bucket_name)
        return [Bucket(self, model) for model in models]

    async def delete_bucket(self, bucket_or_id: Bucket | str) -> BucketModel:
        """Delete an empty bucket (``b2_delete_bucket``) and return its last state.

        Raises:
            B2ValidationError: neither a :class:`Bucket` nor a non-empty id (rule
                ``bucket_id``), before any request.
            BucketNotEmpty: it still holds file versions, hide markers or unfinished large
                files.
            BucketIdNotFound: no such bucket.
        """
        bucket_id = bucket_or_id.id if isinstance(bucket_or_id, Bucket) else bucket_or_id
        validate_id(bucket_id, "bucket_id")
        return await self._session.call(_raw.delete_bucket, bucket_id=bucket_id)

    # ----------------------------------------------------------------------------------------
    # Files by id

    async def get_file_info(self, file_id: str) -> FileVersion:
        """The file version with that id (``b2_get_file_info``).

        Raises:
            B2ValidationError: an empty or non-``str`` id (rule ``file_id``), before any
                request.
            NotFound: no such file version.
        """
        validate_id(file_id, "file_id")
        return await self._session.call(_raw.get_file_info, file_id=file_id)

    async def delete_file_version(
        self, file_name: str, file_id: str, *, bypass_governance: bool = False
    ) -> DeletedFileVersion:
        """Permanently delete one file version (``b2_delete_file_version``).

        Deleting the newest version makes the next older one current; deleting a hide marker
        unhides the name.

        Raises:
            InvalidFileName: before any request.
            B2ValidationError: an empty or non-``str`` ``file_id``, or a non-``bool``
                ``bypass_governance`` (which would have been sent as ``True`` if truthy),
                before any request.
            FileNotPresent: no version with that id and name.
            AccessDenied: Object Lock forbids the deletion.
        """
        validate_file_name(file_name, strict=False)
        validate_id(file_id, "file_id")
        validate_flag(bypass_governance, "bypass_governance")
        return await self._session.call(
            _raw.delete_file_version,
            file_name=file_name,
            file_id=file_id,
            bypass_governance=bypass_governance,
        )

    async def update_file_retention(
        self,
        file_name: str,
        file_id: str,
        retention: Retention | None,
        *,
        bypass_governance: bool = False,
    ) -> FileRetentionResult:
        """Set (or, with ``None``, remove) a file version's retention (Object Lock buckets).

        Raises:
            InvalidFileName: before any request.
            B2ValidationError: an empty or non-``str`` ``file_id``, a ``retention`` that is
                not a :class:`~b2async.Retention`, or a non-``bool`` ``bypass_governance``,
                before any request.
            BucketMissingFileLock: the bucket does not have Object Lock enabled.
        """
        validate_file_name(file_name, strict=False)
        validate_id(file_id, "file_id")
        validate_retention(retention)
        validate_flag(bypass_governance, "bypass_governance")
        return await self._session.call(
            _raw.update_file_retention,
            file_name=file_name,
            file_id=file_id,
            file_retention=retention,
            bypass_governance=bypass_governance,
        )

    async def update_file_legal_hold(
        self, file_name: str, file_id: str, legal_hold: LegalHold
    ) -> LegalHoldResult:
        """Turn a file version's legal hold ``"on"`` or ``"off"`` (Object Lock buckets).

        Raises:
            InvalidFileName: before any request.
            B2ValidationError: an empty or non-``str`` ``file_id``, or a legal hold other
                than ``"on"``/``"off"``, before any request.
        """
        validate_file_name(file_name, strict=False)
        validate_id(file_id, "file_id")
        check_legal_hold(legal_hold)
        return await self._session.call(
            _raw.update_file_legal_hold,
            file_name=file_name,
            file_id=file_id,
            legal_hold=legal_hold,
        )

    async def download_bytes_by_id(
        self,
        file_id: str,
        *,
        range: tuple[int, int] | None = None,
        sse: SseC | None = None,
    ) -> bytes:
        """The content of a file version (or a ``(first, last)`` inclusive byte range of it).

        The bytes are verified against the SHA-1 B2 stored when the whole file is read.

        Raises:
            InvalidRange: a range that is not ``(first, last)`` with ``0 <= first <= last``.
            B2ValidationError: an empty or non-``str`` ``file_id``, or an ``sse`` that is not
                an :class:`~b2async.SseC`, before any request.
        """
        validate_id(file_id, "file_id")
        validate_range(range)
        validate_sse(sse, allow_sse_b2=False)
        return await self._transfers.download_bytes_by_id(file_id, range=range, sse=sse)
