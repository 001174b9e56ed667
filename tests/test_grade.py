"""Batch grading: every kind of bad submission gets one row and the batch finishes.

The robustness cases are real notebook files graded in one ``ctmodule grade`` run
(``--jobs 2``, 10 s timeout) against the fixture exercise in tests/fixtures/exercises.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import json
import os
import socket
import threading
import uuid
import zipfile
from pathlib import Path

import pytest

from ctmodule.cli import main as cli
from ctmodule.grading import common, grade, release, sandbox

FIXTURES = Path(__file__).parent / "fixtures" / "exercises"
EX = "fixture-ex"

CORRECT = {
    "q1": 'events = pd.read_csv("data/fixture-events.csv")\nn_events = int(len(events))',
    "q2": 'per_category = events["category"].value_counts().to_dict()',
    "q3": 'def span(df):\n    return int(df["year"].max() - df["year"].min())',
    "q4": "The table gives no source for any row, so its reliability cannot be judged.",
}


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    """The fixture exercise, released once per test session (shared by xdist workers: otter assign is slow)."""
    import fcntl

    base = _session_base(tmp_path_factory)
    out = base / "ctgrade-fixture-release"
    with open(base / "ctgrade-fixture-release.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / EX / "autograder" / "grading.json").is_file():
            release.release([EX], out, root=FIXTURES, run_tests=False, force=True, log=lambda m: None)
    return out


def student_nb(released: Path) -> dict:
    return json.loads((released / EX / "student" / f"{EX}.ipynb").read_text(encoding="utf-8"))


def make_nb(released: Path, answers: dict[str, str] | None = None, extra: list[tuple[int, str]] = ()) -> dict:
    """The student notebook with answers filled in and extra code cells inserted at given positions."""
    nb = copy.deepcopy(student_nb(released))
    answer_cells = [c for c in nb["cells"] if "otter_answer_cell" in c.get("metadata", {}).get("tags", [])]
    for (q, _), cell in zip(sorted(CORRECT.items()), answer_cells, strict=True):
        if answers and q in answers:
            cell["source"] = answers[q]
    for pos, code in sorted(extra, reverse=True):
        nb["cells"].insert(pos if pos >= 0 else len(nb["cells"]) + 1 + pos,
                           {"cell_type": "code", "metadata": {}, "source": code, "outputs": [],
                            "execution_count": None})
    return nb


def write(folder: Path, name: str, nb_or_bytes) -> Path:
    p = folder / name
    if isinstance(nb_or_bytes, bytes):
        p.write_bytes(nb_or_bytes)
    else:
        p.write_text(json.dumps(nb_or_bytes), encoding="utf-8")
    return p


class _Listener:
    """A TCP server on the host's loopback; a sandboxed kernel must not be able to reach it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits = 0
        self.stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
                self.hits += 1
                conn.close()
            except OSError:
                pass

    def close(self):
        self.stop = True
        self.thread.join()
        self.sock.close()


def _alive_with(marker: str) -> list[int]:
    pids = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                if marker.encode() in Path(f"/proc/{d}/cmdline").read_bytes():
                    pids.append(int(d))
            except OSError:
                pass
    return pids


def _session_base(tmp_path_factory) -> Path:
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # shared by xdist workers


@pytest.fixture(scope="module")
def batch(released, tmp_path_factory):
    """Grade all the robustness cases once per session (xdist workers share the result)."""
    import fcntl

    base = _session_base(tmp_path_factory)
    cache = base / "ctgrade-batch.json"
    with open(base / "ctgrade-batch.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not cache.is_file():
            cache.write_text(json.dumps(_run_batch(released, base / "ctgrade-batch")), encoding="utf-8")
    data = json.loads(cache.read_text(encoding="utf-8"))
    for key in ("canary_dir", "released", "subs", "out", "gradebook"):
        data[key] = Path(data[key])
    return data


def _run_batch(released: Path, root: Path) -> dict:
    subs, outdir, canary_dir = root / "submissions", root / "out", root / "outside"
    for d in (subs, outdir, canary_dir):
        d.mkdir(parents=True)
    (FIXTURES / EX / "injected.txt").unlink(missing_ok=True)
    marker = f"ctgrade-loop-{uuid.uuid4().hex}"
    listener = _Listener()
    write(subs, "correct.ipynb", make_nb(released, CORRECT))
    write(subs, "unanswered.ipynb", make_nb(released))
    write(subs, "empty.ipynb", b"")
    write(subs, "malformed.ipynb", b'{"cells": [{"cell_type": "code", "source": "x = 1"')
    with zipfile.ZipFile(subs / "renamed-zip.ipynb", "w") as zf:
        zf.writestr("a.txt", "not a notebook")
    write(subs, "renamed-text.ipynb", b"event_id,year\nF1,2016\n")
    # the zip a student's export cell writes: graded like the notebook inside it
    with zipfile.ZipFile(subs / "exported.zip", "w") as zf:
        zf.writestr(f"{EX}.ipynb", json.dumps(make_nb(released, CORRECT)))
        zf.writestr(".OTTER_LOG", "log")
    with zipfile.ZipFile(subs / "two-notebooks.zip", "w") as zf:
        zf.writestr("a.ipynb", json.dumps(make_nb(released, CORRECT)))
        zf.writestr("b.ipynb", json.dumps(make_nb(released)))
    other = make_nb(released, CORRECT)
    other["metadata"]["otter"]["assignment_name"] = "another-exercise"
    write(subs, "other-exercise.ipynb", other)
    write(subs, "loop.ipynb", make_nb(released, CORRECT, extra=[(-1, (
        "import subprocess, sys\n"
        f"child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)', '{marker}'])\n"
        "while True:\n    pass"))]))
    write(subs, "exit.ipynb", make_nb(released, CORRECT, extra=[(-1, "import os\nos._exit(3)")]))
    write(subs, "bigprint.ipynb", make_nb(released, CORRECT, extra=[(3, "for _ in range(3000):\n    print('x' * 2000)")]))
    cheat = (
        "import glob, os\n"
        "PASS = \"OK_FORMAT = True\\ntest = {'name': 'q', 'points': 99, 'suites': [{'cases': [{'code': '>>> assert True\\\\n', "
        "'hidden': False, 'locked': False}], 'scored': True, 'setup': '', 'teardown': '', 'type': 'doctest'}]}\\n\"\n"
        "hits = []\n"
        "for pattern in ['tests/*.py', '../**/tests/*.py', '/tmp/ctgrade-*/**/tests/*.py', "
        f"'{released}/**/*.py']:\n"
        "    for f in glob.glob(pattern, recursive=True):\n"
        "        try:\n"
        "            open(f, 'w').write(PASS); hits.append(f)\n"
        "        except OSError:\n"
        "            pass\n"
        "assert len(hits) >= 3, hits\n"
    )
    write(subs, "cheat.ipynb", make_nb(released, {}, extra=[(2, cheat)]))
    escape = (
        "import socket, pathlib\n"
        "for target in [" + ", ".join(repr(str(p)) for p in (
            subs / "injected.ipynb", subs / "correct.ipynb", released / EX / "injected.txt",
            canary_dir / "injected.txt", FIXTURES / EX / "injected.txt")) + "]:\n"
        "    try:\n"
        "        pathlib.Path(target).write_text('{}')\n"
        "    except OSError:\n"
        "        pass\n"
        "try:\n"
        f"    socket.create_connection(('127.0.0.1', {listener.port}), timeout=3).close()\n"
        "except OSError:\n"
        "    pass\n"
    )
    if sandbox.probe()["ok"]:  # without namespaces student code has the grader's rights
        write(subs, "escape.ipynb", make_nb(released, CORRECT, extra=[(2, escape)]))
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in subs.iterdir()}
    gradebook = outdir / "grades.csv"
    code = cli(["grade", EX, str(subs), "--out", str(gradebook), "--release", str(released), "--jobs", "2",
                "--timeout", "10", "--feedback", str(outdir / "feedback"), "--max-output", "100000"])
    listener.close()
    rows = {r["submission"]: r for r in csv.DictReader(gradebook.open(encoding="utf-8"))}
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in subs.iterdir()}
    return {"code": code, "rows": rows, "before": before, "after": after, "marker": marker,
            "hits": listener.hits, "canary_dir": str(canary_dir), "released": str(released), "subs": str(subs),
            "out": str(outdir), "gradebook": str(gradebook)}


def test_every_file_has_exactly_one_row(batch):
    assert batch["code"] == 0
    names = [r["submission"] for r in csv.DictReader(batch["gradebook"].open(encoding="utf-8"))]
    assert sorted(names) == sorted(batch["before"])
    header = next(csv.reader(batch["gradebook"].open(encoding="utf-8")))
    assert header == grade.BASE_COLUMNS + ["q1", "q2", "q3", "q4"]


def test_correct_submission_gets_full_marks(batch):
    r = batch["rows"]["correct.ipynb"]
    assert (r["status"], r["score"], r["max_score"]) == ("ok", "6", "6"), r
    assert (r["q1"], r["q2"], r["q3"], r["q4"]) == ("2", "3", "1", "")


def test_exported_zip_is_graded_like_its_notebook(batch):
    r = batch["rows"]["exported.zip"]
    assert r["status"] == "ok", r
    assert r["score"] == r["max_score"] == batch["rows"]["correct.ipynb"]["score"]


def test_unanswered_submission_scores_zero_ok(batch):
    r = batch["rows"]["unanswered.ipynb"]
    assert (r["status"], r["score"]) == ("ok", "0"), r


@pytest.mark.parametrize("name, fragment", [
    ("empty.ipynb", "empty"),
    ("malformed.ipynb", "not valid notebook JSON"),
    ("renamed-zip.ipynb", "not a notebook"),
    ("renamed-text.ipynb", "not valid notebook JSON"),
    ("other-exercise.ipynb", "another-exercise"),
    ("exit.ipynb", "stopped without a report"),
    ("two-notebooks.zip", "holds 2 notebooks"),
])
def test_bad_submissions_are_error_rows(batch, name, fragment):
    r = batch["rows"][name]
    assert r["status"] == "error" and r["score"] == "0", r
    assert fragment in r["error"]


def test_infinite_loop_times_out_and_its_process_tree_is_killed(batch):
    r = batch["rows"]["loop.ipynb"]
    assert r["status"] == "timeout", r
    assert 9 <= float(r["seconds"]) < 25
    assert _alive_with(batch["marker"]) == []


def test_megabytes_of_output_do_not_matter(batch):
    r = batch["rows"]["bigprint.ipynb"]
    assert (r["status"], r["score"]) == ("ok", "6"), r
    assert "only the beginning was kept" in (batch["out"] / "feedback" / "bigprint.ipynb.md").read_text()


def test_rewriting_test_files_does_not_raise_the_score(batch):
    r = batch["rows"]["cheat.ipynb"]
    assert (r["status"], r["score"]) == ("ok", "0"), r
    fb = (batch["out"] / "feedback" / "cheat.ipynb.md").read_text(encoding="utf-8")
    assert "Errors while running" not in fb  # it did overwrite the test files it could find
    # and the release it could see (in fallback mode) still holds the real tests
    zpath = batch["released"] / EX / "autograder" / f"{EX}-autograder.zip"
    assert any(c["hidden"] for c in common.load_cases(zpath))


def test_submissions_are_never_modified(batch):
    assert batch["after"] == batch["before"]


def test_student_code_cannot_write_outside_or_reach_the_network(batch):
    if not sandbox.probe()["ok"]:
        pytest.skip("no namespaces on this machine: " + sandbox.probe()["reason"])
    r = batch["rows"]["escape.ipynb"]
    assert (r["status"], r["score"]) == ("ok", "6"), r
    assert not (batch["subs"] / "injected.ipynb").exists()
    assert not (batch["released"] / EX / "injected.txt").exists()
    assert not (batch["canary_dir"] / "injected.txt").exists()
    assert not (FIXTURES / EX / "injected.txt").exists()
    assert batch["hits"] == 0


def test_feedback_lists_checks_hints_and_manual_questions(batch):
    text = (batch["out"] / "feedback" / "unanswered.ipynb.md").read_text(encoding="utf-8")
    assert "Autograded score: 0 / 6" in text
    assert "hidden check" in text and "**failed**" in text
    assert "span of 2000 and 2003 should be 3" in text  # the test's own hint
    assert "q4: written answer" in text and "manual grading" in text
    ok = (batch["out"] / "feedback" / "correct.ipynb.md").read_text(encoding="utf-8")
    assert "failed" not in ok and "6 / 6" in ok
    bad = (batch["out"] / "feedback" / "empty.ipynb.md").read_text(encoding="utf-8")
    assert "Not graded (error)" in bad


def test_gradebook_meta_sidecar(batch):
    meta = json.loads(common.meta_path(batch["gradebook"]).read_text())
    assert meta["auto_max"] == 6
    assert {q["name"]: q["max"] for q in meta["questions"]} == {"q1": 2, "q2": 3, "q3": 1, "q4": 2}


# ---------------------------------------------------------------------------------------
# written answers and marks
# ---------------------------------------------------------------------------------------


def test_export_written_and_merge_marks(batch, tmp_path, capsys):
    subs = tmp_path / "subs"
    subs.mkdir()
    write(subs, "alice.ipynb", make_nb(batch["released"], {"q4": "No sources. <script>alert(1)</script>"}))
    write(subs, "bob.ipynb", make_nb(batch["released"]))
    write(subs, "carol.ipynb", b"")
    out = tmp_path / "written"
    assert cli(["export-written", EX, str(subs), "--out", str(out), "--release", str(batch["released"])]) == 0
    md = (out / "q4.md").read_text(encoding="utf-8")
    assert "## alice.ipynb" in md and "No sources." in md
    assert "## bob.ipynb\n\n_(no answer)_" in md
    assert "carol.ipynb" in md and "not readable" in md
    page = (out / "q4.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page
    template = list(csv.DictReader((out / "marks-template.csv").open(encoding="utf-8")))
    assert [(r["submission"], r["question"]) for r in template] == [
        ("alice.ipynb", "q4"), ("bob.ipynb", "q4"), ("carol.ipynb", "q4")]

    gb = batch["gradebook"]
    good = tmp_path / "marks.csv"
    good.write_text("submission,question,points\ncorrect.ipynb,q4,1.5\nunanswered.ipynb,q4,0\n", encoding="utf-8")
    final = tmp_path / "final.csv"
    assert cli(["merge-marks", str(gb), str(good), "--out", str(final)]) == 0
    rows = {r["submission"]: r for r in csv.DictReader(final.open(encoding="utf-8"))}
    assert (rows["correct.ipynb"]["q4"], rows["correct.ipynb"]["score"], rows["correct.ipynb"]["max_score"]) == (
        "1.5", "7.5", "8")
    assert rows["unanswered.ipynb"]["score"] == "0" and rows["empty.ipynb"]["q4"] == ""
    assert "have no mark for q4" in capsys.readouterr().err

    bad = tmp_path / "bad.csv"
    bad.write_text("submission,question,points\n"
                   "nobody.ipynb,q4,1\n"
                   "correct.ipynb,q9,1\n"
                   "correct.ipynb,q4,2.5\n"
                   "correct.ipynb,q1,1\n"
                   "unanswered.ipynb,q4,lots\n", encoding="utf-8")
    final2 = tmp_path / "final2.csv"
    assert cli(["merge-marks", str(gb), str(bad), "--out", str(final2)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:2:1: unknown submission 'nobody.ipynb'" in err
    assert f"{bad}:3:2: unknown question 'q9'" in err
    assert f"{bad}:4:3: points 2.5 is above the maximum of 2 for q4" in err
    assert f"{bad}:5:2: question 'q1' is autograded" in err
    assert f"{bad}:6:3: points 'lots' is not a number" in err
    assert not final2.exists()


# ---------------------------------------------------------------------------------------
# units (no kernel)
# ---------------------------------------------------------------------------------------


def test_csv_is_written_atomically(tmp_path, monkeypatch):
    target = tmp_path / "grades.csv"
    target.write_text("old gradebook\n", encoding="utf-8")

    class Boom(Exception):
        pass

    def exploding_cell(value):
        if value == 2:  # half-way through the rows
            raise Boom
        return str(value)

    monkeypatch.setattr(common, "csv_cell", exploding_cell)
    with pytest.raises(Boom):
        common.write_csv_atomic(target, ["a"], [{"a": 1}, {"a": 2}])
    assert target.read_text(encoding="utf-8") == "old gradebook\n"
    assert [p.name for p in tmp_path.iterdir()] == ["grades.csv"]


def test_parse_test_files_ok_and_exception_formats():
    ok = ("OK_FORMAT = True\ntest = {'name': 'q1', 'points': 3, 'suites': [{'cases': ["
          "{'code': '>>> assert x == 1\\n', 'hidden': False}, {'code': '>>> assert x > 0\\n', 'hidden': True}, "
          "{'code': '>>> x\\n1\\n', 'hidden': True, 'points': 1}], 'scored': True, 'type': 'doctest'}]}\n")
    cases = common.parse_test_file("tests/q1.py", ok)
    assert [(c["points"], c["hidden"]) for c in cases] == [(1.0, False), (1.0, True), (1.0, True)]
    exc = ("from otter.test_files import test_case\nimport math\nOK_FORMAT = False\nname = 'q2'\npoints = 4\n\n"
           "@test_case(points=1, hidden=False)\ndef test_a(y):\n    assert y == 2, 'y should be 2'\n\n"
           "@test_case(hidden=True)\ndef test_b(y, env):\n    assert math.isclose(y, 2)\n")
    cases = common.parse_test_file("tests/q2.py", exc)
    assert [(c["question"], c["points"], c["hidden"], c["function"]) for c in cases] == [
        ("q2", 1.0, False, "test_a"), ("q2", 3.0, True, "test_b")]
    assert "import math" in cases[1]["code"] and "otter" not in cases[1]["code"]
    # the names the sandbox must report for these cases
    assert common.names_used(cases) == ["*", "y"]
    assert common.names_used(common.parse_test_file("tests/q1.py", ok)) == ["x"]


def test_zip_of_submissions_every_member_is_one_entry(tmp_path):
    z = tmp_path / "subs.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("a/one.ipynb", "{}")
        zf.writestr("two.ipynb", "{}")
        zf.writestr("__MACOSX/._two.ipynb", "junk")
        zf.writestr(".DS_Store", "junk")
        zf.writestr("../evil.ipynb", "{}")
    entries = common.gather_submissions(z, tmp_path)
    by_name = {e.name: e for e in entries}
    assert sorted(by_name) == sorted([".DS_Store", "../evil.ipynb", "__MACOSX/._two.ipynb", "a/one.ipynb", "two.ipynb"])
    assert by_name["../evil.ipynb"].path is None and "outside" in by_name["../evil.ipynb"].problem
    assert by_name["a/one.ipynb"].path.suffix == ".ipynb" and by_name["a/one.ipynb"].path.read_text() == "{}"
    assert not (tmp_path.parent / "evil.ipynb").exists()


def test_sandbox_probe_reports_a_reason():
    res = sandbox.probe()
    assert set(res) == {"ok", "reason"}
    assert res["reason"]


def test_without_sandbox_loops_are_still_killed_and_tests_still_protected(released, tmp_path):
    """--unsafe (no sandbox): the process tree is still killed and the tests still run outside the notebook."""
    subs = tmp_path / "subs"
    subs.mkdir()
    marker = f"ctgrade-loop-{uuid.uuid4().hex}"
    write(subs, "correct.ipynb", make_nb(released, CORRECT))
    write(subs, "loop.ipynb", make_nb(released, {}, extra=[(-1, (
        "import subprocess, sys\n"
        f"child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)', '{marker}'])\n"
        "while True:\n    pass"))]))
    write(subs, "cheat.ipynb", make_nb(released, {}, extra=[(2, (
        "import glob\n"
        "PASS = \"OK_FORMAT = True\\ntest = {'name': 'q', 'points': 9, 'suites': [{'cases': [{'code': '>>> 1\\\\n1\\\\n', "
        "'hidden': False}], 'scored': True, 'type': 'doctest'}]}\\n\"\n"
        "n = 0\n"
        "for f in glob.glob('/tmp/ctgrade-*/**/tests/*.py', recursive=True) + glob.glob('../../**/tests/*.py', recursive=True):\n"
        "    open(f, 'w').write(PASS); n += 1\n"
        "assert n >= 3, n\n"))]))
    out = tmp_path / "grades.csv"
    # no --release: the exercise is built from its source folder on the fly
    assert cli(["grade", EX, str(subs), "--out", str(out), "--exercise-root", str(FIXTURES), "--jobs", "2",
                "--timeout", "15", "--unsafe", "--feedback", str(tmp_path / "fb")]) == 0
    rows = {r["submission"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert rows["loop.ipynb"]["status"] == "timeout"
    assert _alive_with(marker) == []
    assert (rows["correct.ipynb"]["status"], rows["correct.ipynb"]["score"]) == ("ok", "6")
    assert (rows["cheat.ipynb"]["status"], rows["cheat.ipynb"]["score"]) == ("ok", "0")
    # the cheat did run and did overwrite test files (its own assert n >= 3 raised no error)
    fb = (tmp_path / "fb" / "cheat.ipynb.md").read_text(encoding="utf-8")
    assert "Errors while running" not in fb and "Autograded score: 0 / 6" in fb


def test_ctrl_c_leaves_the_old_gradebook_whole_and_kills_everything(released, tmp_path):
    import signal
    import subprocess
    import sys
    import time

    subs = tmp_path / "subs"
    subs.mkdir()
    marker = f"ctgrade-int-{uuid.uuid4().hex}"
    for i in range(2):
        write(subs, f"loop{i}.ipynb", make_nb(released, {}, extra=[(-1, (
            "import subprocess, sys\n"
            f"child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)', '{marker}'])\n"
            "while True:\n    pass"))]))
    out = tmp_path / "grades.csv"
    out.write_text("the previous gradebook\n", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "ctmodule", "grade", EX, str(subs), "--out", str(out),
                             "--release", str(released), "--jobs", "2", "--timeout", "120"],
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 90
    while not _alive_with(marker) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert _alive_with(marker), "the loop never started"
    proc.send_signal(signal.SIGINT)
    err = proc.communicate(timeout=60)[1]
    assert proc.returncode == 130, err
    assert "no gradebook written" in err
    assert out.read_text(encoding="utf-8") == "the previous gradebook\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".grades")] == []
    time.sleep(0.5)
    assert _alive_with(marker) == []


def test_summary_and_progress(capsys):
    ex = common.Exercise("x", "x", Path("."), Path("."), [{"name": "q1", "points": 2, "manual": False}],
                        [{"question": "q1", "index": 0, "points": 2.0, "hidden": False}])
    results = [grade.Result("a", "ok", 2.0, 1.0), grade.Result("b", "ok", 1.0, 1.0),
               grade.Result("c", "error", 0.0, 0.0, "the file is empty"),
               grade.Result("d", "timeout", 0.0, 10.0)]
    text = grade.summary(results, ex, 30.0)
    assert "graded 4 submission(s)" in text and "8.0 per minute" in text
    assert "2 ok, 1 error(s), 1 timeout(s)" in text and "mean score of ok rows 1.50 / 2" in text
    bar = grade._Progress(2, enabled=False)
    bar.step("a")
    assert capsys.readouterr().err == ""
    bar = grade._Progress(2, enabled=True)
    bar.step("a")
    bar.step("b")
    err = capsys.readouterr().err
    assert "\r[" in err and "2/2" in err


def test_a_runtime_under_tmp_is_bound_after_the_sandboxs_own_tmp(monkeypatch, tmp_path):
    """A checkout or a venv under /tmp: the sandbox's fresh /tmp would hide the interpreter, and
    grading refused with "execvp .../.venv/bin/python: No such file or directory"."""
    from ctmodule.grading import sandbox

    monkeypatch.setattr(sandbox, "_runtime_paths", lambda: ["/opt/python", "/tmp/clone/.venv"])
    monkeypatch.setattr(sandbox, "bwrap_path", lambda: "/usr/bin/bwrap")
    cmd = sandbox.bwrap_command(tmp_path, tmp_path, sandbox.Limits())
    pairs = [(cmd[i], cmd[i + 1]) for i in range(len(cmd) - 1)]
    tmpfs = pairs.index(("--tmpfs", "/tmp"))
    venv = pairs.index(("--ro-bind", "/tmp/clone/.venv"))
    assert pairs.index(("--ro-bind", "/opt/python")) < tmpfs < venv


def test_the_grader_parses_python_one_thread_at_a_time():
    """Threads of the grader parse the test cases; CPython 3.11's AST constructor fails spuriously
    when two threads parse at once (python/cpython#106905): every parse goes through the lock."""
    import re
    from pathlib import Path

    from ctmodule.grading import common

    folder = Path(common.__file__).parent
    direct = [f"{p.name}:{i}" for p in sorted(folder.glob("*.py"))
              for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
              if re.search(r"\bast\.parse\(", line) and "return ast.parse(source)" not in line
              and not line.lstrip().startswith(('"""', "#", "``"))]
    assert direct == [], f"parse through common.parse_python: {direct}"
    assert isinstance(common.parse_python("x = 1"), __import__("ast").Module)
    assert common._AST_LOCK.acquire(blocking=False)
    common._AST_LOCK.release()
