"""``KeyVerbs``: the application-key verbs of :class:`~b2async.B2Client`.

A mixin, kept apart from the client because keys are an account concern of their own (and
the client module stays within the size cap); ``B2Client`` provides ``self._session``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from b2async import _raw
from b2async._paging import Pager, check_page_size
from b2async._raw._keys import check_new_key

if TYPE_CHECKING:
    from collections.abc import Sequence

    from b2async._models import ApplicationKey, NewApplicationKey
    from b2async._session import Session

__all__ = ["KeyVerbs"]

#: ``b2_list_keys`` returns at most this many keys per call.
_KEYS_PAGE_SIZE = 1000


class KeyVerbs:
    """Create, list and delete application keys."""

    _session: Session

    async def create_key(
        self,
        key_name: str,
        capabilities: Sequence[str],
        *,
        bucket_ids: Sequence[str] | None = None,
        name_prefix: str | None = None,
        valid_duration_seconds: int | None = None,
    ) -> NewApplicationKey:
        """Create an application key (``b2_create_key``).

        The secret (``application_key``) is returned only here, as a ``SecretStr``.

        Args:
            key_name: 1-100 letters, digits and ``-`` (need not be unique).
            capabilities: a non-empty list, e.g. ``["listFiles", "readFiles"]``.
            bucket_ids: restrict the key to these buckets (API v3 allows one).
            name_prefix: restrict the key to file names starting with this.
            valid_duration_seconds: expire the key after this many seconds (< 1000 days).

        Raises:
            B2ValidationError: bad name, empty capabilities or duration, before any request.
        """
        ids = list(bucket_ids) if bucket_ids is not None else None
        # Checked here too so that a bad key fails before the session's first authorization.
        check_new_key(
            self._session.api_version,
            key_name=key_name,
            capabilities=capabilities,
            valid_duration_in_seconds=valid_duration_seconds,
            bucket_ids=ids,
        )
        return await self._session.call(
            _raw.create_key,
            key_name=key_name,
            capabilities=list(capabilities),
            bucket_ids=ids,
            name_prefix=name_prefix,
            valid_duration_in_seconds=valid_duration_seconds,
        )

    def list_keys(self, *, page_size: int = _KEYS_PAGE_SIZE) -> Pager[ApplicationKey, str]:
        """Every application key of the account (not the master key), all pages.

        Use as ``async for key in b2.list_keys(): ...``; pages are fetched as iteration
        reaches them.
        """
        check_page_size(page_size)

        async def fetch(cursor: str | None) -> tuple[Sequence[ApplicationKey], str | None]:
            page = await self._session.call(
                _raw.list_keys, max_key_count=page_size, start_application_key_id=cursor
            )
            return page.keys, page.next_application_key_id

        return Pager(fetch)

    async def delete_key(self, key_or_key_id: ApplicationKey | str) -> ApplicationKey:
        """Delete an application key (``b2_delete_key``); returns the deleted key."""
        key_id = (
            key_or_key_id if isinstance(key_or_key_id, str) else key_or_key_id.application_key_id
        )
        return await self._session.call(_raw.delete_key, application_key_id=key_id)
