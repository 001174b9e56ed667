"""The package's parts and the rule between them (ARCHITECTURE.md, import-linter contracts in pyproject.toml).

`make lint` passes on the tree as it is, and fails, naming the contract, when a copy of the source
tree gains an import the rule forbids or a circle.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PARTS = ("data", "analysis", "explorers", "book", "grading")


def _lint(src: Path) -> subprocess.CompletedProcess:
    # the real target, with the contracts pointed at another copy of the source tree
    return subprocess.run(["make", "-s", "lint", f"IMPORTS_SRC={src}"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def _copy(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "ctmodule", src / "ctmodule",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    return src


def _append(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\n\ndef _forbidden():\n    {line}\n", encoding="utf-8")


def test_every_part_is_a_package_with_a_docstring():
    pkg = ROOT / "src" / "ctmodule"
    for part in PARTS:
        init = pkg / part / "__init__.py"
        assert init.is_file(), f"{part}/ is not a package"
        assert init.read_text(encoding="utf-8").lstrip().startswith('"""'), f"{part}/__init__.py has no docstring"
    # nothing of the old flat layout is left beside the parts: only the entry points and the two
    # foundations every part may use (where things are; the code's messages in each language)
    loose = sorted(p.name for p in pkg.glob("*.py"))
    assert loose == ["__init__.py", "__main__.py", "cli.py", "l10n.py", "paths.py"], loose


@pytest.mark.slow
def test_lint_passes_on_the_tree_as_it_is(tmp_path):
    res = _lint(_copy(tmp_path))
    assert res.returncode == 0, res.stdout + res.stderr
    assert "0 broken" in res.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("data/dates.py", "from ctmodule.analysis import cases", "data imports no other part"),
        ("analysis/definitions.py", "from ctmodule.book import quiz", "analysis imports data only"),
        ("explorers/base.py", "from ctmodule.grading import common", "explorers import analysis and data only"),
        ("book/quiz.py", "from ctmodule.grading import grade", "book imports nothing from grading"),
        ("grading/marks.py", "from ctmodule.analysis import claims", "grading imports nothing from analysis"),
        ("grading/feedback.py", "from ctmodule.grading import grade", "grading in layers"),
        ("analysis/cases.py", "from ctmodule import cli", "analysis imports data only"),
        ("l10n.py", "from ctmodule.data import load", "l10n (the code's messages in every language)"),
        # a circle between two siblings, allowed by every other rule
        ("analysis/plotting.py", "from ctmodule.analysis import cases", "no circles anywhere"),
    ],
)
def test_lint_fails_on_a_forbidden_import(tmp_path, module, line, contract):
    src = _copy(tmp_path)
    _append(src / "ctmodule" / module, line)
    res = _lint(src)
    out = res.stdout + res.stderr
    assert res.returncode != 0, out
    assert f"{contract}" in out and "BROKEN" in out, out


def test_nothing_imports_cli_but_the_entry_point():
    for path in (ROOT / "src" / "ctmodule").rglob("*.py"):
        if path.name in {"cli.py", "__main__.py"}:
            continue
        text = path.read_text(encoding="utf-8")
        assert "ctmodule.cli" not in text and "from ctmodule import cli" not in text, path


def test_cli_lists_the_same_commands():
    out = subprocess.run([sys.executable, "-m", "ctmodule", "--help"], capture_output=True, text=True,
                         check=True).stdout
    for command in ("validate", "release", "grade", "export-written", "merge-marks"):
        assert command in out


def test_architecture_page_answers_where_the_similarity_is_computed():
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    assert "ctmodule/analysis/definitions.py" in text and "similarity" in text
    for name in ("README.md", "CONTRIBUTING.md"):
        assert "ARCHITECTURE.md" in (ROOT / name).read_text(encoding="utf-8"), name
