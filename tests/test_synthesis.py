"""Tests for ctmodule.analysis.synthesis (events and measures by period, chapter 9)."""

from __future__ import annotations

import pandas as pd
import pytest

from ctmodule import paths
from ctmodule.analysis import synthesis as sy


def test_period_of_bounds():
    assert sy.period_of(1999) == "1999-2004"
    assert sy.period_of(2004) == "1999-2004"
    assert sy.period_of(2005) == "2005-2010"
    assert sy.period_of(2022) == "2019-2022"
    assert sy.period_of(1998) is None
    assert sy.period_of(2023) is None
    assert sy.period_of(None) is None


def test_default_periods_are_contiguous():
    for (_, _, last), (_, first, _) in zip(sy.PERIODS, sy.PERIODS[1:], strict=False):
        assert first == last + 1


@pytest.fixture
def events():
    return pd.DataFrame(
        {
            "date": ["1999-07-13", "2001", "2011-10-31", "2016-06", "2016-07-18", "2022-01-02/2022-01-19",
                     "1991", None],
            "category": ["law", "treaty", "attack", "attack", "attack", "unrest", "law", "law"],
        }
    )


def test_counts_by_period(events):
    table = sy.counts_by_period(events, "category")
    assert list(table.index) == [p[0] for p in sy.PERIODS]
    assert list(table.columns) == ["attack", "law", "treaty", "unrest"]
    assert table.loc["2016-2018", "attack"] == 2
    assert table.loc["2011-2015", "attack"] == 1
    assert table.loc["1999-2004"].tolist() == [0, 1, 1, 0]
    assert table.loc["2005-2010"].sum() == 0
    assert int(table.to_numpy().sum()) == 6


def test_outside_periods(events):
    out = sy.outside_periods(events)
    assert len(out) == 2
    assert sorted(out["date"].fillna("none")) == ["1991", "none"]


def test_counts_by_period_custom_periods(events):
    table = sy.counts_by_period(events, "category", periods=(("early", 1990, 2009), ("late", 2010, 2030)))
    assert table.loc["early"].sum() == 3
    assert table.loc["late"].sum() == 4


def test_plot_counts_by_period(events):
    table = sy.counts_by_period(events, "category")
    fig = sy.plot_counts_by_period(table, legend_title="Category")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == list(table.index)
    assert sum(p.get_height() for p in ax.patches) == 6
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(table.columns)


def _available(name: str) -> bool:
    try:
        return (paths.data_dir() / f"{name}.csv").is_file()
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not _available("events"), reason="data/events.csv not written yet")
def test_real_events_fall_in_periods():
    from ctmodule import data

    events = data.load("events")
    table = sy.counts_by_period(events, "category")
    assert int(table.to_numpy().sum()) + len(sy.outside_periods(events)) == len(events)
    assert table.loc["2016-2018"].sum() > 0


def test_counts_by_period_with_categorical_and_missing(events):
    cat = events.copy()
    cat["category"] = pd.Categorical(cat["category"], categories=["attack", "law", "treaty", "unrest", "other"])
    cat.loc[0, "category"] = None
    table = sy.counts_by_period(cat, "category")
    assert table.loc["1999-2004", "unknown"] == 1
    assert "other" not in table.columns  # unused categories do not become empty columns
    assert int(table.to_numpy().sum()) == 6


def test_plot_legend_reads_without_underscores():
    table = sy.counts_by_period(pd.DataFrame({"date": ["2019"], "category": ["information_control"]}), "category")
    fig = sy.plot_counts_by_period(table)
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["information control"]


def test_the_figure_in_russian():
    import re

    from ctmodule.analysis import timeline
    from ctmodule.analysis.plotting import figure_texts

    events = pd.DataFrame({"date": ["1999-07-13", "2001", "2016-06", "2019"],
                           "category": ["law", "treaty", "diplomacy", "information_control"]})
    counts = sy.counts_by_period(events, "category")
    fig = sy.plot_counts_by_period(counts, ylabel=sy.EVENTS_YLABEL, legend_title=sy.CATEGORY_TITLE,
                                   labels=timeline.CATEGORY_LABELS, lang="ru")
    ax = fig.axes[0]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("Период", "Число событий")
    assert ax.get_legend().get_title().get_text() == "Категория"
    assert {x.get_text() for x in ax.get_legend().get_texts()} == {
        "закон", "договор", "дипломатия", "информационный контроль"}
    assert not [s for s in figure_texts(fig) if re.search(r"[A-Za-z]{3}", s)]
    english = sy.plot_counts_by_period(counts, ylabel=sy.EVENTS_YLABEL, labels=timeline.CATEGORY_LABELS).axes[0]
    assert english.get_ylabel() == "Number of events"
    assert "information control" in {x.get_text() for x in english.get_legend().get_texts()}
