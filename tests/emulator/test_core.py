"""Routing and wire conventions of the core, driven directly and through httpx."""

from __future__ import annotations

import base64
import json

import pytest

from b2async.testing import B2Emulator
from b2async.testing._messages import EmuRequest

from ._api import Api, assert_error

pytestmark = pytest.mark.anyio


async def test_core_handles_emu_requests_directly(emu: B2Emulator) -> None:
    basic = base64.b64encode(f"{emu.key_id}:{emu.key}".encode()).decode()
    request = EmuRequest.build(
        "GET",
        "http://example.test:9000/b2api/v1/b2_authorize_account",
        {"Authorization": f"Basic {basic}"},
    )
    response = await emu.core.handle(request)
    assert response.status == 200
    assert response.endpoint == "b2_authorize_account"
    body = json.loads(await response.read())
    # URLs are built from the request's own scheme/host/port, so every front door works.
    assert body["apiUrl"] == "http://example.test:9000"
    assert body["minimumPartSize"] == body["recommendedPartSize"]
    assert response.header("content-type") == "application/json;charset=UTF-8"
    assert emu.calls["b2_authorize_account"] == 1


async def test_any_version_number_routes(api: Api) -> None:
    for version in (1, 2, 3, 4, 5):
        api.version = version
        await api.ok("b2_list_buckets", accountId=api.account_id)
    assert api.emu.calls["b2_list_buckets"] == 5


async def test_methods(api: Api) -> None:
    response = await api.http.put(
        f"{api.api_url}/b2api/v3/b2_list_buckets", headers={"Authorization": api.token}
    )
    assert_error(response, 405, "method_not_allowed")
    bucket_id = await api.bucket()
    upload_url, token = await api.upload_url(bucket_id)
    assert_error(await api.http.get(upload_url, headers={"Authorization": token}), 405,
                 "method_not_allowed")  # fmt: skip


async def test_mutating_call_by_get_query(api: Api) -> None:
    bucket_id = await api.bucket()
    await api.upload(bucket_id, "a.txt")
    response = await api.get("b2_hide_file", {"bucketId": bucket_id, "fileName": "a.txt"})
    assert response.status_code == 200
    assert response.json()["action"] == "hide"


async def test_unknown_paths(api: Api) -> None:
    response = await api.http.get(f"{api.api_url}/nothing/here")
    assert_error(response, 404, "not_found")
    assert sum(api.emu.calls.values()) == 1  # only the authorize; unknown paths are not counted


async def test_head_error_has_no_body(api: Api) -> None:
    await api.bucket()
    response = await api.http.head(
        f"{api.api_url}/file/test-bucket/missing", headers={"Authorization": api.token}
    )
    assert response.status_code == 404
    assert response.content == b""
    response = await api.http.head(f"{api.api_url}/file/test-bucket/missing")
    assert response.status_code == 401
    assert response.content == b""


async def test_seeded_ids_are_deterministic() -> None:
    first, second = B2Emulator(seed=7), B2Emulator(seed=7)
    assert (first.account_id, first.key_id, first.key) == (
        second.account_id,
        second.key_id,
        second.key,
    )
    assert first.create_bucket("same-bucket") == second.create_bucket("same-bucket")
    assert B2Emulator(seed=8).account_id != first.account_id
    assert "key" not in repr(first).lower().replace("key_id", "")
