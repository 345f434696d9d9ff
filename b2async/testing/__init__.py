"""b2async.testing: an in-memory B2 native-API emulator for offline tests."""

from __future__ import annotations
