"""The claims table: who makes each claim (``claimant_type``) and the row rules that tie its
source columns together, checked by ``ctmodule validate`` on a copy of the real package.

Every bad value must fail with ``file:line:column``, and the files must stay unchanged."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from datafixtures import fingerprint

from ctmodule.cli import main

REPO = Path(__file__).resolve().parents[1]
CLAIMANT_TYPES = {
    "seed_critic", "government", "official", "state_media", "international_body", "ngo", "media", "academic",
}


@pytest.fixture
def pkg(tmp_path) -> Path:
    shutil.copytree(REPO / "data", tmp_path / "data")
    shutil.copy(REPO / "references.bib", tmp_path / "references.bib")
    return tmp_path / "data"


def rows(pkg: Path) -> tuple[list[str], list[dict]]:
    text = (pkg / "claims.csv").read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    return list(reader.fieldnames or []), list(reader)


def write(pkg: Path, header: list[str], records: list[dict]) -> None:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    w.writeheader()
    w.writerows(records)
    (pkg / "claims.csv").write_text(out.getvalue(), encoding="utf-8")


def change(pkg: Path, claim_id: str, **values) -> int:
    """Set cells of one row; return the row's line in the file (header = line 1)."""
    header, records = rows(pkg)
    index = next(i for i, r in enumerate(records) if r["claim_id"] == claim_id)
    records[index].update(values)
    write(pkg, header, records)
    return index + 2  # no claim spans several lines


def validate(pkg: Path, capsys) -> tuple[int, list[str]]:
    before = fingerprint(pkg.parent)
    code = main(["validate", str(pkg)])
    assert fingerprint(pkg.parent) == before, "validate must not change any file"
    return code, capsys.readouterr().out.strip().splitlines()


def test_real_claims_pass(pkg, capsys):
    code, lines = validate(pkg, capsys)
    assert code == 0, lines


def test_bad_claimant_type_names_file_row_and_column(pkg, capsys):
    line = change(pkg, "seed-c", claimant_type="goverment")
    code, lines = validate(pkg, capsys)
    assert code == 1
    hit = [x for x in lines if x.startswith(f"data/claims.csv:{line}:claimant_type: ")]
    assert hit, lines
    assert '"goverment" is not an allowed value' in hit[0] and "government" in hit[0]


def test_empty_claimant_type_is_required(pkg, capsys):
    line = change(pkg, "seed-c", claimant_type="")
    code, lines = validate(pkg, capsys)
    assert code == 1
    assert any(x.startswith(f"data/claims.csv:{line}:claimant_type: ") and "required" in x for x in lines), lines


def test_seed_source_id_required_for_a_seed_critic(pkg, capsys):
    line = change(pkg, "seed-e", seed_source_id="")
    code, lines = validate(pkg, capsys)
    assert code == 1
    assert f'data/claims.csv:{line}:seed_source_id: a value is required here because claimant_type is "seed_critic"' in lines


def test_seed_source_id_must_be_empty_for_another_claimant(pkg, capsys):
    header, records = rows(pkg)
    official = next(r for r in records if r["claimant_type"] != "seed_critic")
    line = change(pkg, official["claim_id"], seed_source_id="brletich2017")
    code, lines = validate(pkg, capsys)
    assert code == 1
    assert any(
        x.startswith(f"data/claims.csv:{line}:seed_source_id: ") and "must be empty unless claimant_type" in x
        for x in lines
    ), lines


def test_seed_source_id_must_match_claimant_source_id(pkg, capsys):
    line = change(pkg, "seed-e", seed_source_id="brletich2017")
    code, lines = validate(pkg, capsys)
    assert code == 1
    assert any(
        x.startswith(f"data/claims.csv:{line}:seed_source_id: ") and "same as claimant_source_id" in x for x in lines
    ), lines


def test_claimant_source_must_be_listed_in_source_id(pkg, capsys):
    line = change(pkg, "seed-e", source_id="timesca2017_khalabuzar;diplomat2017_khalabuzar;fergana2017_khalabuzar")
    code, lines = validate(pkg, capsys)
    assert code == 1
    assert any(
        x.startswith(f"data/claims.csv:{line}:claimant_source_id: ") and "must also be listed in source_id" in x
        for x in lines
    ), lines


def test_checked_against_must_be_listed_in_source_id(pkg, capsys):
    line = change(pkg, "seed-m", source_id="brletich2017")
    code, lines = validate(pkg, capsys)
    assert code == 1
    assert any(
        x.startswith(f"data/claims.csv:{line}:checked_against: ") and "'un_press_sc12602'" in x for x in lines
    ), lines


def test_unknown_claimant_source_id(pkg, capsys):
    line = change(pkg, "seed-m", claimant_source_id="nobody2099", source_id="nobody2099;un_press_sc12602")
    code, lines = validate(pkg, capsys)
    assert code == 1
    assert any(x.startswith(f"data/claims.csv:{line}:claimant_source_id: ") and "nobody2099" in x for x in lines), lines


def test_rule_naming_a_missing_field_is_a_descriptor_problem(pkg, capsys):
    path = pkg / "datapackage.json"
    desc = json.loads(path.read_text(encoding="utf-8"))
    claims = next(r for r in desc["resources"] if r["name"] == "claims")
    field = next(f for f in claims["schema"]["fields"] if f["name"] == "seed_source_id")
    field["ctmodule:same_as"] = "claimant_src"
    path.write_text(json.dumps(desc, indent=2), encoding="utf-8")
    code, lines = validate(pkg, capsys)
    assert code == 1
    assert any("data/datapackage.json: " in x and '"claimant_src", which does not exist' in x for x in lines), lines


def test_claimant_vocabulary_is_declared_and_used():
    desc = json.loads((REPO / "data" / "datapackage.json").read_text(encoding="utf-8"))
    claims = next(r for r in desc["resources"] if r["name"] == "claims")
    field = next(f for f in claims["schema"]["fields"] if f["name"] == "claimant_type")
    assert set(field["constraints"]["enum"]) == CLAIMANT_TYPES
    for value in CLAIMANT_TYPES:  # every value is explained in the description and the data card
        assert value in field["description"]
        assert f"`{value}`" in (REPO / "data" / "README.md").read_text(encoding="utf-8")


def test_real_claims_cover_officials_with_the_same_scale():
    from ctmodule import data

    claims = data.load("claims")
    kinds = claims["claimant_type"].astype(str)
    seeds = claims[kinds == "seed_critic"]
    official = claims[kinds.isin(["government", "official", "state_media"])]
    assert len(seeds) == 26 and seeds["claim_id"].str.startswith("seed-").all()
    assert len(official) >= 12
    assert set(official["status"].astype(str)) <= {"confirmed", "differs", "unverified"}
    assert (seeds["seed_source_id"].astype(str) == seeds["claimant_source_id"].astype(str)).all()
    assert claims.loc[kinds != "seed_critic", "seed_source_id"].isna().all()
