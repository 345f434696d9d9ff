"""b2async.testing: an in-memory B2 native-API emulator for offline tests.

``B2Emulator`` emulates one B2 account in memory; point any B2 client at it through
``emulator.http_client()`` (in-process) or ``serve(emulator)`` / ``emulator.serve()``
(a loopback HTTP server; needs uvicorn).  ``FaultPlan``/``Fault`` inject errors, dropped
connections and stalls.
"""

from __future__ import annotations

from b2async.testing._emulator import B2Emulator
from b2async.testing._faults import Fault, FaultPlan
from b2async.testing._serve import serve, serve_in_thread

__all__ = ["B2Emulator", "Fault", "FaultPlan", "serve", "serve_in_thread"]
