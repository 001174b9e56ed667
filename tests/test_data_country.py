"""The ``country`` column of cases and measures: ISO 3166-1 alpha-3 codes, declared in the
schema with an enum, checked by ``ctmodule validate`` and by the loader with the file, the
line and the column of every bad cell, and a hint saying what to write instead."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ctmodule import data
from ctmodule.cli import main
from ctmodule.data.validate import validate_package

REPO = Path(__file__).resolve().parents[1]
STATES = {"KAZ", "KGZ", "TJK", "TKM", "UZB"}


@pytest.fixture
def copy(tmp_path):
    """A copy of the real data folder with references.bib beside it, as in the repository."""
    shutil.copytree(REPO / "data", tmp_path / "data")
    shutil.copy(REPO / "references.bib", tmp_path / "references.bib")
    return tmp_path / "data"


def set_country(folder: Path, table: str, line: int, value: str) -> None:
    """Replace the country cell (second column) on an editor line of ``table``.csv."""
    path = folder / f"{table}.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    first, country, rest = lines[line - 1].split(",", 2)
    assert country in STATES, "the fixture expects a country in the second column"
    lines[line - 1] = f"{first},{value},{rest}"
    path.write_text("\n".join(lines), encoding="utf-8")


def problems(folder: Path) -> list[str]:
    return [str(p) for p in validate_package(folder).problems]


# --------------------------------------------------------------------------- the schema


@pytest.mark.parametrize("table", ["cases", "measures"])
def test_country_is_declared_with_an_enum_of_alpha3_codes(table):
    desc = json.loads((REPO / "data" / "datapackage.json").read_text(encoding="utf-8"))
    res = next(r for r in desc["resources"] if r["name"] == table)
    field = next(f for f in res["schema"]["fields"] if f["name"] == "country")
    assert field[data.COUNTRY] is True
    assert field["constraints"]["required"] is True
    assert set(field["constraints"]["enum"]) == STATES
    assert all(data.ALPHA3.match(c) for c in field["constraints"]["enum"])


@pytest.mark.parametrize("table", ["cases", "measures"])
def test_every_row_has_a_country_and_loads_as_a_category(table):
    frame = data.load(table)
    assert frame["country"].notna().all()
    assert set(frame["country"].cat.categories) == STATES


def test_the_region_is_covered_beyond_kazakhstan():
    rows = data.load("cases")[["country"]].astype(str)
    rows = [*rows["country"], *data.load("measures")["country"].astype(str)]
    outside = [c for c in rows if c != "KAZ"]
    assert len(outside) >= 10, f"only {len(outside)} rows outside Kazakhstan"
    per_state = {s: outside.count(s) for s in STATES - {"KAZ"}}
    assert sum(1 for n in per_state.values() if n >= 2) >= 3, per_state


def test_real_package_is_valid():
    assert validate_package(REPO / "data").ok


# --------------------------------------------------------------------------- bad cells


@pytest.mark.parametrize(
    ("table", "line", "value", "hint"),
    [
        ("cases", 3, "KZ", 'alpha-2 code: use the alpha-3 code "KAZ"'),
        ("cases", 2, "kaz", 'written in capitals: "KAZ"'),
        ("measures", 4, "Kazakhstan", 'alpha-3 code "KAZ", not the name'),
        ("measures", 2, "RUS", "add its code to the enum in datapackage.json"),
        ("measures", 3, "RU", "alpha-2 code of Russia, which this column does not allow"),
        ("cases", 4, "XX1", "three capital letters"),
    ],
)
def test_bad_country_names_file_line_and_column(copy, capsys, table, line, value, hint):
    set_country(copy, table, line, value)
    found = problems(copy)
    assert len(found) == 1, found
    assert found[0].startswith(f"data/{table}.csv:{line}:country: ")
    assert f'"{value}"' in found[0] and hint in found[0] and "allowed: KAZ, KGZ, TJK, TKM, UZB" in found[0]
    # the command line says the same and fails
    assert main(["validate", str(copy)]) == 1
    assert f"data/{table}.csv:{line}:country:" in capsys.readouterr().out


def test_empty_country_is_required(copy):
    set_country(copy, "cases", 5, "")
    found = problems(copy)
    assert found == ["data/cases.csv:5:country: a value is required here but the cell is empty"]


def test_loader_names_file_line_and_column(copy):
    set_country(copy, "measures", 6, "UZ")
    with pytest.raises(data.DataError) as err:
        data.load("measures", copy)
    assert (err.value.file, err.value.line, err.value.column) == ("data/measures.csv", 6, "country")
    assert 'use the alpha-3 code "UZB"' in str(err.value)


def test_bad_rows_leave_the_files_unchanged(copy):
    set_country(copy, "cases", 3, "KZ")
    before = {p.name: p.read_bytes() for p in copy.iterdir()}
    problems(copy)
    assert {p.name: p.read_bytes() for p in copy.iterdir()} == before


# --------------------------------------------------------------------------- the descriptor


def _edit_country_field(folder: Path, change) -> None:
    path = folder / "datapackage.json"
    desc = json.loads(path.read_text(encoding="utf-8"))
    res = next(r for r in desc["resources"] if r["name"] == "cases")
    change(next(f for f in res["schema"]["fields"] if f["name"] == "country"))
    path.write_text(json.dumps(desc, indent=2), encoding="utf-8")


def test_country_field_without_enum_is_refused(copy):
    _edit_country_field(copy, lambda f: f["constraints"].pop("enum"))
    found = problems(copy)
    assert any(
        p.startswith("data/datapackage.json: ") and 'resource "cases", field "country"' in p and "enum" in p
        for p in found
    ), found


def test_country_enum_must_hold_alpha3_codes(copy):
    _edit_country_field(copy, lambda f: f["constraints"]["enum"].extend(["kz", "KAZ"]))
    found = problems(copy)
    assert any('"kz" in the enum is not an ISO 3166-1 alpha-3 code' in p for p in found), found
    assert any("the enum lists a code twice" in p for p in found), found


def test_hint_for_allowed_values_and_stray_spaces():
    assert data.country_hint("KAZ", ["KAZ"]) == ""
    assert data.country_hint(" KAZ ", ["KAZ"]) == ' (spaces around the code: write "KAZ")'


def test_move_and_instrument_are_coded_for_every_case():
    cases = data.load("cases")
    assert set(cases["move"].cat.categories) == {"securitising", "desecuritising", "declined"}
    assert list(cases["instrument"].cat.categories) == ["control", "listing", "ban", "prosecution", "force"]
    assert cases["instrument"].cat.ordered  # "ctmodule:ordered": severity is an ordering
    assert cases[["move", "instrument"]].notna().all().all()


def test_bad_move_names_file_line_and_column(copy):
    path = copy / "cases.csv"
    text = path.read_text(encoding="utf-8")
    assert ",securitising,prosecution," in text
    path.write_text(text.replace(",securitising,prosecution,", ",securitizing,prosecution,", 1), encoding="utf-8")
    found = problems(copy)
    assert len(found) == 1 and found[0].startswith("data/cases.csv:2:move: "), found
