"""``BucketFileVerbs``: the verbs of :class:`~b2async.Bucket` that act on existing files.

Reading a file's headers by name, hiding and unhiding, deleting versions, Object Lock
updates and download authorizations. A mixin, like the transfer verbs: ``Bucket`` provides
``self._client``, ``self.id``, ``self.name`` and :meth:`list_file_versions`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from b2async import _raw
from b2async._arguments import validate_flag, validate_optional_str, validate_sse
from b2async._errors import B2ValidationError, FileNotHidden, FileNotPresent
from b2async._raw._files import check_download_authorization_seconds
from b2async._transfer._download import DownloadTarget
from b2async._validation import validate_file_name

if TYPE_CHECKING:
    from b2async._client import B2Client
    from b2async._models import (
        DeletedFileVersion,
        DownloadAuthorization,
        FileRetentionResult,
        FileVersion,
        LegalHold,
        LegalHoldResult,
        SseC,
    )
    from b2async._models import Retention as RetentionInput
    from b2async._paging import Pager

__all__ = ["BucketFileVerbs"]

# unhide_file reads only the newest versions of one name; a few per page is plenty.
_UNHIDE_PAGE_SIZE = 10


class BucketFileVerbs:
    """Per-file verbs inside one bucket.

    Names given to these verbs are of existing files, which other clients may have uploaded
    under looser rules than b2sdk's path rules (e.g. ``"a//b"``): they are checked with
    ``strict=False``.
    """

    _client: B2Client
    id: str
    name: str

    if TYPE_CHECKING:

        def list_file_versions(
            self,
            prefix: str = "",
            delimiter: str | None = None,
            start_file_name: str | None = None,
            start_file_id: str | None = None,
            page_size: int = 1000,
        ) -> Pager[FileVersion, tuple[str, str | None]]: ...

    # ----------------------------------------------------------------------------------------
    # File info by name

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
            B2ValidationError: an ``sse`` that is not an :class:`~b2async.SseC` (rule
                ``sse``), before any request.
            NotFound: no visible version of that name (hidden names included).
        """
        target = DownloadTarget.by_name(self.name, file_name)  # checks the name
        validate_sse(sse, allow_sse_b2=False)
        return await self._client._session.call(target.head, sse=sse)

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
            InvalidFileName: before any request.
            B2ValidationError: a non-``bool`` ``bypass_governance``, before any request.
            FileNotHidden: the newest version is not a hide marker.
            FileNotPresent: the bucket has no version of that name at all.
        """
        validate_file_name(file_name, strict=False)
        validate_flag(bypass_governance, "bypass_governance")
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
            content_disposition: ``Content-Disposition`` override for downloads using the
                token (response-header overrides: a download with this token must then pass
                exactly the same value, and so for each of the overrides below).
            content_language: ``Content-Language`` override.
            expires: ``Expires`` override.
            cache_control: ``Cache-Control`` override.
            content_encoding: ``Content-Encoding`` override.
            content_type: ``Content-Type`` override.

        Returns:
            The token with the bucket id and prefix it is valid for.

        Raises:
            B2ValidationError: before any request: ``valid_seconds`` not an int from 1 to
                604 800 (rule ``valid_duration``), or a non-``str`` ``prefix`` or override
                (rule: the argument's name).
        """
        # Checked here too so that a bad lifetime fails before the first authorization; the
        # type first, as a str would fail the range check with a bare TypeError and a float
        # pass it and reach B2.
        if isinstance(valid_seconds, bool) or not isinstance(valid_seconds, int):
            raise B2ValidationError(
                f"valid_seconds must be an int (rule valid_duration), got "
                f"{type(valid_seconds).__name__}",
                rule="valid_duration",
            )
        check_download_authorization_seconds(valid_seconds)
        if not isinstance(prefix, str):
            raise B2ValidationError(
                f"prefix must be a str ('' for the whole bucket) (rule prefix), got "
                f"{type(prefix).__name__}",
                rule="prefix",
            )
        validate_optional_str(content_disposition, "content_disposition")
        validate_optional_str(content_language, "content_language")
        validate_optional_str(expires, "expires")
        validate_optional_str(cache_control, "cache_control")
        validate_optional_str(content_encoding, "content_encoding")
        validate_optional_str(content_type, "content_type")
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
