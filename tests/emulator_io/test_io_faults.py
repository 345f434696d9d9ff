"""FaultPlan: counted, probabilistic and X-Bz-Test-Mode faults, all deterministic."""

from __future__ import annotations

import threading

import pytest

from b2async.testing._faults import Fault, FaultPlan

NO_HEADERS: dict[str, str] = {}


def decisions(
    plan: FaultPlan, endpoint: str, n: int, headers: dict[str, str] | None = None
) -> list[bool]:
    return [plan.decide(endpoint, headers or NO_HEADERS) is not None for _ in range(n)]


def test_status_fault_defaults_follow_b2_codes() -> None:
    assert Fault("status", 500).code == "internal_error"
    assert Fault("status", 503).code == "service_unavailable"
    assert Fault("status", 408).code == "request_timeout"
    too_many = Fault.error(429, retry_after=2)
    assert (too_many.status, too_many.code) == (429, "too_many_requests")
    assert too_many.headers == [("retry-after", "2")]
    assert Fault.error(503, retry_after=0.25).headers == [("retry-after", "0.25")]
    assert Fault("status", 500).headers == []
    body = Fault.error(500, "custom_code", "boom").body()
    assert body == {"status": 500, "code": "custom_code", "message": "boom"}


def test_expire_token_is_401_expired_auth_token() -> None:
    fault = Fault.expired_token()
    assert (fault.kind, fault.status, fault.code) == ("expire_token", 401, "expired_auth_token")
    assert Fault("expire_token").body()["status"] == 401


def test_drop_and_stall_constructors() -> None:
    assert Fault.dropped().kind == "drop"
    stall = Fault.stalled(1.5)
    assert (stall.kind, stall.stall_seconds) == ("stall", 1.5)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"times": -1}, "times"),
        ({"probability": 1.5}, "probability"),
        ({"after": -2}, "after"),
    ],
)
def test_add_rejects_bad_arguments(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FaultPlan().add("*", Fault("status"), **kwargs)  # type: ignore[arg-type]


def test_unknown_kind_rejected() -> None:
    with pytest.raises(ValueError, match="kind"):
        Fault("explode")  # type: ignore[arg-type]


def test_times_and_after_are_exact() -> None:
    plan = FaultPlan()
    plan.add("b2_upload_part", Fault("status", 500), times=2, after=1)
    assert decisions(plan, "b2_upload_part", 6) == [False, True, True, False, False, False]
    # Other endpoints are untouched and do not advance the counter.
    assert decisions(plan, "b2_upload_file", 3) == [False, False, False]
    assert [endpoint for endpoint, _ in plan.injected] == ["b2_upload_part"] * 2
    assert plan.injected_into("b2_upload_part") == [Fault("status", 500)] * 2
    assert not plan.pending


def test_unlimited_rule_fires_every_time() -> None:
    plan = FaultPlan()
    plan.add("b2_list_file_names", Fault.error(503))
    assert decisions(plan, "b2_list_file_names", 4) == [True] * 4
    assert plan.pending


def test_wildcard_matches_every_endpoint() -> None:
    plan = FaultPlan()
    plan.add("*", Fault.expired_token(), times=3)
    for endpoint in ("b2_list_buckets", "b2_upload_file", "b2_download_file_by_name"):
        fault = plan.decide(endpoint, NO_HEADERS)
        assert fault is not None
        assert fault.code == "expired_auth_token"
    assert plan.decide("b2_list_buckets", NO_HEADERS) is None
    assert [endpoint for endpoint, _ in plan.injected] == [
        "b2_list_buckets",
        "b2_upload_file",
        "b2_download_file_by_name",
    ]


def test_first_matching_rule_wins_in_order() -> None:
    plan = FaultPlan()
    plan.add("b2_upload_file", Fault("status", 500), times=1)
    plan.add("*", Fault("status", 503), times=1)
    first = plan.decide("b2_upload_file", NO_HEADERS)
    second = plan.decide("b2_upload_file", NO_HEADERS)
    assert first is not None
    assert first.status == 500
    assert second is not None
    assert second.status == 503
    assert plan.decide("b2_upload_file", NO_HEADERS) is None


def test_probability_is_seeded_and_repeatable() -> None:
    def run(seed: int) -> list[bool]:
        plan = FaultPlan(seed=seed)
        plan.add("b2_upload_part", Fault("status", 503), probability=0.3)
        return decisions(plan, "b2_upload_part", 200)

    assert run(7) == run(7)
    assert run(7) != run(8)
    hits = sum(run(7))
    assert 30 < hits < 90  # ~60 expected for p=0.3


def test_probability_rules_are_independent_of_other_rules() -> None:
    alone = FaultPlan(seed=3)
    alone.add("b2_upload_part", Fault("status", 503), probability=0.5)
    expected = decisions(alone, "b2_upload_part", 50)

    mixed = FaultPlan(seed=3)
    mixed.add("b2_upload_part", Fault("status", 503), probability=0.5)
    mixed.add("b2_list_buckets", Fault("status", 500), probability=0.5)
    got = []
    for _ in range(50):
        mixed.decide("b2_list_buckets", NO_HEADERS)
        got.append(mixed.decide("b2_upload_part", NO_HEADERS) is not None)
    assert got == expected


def test_probability_with_times_caps_the_count() -> None:
    plan = FaultPlan(seed=1)
    plan.add("*", Fault("status", 503), probability=0.9, times=3)
    assert sum(decisions(plan, "b2_get_upload_url", 100)) == 3


def test_probability_zero_and_one() -> None:
    plan = FaultPlan()
    plan.add("a", Fault("status"), probability=0.0)
    plan.add("b", Fault("status"), probability=1.0)
    assert decisions(plan, "a", 20) == [False] * 20
    assert decisions(plan, "b", 20) == [True] * 20


def test_clear_removes_rules_and_records() -> None:
    plan = FaultPlan()
    plan.add("*", Fault("status"))
    assert plan.decide("b2_list_buckets", NO_HEADERS) is not None
    plan.clear()
    assert plan.injected == []
    assert plan.decide("b2_list_buckets", NO_HEADERS) is None


def test_test_mode_fail_some_uploads() -> None:
    plan = FaultPlan()
    headers = {"x-bz-test-mode": "fail_some_uploads"}
    got = decisions(plan, "b2_upload_file", 9, headers)
    assert got == [False, False, True] * 3
    fault = plan.injected[0][1]
    assert (fault.status, fault.code) == (503, "service_unavailable")
    # Parts count too; non-upload calls are never failed by this mode.
    assert decisions(plan, "b2_upload_part", 3, headers) == [False, False, True]
    assert decisions(plan, "b2_list_file_names", 6, headers) == [False] * 6


def test_test_mode_header_name_is_case_insensitive() -> None:
    plan = FaultPlan()
    headers = {"X-Bz-Test-Mode": "fail_some_uploads"}
    assert decisions(plan, "b2_upload_part", 3, headers) == [False, False, True]


def test_test_mode_expire_some_tokens() -> None:
    plan = FaultPlan()
    headers = {"x-bz-test-mode": "expire_some_account_authorization_tokens"}
    got = [plan.decide("b2_list_buckets", headers) for _ in range(6)]
    assert [fault is not None for fault in got] == [False, False, True] * 2
    assert all(f.code == "expired_auth_token" and f.status == 401 for f in got if f)
    # Authorization itself and uploads (which use upload tokens) are left alone.
    assert decisions(plan, "b2_authorize_account", 6, headers) == [False] * 6
    assert decisions(plan, "b2_upload_file", 6, headers) == [False] * 6


@pytest.mark.parametrize(
    ("endpoint", "code"),
    [
        ("b2_upload_file", "storage_cap_exceeded"),
        ("b2_upload_part", "storage_cap_exceeded"),
        ("b2_download_file_by_name", "download_cap_exceeded"),
        ("b2_download_file_by_id", "download_cap_exceeded"),
        ("b2_list_file_names", "transaction_cap_exceeded"),
    ],
)
def test_test_mode_force_cap_exceeded(endpoint: str, code: str) -> None:
    plan = FaultPlan()
    fault = plan.decide(endpoint, {"x-bz-test-mode": "force_cap_exceeded"})
    assert fault is not None
    assert (fault.status, fault.code) == (403, code)
    assert plan.injected == [(endpoint, fault)]


def test_rules_take_precedence_over_test_mode() -> None:
    plan = FaultPlan()
    plan.add("b2_list_buckets", Fault("status", 500), times=1)
    fault = plan.decide("b2_list_buckets", {"x-bz-test-mode": "force_cap_exceeded"})
    assert fault is not None
    assert fault.status == 500


def test_thread_safe_counting() -> None:
    plan = FaultPlan()
    plan.add("*", Fault("status", 503), times=500)
    fired: list[int] = []

    def worker() -> None:
        fired.append(sum(decisions(plan, "b2_upload_part", 200)))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(fired) == 500
    assert len(plan.injected) == 500


def test_repr_summarises_the_plan() -> None:
    plan = FaultPlan(seed=5)
    plan.add("*", Fault("status"), times=1)
    plan.decide("b2_list_buckets", NO_HEADERS)
    assert repr(plan) == "FaultPlan(seed=5, rules=1, injected=1)"
