"""The ``b2async`` command line (``python -m b2async ...``), thin over the public API.

Commands:
    demo: upload a tree of files concurrently, then download and verify every one — against
        the embedded emulator by default, or a real bucket with ``--bucket``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["main", "parse_size"]

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]i?)?b?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1000, "m": 1000**2, "g": 1000**3, "ki": 1024, "mi": 1024**2, "gi": 1024**3}


def parse_size(text: str) -> int:
    """A byte count from ``"16KiB"``, ``"24MB"``, ``"5m"`` or ``"5000000"``.

    Raises:
        argparse.ArgumentTypeError: the text is not a size.
    """
    match = _SIZE.match(text)
    if match is None:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (try 16KiB, 24MB, 5000000)")
    number, unit = match.groups()
    return int(float(number) * _UNITS[(unit or "").lower()])


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="b2async", description="b2async: async Backblaze B2 client (asyncio and trio)."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo",
        help="upload a tree of files concurrently, download and verify every one",
        description=(
            "Generate a tree of files (many small ones and a few multi-part ones), upload them "
            "concurrently, then download every one and verify it by SHA-1. Runs against the "
            "embedded emulator unless --bucket is given, in which case it uses real B2 with "
            "B2_APPLICATION_KEY_ID / B2_APPLICATION_KEY from the environment."
        ),
    )
    demo.add_argument("--files", type=int, help="small files to generate (default 300; quick 60)")
    demo.add_argument(
        "--size", type=parse_size, help="largest small file, e.g. 64KiB (default 64KiB)"
    )
    demo.add_argument("--large-files", type=int, help="multi-part files to generate (default 2)")
    demo.add_argument(
        "--large-size", type=parse_size, help="size of each multi-part file (default 24MB)"
    )
    demo.add_argument(
        "--concurrency", type=_positive, default=32, help="transfers in flight (default 32)"
    )
    demo.add_argument("--quick", action="store_true", help="a smaller, faster run")
    demo.add_argument("--bucket", help="use this real B2 bucket instead of the emulator")
    demo.add_argument("--keep", action="store_true", help="with --bucket: keep the uploaded files")
    demo.add_argument("--backend", choices=("asyncio", "trio"), default="asyncio")
    demo.add_argument("--json", action="store_true", help="print the summary as JSON")
    return parser


def _demo_command(args: argparse.Namespace) -> int:
    import anyio

    from b2async._cli._demo import DemoOptions, run_demo
    from b2async._cli._report import render_summary
    from b2async._errors import B2Error

    overrides: dict[str, Any] = {"concurrency": args.concurrency, "bucket": args.bucket}
    for option, attribute in (
        ("files", "files"),
        ("size", "size"),
        ("large_files", "large_files"),
        ("large_size", "large_size"),
    ):
        value = getattr(args, option)
        if value is not None:
            overrides[attribute] = value
    if args.keep:
        overrides["keep"] = True
    options = DemoOptions.quick(**overrides) if args.quick else DemoOptions(**overrides)
    if options.files < 0 or options.large_files < 0 or options.files + options.large_files == 0:
        print("b2async demo: nothing to do: need at least one file", file=sys.stderr)
        return 2
    if options.bucket is not None and not (
        os.environ.get("B2_APPLICATION_KEY_ID") and os.environ.get("B2_APPLICATION_KEY")
    ):
        print(
            "b2async demo: --bucket needs B2_APPLICATION_KEY_ID and B2_APPLICATION_KEY "
            "in the environment",
            file=sys.stderr,
        )
        return 2
    try:
        summary = anyio.run(run_demo, options, backend=args.backend)
    except B2Error as exc:
        print(f"b2async demo: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(summary.as_dict(), indent=2, sort_keys=True))
    else:
        print(render_summary(summary, options))
    return 0 if summary.ok else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m b2async`` and the ``b2async`` console script."""
    args = _parser().parse_args(argv)
    if args.command == "demo":
        return _demo_command(args)
    raise AssertionError(f"unknown command {args.command!r}")  # pragma: no cover
