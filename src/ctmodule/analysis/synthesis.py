"""Synthesis for the last chapter: events and measures counted by period, 1999-2022.

Dates in the data package are ISO strings whose precision varies (``2019``,
``2019-11``, ``2019-11-19``, sometimes a range such as ``2010-12-01/2010-12-02``); only
the year is needed here, so every helper reads it with
:func:`ctmodule.data.dates.year_of` with ``anywhere=True`` (the first year from 1800 to
2099 found in the text).
"""

from __future__ import annotations

from ctmodule.data.dates import year_of
from ctmodule.l10n import N_, gettext

#: The y-axis and legend of chapter 9's figure of events by period (messages, translated when drawn).
EVENTS_YLABEL = N_("Number of events")
CATEGORY_TITLE = N_("Category")

PERIODS = (
    ("1999-2004", 1999, 2004),
    ("2005-2010", 2005, 2010),
    ("2011-2015", 2011, 2015),
    ("2016-2018", 2016, 2018),
    ("2019-2022", 2019, 2022),
)
"""Default periods ``(label, first year, last year)``, both years inclusive.

1999-2004: the counter-terrorism law, the regional treaties and the first DVK trials;
2005-2010: the extremism law and the OSCE chairmanship; 2011-2015: the first attacks,
the 2013 programme, art. 41-1 and the new Criminal Code; 2016-2018: the 2016 attacks,
the Security Council seat and the Code of Conduct; 2019-2022: the transition, Zhusan,
Qaznet and January 2022.
"""


def _label(value) -> str:
    """A category value as text; missing values (also in Categorical columns) become ``unknown``."""
    if value is None or (isinstance(value, float) and value != value):
        return "unknown"
    text = str(value).strip()
    return text if text and text.lower() not in {"nan", "<na>"} else "unknown"


def period_of(year, periods=PERIODS) -> str | None:
    """The label of the period holding ``year``, or ``None`` if it falls outside them all."""
    if year is None:
        return None
    for label, first, last in periods:
        if first <= int(year) <= last:
            return label
    return None


def counts_by_period(table, column: str, *, periods=PERIODS, date_column: str = "date"):
    """Count the rows of ``table`` by period (rows) and by the values of ``column``.

    Every period appears as a row, in order, even when it is empty; rows whose date is
    missing or outside the periods are left out (see :func:`outside_periods`). Columns are
    the values of ``column`` sorted by their overall count (largest first), then by name.
    """
    import pandas as pd

    labels = [p[0] for p in periods]
    frame = pd.DataFrame(
        {
            "period": [period_of(year_of(d, anywhere=True), periods) for d in table[date_column]],
            "value": [_label(v) for v in table[column]],
        }
    ).dropna(subset=["period"])
    if frame.empty:
        return pd.DataFrame(index=pd.Index(labels, name="period"))
    counts = pd.crosstab(frame["period"], frame["value"]).reindex(labels, fill_value=0)
    totals = counts.sum(axis=0)
    order = sorted(counts.columns, key=lambda c: (-int(totals[c]), c))
    counts = counts[order].astype(int)
    counts.index.name = "period"
    counts.columns.name = None
    return counts


def outside_periods(table, *, periods=PERIODS, date_column: str = "date"):
    """The rows of ``table`` that :func:`counts_by_period` leaves out (no date, or out of range)."""
    keep = [period_of(year_of(d, anywhere=True), periods) is None for d in table[date_column]]
    return table[keep]


def plot_counts_by_period(counts, *, ylabel: str = N_("Number of entries"), legend_title: str | None = None,
                          labels: dict | None = None, lang: str = "en"):
    """Stacked bars of a :func:`counts_by_period` table: one bar per period.

    Returns the matplotlib figure. Each category gets a colour and a hatch, so the bars
    can be read without colour; underscores in category names become spaces in the legend.
    In ``lang``: ``ylabel``, ``legend_title`` and the axis translated as messages, each category
    through ``labels`` (its value's message, e.g. :data:`ctmodule.analysis.timeline.CATEGORY_LABELS`).
    """
    from ctmodule.analysis.plotting import PALETTE, new_figure

    hatches = ["", "//", "..", "xx", "\\\\", "oo", "--", "++"]
    fig, ax = new_figure(7.5, 4.2)
    bottom = [0] * len(counts)
    for i, column in enumerate(counts.columns):
        values = counts[column].tolist()
        ax.bar(
            list(counts.index),
            values,
            bottom=bottom,
            color=PALETTE[i % len(PALETTE)],
            hatch=hatches[i % len(hatches)],
            edgecolor="white",
            label=gettext((labels or {}).get(str(column), N_("unknown") if str(column) == "unknown"
                                             else str(column).replace("_", " ")), lang),
        )
        bottom = [a + b for a, b in zip(bottom, values, strict=True)]
    for x, total in enumerate(bottom):
        ax.text(x, total, str(total), ha="center", va="bottom", fontsize=10)
    ax.set_ylabel(gettext(ylabel, lang))
    ax.set_xlabel(gettext(N_("Period"), lang))
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_ylim(0, max(bottom + [1]) * 1.15)
    ax.legend(title=gettext(legend_title, lang) if legend_title else None, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return fig
