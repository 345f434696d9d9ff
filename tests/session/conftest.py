"""Fixtures for the session tests: a respx router, a scripted B2 and a session factory."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
import pytest
import respx
from pydantic import SecretStr
from session_fakes import KEY, KEY_ID, REALM, FakeB2, SessionFactory

from b2async._config import RetryPolicy
from b2async._http import B2Http
from b2async._session import Session

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


@pytest.fixture
def router() -> respx.MockRouter:
    return respx.MockRouter(assert_all_called=False)


@pytest.fixture
def fake(router: respx.MockRouter) -> FakeB2:
    return FakeB2(router)


@pytest.fixture
async def http(router: respx.MockRouter) -> AsyncIterator[B2Http]:
    async with httpx.AsyncClient(transport=httpx.MockTransport(router.async_handler)) as client:
        yield B2Http(client)


@pytest.fixture
def make_session(http: B2Http, fake: FakeB2) -> SessionFactory:
    def make(**kwargs: Any) -> Session:
        kwargs.setdefault("realm", REALM)
        kwargs.setdefault("retry", RetryPolicy())
        return Session(http, KEY_ID, SecretStr(KEY), **kwargs)

    return make
