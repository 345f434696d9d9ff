"""nox sessions: ``nox -s tests lint typecheck docs bench soak demo``.

Every session installs the project into its own venv (the ``venv`` backend), so each one
proves that a fresh install is enough. ``nox -s bench -- --quick`` passes ``--quick`` through.
"""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "venv"
nox.options.sessions = ["lint", "typecheck", "tests", "docs"]
nox.options.reuse_existing_virtualenvs = True


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (asyncio and trio) — the same command as the README's."""
    session.install("-e", ".[test]")
    session.run("python", "-m", "pytest", "-q", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """``ruff check`` and ``ruff format --check`` over the whole tree."""
    session.install("ruff>=0.5")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """``mypy --strict b2async`` (configuration in pyproject.toml)."""
    session.install("-e", ".[test]")
    session.run("mypy", "--strict", "b2async")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation with ``mkdocs build --strict`` (warnings are errors)."""
    session.install("-e", ".[docs]")
    session.run("mkdocs", "build", "--strict", *session.posargs, env={"NO_MKDOCS_2_WARNING": "1"})


@nox.session
def bench(session: nox.Session) -> None:
    """Side-by-side benchmarks against b2sdk; ``nox -s bench -- --quick`` for a smoke run."""
    session.install("-e", ".[bench]")
    session.run("python", "benchmarks/run.py", *session.posargs)


@nox.session
def soak(session: nox.Session) -> None:
    """The randomized fault soak over a real socket, 20 seeds per backend (a few minutes);
    ``nox -s soak -- 100`` for another number of seeds. The default suite runs one."""
    session.install("-e", ".[test]")
    seeds = session.posargs[0] if session.posargs else "20"
    session.run(
        "python", "-m", "pytest", "-q", "tests/transfer/test_soak.py",
        env={"B2ASYNC_SOAK_SEEDS": seeds},
    )  # fmt: skip


@nox.session
def demo(session: nox.Session) -> None:
    """The main job: ``python -m b2async demo`` against the embedded emulator."""
    session.install("-e", ".")
    session.run("python", "-m", "b2async", "demo", *session.posargs)
