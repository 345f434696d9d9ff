"""Side-by-side benchmarks: b2async vs b2sdk vs the read+SHA-1 floor (and a bare client).

Usage::

    python benchmarks/run.py [--quick] [--tls] [--reps N] [--scenarios 1,2,3] [--output-dir DIR]

One emulator (``python -m b2async.testing``) is served by a separate process over a loopback
socket, with B2's real part sizes (5 MB minimum, 100 MB recommended) so that both clients take
their real paths. Each measurement runs in its own worker process (``_worker.py``), the clients
alternating within each repetition; the harness reports medians of wall time, client CPU
seconds (user + sys) and peak RSS, with the ratios and the goals of the performance issue
(printed as PASS/FAIL, never asserted). Results go to ``benchmarks/results/latest.{md,json}``.

``--tls`` serves the emulator over HTTPS instead (a throwaway CA from ``trustme``, trusted by
every client through ``SSL_CERT_FILE`` / ``REQUESTS_CA_BUNDLE``), so each client's TLS stack is
measured as it is against B2; the wire floors (plain TCP) and the goals are left out, and the
results go to ``tls.{md,json}``.
"""

from __future__ import annotations

import argparse
import collections
import functools
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _report import Row, evaluate_goals, render_markdown, summarize  # noqa: E402
from _worker import make_http_client  # noqa: E402

MIB = 1 << 20
KIB = 1 << 10


@dataclass(frozen=True)
class Sizes:
    """The sizes of a run (defaults: the performance issue's; ``--quick``: a smoke run)."""

    files: int = 2000
    file_size: int = 16 * KIB
    large_size: int = 1 << 30
    part_size: int = 100_000_000
    parts_in_flight: int = 4
    segments: int = 4
    versions: int = 100_000
    page_size: int = 10_000
    reps: int = 3
    #: measure b2async on both transports in every scenario (quick: in scenario 1 only)
    every_transport: bool = True

    @classmethod
    def quick(cls) -> Sizes:
        return cls(
            files=200,
            large_size=32 * MIB,
            part_size=10_000_000,
            versions=2_000,
            reps=1,
            every_transport=False,
        )


@dataclass(frozen=True)
class Variant:
    """One client configuration measured in a scenario."""

    label: str
    client: str
    transport: str | None = None
    options: tuple[tuple[str, Any], ...] = ()


@functools.cache
def _transports() -> list[str]:
    try:
        import httpx_aiohttp  # noqa: F401
    except ImportError:
        print("note: httpx-aiohttp is not installed; measuring the httpcore transport only")
        return ["httpcore"]
    return ["httpcore", "aiohttp"]


def scenarios(sizes: Sizes) -> dict[str, dict[str, Any]]:
    """Scenario number → its parameters and the variants measured."""
    every = _transports()
    # the quick form measures the second transport in scenario 1 only
    transports = every if sizes.every_transport else every[-1:]
    b2async = [Variant(f"b2async[{t}]", "b2async", t) for t in transports]
    bulk_variants = [
        Variant("b2sdk", "b2sdk"),
        *(Variant(f"b2async[{t}]", "b2async", t) for t in every),
        *(Variant(f"bare[{t}]", "bare", t) for t in every),
        Variant("floor", "floor"),
    ]
    large_variants = [
        Variant("b2sdk", "b2sdk"),
        *(
            Variant(f"b2async[{t}] sha1={flag}", "b2async", t, (("large_file_sha1", flag),))
            for t in transports
            for flag in (True, False)
        ),
        Variant("floor", "floor"),
        Variant("wire floor", "wire"),
    ]
    return {
        "1": {
            "title": f"bulk upload, {sizes.files} files of {sizes.file_size // KIB} KiB, "
            "16 in flight",
            "scenario": "bulk",
            "params": {"concurrency": 16, "files": sizes.files},
            "variants": bulk_variants,
        },
        "2": {
            "title": f"bulk upload, {sizes.files} files of {sizes.file_size // KIB} KiB, "
            "64 in flight",
            "scenario": "bulk",
            "params": {"concurrency": 64, "files": sizes.files},
            "variants": [
                Variant("b2sdk", "b2sdk"),
                *b2async,
                *(Variant(f"bare[{t}]", "bare", t) for t in transports),
            ],
        },
        "3": {
            "title": f"large file from disk, {sizes.large_size // MIB} MiB, "
            f"{sizes.part_size // 1_000_000} MB parts, {sizes.parts_in_flight} in flight",
            "scenario": "large",
            "params": {"part_size": sizes.part_size, "parts_in_flight": sizes.parts_in_flight},
            "variants": large_variants,
        },
        "4": {
            "title": f"unknown-length stream, {sizes.large_size // MIB} MiB, "
            f"{sizes.parts_in_flight} parts in flight",
            "scenario": "stream",
            "params": {
                "size": sizes.large_size,
                "part_size": sizes.part_size,
                "parts_in_flight": sizes.parts_in_flight,
            },
            "variants": [Variant("b2sdk", "b2sdk"), *b2async],
        },
        "5": {
            "title": f"verified download to disk, {sizes.large_size // MIB} MiB, "
            f"{sizes.segments} segments",
            "scenario": "download",
            "params": {"segments": sizes.segments, "name": "download/source.bin"},
            "variants": [
                Variant("b2sdk", "b2sdk"),
                *b2async,
                Variant("floor", "floor"),
                Variant("wire floor", "wire"),
            ],
        },
        "6": {
            "title": f"listing {sizes.versions} file versions",
            "scenario": "list",
            "params": {"page_size": sizes.page_size},
            "variants": [Variant("b2sdk", "b2sdk"), *b2async],
        },
    }


# ------------------------------------------------------------------------------------------
# data and the emulator process


def prepare_data(work: Path, sizes: Sizes, chosen: list[str]) -> dict[str, Path]:
    """Write the small files and the large file (reused across runs when already there)."""
    small = work / f"small-{sizes.file_size}"
    small.mkdir(parents=True, exist_ok=True)
    have = len(list(small.iterdir()))
    for index in range(have, sizes.files):
        (small / f"f{index:06d}.bin").write_bytes(os.urandom(sizes.file_size))
    large = work / f"large-{sizes.large_size}.bin"
    if not {"3", "5"} & set(chosen):
        return {"small_dir": small, "large": large}
    if not large.exists() or large.stat().st_size != sizes.large_size:
        with large.open("wb") as handle:
            left = sizes.large_size
            while left:
                chunk = min(left, 16 * MIB)
                handle.write(os.urandom(chunk))
                left -= chunk
    return {"small_dir": small, "large": large}


class EmulatorProcess:
    """The emulator served by a child process (``_serve.py``), with B2's real part sizes.

    ``_serve.py`` is ``python -m b2async.testing`` plus the listing bucket filled in memory.
    The quick form lowers the recommended part size to its own part size, so that b2sdk takes
    its large-file path on the smaller files too.
    """

    def __init__(
        self, work: Path, sizes: Sizes, *, listing: bool = True, certificate: Path | None = None
    ) -> None:
        self.creds_path = work / "emulator-creds.json"
        self.creds_path.unlink(missing_ok=True)
        self.process = subprocess.Popen(
            [
                sys.executable, str(HERE / "_serve.py"), str(self.creds_path),
                "5000000", str(sizes.part_size), str(sizes.versions if listing else 0),
                *([str(certificate)] if certificate is not None else []),
            ],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while not self.creds_path.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit("the emulator process did not start")
            time.sleep(0.05)
        creds = json.loads(self.creds_path.read_text())
        self.realm: str = creds["realm"]
        self.key_id: str = creds["applicationKeyId"]
        self.key: str = creds["applicationKey"]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# ------------------------------------------------------------------------------------------
# setup and cleanup through b2async (never measured)


async def _client(emulator: EmulatorProcess) -> Any:
    import httpx

    from b2async import B2Client

    # the fastest transport available (setup and cleanup are not measured)
    transport = _transports()[-1]
    http = make_http_client(transport, 64)
    assert isinstance(http, httpx.AsyncClient)
    return http, B2Client(emulator.key_id, emulator.key, realm=emulator.realm, http_client=http)


async def setup(client: Any, data: dict[str, Path], chosen: list[str]) -> None:
    """The download scenario's source: the large file, uploaded as a multi-part file."""
    if "5" not in chosen:
        return
    download = await client.create_bucket("bench-download")
    await download.upload_file(data["large"], "download/source.bin")


async def drop_bucket(client: Any, name: str) -> None:
    """Delete every version and unfinished large file in ``name``, then the bucket."""
    import anyio

    from b2async import _raw

    bucket = await client.get_bucket(name)
    async for unfinished in bucket.list_unfinished_large_files():
        # benchmark housekeeping through the raw layer (no public verb needed here)
        await client._session.call(_raw.cancel_large_file, file_id=unfinished.file_id)
    versions = [(v.file_name, v.file_id) async for v in bucket.list_file_versions()]
    limiter = anyio.CapacityLimiter(32)

    async def delete(file_name: str, file_id: str) -> None:
        async with limiter:
            await client.delete_file_version(file_name, file_id)

    async with anyio.create_task_group() as tg:
        for file_name, file_id in versions:
            tg.start_soon(delete, file_name, file_id)
    await client.delete_bucket(bucket)


async def run_worker(spec: dict[str, Any]) -> dict[str, Any]:
    """Run one measurement in a fresh worker process; its JSON result."""
    import anyio

    # BENCH_WORKER_WRAP prefixes each worker's command, e.g. to profile it:
    # BENCH_WORKER_WRAP='perf record -g -o /tmp/{client}-{transport}-{scenario}.data'
    wrap = os.environ.get("BENCH_WORKER_WRAP", "")
    prefix = shlex.split(wrap.format_map(collections.defaultdict(str, spec))) if wrap else []
    completed = await anyio.run_process(
        [*prefix, sys.executable, str(HERE / "_worker.py"), json.dumps(spec)], check=False
    )
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr.decode(errors="replace")[-4000:])
        print(f"!! worker failed: {spec['client']} {spec['scenario']}", flush=True)
        return {"errors": 1, "extra": {"failed": True}}
    return dict(json.loads(completed.stdout.decode().strip().splitlines()[-1]))


async def measure(
    client: Any,
    emulator: EmulatorProcess,
    number: str,
    scenario: dict[str, Any],
    variant: Variant,
    data: dict[str, Path],
    scratch: str,
) -> Row:
    """One worker run (in a fresh bucket for uploads, deleted afterwards)."""
    kind = scenario["scenario"]
    spec: dict[str, Any] = {
        "client": variant.client,
        "transport": variant.transport,
        "scenario": kind,
        "realm": emulator.realm,
        "key_id": emulator.key_id,
        "key": emulator.key,
        "small_dir": str(data["small_dir"]),
        "path": str(data["large"]),
        **scenario["params"],
        **dict(variant.options),
    }
    fresh = kind in ("bulk", "large", "stream") and variant.client not in ("floor", "wire")
    bucket = f"bench-{number}-{int(time.monotonic() * 1000) % 10**9}"
    if kind == "download":
        spec["bucket"] = "bench-download"
        spec["out"] = str(Path(scratch) / "download.bin")
    elif kind == "list":
        spec["bucket"] = "bench-list"
    else:
        spec["bucket"] = bucket
    if fresh:
        await client.create_bucket(bucket)
    try:
        result = await run_worker(spec)
    finally:
        if fresh:
            await drop_bucket(client, bucket)
    return Row(scenario=number, variant=variant.label, client=variant.client, **result)


async def run_all(
    emulator: EmulatorProcess,
    data: dict[str, Path],
    sizes: Sizes,
    table: dict[str, dict[str, Any]],
    chosen: list[str],
    started: float,
) -> list[Row]:
    """Set up, then every repetition of every chosen scenario, alternating the clients."""
    http, client = await _client(emulator)
    rows: list[Row] = []
    async with http, client:
        await setup(client, data, chosen)
        print(f"emulator at {emulator.realm}; setup done ({time.monotonic() - started:.1f} s)")
        with tempfile.TemporaryDirectory(prefix="b2async-bench-") as scratch:
            for rep in range(sizes.reps):
                for number in chosen:
                    scenario = table[number]
                    variants = scenario["variants"]
                    # alternate the clients: rotate the order every repetition
                    shift = rep % len(variants)
                    for variant in variants[shift:] + variants[:shift]:
                        row = await measure(
                            client, emulator, number, scenario, variant, data, scratch
                        )
                        rows.append(row)
                        elapsed = time.monotonic() - started
                        print(f"  [{elapsed:5.1f} s] rep {rep + 1} {row.line()}", flush=True)
    return rows


def machine() -> dict[str, Any]:
    """A description of the machine, for the results table."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for package in ("b2async", "b2sdk", "httpx", "httpcore", "httpx-aiohttp", "aiohttp"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = "not installed"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one repetition")
    parser.add_argument("--reps", type=int, help="repetitions (default 3; quick 1)")
    parser.add_argument(
        "--tls", action="store_true", help="serve the emulator over HTTPS (needs trustme)"
    )
    parser.add_argument("--scenarios", default="1,2,3,4,5,6", help="e.g. 1,3,5")
    parser.add_argument("--output-dir", type=Path, default=HERE / "results")
    parser.add_argument("--work-dir", type=Path, default=HERE / ".work")
    parser.add_argument(
        "--update-readme",
        action="store_true",
        help="replace the README's benchmark table with this run's",
    )
    args = parser.parse_args(argv)

    import anyio

    sizes = Sizes.quick() if args.quick else Sizes()
    if args.reps is not None:
        sizes = Sizes(**{**asdict(sizes), "reps": args.reps})
    chosen = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    table = scenarios(sizes)
    started = time.monotonic()
    data = prepare_data(args.work_dir, sizes, chosen)
    print(f"data ready in {args.work_dir} ({time.monotonic() - started:.1f} s)", flush=True)
    certificate = None
    if args.tls:
        certificate = trust_throwaway_ca(args.work_dir)
        for scenario in table.values():  # the wire floors are plain TCP
            scenario["variants"] = [v for v in scenario["variants"] if v.client != "wire"]
    emulator = EmulatorProcess(args.work_dir, sizes, listing="6" in chosen, certificate=certificate)
    try:
        rows = anyio.run(run_all, emulator, data, sizes, table, chosen, started)
    finally:
        emulator.stop()
    summary = summarize(rows, {n: table[n]["title"] for n in chosen})
    goals = [] if args.tls else evaluate_goals(summary, sizes)
    info = {
        "machine": machine(),
        "sizes": asdict(sizes),
        "quick": args.quick,
        "tls": args.tls,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "seconds": round(time.monotonic() - started, 1),
    }
    markdown = render_markdown(summary, goals, info)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    stem = (
        ("quick-tls" if args.quick else "tls")
        if args.tls
        else ("quick" if args.quick else "latest")
    )
    (args.output_dir / f"{stem}.md").write_text(markdown)
    (args.output_dir / f"{stem}.json").write_text(
        json.dumps(
            {"info": info, "results": summary, "goals": goals, "raw": [asdict(r) for r in rows]},
            indent=2,
        )
    )
    print()
    print(markdown)
    print(f"written: {args.output_dir / (stem + '.md')} and .json")
    failed = [row for row in rows if row.extra.get("failed") or row.errors]
    if failed:
        print(
            f"FAILED: {len(failed)} measurement(s) had errors: "
            + ", ".join(f"s{row.scenario} {row.variant}" for row in failed)
        )
        return 1
    if args.update_readme and not args.tls:
        update_readme(HERE.parent / "README.md", markdown)
        print("README.md: benchmark table updated")
    return 0


def trust_throwaway_ca(work: Path) -> Path:
    """Make a CA and a certificate for 127.0.0.1 with ``trustme``; make every client of this
    process and its workers trust the CA (httpx: ``SSL_CERT_FILE``, b2sdk's requests:
    ``REQUESTS_CA_BUNDLE``). Returns the server's PEM (certificate chain and key)."""
    try:
        import trustme
    except ImportError:
        raise SystemExit("--tls needs trustme: pip install -e '.[bench]'") from None
    authority = trustme.CA()
    server = authority.issue_cert("127.0.0.1", "localhost")
    work.mkdir(parents=True, exist_ok=True)
    ca, pem = work / "tls-ca.pem", work / "tls-server.pem"
    authority.cert_pem.write_to_path(str(ca))
    server.private_key_and_cert_chain_pem.write_to_path(str(pem))
    os.environ["SSL_CERT_FILE"] = os.environ["REQUESTS_CA_BUNDLE"] = str(ca)
    return pem


def update_readme(readme: Path, markdown: str) -> None:
    """Put ``markdown`` between the README's ``bench-table`` markers."""
    start, end = "<!-- bench-table:start -->", "<!-- bench-table:end -->"
    text = readme.read_text(encoding="utf-8")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    readme.write_text(f"{head}{start}\n{markdown.strip()}\n{end}{tail}", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
