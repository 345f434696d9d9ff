"""The emulator's in-memory world: account, keys, tokens, buckets, file versions.

State is plain data plus a few operations that keep the per-bucket indexes consistent.
Endpoint semantics (validation, error answers) live in ``_handlers``; this module only
stores, looks up and indexes.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from b2async.testing._ids import IdFactory, file_id, parse_file_id
from b2async.testing._index import BucketIndex

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

# b2sdk's ALL_CAPABILITIES, which matches the current docs (spec 3.1).
ALL_CAPABILITIES: tuple[str, ...] = (
    "listKeys", "writeKeys", "deleteKeys", "listBuckets", "listAllBucketNames", "readBuckets",
    "writeBuckets", "deleteBuckets", "readBucketEncryption", "writeBucketEncryption",
    "readBucketRetentions", "writeBucketRetentions", "readFileRetentions", "writeFileRetentions",
    "readFileLegalHolds", "writeFileLegalHolds", "readBucketReplications",
    "writeBucketReplications", "bypassGovernance", "listFiles", "readFiles", "shareFiles",
    "writeFiles", "deleteFiles", "readBucketNotifications", "writeBucketNotifications",
)  # fmt: skip

ACCOUNT_TOKEN_LIFETIME = 24 * 3600.0
UPLOAD_TOKEN_LIFETIME = 24 * 3600.0


def chunk_digests(chunks: Iterable[bytes]) -> tuple[str, str]:
    """Hex SHA-1 and MD5 of stored chunks, hashed one chunk at a time (never joined).

    Copies, copied parts and direct inserts all describe content that is already stored as a
    chunk list; hashing it in place keeps a multi-GB copy to one pass and no extra memory.
    """
    sha1, md5 = hashlib.sha1(), hashlib.md5()
    for chunk in chunks:
        sha1.update(chunk)
        md5.update(chunk)
    return sha1.hexdigest(), md5.hexdigest()


@dataclass
class AppKey:
    """An application key (the master key has ``master=True`` and no restrictions)."""

    key_id: str
    secret: str
    account_id: str
    name: str
    capabilities: list[str]
    bucket_ids: list[str] | None = None
    name_prefix: str | None = None
    expiration_ms: int | None = None
    master: bool = False


@dataclass
class AccountToken:
    """An account authorization token issued by ``b2_authorize_account``."""

    token: str
    key: AppKey
    expires_at: float
    expired: bool = False  # forced by an "expire_token" fault


@dataclass
class UploadSlot:
    """An upload URL + token (for a bucket, or for one large file's parts)."""

    token: str
    url_id: str
    expires_at: float
    key: AppKey
    bucket_id: str | None = None
    file_id: str | None = None
    busy: bool = False
    expired: bool = False


@dataclass
class DownloadAuth:
    """A token from ``b2_get_download_authorization``."""

    token: str
    bucket_id: str
    prefix: str
    expires_at: float
    overrides: dict[str, str]


@dataclass
class Sse:
    """Server-side encryption of a stored object (bytes are stored as given)."""

    mode: str | None = None  # None, "SSE-B2" or "SSE-C"
    key_md5: str | None = None  # base64 MD5 of the SSE-C key

    def json(self) -> dict[str, Any]:
        """The ``serverSideEncryption`` member."""
        return {"algorithm": "AES256" if self.mode else None, "mode": self.mode}


@dataclass
class Part:
    """One uploaded or copied part of an unfinished large file."""

    number: int
    chunks: list[bytes]
    length: int
    sha1: str
    md5: str
    upload_ms: int
    sse: Sse


@dataclass(eq=False, slots=True)
class StoredVersion:
    """One file version (upload, hide marker or unfinished large file)."""

    file_id: str
    bucket_id: str
    account_id: str
    file_name: str
    seq: int
    action: str  # "upload", "hide", "start"
    content_type: str | None
    content_length: int
    content_sha1: str | None
    content_md5: str | None
    file_info: dict[str, str]
    upload_ms: int
    chunks: list[bytes] = field(default_factory=list)
    sse: Sse = field(default_factory=Sse)
    retention_mode: str | None = None
    retention_until: int | None = None
    legal_hold: str | None = None
    parts: dict[int, Part] = field(default_factory=dict)
    #: This version's JSON as listings render it, by (can read retention, can read legal
    #: hold): a 10,000-version page is then a join of cached bytes, not 10,000 encodings.
    #: Emptied whenever a field is assigned (finishing a large file, Object Lock updates).
    rendered: dict[tuple[bool, bool], bytes] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __setattr__(self, name: str, value: object) -> None:
        rendered = getattr(self, "rendered", None)
        if rendered and name != "rendered":
            rendered.clear()
        object.__setattr__(self, name, value)

    def data(self) -> bytes:
        """The whole content (tests/inspection; downloads stream the chunks instead)."""
        return b"".join(self.chunks)


@dataclass
class Bucket:
    """A bucket and its file index."""

    bucket_id: str
    account_id: str
    name: str
    bucket_type: str
    info: dict[str, str] = field(default_factory=dict)
    cors_rules: list[Any] = field(default_factory=list)
    lifecycle_rules: list[Any] = field(default_factory=list)
    revision: int = 2  # live B2 answered revision 2 for a fresh bucket
    file_lock_enabled: bool = False
    default_retention: dict[str, Any] = field(
        default_factory=lambda: {"mode": None, "period": None}
    )
    default_sse: dict[str, Any] = field(default_factory=lambda: {"algorithm": None, "mode": None})
    replication: dict[str, Any] | None = None
    notification_rules: list[dict[str, Any]] = field(default_factory=list)
    index: BucketIndex = field(default_factory=BucketIndex)
    unfinished: dict[str, StoredVersion] = field(default_factory=dict)  # insertion = start order


class State:
    """Everything the emulator knows, for one account."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] | None = None,
        seed: int = 0,
        min_part_size: int = 5_000_000,
        recommended_part_size: int = 100_000_000,
    ) -> None:
        self._clock = clock or time.time
        self.offset = 0.0
        self.ids = IdFactory(seed)
        self.min_part_size = min_part_size
        self.recommended_part_size = recommended_part_size
        self.max_buckets = 100
        self.account_id = self.ids.account_id()
        self.master = AppKey(
            key_id=f"002{self.account_id}0000000000",
            secret=self.ids.secret(),
            account_id=self.account_id,
            name="master",
            capabilities=list(ALL_CAPABILITIES),
            master=True,
        )
        self.keys: dict[str, AppKey] = {}  # non-master keys, insertion ordered
        self.tokens: dict[str, AccountToken] = {}
        self.buckets: dict[str, Bucket] = {}
        self.bucket_names: dict[str, str] = {}  # lower-cased name -> id
        self.versions: dict[str, StoredVersion] = {}
        self.upload_slots: dict[str, UploadSlot] = {}
        self.download_auths: dict[str, DownloadAuth] = {}
        self._seq = 0

    # -- time -------------------------------------------------------------------------------

    def now(self) -> float:
        """Current emulator time in seconds (the clock plus any :meth:`advance`)."""
        return self._clock() + self.offset

    def now_ms(self) -> int:
        """Current emulator time in integer milliseconds."""
        return int(self.now() * 1000)

    def advance(self, seconds: float) -> None:
        """Move the emulator clock forward (expires tokens, keys, download auths)."""
        self.offset += seconds

    # -- keys and buckets -------------------------------------------------------------------

    def find_key(self, key_id: str) -> AppKey | None:
        """Look up a key by id; the account id also names the master key (spec 1.4)."""
        if key_id in (self.master.key_id, self.account_id):
            return self.master
        return self.keys.get(key_id)

    def add_key(
        self,
        name: str,
        capabilities: list[str],
        *,
        bucket_ids: list[str] | None = None,
        name_prefix: str | None = None,
        valid_seconds: int | None = None,
    ) -> AppKey:
        """Create an application key."""
        expiration = None
        if valid_seconds is not None:
            expiration = self.now_ms() + valid_seconds * 1000
        key = AppKey(
            key_id=self.ids.key_id(self.account_id),
            secret=self.ids.secret(),
            account_id=self.account_id,
            name=name,
            capabilities=list(capabilities),
            bucket_ids=list(bucket_ids) if bucket_ids is not None else None,
            name_prefix=name_prefix,
            expiration_ms=expiration,
        )
        self.keys[key.key_id] = key
        return key

    def issue_token(self, key: AppKey) -> AccountToken:
        """Issue an account token valid 24 h (or until the key expires)."""
        expires = self.now() + ACCOUNT_TOKEN_LIFETIME
        if key.expiration_ms is not None:
            expires = min(expires, key.expiration_ms / 1000)
        token = AccountToken(self.ids.account_token(key.key_id), key, expires)
        self.tokens[token.token] = token
        return token

    def add_bucket(self, name: str, bucket_type: str = "allPrivate") -> Bucket:
        """Create a bucket (no validation; the handler validates)."""
        bucket = Bucket(self.ids.bucket_id(), self.account_id, name, bucket_type)
        self.buckets[bucket.bucket_id] = bucket
        self.bucket_names[name.lower()] = bucket.bucket_id
        return bucket

    def remove_bucket(self, bucket: Bucket) -> None:
        """Forget a bucket."""
        del self.buckets[bucket.bucket_id]
        self.bucket_names.pop(bucket.name.lower(), None)

    def bucket_by_name(self, name: str) -> Bucket | None:
        """Find a bucket by (case-insensitive) name."""
        bucket_id = self.bucket_names.get(name.lower())
        return self.buckets.get(bucket_id) if bucket_id else None

    # -- versions ---------------------------------------------------------------------------

    def next_seq(self) -> int:
        """Allocate the next global version sequence number."""
        self._seq += 1
        return self._seq

    def add_version(
        self,
        bucket: Bucket,
        file_name: str,
        *,
        action: str = "upload",
        chunks: list[bytes] | None = None,
        content_type: str | None = "application/octet-stream",
        content_sha1: str | None = None,
        content_md5: str | None = None,
        content_length: int | None = None,
        file_info: dict[str, str] | None = None,
        sse: Sse | None = None,
        retention_mode: str | None = None,
        retention_until: int | None = None,
        legal_hold: str | None = None,
        upload_ms: int | None = None,
    ) -> StoredVersion:
        """Store a new version as the newest of its name and index it.

        Digests are computed from ``chunks`` when not given (direct inserts from tests).
        """
        chunks = chunks if chunks is not None else []
        if content_length is None:
            content_length = sum(len(c) for c in chunks)
        if action == "upload" and content_sha1 is None:
            content_sha1, content_md5 = chunk_digests(chunks)
        seq = self.next_seq()
        now_ms = self.now_ms()
        version = StoredVersion(
            file_id=file_id(bucket.bucket_id, seq, large=action == "start", now_ms=now_ms),
            bucket_id=bucket.bucket_id,
            account_id=bucket.account_id,
            file_name=file_name,
            seq=seq,
            action=action,
            content_type=content_type,
            content_length=content_length,
            content_sha1=content_sha1,
            content_md5=content_md5,
            file_info=dict(file_info or {}),
            upload_ms=now_ms if upload_ms is None else upload_ms,
            chunks=chunks,
            sse=sse or Sse(),
            retention_mode=retention_mode,
            retention_until=retention_until,
            legal_hold=legal_hold,
        )
        self.versions[version.file_id] = version
        bucket.index.add(version)
        if action == "start":
            bucket.unfinished[version.file_id] = version
        return version

    def remove_version(self, version: StoredVersion) -> None:
        """Delete one version (or cancel an unfinished large file)."""
        self.versions.pop(version.file_id, None)
        bucket = self.buckets.get(version.bucket_id)
        if bucket is not None:
            bucket.index.remove(version)
            bucket.unfinished.pop(version.file_id, None)

    def finish_large_file(self, version: StoredVersion) -> None:
        """Turn a started large file into an upload (same id and position)."""
        bucket = self.buckets[version.bucket_id]
        parts = [version.parts[n] for n in sorted(version.parts)]
        version.chunks = [chunk for part in parts for chunk in part.chunks]
        version.content_length = sum(part.length for part in parts)
        version.action = "upload"
        version.parts = {}
        bucket.unfinished.pop(version.file_id, None)
        bucket.index.changed(version.file_name)

    def file_id_key(self, value: str) -> tuple[str, int] | None:
        """Decode an emulator file id into ``(bucket_id, seq)``."""
        return parse_file_id(value)
