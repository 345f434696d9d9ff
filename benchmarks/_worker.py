"""One measured client run, in its own process (``python benchmarks/_worker.py SPEC_JSON``).

The harness (``run.py``) starts one worker per measurement so that each client's CPU time and
peak RSS are its own: CPU is the ``RUSAGE_SELF`` user + system delta around the measured work
(all threads), peak RSS is the process's ``ru_maxrss``. Setup (imports, authorization, the
bucket lookup) happens before the clock starts. The result is one JSON object on stdout.

Clients: ``b2async`` (transport ``httpcore`` = httpx's own, or ``aiohttp`` = httpx-aiohttp),
``b2sdk`` (the official SDK, unmodified), ``bare`` (plain httpx requests, no library), and
``floor`` (read + SHA-1 the same bytes once with hashlib, no network) and ``wire`` (the
floor plus moving the bytes over a loopback socket, no HTTP: the cost of the hardware path).
"""

from __future__ import annotations

import hashlib
import io
import json
import resource
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from _report import Measurement

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterator

_BLOCK = 1 << 20


@contextmanager
def measured(result: Measurement) -> Iterator[None]:
    """Record wall time and CPU (user + sys of this process, all threads) of the block."""
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    window = time.clock_gettime(time.CLOCK_MONOTONIC)
    try:
        yield
    finally:
        result.wall = time.perf_counter() - start
        # The measured window in CLOCK_MONOTONIC seconds, to cut a profile taken with
        # ``perf record -k CLOCK_MONOTONIC`` down to it: ``perf report --time START,END``.
        result.extra["window"] = [window, time.clock_gettime(time.CLOCK_MONOTONIC)]
        after = resource.getrusage(resource.RUSAGE_SELF)
        result.user = after.ru_utime - before.ru_utime
        result.sys = after.ru_stime - before.ru_stime
        # Fresh memory costs a page fault per 4 KiB: a hint at allocation churn.
        result.extra["minor_faults"] = after.ru_minflt - before.ru_minflt


def repeated_block(size: int, seed: int = 1) -> bytes:
    """A pseudo-random block used to build streams without paying to generate the bytes."""
    import random

    return random.Random(seed).randbytes(size)


def small_items(spec: dict[str, Any]) -> list[tuple[Path, str]]:
    """The small files of the bulk scenarios as (path, B2 name) pairs."""
    root = Path(spec["small_dir"])
    paths = sorted(root.iterdir())[: spec["files"]]
    return [(path, f"bulk/{path.name}") for path in paths]


def peak_rss_mib() -> float:
    """This process's peak resident set size, in MiB.

    ``VmHWM`` (Linux) is the high-water mark of this process's own memory map. ``ru_maxrss``
    is the fallback elsewhere; on Linux it is not used because it survives ``exec`` and so
    reports the parent's RSS at fork time when that was larger.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ------------------------------------------------------------------------------------------
# floor: read + SHA-1 once


def run_floor(spec: dict[str, Any], result: Measurement) -> None:
    paths = (
        [path for path, _ in small_items(spec)]
        if spec["scenario"] == "bulk"
        else [Path(spec["path"])]
    )
    with measured(result):
        for path in paths:
            digest = hashlib.sha1()
            with path.open("rb") as handle:
                while block := handle.read(_BLOCK):
                    digest.update(block)
                    result.bytes += len(block)
            digest.hexdigest()
            result.items += 1


# ------------------------------------------------------------------------------------------
# wire floor: the same bytes moved over a loopback socket with no HTTP and no library


def _sink(ready: Any) -> None:
    """Peer of the upload wire floor: read one connection to its end, then close it."""
    import socket

    with socket.create_server(("127.0.0.1", 0)) as server:
        ready.put(server.getsockname()[1])
        connection, _ = server.accept()
        with connection:
            buffer = bytearray(_BLOCK)
            while connection.recv_into(buffer):
                pass


def _source(ready: Any, size: int) -> None:
    """Peer of the download wire floor: send ``size`` bytes on one connection."""
    import socket

    block = repeated_block(_BLOCK)
    with socket.create_server(("127.0.0.1", 0)) as server:
        ready.put(server.getsockname()[1])
        connection, _ = server.accept()
        with connection:
            left = size
            while left > 0:
                sent = connection.send(memoryview(block)[: min(left, len(block))])
                left -= sent


def run_wire_floor(spec: dict[str, Any], result: Measurement) -> None:
    """What moving the bytes costs the client with no HTTP and no library around it.

    Upload (scenario 3): read + SHA-1 the file once and ``sendall`` each block to a discard
    peer over loopback TCP. Download (scenario 5): receive the file's size from a peer into
    one reused buffer, SHA-1 it and ``pwrite`` it to a file. The peer is another process, so
    its CPU is not counted, like the emulator's; the kernel's loopback work for the client's
    socket is, as it is for every client.
    """
    import multiprocessing
    import os
    import socket

    path = Path(spec["path"])
    size = path.stat().st_size
    ready: Any = multiprocessing.Queue()
    upload = spec["scenario"] == "large"
    peer = multiprocessing.Process(
        target=_sink if upload else _source, args=(ready,) if upload else (ready, size)
    )
    peer.start()
    try:
        connection = socket.create_connection(("127.0.0.1", ready.get(timeout=30)))
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        digest = hashlib.sha1()
        with connection, measured(result):
            if upload:
                with path.open("rb") as handle:
                    while block := handle.read(_BLOCK):
                        digest.update(block)
                        connection.sendall(block)
                        result.bytes += len(block)
                connection.shutdown(socket.SHUT_WR)
                connection.recv(1)  # the peer closes once it has read everything
            else:
                buffer = bytearray(_BLOCK)
                view = memoryview(buffer)
                fd = os.open(spec["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                try:
                    while got := connection.recv_into(buffer):
                        digest.update(view[:got])
                        os.pwrite(fd, view[:got], result.bytes)
                        result.bytes += got
                finally:
                    os.close(fd)
            digest.hexdigest()
        result.items = 1
    finally:
        peer.join(30)
        if peer.is_alive():
            peer.kill()


# ------------------------------------------------------------------------------------------
# b2async


def make_http_client(
    transport: str, concurrency: int, *, count_parts: bool = False, library: bool = True
) -> Any:
    """An httpx client on the ``httpcore`` or ``aiohttp`` transport.

    With ``library`` it is the client class B2Client makes for itself (which ignores
    ``Set-Cookie``), so the benchmark measures what users get; without it, httpx's own
    client, as a bare-protocol client would use it. With ``count_parts`` the transport is
    wrapped to record the most ``b2_upload_part`` requests in flight at once
    (``PartCounter.peak``), for the "parts in flight" goals.
    """
    from b2async._http_client import LeanAsyncClient

    limits = httpx.Limits(max_connections=max(100, concurrency), max_keepalive_connections=None)
    timeout = httpx.Timeout(connect=10.0, read=300.0, write=300.0, pool=None)
    inner: httpx.AsyncBaseTransport
    if transport == "aiohttp":
        # The transport B2Client itself picks on asyncio (large read chunks included), so the
        # benchmark measures what users get; the bare client uses the same one.
        from b2async._http_client import aiohttp_transport

        fast = aiohttp_transport()
        assert fast is not None, "the aiohttp extra is not installed"
        inner = fast
    else:
        # As B2Client's own client on this transport: TLS reads take every record received.
        from b2async._tls_reads import drain_tls_reads

        inner = httpx.AsyncHTTPTransport(limits=limits)
        if library:
            drain_tls_reads(inner)
    if count_parts:
        inner = PartCounter(inner)
    make = LeanAsyncClient if library else httpx.AsyncClient
    return make(timeout=timeout, transport=inner)


class PartCounter(httpx.AsyncBaseTransport):
    """An httpx transport wrapper counting concurrent ``b2_upload_part`` requests."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.now = 0
        self.peak = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        # Part-upload URLs contain b2_upload_part; a request is in flight while its body is
        # sent and until the answer's headers are back.
        is_part = "b2_upload_part" in request.url.path
        if is_part:
            self.now += 1
            self.peak = max(self.peak, self.now)
        try:
            return await self.inner.handle_async_request(request)
        finally:
            if is_part:
                self.now -= 1

    async def aclose(self) -> None:
        await self.inner.aclose()


async def _stream(size: int) -> AsyncIterator[bytes]:
    block = repeated_block(_BLOCK)
    left = size
    while left > 0:
        chunk = block if left >= len(block) else block[:left]
        left -= len(chunk)
        # A fresh object per chunk, as a real producer gives: yielding the same bytes object
        # again and again would let buffered parts share memory and flatter the RSS figure.
        yield bytes(memoryview(chunk))


async def run_b2async(spec: dict[str, Any], result: Measurement) -> None:
    from b2async import B2Client

    scenario = spec["scenario"]
    concurrency = int(spec.get("concurrency", 16))
    counting = scenario in ("large", "stream")
    async with (
        make_http_client(spec["transport"], concurrency, count_parts=counting) as http,
        B2Client(spec["key_id"], spec["key"], realm=spec["realm"], http_client=http) as client,
    ):
        bucket = await client.get_bucket(spec["bucket"])
        if scenario == "bulk":
            items = small_items(spec)
            with measured(result):
                outcomes = await bucket.upload_many(items, concurrency=concurrency)
            result.items = sum(1 for o in outcomes if o.error is None)
            result.errors = len(outcomes) - result.items
            result.bytes = sum(o.file_version.content_length for o in outcomes if o.file_version)
        elif scenario == "large":
            with measured(result):
                version = await bucket.upload_file(
                    Path(spec["path"]),
                    "large/file.bin",
                    part_size=spec["part_size"],
                    parts_in_flight=spec["parts_in_flight"],
                    large_file_sha1=spec["large_file_sha1"],
                )
            result.items, result.bytes = 1, version.content_length
            result.extra["large_file_sha1"] = version.large_file_sha1
        elif scenario == "stream":
            with measured(result):
                version = await bucket.upload_stream(
                    _stream(spec["size"]),
                    "stream/file.bin",
                    part_size=spec["part_size"],
                    parts_in_flight=spec["parts_in_flight"],
                )
            result.items, result.bytes = 1, version.content_length
        elif scenario == "download":
            with measured(result):
                version = await bucket.download_to_file(
                    spec["name"], Path(spec["out"]), segments=spec["segments"]
                )
            # download_to_file raises ChecksumMismatch instead of returning unverified data
            result.items, result.bytes, result.verified = 1, version.content_length, True
        elif scenario == "list":
            with measured(result):
                async for _ in bucket.list_file_versions(page_size=spec["page_size"]):
                    result.items += 1
        else:
            raise SystemExit(f"unknown scenario {scenario!r}")
        if counting:
            result.extra["max_parts_in_flight"] = http._transport.peak


# ------------------------------------------------------------------------------------------
# bare protocol client: plain httpx requests, no library


async def run_bare(spec: dict[str, Any], result: Measurement) -> None:
    import anyio

    concurrency = int(spec["concurrency"])
    items = small_items(spec)
    async with make_http_client(spec["transport"], concurrency, library=False) as http:
        auth = await http.get(
            spec["realm"].rstrip("/") + "/b2api/v3/b2_authorize_account",
            auth=(spec["key_id"], spec["key"]),
        )
        auth.raise_for_status()
        account = auth.json()
        api = account["apiInfo"]["storageApi"]
        api_url, token = api["apiUrl"], account["authorizationToken"]
        listed = await http.post(
            f"{api_url}/b2api/v3/b2_list_buckets",
            headers={"Authorization": token},
            json={"accountId": account["accountId"], "bucketName": spec["bucket"]},
        )
        listed.raise_for_status()
        bucket_id = listed.json()["buckets"][0]["bucketId"]
        queue = iter(items)

        async def uploader() -> None:
            got = await http.post(
                f"{api_url}/b2api/v3/b2_get_upload_url",
                headers={"Authorization": token},
                json={"bucketId": bucket_id},
            )
            got.raise_for_status()
            url, upload_token = got.json()["uploadUrl"], got.json()["authorizationToken"]
            for path, name in queue:
                data = path.read_bytes()
                response = await http.post(
                    url,
                    content=data,
                    headers={
                        "Authorization": upload_token,
                        "X-Bz-File-Name": name,
                        "Content-Type": "b2/x-auto",
                        "X-Bz-Content-Sha1": hashlib.sha1(data).hexdigest(),
                        "Content-Length": str(len(data)),
                    },
                )
                if response.status_code == 200:
                    result.items += 1
                    result.bytes += len(data)
                else:
                    result.errors += 1

        with measured(result):
            async with anyio.create_task_group() as tg:
                for _ in range(concurrency):
                    tg.start_soon(uploader)


# ------------------------------------------------------------------------------------------
# b2sdk, the official SDK


class _UnseekableStream(io.RawIOBase):
    """A read-only, non-seekable stream of ``size`` bytes (b2sdk's unbound-stream input)."""

    def __init__(self, size: int) -> None:
        self._block = repeated_block(_BLOCK)
        self._left = size
        self._offset = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = min(len(buffer), self._left, len(self._block) - self._offset)
        buffer[:count] = self._block[self._offset : self._offset + count]
        self._offset = (self._offset + count) % len(self._block)
        self._left -= count
        return count


def run_b2sdk(spec: dict[str, Any], result: Measurement) -> None:
    from b2sdk.v2 import B2Api, InMemoryAccountInfo

    scenario = spec["scenario"]
    workers = int(spec.get("concurrency", spec.get("parts_in_flight", 4)))
    kwargs: dict[str, Any] = {"max_upload_workers": workers}
    if scenario == "download":
        kwargs = {"max_download_workers": spec["segments"]}
        kwargs["max_download_streams_per_file"] = spec["segments"]
    api = B2Api(InMemoryAccountInfo(), **kwargs)
    api.authorize_account(
        application_key_id=spec["key_id"], application_key=spec["key"], realm=spec["realm"]
    )
    bucket = api.get_bucket_by_name(spec["bucket"])
    if scenario == "bulk":
        items = small_items(spec)

        def upload(item: tuple[Path, str]) -> int:
            version = bucket.upload_local_file(local_file=str(item[0]), file_name=item[1])
            return int(version.size)

        with measured(result), ThreadPoolExecutor(workers) as pool:
            sizes = list(pool.map(upload, items))
        result.items, result.bytes = len(sizes), sum(sizes)
    elif scenario == "large":
        with measured(result):
            version = bucket.upload_local_file(local_file=spec["path"], file_name="large/file.bin")
        result.items, result.bytes = 1, int(version.size)
    elif scenario == "stream":
        with measured(result):
            version = bucket.upload_unbound_stream(_UnseekableStream(spec["size"]), "stream/f.bin")
        result.items, result.bytes = 1, int(version.size)
    elif scenario == "download":
        out = Path(spec["out"])
        with measured(result):
            bucket.download_file_by_name(spec["name"]).save_to(str(out))
        # b2sdk checks the SHA-1 only when contentSha1 is known: not for multi-part files
        result.items, result.bytes, result.verified = 1, out.stat().st_size, None
    elif scenario == "list":
        with measured(result):
            for _ in bucket.ls(latest_only=False, recursive=True, fetch_count=spec["page_size"]):
                result.items += 1
    else:
        raise SystemExit(f"unknown scenario {scenario!r}")


# ------------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    spec: dict[str, Any] = json.loads(argv[1])
    result = Measurement()
    client = spec["client"]
    runners: dict[str, Callable[[dict[str, Any], Measurement], Any]] = {
        "floor": run_floor,
        "wire": run_wire_floor,
        "b2sdk": run_b2sdk,
    }
    if client in runners:
        runners[client](spec, result)
    else:
        import anyio

        runner = run_b2async if client == "b2async" else run_bare
        anyio.run(runner, spec, result)
    if "out" in spec:
        Path(spec["out"]).unlink(missing_ok=True)
    result.maxrss_mib = peak_rss_mib()
    print(json.dumps(result.__dict__))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
