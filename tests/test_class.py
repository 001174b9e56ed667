"""A class of 200 made-up students: grade with a roster, then export to Moodle and Canvas.

199 files in one ``ctmodule grade --roster`` run (full, half-done and unanswered notebooks,
duplicates, unknown files, an ambiguous one, a broken one) against a roster of 200 of which some
have no submission. Every anomaly must appear in the gradebook, the summary and the export notes.

Running 190 kernels takes about five minutes on two cores, so :func:`test_class_of_200` replaces only
the step that runs each notebook (``grade.grade_batch``) by one that scores a notebook by the answers
it holds; everything else (reading submissions, the roster, the gradebook, the exports) is the real
command. :func:`test_roster_with_real_grading` runs the real sandboxed grader on a small class.
"""

from __future__ import annotations

import csv
import json
import random

import pytest
from test_grade import CORRECT, EX, make_nb, released  # noqa: F401  (the fixture is shared)

from ctmodule.cli import main as cli
from ctmodule.grading import common, grade

pytestmark = pytest.mark.slow

N = 200


def _fake_batch(ex, files, settings, jobs, progress=False):
    """Score each notebook by the correct answers it contains (no kernel), as the real step would."""
    out = []
    for path, name, problem in files:
        if problem or path is None:
            out.append(grade.Result(name, "error", 0.0, 0.0, problem or "not a file"))
            continue
        nb, reason = common.check_notebook(path, ex)
        if nb is None:
            out.append(grade.Result(name, "error", 0.0, 0.0, reason))
            continue
        text = json.dumps(nb)
        per = {q["name"]: (ex.question_max(q["name"]) if json.dumps(CORRECT[q["name"]])[1:-1] in text else 0.0)
               for q in ex.auto_questions}
        out.append(grade.Result(name, "ok", sum(per.values()), 0.1, per_question=per))
    return out


def test_class_of_200(released, tmp_path, capsys, monkeypatch):  # noqa: F811
    monkeypatch.setattr(grade, "grade_batch", _fake_batch)
    rnd = random.Random(17)
    full, half, empty = (make_nb(released, CORRECT), make_nb(released, {"q1": CORRECT["q1"], "q2": CORRECT["q2"]}),
                         make_nb(released, {}))
    ids = [f"S{2026000 + i}" for i in range(N)]
    roster = tmp_path / "roster.csv"
    with open(roster, "w", encoding="utf-8-sig", newline="") as f:  # as Excel saves "CSV UTF-8"
        w = csv.writer(f)
        w.writerow(["First name", "Surname", "ID number", "Email address"])
        for i, sid in enumerate(ids):
            first = "=HYPERLINK(\"x\")" if i == 7 else f"Student{i}"
            w.writerow([first, f"Test{i}", sid, f"{sid.lower()}@uni.example"])
    subs = tmp_path / "subs"
    subs.mkdir()
    missing = set(ids[-12:])                      # 12 students hand in nothing
    dup = ids[:5]                                 # 5 students hand in twice
    expected = {}
    kinds = [full, half, empty]
    for i, sid in enumerate(ids):
        if sid in missing or sid == ids[30]:  # ids[30] hands in a broken file instead
            continue
        k = i % 3
        (subs / f"{EX}_{sid}.ipynb").write_text(json.dumps(kinds[k]), encoding="utf-8")
        expected[sid] = k
    for sid in dup:
        (subs / f"{EX}_{sid}_late.ipynb").write_text(json.dumps(full), encoding="utf-8")
    for j in range(4):                            # files that match no one
        (subs / f"{EX}_S99{j}.ipynb").write_text(json.dumps(full), encoding="utf-8")
    (subs / f"{EX}_{ids[20]}_{ids[21]}.ipynb").write_text(json.dumps(full), encoding="utf-8")  # ambiguous
    (subs / f"{EX}_{ids[30]}.txt").write_bytes(b"\x00\x01 not a notebook")
    files = sorted(p.name for p in subs.iterdir())
    assert len(files) == N - 12 - 1 + 5 + 4 + 1 + 1 == 198
    rnd.shuffle(files)

    gb = tmp_path / "grades.csv"
    assert cli(["grade", EX, str(subs), "--out", str(gb), "--release", str(released), "--jobs", "2",
                "--timeout", "60", "--roster", str(roster)]) == 0
    err = capsys.readouterr().err
    assert ("roster: 200 student(s); 183 matched, 10 duplicate file(s), 4 unknown file(s), 1 ambiguous, "
            "12 student(s) without a submission") in err
    with open(gb, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 198 + 12
    assert sorted(r["submission"] for r in rows if r["submission"]) == sorted(p.name for p in subs.iterdir())
    by = {}
    for r in rows:
        by.setdefault(r["roster"], []).append(r)
    assert {k: len(v) for k, v in by.items()} == {"matched": 183, "duplicate": 10, "unknown": 4,
                                                  "ambiguous": 1, "missing": 12}
    assert {r["student_id"] for r in by["missing"]} == missing
    assert {r["student_id"] for r in by["duplicate"]} == set(dup)
    meta = json.loads((tmp_path / "grades.meta.json").read_text(encoding="utf-8"))
    assert len(meta["roster"]["anomalies"]) == 10 + 4 + 1 + 12
    scores = {r["student_id"]: float(r["score"]) for r in by["matched"]}
    top = max(scores.values())
    assert top > 0
    for sid, k in expected.items():
        if sid in scores and sid != ids[30]:
            assert (scores[sid] == top) == (k == 0), sid
            assert (scores[sid] == 0) == (k == 2), sid
    assert scores[ids[30]] == 0 and [r for r in by["matched"] if r["student_id"] == ids[30]][0]["status"] == "error"

    moodle, canvas = tmp_path / "moodle.csv", tmp_path / "canvas.csv"
    assert cli(["export-grades", str(gb), "--format", "moodle", "--out", str(moodle)]) == 0
    notes = capsys.readouterr().err
    assert notes.count("not exported:") == 5 and notes.count("submissions (") == 5
    assert cli(["export-grades", str(gb), "--format", "canvas", "--columns", "question", "--out", str(canvas)]) == 0
    m = list(csv.reader(open(moodle, encoding="utf-8", newline="")))
    c = list(csv.reader(open(canvas, encoding="utf-8", newline="")))
    assert m[0] == ["Email address", EX] and len(m) == 1 + N
    assert {r[0] for r in m[1:]} == {f"{s.lower()}@uni.example" for s in ids}
    assert all(r[1] == "" for r in m[1:] if r[0].upper().split("@")[0] in missing)
    assert c[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"] and c[1][0] == "Points Possible"
    assert len(c) == 2 + N
    assert [r for r in c if r[2] == ids[7]][0][0].startswith("'=HYPERLINK")


def test_roster_with_real_grading(released, tmp_path, capsys):  # noqa: F811
    """The real sandboxed grader with a roster: scores follow the students, nothing is dropped."""
    roster = tmp_path / "roster.csv"
    roster.write_text("Student,ID,SIS User ID,SIS Login ID,Section\n"
                      "\"Nur, Aida\",11,A1,aida,1\n\"Ali, Bek\",12,B2,bek,1\n\"Oz, Cem\",13,C3,cem,2\n",
                      encoding="utf-8")
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "A1.ipynb").write_text(json.dumps(make_nb(released, CORRECT)), encoding="utf-8")
    (subs / "B2.ipynb").write_text(json.dumps(make_nb(released, {"q1": CORRECT["q1"]})), encoding="utf-8")
    (subs / "B2-again.ipynb").write_text(json.dumps(make_nb(released, CORRECT)), encoding="utf-8")
    (subs / "Z9.ipynb").write_text(json.dumps(make_nb(released, CORRECT)), encoding="utf-8")
    gb = tmp_path / "grades.csv"
    assert cli(["grade", EX, str(subs), "--out", str(gb), "--release", str(released), "--jobs", "2",
                "--timeout", "60", "--roster", str(roster)]) == 0
    err = capsys.readouterr().err
    assert "unknown: Z9.ipynb" in err and "missing: student C3" in err and "B2-again.ipynb is one of" in err
    rows = {(r["submission"], r["student_id"]): r for r in csv.DictReader(open(gb, encoding="utf-8", newline=""))}
    assert set(rows) == {("A1.ipynb", "A1"), ("B2.ipynb", "B2"), ("B2-again.ipynb", "B2"), ("Z9.ipynb", ""),
                         ("", "C3")}
    full = float(rows[("A1.ipynb", "A1")]["score"])
    assert full == float(rows[("A1.ipynb", "A1")]["max_score"]) > 0
    assert 0 < float(rows[("B2.ipynb", "B2")]["score"]) < full
    out = tmp_path / "canvas.csv"
    assert cli(["export-grades", str(gb), "--format", "canvas", "--out", str(out)]) == 0
    c = list(csv.reader(open(out, encoding="utf-8", newline="")))
    assert c[2:] == [["Nur, Aida", "11", "A1", "aida", "1", f"{full:g}"],
                     ["Ali, Bek", "12", "B2", "bek", "1", f"{full:g}"],
                     ["Oz, Cem", "13", "C3", "cem", "2", ""]]


def test_bad_roster_stops_before_grading(released, tmp_path, capsys):  # noqa: F811
    roster = tmp_path / "roster.csv"
    roster.write_text("ID number\nS1\nS1\n", encoding="utf-8")
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "S1.ipynb").write_text(json.dumps(make_nb(released, CORRECT)), encoding="utf-8")
    gb = tmp_path / "grades.csv"
    assert cli(["grade", EX, str(subs), "--out", str(gb), "--release", str(released),
                "--roster", str(roster)]) == 1
    assert f"{roster}:3:1: student id 'S1' is repeated" in capsys.readouterr().err
    assert not gb.exists()
