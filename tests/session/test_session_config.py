"""Realm checks and Session construction."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from pydantic import SecretStr
from session_fakes import KEY, KEY_ID, list_buckets

from b2async._errors import B2ConfigurationError, Unauthorized
from b2async._session import Session, check_realm

if TYPE_CHECKING:
    import respx
    from session_fakes import SessionFactory

    from b2async._http import B2Http

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("realm", "normalised"),
    [
        ("https://api.backblazeb2.com", "https://api.backblazeb2.com"),
        ("https://api.backblazeb2.com/", "https://api.backblazeb2.com"),
        ("https://b2.example.com:8443", "https://b2.example.com:8443"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("http://127.4.5.6", "http://127.4.5.6"),
        ("http://localhost", "http://localhost"),
        ("http://localhost:8180/", "http://localhost:8180"),
        ("http://[::1]:1", "http://[::1]:1"),
    ],
)
def test_accepted_realms(realm: str, normalised: str) -> None:
    assert check_realm(realm) == normalised


@pytest.mark.parametrize(
    ("realm", "fragment"),
    [
        ("http://example.com", "https is required"),
        ("http://api.backblazeb2.com", "https is required"),
        ("http://128.0.0.1", "https is required"),
        ("http://10.0.0.1:8180", "https is required"),
        ("http://localhost.example.com", "https is required"),
        ("http://[::2]", "https is required"),
        ("ftp://127.0.0.1", "http(s) URL"),
        ("api.backblazeb2.com", "http(s) URL"),
        ("https://", "http(s) URL"),
        ("", "http(s) URL"),
        ("https://api.backblazeb2.com?x=1", "query or fragment"),
        ("http://127.0.0.1:notaport", "not a valid URL"),
    ],
)
def test_refused_realms(realm: str, fragment: str) -> None:
    with pytest.raises(B2ConfigurationError) as info:
        check_realm(realm)
    assert fragment in str(info.value)


def test_credentials_in_the_realm_are_refused_without_echoing_them() -> None:
    with pytest.raises(B2ConfigurationError) as info:
        check_realm("https://user:hunter2@api.backblazeb2.com")
    assert "hunter2" not in str(info.value)


async def test_session_refuses_an_insecure_realm(http: B2Http) -> None:
    with pytest.raises(B2ConfigurationError, match="https is required"):
        Session(http, KEY_ID, SecretStr(KEY), realm="http://example.com")


@pytest.mark.parametrize(
    ("key_id", "key", "api_version", "fragment"),
    [
        ("", KEY, "v3", "key ID is empty"),
        (KEY_ID, "", "v3", "key is empty"),
        (KEY_ID, KEY, "3", "api_version"),
        (KEY_ID, KEY, "v0", "api_version"),
    ],
)
async def test_session_validates_its_arguments(
    http: B2Http, key_id: str, key: str, api_version: str, fragment: str
) -> None:
    with pytest.raises(B2ConfigurationError, match=fragment):
        Session(
            http,
            key_id,
            SecretStr(key),
            realm="https://api.backblazeb2.com",
            api_version=api_version,
        )


async def test_loopback_realm_is_used_for_authorize(
    make_session: SessionFactory, router: respx.MockRouter
) -> None:
    route = router.get("http://127.0.0.1:8180/b2api/v4/b2_authorize_account").respond(
        401, json={"status": 401, "code": "unauthorized", "message": ""}
    )
    session = make_session(realm="http://127.0.0.1:8180/", api_version="v4")
    assert session.realm == "http://127.0.0.1:8180"
    assert session.api_version == "v4"
    with pytest.raises(Unauthorized):
        await session.call(list_buckets)
    assert route.call_count == 1
