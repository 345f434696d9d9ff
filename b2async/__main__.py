"""``python -m b2async``: the command line (see :mod:`b2async._cli`)."""

from __future__ import annotations

import sys

from b2async._cli import main

if __name__ == "__main__":
    sys.exit(main())
