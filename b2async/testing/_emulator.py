"""The public emulator object: ``B2Emulator``.

Example::

    emulator = B2Emulator()
    async with emulator.http_client() as http:
        ...  # point any B2 client at emulator.realm using this httpx client

    async with emulator.serve() as realm:   # a real loopback server (needs uvicorn)
        ...
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from b2async._http_client import LeanAsyncClient
from b2async.testing._core import EmulatorCore
from b2async.testing._faults import FaultPlan
from b2async.testing._state import ALL_CAPABILITIES, Bucket, State, StoredVersion
from b2async.testing._transport import EmulatorTransport

if TYPE_CHECKING:
    import os
    from collections import Counter
    from collections.abc import Callable, Iterable, Mapping
    from contextlib import AbstractAsyncContextManager

    import httpx

__all__ = ["B2Emulator"]


class B2Emulator:
    """An in-memory B2 account speaking the native API (v1-v4).

    Args:
        min_part_size: ``absoluteMinimumPartSize`` reported by authorize and enforced by
            ``b2_finish_large_file`` (B2: 5 000 000; lower it to test large files cheaply).
        recommended_part_size: ``recommendedPartSize`` reported by authorize.
        clock: Time source in seconds (default ``time.time``); :meth:`advance_clock` adds to it.
        seed: Seeds every id, token and probabilistic fault, so runs replay exactly.
        realm: The realm URL clients should use with :meth:`http_client` (its host is
            irrelevant in-process: every request is routed to this emulator).

    Attributes:
        key_id: The master application key id.
        key: The master application key.
        realm: Realm URL for in-process use.
        account_id: The account id.
        core: The request handler shared by every front door.
        faults: The :class:`FaultPlan` consulted for every request.
        state: The emulated account's data (buckets, versions, keys, tokens).

    The state is not locked: while :meth:`serve` runs the core on its server thread, use the
    HTTP API rather than the direct helpers (:meth:`put_file`, :meth:`create_bucket`, ...)
    from another thread.
    """

    def __init__(
        self,
        *,
        min_part_size: int = 5_000_000,
        recommended_part_size: int = 100_000_000,
        clock: Callable[[], float] | None = None,
        seed: int = 0,
        realm: str = "http://127.0.0.1:8180",
    ) -> None:
        self.state = State(
            clock=clock,
            seed=seed,
            min_part_size=min_part_size,
            recommended_part_size=recommended_part_size,
        )
        self.faults = FaultPlan(seed)
        self.core = EmulatorCore(self.state, self.faults)
        self.realm = realm.rstrip("/")
        self.key_id = self.state.master.key_id
        self.key = self.state.master.secret
        self.account_id = self.state.account_id

    def __repr__(self) -> str:
        return f"B2Emulator(account_id={self.account_id!r}, realm={self.realm!r})"

    @property
    def calls(self) -> Counter[str]:
        """Requests per endpoint (``"b2_upload_file"``, ``"b2_list_file_names"``, ...)."""
        return self.core.calls

    # -- front doors --------------------------------------------------------------------------

    def transport(self) -> httpx.AsyncBaseTransport:
        """An httpx transport routing every request to this emulator, in-process."""
        return EmulatorTransport(self.core)

    def http_client(self, **httpx_kwargs: Any) -> httpx.AsyncClient:
        """An ``httpx.AsyncClient`` wired to this emulator (any host name works).

        It is the client class :class:`~b2async.B2Client` makes for itself
        (:class:`~b2async._http_client.LeanAsyncClient`), so a client lent this one takes the
        same request path as in production.
        """
        return LeanAsyncClient(transport=self.transport(), **httpx_kwargs)

    def serve(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        ssl_certfile: str | os.PathLike[str] | None = None,
        ssl_keyfile: str | os.PathLike[str] | None = None,
    ) -> AbstractAsyncContextManager[str]:
        """Serve over a loopback socket (uvicorn); the context yields the realm URL.

        With ``ssl_certfile`` (and ``ssl_keyfile``, PEM) it serves HTTPS and the realm is an
        ``https://`` URL; clients must trust the certificate.
        """
        from b2async.testing._serve import serve

        return serve(self, host, port, ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile)

    # -- helpers for tests --------------------------------------------------------------------

    def advance_clock(self, seconds: float) -> None:
        """Move emulator time forward (account tokens expire after 24 h)."""
        self.state.advance(seconds)

    def create_key(
        self,
        capabilities: Iterable[str] = ALL_CAPABILITIES,
        *,
        name: str = "test-key",
        bucket_ids: list[str] | None = None,
        name_prefix: str | None = None,
        valid_seconds: int | None = None,
    ) -> tuple[str, str]:
        """Create an application key directly; returns ``(key_id, key)``."""
        key = self.state.add_key(
            name,
            list(capabilities),
            bucket_ids=bucket_ids,
            name_prefix=name_prefix,
            valid_seconds=valid_seconds,
        )
        return key.key_id, key.secret

    def create_bucket(self, name: str, bucket_type: str = "allPrivate") -> str:
        """Create a bucket directly (no name checks); returns its id."""
        return self.state.add_bucket(name, bucket_type).bucket_id

    def bucket(self, name_or_id: str) -> Bucket:
        """A bucket by name or id (KeyError if missing)."""
        bucket = self.state.buckets.get(name_or_id) or self.state.bucket_by_name(name_or_id)
        if bucket is None:
            raise KeyError(name_or_id)
        return bucket

    def put_file(
        self,
        bucket: str,
        file_name: str,
        data: bytes = b"",
        *,
        content_type: str = "application/octet-stream",
        file_info: Mapping[str, str] | None = None,
    ) -> StoredVersion:
        """Store a version directly (fast test setup; no HTTP, no checks)."""
        return self.state.add_version(
            self.bucket(bucket),
            file_name,
            chunks=[data] if data else [],
            content_type=content_type,
            file_info=dict(file_info or {}),
        )

    def file_versions(self, bucket: str) -> list[StoredVersion]:
        """Every version in a bucket, in listing order (name, newest first)."""
        return list(self.bucket(bucket).index.iter_all())

    def read_file(self, file_id: str) -> bytes:
        """The stored bytes of a version."""
        return self.state.versions[file_id].data()
