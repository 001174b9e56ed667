"""Tests of ctmodule.analysis.region: the comparison of the Central Asian states (chapter 7)."""

from __future__ import annotations

import pandas as pd
import pytest

from ctmodule import data
from ctmodule.analysis import region as rg


def frame(rows):
    return pd.DataFrame(rows, columns=["case_id", "country", "date", "move", "instrument"])


SMALL = frame(
    [
        ("u1", "UZB", "1999-02-16", "securitising", "prosecution"),
        ("u2", "UZB", "2005-05-13", "securitising", "force"),
        ("u3", "UZB", "2017-09-01", "desecuritising", "listing"),
        ("k1", "KGZ", "2003-11", "securitising", "ban"),
        ("k2", "KGZ", "2019-02-14", "declined", "ban"),
        ("t1", "TJK", "2015-09-29", "securitising", "ban"),
        ("t2", "TJK", "2014", "desecuritising", "control"),  # nothing earlier to reverse
    ]
)


def test_moves_by_country_counts_every_state_and_move():
    t = rg.moves_by_country(SMALL)
    assert list(t.index) == list(rg.COUNTRIES) and list(t.columns) == list(rg.MOVES)
    assert t.loc["UZB"].to_dict() == {"securitising": 2, "desecuritising": 1, "declined": 0}
    assert t.loc["KAZ"].sum() == 0 and int(t.to_numpy().sum()) == len(SMALL)


def test_furthest_reach_uses_the_ordering_and_only_securitising_moves():
    r = rg.furthest_reach(SMALL)
    assert r.to_dict() == {"KAZ": None, "KGZ": "ban", "TJK": "ban", "TKM": None, "UZB": "force"}
    # another ordering gives another answer: the ordering is a parameter, not a fact
    other = ("force", "control", "listing", "prosecution", "ban")
    assert rg.furthest_reach(SMALL, other)["UZB"] == "prosecution"


def test_reversals_pair_each_move_with_earlier_securitising_moves_of_the_same_state():
    rev = rg.reversals(SMALL).set_index("case_id")
    assert list(rev.index) == ["t2", "u3", "k2"]  # by date
    assert rev.loc["u3", "earlier"] == "u1;u2" and rev.loc["u3", "years_after"] == 18
    assert rev.loc["k2", "earlier"] == "k1" and rev.loc["k2", "move"] == "declined"
    assert rev.loc["t2", "earlier"] == "" and pd.isna(rev.loc["t2", "years_after"])


def test_partial_dates_are_compared_by_their_first_day():
    cases = frame([("a", "KGZ", "2003-11", "securitising", "ban"), ("b", "KGZ", "2003-11-20", "desecuritising", "ban")])
    assert rg.reversals(cases).loc[0, "earlier"] == "a"
    same_day = frame([("a", "KGZ", "2003-11-20", "securitising", "ban"), ("b", "KGZ", "2003-11-20", "declined", "ban")])
    assert rg.reversals(same_day).loc[0, "earlier"] == ""  # not before it


def test_profile_flags_reversal_only_after_a_securitising_move():
    p = rg.country_profile(SMALL)
    assert p.loc["UZB", "reversed"] and not p.loc["TJK", "reversed"] and not p.loc["KGZ", "reversed"]
    assert p.loc["UZB", "furthest_cases"] == "u2" and p.loc["UZB", "first_year"] == 1999
    assert p.loc["KAZ", "furthest_cases"] == "" and pd.isna(p.loc["KAZ", "first_year"])
    assert (p["measures"] == 0).all()


def test_ranking_ties_share_a_rank_and_states_without_moves_come_last():
    r = rg.ranking(rg.country_profile(SMALL))
    assert list(r.index) == ["UZB", "KGZ", "TJK", "KAZ", "TKM"]
    assert list(r["rank"].astype("object").where(r["rank"].notna(), None)) == [1, 2, 2, None, None]


def test_bad_values_are_named():
    bad = frame([("x1", "KZ", "2019", "securitising", "ban")])
    with pytest.raises(ValueError, match=r"unknown country in case\(s\) x1"):
        rg.moves_by_country(bad)
    bad = frame([("x2", "KAZ", "2019", "resecuritising", "ban")])
    with pytest.raises(ValueError, match=r"unknown move in case\(s\) x2"):
        rg.reversals(bad)
    with pytest.raises(ValueError, match="missing column"):
        rg.country_profile(SMALL.drop(columns="move"))
    with pytest.raises(KeyError, match="known: KAZ"):
        rg.country_name("XYZ")


def test_real_data_supports_the_chapter():
    cases, measures = data.load("cases"), data.load("measures")
    p = rg.country_profile(cases, measures)
    outside = p.drop(index="KAZ")
    assert int(outside[["securitising", "desecuritising", "declined"]].to_numpy().sum() + outside["measures"].sum()) >= 10
    assert p.loc["UZB", "reversed"]  # the delisting of 2017 follows earlier securitising moves
    assert p.loc["KGZ", "declined"] >= 1
    assert int(p["measures"].sum()) == len(measures)
    table = rg.comparison_table(cases, measures)
    assert set(table["State"]) == set(rg.COUNTRIES.values())
    assert table.loc[0, "Rank"] == 1


def test_figure_draws_one_bar_group_per_state():
    fig = rg.moves_figure(data.load("cases"))
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == list(rg.COUNTRIES.values())[::-1]
    widths = sum(p.get_width() for p in ax.patches if p.get_width() > 0)
    lefts = -sum(p.get_width() for p in ax.patches if p.get_width() < 0)
    moves = rg.moves_by_country(data.load("cases"))
    assert widths == moves["securitising"].sum()
    assert lefts == moves["desecuritising"].sum() + moves["declined"].sum()
    assert ax.get_title() and ax.get_xlabel()


def test_profile_and_table_follow_another_ordering():
    other = ("control", "listing", "prosecution", "ban", "force")
    p = rg.country_profile(SMALL, reach=other)
    assert p.loc["UZB", "furthest"] == "force" and p.loc["KGZ", "furthest"] == "ban"
    t = rg.comparison_table(SMALL, reach=("control", "listing", "ban", "force", "prosecution"))
    assert t.loc[0, "State"] == "Uzbekistan" and t.loc[0, "Furthest instrument"] == "prosecution"


def test_case_list_leaves_out_excluded_states_and_sorts_by_state_then_date():
    cases = SMALL.assign(subject=[f"s-{i}" for i in SMALL["case_id"]])
    t = rg.case_list(cases)
    assert list(t["Case id"]) == ["k1", "k2", "t2", "t1", "u1", "u2", "u3"]
    assert t.loc[0, "Subject"] == "s-k1" and t.loc[0, "State"] == "Kyrgyzstan"
    assert list(rg.case_list(cases, exclude=("KGZ", "TJK", "UZB"))["Case id"]) == []
    real = rg.case_list(data.load("cases"))
    assert "Kazakhstan" not in set(real["State"]) and len(real) >= 8


# --- in every language (issue 18) -----------------------------------------------------------

def _enum(table_name, field):
    import json

    from ctmodule.paths import data_dir

    package = json.loads((data_dir() / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["name"] == table_name)
    return set(next(f for f in resource["schema"]["fields"] if f["name"] == field)["constraints"]["enum"])


def test_the_enum_translations_cover_the_schema():
    assert set(rg.COUNTRIES) == _enum("cases", "country")
    assert set(rg.INSTRUMENT_LABELS) == _enum("cases", "instrument") == set(rg.REACH)
    assert set(rg.MOVE_LABELS) == _enum("cases", "move")


def test_the_moves_figure_in_russian():
    import re

    from ctmodule.analysis.plotting import figure_texts

    fig = rg.moves_figure(SMALL, lang="ru")
    ax = fig.axes[0]
    assert ax.get_title() == "Секьюритизирующие и десекьюритизирующие ходы по государствам"
    assert [t.get_text() for t in ax.get_yticklabels()][::-1] == [
        "Казахстан", "Кыргызстан", "Таджикистан", "Туркменистан", "Узбекистан"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "секьюритизирующий: запрет" in legend and "отказ" in legend
    assert not [t for t in figure_texts(fig) if re.search(r"[A-Za-z]{3}", t)]


def test_the_tables_in_russian():
    cases = SMALL.assign(subject=[f"Subject {i}" for i in range(len(SMALL))],
                         subject_ru=[f"Объект {i}" for i in range(len(SMALL))])
    listed = rg.case_list(cases, lang="ru")
    assert list(listed.columns) == ["Государство", "Дата", "Объект", "Ход", "Инструмент", "Код случая"]
    assert set(listed["Государство"]) == {"Кыргызстан", "Таджикистан", "Узбекистан"}
    assert set(listed["Ход"]) <= {"секьюритизирующий", "десекьюритизирующий", "отказ"}
    assert all(s.startswith("Объект ") for s in listed["Объект"])
    table = rg.comparison_table(SMALL, lang="ru")
    assert "Самый жёсткий инструмент" in table.columns and "Казахстан" in set(table["Государство"])
    assert set(table["Отмена закодирована"]) <= {"да", "нет"}
    assert len(table) == len(rg.comparison_table(SMALL))


def test_the_reversals_table_in_russian():
    table = rg.reversals_table(SMALL, lang="ru")
    assert list(table.columns)[:5] == ["Код случая", "Государство", "Дата", "Ход", "Инструмент"]
    assert set(table["Государство"]) == {"Узбекистан", "Кыргызстан", "Таджикистан"}
    assert set(table["Ход"]) == {"десекьюритизирующий", "отказ"}
    assert len(table) == len(rg.reversals(SMALL))
