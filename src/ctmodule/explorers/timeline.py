"""The timeline explorer (chapters 4 and 8): events by category and period."""

from __future__ import annotations

from collections.abc import Iterable

import ipywidgets as widgets

from ctmodule.explorers.base import _STYLE, Explorer, _close, _esc, svg_html, table_html


class TimelineExplorer(Explorer):
    """Events of ``events.csv`` by category and period (chapters 2 and 4).

    An event is kept when its category is ticked and its period (a year-precise date
    stands for the whole year) overlaps the years chosen, as in
    :func:`ctmodule.analysis.timeline.filter_events`. Attributes: ``result`` (the events kept:
    date, category, title, actor), ``counts`` (events per category).
    """

    title = "Timeline explorer"

    def __init__(self, categories: Iterable[str] | None = None, years: tuple[int, int] | None = None):
        from ctmodule import data
        from ctmodule.analysis import timeline as tl

        self._tl = tl
        self.events = data.load("events")
        periods = tl.add_periods(self.events)
        first, last = int(periods["start"].min().year), int(periods["end"].max().year)
        cats = list(self.events["category"].astype(str).value_counts().index)
        chosen = tuple(categories) if categories is not None else tuple(cats)
        self.controls = {
            "categories": widgets.SelectMultiple(options=cats, value=chosen, rows=len(cats),
                                                 description="Categories", style=_STYLE),
            "years": widgets.IntRangeSlider(value=years or (first, last), min=first, max=last, step=1,
                                            description="Years", style=_STYLE,
                                            layout=widgets.Layout(width="32em")),
        }
        super().__init__()

    def render(self) -> str:
        cats = list(self.controls["categories"].value)
        lo, hi = self.controls["years"].value
        sel = self._tl.filter_events(self.events, categories=cats, start=str(lo), end=str(hi))
        if not cats:
            sel = sel.iloc[0:0]
        self.result = sel[["date", "category", "title", "actor"]].astype(str).reset_index(drop=True)
        self.counts = self.result["category"].value_counts()
        if self.result.empty:
            return "<p>No event matches this selection.</p>"
        fig = self._tl.plot_timeline(self.events, categories=cats, start=str(lo), end=str(hi))
        per_cat = "; ".join(f"{c}: {n}" for c, n in self.counts.items())
        alt = (f"Timeline of {len(self.result)} events from {lo} to {hi}, one row per category. "
               f"Events per category: {per_cat}.")
        svg = svg_html(fig, alt)
        _close(fig)
        return (
            f"<p><strong>{len(self.result)}</strong> events, {lo} to {hi} ({_esc(per_cat)}).</p>"
            f"{svg}<details><summary>The {len(self.result)} events</summary>{table_html(self.result)}</details>"
        )


def timeline_explorer(categories: Iterable[str] | None = None, years: tuple[int, int] | None = None):
    """Explorer: the events of ``events.csv`` filtered by category and period."""
    return TimelineExplorer(categories, years)
