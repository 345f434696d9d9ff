"""B2's percent-encoding of file names and file-info values.

Outside JSON bodies (``X-Bz-File-Name``, ``X-Bz-Info-*`` values, download URL paths, query
strings) B2 carries strings as UTF-8 that is then percent-encoded.

* :func:`encode_b2` produces the *fully encoded* form of Backblaze's test table: everything but
  the unreserved characters ``A-Z a-z 0-9 - . _ ~`` and ``/`` is escaped, a space becomes
  ``%20`` and a ``+`` becomes ``%2B``. B2 decodes ``+`` as a space, so a raw ``+`` must never be
  emitted for a plus sign.
* :func:`decode_b2` accepts either form (``unquote_plus`` semantics: ``+`` is a space).
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote_plus

__all__ = ["decode_b2", "encode_b2"]

#: Matches a whole string that needs no escaping at all (the common case of plain ASCII
#: names such as ``photos/2026/img_0001.jpg``), so it can be returned as is without the
#: UTF-8 encode and the per-byte work of ``quote``: this runs for every upload.
_NOTHING_TO_ESCAPE = re.compile(r"[A-Za-z0-9\-._~/]*").fullmatch


def encode_b2(text: str) -> str:
    """Percent-encode ``text`` as UTF-8 for a B2 header, URL path or query value.

    ``/`` is left literal (B2 never requires it encoded, and download URLs keep the name's
    slashes); every other character outside ``A-Za-z0-9-._~`` is escaped.

    Raises:
        UnicodeEncodeError: ``text`` holds a lone surrogate (not representable in UTF-8).
    """
    if _NOTHING_TO_ESCAPE(text) is not None:
        return text
    return quote(text.encode("utf-8"), safe="/")


def decode_b2(text: str) -> str:
    """Decode a B2 percent-encoded string (``+`` means space, ``%2B`` means ``+``).

    Raises:
        UnicodeDecodeError: the escapes do not form UTF-8 (never silently replaced, so a
            mangled name cannot pass for a real one).
    """
    return unquote_plus(text, encoding="utf-8", errors="strict")
