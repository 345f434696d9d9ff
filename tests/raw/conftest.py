"""Fixtures for the raw-layer tests: a respx router behind a real :class:`B2Http`.

Every request goes through the real HTTP layer into respx via httpx's transport seam, so the
tests see exactly what would go on the wire: method, URL, headers and body bytes.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import respx
from pydantic import SecretStr

from b2async._http import B2Http
from b2async._raw import ApiContext
from tests._examples import load_examples

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

API_URL = "https://api001.backblazeb2.com"
DOWNLOAD_URL = "https://f001.backblazeb2.com"
ACCOUNT_ID = "30f20426f0b1"
ACCOUNT_TOKEN = "4_0022623512fc8f80000000001_01a5c1f0_cf9f5d_acct_SECRET="
UPLOAD_TOKEN = "4_upload_token_SECRET="
#: A name that needs every kind of encoding: a slash (kept), non-ASCII, a space and a plus.
UNICODE_NAME = "dir/ünï cødé+plus.txt"
UNICODE_NAME_ENCODED = "dir/%C3%BCn%C3%AF%20c%C3%B8d%C3%A9%2Bplus.txt"


@pytest.fixture(scope="session")
def examples() -> dict[str, Any]:
    """The B2 response bodies of ``b2-examples.json``, by endpoint name."""
    return load_examples()


@pytest.fixture
def example(examples: dict[str, Any]) -> Any:
    """``example(endpoint, index=0)``: the body of one recorded 2xx answer."""

    def pick(endpoint: str, index: int = 0) -> Any:
        successes = [item for item in examples[endpoint] if 200 <= item["http_status"] < 300]
        return successes[index]["body"]

    return pick


@pytest.fixture
def router() -> respx.Router:
    return respx.Router(assert_all_mocked=True)


@pytest.fixture
async def http(router: respx.Router) -> AsyncIterator[B2Http]:
    async with httpx.AsyncClient(transport=httpx.MockTransport(router.async_handler)) as client:
        yield B2Http(client)


@pytest.fixture
def ctx(http: B2Http) -> ApiContext:
    return ApiContext(
        http=http,
        api_url=API_URL,
        download_url=DOWNLOAD_URL,
        account_id=ACCOUNT_ID,
        token=SecretStr(ACCOUNT_TOKEN),
    )


class Api:
    """Registers JSON endpoint answers and checks what was sent to them."""

    def __init__(self, router: respx.Router) -> None:
        self.router = router

    def answer(
        self, endpoint: str, body: Any, *, status: int = 200, version: str = "v3"
    ) -> respx.Route:
        """Answer POST ``/b2api/{version}/{endpoint}`` with ``body`` as JSON."""
        return self.router.post(f"{API_URL}/b2api/{version}/{endpoint}").respond(status, json=body)

    @staticmethod
    def sent(route: respx.Route, endpoint: str, *, version: str = "v3") -> Any:
        """Assert one JSON POST was made to ``endpoint`` the B2 way; return its decoded body."""
        assert route.call_count == 1
        request = route.calls.last.request
        assert request.method == "POST"
        assert request.url.host == "api001.backblazeb2.com"
        assert request.url.path == f"/b2api/{version}/{endpoint}"
        assert request.headers["Authorization"] == ACCOUNT_TOKEN  # raw token, no "Bearer"
        assert request.headers["Content-Type"] == "application/json"
        return json.loads(request.content)


@pytest.fixture
def api(router: respx.Router) -> Api:
    return Api(router)
