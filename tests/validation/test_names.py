"""File-name and bucket-name rules."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from b2async._errors import InvalidBucketName, InvalidFileName
from b2async._validation import validate_bucket_name, validate_file_name

# Characters allowed anywhere in a name: no controls, no DEL, no surrogates, no "/".
NAME_CHAR = st.characters(codec="utf-8", exclude_characters="/\x7f", min_codepoint=0x20)
SEGMENT = st.text(NAME_CHAR, min_size=1, max_size=40)
VALID_NAME = st.lists(SEGMENT, min_size=1, max_size=8).map("/".join)
BAD_CHAR = st.sampled_from([chr(c) for c in range(0x20)] + ["\x7f"])


@settings(deadline=None)
@given(VALID_NAME)
def test_valid_names_pass(name: str) -> None:
    assume(len(name.encode("utf-8")) <= 1024)
    assert validate_file_name(name) == name
    assert validate_file_name(name, strict=False) == name


@settings(deadline=None)
@given(st.text(NAME_CHAR), BAD_CHAR, st.text(NAME_CHAR))
def test_control_characters_fail(prefix: str, bad: str, suffix: str) -> None:
    name = prefix + bad + suffix
    for strict in (True, False):
        with pytest.raises(InvalidFileName) as info:
            validate_file_name(name, strict=strict)
        assert info.value.rule in {"control_character", "del_character", "max_bytes"}
        assert info.value.rule in str(info.value)


@settings(deadline=None)
@given(st.text(NAME_CHAR, min_size=1))
def test_over_1024_bytes_fails(chunk: str) -> None:
    repeat = 1025 // len(chunk.encode("utf-8")) + 1
    name = chunk * repeat
    assert len(name.encode("utf-8")) > 1024
    for strict in (True, False):
        with pytest.raises(InvalidFileName) as info:
            validate_file_name(name, strict=strict)
        assert info.value.rule == "max_bytes"


def test_length_boundaries() -> None:
    assert validate_file_name("a" * 1024, strict=False) == "a" * 1024
    assert validate_file_name("/".join(["a" * 250] * 4) + "/aaaaaaaaaaaaaaaaaaaa"[:20])
    three_byte = "\u81ea" * 341 + "a"  # 1024 bytes
    assert validate_file_name(three_byte, strict=False) == three_byte
    with pytest.raises(InvalidFileName) as info:
        validate_file_name(three_byte + "a")
    assert info.value.rule == "max_bytes"


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("", "min_bytes"),
        ("/abs", "leading_slash"),
        ("dir/", "trailing_slash"),
        ("a//b", "double_slash"),
        ("a/" + "b" * 251, "segment_max_bytes"),
        ("a\x00b", "control_character"),
        ("a\nb", "control_character"),
        ("a\x7fb", "del_character"),
        ("bad\ud800", "utf8"),
        (b"bytes", "type"),
    ],
)
def test_name_rules(name: str, rule: str) -> None:
    with pytest.raises(InvalidFileName) as info:
        validate_file_name(name)
    assert info.value.rule == rule
    assert f"rule {rule}" in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("name", ["/abs", "dir/", "a//b", "a/" + "b" * 251])
def test_path_rules_are_strict_only(name: str) -> None:
    assert validate_file_name(name, strict=False) == name


@pytest.mark.parametrize(
    "name", ["abcdef", "a" * 63, "My-Bucket-01", "0123456789", "b2bucket", "x-b2-ok"]
)
def test_valid_bucket_names(name: str) -> None:
    assert validate_bucket_name(name) == name


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("abcde", "length"),
        ("a" * 64, "length"),
        ("bad_name", "characters"),
        ("bad.name", "characters"),
        ("bücket-name", "characters"),
        ("b2-reserved", "reserved_prefix"),
        ("B2-Reserved", "reserved_prefix"),
        (123456, "type"),
    ],
)
def test_bucket_name_rules(name: str, rule: str) -> None:
    with pytest.raises(InvalidBucketName) as info:
        validate_bucket_name(name)
    assert info.value.rule == rule


@settings(deadline=None)
@given(st.text(st.sampled_from("abcXYZ019-"), min_size=6, max_size=63))
def test_generated_bucket_names(name: str) -> None:
    assume(not name.lower().startswith("b2-"))
    assert validate_bucket_name(name) == name
