"""``KeyVerbs``: the application-key verbs of :class:`~b2async.B2Client`.

A mixin, kept apart from the client because keys are an account concern of their own (and
the client module stays within the size cap); ``B2Client`` provides ``self._session``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from b2async import _raw
from b2async._arguments import validate_id, validate_ids, validate_optional_str
from b2async._errors import B2ValidationError
from b2async._paging import Pager, check_page_size
from b2async._raw._keys import check_new_key

if TYPE_CHECKING:
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
            B2ValidationError: before any request: a bad name (rule ``key_name``);
                capabilities that are not a non-empty list of names (``capabilities``;
                unknown names are left to B2, which adds new ones); a duration that is not
                an int in range (``valid_duration``); ``bucket_ids`` that is not a list of
                non-empty ids (``bucket_ids``: a ``None`` in it would have created a key
                for every bucket); a non-``str`` ``name_prefix`` (``name_prefix``).
        """
        _check_capabilities(capabilities)
        if valid_duration_seconds is not None and (
            isinstance(valid_duration_seconds, bool) or not isinstance(valid_duration_seconds, int)
        ):
            # The range is check_new_key's; a bool or float would have reached B2, and a str
            # failed there with a bare TypeError.
            raise B2ValidationError(
                f"valid_duration_seconds must be an int (rule valid_duration), got "
                f"{type(valid_duration_seconds).__name__}",
                rule="valid_duration",
            )
        ids = validate_ids(bucket_ids, "bucket_ids")
        validate_optional_str(name_prefix, "name_prefix")
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

        Raises:
            B2ValidationError: ``page_size`` not an int from 1 to 10 000 (rule
                ``page_size``), before any request.
        """
        check_page_size(page_size)

        async def fetch(cursor: str | None) -> tuple[Sequence[ApplicationKey], str | None]:
            page = await self._session.call(
                _raw.list_keys, max_key_count=page_size, start_application_key_id=cursor
            )
            return page.keys, page.next_application_key_id

        return Pager(fetch)

    async def delete_key(self, key_or_key_id: ApplicationKey | str) -> ApplicationKey:
        """Delete an application key (``b2_delete_key``); returns the deleted key.

        Raises:
            B2ValidationError: neither an :class:`~b2async.ApplicationKey` nor a non-empty
                key id (rule ``application_key_id``), before any request.
        """
        # Anything but a key object is checked as an id (None used to fail with an
        # AttributeError, "" to reach B2).
        key_id = validate_id(
            getattr(key_or_key_id, "application_key_id", key_or_key_id), "application_key_id"
        )
        return await self._session.call(_raw.delete_key, application_key_id=key_id)


def _check_capabilities(capabilities: Sequence[str]) -> None:
    """Every capability must be a non-empty ``str``; B2 judges the names themselves.

    Raises:
        B2ValidationError: rule ``capabilities``.
    """
    if (
        isinstance(capabilities, (str, bytes))
        or not isinstance(capabilities, (Sequence, set, frozenset))
        or not capabilities
    ):
        raise B2ValidationError(
            f"capabilities must be a non-empty list of names (rule capabilities), got "
            f"{capabilities!r}",
            rule="capabilities",
        )
    for capability in capabilities:
        if not isinstance(capability, str) or not capability:
            raise B2ValidationError(
                f"capabilities must be names (non-empty str) (rule capabilities), got "
                f"{capability!r}",
                rule="capabilities",
            )
