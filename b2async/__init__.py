"""b2async: an async client for the Backblaze B2 native API."""

from __future__ import annotations

__version__ = "0.1.0.dev0"

__all__ = ["__version__"]
