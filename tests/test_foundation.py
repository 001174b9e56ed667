"""The foundation: the command line, the set-up commands, stripped notebooks, and
that a broken notebook fails both `make book` and the nbval run with a message
naming the notebook and the cell."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, cwd=kw.pop("cwd", ROOT), **kw)


def test_cli_version_and_help():
    import ctmodule

    out = run([str(BIN / "ctmodule"), "--version"])
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"ctmodule {ctmodule.__version__}"
    out = run([str(BIN / "ctmodule"), "--help"])
    assert out.returncode == 0, out.stderr
    assert "usage: ctmodule" in out.stdout
    # python -m works too, and no subcommand prints help rather than failing
    out = run([sys.executable, "-m", "ctmodule"])
    assert out.returncode == 0 and "usage: ctmodule" in out.stdout


def test_unknown_subcommand_is_an_error():
    out = run([str(BIN / "ctmodule"), "no-such-command"])
    assert out.returncode == 2
    assert "invalid choice" in out.stderr


def test_readme_names_the_two_setup_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make book" in readme and "make test" in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
    assert os.access(ROOT / ".ci" / "run", os.X_OK)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("book:", "test:", "lab:", "clean:"):
        assert f"\n{target}" in makefile, target


def _committed_notebooks() -> dict[str, str]:
    """Notebooks as git would commit them (the index), or as on disk outside git."""
    if shutil.which("git") and (ROOT / ".git").exists():
        files = run(["git", "ls-files", "-z", "--", "*.ipynb"]).stdout.split("\0")
        out = {}
        for name in filter(None, files):
            blob = run(["git", "show", f":{name}"])
            if blob.returncode == 0:
                out[name] = blob.stdout
        return out
    return {
        str(p.relative_to(ROOT)): p.read_text(encoding="utf-8")
        for p in ROOT.glob("**/*.ipynb")
        if not {"_build", ".venv", ".ipynb_checkpoints", "node_modules"} & set(p.parts)
    }


def notebook_output_problems(name: str, text: str) -> list[str]:
    problems = []
    nb = json.loads(text)
    for i, cell in enumerate(nb.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs"):
            problems.append(f"{name}: cell {i} has outputs")
        if cell.get("execution_count") is not None:
            problems.append(f"{name}: cell {i} has an execution count")
    return problems


def test_output_check_catches_outputs():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("1 + 1")
    cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "2"}, execution_count=1)]
    cell.execution_count = 1
    nb.cells = [cell]
    problems = notebook_output_problems("x.ipynb", nbformat.writes(nb))
    assert problems == ["x.ipynb: cell 1 has outputs", "x.ipynb: cell 1 has an execution count"]


def test_committed_notebooks_carry_no_outputs():
    problems = []
    for name, text in _committed_notebooks().items():
        problems += notebook_output_problems(name, text)
    assert not problems, "strip outputs with nbstripout before committing:\n" + "\n".join(problems)


def _broken_book(tmp_path: Path) -> Path:
    book = tmp_path / "book"
    book.mkdir()
    for name in ("_config.yml", "references.bib"):
        shutil.copy(ROOT / name, book / name)
    (book / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: broken\n")
    (book / "intro.md").write_text("# Intro\n\nA book with one broken notebook.\n")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Broken"),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("raise ValueError('deliberately broken cell')"),
    ]
    nbformat.write(nb, book / "broken.ipynb")
    return book


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_broken_notebook_fails_make_book_naming_notebook_and_cell(tmp_path):
    book = _broken_book(tmp_path)
    out = run(["make", "--no-print-directory", "book", f"BOOK={book}"])
    log = out.stdout + out.stderr
    assert out.returncode != 0, "make book passed on a notebook that raises"
    assert "broken.ipynb" in log
    assert "raise ValueError('deliberately broken cell')" in log  # the failing cell's source
    assert "CellExecutionError" in log


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_broken_notebook_fails_nbval_naming_notebook_and_cell():
    # inside the repository (under the ignored _build/), as chapters are, so that pytest
    # names the notebook by its path
    (ROOT / "_build").mkdir(exist_ok=True)
    where = Path(tempfile.mkdtemp(prefix="test-broken-", dir=ROOT / "_build"))
    try:
        book = _broken_book(where)
        rel = (book / "broken.ipynb").relative_to(ROOT)
        out = run(["make", "--no-print-directory", "nbval", f"NB_PATHS={rel}"])
    finally:
        shutil.rmtree(where, ignore_errors=True)
    log = out.stdout + out.stderr
    assert out.returncode != 0, "nbval passed on a notebook that raises"
    assert f"FAILED {rel}::Cell 1" in log  # nbval counts code cells from 0: the second one
    assert "raise ValueError('deliberately broken cell')" in log
