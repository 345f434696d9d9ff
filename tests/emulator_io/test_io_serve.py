"""serve() / serve_in_thread(): the emulator over a real loopback socket."""

from __future__ import annotations

import hashlib
import random
import socket
import sys
from typing import TYPE_CHECKING

import httpx
import pytest
from emulator_io_wire import Wire

from b2async.testing._faults import Fault
from b2async.testing._serve import EmulatorServer, serve, serve_in_thread

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from b2async.testing._emulator import B2Emulator

pytestmark = pytest.mark.anyio


async def chunks(data: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def test_serve_yields_realm_and_urls_point_at_it(emulator: B2Emulator) -> None:
    async with serve(emulator) as realm, httpx.AsyncClient() as client:
        assert realm.startswith("http://127.0.0.1:")
        assert int(realm.rsplit(":", 1)[1]) > 0
        wire = Wire(client, realm)
        auth = await wire.authorize(emulator.key_id, emulator.key)
        assert auth["accountId"] == emulator.account_id
        assert wire.api_url == realm
        assert wire.download_url == realm


async def test_streamed_upload_and_download_over_socket(emulator: B2Emulator) -> None:
    data = random.Random(11).randbytes(1_500_000)
    digest = hashlib.sha1(data).hexdigest()
    async with serve(emulator) as realm, httpx.AsyncClient() as client:
        wire = Wire(client, realm)
        await wire.authorize(emulator.key_id, emulator.key)
        bucket = await wire.create_bucket("served-bucket")
        target = await wire.ok("b2_get_upload_url", {"bucketId": bucket["bucketId"]})
        uploaded = await client.post(
            target["uploadUrl"],
            content=chunks(data, 64 * 1024),
            headers={
                "Authorization": target["authorizationToken"],
                "X-Bz-File-Name": "big.bin",
                "Content-Type": "b2/x-auto",
                "Content-Length": str(len(data)),
                "X-Bz-Content-Sha1": digest,
            },
        )
        assert uploaded.status_code == 200, uploaded.text
        assert uploaded.json()["contentLength"] == len(data)

        received = hashlib.sha1()
        total = 0
        async with client.stream(
            "GET", f"{realm}/file/served-bucket/big.bin", headers=wire.headers()
        ) as response:
            assert response.status_code == 200
            async for chunk in response.aiter_bytes():
                received.update(chunk)
                total += len(chunk)
        assert total == len(data)
        assert received.hexdigest() == digest


async def test_drop_fault_breaks_the_connection(emulator: B2Emulator) -> None:
    emulator.faults.add("b2_list_buckets", Fault.dropped(), times=1)
    body = {"accountId": emulator.account_id}
    async with serve(emulator) as realm, httpx.AsyncClient() as client:
        wire = Wire(client, realm)
        await wire.authorize(emulator.key_id, emulator.key)
        with pytest.raises(httpx.RemoteProtocolError):
            await wire.call("b2_list_buckets", body)
        retried = await wire.call("b2_list_buckets", body)
        assert retried.status_code == 200
        assert retried.json()["buckets"] == []
    assert emulator.faults.injected == [("b2_list_buckets", Fault.dropped())]


async def test_drop_fault_mid_download(emulator: B2Emulator) -> None:
    data = bytes(range(256)) * 100
    async with serve(emulator) as realm, httpx.AsyncClient() as client:
        wire = Wire(client, realm)
        await wire.authorize(emulator.key_id, emulator.key)
        bucket = await wire.create_bucket("drop-download")
        assert (await wire.upload(bucket["bucketId"], "f.bin", data)).status_code == 200
        emulator.faults.add("b2_download_file_by_name", Fault.dropped(), times=1)
        received = bytearray()

        async def read_all() -> None:
            async with client.stream(
                "GET", f"{realm}/file/drop-download/f.bin", headers=wire.headers()
            ) as response:
                assert response.status_code == 200
                async for chunk in response.aiter_bytes():
                    received.extend(chunk)

        with pytest.raises(httpx.RemoteProtocolError):
            await read_all()
        assert 0 < len(received) < len(data)
        assert bytes(received) == data[: len(received)]
        again = await client.get(f"{realm}/file/drop-download/f.bin", headers=wire.headers())
        assert again.content == data


async def test_stall_fault_trips_the_client_timeout(
    emulator: B2Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    emulator.faults.add("b2_list_buckets", Fault.stalled(30.0), times=1)
    body = {"accountId": emulator.account_id}
    async with serve(emulator) as realm, httpx.AsyncClient() as client:
        wire = Wire(client, realm)
        await wire.authorize(emulator.key_id, emulator.key)
        with pytest.raises(httpx.ReadTimeout):
            await client.post(
                f"{realm}/b2api/v3/b2_list_buckets",
                json=body,
                headers=wire.headers(),
                timeout=httpx.Timeout(5.0, read=0.3),
            )
        assert (await wire.call("b2_list_buckets", body)).status_code == 200
    # Stopping the server cancelled the stalled answer still sleeping: expected, not logged.
    assert "Exception in ASGI application" not in caplog.text


async def test_two_servers_for_one_emulator_share_state(emulator: B2Emulator) -> None:
    async with serve(emulator) as first, serve(emulator) as second:
        assert first != second
        async with httpx.AsyncClient() as client:
            one = Wire(client, first)
            await one.authorize(emulator.key_id, emulator.key)
            await one.create_bucket("shared-state")
            two = Wire(client, second)
            await two.authorize(emulator.key_id, emulator.key)
            listed = await two.ok("b2_list_buckets", {"accountId": emulator.account_id})
            assert [bucket["bucketName"] for bucket in listed["buckets"]] == ["shared-state"]
            assert two.api_url == second


def test_serve_in_thread_from_sync_code(emulator: B2Emulator) -> None:
    with serve_in_thread(emulator) as realm:
        response = httpx.get(
            f"{realm}/b2api/v3/b2_authorize_account", auth=(emulator.key_id, emulator.key)
        )
        assert response.status_code == 200
        assert response.json()["apiInfo"]["storageApi"]["apiUrl"] == realm
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{realm}/b2api/v3/b2_authorize_account")


def test_serve_in_thread_port_in_use(emulator: B2Emulator) -> None:
    with serve_in_thread(emulator) as realm:
        port = int(realm.rsplit(":", 1)[1])
        with pytest.raises(OSError, match="in use"), serve_in_thread(emulator, port=port):
            pass


async def test_dropped_upload_gets_no_response_and_is_not_stored(emulator: B2Emulator) -> None:
    data = bytes(range(256)) * 200
    async with serve(emulator) as realm, httpx.AsyncClient() as client:
        wire = Wire(client, realm)
        await wire.authorize(emulator.key_id, emulator.key)
        bucket = await wire.create_bucket("drop-upload")
        emulator.faults.add("b2_upload_file", Fault.dropped(), times=1)
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
            await wire.upload(bucket["bucketId"], "lost.bin", data)
        listing = await wire.ok("b2_list_file_versions", {"bucketId": bucket["bucketId"]})
        assert listing["files"] == []
        stored = await wire.upload(bucket["bucketId"], "kept.bin", data)
        assert stored.status_code == 200
        assert stored.json()["contentSha1"] == hashlib.sha1(data).hexdigest()


def test_serve_names_the_extra_when_uvicorn_is_missing(
    emulator: B2Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # makes `import uvicorn` fail
    with (
        pytest.raises(ModuleNotFoundError, match=r"b2async\[emulator\]"),
        serve_in_thread(emulator),
    ):
        pass


def test_listening_socket_declares_tcp_so_responses_are_not_delayed(
    emulator: B2Emulator,
) -> None:
    # asyncio turns on TCP_NODELAY for accepted connections only when the listening socket's
    # protocol is IPPROTO_TCP; with 0, every kept-alive response waited ~40 ms for a delayed
    # ACK, which capped every client of the served emulator at a few hundred requests/s.
    server = EmulatorServer(emulator, "127.0.0.1", 0)
    server.start()
    try:
        assert server._socket is not None
        assert server._socket.proto == socket.IPPROTO_TCP
    finally:
        server.stop()
