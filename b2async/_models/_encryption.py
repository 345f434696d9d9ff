"""Server-side encryption: what B2 reports, and what callers ask for.

Reported (wire models): :class:`ServerSideEncryption` ``{"mode", "algorithm"}`` on file versions
and parts, and the bucket default wrapped in :class:`DefaultServerSideEncryption`.

Requested (inputs): :class:`SseB2` (B2-managed keys) and :class:`SseC` (customer key). Each knows
its upload/download headers and its JSON form for ``b2_start_large_file`` / ``b2_copy_*``. The
SSE-C key never appears in a repr.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from typing import ClassVar

from pydantic import dataclasses as pydantic_dataclasses

from b2async._errors import B2ValidationError
from b2async._models._base import VALUE_CONFIG, B2Model

__all__ = [
    "SSE_B2",
    "SSE_C",
    "DefaultServerSideEncryption",
    "ServerSideEncryption",
    "SseB2",
    "SseC",
]

#: ``mode`` values B2 reports.
SSE_B2 = "SSE-B2"
SSE_C = "SSE-C"
_AES256 = "AES256"


@pydantic_dataclasses.dataclass(frozen=True, slots=True, config=VALUE_CONFIG)
class ServerSideEncryption:
    """How a file (or part) is encrypted: ``mode`` ``None`` / ``"none"`` / ``"SSE-B2"`` /
    ``"SSE-C"`` and ``algorithm`` (``"AES256"``); both ``None`` when not encrypted."""

    mode: str | None = None
    algorithm: str | None = None

    @property
    def is_encrypted(self) -> bool:
        """True for SSE-B2 and SSE-C."""
        return self.mode is not None and self.mode.lower() != "none"


class DefaultServerSideEncryption(B2Model):
    """A bucket's default encryption; ``value`` is ``None`` without ``readBucketEncryption``."""

    is_client_authorized_to_read: bool = True
    value: ServerSideEncryption | None = None


@dataclass(frozen=True)
class SseB2:
    """Ask B2 to encrypt with its own managed keys (SSE-B2, AES256)."""

    algorithm: ClassVar[str] = _AES256
    mode: ClassVar[str] = SSE_B2

    def upload_headers(self) -> dict[str, str]:
        """Headers for ``b2_upload_file`` (SSE-B2 on a large file is declared at start only)."""
        return {"X-Bz-Server-Side-Encryption": _AES256}

    def headers(self) -> dict[str, str]:
        """Alias of :meth:`upload_headers` (the name used in the architecture notes)."""
        return self.upload_headers()

    def to_json(self) -> dict[str, object]:
        """The ``serverSideEncryption`` member for start_large_file / copy requests."""
        return {"mode": SSE_B2, "algorithm": _AES256}


@dataclass(frozen=True)
class SseC:
    """Encrypt with a customer-supplied 256-bit key (SSE-C).

    B2 stores only the key's MD5; the same key must be sent again to download, copy or upload
    further parts. ``key_id`` is an optional label (b2sdk stores it as ``sse_c_key_id`` file
    info). The key is never shown in ``repr``.

    Raises:
        B2ValidationError: ``key`` is not exactly 32 bytes (rule ``"sse_c_key_length"``).
    """

    key: bytes = field(repr=False)
    key_id: str | None = None

    algorithm: ClassVar[str] = _AES256
    mode: ClassVar[str] = SSE_C

    def __post_init__(self) -> None:
        if not isinstance(self.key, bytes) or len(self.key) != 32:
            raise B2ValidationError(
                "SSE-C key must be exactly 32 bytes (rule sse_c_key_length)",
                rule="sse_c_key_length",
            )

    def __repr__(self) -> str:
        return f"SseC(key=<hidden>, key_id={self.key_id!r})"

    __str__ = __repr__

    @property
    def key_b64(self) -> str:
        """The key, base64-encoded as B2 wants it."""
        return base64.b64encode(self.key).decode("ascii")

    @property
    def key_md5_b64(self) -> str:
        """Base64 of the key's MD5 digest (B2 checks the key against it)."""
        return base64.b64encode(hashlib.md5(self.key).digest()).decode("ascii")

    def upload_headers(self) -> dict[str, str]:
        """Headers for b2_upload_file, b2_upload_part and downloads of SSE-C data."""
        return {
            "X-Bz-Server-Side-Encryption-Customer-Algorithm": _AES256,
            "X-Bz-Server-Side-Encryption-Customer-Key": self.key_b64,
            "X-Bz-Server-Side-Encryption-Customer-Key-Md5": self.key_md5_b64,
        }

    def headers(self) -> dict[str, str]:
        """Alias of :meth:`upload_headers` (the name used in the architecture notes)."""
        return self.upload_headers()

    def to_json(self) -> dict[str, object]:
        """The SSE-C member for start_large_file / copy_file / copy_part requests."""
        return {
            "mode": SSE_C,
            "algorithm": _AES256,
            "customerKey": self.key_b64,
            "customerKeyMd5": self.key_md5_b64,
        }
