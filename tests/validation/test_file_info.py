"""File-info rules: count, keys, reserved keys, value types and the header-size limit."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from b2async._encoding import encode_b2
from b2async._errors import InvalidFileInfo
from b2async._validation import (
    FILE_INFO_HEADER_LIMIT,
    FILE_INFO_HEADER_LIMIT_STRICT,
    file_info_header_size,
    validate_file_info,
)

KEY_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.`~!#$%^&*'|+"
KEY = st.text(st.sampled_from(KEY_CHARS), min_size=1, max_size=50).filter(
    lambda key: not key.lower().startswith("b2-")
)
VALUE = st.text(st.characters(codec="utf-8"), max_size=40)


def _info_dicts(min_size: int, max_size: int) -> st.SearchStrategy[dict[str, str]]:
    keys = st.lists(KEY, min_size=min_size, max_size=max_size, unique_by=str.lower)
    return keys.flatmap(
        lambda ks: st.lists(VALUE, min_size=len(ks), max_size=len(ks)).map(
            lambda vs: dict(zip(ks, vs, strict=True))
        )
    )


@settings(deadline=None)
@given(_info_dicts(0, 10))
def test_up_to_ten_pairs_pass(info: dict[str, str]) -> None:
    result = validate_file_info(info, file_name="a.txt")
    assert result == {key.lower(): value for key, value in info.items()}
    assert result is not info


@settings(deadline=None)
@given(_info_dicts(11, 14))
def test_more_than_ten_pairs_fail(info: dict[str, str]) -> None:
    with pytest.raises(InvalidFileInfo) as excinfo:
        validate_file_info(info)
    assert excinfo.value.rule == "max_items"


@settings(deadline=None)
@given(st.text(min_size=1, max_size=8).filter(lambda k: not set(k) <= set(KEY_CHARS)))
def test_keys_with_bad_characters_fail(key: str) -> None:
    with pytest.raises(InvalidFileInfo) as excinfo:
        validate_file_info({key: "v"})
    assert excinfo.value.rule == "key_characters"


@pytest.mark.parametrize(
    ("info", "rule"),
    [
        ({"": "v"}, "key_empty"),
        ({"k" * 51: "v"}, "key_max_bytes"),
        ({"b2-unknown": "v"}, "reserved_key"),
        ({"B2-Other": "v"}, "reserved_key"),
        ({"Color": "a", "color": "b"}, "duplicate_key"),
        ({"k": 5}, "value_type"),
        ({7: "v"}, "key_type"),
        ({"k": "bad\udc80"}, "value_utf8"),
        ({"b2-expires": "tomorrow"}, "expires_http_date"),
        ({"b2-content-disposition": "inline\r\nX-Evil: 1"}, "header_value"),
        (["not", "a", "mapping"], "type"),
    ],
)
def test_info_rules(info: object, rule: str) -> None:
    with pytest.raises(InvalidFileInfo) as excinfo:
        validate_file_info(info)  # type: ignore[arg-type]
    assert excinfo.value.rule == rule
    assert f"rule {rule}" in str(excinfo.value)


def test_reserved_keys_and_normalisation() -> None:
    info = {
        "B2-Content-Disposition": "attachment; filename*=UTF-8''na%C3%AFve.txt",
        "b2-content-language": "en",
        "b2-expires": "Thu, 01 Dec 2044 16:00:00 GMT",
        "b2-cache-control": "max-age=3600",
        "b2-content-encoding": "gzip",
        "Src_Last_Modified_Millis": "1637248673875",
    }
    result = validate_file_info(info)
    assert list(result) == [key.lower() for key in info]
    assert result["src_last_modified_millis"] == "1637248673875"
    assert validate_file_info(None) == {}
    assert validate_file_info({"k" * 50: "v"}) == {"k" * 50: "v"}


def test_header_size_counting() -> None:
    info = {"color": "blue green"}
    # "X-Bz-Info-color: blue%20green" is 29 bytes; encoded name "a%20b" is 5.
    assert file_info_header_size(info, file_name="a b") == 5 + len("X-Bz-Info-color: ") + 12
    assert len("X-Bz-Info-color: blue%20green") == 29


@pytest.mark.parametrize(
    ("strict", "limit"),
    [(False, FILE_INFO_HEADER_LIMIT), (True, FILE_INFO_HEADER_LIMIT_STRICT)],
)
def test_header_size_boundary(strict: bool, limit: int) -> None:
    name = "dir/file name.txt"
    overhead = len(encode_b2(name)) + len("X-Bz-Info-big: ")
    at_limit = {"big": "x" * (limit - overhead)}
    assert file_info_header_size(at_limit, file_name=name) == limit
    assert validate_file_info(at_limit, file_name=name, strict_header_limit=strict) == at_limit
    over = {"big": "x" * (limit - overhead + 1)}
    with pytest.raises(InvalidFileInfo) as excinfo:
        validate_file_info(over, file_name=name, strict_header_limit=strict)
    assert excinfo.value.rule == "header_size"
    # Encoding counts: one "é" is 6 bytes on the wire ("%C3%A9").
    accented = {"big": "x" * (limit - overhead - 6) + "\u00e9"}
    assert validate_file_info(accented, file_name=name, strict_header_limit=strict)
    accented_over = {"big": "x" * (limit - overhead - 5) + "\u00e9"}
    with pytest.raises(InvalidFileInfo):
        validate_file_info(accented_over, file_name=name, strict_header_limit=strict)


@settings(deadline=None)
@given(_info_dicts(1, 10), st.integers(min_value=0, max_value=7500))
def test_size_rule_matches_count(info: dict[str, str], padding: int) -> None:
    padded = {**info}
    first = next(iter(padded))
    padded[first] = padded[first] + "p" * padding
    size = file_info_header_size({k.lower(): v for k, v in padded.items()}, file_name="n")
    if size <= FILE_INFO_HEADER_LIMIT:
        assert validate_file_info(padded, file_name="n")
    else:
        with pytest.raises(InvalidFileInfo) as excinfo:
            validate_file_info(padded, file_name="n")
        assert excinfo.value.rule == "header_size"
