"""Per-bucket sorted index of file versions.

B2 lists versions by name ascending, then newest first.  The index keeps the sorted keys
``(file_name, -sequence)`` of every version plus a separate sorted set of *visible* names
(newest version is an upload), both in a :class:`SortedList`, so a page of
``b2_list_file_names`` costs O(page + log n) and never walks hidden names or old versions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from b2async.testing._sorted import SortedList

if TYPE_CHECKING:
    from collections.abc import Iterator

    from b2async.testing._state import StoredVersion

# A version's sort key is one string: the name, a NUL (sorts below every legal name
# character, so all versions of "a" precede "a-b" and "a/b"), then the inverted sequence in
# fixed-width hex so newer versions come first.  Strings compare much faster than tuples.
VersionKey = str
_TOP = 1 << 60


def version_key(file_name: str, seq: int | None = None) -> VersionKey:
    """Sort key of a version; with ``seq=None`` the key before every version of the name."""
    return f"{file_name}\x00" if seq is None else f"{file_name}\x00{_TOP - seq:015x}"


class BucketIndex:
    """Sorted versions of one bucket, plus the sorted visible names."""

    def __init__(self) -> None:
        self.keys: SortedList[VersionKey] = SortedList()
        self.by_key: dict[VersionKey, StoredVersion] = {}
        self.by_name: dict[str, list[StoredVersion]] = {}  # newest first
        self.visible: SortedList[str] = SortedList()

    def __len__(self) -> int:
        return len(self.keys)

    def add(self, version: StoredVersion) -> None:
        """Insert a version."""
        key = version_key(version.file_name, version.seq)
        self.keys.add(key)
        self.by_key[key] = version
        versions = self.by_name.setdefault(version.file_name, [])
        versions.insert(0, version)
        if len(versions) > 1 and versions[1].seq > version.seq:
            versions.sort(key=lambda v: -v.seq)
        if version.action == "upload" and versions[0] is version:
            if len(versions) == 1 or version.file_name not in self.visible:
                self.visible.add(version.file_name)
        elif version.action != "start":
            self._refresh(version.file_name)

    def remove(self, version: StoredVersion) -> None:
        """Remove a version (delete, cancel)."""
        key = version_key(version.file_name, version.seq)
        self.keys.discard(key)
        self.by_key.pop(key, None)
        versions = self.by_name.get(version.file_name, [])
        versions[:] = [v for v in versions if v is not version]
        if not versions:
            self.by_name.pop(version.file_name, None)
        self._refresh(version.file_name)

    def changed(self, file_name: str) -> None:
        """Recompute visibility after a version of ``file_name`` changed in place."""
        self._refresh(file_name)

    def current(self, file_name: str) -> StoredVersion | None:
        """Newest version that is not an unfinished large file (spec 14.2)."""
        for version in self.by_name.get(file_name, ()):
            if version.action != "start":
                return version
        return None

    def visible_version(self, file_name: str) -> StoredVersion | None:
        """The version a by-name download or list_file_names sees, or None if hidden."""
        current = self.current(file_name)
        return current if current is not None and current.action == "upload" else None

    def versions_from(self, file_name: str, seq: int | None = None) -> Iterator[StoredVersion]:
        """Versions in listing order from ``(file_name, seq)`` inclusive.

        With ``seq=None`` start at the newest version of the first name >= ``file_name``.
        """
        for found in self.keys.irange(version_key(file_name, seq)):
            yield self.by_key[found]

    def visible_from(self, name: str) -> Iterator[str]:
        """Visible names >= ``name`` in order."""
        return self.visible.irange(name)

    def iter_all(self) -> Iterator[StoredVersion]:
        """Every version in listing order."""
        for key in self.keys:
            yield self.by_key[key]

    def _refresh(self, file_name: str) -> None:
        if self.visible_version(file_name) is not None:
            if file_name not in self.visible:
                self.visible.add(file_name)
        else:
            self.visible.discard(file_name)
