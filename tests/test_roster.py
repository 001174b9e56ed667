"""The roster (hostile files, the matching rule), the Moodle and Canvas exports, and hub links."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from ctmodule.cli import main as cli
from ctmodule.grading import export, hub, roster
from ctmodule.grading.roster import RosterError, match, read_roster
from ctmodule.grading.safety import csv_cell

MOODLE = "ID number,First name,Surname,Email address\nS001,Aida,Nur,aida@uni.kz\nS002,Bek,Ali,bek@uni.kz\n"
CANVAS = ("Student,ID,SIS User ID,SIS Login ID,Section\n    Points Possible,,,,\n"
          "\"Nur, Aida\",101,S001,aida,A\n\"Ali, Bek\",102,S002,bek,B\n")


def write(tmp_path: Path, text: str | bytes, name: str = "roster.csv") -> Path:
    p = tmp_path / name
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return p


def problems(path: Path, **kw) -> list[str]:
    with pytest.raises(RosterError) as exc:
        read_roster(path, **kw)
    return exc.value.problems


# ---------------------------------------------------------------------------------------
# reading


def test_moodle_roster(tmp_path):
    r = read_roster(write(tmp_path, MOODLE))
    assert [(s.student_id, s.name, s.email, s.line) for s in r.students] == [
        ("S001", "Aida Nur", "aida@uni.kz", 2), ("S002", "Bek Ali", "bek@uni.kz", 3)]


def test_canvas_roster_uses_sis_id_and_keeps_canvas_id(tmp_path):
    text = CANVAS.replace("    Points Possible,,,,\n", "")
    r = read_roster(write(tmp_path, text))
    s = r.students[0]
    assert (s.student_id, s.canvas_id, s.login, s.section, s.name) == ("S001", "101", "aida", "A", "Nur, Aida")


@pytest.mark.parametrize("encoded", [
    MOODLE.encode("utf-8-sig"), MOODLE.encode("utf-16"), MOODLE.replace("\n", "\r\n").encode(),
    MOODLE.replace(",", ";").encode()])
def test_bom_utf16_crlf_semicolons(tmp_path, encoded):
    r = read_roster(write(tmp_path, encoded))
    assert [s.student_id for s in r.students] == ["S001", "S002"]
    assert r.students[0].email == "aida@uni.kz"


def test_non_utf8_named_with_line_and_column(tmp_path):
    p = write(tmp_path, "ID number,Name\nS001,Aida\nS002,Жанна\n".encode("cp1251"))
    (msg,) = problems(p)
    assert msg.startswith(f"{p}:3:6: ") and "cp1251" in msg
    assert read_roster(p, encoding="cp1251").students[1].name == "Жанна"


def test_every_problem_reported_with_line_and_column(tmp_path):
    p = write(tmp_path, "Name,ID number,Email address\n"
                        "Aida,S001,aida@uni.kz\n"
                        "Bek,S001,bek@uni.kz\n"          # repeated id
                        "Cem,,cem@uni.kz\n"               # empty id
                        "Dana,S004,AIDA@uni.kz\n"         # repeated email (case-insensitive)
                        "Eli,S005,not-an-address\n"
                        "Fay,S006,fay@uni.kz,extra\n"     # too many cells
                        "Gul,S007\x00,gul@uni.kz\n")       # control character
    got = problems(p)
    assert got == [
        f"{p}:3:2: student id 'S001' is repeated (first on line 2)",
        f"{p}:4:2: empty student id",
        f"{p}:5:3: email 'AIDA@uni.kz' is repeated (first on line 2)",
        f"{p}:6:3: 'not-an-address' is not an email address",
        f"{p}:7:4: 4 cells but the header has 3",
        f"{p}:8:2: a control character in the cell",
    ]


def test_missing_id_column_and_empty_file(tmp_path):
    (msg,) = problems(write(tmp_path, "Name,Email address\nAida,aida@uni.kz\n"))
    assert ":1:1: no student id column" in msg and "'id number'" in msg
    (msg,) = problems(write(tmp_path, b"\xef\xbb\xbf\n", "empty.csv"))
    assert ":1:1: the roster is empty" in msg


def test_quoted_newline_keeps_line_numbers(tmp_path):
    p = write(tmp_path, 'ID number,Name\nS001,"Aida\nNur"\nS001,Bek\n')
    assert problems(p) == [f"{p}:4:1: student id 'S001' is repeated (first on line 2)"]


def test_formula_cells_are_read_as_text_and_neutralised_on_output(tmp_path):
    r = read_roster(write(tmp_path, 'ID number,Name\nS001,"=HYPERLINK(""http://x"",""y"")"\nS002,-1.5\n'))
    assert r.students[0].name.startswith("=HYPERLINK")
    assert csv_cell(r.students[0].name) == "'" + r.students[0].name
    for cell in ("+1+cmd", "-2+3", "@SUM(A1)", "\t=1", "\r=1"):
        assert csv_cell(cell).startswith("'")
    assert csv_cell("-1.5") == "-1.5" and csv_cell("Aida") == "Aida" and csv_cell("") == ""


# ---------------------------------------------------------------------------------------
# matching


def test_match_rule_tokens_email_duplicates_unknown_ambiguous_missing(tmp_path):
    r = read_roster(write(tmp_path, "ID number,Email address\nS001,aida@uni.kz\nS002,bek@uni.kz\n"
                                    "S003,cem@uni.kz\nS10,dana@uni.kz\n"))
    files = ["ex01_S001.ipynb", "bek@uni.kz/ex01.ipynb", "S001-second-try.zip", "stranger.ipynb",
             "S002_and_S003.ipynb", "ex01_S100.ipynb"]
    m = match(files, r)
    assert m.status == {"ex01_S001.ipynb": "duplicate", "bek@uni.kz/ex01.ipynb": "matched",
                        "S001-second-try.zip": "duplicate", "stranger.ipynb": "unknown",
                        "S002_and_S003.ipynb": "ambiguous", "ex01_S100.ipynb": "unknown"}
    assert [s.student_id for s in m.missing] == ["S003", "S10"]
    assert m.counts() == {"matched": 1, "duplicate": 2, "unknown": 2, "ambiguous": 1, "missing": 2}
    text = "\n".join(m.anomalies())
    for f in ("stranger.ipynb", "S002_and_S003.ipynb", "S001-second-try.zip", "S003", "S10"):
        assert f in text


def test_match_by_submission_column_and_by_pattern(tmp_path):
    r = read_roster(write(tmp_path, "ID number,Submission\nS001,aida.ipynb\nS002,sub/bek.ipynb\n"))
    m = match(["aida.ipynb", "sub/bek.ipynb", "S001.ipynb"], r)
    assert m.status == {"aida.ipynb": "matched", "sub/bek.ipynb": "matched", "S001.ipynb": "unknown"}
    r2 = read_roster(write(tmp_path, MOODLE, "m.csv"))
    m2 = match(["Aida Nur_4567_assignsubmission_file_S002.ipynb"], r2, r"_file_(?P<id>\w+)\.ipynb$")
    assert m2.by_file["Aida Nur_4567_assignsubmission_file_S002.ipynb"].student_id == "S002"
    with pytest.raises(ValueError):
        match([], r2, r"no group")


def test_annotate_keeps_every_file_and_adds_missing_students(tmp_path):
    r = read_roster(write(tmp_path, MOODLE))
    rows = [{"submission": "S001.ipynb", "status": "ok", "score": "3"},
            {"submission": "x.ipynb", "status": "error", "score": "0"}]
    out, m = roster.annotate(rows, r, None, {"submission": "", "status": "", "score": ""})
    assert [(o["submission"], o["roster"], o["student_id"]) for o in out] == [
        ("S001.ipynb", "matched", "S001"), ("x.ipynb", "unknown", ""), ("", "missing", "S002")]
    assert out[2]["status"] == "missing" and out[2]["email"] == "bek@uni.kz"


# ---------------------------------------------------------------------------------------
# exports


META = {"exercise": "ex01", "auto_max": 6.0, "questions": [
    {"name": "q1", "manual": False, "max": 2.0}, {"name": "q2", "manual": False, "max": 4.0},
    {"name": "q3", "manual": True, "max": 5.0}]}


def gradebook(tmp_path: Path, merged: bool = False) -> Path:
    head = ["submission", *roster.STUDENT_COLUMNS, "status", "score", "max_score", "seconds", "error",
            "q1", "q2", "q3"]
    rows = [
        ["S001.ipynb", "S001", "Aida Nur", "aida@uni.kz", "aida", "101", "A", "duplicate", "ok", "3", "6", "1",
         "", "1", "2", ""],
        ["S001b.ipynb", "S001", "Aida Nur", "aida@uni.kz", "aida", "101", "A", "duplicate", "ok", "5", "6", "1",
         "", "2", "3", ""],
        ["S002.ipynb", "S002", "=cmd|' /C calc'!A0", "bek@uni.kz", "bek", "102", "B", "matched", "ok", "6", "6",
         "1", "", "2", "4", ""],
        ["who.ipynb", "", "", "", "", "", "", "unknown", "ok", "6", "6", "1", "", "2", "4", ""],
        ["", "S003", "Cem Oz", "", "cem", "103", "B", "missing", "missing", "0", "6", "", "no submission",
         "", "", ""],
    ]
    if merged:
        for r in rows[:3]:
            r[-1] = "4"
            r[9] = str(float(r[9]) + 4)
    p = tmp_path / "grades.csv"
    with open(p, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([head, *rows])
    (tmp_path / "grades.meta.json").write_text(json.dumps({**META, "merged": merged}), encoding="utf-8")
    return p


def read_csv(p: Path) -> list[list[str]]:
    raw = p.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))


def test_moodle_export_by_email_and_idnumber(tmp_path, capsys):
    g = gradebook(tmp_path)
    out = tmp_path / "moodle.csv"
    assert cli(["export-grades", str(g), "--format", "moodle", "--out", str(out)]) == 0
    # Moodle's CSV import: a header row, the identifying column, one column per grade item
    assert read_csv(out) == [["Email address", "ex01"], ["aida@uni.kz", "5"], ["bek@uni.kz", "6"]]
    err = capsys.readouterr().err
    assert "who.ipynb (unknown" in err and "S001: 2 submissions" in err and "S001b.ipynb" in err
    assert "student S003 has no email address" in err and "q3 not merged" in err
    out2 = tmp_path / "moodle-id.csv"
    assert cli(["export-grades", str(g), "--format", "moodle", "--by", "idnumber", "--missing", "zero",
                "--columns", "question", "--out", str(out2)]) == 0
    assert read_csv(out2) == [["ID number", "ex01 q1", "ex01 q2", "ex01 q3"],
                              ["S001", "2", "3", ""], ["S002", "2", "4", ""], ["S003", "0", "0", "0"]]


def test_canvas_export_has_header_rows_and_neutralised_cells(tmp_path):
    g = gradebook(tmp_path, merged=True)
    out = tmp_path / "canvas.csv"
    assert cli(["export-grades", str(g), "--format", "canvas", "--item", "Exercise 1", "--out", str(out)]) == 0
    rows = read_csv(out)
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Exercise 1"]
    assert rows[1] == ["Points Possible", "", "", "", "", "11"]
    assert rows[2] == ["Aida Nur", "101", "S001", "aida", "A", "9"]
    assert rows[3] == ["'=cmd|' /C calc'!A0", "102", "S002", "bek", "B", "10"]
    assert rows[4] == ["Cem Oz", "103", "S003", "cem", "B", ""]
    assert len(rows) == 5


def test_export_never_overwrites_and_needs_a_roster(tmp_path, capsys):
    g = gradebook(tmp_path)
    out = tmp_path / "m.csv"
    out.write_text("keep me", encoding="utf-8")
    assert cli(["export-grades", str(g), "--format", "moodle", "--out", str(out)]) == 1
    assert out.read_text(encoding="utf-8") == "keep me"
    assert cli(["export-grades", str(g), "--format", "moodle", "--out", str(out), "--force"]) == 0
    assert out.read_text(encoding="utf-8").startswith("Email address")
    assert cli(["export-grades", str(g), "--format", "moodle", "--out", str(g), "--force"]) == 1
    plain = tmp_path / "plain.csv"
    plain.write_text("submission,status,score\na.ipynb,ok,1\n", encoding="utf-8")
    (tmp_path / "plain.meta.json").write_text(json.dumps(META), encoding="utf-8")
    assert cli(["export-grades", str(plain), "--format", "canvas", "--out", str(tmp_path / "c.csv")]) == 1
    assert "--roster" in capsys.readouterr().err and not (tmp_path / "c.csv").exists()
    with pytest.raises(export.ExportError):
        export.build(plain, META, "moodle")


# ---------------------------------------------------------------------------------------
# hub links


def test_hub_link_for_chapter_and_exercise(tmp_path):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "03-comparing-definitions.ipynb").write_text("{}", encoding="utf-8")
    (tmp_path / "exercises" / "ex01-instruments").mkdir(parents=True)
    (tmp_path / "exercises" / "ex01-instruments" / "ex01-instruments.ipynb").write_text("{}", encoding="utf-8")
    link = hub.hub_link("https://hub.example.edu/hub/", "https://git.example.edu/course/ctmodule.git",
                        hub.resolve_target("3", tmp_path))
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "hub.example.edu", "/hub/user-redirect/git-pull")
    q = parse_qs(parts.query)
    assert q == {"repo": ["https://git.example.edu/course/ctmodule.git"], "branch": ["main"],
                 "targetpath": ["ctmodule"],  # nbgitpuller's default would be "ctmodule.git"
                 "urlpath": ["lab/tree/ctmodule/chapters/03-comparing-definitions.ipynb"]}
    assert hub.resolve_target("ex01", tmp_path) == "exercises/ex01-instruments/ex01-instruments.ipynb"
    assert hub.resolve_target("ex01-instruments", tmp_path) == hub.resolve_target("ex01", tmp_path)
    with pytest.raises(SystemExit, match="neither a chapter"):
        hub.resolve_target("7", tmp_path)
    with pytest.raises(ValueError):
        hub.hub_link("hub.example.edu", "x", "y")
    assert hub.repo_dir_name("file:///srv/git/course.git") == "course"
    assert hub.repo_dir_name("git@github.com:org/ct-module.git") == "ct-module"


def test_hub_link_command_on_this_repository(capsys):
    assert cli(["hub-link", "1", "--hub", "http://127.0.0.1:8000", "--repo", "file:///srv/ct.git",
                "--ui", "notebook"]) == 0
    link = capsys.readouterr().out.strip()
    assert parse_qs(urlsplit(link).query)["urlpath"] == ["tree/ct/chapters/01-defining-terrorism.ipynb"]
