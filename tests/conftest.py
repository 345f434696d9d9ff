"""Shared test configuration: every async test runs under asyncio and trio, and no test goes
through a proxy the machine's environment may name (every server a test talks to is on this
machine; the proxy tests set their own)."""

from __future__ import annotations

import pytest

_PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy")


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(autouse=True)
def _no_environment_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
