"""The main job, end to end: ``python -m b2async demo --quick`` against the embedded emulator."""

from __future__ import annotations

import json

import pytest

from b2async._cli import main
from b2async._cli._demo import DemoOptions, run_demo

pytestmark = pytest.mark.anyio


async def test_quick_demo_uploads_downloads_and_verifies_every_file() -> None:
    summary = await run_demo(DemoOptions.quick())

    assert summary.failures == []
    assert summary.files_generated == 62
    assert summary.large_files == 2
    assert summary.files_uploaded == summary.files_generated
    assert summary.files_downloaded == summary.files_generated
    assert summary.files_verified == summary.files_uploaded
    assert summary.bytes_uploaded == summary.bytes_generated
    assert summary.bytes_downloaded == summary.bytes_generated
    assert summary.bytes_generated > 2 * 5_500_000
    # three SHA-1 checks per file: upload acknowledgement, streaming download, re-hash
    assert summary.upload_sha1_checks == 62
    assert summary.download_sha1_checks == 62
    assert summary.sha1_checks == 3 * 62
    assert summary.ok
    # the two multi-part files really took the large-file path (5.5 MB in 2 MB parts)
    assert summary.calls["b2_start_large_file"] == 2
    assert summary.calls["b2_finish_large_file"] == 2
    assert summary.calls["b2_upload_part"] >= 2 * 2
    assert summary.calls["b2_upload_file"] == 60


def test_cli_json_summary_and_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["demo", "--quick", "--files", "12", "--large-files", "1", "--json"])
    out = capsys.readouterr().out
    summary = json.loads(out)

    assert code == 0
    assert summary["ok"] is True
    assert summary["files_generated"] == 13
    assert summary["files_uploaded"] == 13
    assert summary["files_verified"] == 13
    assert summary["sha1_checks"] == 39
    assert summary["failures"] == []


def test_cli_text_summary(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["demo", "--quick", "--files", "5", "--large-files", "0", "--backend", "trio"])
    captured = capsys.readouterr()

    assert code == 0
    assert "files uploaded:   5," in captured.out
    assert "files verified:   5" in captured.out
    assert "SHA-1 checks:     15 passed" in captured.out
    assert "(trio," in captured.out
    assert captured.out.rstrip().endswith("result:           OK")
    # stderr is not a terminal here: one final progress line per phase, no redraws
    assert captured.err.count("upload: 5/5 files") == 1
    assert "\r" not in captured.err


def test_bucket_without_credentials_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("B2_APPLICATION_KEY_ID", raising=False)
    monkeypatch.delenv("B2_APPLICATION_KEY", raising=False)

    assert main(["demo", "--bucket", "some-bucket"]) == 2
    err = capsys.readouterr().err
    assert "B2_APPLICATION_KEY_ID" in err
    assert "B2_APPLICATION_KEY" in err


@pytest.mark.parametrize("argv", [["--files", "0", "--large-files", "0"], ["--files", "-1"]])
def test_nothing_to_do_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", *argv]) == 2
    assert "at least one file" in capsys.readouterr().err


def test_bucket_mode_runs_against_a_served_b2_and_cleans_up(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--bucket`` with credentials: the real-B2 path, here against the emulator over HTTP."""
    from b2async.testing import B2Emulator
    from b2async.testing._serve import serve_in_thread

    emulator = B2Emulator(min_part_size=1_000_000, recommended_part_size=2_000_000)
    emulator.create_bucket("demo-target")
    emulator.put_file("demo-target", "already/there.txt", b"keep me")
    with serve_in_thread(emulator) as realm:
        monkeypatch.setenv("B2_APPLICATION_KEY_ID", emulator.key_id)
        monkeypatch.setenv("B2_APPLICATION_KEY", emulator.key)
        monkeypatch.setenv("B2_REALM", realm)
        argv = ["demo", "--bucket", "demo-target", "--files", "6", "--large-files", "1"]
        code = main([*argv, "--large-size", "5MB", "--size", "2KiB", "--json"])
    summary = json.loads(capsys.readouterr().out)

    assert code == 0
    assert summary["target"] == "B2 bucket demo-target"
    assert summary["files_uploaded"] == summary["files_verified"] == 7
    assert summary["large_files"] == 1
    assert summary["sha1_checks"] == 21
    # everything the demo uploaded (under its own prefix) was deleted again; nothing else was
    remaining = [v.file_name for v in emulator.file_versions("demo-target")]
    assert remaining == ["already/there.txt"]
    assert emulator.calls["b2_start_large_file"] == 1
    assert emulator.calls["b2_delete_file_version"] == 7
