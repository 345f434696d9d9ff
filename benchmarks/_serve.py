"""The benchmark's emulator process: ``python benchmarks/_serve.py CREDS MIN REC VERSIONS [PEM]``.

Like ``python -m b2async.testing --port 0 --creds CREDS --min-part-size MIN
--recommended-part-size REC``, plus one thing the command line has no option for: the listing
scenario's bucket, ``bench-list``, is filled with ``VERSIONS`` file versions directly in the
emulator's state (``B2Emulator.put_file``) before serving, because uploading 100,000 versions
over HTTP would take minutes of setup. Ten versions per name, as a versioned bucket has. Their
listing JSON is encoded up front too, as the first listing would (and later ones reuse).
With ``PEM`` (a certificate and its key) it serves HTTPS. Runs until SIGTERM / SIGINT.
"""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

from b2async.testing import B2Emulator
from b2async.testing.__main__ import write_creds
from b2async.testing._render import version_bytes
from b2async.testing._serve import EmulatorServer


def main(argv: list[str]) -> int:
    creds, min_part, recommended, versions = Path(argv[1]), *map(int, argv[2:5])
    certificate = argv[5] if len(argv) > 5 else None
    emulator = B2Emulator(min_part_size=min_part, recommended_part_size=recommended)
    emulator.create_bucket("bench-list")
    names = max(1, versions // 10)
    everything = frozenset(emulator.state.master.capabilities)
    for index in range(versions):
        version = emulator.put_file("bench-list", f"v/{index % names:07d}", b"")
        # Encode each version once now, so no client's run pays the first listing's encoding
        # (the emulator caches every version's JSON for the listings after it).
        version_bytes(version, everything)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda signum, frame: stop.set())
    server = EmulatorServer(emulator, "127.0.0.1", 0, ssl_certfile=certificate)
    try:
        realm = server.start()
        write_creds(creds, realm, emulator.key_id, emulator.key)
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
