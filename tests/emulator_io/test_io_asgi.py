"""The ASGI app, driven through httpx.ASGITransport (in-process; both anyio backends)."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import httpx
import pytest
from emulator_io_wire import Wire

from b2async.testing._asgi import ConnectionDropped, EmulatorApp
from b2async.testing._faults import Fault

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from b2async.testing._emulator import B2Emulator

pytestmark = pytest.mark.anyio

BASE = "http://emulator.test"


@pytest.fixture
async def wire(emulator: B2Emulator) -> AsyncIterator[Wire]:
    transport = httpx.ASGITransport(app=EmulatorApp(emulator.core))
    async with httpx.AsyncClient(transport=transport) as client:
        wire = Wire(client, BASE)
        await wire.authorize(emulator.key_id, emulator.key)
        yield wire


async def test_urls_point_back_at_the_request_host(wire: Wire) -> None:
    assert wire.api_url == BASE
    assert wire.download_url == BASE


async def test_upload_and_download_round_trip(wire: Wire) -> None:
    bucket = await wire.create_bucket("asgi-round-trip")
    data = bytes(range(256)) * 40
    name = "dir/ünïcode name+plus.bin"
    uploaded = await wire.upload(
        bucket["bucketId"],
        "dir/%C3%BCn%C3%AFcode%20name%2Bplus.bin",
        data,
        {"X-Bz-Info-colour": "dark%20blue"},
    )
    assert uploaded.status_code == 200, uploaded.text
    version = uploaded.json()
    assert version["fileName"] == name
    assert version["contentSha1"] == hashlib.sha1(data).hexdigest()
    assert version["fileInfo"] == {"colour": "dark blue"}

    whole = await wire.client.get(
        f"{BASE}/file/asgi-round-trip/dir/%C3%BCn%C3%AFcode%20name%2Bplus.bin",
        headers=wire.headers(),
    )
    assert whole.status_code == 200
    assert whole.content == data
    ranged = await wire.client.get(
        f"{BASE}/b2api/v3/b2_download_file_by_id",
        params={"fileId": version["fileId"]},
        headers=wire.headers({"Range": "bytes=1000-1999"}),
    )
    assert ranged.status_code == 206
    assert ranged.content == data[1000:2000]
    assert ranged.headers["content-range"] == f"bytes 1000-1999/{len(data)}"

    listing = await wire.ok("b2_list_file_names", {"bucketId": bucket["bucketId"]})
    assert [item["fileName"] for item in listing["files"]] == [name]


async def test_status_fault_answers_b2_error_with_retry_after(
    wire: Wire, emulator: B2Emulator
) -> None:
    emulator.faults.add("b2_list_buckets", Fault.error(429, retry_after=3), times=1)
    body = {"accountId": emulator.account_id}
    failed = await wire.call("b2_list_buckets", body)
    assert failed.status_code == 429
    assert failed.headers["retry-after"] == "3"
    assert failed.json()["code"] == "too_many_requests"
    assert failed.json()["status"] == 429
    assert (await wire.call("b2_list_buckets", body)).status_code == 200
    assert [endpoint for endpoint, _ in emulator.faults.injected] == ["b2_list_buckets"]


async def test_expire_token_fault_answers_401(wire: Wire, emulator: B2Emulator) -> None:
    emulator.faults.add("b2_list_buckets", Fault.expired_token(), times=1)
    failed = await wire.call("b2_list_buckets", {"accountId": emulator.account_id})
    assert failed.status_code == 401
    assert failed.json()["code"] == "expired_auth_token"


async def test_test_mode_header_force_cap_exceeded(wire: Wire, emulator: B2Emulator) -> None:
    failed = await wire.call(
        "b2_list_buckets",
        {"accountId": emulator.account_id},
        headers={"X-Bz-Test-Mode": "force_cap_exceeded"},
    )
    assert failed.status_code == 403
    assert failed.json()["code"] == "transaction_cap_exceeded"


async def test_test_mode_fail_some_uploads(wire: Wire, emulator: B2Emulator) -> None:
    bucket = await wire.create_bucket("asgi-test-mode")
    statuses = []
    for index in range(6):
        response = await wire.upload(
            bucket["bucketId"],
            f"file-{index}",
            b"x" * index,
            {"X-Bz-Test-Mode": "fail_some_uploads"},
        )
        statuses.append(response.status_code)
    assert statuses == [200, 200, 503, 200, 200, 503]
    listing = await wire.ok("b2_list_file_names", {"bucketId": bucket["bucketId"]})
    assert [item["fileName"] for item in listing["files"]] == [
        "file-0",
        "file-1",
        "file-3",
        "file-4",
    ]


async def test_drop_fault_breaks_the_response(wire: Wire, emulator: B2Emulator) -> None:
    # httpx.ASGITransport re-raises application errors; over a socket the client sees a broken
    # connection instead (see test_io_serve.py).
    emulator.faults.add("b2_list_buckets", Fault.dropped(), times=1)
    with pytest.raises(ConnectionDropped):
        await wire.call("b2_list_buckets", {"accountId": emulator.account_id})
    assert (await wire.call("b2_list_buckets", {"accountId": emulator.account_id})).is_success


async def test_lifespan_protocol_is_answered(emulator: B2Emulator) -> None:
    app = EmulatorApp(emulator.core)
    incoming = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return incoming.pop(0)

    async def send(message: dict[str, object]) -> None:
        sent.append(dict(message))

    await app({"type": "lifespan"}, receive, send)  # type: ignore[arg-type]
    assert sent == [
        {"type": "lifespan.startup.complete"},
        {"type": "lifespan.shutdown.complete"},
    ]
