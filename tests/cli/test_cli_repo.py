"""Repository invariants: the README's commands are the ones CI and the docs run."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", readme, flags=re.DOTALL)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def _last_step(command: str) -> str:
    """The command after the last ``&&``, run with the venv's python (prefix dropped)."""
    step = command.split("&&")[-1].strip()
    return re.sub(r"^\.venv/bin/", "", step)


def test_readme_has_the_two_fresh_machine_commands() -> None:
    commands = _readme_commands()
    main_job = [c for c in commands if c.endswith("-m b2async demo")]
    tests = [c for c in commands if "pytest" in c]
    assert main_job == [
        "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/python -m b2async demo"
    ]
    assert len(tests) == 1
    assert tests[0].startswith("python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && ")


def test_ci_runs_exactly_the_readme_test_command() -> None:
    (test_command,) = [_last_step(c) for c in _readme_commands() if "pytest" in c]
    ci_lines = [
        line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    ]
    assert test_command == "python -m pytest -q"
    assert test_command in ci_lines
    assert (
        "python -m pip install --quiet -e '.[test]'"
        in ci_lines[ci_lines.index("section \"install: pip install -e '.[test]'\"") + 1]
    )
    for check in ("ruff check .", "ruff format --check .", "mypy --strict b2async"):
        assert any(line.startswith(check) for line in ci_lines), check


def test_ci_script_is_strict_and_treats_no_tests_as_failure() -> None:
    text = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "set -euo pipefail" in text
    # pytest's "no tests collected" (exit 5) must fail CI: any non-zero status fails.
    assert 'if [ "${status}" -ne 0 ]' in text
    assert "python -m b2async demo --quick" in text


def test_docs_nav_pages_exist() -> None:
    mkdocs = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    pages = re.findall(r":\s+([\w\-/]+\.md)\s*$", mkdocs, flags=re.MULTILINE)
    assert "architecture.md" in pages
    missing = [page for page in pages if not (ROOT / "docs" / page).is_file()]
    assert missing == []


def test_api_reference_lists_every_public_name() -> None:
    import b2async

    api = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^::: b2async\.(\w+)$", api, flags=re.MULTILINE))
    public = set(b2async.__all__) - {"__version__"}
    assert sorted(public - documented) == []
    assert sorted(documented - public) == []
