"""Tests for ctmodule.analysis.instruments: on a small invented table, plus one check of the real data."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from ctmodule.analysis import instruments as ins
from ctmodule.paths import data_dir

COLUMNS = [
    "instrument_id", "short_name", "full_name", "scope", "organisation", "domain",
    "adopted_date", "in_force_date", "kazakhstan_status", "source_id",
]


@pytest.fixture
def table() -> pd.DataFrame:
    rows = [
        ("T-1", "Alpha", "Convention on Alpha", "universal", "UN", "aviation",
         "1963-09-14", "1969-12-04", "Ratification law of 8 Dec 2018 No. 198-VI", "s1"),
        ("T-2", "Beta", "Protocol to the Convention on Alpha", "universal", "UN", "aviation",
         "1988-02", "1989", "Not verified (believed to be a party)", "s1"),
        ("T-3", "Gamma", "International Convention against Gamma", "universal", "UN", "maritime",
         "1988", "", "Accession law of 27 Feb 2003 No. 390", "s2"),
        ("T-4", "Delta", "Amendment to the Convention on Gamma", "universal", "IAEA", "nuclear",
         "2005-07-08", "2016-05-08", "signature only, by decree", "s2"),
        ("R-1", "Epsilon", "Regional Treaty on Epsilon", "regional", "CIS", "general",
         "1999-06-04", "1999-06-04", "yes: ratification law of 23 Oct 2000", "s3"),
        ("R-2", "Zeta", "Directive on Zeta", "regional", "EU", "general",
         "2017-03-15", "2017-04-20", "no (EU law)", "s3;s4"),
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def test_fractional_year_respects_precision():
    assert ins.fractional_year("1963") == pytest.approx(1963.5)
    assert ins.fractional_year("1963-01") == pytest.approx(1963 + 0.5 / 12)
    assert ins.fractional_year("1963-12-31") == pytest.approx(1963 + 11 / 12 + 30.5 / 365)
    assert ins.fractional_year("") is None


def test_decade_label():
    assert ins.decade_label(1963) == "1960s"
    assert ins.decade_label(2010) == "2010s"
    assert ins.decade_label(None) is None


@pytest.mark.parametrize(
    ("status", "category"),
    [
        ("Ratification law of 8 Dec 2018 No. 198-VI", "party"),
        ("Accession law of 22 Dec 2004 No. 17", "party"),
        ("yes (original party); date of KZ ratification not found", "party"),
        ("Kazakhstan appears among the participants in the UNTS record", "party"),
        ("Not verified (KZ believed to be a party; year not found)", "unknown"),
        ("unconfirmed here", "unknown"),
        ("", "unknown"),
        (None, "unknown"),
        ("no (not a member)", "not a party"),
        ("not a party", "not a party"),
        ("signed 2005, not ratified", "signed only"),
        ("something else entirely", "unknown"),
    ],
)
def test_kazakhstan_category(status, category):
    assert ins.kazakhstan_category(status) == category


@pytest.mark.parametrize(
    ("name", "form"),
    [
        ("Convention on Offences and Certain Other Acts Committed on Board Aircraft", "convention or treaty"),
        ("International Convention for the Suppression of Terrorist Bombings", "convention or treaty"),
        ("Protocol Supplementary to the Convention for the Suppression of Unlawful Seizure", "protocol or amendment"),
        ("Amendment to the Convention on the Physical Protection of Nuclear Material", "protocol or amendment"),
        ("Shanghai Convention on Combating Terrorism, Separatism and Extremism", "convention or treaty"),
        ("Directive (EU) 2017/541 on combating terrorism", "other"),
    ],
)
def test_instrument_form(name, form):
    assert ins.instrument_form(name) == form


def test_prepare_adds_columns_without_changing_input(table):
    before = table.copy()
    out = ins.prepare(table)
    pd.testing.assert_frame_equal(table, before)
    assert list(out["adopted_year"]) == [1963, 1988, 1988, 2005, 1999, 2017]
    assert list(out["decade"]) == ["1960s", "1980s", "1980s", "2000s", "1990s", "2010s"]
    assert out.loc[0, "years_to_force"] == 6
    assert pd.isna(out.loc[2, "years_to_force"])  # no entry-into-force date
    assert list(out["kz_category"]) == ["party", "unknown", "party", "signed only", "party", "not a party"]


def test_count_by_domain_decade_fills_empty_decades(table):
    counts = ins.count_by_domain_decade(table, scope="universal")
    assert list(counts.index) == ["1960s", "1970s", "1980s", "1990s", "2000s"]
    assert counts.loc["1970s"].sum() == 0
    assert counts.loc["1980s", "aviation"] == 1 and counts.loc["1980s", "maritime"] == 1
    assert list(counts.columns)[0] == "aviation"  # largest domain first
    assert int(counts.to_numpy().sum()) == 4


def test_count_by_domain_decade_all_scopes(table):
    counts = ins.count_by_domain_decade(table, scope=None)
    assert int(counts.to_numpy().sum()) == 6
    assert counts.index[-1] == "2010s"


def test_count_by_scope(table):
    counts = ins.count_by_scope(table)
    assert counts.to_dict() == {"universal": 4, "regional": 2}


def test_counting_summary(table):
    summary = ins.counting_summary(table)["count"]
    assert summary.iloc[0] == 4  # every universal row
    assert summary.iloc[1] == 2  # conventions only
    assert summary.iloc[2] == 2  # protocols and amendments
    assert summary.iloc[3] == 3  # before 2001
    assert summary.iloc[-1] == 6


def test_kazakhstan_summary(table):
    summary = ins.kazakhstan_summary(table)
    assert list(summary.columns) == [*ins.KZ_CATEGORIES, "total"]
    assert summary.loc["universal"].to_dict() == {
        "party": 2, "signed only": 1, "not a party": 0, "unknown": 1, "total": 4,
    }
    assert summary.loc["regional", "not a party"] == 1


def test_kazakhstan_table_sorted_and_renamed(table):
    out = ins.kazakhstan_table(table, scope="universal")
    assert list(out["instrument"]) == ["Alpha", "Beta", "Gamma", "Delta"]
    assert "what the sources say" in out.columns


def test_adoption_to_force(table):
    out = ins.adoption_to_force(table, scope=None)
    assert list(out["short_name"]) == ["Alpha", "Beta", "Gamma", "Epsilon", "Delta", "Zeta"]
    assert pd.isna(out.loc[out["short_name"] == "Gamma", "in_force"]).all()


def test_definitions_by_kind():
    defs = pd.DataFrame(
        {
            "definition_id": ["D1", "D2", "D3"],
            "name": ["UNSC 1566", "Schmid ARCD", "UNGA 49/60"],
            "kind": ["legal", "academic", "legal"],
            "jurisdiction": ["UN", "", "UN"],
            "year": ["2004", "2011", "1994"],
        }
    )
    out = ins.definitions_by_kind(defs)
    assert list(out["name"]) == ["Schmid ARCD", "UNGA 49/60", "UNSC 1566"]
    assert list(out.columns) == ["kind", "year", "name", "jurisdiction"]


@pytest.mark.parametrize("plot", [ins.plot_domain_decade, ins.plot_adoption_timeline])
def test_plots_return_figures(table, plot):
    from matplotlib.figure import Figure

    fig = plot(table)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_xlabel()
    assert ax.get_legend() is not None


def test_domain_decade_bars_match_counts(table):
    fig = ins.plot_domain_decade(table)
    heights = sum(p.get_height() for p in fig.axes[0].patches)
    assert heights == 4


def test_kazakhstan_plot_labels_counts(table):
    fig = ins.plot_kazakhstan_status(table)
    texts = sorted(t.get_text() for t in fig.axes[0].texts)
    assert texts == ["1", "1", "1", "1", "2"]


def test_real_instruments_table():
    path = data_dir() / "instruments.csv"
    if not path.is_file():
        pytest.skip("data/instruments.csv is not there yet")
    from ctmodule import data

    df = data.load("instruments")
    assert set(COLUMNS) <= set(df.columns)
    universal = df[df["scope"] == "universal"]
    assert len(universal) == 19  # the UN Counter-Terrorism Committee's count
    counts = ins.count_by_domain_decade(df)
    assert int(counts.to_numpy().sum()) == 19
    assert set(ins.prepare(df)["kz_category"]) <= set(ins.KZ_CATEGORIES)


def test_kazakhstan_table_puts_universal_first(table):
    out = ins.kazakhstan_table(table)
    assert list(out["scope"]) == ["universal"] * 4 + ["regional"] * 2
    assert list(out["instrument"])[-2:] == ["Epsilon", "Zeta"]


def test_tables_overview_counts_rows_and_uses_descriptions(table):
    tables = {"instruments": table, "tiny": pd.DataFrame({"a": [1, 2]})}
    package = {"resources": [{"name": "instruments", "title": "Counter-terrorism  instruments"},
                             {"name": "other", "description": "unused"}]}
    out = ins.tables_overview(tables, package)
    assert list(out["table"]) == ["instruments", "tiny"]
    assert list(out["rows"]) == [6, 2]
    assert list(out["columns"]) == [10, 1]
    assert list(out["what it holds"]) == ["Counter-terrorism instruments", ""]
    assert list(ins.tables_overview({})["table"]) == []


def test_categorical_columns_count_only_present_values(table):
    # ctmodule.data.load gives enum fields a categorical dtype with every allowed value
    cat = table.copy()
    cat["scope"] = pd.Categorical(cat["scope"], categories=["universal", "regional", "national"])
    cat["domain"] = pd.Categorical(cat["domain"], categories=["aviation", "maritime", "nuclear", "general", "cyber"])
    cat.loc[0, "kazakhstan_status"] = pd.NA
    counts = ins.count_by_domain_decade(cat, scope="universal")
    assert set(counts.columns) == {"aviation", "maritime", "nuclear"}
    assert ins.count_by_scope(cat).to_dict() == {"universal": 4, "regional": 2}
    assert ins.prepare(cat).loc[0, "kz_category"] == "unknown"


def test_kazakhstan_summary_lists_universal_first(table):
    assert list(ins.kazakhstan_summary(table).index) == ["universal", "regional"]


@pytest.mark.parametrize(
    ("status", "category"),
    [
        ("No ratification or accession record was found by the fact sheet.", "unknown"),
        ("Kazakhstan belongs to the OIC, but no ratification was found.", "unknown"),
        ("Kazakhstan is thought to be a party, but no year or instrument was found.", "unknown"),
        ("Kazakhstan's status was not established.", "unknown"),
        ("One of the six founding signatories; the ratification date was not found.", "party"),
        ("Parliament approved ratification in February 2018; the date and number of the law were not found.",
         "party"),
        ("Not a member of SAARC.", "not a party"),
    ],
)
def test_kazakhstan_category_free_text_from_the_data(status, category):
    assert ins.kazakhstan_category(status) == category


def test_party_column_wins_over_free_text():
    assert ins.kazakhstan_category("Ratified in 2018", "unknown") == "unknown"
    assert ins.kazakhstan_category("whatever", "yes") == "party"
    assert ins.kazakhstan_category("EU law; it does not bind Kazakhstan.", "no") == "not a party"
    assert ins.kazakhstan_category("Ratified in 2018", pd.NA) == "party"


def test_prepare_uses_party_column(table):
    t = table.assign(kazakhstan_party=["unknown", "yes", "yes", "no", "yes", "no"])
    assert list(ins.prepare(t)["kz_category"]) == [
        "unknown", "party", "party", "not a party", "party", "not a party",
    ]


def test_domain_label():
    assert ins.domain_label("civil_aviation") == "civil aviation"
    assert ins.domain_label("protected_persons_hostages") == "protected persons and hostages"
    assert ins.domain_label(None) is None


def test_adoption_to_force_years_between_dates(table):
    out = ins.adoption_to_force(table, scope="universal").set_index("short_name")
    assert out.loc["Alpha", "years"] == pytest.approx(6.2, abs=0.05)  # 14 Sep 1963 to 4 Dec 1969
    assert out.loc["Alpha", "years_to_force"] == 6
    assert ins.kazakhstan_category("EU law; it does not bind Kazakhstan.") == "not a party"


def test_free_text_agrees_with_party_column_in_real_data():
    path = data_dir() / "instruments.csv"
    if not path.is_file():
        pytest.skip("data/instruments.csv is not there yet")
    from ctmodule import data

    df = data.load("instruments")
    if "kazakhstan_party" not in df.columns:
        pytest.skip("no kazakhstan_party column")
    from_text = [ins.kazakhstan_category(s) for s in df["kazakhstan_status"]]
    assert from_text == list(ins.prepare(df)["kz_category"])


def test_domain_colours_agree_between_figures(table):
    from matplotlib.colors import to_hex

    bars = ins.plot_domain_decade(table).axes[0]
    bar_colours = {text.get_text(): to_hex(handle.get_facecolor())
                   for handle, text in zip(bars.get_legend().legend_handles, bars.get_legend().get_texts(),
                                           strict=True)}
    lines = ins.plot_adoption_timeline(table).axes[0]
    line_colours = {text.get_text(): to_hex(handle.get_color())
                    for handle, text in zip(lines.get_legend().legend_handles, lines.get_legend().get_texts(),
                                            strict=True)
                    if text.get_text() in bar_colours}
    assert line_colours == bar_colours
    assert "#f0e442" not in bar_colours.values()


def test_html_table_keeps_long_text_and_drops_index():
    long = "x" * 120
    df = pd.DataFrame({"what": [long, None], "n": [1, 2]})
    html = ins.html_table(df)._repr_html_()
    assert long in html  # pandas would cut it at 50 characters
    assert "<th>0</th>" not in html and "<td>None</td>" not in html
    assert "<th>way</th>" in ins.html_table(df.rename_axis("way"), index=True)._repr_html_()


def test_domain_colours_are_distinct_for_ten_domains():
    colours = ins._domain_colours([f"d{i}" for i in range(10)])
    assert len(set(colours.values())) == 10


# --------------------------------------------------------------------------- joining lags (exercise 1)


def _lag_table(rows):
    return pd.DataFrame(rows, columns=["instrument_id", "scope", "adopted_date", "kazakhstan_party", "kazakhstan_date"])


def test_joining_lags_count_from_independence_and_skip_unknown_dates():
    table = _lag_table([
        ("u-old", "universal", "1970-01-01", "yes", "2001-12-16"),  # counted from 1991-12-16: 10 years
        ("u-new", "universal", "2000-01-01", "yes", "2002-01-01"),  # 2 years
        ("r-1", "regional", "2000-01-01", "yes", "2001-01"),  # month precision: from 2001-01-01
        ("u-none", "universal", "2000-01-01", "yes", None),  # party, but no date: left out
        ("u-no", "universal", "2000-01-01", "no", "2005-01-01"),  # not a party: left out
    ])
    lags = ins.joining_lags(table).set_index("instrument_id")
    assert list(lags.index) == ["u-old", "u-new", "r-1"]
    assert lags.loc["u-old", "lag_years"] == pytest.approx(3653 / 365.25)
    assert lags.loc["u-old", "decade"] == 1970
    assert lags.loc["r-1", "lag_years"] == pytest.approx(366 / 365.25)
    # without the independence floor the old treaty looks 32 years slow
    raw = ins.joining_lags(table, since=None).set_index("instrument_id")
    assert raw.loc["u-old", "lag_years"] > 31
    medians = ins.median_lag(table)
    assert list(medians.index) == ["regional", "universal"]
    assert medians["universal"] == pytest.approx((3653 / 365.25 + 731 / 365.25) / 2)
    assert list(ins.median_lag(table, "decade").index) == [2000, 1970]


def test_joining_lags_name_the_row_of_a_bad_date():
    table = _lag_table([("u-1", "universal", "1970-13-01", "yes", "2001-12-16")])
    with pytest.raises(ValueError, match=r"row 2 \(u-1\)"):
        ins.joining_lags(table)
    with pytest.raises(KeyError, match="kazakhstan_date"):
        ins.joining_lags(table.drop(columns="kazakhstan_date"))


def test_joining_lags_on_the_real_data():
    medians = ins.median_lag(pd.read_csv(data_dir() / "instruments.csv"))
    assert medians.index[0] == "regional" and medians["regional"] < medians["universal"]


# --- in every language (issue 18) -----------------------------------------------------------

def _schema_enum(table_name: str, field: str) -> set[str]:
    import json

    package = json.loads((data_dir() / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["name"] == table_name)
    spec = next(f for f in resource["schema"]["fields"] if f["name"] == field)
    return set(spec["constraints"]["enum"])


def test_the_enum_translations_cover_the_schema():
    assert set(ins.SCOPE_LABELS) == _schema_enum("instruments", "scope")
    assert set(ins.DOMAIN_LABELS) == _schema_enum("instruments", "domain")
    assert set(ins.KZ_LABELS) == set(ins.KZ_CATEGORIES)


def _latin(texts) -> set[str]:
    import re

    return {t for t in texts if re.search(r"[A-Za-z]{3}", t)}


@pytest.mark.parametrize("plot", [ins.plot_domain_decade, ins.plot_adoption_timeline, ins.plot_kazakhstan_status])
def test_a_russian_figure_leaves_no_english_label(plot):
    from ctmodule import data
    from ctmodule.analysis.plotting import figure_texts

    table = data.load("instruments")
    english, russian = figure_texts(plot(table, lang="en")), figure_texts(plot(table, lang="ru"))
    assert len(english) == len(russian)
    assert _latin(english) and not (_latin(english) & set(russian))
    assert any(re.search("[а-яё]{4}", t) for t in russian)


def test_the_russian_axes_and_legends():
    from ctmodule import data
    from ctmodule.analysis.plotting import figure_texts

    table = data.load("instruments")
    ax = ins.plot_domain_decade(table, lang="ru").axes[0]
    assert ax.get_xlabel() == "Десятилетие принятия"
    assert ax.get_ylabel() == "Число принятых универсальных документов"
    assert ax.get_legend().get_title().get_text() == "Область"
    assert "гражданская авиация" in [t.get_text() for t in ax.get_legend().get_texts()]
    timeline = figure_texts(ins.plot_adoption_timeline(table, lang="ru"))
    assert "вступление в силу" in timeline and "Год" in timeline
    names = dict(zip(table["instrument_id"], table["short_name_ru"], strict=True))
    assert set(names.values()) & set(timeline)
    kz = ins.plot_kazakhstan_status(table, lang="ru").axes[0]
    assert [t.get_text() for t in kz.get_yticklabels()][:2] == ["универсальные", "региональные"]
    assert kz.get_legend().get_title().get_text() == "Казахстан"


def test_a_missing_translation_is_an_error_naming_the_column(table):
    from ctmodule.data import DataError

    with pytest.raises(DataError, match="short_name_ru"):
        ins.plot_adoption_timeline(table, lang="ru")


def test_the_counting_table_in_russian(table):
    summary = ins.counting_summary(table, lang="ru")
    assert summary.index.name == "способ подсчёта" and list(summary.columns) == ["число"]
    assert summary.index[0] == "универсальные документы, считая каждый протокол и каждую поправку"
    assert list(summary["число"]) == list(ins.counting_summary(table)["count"])


def test_the_kazakhstan_table_in_russian(table):
    table = table.assign(short_name_ru=["Док. " + n for n in table["short_name"]],
                         kazakhstan_status_ru=["Примечание " + str(i) for i in range(len(table))])
    out = ins.kazakhstan_table(table, lang="ru")
    assert list(out.columns) == ["документ", "сфера действия", "принят", "Казахстан", "что говорят источники"]
    assert set(out["сфера действия"]) <= {"универсальные", "региональные", "национальные"}
    assert set(out["Казахстан"]) <= {"участник", "только подписание", "не участник", "неизвестно"}
    assert all(n.startswith("Док. ") for n in out["документ"])


def test_the_definitions_table_in_russian():
    definitions = pd.DataFrame({
        "definition_id": ["a", "b", "c"], "kind": ["legal", "academic", "legal"], "year": ["2004", "1988", "1999"],
        "name": ["Law A", "Scholar B", "Treaty C"], "name_ru": ["Закон А", "Автор Б", "Договор В"],
        "jurisdiction": ["UN", "—", "CIS"], "jurisdiction_ru": ["ООН", "—", "СНГ"]})
    assert set(ins.KIND_LABELS) == _schema_enum("definitions", "kind")
    out = ins.definitions_by_kind(definitions, lang="ru")
    assert list(out.columns) == ["вид", "год", "название", "юрисдикция"]
    assert list(out["название"]) == ["Автор Б", "Договор В", "Закон А"]  # the English order
    assert list(out["вид"]) == ["академическое", "правовое", "правовое"]
    assert list(out["юрисдикция"]) == ["—", "СНГ", "ООН"]
    from ctmodule.data import DataError

    with pytest.raises(DataError, match="jurisdiction_ru"):
        ins.definitions_by_kind(definitions.drop(columns="jurisdiction_ru"), lang="ru")

