"""``Bucket``: a handle on one B2 bucket and the verbs that act inside it.

Listing, hiding, deleting versions, download authorizations, Object Lock and notification
rules live here; the transfer verbs (uploads, downloads, copies) come from the
:class:`~b2async._transfer.BucketTransfers` mixin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from b2async import _raw
from b2async._errors import B2ValidationError, BucketNotFound, FileNotHidden, FileNotPresent
from b2async._paging import Pager, check_page_size
from b2async._transfer import BucketTransfers
from b2async._validation import validate_file_name

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from b2async._client import B2Client
    from b2async._models import (
        BucketModel,
        DeletedFileVersion,
        DownloadAuthorization,
        EventNotificationRule,
        FileRetentionResult,
        FileVersion,
        LegalHold,
        LegalHoldResult,
        SseC,
    )
    from b2async._models import Retention as RetentionInput
    from b2async._raw._buckets import DefaultEncryption
    from b2async._raw._call import JsonInput
    from b2async._raw._context import ApiContext

__all__ = ["Bucket"]

#: ``b2_get_download_authorization`` accepts 1 second … 7 days.
MAX_DOWNLOAD_AUTHORIZATION_SECONDS = 604_800

# unhide_file reads only the newest versions of one name; a few per page is plenty.
_UNHIDE_PAGE_SIZE = 10


class Bucket(BucketTransfers):
    """A handle on one bucket; cheap to make, holds no connection of its own.

    Attributes:
        id: the bucket id.
        name: the bucket name.
        type: ``"allPrivate"``, ``"allPublic"``, ... (``None`` for a handle made with
            :meth:`B2Client.bucket` and not refreshed).
        model: the bucket as B2 last described it (``None`` likewise).
    """

    _client: B2Client
    id: str
    name: str
    type: str | None
    model: BucketModel | None

    def __init__(
        self,
        client: B2Client,
        model: BucketModel | None,
        *,
        bucket_id: str | None = None,
        bucket_name: str | None = None,
    ) -> None:
        self._client = client
        self.model = model
        if model is not None:
            self.id = model.bucket_id
            self.name = model.bucket_name
            self.type = model.bucket_type
        elif bucket_id is not None and bucket_name is not None:
            self.id = bucket_id
            self.name = bucket_name
            self.type = None
        else:
            raise TypeError("Bucket needs a model, or both bucket_id and bucket_name")

    def __repr__(self) -> str:
        return f"Bucket(id={self.id!r}, name={self.name!r}, type={self.type!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Bucket):
            return NotImplemented
        return self.id == other.id and self._client is other._client

    def __hash__(self) -> int:
        return hash(self.id)

    # ----------------------------------------------------------------------------------------
    # The bucket itself

    async def refresh(self) -> Bucket:
        """A new handle carrying the bucket's current model (``b2_list_buckets`` by id).

        Raises:
            BucketNotFound: the bucket no longer exists (or is not visible to this key).
        """
        buckets = await self._client.list_buckets(bucket_id=self.id)
        if not buckets:
            raise BucketNotFound(self.name)
        return buckets[0]

    async def update(
        self,
        *,
        bucket_type: str | None = None,
        bucket_info: Mapping[str, str] | None = None,
        cors_rules: Sequence[JsonInput] | None = None,
        lifecycle_rules: Sequence[JsonInput] | None = None,
        default_retention: JsonInput | None = None,
        default_server_side_encryption: DefaultEncryption | None = None,
        file_lock_enabled: bool | None = None,
        replication_configuration: JsonInput | None = None,
        if_revision_is: int | None = None,
    ) -> Bucket:
        """Change the bucket (``b2_update_bucket``) and return a handle on the new state.

        Each argument given replaces the old value; ``None`` leaves it as it is. This handle
        is not changed: use the returned one.

        Args:
            bucket_type: ``"allPrivate"`` or ``"allPublic"``.
            bucket_info: the new info map (replaces the whole map).
            cors_rules: the new CORS rules (models or B2-shaped dicts); ``[]`` removes all.
            lifecycle_rules: the new lifecycle rules; ``[]`` removes all.
            default_retention: the default Object Lock retention (``{"mode": None}``
                removes it).
            default_server_side_encryption: ``SseB2()``, or ``"none"`` to stop encrypting
                new files by default.
            file_lock_enabled: ``True`` enables Object Lock (it cannot be turned off).
            replication_configuration: replication settings.
            if_revision_is: apply only if the bucket is still at this revision (optimistic
                concurrency; see ``BucketModel.revision``).

        Raises:
            Conflict: ``if_revision_is`` did not match (someone else changed the bucket).
            FileLockConflict: an attempt to turn Object Lock off.
        """
        model = await self._client._session.call(
            _raw.update_bucket,
            bucket_id=self.id,
            bucket_type=bucket_type,
            bucket_info=dict(bucket_info) if bucket_info is not None else None,
            cors_rules=list(cors_rules) if cors_rules is not None else None,
            lifecycle_rules=list(lifecycle_rules) if lifecycle_rules is not None else None,
            default_retention=default_retention,
            default_server_side_encryption=default_server_side_encryption,
            file_lock_enabled=file_lock_enabled,
            replication_configuration=replication_configuration,
            if_revision_is=if_revision_is,
        )
        return Bucket(self._client, model)

    async def delete(self) -> BucketModel:
        """Delete this (empty) bucket; see :meth:`B2Client.delete_bucket`."""
        return await self._client.delete_bucket(self.id)

    # ----------------------------------------------------------------------------------------
    # Listings

    def list_file_names(
        self,
        prefix: str = "",
        delimiter: str | None = None,
        start_file_name: str | None = None,
        page_size: int = 1000,
    ) -> Pager[FileVersion, str]:
        """The visible files (newest version of each name), sorted by name, all pages.

        Use as ``async for fv in bucket.list_file_names(prefix="a/"): ...``. With a
        ``delimiter`` (usually ``"/"``) the names below each "folder" are replaced by one
        entry with ``action == "folder"``.

        Args:
            prefix: only names starting with this.
            delimiter: group names into folders at this character after the prefix.
            start_file_name: start at this name (inclusive).
            page_size: names per ``b2_list_file_names`` call (1 … 10 000; billed per 1000).
        """
        check_page_size(page_size)

        async def fetch(cursor: str | None) -> tuple[Sequence[FileVersion], str | None]:
            page = await self._client._session.call(
                _raw.list_file_names,
                bucket_id=self.id,
                start_file_name=cursor,
                max_file_count=page_size,
                prefix=prefix,
                delimiter=delimiter,
            )
            return page.files, page.next_file_name

        return Pager(fetch, start_file_name)

    def list_file_versions(
        self,
        prefix: str = "",
        delimiter: str | None = None,
        start_file_name: str | None = None,
        start_file_id: str | None = None,
        page_size: int = 1000,
    ) -> Pager[FileVersion, tuple[str, str | None]]:
        """Every version (uploads, hide markers, unfinished large-file starts), all pages.

        Sorted by name, then newest first within a name.

        Args:
            prefix: only names starting with this.
            delimiter: group names into folders at this character after the prefix.
            start_file_name: start at this name (inclusive).
            start_file_id: with ``start_file_name``, start at this version (inclusive).
            page_size: versions per ``b2_list_file_versions`` call (1 … 10 000).
        """
        check_page_size(page_size)
        if start_file_id is not None and start_file_name is None:
            raise B2ValidationError("start_file_id needs start_file_name", rule="start_file_id")

        async def fetch(
            cursor: tuple[str, str | None] | None,
        ) -> tuple[Sequence[FileVersion], tuple[str, str | None] | None]:
            name, file_id = cursor if cursor is not None else (None, None)
            page = await self._client._session.call(
                _raw.list_file_versions,
                bucket_id=self.id,
                start_file_name=name,
                start_file_id=file_id,
                max_file_count=page_size,
                prefix=prefix,
                delimiter=delimiter,
            )
            if page.next_file_name is None:
                return page.files, None
            return page.files, (page.next_file_name, page.next_file_id)

        start = (start_file_name, start_file_id) if start_file_name is not None else None
        return Pager(fetch, start)

    def list_unfinished_large_files(
        self, prefix: str = "", page_size: int = 100
    ) -> Pager[FileVersion, str]:
        """Large files started but neither finished nor cancelled, all pages.

        Args:
            prefix: only names starting with this.
            page_size: files per ``b2_list_unfinished_large_files`` call (1 … 100).
        """
        if not 1 <= check_page_size(page_size) <= 100:
            raise B2ValidationError("page_size must be between 1 and 100", rule="page_size")

        async def fetch(cursor: str | None) -> tuple[Sequence[FileVersion], str | None]:
            page = await self._client._session.call(
                _raw.list_unfinished_large_files,
                bucket_id=self.id,
                name_prefix=prefix or None,
                start_file_id=cursor,
                max_file_count=page_size,
            )
            return page.files, page.next_file_id

        return Pager(fetch)

    # ----------------------------------------------------------------------------------------
    # File info by name

    # Names given to the verbs below are of existing files, which other clients may have
    # uploaded under looser rules than b2sdk's path rules (e.g. "a//b"): strict=False.

    async def get_file_info_by_name(
        self, file_name: str, *, sse: SseC | None = None
    ) -> FileVersion:
        """The newest visible version of ``file_name``, from a ``HEAD`` download request.

        B2 has no JSON endpoint for this; the download headers (``x-bz-*``) describe the
        version without sending its content.

        Args:
            sse: the SSE-C key, for a file encrypted with one.

        Raises:
            InvalidFileName: before any request.
            NotFound: no visible version of that name (hidden names included).
        """
        validate_file_name(file_name, strict=False)
        return await self._client._session.call(
            _head_by_name, bucket_name=self.name, file_name=file_name, sse=sse
        )

    # ----------------------------------------------------------------------------------------
    # Hiding and deleting

    async def hide_file(self, file_name: str) -> FileVersion:
        """Hide a name (``b2_hide_file``): a hide marker becomes its newest version.

        Older versions are kept (and downloadable by id); :meth:`unhide_file` undoes it.

        Raises:
            InvalidFileName: before any request.
            AlreadyHidden: the newest version is already a hide marker.
        """
        validate_file_name(file_name, strict=False)
        return await self._client._session.call(
            _raw.hide_file, bucket_id=self.id, file_name=file_name
        )

    async def unhide_file(
        self, file_name: str, *, bypass_governance: bool = False
    ) -> DeletedFileVersion:
        """Make a hidden name visible again by deleting its hide marker.

        B2 has no unhide endpoint: this lists the newest version of exactly ``file_name``
        and, if it is a hide marker, deletes that marker with ``b2_delete_file_version``.

        Returns:
            The deleted hide marker's id and name.

        Raises:
            FileNotHidden: the newest version is not a hide marker.
            FileNotPresent: the bucket has no version of that name at all.
        """
        validate_file_name(file_name, strict=False)
        newest = await self._newest_version(file_name)
        if newest is None:
            raise FileNotPresent(400, "file_not_present", f"File not present: {file_name}")
        if newest.action != "hide" or newest.file_id is None:
            raise FileNotHidden(file_name)
        return await self.delete_file_version(
            file_name, newest.file_id, bypass_governance=bypass_governance
        )

    async def _newest_version(self, file_name: str) -> FileVersion | None:
        """The newest hide marker or upload of exactly ``file_name``, if any."""
        # prefix=name and start=name put the versions of exactly this name first (newest
        # first); longer names sharing the prefix follow and end the search. An unfinished
        # large file ("start") is not a version of the visible file, so it is skipped.
        versions = self.list_file_versions(
            prefix=file_name, start_file_name=file_name, page_size=_UNHIDE_PAGE_SIZE
        )
        async for version in versions:
            if version.file_name != file_name:
                return None
            if version.action != "start":
                return version
        return None

    async def delete_file_version(
        self, file_name: str, file_id: str, *, bypass_governance: bool = False
    ) -> DeletedFileVersion:
        """Permanently delete one version; see :meth:`B2Client.delete_file_version`."""
        return await self._client.delete_file_version(
            file_name, file_id, bypass_governance=bypass_governance
        )

    # ----------------------------------------------------------------------------------------
    # Sharing

    async def get_download_authorization(
        self,
        prefix: str,
        valid_seconds: int,
        *,
        content_disposition: str | None = None,
        content_language: str | None = None,
        expires: str | None = None,
        cache_control: str | None = None,
        content_encoding: str | None = None,
        content_type: str | None = None,
    ) -> DownloadAuthorization:
        """A token that lets anyone download names starting with ``prefix`` from this bucket.

        Args:
            prefix: the file-name prefix the token covers (``""`` = the whole bucket).
            valid_seconds: the token's lifetime, 1 … 604 800 (7 days).
            content_disposition, content_language, expires, cache_control,
            content_encoding, content_type: response-header overrides; downloads using the
                token must then pass exactly the same values.

        Raises:
            B2ValidationError: ``valid_seconds`` out of range, before any request.
        """
        if isinstance(valid_seconds, bool) or not (
            1 <= valid_seconds <= MAX_DOWNLOAD_AUTHORIZATION_SECONDS
        ):
            raise B2ValidationError(
                f"valid_seconds must be between 1 and {MAX_DOWNLOAD_AUTHORIZATION_SECONDS}",
                rule="valid_duration",
            )
        return await self._client._session.call(
            _raw.get_download_authorization,
            bucket_id=self.id,
            file_name_prefix=prefix,
            valid_duration_in_seconds=valid_seconds,
            b2_content_disposition=content_disposition,
            b2_content_language=content_language,
            b2_expires=expires,
            b2_cache_control=cache_control,
            b2_content_encoding=content_encoding,
            b2_content_type=content_type,
        )

    # ----------------------------------------------------------------------------------------
    # Object Lock

    async def update_file_retention(
        self,
        file_name: str,
        file_id: str,
        retention: RetentionInput | None,
        *,
        bypass_governance: bool = False,
    ) -> FileRetentionResult:
        """Set or remove a file version's retention; see :meth:`B2Client.update_file_retention`."""
        return await self._client.update_file_retention(
            file_name, file_id, retention, bypass_governance=bypass_governance
        )

    async def update_file_legal_hold(
        self, file_name: str, file_id: str, legal_hold: LegalHold
    ) -> LegalHoldResult:
        """Set a file version's legal hold; see :meth:`B2Client.update_file_legal_hold`."""
        return await self._client.update_file_legal_hold(file_name, file_id, legal_hold)

    # ----------------------------------------------------------------------------------------
    # Event notifications

    async def get_notification_rules(self) -> list[EventNotificationRule]:
        """The bucket's event notification rules (``b2_get_bucket_notification_rules``)."""
        rules = await self._client._session.call(
            _raw.get_bucket_notification_rules, bucket_id=self.id
        )
        return list(rules.event_notification_rules)

    async def set_notification_rules(
        self, rules: Sequence[EventNotificationRule | Mapping[str, Any]]
    ) -> list[EventNotificationRule]:
        """Replace all of the bucket's event notification rules; returns the stored rules.

        Raises:
            EventNotificationRuleError: B2 refused the rules (overlap, empty or bad types).
        """
        result = await self._client._session.call(
            _raw.set_bucket_notification_rules,
            bucket_id=self.id,
            event_notification_rules=list(rules),
        )
        return list(result.event_notification_rules)


async def _head_by_name(
    ctx: ApiContext, *, bucket_name: str, file_name: str, sse: SseC | None
) -> FileVersion:
    """``HEAD`` of a download by name, as a session-callable (retries, re-authorization)."""
    async with _raw.download_file_by_name(
        ctx.http,
        download_url=ctx.download_url,
        bucket_name=bucket_name,
        file_name=file_name,
        token=ctx.token,
        sse=sse,
        method="HEAD",
    ) as response:
        return response.file_version
