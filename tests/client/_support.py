"""Helpers shared by the client tests."""

from __future__ import annotations

import hashlib
import itertools
import socket
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from b2async._bucket import Bucket
    from b2async._models import FileVersion

_names = itertools.count()


def unique_bucket_name(stem: str = "bucket") -> str:
    """A valid bucket name not used before in this test run."""
    return f"{stem}-{next(_names):06d}"


async def put_file(bucket: Bucket, file_name: str, data: bytes) -> FileVersion:
    """Upload a small file through the raw layer (independent of the transfer engine)."""
    (version,) = await put_files(bucket, [(file_name, data)])
    return version


async def put_files(bucket: Bucket, files: list[tuple[str, bytes]]) -> list[FileVersion]:
    """Upload small files one after another, in order (so later uploads are newer)."""
    versions = []
    for file_name, data in files:
        version = await bucket.upload_bytes(data, file_name)
        assert version.file_name == file_name
        assert version.content_sha1 == hashlib.sha1(data).hexdigest()
        versions.append(version)
    return versions


@contextmanager
def loopback_server(on_connection: Callable[[socket.socket], None]) -> Iterator[str]:
    """A TCP server on 127.0.0.1 that hands each connection to ``on_connection`` (in its own
    thread); yields ``"http://127.0.0.1:<port>"``. Connections still open are closed at the
    end, so ``on_connection`` may also keep one open (a peer that stops reading)."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except (TimeoutError, OSError):
                continue
            accepted.append(connection)
            on_connection(connection)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(5)
        for connection in accepted:
            connection.close()
        server.close()
