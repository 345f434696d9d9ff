"""``python -m b2async demo``: upload a tree of files concurrently, download and verify each.

Without credentials the demo runs against the embedded emulator (:class:`B2Emulator`, in
process, through its httpx transport), configured with part sizes small enough that the
multi-part files take the large-file path. With ``B2_APPLICATION_KEY_ID`` /
``B2_APPLICATION_KEY`` set and ``bucket`` given it runs against real B2, under a unique
prefix that it deletes afterwards (unless ``keep`` is set).

Every file is checked three ways with SHA-1: B2's acknowledgement of the upload must carry
the local SHA-1 (``contentSha1``, or ``large_file_sha1`` for large files); the download is
verified by b2async while it streams; and the downloaded file is hashed again and compared
with the original.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import anyio.to_thread

from b2async._cli._progress_line import ProgressLine
from b2async._cli._tree import LocalFile, TreeSpec, write_tree

if TYPE_CHECKING:
    from b2async import B2Client, Bucket

__all__ = ["DemoOptions", "DemoSummary", "run_demo"]

_HASH_BLOCK = 1 << 20


@dataclass(frozen=True)
class DemoOptions:
    """What the demo does.

    Attributes:
        files: number of small files.
        size: the largest small file, in bytes.
        large_files: number of multi-part files.
        large_size: the size of each multi-part file, in bytes.
        concurrency: uploads (and downloads) in flight at once.
        bucket: a real B2 bucket to use (needs the credentials in the environment).
        keep: leave the uploaded files in the real bucket.
        min_part_size: the emulator's ``absoluteMinimumPartSize``.
        recommended_part_size: the emulator's ``recommendedPartSize`` (also the large-file
            threshold, so ``large_size`` must exceed it for the large-file path).
        seed: seed of the generated contents.
    """

    files: int = 300
    size: int = 64 * 1024
    large_files: int = 2
    large_size: int = 24_000_000
    concurrency: int = 32
    bucket: str | None = None
    keep: bool = False
    min_part_size: int = 5_000_000
    recommended_part_size: int = 10_000_000
    seed: int = 2026

    @classmethod
    def quick(cls, **overrides: Any) -> DemoOptions:
        """A smaller run (a second or two): 60 small files, 2 files of 3 parts each."""
        values: dict[str, Any] = {
            "files": 60,
            "size": 16 * 1024,
            "large_files": 2,
            "large_size": 5_500_000,
            "min_part_size": 1_000_000,
            "recommended_part_size": 2_000_000,
        }
        values.update(overrides)
        return cls(**values)


@dataclass
class DemoSummary:
    """What the demo did and found (printed by the CLI, asserted on by tests)."""

    target: str = "emulator"
    backend: str = "asyncio"
    files_generated: int = 0
    large_files: int = 0
    bytes_generated: int = 0
    files_uploaded: int = 0
    bytes_uploaded: int = 0
    upload_seconds: float = 0.0
    files_downloaded: int = 0
    bytes_downloaded: int = 0
    download_seconds: float = 0.0
    #: B2's SHA-1 in the upload acknowledgement equalled the local SHA-1.
    upload_sha1_checks: int = 0
    #: Downloads b2async verified against the stored SHA-1 while streaming.
    download_sha1_checks: int = 0
    #: Downloaded files hashed again and found equal to the originals.
    files_verified: int = 0
    failures: list[str] = field(default_factory=list)
    calls: dict[str, int] = field(default_factory=dict)

    @property
    def sha1_checks(self) -> int:
        """Every SHA-1 comparison that passed."""
        return self.upload_sha1_checks + self.download_sha1_checks + self.files_verified

    @property
    def ok(self) -> bool:
        """True when every generated file was uploaded, downloaded and verified."""
        return (
            not self.failures
            and self.files_generated > 0
            and self.files_uploaded == self.files_generated
            and self.files_downloaded == self.files_generated
            and self.files_verified == self.files_generated
        )

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, with the derived ``ok`` and ``sha1_checks``."""
        data = asdict(self)
        data["ok"] = self.ok
        data["sha1_checks"] = self.sha1_checks
        return data


def _hash_file(path: Path) -> str:
    digest = hashlib.sha1()
    with path.open("rb") as handle:
        while block := handle.read(_HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest()


async def _upload(
    bucket: Bucket,
    files: list[LocalFile],
    prefix: str,
    options: DemoOptions,
    summary: DemoSummary,
) -> dict[str, str]:
    """Upload every file with one ``upload_many`` call; return B2 file name → file id."""
    from b2async import UploadItem

    by_name = {prefix + local.name: local for local in files}
    items = [UploadItem(local.path, name) for name, local in by_name.items()]
    line = ProgressLine("upload", len(files), sum(local.size for local in files))
    start = time.perf_counter()
    try:
        outcomes = await bucket.upload_many(items, concurrency=options.concurrency, progress=line)
    finally:
        line.close()
    summary.upload_seconds = time.perf_counter() - start
    file_ids: dict[str, str] = {}
    for outcome in outcomes:
        name = outcome.item.file_name
        local = by_name[name]
        if outcome.error is not None or outcome.file_version is None:
            summary.failures.append(f"upload {name!r}: {outcome.error!r}")
            continue
        version = outcome.file_version
        summary.files_uploaded += 1
        summary.bytes_uploaded += version.content_length
        if version.file_id is not None:
            file_ids[name] = version.file_id
        # Small files: B2's contentSha1. Large files: B2 stores "none", and the whole-file
        # SHA-1 travels in file info as large_file_sha1.
        stored = version.verified_sha1 or version.large_file_sha1
        if stored == local.sha1:
            summary.upload_sha1_checks += 1
        else:
            summary.failures.append(
                f"upload {name!r}: B2 recorded SHA-1 {stored!r}, local file has {local.sha1}"
            )
    return file_ids


async def _download(
    bucket: Bucket,
    files: list[LocalFile],
    prefix: str,
    out_dir: Path,
    options: DemoOptions,
    summary: DemoSummary,
    uploaded: dict[str, str],
) -> None:
    """Download every uploaded file to disk (verified) and compare it with the original."""
    todo = [local for local in files if prefix + local.name in uploaded]
    line = ProgressLine("download", len(todo), sum(local.size for local in todo))
    limiter = anyio.CapacityLimiter(options.concurrency)

    async def one(local: LocalFile) -> None:
        name = prefix + local.name
        target = out_dir.joinpath(*local.name.split("/"))
        async with limiter:
            try:
                await anyio.to_thread.run_sync(
                    lambda: target.parent.mkdir(parents=True, exist_ok=True)
                )
                version = await bucket.download_to_file(name, target, progress=line)
            except Exception as exc:  # reported per file; the demo goes on with the others
                summary.failures.append(f"download {name!r}: {exc!r}")
                return
            # download_to_file raises ChecksumMismatch rather than returning unverified data.
            summary.files_downloaded += 1
            summary.download_sha1_checks += 1
            summary.bytes_downloaded += version.content_length
            actual = await anyio.to_thread.run_sync(_hash_file, target)
        if actual == local.sha1:
            summary.files_verified += 1
        else:
            summary.failures.append(f"compare {name!r}: downloaded {actual}, original {local.sha1}")

    start = time.perf_counter()
    try:
        async with anyio.create_task_group() as tg:
            for local in todo:
                tg.start_soon(one, local)
    finally:
        line.close()
    summary.download_seconds = time.perf_counter() - start


async def _run_with_bucket(
    bucket: Bucket, options: DemoOptions, summary: DemoSummary, prefix: str
) -> list[tuple[str, str]]:
    """Generate, upload, download and verify; return the (name, id) pairs uploaded."""
    with tempfile.TemporaryDirectory(prefix="b2async-demo-") as scratch:
        root = Path(scratch)
        spec = TreeSpec(
            small_files=options.files,
            small_max_size=options.size,
            large_files=options.large_files,
            large_size=options.large_size,
            seed=options.seed,
        )
        files = await anyio.to_thread.run_sync(write_tree, root / "source", spec)
        summary.files_generated = len(files)
        summary.large_files = sum(1 for local in files if local.large)
        summary.bytes_generated = sum(local.size for local in files)
        uploaded = await _upload(bucket, files, prefix, options, summary)
        await _download(bucket, files, prefix, root / "downloaded", options, summary, uploaded)
        return sorted(uploaded.items())


async def _run_emulator(options: DemoOptions, summary: DemoSummary) -> None:
    from b2async import B2Client
    from b2async.testing import B2Emulator

    emulator = B2Emulator(
        min_part_size=options.min_part_size,
        recommended_part_size=options.recommended_part_size,
    )
    async with (
        emulator.http_client() as http,
        B2Client(emulator.key_id, emulator.key, realm=emulator.realm, http_client=http) as client,
    ):
        bucket = await client.create_bucket("b2async-demo", bucket_type="allPrivate")
        await _run_with_bucket(bucket, options, summary, prefix="")
    summary.calls = {name: count for name, count in sorted(emulator.calls.items()) if count}


async def _cleanup(client: B2Client, uploaded: list[tuple[str, str]]) -> None:
    limiter = anyio.CapacityLimiter(16)

    async def delete(name: str, file_id: str) -> None:
        async with limiter:
            await client.delete_file_version(name, file_id)

    async with anyio.create_task_group() as tg:
        for name, file_id in uploaded:
            tg.start_soon(delete, name, file_id)


async def _run_b2(options: DemoOptions, summary: DemoSummary) -> None:
    from b2async import B2Client
    from b2async._http_client import DEFAULT_MAX_CONNECTIONS

    assert options.bucket is not None
    summary.target = f"B2 bucket {options.bucket}"
    prefix = f"b2async-demo/{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{os.getpid()}/"
    # a connection for every upload in flight, plus the default headroom for API calls
    connections = max(DEFAULT_MAX_CONNECTIONS, options.concurrency)
    async with B2Client.from_env(max_connections=connections) as client:
        bucket = await client.get_bucket(options.bucket)
        uploaded = await _run_with_bucket(bucket, options, summary, prefix)
        if not options.keep:
            await _cleanup(client, uploaded)


def _backend_name() -> str:
    try:
        import sniffio

        return sniffio.current_async_library()
    except Exception:  # sniffio missing or no known loop: only a label in the summary
        return "unknown"


async def run_demo(options: DemoOptions) -> DemoSummary:
    """Run the demo and return what it found (it never raises for a failed file check).

    Raises:
        B2ConfigurationError: ``options.bucket`` is set but the credentials are missing.
    """
    summary = DemoSummary(backend=_backend_name())
    if options.bucket is None:
        await _run_emulator(options, summary)
    else:
        await _run_b2(options, summary)
    return summary
