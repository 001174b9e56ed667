"""``ctmodule release``: layout, no solutions and no hidden tests in the student folder."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from ctmodule.cli import main as cli
from ctmodule.grading import release

FIXTURES = Path(__file__).parent / "fixtures" / "exercises"
EX = "fixture-ex"
# text that exists only in the fixture's solutions and hidden tests
SECRETS = [
    "SOLUTION-MARKER-Q4",
    "value_counts",
    'pd.read_csv("data/fixture-events.csv")',
    "df[\"year\"].max()",
    "does not match the number of rows",
    "some category counts are wrong",
    "not the number of years covered",
    "BEGIN SOLUTION",
    "# HIDDEN",
]


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("rel") / "release"
    assert cli(["release", "--out", str(out), "--exercise-root", str(FIXTURES), "--no-run-tests"]) == 0
    return out


def _all_text(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_bytes().decode("utf-8", "replace")
            for p in folder.rglob("*") if p.is_file()}


def test_layout(out):
    ex = out / EX
    assert (ex / "student" / f"{EX}.ipynb").is_file()
    assert (ex / "student" / "data" / "fixture-events.csv").is_file()
    assert (ex / "autograder" / f"{EX}-autograder.zip").is_file()
    assert (ex / "autograder" / f"{EX}-solution.ipynb").is_file()
    meta = json.loads((ex / "autograder" / "grading.json").read_text())
    assert [(q["name"], q["points"], q["manual"]) for q in meta["questions"]] == [
        ("q1", 2, False), ("q2", 3, False), ("q3", 1, False), ("q4", 2, True)]
    assert sorted(p.name for p in out.iterdir()) == [EX]  # no staging debris


def test_student_folder_holds_no_solution_and_no_hidden_test(out):
    texts = _all_text(out / EX / "student")
    assert texts, "empty student folder"
    for secret in SECRETS:
        for name, text in texts.items():
            assert secret not in text, f"{secret!r} leaked into student/{name}"
    # the public tests are there, so students can check their work
    assert "n_events should be an int" in texts["tests/q1.py"]


def test_autograder_has_the_hidden_tests_and_the_solution_has_the_answers(out):
    with zipfile.ZipFile(out / EX / "autograder" / f"{EX}-autograder.zip") as zf:
        names = zf.namelist()
        q1 = zf.read("tests/q1.py").decode()
    assert "files/data/fixture-events.csv" in names
    assert "does not match the number of rows" in q1
    assert "SOLUTION-MARKER-Q4" in (out / EX / "autograder" / f"{EX}-solution.ipynb").read_text()


def test_refuses_a_non_empty_folder_unless_forced(out, capsys):
    assert cli(["release", "--out", str(out), "--exercise-root", str(FIXTURES), "--no-run-tests"]) == 2
    err = capsys.readouterr().err
    assert "not empty" in err and "--force" in err


def test_force_replaces_the_exercise(tmp_path):
    dest = tmp_path / "rel"
    (dest / EX / "student").mkdir(parents=True)
    (dest / EX / "student" / "stale.txt").write_text("old")
    (dest / "notes.txt").write_text("keep me")
    release.release([EX], dest, root=FIXTURES, force=True, run_tests=False, log=lambda m: None)
    assert not (dest / EX / "student" / "stale.txt").exists()
    assert (dest / "notes.txt").read_text() == "keep me"
    assert (dest / EX / "student" / f"{EX}.ipynb").is_file()


def test_unknown_exercise_is_named(tmp_path, capsys):
    assert cli(["release", "nope", "--out", str(tmp_path / "o"), "--exercise-root", str(FIXTURES)]) == 2
    err = capsys.readouterr().err
    assert "nope" in err and EX in err


def test_a_badly_marked_master_is_refused_not_leaked(tmp_path):
    """A solution outside raw BEGIN/END SOLUTION cells would reach students: release must fail."""
    root = tmp_path / "exercises"
    shutil.copytree(FIXTURES / EX, root / EX)
    nb_path = root / EX / f"{EX}.ipynb"
    nb = json.loads(nb_path.read_text())
    # drop the raw cells that wrap q2's solution (the cell after "Question 2")
    q2 = next(i for i, c in enumerate(nb["cells"]) if "Question 2" in "".join(c["source"]))
    assert "".join(nb["cells"][q2 + 1]["source"]).startswith("# BEGIN SOLUTION")
    assert "".join(nb["cells"][q2 + 3]["source"]).startswith("# END SOLUTION")
    del nb["cells"][q2 + 3]
    del nb["cells"][q2 + 1]
    nb_path.write_text(json.dumps(nb))
    with pytest.raises(release.ReleaseError, match="value_counts"):
        release.release([EX], tmp_path / "out", root=root, run_tests=False, log=lambda m: None)
    assert not (tmp_path / "out" / EX).exists()


def test_parse_master_finds_solutions_and_hidden_tests():
    meta = release.parse_master(FIXTURES / EX / f"{EX}.ipynb")
    assert meta["name"] == EX
    assert any("value_counts" in s for s in meta["solutions"])
    assert any("SOLUTION-MARKER-Q4" in s for s in meta["solutions"])
    assert len(meta["hidden_tests"]) == 3


REAL = release.list_exercises(Path(__file__).parent.parent / "exercises")


@pytest.mark.slow
@pytest.mark.parametrize("ex_id", REAL or ["(none yet)"])
def test_real_exercises_release_and_grade(ex_id, tmp_path):
    """Every exercise releases without leaks; graded, its solution gets full marks and the blank notebook 0."""
    import csv

    if not REAL:
        pytest.skip("no exercises in exercises/ yet")
    root = Path(__file__).parent.parent / "exercises"
    rel = tmp_path / "release"
    release.release([ex_id], rel, root=root, run_tests=False, log=lambda m: None)
    master = release.parse_master(root / ex_id / f"{ex_id}.ipynb")
    assert release.find_leaks(master, rel / ex_id / "student") == []
    assert master["hidden_tests"], f"{ex_id} has no hidden test"
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copyfile(rel / ex_id / "autograder" / f"{ex_id}-solution.ipynb", subs / "solution.ipynb")
    shutil.copyfile(rel / ex_id / "student" / f"{ex_id}.ipynb", subs / "blank.ipynb")
    out = tmp_path / "grades.csv"
    assert cli(["grade", ex_id, str(subs), "--out", str(out), "--release", str(rel), "--jobs", "2",
                "--timeout", "180"]) == 0
    rows = {r["submission"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert rows["solution.ipynb"]["status"] == "ok", rows["solution.ipynb"]["error"]
    assert rows["solution.ipynb"]["score"] == rows["solution.ipynb"]["max_score"]
    assert (rows["blank.ipynb"]["status"], rows["blank.ipynb"]["score"]) == ("ok", "0")
