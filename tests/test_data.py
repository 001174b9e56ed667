"""Tests of the loader ``ctmodule.data`` on the fixture package (and the real one if present)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from datafixtures import build_package, fingerprint

from ctmodule import data

REAL_DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def pkg(tmp_path):
    return build_package(tmp_path)


def test_load_dtypes(pkg):
    sources = data.load("sources", pkg)
    assert str(sources["year"].dtype) == "Int64"
    assert isinstance(sources["type"].dtype, pd.CategoricalDtype)
    assert list(sources["type"].cat.categories) == ["book", "article", "web"]
    assert not sources["type"].cat.ordered
    assert sources["url"].isna().tolist() == [True, False, False]
    assert pd.api.types.is_string_dtype(sources["title"]) and not isinstance(
        sources["title"].dtype, pd.CategoricalDtype
    )
    # a quoted value spanning two lines is one cell
    assert sources.loc[2, "title"] == "A web page\nover two lines"
    assert sources.loc[1, "title"] == "An article, with a comma"
    claims = data.load("claims", pkg)
    assert claims["year"].tolist()[0] == 2001 and claims["year"].isna().tolist() == [False, True]


def test_load_partial_dates_with_precision_column(pkg):
    events = data.load("events", pkg)
    assert events["date"].tolist() == ["2001-09-11", "2006-09", "2010"]  # ISO strings kept
    assert events["date_start"].tolist() == [
        pd.Timestamp("2001-09-11"),
        pd.Timestamp("2006-09-01"),
        pd.Timestamp("2010-01-01"),
    ]
    prec = events["date_precision"]
    assert prec.cat.ordered and list(prec.cat.categories) == ["year", "month", "day"]
    assert (prec > "year").tolist() == [True, True, False]
    assert "date_precision_precision" not in events.columns


def test_load_partial_dates_without_precision_column(pkg):
    inst = data.load("instruments", pkg)
    assert inst["adopted_date_precision"].tolist()[:2] == ["day", "month"]
    assert pd.isna(inst["adopted_date_precision"].iloc[2])
    assert pd.isna(inst["adopted_date_start"].iloc[2])
    assert inst["adopted_date_start"].iloc[1] == pd.Timestamp("2001-06-01")


def test_load_all_and_cache_returns_copies(pkg):
    tables = data.load_all(pkg)
    assert list(tables) == ["sources", "events", "instruments", "claims"]
    tables["events"].loc[0, "title"] = "changed"
    assert data.load("events", pkg).loc[0, "title"] == "First event"


def test_cache_notices_a_changed_file(pkg):
    assert len(data.load("events", pkg)) == 3
    p = pkg / "events.csv"
    p.write_text(p.read_text(encoding="utf-8") + "ev4,2011,year,law,Fourth,un2006\n", encoding="utf-8")
    assert len(data.load("events", pkg)) == 4


def test_unknown_table(pkg):
    with pytest.raises(KeyError, match="tables: sources, events"):
        data.load("nope", pkg)


def test_split_and_explode_refs(pkg):
    assert data.split_refs("a; b;c") == ["a", "b", "c"]
    assert data.split_refs("") == [] and data.split_refs(None) == [] and data.split_refs(pd.NA) == []
    long = data.explode_refs(data.load("events", pkg))
    assert long["source_id"].tolist() == ["smith2001", "un2006", "jones2010", "jones2010"]
    assert long["event_id"].tolist() == ["ev1", "ev2", "ev2", "ev3"]


def test_sources_for_and_labels(pkg):
    events = data.load("events", pkg)
    s = data.sources_for(events.iloc[1], data_dir=pkg)
    assert s["source_id"].tolist() == ["un2006", "jones2010"]
    assert {"author", "year", "title", "url", "bib_key", "label"} <= set(s.columns)
    assert s["label"].tolist() == ["United Nations (2006)", "Jones and Lee (2010)"]
    assert data.sources_for("smith2001;un2006", data_dir=pkg)["bib_key"].tolist() == [
        "Smith2001things",
        "UN2006page",
    ]
    assert data.sources_for(events, data_dir=pkg)["source_id"].tolist() == [
        "smith2001",
        "un2006",
        "jones2010",
    ]
    with pytest.raises(KeyError, match="nobody"):
        data.sources_for("nobody", data_dir=pkg)
    assert data.label("smith2001", data_dir=pkg) == "Smith (2001)"
    assert data.label({"author": "A, B; C, D; E, F", "year": 2000}) == "A et al. (2000)"
    assert data.label({"author": "Org", "year": None}) == "Org (n.d.)"


def test_cite_and_citation_labels(pkg):
    events = data.load("events", pkg)
    long = data.cite(events, data_dir=pkg)
    assert list(long.columns[:2]) == ["event_id", "source_id"]
    assert long[["event_id", "bib_key"]].values.tolist() == [
        ["ev1", "Smith2001things"],
        ["ev2", "UN2006page"],
        ["ev2", "Jones2010article"],
        ["ev3", "Jones2010article"],
    ]
    claims = data.load("claims", pkg)
    labels = data.citation_labels(claims, "checked_against", data_dir=pkg)
    assert labels.tolist() == ["Jones and Lee (2010)", "Jones and Lee (2010); United Nations (2006)"]


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2019", (dt.date(2019, 1, 1), "year")),
        ("2019-11", (dt.date(2019, 11, 1), "month")),
        ("2020-02-29", (dt.date(2020, 2, 29), "day")),
    ],
)
def test_parse_partial_date(value, expected):
    assert data.parse_partial_date(value) == expected


@pytest.mark.parametrize(
    "value, message",
    [
        ("2019-13-01", "no month 13"),
        ("2019-02-30", "no day 30"),
        ("2019-02-29", "no day 29"),
        ("March 2019", "YYYY-MM"),
        ("19-11-2019", "is not a date"),
        ("2019-1", "is not a date"),
    ],
)
def test_parse_partial_date_rejects(value, message):
    with pytest.raises(ValueError, match=message):
        data.parse_partial_date(value)


# ---------------------------------------------------------------------------
# broken files raise DataError naming file, line and column


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    "table, old, new, where",
    [
        ("events", "2006-09,month", "2019-02-30,day", "data/events.csv:3:date: "),
        ("events", "2006-09,month", "2006-09,day", "data/events.csv:3:date: "),
        ("events", ",policy,", ",politics,", "data/events.csv:3:category: "),
        ("events", "Third event", "", "data/events.csv:4:title: "),
        ("events", "ev3,", "ev1,", "data/events.csv:4:event_id: "),
        ("events", "Second event", "Second, event", "data/events.csv:3: "),
        ("events", "category,", "kategory,", "data/events.csv:1:category: "),
        ("sources", ",2010,", ",20x0,", "data/sources.csv:3:year: "),
        ("instruments", "2001-06", "June 2001", "data/instruments.csv:3:adopted_date: "),
    ],
)
def test_load_broken_file_raises_data_error(pkg, table, old, new, where):
    _edit(pkg / f"{table}.csv", old, new)
    before = fingerprint(pkg.parent)
    with pytest.raises(data.DataError) as info:
        data.load(table, pkg)
    assert str(info.value).startswith(where), str(info.value)
    assert fingerprint(pkg.parent) == before


def test_load_not_utf8(pkg):
    p = pkg / "events.csv"
    p.write_bytes(p.read_bytes().replace(b"Third", b"Th\xffird"))
    with pytest.raises(data.DataError, match=r"events.csv:4: not valid UTF-8: byte 0xff"):
        data.load("events", pkg)


def test_load_missing_package(tmp_path):
    with pytest.raises(data.DataError, match="datapackage.json: missing"):
        data.load("events", tmp_path)


def test_resolve_data_dir_uses_paths(monkeypatch, pkg):
    monkeypatch.setenv("CTMODULE_DATA", str(pkg))
    assert data.resolve_data_dir() == pkg.resolve()
    assert len(data.load("events")) == 3


@pytest.mark.skipif(not (REAL_DATA / "datapackage.json").is_file(), reason="data/ not written yet")
def test_real_data_loads_with_types():
    tables = data.load_all(REAL_DATA)
    for name, df in tables.items():
        assert len(df) > 0, name
        assert "source_id" in df.columns or name in ("sources", "claims"), name
    events = tables["events"]
    assert events["date_start"].notna().all()
    assert str(events["date_start"].dtype).startswith("datetime64")
    # every source id cited anywhere resolves
    for name, df in tables.items():
        if "source_id" in df.columns and name != "sources":
            data.sources_for(df, data_dir=REAL_DATA)


@pytest.mark.parametrize(
    "author, expected",
    [
        ("Samantha Brletich", "Brletich (2017)"),
        ("Barry Buzan; Ole Wæver; Jaap de Wilde", "Buzan et al. (2017)"),
        ("John Heathershaw; David W. Montgomery", "Heathershaw and Montgomery (2017)"),
        ("Wæver, Ole", "Wæver (2017)"),
        ("Republic of Kazakhstan", "Republic of Kazakhstan (2017)"),
        ("Freedom House", "Freedom House (2017)"),
        ("Jibek Joly TV", "Jibek Joly TV (2017)"),
        (
            "Centre for International Law, National University of Singapore",
            "Centre for International Law, National University of Singapore (2017)",
        ),
        ("unlimitedpolitics.com", "unlimitedpolitics.com (2017)"),
    ],
)
def test_label_persons_and_organisations(author, expected):
    assert data.label({"author": author, "year": 2017}) == expected


# --- year_of: one function for the strict (ISO) and the lenient (free text) reading ---------------


@pytest.mark.parametrize(
    ("value", "strict", "lenient"),
    [
        ("1963", 1963, 1963), ("1963-09", 1963, 1963), ("1963-09-14", 1963, 1963), (2019, 2019, 2019),
        ("2010-12-01/2010-12-02", 2010, 2010), (" 2019-11", 2019, 2019),
        ("", None, None), (None, None, None), (float("nan"), None, None), ("n.d.", None, None),
        # where the two readings differ
        ("circa 2019", None, 2019),          # a year inside free text: only the lenient reading finds it
        ("n.d. [2019]", None, 2019),
        ("0999", 999, None),                 # four digits at the start, but no plausible year
        ("12345", 1234, None),
        ("1750", 1750, None),
    ],
)
def test_year_of_strict_and_lenient(value, strict, lenient):
    assert data.year_of(value) == strict
    assert data.year_of(value, anywhere=True) == lenient


def test_year_of_accepts_pandas_missing_values():
    import pandas as pd

    for missing in (pd.NA, pd.NaT):
        assert data.year_of(missing) is None
        assert data.year_of(missing, anywhere=True) is None


def test_dates_doctests():
    import doctest

    from ctmodule.data import dates

    failures, tried = doctest.testmod(dates)
    assert tried > 0 and failures == 0


def test_the_data_card_gives_each_table_its_row_count():
    """data/README.md's table of tables states each table's rows; the count follows the data."""
    import re

    import pandas as pd

    from ctmodule.paths import repo_root

    data = repo_root() / "data"
    card = (data / "README.md").read_text(encoding="utf-8")
    stated = {name: int(rows) for name, rows in re.findall(r"^\| `([a-z_]+\.csv)` \| (\d+) \|", card, re.M)}
    tables = sorted(p.name for p in data.glob("*.csv"))
    assert sorted(stated) == tables, f"data/README.md lists {sorted(stated)}, the folder holds {tables}"
    wrong = {name: (rows, len(pd.read_csv(data / name))) for name, rows in stated.items()
             if rows != len(pd.read_csv(data / name))}
    assert not wrong, "data/README.md: row counts (stated, actual) out of date: " + repr(wrong)


# The label columns the Russian edition shows, by table (issue 18). Enum columns (instruments'
# domain, gender's setting) are not here: the code translates enum values.
RUSSIAN_LABELS = {
    "elements": ["label", "description", "scenario_question"],
    "definitions": ["name", "jurisdiction"],
    "instruments": ["short_name", "full_name", "kazakhstan_status"],
    "scenarios": ["title", "description"],
    "gender": ["group_label"],
    "measures": ["name", "legal_basis", "description"],
    "cases": ["legal_basis"],
    "claims": ["claim", "note"],
}


@pytest.mark.skipif(not (REAL_DATA / "datapackage.json").is_file(), reason="data/ not written yet")
@pytest.mark.parametrize("table", sorted(RUSSIAN_LABELS))
def test_shown_labels_have_a_russian_column_on_every_row(table):
    frame = data.load(table, REAL_DATA)
    for column in RUSSIAN_LABELS[table]:
        russian = data.label_column(frame, column, "ru", table=table)
        assert len(russian) == len(frame)
        # a Russian text, not the English copied over: every cell has Cyrillic letters
        latin_only = [v for v in russian if not any("\u0400" <= ch <= "\u04ff" for ch in str(v))]
        assert not latin_only, f"{table}.{column}_ru: {latin_only[:3]}"
        assert (russian != frame[column]).all()


@pytest.mark.skipif(not (REAL_DATA / "datapackage.json").is_file(), reason="data/ not written yet")
def test_russian_fields_follow_their_english_field_and_keep_its_rules():
    import json

    package = json.loads((REAL_DATA / "datapackage.json").read_text(encoding="utf-8"))
    seen = set()
    for resource in package["resources"]:
        fields = resource["schema"]["fields"]
        names = [f["name"] for f in fields]
        for i, field in enumerate(fields):
            if not field["name"].endswith("_ru"):
                continue
            english = fields[i - 1]
            assert english["name"] + "_ru" == field["name"], (resource["name"], field["name"], names)
            assert field["type"] == english["type"] == "string"
            assert field["description"].startswith(f"The Russian of {english['name']}")
            assert field["title"] == english["title"] + " (Russian)"
            assert bool(field.get("constraints", {}).get("required")) == bool(
                english.get("constraints", {}).get("required"))
            seen.add((resource["name"], english["name"]))
    assert seen >= {(t, c) for t, cols in RUSSIAN_LABELS.items() for c in cols}


@pytest.mark.skipif(not (REAL_DATA / "datapackage.json").is_file(), reason="data/ not written yet")
def test_russian_labels_use_the_terminology_list():
    from ctmodule.data import terminology

    terms = terminology.load()
    problems = []
    for table, columns in RUSSIAN_LABELS.items():
        frame = data.load(table, REAL_DATA)
        for column in columns:
            for line, (english, russian) in enumerate(zip(frame[column], frame[f"{column}_ru"], strict=True), start=2):
                problems += [f"data/{table}.csv:{line}:{column}_ru: {p.term.en} -> {p.term.ru}"
                             for p in terminology.find_inconsistencies(str(english), str(russian), terms)]
    assert not problems, "\n".join(problems)


def test_every_id_reference_is_a_row_identifier():
    """``data.row_identifiers`` (the primary keys' values) is what the book and the prose check
    take for the data's identifiers: every value of every ``*_id`` column is one."""
    from ctmodule import data

    ids = data.row_identifiers()
    assert "website-blocking" in ids and len(ids) > 500
    for name, frame in data.load_all().items():
        for column in (c for c in frame.columns if c.endswith("_id")):
            values = {p.strip() for v in frame[column].dropna() for p in str(v).split(";") if p.strip()}
            assert values <= ids, (name, column, sorted(values - ids)[:5])
