"""Fault hooks: status/expire_token answered by the core, drop/stall by the transport."""

from __future__ import annotations

import httpx
import pytest

from b2async.testing import B2Emulator, Fault

from ._api import Api, assert_error

pytestmark = pytest.mark.anyio


async def test_status_fault_with_retry_after(api: Api, emu: B2Emulator) -> None:
    emu.faults.add("b2_list_buckets", Fault.error(429, retry_after=2.0), times=1)
    response = await api.post("b2_list_buckets", accountId=api.account_id)
    assert_error(response, 429, "too_many_requests")
    assert response.headers["retry-after"] == "2"
    await api.ok("b2_list_buckets", accountId=api.account_id)
    assert emu.calls["b2_list_buckets"] == 2


async def test_status_fault_on_upload(api: Api, emu: B2Emulator) -> None:
    bucket_id = await api.bucket()
    emu.faults.add("b2_upload_file", Fault(kind="status", status=503), times=1)
    assert_error(await api.upload_raw(bucket_id, "a", b"x"), 503, "service_unavailable")
    await api.upload(bucket_id, "a")
    assert len(emu.file_versions(bucket_id)) == 1


async def test_expire_token_fault_expires_the_token(api: Api, emu: B2Emulator) -> None:
    emu.faults.add("b2_list_buckets", Fault.expired_token(), times=1)
    await api.fails("b2_list_buckets", 401, "expired_auth_token", accountId=api.account_id)
    # The token stays expired, like a real expiry: only re-authorizing helps.
    await api.fails("b2_list_buckets", 401, "expired_auth_token", accountId=api.account_id)
    await api.authorize()
    await api.ok("b2_list_buckets", accountId=api.account_id)


async def test_drop_json_call(api: Api, emu: B2Emulator) -> None:
    emu.faults.add("b2_list_buckets", Fault.dropped(), times=1)
    with pytest.raises(httpx.RemoteProtocolError):
        await api.post("b2_list_buckets", accountId=api.account_id)
    await api.ok("b2_list_buckets", accountId=api.account_id)


async def test_dropped_upload_is_not_stored(api: Api, emu: B2Emulator) -> None:
    bucket_id = await api.bucket()
    emu.faults.add("b2_upload_file", Fault.dropped(), times=1)
    with pytest.raises(httpx.TransportError):
        await api.upload_raw(bucket_id, "a", b"x" * 1000)
    assert emu.file_versions(bucket_id) == []


async def test_drop_mid_download(api: Api, emu: B2Emulator) -> None:
    bucket_id = await api.bucket()
    await api.upload(bucket_id, "f", b"y" * 5000)
    emu.faults.add("b2_download_file_by_name", Fault.dropped(), times=1)
    received = bytearray()

    async def read() -> None:
        async with api.http.stream(
            "GET", f"{api.api_url}/file/test-bucket/f", headers={"Authorization": api.token}
        ) as response:
            assert response.status_code == 200
            async for chunk in response.aiter_raw():
                received.extend(chunk)

    with pytest.raises(httpx.ReadError):
        await read()
    assert 0 < len(received) < 5000


async def test_stall_past_read_timeout(api: Api, emu: B2Emulator) -> None:
    emu.faults.add("b2_list_buckets", Fault.stalled(30.0), times=1)
    with pytest.raises(httpx.ReadTimeout):
        await api.http.post(
            f"{api.api_url}/b2api/v3/b2_list_buckets",
            headers={"Authorization": api.token},
            json={"accountId": api.account_id},
            timeout=httpx.Timeout(5.0, read=0.05),
        )


async def test_short_stall_still_answers(api: Api, emu: B2Emulator) -> None:
    emu.faults.add("b2_list_buckets", Fault.stalled(0.01), times=1)
    await api.ok("b2_list_buckets", accountId=api.account_id)


async def test_test_mode_header_force_cap_exceeded(api: Api) -> None:
    response = await api.http.post(
        f"{api.api_url}/b2api/v3/b2_list_buckets",
        headers={"Authorization": api.token, "X-Bz-Test-Mode": "force_cap_exceeded"},
        json={"accountId": api.account_id},
    )
    assert_error(response, 403, "transaction_cap_exceeded")
