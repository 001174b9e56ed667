"""The analytical questions of the exercises, checked against ``ctmodule``.

The notebooks students get read the CSVs with pandas only, and their hidden tests hold the expected
values for the current data (the grader's judge sees the submission's values, not the data files).
This file ties those values to the package: it runs the master notebooks (their solutions) and
compares each analytical answer with the function of ``ctmodule.analysis`` that computes the same
thing on ``data/``, so a change in the data shows up here and in nbval together; and it shows that
the masters keep to Kazakhstan once ``cases.csv`` and ``measures.csv`` gain a ``country`` column and
rows for other Central Asian states.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient

from ctmodule.analysis import cases as cs
from ctmodule.analysis import definitions as defs
from ctmodule.analysis import instruments as ins
from ctmodule.analysis import synthesis

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
DATA = ROOT / "data"
KZ = "kz_416_i_art1_5"

# the variables each analytical question leaves behind, as JSON
ANSWERS = {
    "ex01-instruments": "{'median_by_scope': {k: float(v) for k, v in median_by_scope.items()}, "
    "'faster_scope': faster_scope, 'fastest_decade': fastest_decade, 'ids': sorted(lags['instrument_id'])}",
    "ex02-definitions": "{'no_extremism': swaps_no_extremism, 'motive': swaps_motive}",
    "ex03-case-coding": "{'share': state_security_share, 'broad': share_broad, 'gained': gained, "
    "'confirmed': share_confirmed, 'robust': robust}",
    "ex04-security-council": "{'table': {k: [int(r['events']), int(r['domestic'])] for k, r in by_period.iterrows()}, "
    "'pattern': pattern}",
    "ex06-information-controls": "{'attack': first_2016_attack, 'predating': predating, 'share': share_predating}",
}


def _run_master(ex_id: str, workdir: Path, data: Path = DATA) -> dict:
    """Execute a master notebook (solutions included) in ``workdir`` and return its answers."""
    workdir.mkdir(parents=True, exist_ok=True)
    if not (workdir / "data").exists():
        shutil.copytree(data, workdir / "data")
    nb = nbformat.read(EXERCISES / ex_id / f"{ex_id}.ipynb", as_version=4)
    nb.cells = [c for c in nb.cells if c.cell_type != "raw"]
    nb.cells.append(nbformat.v4.new_code_cell(f"import json\nprint(json.dumps({ANSWERS[ex_id]}))"))
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}).execute()
    out = nb.cells[-1].outputs
    text = "".join(o.get("text", "") for o in out if o.get("output_type") == "stream")
    return json.loads(text.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def answers(tmp_path_factory):
    base = tmp_path_factory.mktemp("answers")
    return {ex_id: _run_master(ex_id, base / ex_id) for ex_id in ANSWERS}


def test_ex01_lags_match_ctmodule(answers):
    got = answers["ex01-instruments"]
    table = pd.read_csv(DATA / "instruments.csv")
    by_scope = ins.median_lag(table)
    assert got["median_by_scope"] == pytest.approx(by_scope.to_dict())
    assert got["faster_scope"] == by_scope.index[0]
    assert got["fastest_decade"] == int(ins.median_lag(table, "decade").index[0])
    assert got["ids"] == sorted(ins.joining_lags(table)["instrument_id"])


def test_ex02_rank_swaps_match_ctmodule(answers):
    got = answers["ex02-definitions"]
    grid = defs.element_grid(pd.read_csv(DATA / "definition_elements.csv"), numeric=True)
    assert [tuple(p) for p in got["no_extremism"]] == defs.rank_swaps(grid, KZ, {"extremism_separatism": 0})
    assert [tuple(p) for p in got["motive"]] == defs.rank_swaps(grid, KZ, {"political_motive": 3})


def test_ex03_shares_match_ctmodule(answers):
    got = answers["ex03-case-coding"]
    table = pd.read_csv(DATA / "cases.csv")
    assert got["share"] == pytest.approx(cs.referent_share(table, "state security"))
    assert got["broad"] == pytest.approx(cs.referent_share(table, r"\bstate\b"))
    assert got["confirmed"] == pytest.approx(cs.referent_share(table, "state security", confidence="confirmed"))
    assert got["gained"] == cs.matches_gained(table, "state security", r"\bstate\b")
    assert got["robust"] == (min(got["share"], got["broad"], got["confirmed"]) >= 0.5)


def test_ex04_periods_match_ctmodule(answers):
    got = answers["ex04-security-council"]
    periods = (("before", 2015, 2016), ("term", 2017, 2018), ("after", 2019, 2020))
    counts = synthesis.counts_by_period(pd.read_csv(DATA / "events.csv"), "category", periods=periods)
    home = [c for c in ("law", "prosecution", "information_control") if c in counts.columns]
    want = {k: [int(counts.loc[k].sum()), int(counts.loc[k, home].sum())] for k in counts.index}
    assert got["table"] == want
    shares = [d / n for n, d in want.values()]
    assert (got["pattern"] == "rising") == (shares[0] < shares[1] < shares[2])


def test_ex06_predating_matches_ctmodule(answers):
    got = answers["ex06-information-controls"]
    events = pd.read_csv(DATA / "events.csv")
    incidents = events[(events["category"] == "incident") & events["date"].str.startswith("2016")]
    first = min(incidents["date"], key=cs.period_start)
    assert got["attack"] == first
    measures = cs.for_country(pd.read_csv(DATA / "measures.csv"))
    controls = set(cs.information_controls(measures)["measure_id"])
    placed = cs.measures_before(measures[measures["measure_id"].isin(controls)], first)
    before = placed.loc[placed["status"] == "before", "measure_id"]
    assert sorted(got["predating"]) == sorted(before)
    assert got["share"] == pytest.approx(len(before) / len(controls))


def _with_other_states(data: Path) -> None:
    """Add to cases.csv and measures.csv a row of another state that every Kazakhstan question would
    count if it forgot to filter (and the country column, where the data predate it)."""
    cases = pd.read_csv(data / "cases.csv")
    foreign = cases.iloc[[0]].assign(case_id="tjk-test-case", referent_object="State security", confidence="confirmed")
    if "country" not in cases.columns:  # the data before the regional chapter: every row is Kazakhstan's
        cases = cases.assign(country="KAZ")
    pd.concat([cases, foreign.assign(country="TJK")]).to_csv(data / "cases.csv", index=False)
    measures = pd.read_csv(data / "measures.csv")
    extra = measures.iloc[[0]].assign(measure_id="uzb-test-block", type="technical_control", date="2012-05", date_precision="month")
    if "country" not in measures.columns:
        measures = measures.assign(country="KAZ")
    pd.concat([measures, extra.assign(country="UZB")]).to_csv(data / "measures.csv", index=False)


@pytest.mark.parametrize("ex_id", ["ex03-case-coding", "ex06-information-controls"])
def test_masters_keep_to_kazakhstan_when_other_states_arrive(ex_id, tmp_path):
    """With rows of other states in the tables, the masters (all their hidden tests) still pass."""
    shutil.copytree(DATA, tmp_path / "data")
    _with_other_states(tmp_path / "data")
    shutil.copy(EXERCISES / ex_id / f"{ex_id}.ipynb", tmp_path / f"{ex_id}.ipynb")
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts =\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist",
         "--nbval-lax", "--nbval-current-env", "-q", f"{ex_id}.ipynb"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # and the foreign rows really were there to be counted
    assert "TJK" in (tmp_path / "data" / "cases.csv").read_text(encoding="utf-8")


def test_foreign_rows_would_change_the_answers(tmp_path):
    """The check above can fail: without the filter the foreign rows change the ctmodule answers."""
    shutil.copytree(DATA, tmp_path / "data")
    _with_other_states(tmp_path / "data")
    cases = pd.read_csv(tmp_path / "data" / "cases.csv")
    assert cs.referent_share(cases, "state security", country=None) != cs.referent_share(cases, "state security")
    measures = pd.read_csv(tmp_path / "data" / "measures.csv")
    assert "uzb-test-block" in set(cs.information_controls(measures)["measure_id"])
    assert "uzb-test-block" not in set(cs.information_controls(cs.for_country(measures))["measure_id"])
