"""Identifiers and secrets in B2's shapes, drawn from a seeded generator.

Every id the emulator hands out comes from here, so a given seed replays the same ids.  File
ids mimic B2's layout (spec 1.4) and embed the emulator's global version sequence, which is
what lets a listing resume exactly from a ``nextFileId`` even after that version was deleted.
"""

from __future__ import annotations

import re
import time
from functools import lru_cache
from random import Random

_FILE_ID_RE = re.compile(
    r"^4_z([0-9a-f]{24})_f([12])([0-9a-f]{15})_d\d{8}_m\d{6}_c\d{3}_v\d{7}_t\d{4}"
)


class IdFactory:
    """Issues ids, tokens and secrets deterministically for one emulator instance."""

    def __init__(self, seed: int) -> None:
        self._rng = Random(seed)
        self._keys = 0
        self._urls = 0

    def hex(self, digits: int) -> str:
        """Random lower-case hex string of ``digits`` characters."""
        return f"{self._rng.getrandbits(digits * 4):0{digits}x}"

    def account_id(self) -> str:
        """A 12-hex account id."""
        return self.hex(12)

    def bucket_id(self) -> str:
        """A 24-hex bucket id."""
        return self.hex(24)

    def key_id(self, account_id: str) -> str:
        """A 25-char application key id: cluster + account + sequence."""
        self._keys += 1
        return f"002{account_id[:12]}{self._keys:010d}"

    def secret(self) -> str:
        """A 31-char application key secret."""
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        return "K002" + "".join(self._rng.choice(alphabet) for _ in range(27))

    def account_token(self, key_id: str) -> str:
        """An account authorization token (opaque to clients)."""
        return f"4_{key_id}_{self.hex(8)}_{self.hex(6)}_acct_{self.hex(28)}="

    def upload_token(self) -> str:
        """An upload (file or part) authorization token."""
        return f"4_{self.hex(12)}_{self.hex(8)}_upld_{self.hex(28)}="

    def download_token(self) -> str:
        """A download-authorization token."""
        return f"3_{self.hex(14)}_{self.hex(8)}_dnld_{self.hex(28)}="

    def url_suffix(self) -> str:
        """The pod/vault part of an upload URL."""
        self._urls += 1
        return f"c002_v0001{self._urls % 1000:03d}_t{self._urls % 10000:04d}"


@lru_cache(maxsize=64)
def _date_part(seconds: int) -> str:
    return time.strftime("_d%Y%m%d_m%H%M%S", time.gmtime(seconds))


def file_id(bucket_id: str, seq: int, *, large: bool, now_ms: int) -> str:
    """Build a file id in B2's layout that embeds the version sequence ``seq``."""
    return (
        f"4_z{bucket_id}_f{2 if large else 1}{seq:015x}{_date_part(now_ms // 1000)}"
        f"_c002_v0001{seq % 1000:03d}_t{seq % 10000:04d}_u0{now_ms:013d}"
    )


def parse_file_id(value: str) -> tuple[str, int] | None:
    """Return ``(bucket_id, sequence)`` from an emulator file id, or None if malformed."""
    match = _FILE_ID_RE.match(value)
    if match is None:
        return None
    return match.group(1), int(match.group(3), 16)
