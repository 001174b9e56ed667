"""Tests of the generated data dictionary (``ctmodule.data.datadict.render_markdown``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from datafixtures import build_package

from ctmodule.data.datadict import render_markdown

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def pkg(tmp_path):
    return build_package(tmp_path)


def _section(md: str, name: str) -> str:
    start = md.index(f"(app-data-{name})=")
    nxt = md.find("(app-data-", start + 1)
    return md[start : nxt if nxt > 0 else None]


def test_one_section_per_table(pkg):
    md = render_markdown(pkg / "datapackage.json")
    for name in ("sources", "events", "instruments", "claims"):
        assert f"(app-data-{name})=" in md
    assert "## Sources (`sources`)" in md
    assert "## `instruments`" in md  # no title: the name alone
    assert md.count("\n## ") + md.startswith("## ") == 4
    assert "{ref}`events <app-data-events>`" in md


def test_section_content(pkg):
    ev = _section(render_markdown(pkg / "datapackage.json"), "events")
    assert "A timeline." in ev
    assert "File `data/events.csv`; 3 rows; 6 columns." in ev
    assert "| Column | Type | Required | Allowed values / pattern | Description |" in ev
    assert "| `category` | string | yes | `law`, `attack`, `policy` |" in ev
    assert "its form matches `date_precision`" in ev
    assert "- Primary key: `event_id`." in ev
    assert "- `source_id` lists ids of `sources.source_id`, separated by `;`." in ev
    claims = _section(render_markdown(pkg / "datapackage.json"), "claims")
    assert "- `seed_source_id` refers to `sources.source_id`." in claims
    assert "`checked_against` lists ids of `sources.source_id`" in claims
    src = _section(render_markdown(pkg / "datapackage.json"), "sources")
    assert "a key of `references.bib`" in src
    assert "| `year` | integer | yes |" in src


def test_pipes_escaped_and_rows_well_formed(pkg):
    path = pkg / "datapackage.json"
    desc = json.loads(path.read_text(encoding="utf-8"))
    desc["resources"][1]["schema"]["fields"][0]["constraints"]["pattern"] = "^(a|b)$"
    path.write_text(json.dumps(desc), encoding="utf-8")
    md = render_markdown(path)
    assert "author(s) \\| editors" in md  # the fixture's description has a |
    assert "`^(a\\|b)$`" in md
    for line in md.splitlines():
        if line.startswith("| `"):
            unescaped = line.replace("\\|", "")
            assert unescaped.count("|") == 6, line


def test_row_count_of_broken_file(pkg):
    (pkg / "claims.csv").unlink()
    md = render_markdown(pkg / "datapackage.json")
    assert "unknown (the file cannot be read" in _section(md, "claims")


def test_appendix_page_has_marker_and_label():
    page = (REPO / "appendix" / "data-dictionary.md").read_text(encoding="utf-8")
    assert page.startswith("(app-data-dictionary)=\n# Data dictionary")
    assert "<!-- ctmodule:data-dictionary -->" in page


@pytest.mark.skipif(not (REPO / "data" / "datapackage.json").is_file(), reason="data/ not written yet")
def test_real_dictionary_lists_every_table():
    desc = json.loads((REPO / "data" / "datapackage.json").read_text(encoding="utf-8"))
    md = render_markdown(REPO / "data" / "datapackage.json")
    for res in desc["resources"]:
        sec = _section(md, res["name"])
        assert "unknown (the file cannot be read" not in sec, res["name"]
        assert f"File `data/{res['path']}`; " in sec
        for field in res["schema"]["fields"]:
            assert f"| `{field['name']}` |" in sec, (res["name"], field["name"])
