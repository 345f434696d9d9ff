"""A scripted B2 behind respx for the session tests (helpers; fixtures are in conftest).

:class:`FakeB2` answers ``b2_authorize_account`` (with the documented v3 body and a fresh,
realistic token each time) and ``b2_list_buckets`` (checking the token), and lets a test script
failures: a queue of answers to give first, token expiry, and a gate that holds stale-token
requests until N of them have arrived (to prove re-authorization is single-flight).
"""

from __future__ import annotations

import base64
import copy
import json
from typing import TYPE_CHECKING, Any, TypeAlias

import anyio
import httpx

from tests._examples import load_examples

if TYPE_CHECKING:
    from collections.abc import Callable

    import respx

    from b2async._raw._context import ApiContext
    from b2async._session import Session

REALM = "https://api.backblazeb2.com"
AUTH_URL = f"{REALM}/b2api/v3/b2_authorize_account"
API_URL = "https://api001.backblazeb2.com"
LIST_URL = f"{API_URL}/b2api/v3/b2_list_buckets"
KEY_ID = "0050a1b2c3d4e5f0000000001"
KEY = "K005SuperSecretApplicationKeyValue42"
ACCOUNT_ID = "0a1b2c3d4e5f"


def _v3_authorize_body() -> dict[str, Any]:
    examples = load_examples()["authorize_account"]
    for example in examples:
        body = example["body"]
        if "apiInfo" in body and "capabilities" in body["apiInfo"]["storageApi"]:
            return dict(body)
    raise AssertionError("no v3 authorize_account example")  # pragma: no cover


V3_AUTHORIZE_BODY = _v3_authorize_body()


def b2_error(status: int, code: str, message: str = "", **headers: str) -> httpx.Response:
    return httpx.Response(
        status, json={"status": status, "code": code, "message": message}, headers=headers
    )


class FakeB2:
    """Just enough of B2 to exercise the session."""

    def __init__(self, router: respx.MockRouter) -> None:
        self.tokens: list[str] = []
        self.valid: set[str] = set()
        #: Answers (or exceptions) given by the next b2_list_buckets calls, before normal service.
        self.list_script: list[httpx.Response | Exception] = []
        #: Answers (or exceptions) given by the next authorize calls, before normal service.
        self.auth_script: list[httpx.Response | Exception] = []
        #: When set, stale-token requests wait until this many have arrived, then get their 401.
        self.hold_stale_until: int | None = None
        self._stale_arrivals = 0
        self._stale_gate: anyio.Event | None = None
        self.authorize_route = router.get(AUTH_URL).mock(side_effect=self._authorize)
        self.list_route = router.post(LIST_URL).mock(side_effect=self._list_buckets)

    @property
    def authorize_calls(self) -> int:
        return self.authorize_route.call_count

    @property
    def list_calls(self) -> int:
        return self.list_route.call_count

    def expire_tokens(self) -> None:
        self.valid.clear()

    def _authorize(self, request: httpx.Request) -> httpx.Response:
        expected = base64.b64encode(f"{KEY_ID}:{KEY}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {expected}":
            return b2_error(401, "unauthorized", "invalid key")
        if self.auth_script:
            answer = self.auth_script.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer
        token = f"4_{KEY_ID}_01a5c1f0_cf9f5d_acct_Tok{len(self.tokens):04d}xYzSecretPart="
        self.tokens.append(token)
        self.valid.add(token)
        body = copy.deepcopy(V3_AUTHORIZE_BODY)
        body["accountId"] = ACCOUNT_ID
        body["authorizationToken"] = token
        body["apiInfo"]["storageApi"]["apiUrl"] = API_URL
        return httpx.Response(200, json=body)

    async def _list_buckets(self, request: httpx.Request) -> httpx.Response:
        if self.list_script:
            answer = self.list_script.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer
        if request.headers.get("authorization") not in self.valid:
            if self.hold_stale_until is not None:
                if self._stale_gate is None:
                    self._stale_gate = anyio.Event()
                self._stale_arrivals += 1
                if self._stale_arrivals >= self.hold_stale_until:
                    self._stale_gate.set()
                await self._stale_gate.wait()
            return b2_error(401, "expired_auth_token", "Authorization token has expired")
        payload = json.loads(request.content)
        assert payload == {"accountId": ACCOUNT_ID}
        return httpx.Response(200, json={"buckets": []})


async def list_buckets(ctx: ApiContext) -> dict[str, Any]:
    """A stand-in raw coroutine (the real one is the raw layer's)."""
    body = await ctx.http.call_json(
        ctx.url("b2_list_buckets"),
        token=ctx.token,
        body={"accountId": ctx.account_id, "bucketId": None},
    )
    result: dict[str, Any] = json.loads(body)
    return result


#: ``make_session(**kwargs)`` fixture: a Session on the fake, with overridable kwargs.
SessionFactory: TypeAlias = "Callable[..., Session]"
