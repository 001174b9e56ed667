"""Tests of ``ctmodule validate``: each bad input, on a copy of a small valid package,
gives exit code 1 and a message naming the file and the line or column, and leaves
every file byte-for-byte unchanged."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from datafixtures import build_package, fingerprint

from ctmodule.cli import main

REPO = Path(__file__).resolve().parents[1]
REAL_DATA = REPO / "data"


def run_validate(data_dir: Path, capsys) -> tuple[int, list[str]]:
    code = main(["validate", str(data_dir)])
    out = capsys.readouterr().out
    return code, out.strip().splitlines()


@pytest.fixture
def pkg(tmp_path):
    return build_package(tmp_path)


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def edit_descriptor(data: Path, func) -> None:
    path = data / "datapackage.json"
    desc = json.loads(path.read_text(encoding="utf-8"))
    func(desc)
    path.write_text(json.dumps(desc, indent=2), encoding="utf-8")


def resource(desc: dict, name: str) -> dict:
    return next(r for r in desc["resources"] if r["name"] == name)


# ---------------------------------------------------------------------------
# the valid package


def test_valid_fixture_passes(pkg, capsys):
    before = fingerprint(pkg.parent)
    code, lines = run_validate(pkg, capsys)
    assert code == 0, lines
    assert lines == ["data OK: 4 tables, 11 rows, 0 problems"]
    assert fingerprint(pkg.parent) == before


def test_validate_package_api(pkg):
    from ctmodule.data.validate import validate_package

    result = validate_package(pkg)
    assert result.ok and result.tables == 4 and result.rows == 11


# ---------------------------------------------------------------------------
# each bad input: (fault, expected substrings of one problem line)
#
# Line numbers are editor lines: sources.csv has a title spanning lines 4-5, so its
# records after that are one line further down than their record number.


def _not_utf8(d):
    p = d / "events.csv"
    p.write_bytes(p.read_bytes().replace(b"Second event", b"Second \xe9vent"))


def _bom(d):
    p = d / "events.csv"
    p.write_bytes(b"\xef\xbb\xbf" + p.read_bytes())


def _drop_column(d):
    p = d / "events.csv"
    lines = p.read_text(encoding="utf-8").splitlines(keepends=True)
    p.write_text(
        "".join(
            ",".join(line.rstrip("\n").split(",")[:3] + line.rstrip("\n").split(",")[4:]) + "\n"
            for line in lines
        ),
        encoding="utf-8",
    )


def _drop_source_column(d):
    p = d / "instruments.csv"
    lines = p.read_text(encoding="utf-8").splitlines()
    p.write_text("".join(line.rsplit(",", 1)[0] + "\n" for line in lines), encoding="utf-8")


def _schema_without_source(d):
    def f(desc):
        res = resource(desc, "instruments")
        res["schema"]["fields"] = [x for x in res["schema"]["fields"] if x["name"] != "source_id"]

    edit_descriptor(d, f)
    _drop_source_column(d)


def _dup_row_after_multiline(d):
    p = d / "sources.csv"
    text = p.read_text(encoding="utf-8")
    p.write_text(text + "smith2001,book,Other,2002,Another,,Smith2001things\n", encoding="utf-8")


def _not_json(d):
    (d / "datapackage.json").write_text('{"resources": [\n  {"name": "x",}\n]}', encoding="utf-8")


def _bib_key_missing(d):
    edit(d.parent / "references.bib", "@misc{UN2006page,", "@misc{UN2006other,")


FAULTS = {
    # name: (fault, [substrings that one output line must contain])
    "empty file": (lambda d: (d / "events.csv").write_bytes(b""), ["data/events.csv: ", "empty"]),
    "not utf-8": (
        _not_utf8,
        ["data/events.csv:3: ", "not valid UTF-8", "byte offset 134", "byte 33 of line 3", "0xe9"],
    ),
    "byte-order mark": (_bom, ["data/events.csv:1: ", "byte-order mark"]),
    "missing column": (_drop_column, ["data/events.csv:1:category: ", 'missing column "category"']),
    "extra column": (
        lambda d: (
            edit(d / "events.csv", "title,source_id\n", "title,source_id,notes\n")
            or edit(d / "events.csv", "smith2001\n", "smith2001,x\n")
        ),
        ["data/events.csv:1:notes: ", 'unknown column "notes"'],
    ),
    "columns reordered": (
        lambda d: edit(d / "events.csv", "event_id,date,", "date,event_id,"),
        ["data/events.csv:1: ", "not in the schema's order"],
    ),
    "month 13": (
        lambda d: edit(d / "events.csv", "2006-09,month", "2019-13,month"),
        ["data/events.csv:3:date: ", '"2019-13"', "no month 13"],
    ),
    "month 13 with day": (
        lambda d: edit(d / "events.csv", "2001-09-11,day", "2019-13-01,day"),
        ["data/events.csv:2:date: ", "no month 13"],
    ),
    "february 30": (
        lambda d: edit(d / "events.csv", "2001-09-11", "2019-02-30"),
        ["data/events.csv:2:date: ", "no day 30"],
    ),
    "date in words": (
        lambda d: edit(d / "events.csv", "2010,year", "March 2019,year"),
        ["data/events.csv:4:date: ", '"March 2019" is not a date', "YYYY-MM"],
    ),
    "date without precision column": (
        lambda d: edit(d / "instruments.csv", "2001-06", "2001-06-31"),
        ["data/instruments.csv:3:adopted_date: ", "no day 31"],
    ),
    "precision disagrees": (
        lambda d: edit(d / "events.csv", "2006-09,month", "2006-09,day"),
        ["data/events.csv:3:date: ", "month", 'date_precision says "day"'],
    ),
    "duplicate id": (
        lambda d: edit(d / "events.csv", "ev3,", "ev1,"),
        ["data/events.csv:4:event_id: ", 'duplicate value "ev1"', "line 2"],
    ),
    "duplicate id after a multi-line row": (
        _dup_row_after_multiline,
        ["data/sources.csv:6:source_id: ", 'duplicate value "smith2001"', "first used on line 2"],
    ),
    "unknown source id": (
        lambda d: edit(d / "events.csv", "Third event,jones2010", "Third event,nobody1999"),
        ["data/events.csv:4:source_id: ", 'unknown source_id "nobody1999"', "sources.csv"],
    ),
    "unknown source id in a list": (
        lambda d: edit(d / "events.csv", "un2006;jones2010", "un2006;jonse2010"),
        ["data/events.csv:3:source_id: ", '"jonse2010"'],
    ),
    "unknown id in checked_against": (
        lambda d: edit(d / "claims.csv", "jones2010;un2006", "jones2010;un2007"),
        ["data/claims.csv:3:checked_against: ", '"un2007"'],
    ),
    "empty item in a list": (
        lambda d: edit(d / "events.csv", "un2006;jones2010", "un2006;;jones2010"),
        ["data/events.csv:3:source_id: ", "empty id"],
    ),
    "unknown single-valued foreign key": (
        lambda d: edit(d / "claims.csv", "c2,smith2001", "c2,smyth2001"),
        ["data/claims.csv:3:seed_source_id: ", '"smyth2001"', "sources.csv"],
    ),
    "stray delimiter": (
        lambda d: edit(d / "events.csv", "Second event", "Second, event"),
        ["data/events.csv:3: ", "too many values: 7 for 6 columns"],
    ),
    "missing delimiter": (
        lambda d: edit(d / "events.csv", "law,Third", "law Third"),
        ["data/events.csv:4: ", "too few values: 5 for 6 columns"],
    ),
    "stray quote": (
        lambda d: edit(d / "events.csv", "Second event", '"Second event'),
        ["data/events.csv:3: ", "never closed"],
    ),
    "semicolon separator": (
        lambda d: (d / "events.csv").write_text(
            (d / "events.csv").read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8"
        ),
        ["data/events.csv:1: ", "separated by semicolons"],
    ),
    "duplicate column name": (
        lambda d: edit(d / "events.csv", "title,source_id\n", "title,title\n"),
        ["data/events.csv:1:title: ", "appears twice"],
    ),
    "blank line": (lambda d: edit(d / "events.csv", "ev3,", "\nev3,"), ["data/events.csv:4: ", "blank line"]),
    "bad enum value": (
        lambda d: edit(d / "events.csv", ",policy,", ",politics,"),
        ["data/events.csv:3:category: ", '"politics" is not an allowed value', "law, attack, policy"],
    ),
    "bad precision value": (
        lambda d: edit(d / "events.csv", "2010,year", "2010,decade"),
        ["data/events.csv:4:date_precision: ", '"decade"'],
    ),
    "missing required value": (
        lambda d: edit(d / "events.csv", "Third event", ""),
        ["data/events.csv:4:title: ", "required"],
    ),
    "missing required source": (
        lambda d: edit(d / "events.csv", "Third event,jones2010", "Third event,"),
        ["data/events.csv:4:source_id: ", "required"],
    ),
    "bad integer": (
        lambda d: edit(d / "sources.csv", ",2010,", ",2O1O,"),
        ["data/sources.csv:3:year: ", '"2O1O"', "integer"],
    ),
    "bib key not in references.bib": (
        _bib_key_missing,
        ["data/sources.csv:4:bib_key: ", '"UN2006page"', "references.bib"],
    ),
    "references.bib missing": (
        lambda d: (d.parent / "references.bib").unlink(),
        ["references.bib: ", "missing"],
    ),
    "datapackage.json missing": (
        lambda d: (d / "datapackage.json").unlink(),
        ["data/datapackage.json: ", "missing"],
    ),
    "datapackage.json not JSON": (_not_json, ["data/datapackage.json:2:", "not valid JSON"]),
    "datapackage.json bad field type": (
        lambda d: edit_descriptor(
            d, lambda desc: resource(desc, "events")["schema"]["fields"][0].update(type="strin")
        ),
        ["data/datapackage.json: ", "strin"],
    ),
    "reference to an unknown table": (
        lambda d: edit_descriptor(
            d,
            lambda desc: resource(desc, "events")["schema"]["fields"][-1]["ctmodule:references"].update(
                resource="sauces"
            ),
        ),
        ["data/datapackage.json: ", '"sauces"'],
    ),
    "resource file missing": (lambda d: (d / "claims.csv").unlink(), ["data/claims.csv: ", "missing"]),
    "source_id column missing from a file": (
        _drop_source_column,
        ["data/instruments.csv:1:source_id: ", "missing column"],
    ),
    "table without any source column": (
        _schema_without_source,
        ["data/datapackage.json: ", '"instruments" has no source_id column'],
    ),
}


@pytest.mark.parametrize("name", list(FAULTS))
def test_bad_input(pkg, capsys, name):
    fault, expected = FAULTS[name]
    fault(pkg)
    before = fingerprint(pkg.parent)
    code, lines = run_validate(pkg, capsys)
    assert code == 1, lines
    assert fingerprint(pkg.parent) == before, "validate changed a file"
    assert re.fullmatch(r"data NOT OK: \d+ problems? \(.*\)", lines[-1]), lines
    problems = lines[:-1]
    assert problems, lines
    assert any(all(s in line for s in expected) for line in problems), "\n".join(lines)
    assert not any("Traceback" in line for line in lines)


def test_each_problem_once_and_line_numbers(pkg, capsys):
    """Several faults in one file: each is reported once, on its own line, in line order."""
    edit(pkg / "events.csv", "2001-09-11,day", "2001-09-11,month")  # line 2
    edit(pkg / "events.csv", ",policy,", ",politics,")  # line 3
    edit(pkg / "events.csv", "ev3,", "ev1,")  # line 4
    code, lines = run_validate(pkg, capsys)
    assert code == 1
    problems = lines[:-1]
    assert [p.split(":")[1] for p in problems] == ["2", "3", "4"], problems
    assert lines[-1].startswith("data NOT OK: 3 problems")


def test_missing_folder(tmp_path, capsys):
    code, lines = run_validate(tmp_path / "nope", capsys)
    assert code == 1
    assert "no such folder" in lines[0]


def test_default_data_dir_is_the_repository(monkeypatch, pkg, capsys):
    monkeypatch.setenv("CTMODULE_DATA", str(pkg))
    assert main(["validate"]) == 0
    assert capsys.readouterr().out.startswith("data OK")


def test_subprocess(pkg):
    exe = Path(sys.executable).parent / "ctmodule"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "ctmodule", "validate"]
    if exe.exists():
        cmd.append("validate")
    ok = subprocess.run([*cmd, str(pkg)], capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.strip() == "data OK: 4 tables, 11 rows, 0 problems"
    edit(pkg / "events.csv", "2010,year", "2010-02-30,year")
    bad = subprocess.run([*cmd, str(pkg)], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1
    assert "data/events.csv:4:date: " in bad.stdout
    assert "Traceback" not in bad.stderr


def test_import_ctmodule_does_not_import_frictionless_or_pandas():
    code = (
        "import sys, ctmodule, ctmodule.cli; ctmodule.cli.build_parser(); "
        "print('frictionless' in sys.modules, 'pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["False", "False"], out.stdout + out.stderr


# ---------------------------------------------------------------------------
# the real package (once data/ exists)

real = pytest.mark.skipif(not (REAL_DATA / "datapackage.json").is_file(), reason="data/ not written yet")


@real
def test_real_package_validates(capsys):
    before = fingerprint(REAL_DATA)
    code, lines = run_validate(REAL_DATA, capsys)
    assert code == 0, "\n".join(lines)
    assert re.fullmatch(r"data OK: \d+ tables, \d+ rows, 0 problems", lines[-1])
    assert fingerprint(REAL_DATA) == before


@real
def test_real_package_counts():
    from ctmodule import data

    t = data.load_all(REAL_DATA)
    assert len(t["sources"]) >= 30
    scope = t["instruments"]["scope"].value_counts()
    assert scope["universal"] == 19
    assert scope["regional"] >= 10
    assert len(t["definitions"]) >= 10
    assert len(t["elements"]) >= 10
    events = t["events"]
    assert len(events) >= 40
    years = events["date_start"].dt.year
    assert years.min() <= 1999 and years.max() >= 2022
    assert len(t["cases"]) >= 8
    assert len(t["measures"]) >= 10
    assert len(t["claims"]) >= 15
    assert (t["claims"]["status"] == "differs").any()


if os.name == "nt":  # pragma: no cover
    pytestmark = pytest.mark.skip("POSIX paths in messages")
