"""The emulator served over HTTPS, and clients that verify its certificate.

B2 itself is HTTPS only; serving the emulator with TLS lets a test (or a benchmark) take the
same path through each client's TLS stack: on asyncio the aiohttp fast path, on trio httpx's
own transport, and b2sdk's requests.
"""

from __future__ import annotations

import hashlib
import io
import random
from typing import TYPE_CHECKING

import pytest

from b2async import B2Client, B2ConnectionError, RetryPolicy
from b2async.testing import B2Emulator
from b2async.testing._serve import serve_in_thread

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.anyio

trustme = pytest.importorskip("trustme")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(CA bundle, server certificate + key) for 127.0.0.1, as PEM files."""
    folder = tmp_path_factory.mktemp("tls")
    authority = trustme.CA()
    server = authority.issue_cert("127.0.0.1", "localhost")
    ca, pem = folder / "ca.pem", folder / "server.pem"
    authority.cert_pem.write_to_path(str(ca))
    server.private_key_and_cert_chain_pem.write_to_path(str(pem))
    return ca, pem


async def test_b2async_round_trip_over_tls(
    anyio_backend: str,
    certificate: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    ca, pem = certificate
    # httpx (both of B2Client's transports build their TLS context through it) trusts
    # SSL_CERT_FILE, as it would a corporate CA.
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))
    emulator = B2Emulator(min_part_size=5_000, recommended_part_size=20_000)
    small, large = b"secret" * 100, random.Random(7).randbytes(70_000)
    async with (
        emulator.serve(ssl_certfile=pem) as realm,
        B2Client(emulator.key_id, emulator.key, realm=realm) as b2,
    ):
        assert realm.startswith("https://127.0.0.1:")
        bucket = await b2.create_bucket("tls-bucket")
        await bucket.upload_bytes(small, "small.bin")
        version = await bucket.upload_bytes(large, "large.bin")
        assert version.large_file_sha1 == hashlib.sha1(large).hexdigest()
        assert await bucket.download_bytes("small.bin") == small
        assert await bucket.download_bytes("large.bin") == large
        # Hundreds of TLS records per body: on httpx's transport (trio here) each read takes
        # every record already received (b2async._tls_reads); the bytes must be the same.
        big = random.Random(8).randbytes(3_000_000)
        await bucket.upload_bytes(big, "big.bin")
        assert await bucket.download_bytes("big.bin") == big
        await bucket.download_to_file("big.bin", tmp_path / "big.bin", segments=3)
        assert (tmp_path / "big.bin").read_bytes() == big
        authorization = await b2.authorize()
        assert authorization.api_url.startswith("https://")
        assert authorization.download_url.startswith("https://")


async def test_an_untrusted_certificate_is_refused(
    anyio_backend: str, certificate: tuple[Path, Path]
) -> None:
    _, pem = certificate
    emulator = B2Emulator()
    async with (
        emulator.serve(ssl_certfile=pem) as realm,
        B2Client(
            emulator.key_id, emulator.key, realm=realm, retry=RetryPolicy(max_attempts=1)
        ) as b2,
    ):
        with pytest.raises(B2ConnectionError):
            await b2.list_buckets()
    assert emulator.calls["b2_authorize_account"] == 0


def test_b2sdk_round_trip_over_tls(
    certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from b2sdk.v2 import B2Api, InMemoryAccountInfo

    ca, pem = certificate
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(ca))
    emulator = B2Emulator()
    with serve_in_thread(emulator, ssl_certfile=pem) as realm:
        api = B2Api(InMemoryAccountInfo())
        api.authorize_account(
            application_key_id=emulator.key_id, application_key=emulator.key, realm=realm
        )
        bucket = api.create_bucket("tls-sdk-bucket", "allPrivate")
        version = bucket.upload_bytes(b"over tls", "sdk.txt")
        assert emulator.read_file(version.id_) == b"over tls"
        received = io.BytesIO()
        bucket.download_file_by_name("sdk.txt").save(received)
        assert received.getvalue() == b"over tls"
