"""Tests for the otter-grader master notebooks in ``exercises/``.

Three layers:

* structure (fast): every exercise folder holds a master notebook with an assignment config,
  at least three autograded questions with public and hidden tests, at least one manually graded
  question, points on every question, stripped outputs and a working ``data`` link;
* nbval (a few seconds): a master notebook whose solution is broken fails under
  ``pytest --nbval-lax`` at the test cell of that question, while the intact copy passes;
* otter assign (``slow``): the generated student notebook contains no solution, no hidden test and
  no model answer, and the data files are copied as real files.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
DATA = ROOT / "data"
OTTER = Path(sys.executable).with_name("otter")

EXPECTED_IDS = [
    "ex01-instruments",
    "ex02-definitions",
    "ex03-case-coding",
    "ex04-security-council",
    "ex05-seed-claims",
    "ex06-information-controls",
]


def exercise_ids() -> list[str]:
    return sorted(p.name for p in EXERCISES.iterdir() if p.is_dir() and not p.name.startswith("."))


def master_path(ex_id: str) -> Path:
    return EXERCISES / ex_id / f"{ex_id}.ipynb"


def load_nb(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell: dict) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


def raw_config(cell: dict, marker: str) -> dict | None:
    """The YAML below ``marker`` in a raw cell, or None if the cell is not such a cell."""
    if cell["cell_type"] != "raw":
        return None
    text = source(cell).strip()
    if not text.upper().startswith(marker):
        return None
    body = text[len(marker):]
    return yaml.safe_load(body) or {}


def parse_master(nb: dict) -> tuple[dict, list[dict]]:
    """Return the assignment config and a list of questions with their cells and tests."""
    config = None
    questions: list[dict] = []
    current = None
    block = None
    for index, cell in enumerate(nb["cells"]):
        cfg = raw_config(cell, "# ASSIGNMENT CONFIG")
        if cfg is not None:
            config = cfg
            continue
        qcfg = raw_config(cell, "# BEGIN QUESTION")
        if qcfg is not None:
            assert current is None, f"cell {index}: question begins inside another question"
            current = {"config": qcfg, "solutions": [], "public": [], "hidden": [], "prompt": []}
            continue
        text = source(cell).strip()
        if cell["cell_type"] == "raw":
            marker = text.upper()
            if marker.startswith("# END QUESTION"):
                assert current is not None, f"cell {index}: END QUESTION without BEGIN"
                questions.append(current)
                current = None
            elif marker.startswith("# BEGIN SOLUTION"):
                block = "solution"
            elif marker.startswith("# BEGIN TESTS"):
                block = "tests"
            elif marker.startswith("# END"):
                block = None
            continue
        if current is None:
            continue
        if block == "solution":
            current["solutions"].append((index, cell))
        elif block == "tests":
            assert cell["cell_type"] == "code", f"cell {index}: non-code cell in a tests block"
            first = text.splitlines()[0] if text else ""
            kind = "hidden" if re.match(r"#.*\bhidden\b", first, flags=re.IGNORECASE) else "public"
            current[kind].append((index, cell))
        else:
            current["prompt"].append((index, cell))
    assert current is None, "a question is not closed with # END QUESTION"
    assert config is not None, "no # ASSIGNMENT CONFIG raw cell"
    return config, questions


# --------------------------------------------------------------------------- structure


def test_all_six_exercises_exist():
    assert set(EXPECTED_IDS) <= set(exercise_ids())


@pytest.mark.parametrize("ex_id", exercise_ids())
def test_master_structure(ex_id):
    path = master_path(ex_id)
    assert path.is_file(), f"missing master notebook {path}"
    nb = load_nb(path)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    config, questions = parse_master(nb)

    assert config["name"] == ex_id
    assert config.get("init_cell") is True
    assert config.get("check_all_cell") is False
    for item in config.get("files", []):
        assert (path.parent / item).exists(), f"{item} listed in files: but missing"

    names = [q["config"]["name"] for q in questions]
    assert len(names) == len(set(names)), f"duplicate question names: {names}"
    for q in questions:
        assert re.fullmatch(r"q\d+(_\d+)?", q["config"]["name"]), q["config"]["name"]
        assert q["config"].get("points", 0) > 0, f"{q['config']['name']} has no points"
        assert q["prompt"], f"{q['config']['name']} has no prompt cell"
        assert q["solutions"], f"{q['config']['name']} has no solution"

    auto = [q for q in questions if not q["config"].get("manual")]
    manual = [q for q in questions if q["config"].get("manual")]
    assert len(auto) >= 3, "at least three autograded questions"
    assert len(manual) >= 1, "at least one manually graded question"
    for q in auto:
        name = q["config"]["name"]
        assert q["public"], f"{name} has no public test"
        assert q["hidden"], f"{name} has no hidden test"
        for _, cell in q["public"] + q["hidden"]:
            assert "assert" in source(cell), f"{name}: a test cell without assert"
        for _, cell in q["solutions"]:
            assert cell["cell_type"] == "code"
            assert "SOLUTION" in source(cell), f"{name}: solution cell without a SOLUTION marker"
        # public tests must not print the answer: every assert carries a hint message
        for _, cell in q["public"]:
            for line in source(cell).splitlines():
                if line.startswith("assert "):
                    assert re.search(r""",\s*(["']).{10,}\1\s*$""", line), (
                        f"{name}: public assert without a hint message: {line}"
                    )
    for q in manual:
        assert all(cell["cell_type"] == "markdown" for _, cell in q["solutions"])

    text = json.dumps(nb)
    assert "Estimated time" in text and "Learning outcomes" in text
    assert "## Data" in text and "## Submission" in text
    assert "does **not** mean full marks" in text or "does not mean full marks" in text


@pytest.mark.parametrize("ex_id", exercise_ids())
def test_master_is_stripped_and_data_link_works(ex_id):
    nb = load_nb(master_path(ex_id))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [] and cell.get("execution_count") is None
    link = EXERCISES / ex_id / "data"
    assert link.is_symlink(), "exercises/<id>/data should be a symlink to ../../data"
    assert link.resolve() == DATA.resolve()
    # every table the notebook reads exists
    for table in re.findall(r'data/([a-z_]+\.csv)', json.dumps(nb)):
        assert (DATA / table).is_file(), table


def test_parser_rejects_a_question_without_hidden_test():
    """The structure check can fail: a question with public tests only is caught."""
    nb = load_nb(master_path(EXPECTED_IDS[0]))
    cells = [c for c in nb["cells"] if not source(c).lstrip().startswith("# HIDDEN")]
    _, questions = parse_master({"cells": cells, "metadata": nb["metadata"]})
    auto = [q for q in questions if not q["config"].get("manual")]
    assert auto and all(not q["hidden"] for q in auto)


# --------------------------------------------------------------------------- nbval


def _code_index(nb: dict, cell_index: int) -> int:
    """nbval numbers cells by their position among code cells."""
    return sum(1 for c in nb["cells"][:cell_index] if c["cell_type"] == "code")


def _break(nb: dict, question: str, old: str, new: str) -> tuple[dict, int]:
    """Replace ``old`` by ``new`` in the solution of ``question``; return the notebook and the
    nbval number of the question's first hidden test cell."""
    nb = json.loads(json.dumps(nb))
    _, questions = parse_master(nb)
    (q,) = [q for q in questions if q["config"]["name"] == question]
    hits = [i for i, cell in q["solutions"] if old in source(cell)]
    assert hits, f"{old!r} not found in the solution of {question}"
    cell = nb["cells"][hits[0]]
    cell["source"] = source(cell).replace(old, new)
    return nb, _code_index(nb, q["hidden"][0][0])


def test_broken_solution_fails_nbval(tmp_path):
    """Wrong answers that satisfy the public tests are caught by the hidden tests under nbval."""
    shutil.copytree(DATA, tmp_path / "data")
    ex01 = load_nb(master_path("ex01-instruments"))
    ex04 = load_nb(master_path("ex04-security-council"))
    broken01, cell01 = _break(
        ex01, "q4", 'float((universal["kazakhstan_party"] == "yes").mean())', "0.5"
    )
    broken04, cell04 = _break(ex04, "q4", 'events["year"].isin(years)', 'events["year"].isin(years[:1])')
    (tmp_path / "intact01.ipynb").write_text(json.dumps(ex01), encoding="utf-8")
    (tmp_path / "broken01.ipynb").write_text(json.dumps(broken01), encoding="utf-8")
    (tmp_path / "broken04.ipynb").write_text(json.dumps(broken04), encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts =\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist",
         "--nbval-lax", "--nbval-current-env", "-rf", "-q",
         "intact01.ipynb", "broken01.ipynb", "broken04.ipynb"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    failed = set(re.findall(r"FAILED (\S+?\.ipynb::Cell \d+)", out))
    assert failed == {f"broken01.ipynb::Cell {cell01}", f"broken04.ipynb::Cell {cell04}"}, out
    assert "AssertionError" in out


# --------------------------------------------------------------------------- otter assign


def _solution_lines(nb: dict) -> list[str]:
    """Code lines that must not reach students: lines ending in # SOLUTION and block contents."""
    lines = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        inside = False
        for line in source(cell).splitlines():
            stripped = line.strip()
            if stripped.startswith("# BEGIN SOLUTION"):
                inside = True
            elif stripped.startswith("# END SOLUTION"):
                inside = False
            elif inside or stripped.endswith("# SOLUTION"):
                body = stripped.removesuffix("# SOLUTION").strip()
                if "=" in body and not body.startswith(("def ", "return")):
                    body = body.split("=", 1)[1].strip()
                if len(body) > 12:
                    lines.append(body)
    return lines


@pytest.mark.slow
@pytest.mark.parametrize("ex_id", exercise_ids())
def test_otter_assign_student_notebook_has_no_solutions(ex_id, tmp_path):
    master = master_path(ex_id)
    out = tmp_path / "dist"
    proc = subprocess.run(
        [str(OTTER), "assign", str(master), str(out)],
        cwd=master.parent, capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    student = out / "student" / f"{ex_id}.ipynb"
    assert student.is_file()
    text = student.read_text(encoding="utf-8")
    assert "# BEGIN SOLUTION" not in text and "# END SOLUTION" not in text
    assert "# SOLUTION" not in text
    assert "# HIDDEN" not in text
    assert "Model answer" not in text and "Marking guide" not in text
    nb = json.loads(text)
    for test in nb["metadata"]["otter"]["tests"].values():
        for suite in test["suites"]:
            assert all(not case["hidden"] for case in suite["cases"])
    code = "\n".join(source(c) for c in nb["cells"] if c["cell_type"] == "code")
    for line in _solution_lines(load_nb(master)):
        assert line not in code, f"solution line leaked: {line}"
    # the hidden tests exist in the autograder copy
    autograder = json.loads((out / "autograder" / f"{ex_id}.ipynb").read_text(encoding="utf-8"))
    assert any(
        case["hidden"]
        for test in autograder["metadata"]["otter"]["tests"].values()
        for suite in test["suites"]
        for case in suite["cases"]
    )
    # data are copied as real files (otter follows the exercises/<id>/data symlink)
    for side in ("student", "autograder"):
        data = out / side / "data"
        assert data.is_dir() and not data.is_symlink()
        for table in re.findall(r'data/([a-z_]+\.csv)', text):
            assert (data / table).is_file() and not (data / table).is_symlink()
    assert list((out / "autograder").glob("*-autograder_*.zip")), "no autograder zip"
    # the unanswered student notebook runs top to bottom: grader.check reports, never raises
    (out / "student" / "pytest.ini").write_text("[pytest]\naddopts =\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist",
         "--nbval-lax", "--nbval-current-env", "-q", student.name],
        cwd=student.parent, capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("ex_id", exercise_ids())
def test_autograder_environment_lists_what_the_notebook_imports(ex_id):
    """Gradescope installs otter (with pandas) and the config's requirements, nothing else."""
    nb = load_nb(master_path(ex_id))
    config, _ = parse_master(nb)
    code = "\n".join(source(c) for c in nb["cells"] if c["cell_type"] == "code")
    imported = set(re.findall(r"^\s*(?:import|from)\s+([A-Za-z_]\w*)", code, re.M))
    provided = {"pandas", "numpy", "otter"} | set(sys.stdlib_module_names)
    required = {str(r).split("=")[0].split("<")[0].split(">")[0].strip() for r in config.get("requirements") or []}
    missing = sorted(imported - provided - required)
    assert not missing, f"{ex_id}: add {missing} to requirements: in the ASSIGNMENT CONFIG"


def _master_points(ex_id: str) -> tuple[list[str], float, list[str], float]:
    """(autograded question names, their points, hand-graded names, their points) from the master's
    ``# BEGIN QUESTION`` cells, as ``otter assign`` reads them."""
    nb = json.loads(master_path(ex_id).read_text(encoding="utf-8"))
    auto, manual = {}, {}
    for cell in nb["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "raw" and source.startswith("# BEGIN QUESTION"):
            config = yaml.safe_load(source.split("\n", 1)[1])
            points = config.get("points", 0)
            points = sum(points) if isinstance(points, list) else float(points)
            (manual if config.get("manual") else auto)[config["name"]] = points
    return list(auto), sum(auto.values()), list(manual), sum(manual.values())


def _num(x: float) -> str:
    return f"{x:g}"


def _span(names: list[str]) -> str:
    return f"{names[0]}-{names[-1]}" if len(names) > 1 else names[0]


@pytest.mark.parametrize("ex_id", EXPECTED_IDS)
def test_readme_and_guide_give_the_masters_points(ex_id):
    """exercises/README.md (questions and points) and the instructor's guide (points) follow the masters."""
    auto, auto_pts, manual, manual_pts = _master_points(ex_id)
    readme = (EXERCISES / "README.md").read_text(encoding="utf-8")
    row = re.search(rf"^\| `{ex_id}`.*$", readme, re.M)
    assert row, f"exercises/README.md has no row for {ex_id}"
    want = f"| {_span(auto)}, {_num(auto_pts)} pts | {_span(manual)}, {_num(manual_pts)} pts |"
    assert want in row.group(0), f"exercises/README.md, {ex_id}: expected '{want}' in\n{row.group(0)}"
    guide = (ROOT / "appendix" / "instructor-guide.md").read_text(encoding="utf-8")
    stated = re.findall(rf"`{ex_id}` \(\d+ min; (\d+(?:\.\d+)?) \+ (\d+(?:\.\d+)?)\)", guide)
    assert stated, f"the guide's planning table gives no points for {ex_id}"
    for a, m in stated:
        assert (float(a), float(m)) == (auto_pts, manual_pts), \
            f"guide: {ex_id} ({a} + {m}), the master gives {_num(auto_pts)} + {_num(manual_pts)}"
