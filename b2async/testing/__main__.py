"""Command line: run a B2 emulator over HTTP until interrupted.

Usage::

    python -m b2async.testing --port 8000 [--host 127.0.0.1] [--creds FILE]
        [--min-part-size N] [--recommended-part-size N] [--seed N]

Prints the realm URL, the master application key ID and the key. With ``--creds`` the same
three values are also written as JSON (``{"realm", "applicationKeyId", "applicationKey"}``) once
the port is bound, atomically (temporary file + rename), so a script can wait for the file and
then connect. ``--port 0`` picks a free port. SIGINT and SIGTERM stop the server cleanly (exit
status 0).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import FrameType


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m b2async.testing",
        description="Serve an in-memory Backblaze B2 (native API) emulator over HTTP.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to bind; 0 = any free port")
    parser.add_argument(
        "--creds",
        type=Path,
        help='write {"realm", "applicationKeyId", "applicationKey"} as JSON to this file',
    )
    parser.add_argument(
        "--min-part-size",
        type=int,
        default=5_000_000,
        help="absoluteMinimumPartSize reported by authorize (5000000)",
    )
    parser.add_argument(
        "--recommended-part-size",
        type=int,
        default=100_000_000,
        help="recommendedPartSize reported by authorize (100000000)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for IDs, keys and faults (0)")
    parser.add_argument("--ssl-certfile", type=Path, help="serve HTTPS with this certificate (PEM)")
    parser.add_argument(
        "--ssl-keyfile", type=Path, help="the certificate's private key (PEM), if separate"
    )
    return parser


def write_creds(path: Path, realm: str, key_id: str, key: str) -> None:
    """Write the credentials file atomically (a reader never sees a partial file)."""
    payload = json.dumps({"realm": realm, "applicationKeyId": key_id, "applicationKey": key})
    directory = path.parent if str(path.parent) else Path()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(payload + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    """Run the emulator server; returns the process exit status."""
    args = _parser().parse_args(argv)
    if not 0 <= args.port <= 65535:
        _parser().error("--port must be between 0 and 65535")
    if args.min_part_size < 1 or args.recommended_part_size < args.min_part_size:
        _parser().error("need 1 <= --min-part-size <= --recommended-part-size")
    if args.ssl_keyfile is not None and args.ssl_certfile is None:
        _parser().error("--ssl-keyfile needs --ssl-certfile")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    from b2async.testing._emulator import B2Emulator
    from b2async.testing._serve import EmulatorServer

    emulator = B2Emulator(
        min_part_size=args.min_part_size,
        recommended_part_size=args.recommended_part_size,
        seed=args.seed,
    )
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    server = EmulatorServer(
        emulator,
        args.host,
        args.port,
        ssl_certfile=args.ssl_certfile,
        ssl_keyfile=args.ssl_keyfile,
    )
    try:
        try:
            realm = server.start()
        except OSError as exc:
            print(f"error: cannot bind {args.host}:{args.port}: {exc}", file=sys.stderr)
            return 1
        if args.creds is not None:
            write_creds(args.creds, realm, emulator.key_id, emulator.key)
        print(f"realm: {realm}", flush=True)
        print(f"applicationKeyId: {emulator.key_id}", flush=True)
        print(f"applicationKey: {emulator.key}", flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


if __name__ == "__main__":
    sys.exit(main())
