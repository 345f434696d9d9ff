"""``python -m b2async.testing``: a real subprocess serving on a free port."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import httpx
import pytest

from b2async.testing.__main__ import main, write_creds

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

STARTUP_TIMEOUT = 30.0


@pytest.fixture
def cli(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], dict[str, str]]]:
    creds = tmp_path / "creds.json"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "b2async.testing",
            "--port",
            "0",
            "--creds",
            str(creds),
            "--min-part-size",
            "5000",
            "--recommended-part-size",
            "10000",
            "--seed",
            "42",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not creds.exists():
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the emulator did not start"
            time.sleep(0.05)
        yield process, json.loads(creds.read_text())
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def authorize(creds: dict[str, str]) -> dict[str, object]:
    response = httpx.get(
        f"{creds['realm']}/b2api/v3/b2_authorize_account",
        auth=(creds["applicationKeyId"], creds["applicationKey"]),
    )
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_cli_serves_until_signalled(
    cli: tuple[subprocess.Popen[str], dict[str, str]], stop_signal: signal.Signals
) -> None:
    process, creds = cli
    assert sorted(creds) == ["applicationKey", "applicationKeyId", "realm"]
    assert creds["realm"].startswith("http://127.0.0.1:")
    auth = authorize(creds)
    storage = auth["apiInfo"]["storageApi"]  # type: ignore[index]
    assert storage["apiUrl"] == creds["realm"]
    assert storage["recommendedPartSize"] == 10_000
    assert storage["absoluteMinimumPartSize"] == 5_000

    process.send_signal(stop_signal)
    stdout, stderr = process.communicate(timeout=STARTUP_TIMEOUT)
    assert process.returncode == 0, stderr
    assert f"realm: {creds['realm']}" in stdout
    assert f"applicationKeyId: {creds['applicationKeyId']}" in stdout
    assert f"applicationKey: {creds['applicationKey']}" in stdout
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{creds['realm']}/b2api/v3/b2_authorize_account")


def test_write_creds_is_atomic_and_complete(tmp_path: Path) -> None:
    target = tmp_path / "creds.json"
    target.write_text("stale")
    write_creds(target, "http://127.0.0.1:1", "key-id", "secret")
    assert json.loads(target.read_text()) == {
        "realm": "http://127.0.0.1:1",
        "applicationKeyId": "key-id",
        "applicationKey": "secret",
    }
    assert [path.name for path in tmp_path.iterdir()] == ["creds.json"]


@pytest.mark.parametrize(
    "argv",
    [
        ["--port", "70000"],
        ["--min-part-size", "0"],
        ["--min-part-size", "100", "--recommended-part-size", "50"],
        ["--ssl-keyfile", "key.pem"],
    ],
)
def test_cli_rejects_bad_arguments(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert "error" in capsys.readouterr().err
