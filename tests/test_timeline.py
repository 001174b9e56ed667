"""Tests for ctmodule.analysis.timeline: periods from dates of any precision, filters, figure."""

from __future__ import annotations

import pandas as pd
import pytest

from ctmodule.analysis import timeline as t


@pytest.fixture
def events():
    return pd.DataFrame(
        {
            "event_id": ["E1", "E2", "E3", "E4", "E5"],
            "date": ["2010", "2015-09", "2017-01-10", "2018-09-28", "2010-12-01/2010-12-02"],
            "date_precision": ["year", "month", "day", "day", "day"],
            "category": ["diplomacy", "diplomacy", "diplomacy", "Diplomacy", "summit"],
            "actor": ["Kazakhstan", "Nazarbayev", "Abdrakhmanov", "UN", "OSCE"],
            "title": ["OSCE chair", "UNGA coalition proposal", "Policy address", "Code signed", "Astana summit"],
            "description": ["", "global coalition", "seven priorities", "more than 70 states", ""],
            "source_id": ["s1", "s2", "s3", "s4", "s5"],
        }
    )


def test_date_range_respects_precision():
    assert t.date_range("2016") == (pd.Timestamp("2016-01-01"), pd.Timestamp("2016-12-31"))
    assert t.date_range("2016-02") == (pd.Timestamp("2016-02-01"), pd.Timestamp("2016-02-29"))
    assert t.date_range("2018-01-18") == (pd.Timestamp("2018-01-18"),) * 2
    assert t.date_range("2019-03/2022-09-17")[1] == pd.Timestamp("2022-09-17")
    assert t.date_range("2017-2018") == (pd.Timestamp("2017-01-01"), pd.Timestamp("2018-12-31"))
    assert t.date_range("2019-03 / 2019-05")[1] == pd.Timestamp("2019-05-31")
    for bad in ("", "18 Jan 2018", "2018-01-18-01", "2019/2018"):
        with pytest.raises(ValueError):
            t.date_range(bad)


def test_add_periods_sorts_by_start(events):
    out = t.add_periods(events)
    assert list(out["event_id"]) == ["E1", "E5", "E2", "E3", "E4"]
    assert out.loc[0, "end"] == pd.Timestamp("2010-12-31")
    assert "start" not in events.columns  # the input is not modified


def test_end_date_extends_the_period(events):
    ev = events.assign(end_date=[pd.NA, None, "", "2018-10", "2018"])
    out = t.add_periods(ev).set_index("event_id")
    assert out.loc["E1", "end"] == pd.Timestamp("2010-12-31")  # missing end_date: unchanged
    assert out.loc["E3", "end"] == pd.Timestamp("2017-01-10")  # blank end_date: unchanged
    assert out.loc["E4", "end"] == pd.Timestamp("2018-10-31")
    assert out.loc["E5", "end"] == pd.Timestamp("2018-12-31")
    # an event that lasts into the Security Council term is selected by it
    assert "E5" in set(t.filter_events(ev, start="2017", end="2018")["event_id"])


def test_filter_by_period_uses_overlap(events):
    # the year-precise E1 (2010) overlaps a window starting in June 2010
    ids = list(t.filter_events(events, start="2010-06", end="2010")["event_id"])
    assert ids == ["E1", "E5"]
    term = t.filter_events(events, start=t.UNSC_TERM[0], end=t.UNSC_TERM[1])
    assert list(term["event_id"]) == ["E3", "E4"]
    assert list(t.filter_events(events, end="2015")["event_id"]) == ["E1", "E5", "E2"]


def test_filter_by_category_actor_and_text(events):
    assert len(t.filter_events(events, categories="diplomacy")) == 4  # case-insensitive
    assert list(t.filter_events(events, categories=["summit"])["event_id"]) == ["E5"]
    assert list(t.filter_events(events, actors="un")["event_id"]) == ["E4"]
    assert list(t.filter_events(events, text="Seven")["event_id"]) == ["E3"]
    assert t.filter_events(events, categories="attack").empty


def test_counts_by_year_fills_gaps(events):
    table = t.counts_by_year(events)
    assert list(table.index) == list(range(2010, 2019))
    assert table.loc[2010, "summit"] == 1
    assert table.loc[2012].sum() == 0
    assert table.to_numpy().sum() == 5


def test_plot_timeline_marks_highlight_and_labels(events):
    from matplotlib.figure import Figure

    fig = t.plot_timeline(events, label_events=["E3", "E4"], title="test")
    assert isinstance(fig, Figure)
    overview, close_up = fig.axes
    # one row per category in order of first appearance, top to bottom (case-sensitive)
    ticks = sorted(zip(overview.get_yticks(), [x.get_text() for x in overview.get_yticklabels()], strict=True))
    assert [name for _, name in ticks][::-1] == ["diplomacy", "summit", "Diplomacy"]
    # the close-up names the selected events, earliest at the top
    ticks2 = sorted(zip(close_up.get_yticks(), [x.get_text() for x in close_up.get_yticklabels()], strict=True))
    assert [name for _, name in ticks2][::-1] == ["Policy address", "Code signed"]
    assert overview.get_legend() is not None  # the Security Council term is shaded and named
    # a category name selects all its events for the close-up
    by_cat = t.plot_timeline(events, label_events="summit")
    assert [x.get_text() for x in by_cat.axes[1].get_yticklabels()] == ["Astana summit"]
    plain = t.plot_timeline(events, highlight=None)
    assert len(plain.axes) == 1 and plain.axes[0].get_legend() is None


def test_real_data_if_present():
    data = pytest.importorskip("ctmodule.data")
    try:
        ev = data.load("events")
    except Exception as exc:  # the data package may not be built yet
        pytest.skip(f"events not available: {exc}")
    out = t.add_periods(ev)
    assert (out["start"] <= out["end"]).all()
    term = t.filter_events(ev, start=t.UNSC_TERM[0], end=t.UNSC_TERM[1])
    assert not term.empty


def test_the_category_translations_cover_the_schema():
    import json

    from ctmodule.paths import data_dir

    package = json.loads((data_dir() / "datapackage.json").read_text(encoding="utf-8"))
    events = next(r for r in package["resources"] if r["name"] == "events")
    enum = next(f for f in events["schema"]["fields"] if f["name"] == "category")["constraints"]["enum"]
    assert set(t.CATEGORY_LABELS) == set(enum)


def test_the_timeline_in_russian(events):
    import re

    from ctmodule.analysis.plotting import figure_texts

    events = events.assign(category=["diplomacy", "diplomacy", "law", "treaty", "information_control"],
                           title_ru=["Председательство в ОБСЕ", "Предложение коалиции", "Послание",
                                     "Подписание кодекса", "Саммит в Астане"])
    fig = t.plot_timeline(events, label_events=["E3", "E4"], lang="ru")
    overview, close_up = fig.axes
    assert {x.get_text() for x in overview.get_yticklabels()} == {
        "дипломатия", "закон", "договор", "информационный контроль"}
    assert [x.get_text() for x in close_up.get_yticklabels()] == ["Послание", "Подписание кодекса"]
    assert [x.get_text() for x in overview.get_legend().get_texts()] == [
        "членство в Совете Безопасности ООН, 2017–2018"]
    assert not [s for s in figure_texts(fig) if re.search(r"[A-Za-z]{3}", s)]
    with pytest.raises(Exception, match="title_ru"):
        t.plot_timeline(events.drop(columns="title_ru"), label_events=["E3"], lang="ru")


def test_chapter_4s_timeline_in_russian_from_the_data():
    import re

    from ctmodule import data
    from ctmodule.analysis.plotting import figure_texts

    events = data.load("events")
    if "title_ru" not in events.columns:
        pytest.skip("the events' Russian titles are not in this checkout")
    options = dict(start="2009", end="2019", label_events="diplomacy", label_column="title", width=7.5)
    english = figure_texts(t.plot_timeline(events, **options))
    russian = figure_texts(t.plot_timeline(events, **options, lang="ru"))
    assert len(english) == len(russian)
    left = {s for s in english if re.search(r"[A-Za-z]{3}", s)} & set(russian)
    assert not left, left


def test_the_record_table_in_russian(events):
    events = events.assign(title_ru=[f"событие {i}" for i in range(5)], actor_ru=[f"актор {i}" for i in range(5)],
                           confidence=["confirmed", "partial", "unconfirmed", "confirmed", "partial"])
    table = t.record_table(events, categories=["diplomacy"], lang="ru")
    assert table.index.name == "дата"
    assert list(table.columns) == ["событие", "актор", "достоверность", "источники"]
    assert set(table["достоверность"]) <= {"подтверждено", "частично", "не подтверждено"}
    assert table["событие"].str.startswith("событие ").all()
    english = t.record_table(events, categories=["diplomacy"])
    assert list(english.columns) == ["event", "actor", "confidence", "sources"] and len(english) == len(table)
