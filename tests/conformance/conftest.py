"""A served emulator shared by a module's conformance tests, plus b2sdk helpers.

The emulator uses tiny part sizes (minimum 5 000 / recommended 10 000 bytes) so that clients take
their large-file paths on files of a few tens of kilobytes.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import pytest
from b2sdk.v2 import B2Api, InMemoryAccountInfo

from b2async.testing._emulator import B2Emulator
from b2async.testing._serve import serve_in_thread

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

MIN_PART_SIZE = 5_000
RECOMMENDED_PART_SIZE = 10_000

_names = itertools.count(1)


@pytest.fixture(scope="module")
def emulator() -> B2Emulator:
    return B2Emulator(min_part_size=MIN_PART_SIZE, recommended_part_size=RECOMMENDED_PART_SIZE)


@pytest.fixture(scope="module")
def realm(emulator: B2Emulator) -> Iterator[str]:
    with serve_in_thread(emulator) as url:
        yield url


def _b2sdk_api(realm: str, key_id: str, key: str) -> B2Api:
    """An official b2sdk client, unmodified, with its real HTTP stack, authorized at ``realm``."""
    api = B2Api(InMemoryAccountInfo())
    # b2sdk.v2 takes (realm, key_id, key); v3 takes (key_id, key, realm): use keywords.
    api.authorize_account(realm=realm, application_key_id=key_id, application_key=key)
    return api


@pytest.fixture(scope="module")
def api(emulator: B2Emulator, realm: str) -> B2Api:
    """b2sdk authorized with the emulator's master key."""
    return _b2sdk_api(realm, emulator.key_id, emulator.key)


@pytest.fixture
def b2sdk_login(realm: str) -> Callable[[str, str], B2Api]:
    """Authorize another b2sdk client (e.g. with a restricted key) at the served realm."""
    return lambda key_id, key: _b2sdk_api(realm, key_id, key)


@pytest.fixture
def bucket_name() -> Callable[[str], str]:
    """Make a bucket name no other test in the session uses (6..63 chars of [a-z0-9-])."""
    return lambda tag: f"conf-{tag}-{next(_names):05d}"
