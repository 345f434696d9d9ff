"""B2 percent-encoding: Backblaze's table and round-trip properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from b2async._encoding import decode_b2, encode_b2

# Text without lone surrogates (those are not representable in UTF-8).
TEXT = st.text(st.characters(codec="utf-8"))

# Backblaze's string-encoding test table (spec §6.2): (string, fully encoded, minimally encoded).
TABLE = [
    (" ", "%20", "+"),
    ("!", "%21", "!"),
    ('"', "%22", "%22"),
    ("#", "%23", "%23"),
    ("$", "%24", "$"),
    ("%", "%25", "%25"),
    ("&", "%26", "%26"),
    ("'", "%27", "'"),
    ("(", "%28", "("),
    (")", "%29", ")"),
    ("*", "%2A", "*"),
    ("+", "%2B", "%2B"),
    (",", "%2C", "%2C"),
    ("-", "-", "-"),
    (".", ".", "."),
    ("/", "/", "/"),
    ("0", "0", "0"),
    ("9", "9", "9"),
    (":", "%3A", ":"),
    (";", "%3B", ";"),
    ("<", "%3C", "%3C"),
    ("=", "%3D", "="),
    (">", "%3E", "%3E"),
    ("?", "%3F", "%3F"),
    ("@", "%40", "@"),
    ("A", "A", "A"),
    ("Z", "Z", "Z"),
    ("[", "%5B", "%5B"),
    ("\\", "%5C", "%5C"),
    ("]", "%5D", "%5D"),
    ("^", "%5E", "%5E"),
    ("_", "_", "_"),
    ("`", "%60", "%60"),
    ("a", "a", "a"),
    ("z", "z", "z"),
    ("{", "%7B", "%7B"),
    ("|", "%7C", "%7C"),
    ("}", "%7D", "%7D"),
    ("~", "~", "~"),
    ("\x7f", "%7F", "%7F"),
    ("\u81ea\u7531", "%E8%87%AA%E7%94%B1", "%E8%87%AA%E7%94%B1"),
    ("\U00010400", "%F0%90%90%80", "%F0%90%90%80"),
]


@pytest.mark.parametrize(("text", "full", "minimal"), TABLE)
def test_backblaze_table(text: str, full: str, minimal: str) -> None:
    assert encode_b2(text) == full
    assert decode_b2(full) == text
    assert decode_b2(minimal) == text
    if full.startswith("%"):
        assert decode_b2(full.lower()) == text  # hex digits are case-insensitive


def test_plus_and_space() -> None:
    assert encode_b2("a+b c") == "a%2Bb%20c"
    assert decode_b2("a+b") == "a b"
    assert decode_b2("a%2Bb") == "a+b"
    assert encode_b2("dir/sub dir/f.txt") == "dir/sub%20dir/f.txt"


@settings(deadline=None)
@given(TEXT)
def test_round_trip(text: str) -> None:
    encoded = encode_b2(text)
    assert decode_b2(encoded) == text
    assert "+" not in encoded
    assert " " not in encoded
    assert encoded.isascii()


@settings(deadline=None)
@given(TEXT)
def test_only_safe_characters_left_raw(text: str) -> None:
    allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/%")
    assert set(encode_b2(text)) <= allowed
