"""The benchmark harness's pieces that need no timing: the floor worker, the report, goals."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import _report  # noqa: E402
import _worker  # noqa: E402
import run  # noqa: E402


def test_floor_worker_reads_and_hashes_every_byte(tmp_path: Path) -> None:
    data = b"x" * 3_000_000
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    result = _worker.Measurement()

    _worker.run_floor({"scenario": "large", "path": str(path)}, result)

    assert (result.items, result.bytes) == (1, len(data))
    assert result.user + result.sys >= 0
    assert _worker.peak_rss_mib() > 1


@pytest.mark.parametrize("scenario", ["large", "download"])
def test_wire_floor_moves_every_byte(tmp_path: Path, scenario: str) -> None:
    data = b"y" * 3_000_000
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    out = tmp_path / "out.bin"
    result = _worker.Measurement()

    _worker.run_wire_floor({"scenario": scenario, "path": str(path), "out": str(out)}, result)

    assert (result.items, result.bytes) == (1, len(data))
    if scenario == "download":  # the peer's repeated block, written whole
        block = _worker.repeated_block(1 << 20)
        expected = (block * 3)[: len(data)]
        assert out.read_bytes() == expected


def test_context_compares_clients_with_the_wire_floor() -> None:
    summary = {
        "3": {
            "variants": {
                "b2async[aiohttp] sha1=False": {"cpu": 1.5},
                "floor": {"cpu": 0.5},
                "wire floor": {"cpu": 0.75},
            }
        }
    }
    assert _report.context_lines(summary) == [
        "s3: wire floor CPU / floor CPU = 1.50",
        "s3: b2async[aiohttp] sha1=False CPU / wire floor CPU = 2.00",
    ]
    assert _report.context_lines({"3": {"variants": {"floor": {"cpu": 1.0}}}}) == []


def test_small_items_names_every_file(tmp_path: Path) -> None:
    for index in range(5):
        (tmp_path / f"f{index:06d}.bin").write_bytes(bytes([index]) * 10)

    items = _worker.small_items({"small_dir": str(tmp_path), "files": 3})

    assert [name for _, name in items] == [
        "bulk/f000000.bin",
        "bulk/f000001.bin",
        "bulk/f000002.bin",
    ]


def test_unseekable_stream_yields_exactly_size_bytes() -> None:
    stream = _worker._UnseekableStream(2_500_000)
    digest = hashlib.sha1()
    total = 0
    while chunk := stream.read(700_000):
        digest.update(chunk)
        total += len(chunk)
    block = _worker.repeated_block(1 << 20)
    expected = hashlib.sha1(block * 2 + block[: 2_500_000 - 2 * len(block)]).hexdigest()

    assert total == 2_500_000
    assert digest.hexdigest() == expected
    assert not stream.seekable()


def _row(
    scenario: str, variant: str, client: str, wall: float, cpu: float, items: int
) -> _report.Row:
    return _report.Row(
        scenario=scenario, variant=variant, client=client, wall=wall, user=cpu, sys=0.0,
        maxrss_mib=60.0, items=items, bytes=items * 16384, verified=None,
    )  # fmt: skip


def test_summary_medians_ratios_and_goals() -> None:
    rows = [
        _row("1", "b2sdk", "b2sdk", 4.0, 2.0, 2000),
        _row("1", "b2sdk", "b2sdk", 6.0, 3.0, 2000),
        _row("1", "b2sdk", "b2sdk", 5.0, 9.0, 2000),
        _row("1", "b2async[aiohttp]", "b2async", 1.0, 0.5, 2000),
        _row("1", "bare[aiohttp]", "bare", 0.9, 0.4, 2000),
    ]
    summary = _report.summarize(rows, {"1": "bulk"})
    ours = summary["1"]["variants"]["b2async[aiohttp]"]
    sdk = summary["1"]["variants"]["b2sdk"]

    assert (sdk["wall"], sdk["cpu"], sdk["runs"]) == (5.0, 3.0, 3)
    assert ours["items_per_s"] == 2000.0
    assert ours["wall_vs_b2sdk"] == pytest.approx(0.2)
    assert ours["cpu_vs_b2sdk"] == pytest.approx(0.5 / 3.0)

    goals = _report.evaluate_goals(summary, run.Sizes())
    verdicts = {goal["goal"]: goal["pass"] for goal in goals}
    assert verdicts["b2async[aiohttp] files/s / b2sdk files/s >= 2.5"] is True
    assert verdicts["b2async[aiohttp] CPU per file / b2sdk's <= 0.4"] is True
    assert verdicts["bare[aiohttp] files/s / b2async[aiohttp] files/s <= 1.15"] is True

    info = {
        "machine": {"cpu": "test cpu", "cores": 2, "python": "3.x", "platform": "test"},
        "sizes": {"reps": 3},
        "quick": False,
        "date": "today",
        "seconds": 1.0,
    }
    markdown = _report.render_markdown(summary, goals, info)
    assert "on test cpu (2 cores)" in markdown
    assert "| 1. bulk | b2async[aiohttp] | 1.000 |" in markdown
    assert "PASS  s1: b2async[aiohttp] files/s / b2sdk files/s >= 2.5 (measured 5.00)" in markdown

    # Over TLS the same table, said to be over TLS, and no goals (they are for plain HTTP).
    over_tls = _report.render_markdown(summary, [], {**info, "tls": True})
    assert "| 1. bulk | b2async[aiohttp] | 1.000 |" in over_tls
    assert "Over TLS:" in over_tls
    assert "Goals" not in over_tls


def test_quick_sizes_are_small_and_defaults_match_the_issue() -> None:
    full, quick = run.Sizes(), run.Sizes.quick()
    assert (full.files, full.file_size, full.large_size, full.versions) == (
        2000, 16 * 1024, 1 << 30, 100_000
    )  # fmt: skip
    assert (full.part_size, full.parts_in_flight, full.segments) == (100_000_000, 4, 4)
    assert quick.reps == 1
    assert quick.large_size < full.large_size
    assert quick.versions < full.versions
    table = run.scenarios(full)
    assert sorted(table) == ["1", "2", "3", "4", "5", "6"]
    labels = {v.label for v in table["1"]["variants"]}
    assert {"b2sdk", "floor", "b2async[httpcore]", "bare[httpcore]"} <= labels


def test_update_readme_replaces_only_the_table(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        "# x\n\n<!-- bench-table:start -->\nold\n<!-- bench-table:end -->\n\n## after\n"
    )

    run.update_readme(readme, "| new | table |\n")

    assert readme.read_text() == (
        "# x\n\n<!-- bench-table:start -->\n| new | table |\n<!-- bench-table:end -->\n\n## after\n"
    )


def test_tls_trusts_a_throwaway_ca(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ssl

    pytest.importorskip("trustme")
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    pem = run.trust_throwaway_ca(tmp_path)
    ca = os.environ["SSL_CERT_FILE"]
    assert os.environ["REQUESTS_CA_BUNDLE"] == ca
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(pem)  # the certificate and its key, in one file
    client = ssl.create_default_context(cafile=ca)
    # A handshake in memory: the client verifies the server's certificate for 127.0.0.1.
    to_server, to_client = ssl.MemoryBIO(), ssl.MemoryBIO()
    ends = [
        client.wrap_bio(to_client, to_server, server_hostname="127.0.0.1"),
        server.wrap_bio(to_server, to_client, server_side=True),
    ]
    done = [False, False]
    for _ in range(10):
        for index, end in enumerate(ends):
            if not done[index]:
                try:
                    end.do_handshake()
                    done[index] = True
                except ssl.SSLWantReadError:
                    pass
    assert done == [True, True]
    assert ("IP Address", "127.0.0.1") in ends[0].getpeercert()["subjectAltName"]
