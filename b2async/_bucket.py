"""``Bucket``: a handle on one B2 bucket and the verbs that act inside it.

The bucket's own settings, listings and notification rules live here. Two mixins bring the
rest: :class:`~b2async._bucket_files.BucketFileVerbs` (hiding, deleting versions, Object
Lock, download authorizations) and :class:`~b2async._transfer.BucketTransfers` (uploads,
downloads, copies).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from b2async import _raw
from b2async._arguments import (
    validate_bucket_info,
    validate_bucket_type,
    validate_default_sse,
    validate_flag,
    validate_id,
    validate_json_object,
    validate_json_objects,
    validate_optional_int,
    validate_optional_str,
)
from b2async._bucket_files import BucketFileVerbs
from b2async._errors import B2ValidationError, BucketNotFound
from b2async._models._files import (
    file_names_cursor,
    file_versions_cursor,
    parse_file_names_page,
    parse_file_versions_page,
)
from b2async._paging import MAX_PAGE_SIZE, Pager, PipelinedPager, check_page_size
from b2async._raw._files import list_file_names_body, list_file_versions_body
from b2async._transfer import BucketTransfers

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from b2async._client import B2Client
    from b2async._models import BucketModel, EventNotificationRule, FileVersion
    from b2async._raw._buckets import DefaultEncryption
    from b2async._raw._call import JsonInput

__all__ = ["Bucket"]


class Bucket(BucketFileVerbs, BucketTransfers):
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
            B2ValidationError: an argument of the wrong type or value (its ``rule`` is the
                argument's name), before any request.
            Conflict: ``if_revision_is`` did not match (someone else changed the bucket).
            FileLockConflict: an attempt to turn Object Lock off.
        """
        validate_bucket_type(bucket_type)
        validate_bucket_info(bucket_info)
        validate_json_objects(cors_rules, "cors_rules")
        validate_json_objects(lifecycle_rules, "lifecycle_rules")
        validate_json_object(default_retention, "default_retention")
        validate_default_sse(default_server_side_encryption)
        if file_lock_enabled is not None:
            validate_flag(file_lock_enabled, "file_lock_enabled")
        validate_json_object(replication_configuration, "replication_configuration")
        # A str revision used to be sent as-is and answered 409 conflict, as if someone
        # else had changed the bucket.
        validate_optional_int(if_revision_is, "if_revision_is")
        model = await self._client._session.call(
            _raw.update_bucket,
            bucket_id=self.id,
            bucket_type=bucket_type,
            bucket_info=bucket_info,
            cors_rules=cors_rules,
            lifecycle_rules=lifecycle_rules,
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
        page_size: int = MAX_PAGE_SIZE,
    ) -> PipelinedPager[FileVersion, str]:
        """The visible files (newest version of each name), sorted by name, all pages.

        Use as ``async for fv in bucket.list_file_names(prefix="a/"): ...``. With a
        ``delimiter`` (usually ``"/"``) the names below each "folder" are replaced by one
        entry with ``action == "folder"``.

        Args:
            prefix: only names starting with this.
            delimiter: group names into folders at this character after the prefix.
            start_file_name: start at this name (inclusive).
            page_size: names per ``b2_list_file_names`` call (1 … 10 000). B2 bills per 1000
                names returned, not per call, so the default is the largest page.

        Raises:
            B2ValidationError: ``page_size`` out of range, or a non-``str`` ``prefix``,
                ``delimiter`` or ``start_file_name`` (rule: the argument's name), before any
                request.
        """
        check_page_size(page_size)
        _check_listing(prefix, delimiter, start_file_name)

        async def fetch(cursor: str | None) -> bytes:
            return await self._client._session.call(
                list_file_names_body,
                bucket_id=self.id,
                start_file_name=cursor,
                max_file_count=page_size,
                prefix=prefix,
                delimiter=delimiter,
            )

        return PipelinedPager(fetch, file_names_cursor, parse_file_names_page, start_file_name)

    def list_file_versions(
        self,
        prefix: str = "",
        delimiter: str | None = None,
        start_file_name: str | None = None,
        start_file_id: str | None = None,
        page_size: int = MAX_PAGE_SIZE,
    ) -> PipelinedPager[FileVersion, tuple[str, str | None]]:
        """Every version (uploads, hide markers, unfinished large-file starts), all pages.

        Sorted by name, then newest first within a name.

        Args:
            prefix: only names starting with this.
            delimiter: group names into folders at this character after the prefix.
            start_file_name: start at this name (inclusive).
            start_file_id: with ``start_file_name``, start at this version (inclusive).
            page_size: versions per ``b2_list_file_versions`` call (1 … 10 000; billed like
                :meth:`list_file_names`).

        Raises:
            B2ValidationError: as :meth:`list_file_names`, or a ``start_file_id`` that is
                not a non-empty ``str`` or comes without ``start_file_name``.
        """
        check_page_size(page_size)
        _check_listing(prefix, delimiter, start_file_name)
        if start_file_id is not None:
            validate_id(start_file_id, "start_file_id")
            if start_file_name is None:
                raise B2ValidationError("start_file_id needs start_file_name", rule="start_file_id")

        async def fetch(cursor: tuple[str, str | None] | None) -> bytes:
            name, file_id = cursor if cursor is not None else (None, None)
            return await self._client._session.call(
                list_file_versions_body,
                bucket_id=self.id,
                start_file_name=name,
                start_file_id=file_id,
                max_file_count=page_size,
                prefix=prefix,
                delimiter=delimiter,
            )

        start = (start_file_name, start_file_id) if start_file_name is not None else None
        return PipelinedPager(fetch, file_versions_cursor, parse_file_versions_page, start)

    def list_unfinished_large_files(
        self, prefix: str = "", page_size: int = 100
    ) -> Pager[FileVersion, str]:
        """Large files started but neither finished nor cancelled, all pages.

        Args:
            prefix: only names starting with this.
            page_size: files per ``b2_list_unfinished_large_files`` call (1 … 100).

        Raises:
            B2ValidationError: ``page_size`` out of range or a non-``str`` ``prefix``, before
                any request.
        """
        if not 1 <= check_page_size(page_size) <= 100:
            raise B2ValidationError("page_size must be between 1 and 100", rule="page_size")
        validate_optional_str(prefix, "prefix")

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
            B2ValidationError: ``rules`` is not a list of rules (models or dicts), before any
                request (rule ``rules``).
            EventNotificationRuleError: B2 refused the rules (overlap, empty or bad types).
        """
        validate_json_objects(rules, "rules")
        result = await self._client._session.call(
            _raw.set_bucket_notification_rules,
            bucket_id=self.id,
            event_notification_rules=list(rules),
        )
        return list(result.event_notification_rules)


def _check_listing(prefix: str | None, delimiter: str | None, start_file_name: str | None) -> None:
    """The ``str`` arguments of the file listings; their values are B2's to judge (a prefix
    matching nothing is not an error)."""
    validate_optional_str(prefix, "prefix")
    validate_optional_str(delimiter, "delimiter")
    validate_optional_str(start_file_name, "start_file_name")
