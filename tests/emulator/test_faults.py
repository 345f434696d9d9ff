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


async def _statuses(emu: B2Emulator, calls: int) -> list[int]:
    """Authorize, then call ``b2_list_buckets`` ``calls`` times; return the statuses."""
    async with emu.http_client() as http:
        api = Api(emu, http)
        assert (await api.authorize()).status_code == 200
        return [
            (await api.post("b2_list_buckets", accountId=api.account_id)).status_code
            for _ in range(calls)
        ]


async def test_probability_faults_are_seeded_over_http() -> None:
    runs = []
    for seed in (5, 5, 6):
        emu = B2Emulator(seed=seed)
        emu.faults.add("b2_list_buckets", Fault.error(503), probability=0.5)
        statuses = await _statuses(emu, 40)
        # Every failure is recorded, and call counts include the failed calls.
        assert statuses.count(503) == len(emu.faults.injected_into("b2_list_buckets"))
        assert emu.calls["b2_list_buckets"] == 40
        runs.append(statuses)
    assert runs[0] == runs[1]  # same seed, same faults
    assert runs[0] != runs[2]  # another seed, other faults
    assert 5 < runs[0].count(503) < 35


async def test_exact_count_after_some_calls() -> None:
    emu = B2Emulator()
    emu.faults.add("b2_list_buckets", Fault.error(500), times=3, after=2)
    assert await _statuses(emu, 8) == [200, 200, 500, 500, 500, 200, 200, 200]
    assert not emu.faults.pending


async def test_test_mode_fail_some_uploads_in_process(api: Api, emu: B2Emulator) -> None:
    bucket_id = await api.bucket()
    statuses = []
    for i in range(6):
        response = await api.upload_raw(
            bucket_id, f"f{i}", b"x", headers={"X-Bz-Test-Mode": "fail_some_uploads"}
        )
        statuses.append(response.status_code)
        if response.status_code != 200:
            assert_error(response, 503, "service_unavailable")
    assert statuses == [200, 200, 503] * 2
    assert [v.file_name for v in emu.file_versions(bucket_id)] == ["f0", "f1", "f3", "f4"]


async def test_test_mode_expire_some_tokens_in_process(api: Api) -> None:
    statuses = []
    for _ in range(6):
        response = await api.http.post(
            f"{api.api_url}/b2api/v3/b2_list_buckets",
            headers={
                "Authorization": api.token,
                "X-Bz-Test-Mode": "expire_some_account_authorization_tokens",
            },
            json={"accountId": api.account_id},
        )
        statuses.append(response.status_code)
        if response.status_code == 401:
            assert_error(response, 401, "expired_auth_token")
            assert (await api.authorize()).status_code == 200
    assert statuses == [200, 200, 401] * 2


async def test_injectable_clock_drives_timestamps_and_expiry() -> None:
    now = [1_700_000_000.0]
    emu = B2Emulator(clock=lambda: now[0])
    bucket_id = emu.create_bucket("clock-bucket")
    async with emu.http_client() as http:
        api = Api(emu, http)
        assert (await api.authorize()).status_code == 200
        uploaded = await api.upload(bucket_id, "t.txt")
        assert uploaded["uploadTimestamp"] == 1_700_000_000_000
        now[0] += 24 * 3600 - 1
        await api.ok("b2_list_buckets", accountId=api.account_id)
        now[0] += 1  # account tokens live exactly 24 hours on this clock
        await api.fails("b2_list_buckets", 401, "expired_auth_token", accountId=api.account_id)


@pytest.mark.parametrize(
    ("status", "code"),
    [(500, "internal_error"), (503, "service_unavailable"), (408, "request_timeout")],
)
async def test_status_faults_answer_b2_error_bodies(
    api: Api, emu: B2Emulator, status: int, code: str
) -> None:
    bucket_id = await api.bucket()
    emu.faults.add("b2_list_file_names", Fault.error(status), times=1)
    response = await api.post("b2_list_file_names", bucketId=bucket_id)
    assert_error(response, status, code)
    assert "retry-after" not in response.headers
    assert (await api.ok("b2_list_file_names", bucketId=bucket_id))["files"] == []
    assert emu.calls["b2_list_file_names"] == 2
