"""The timeline explorer (chapters 4 and 8): events by category and period."""

from __future__ import annotations

from collections.abc import Iterable

import ipywidgets as widgets
import pandas as pd

from ctmodule.explorers.base import _STYLE, Explorer, _close, _esc, svg_html, table_html
from ctmodule.l10n import N_, SOURCE_LANGUAGE, translator


class TimelineExplorer(Explorer):
    """Events of ``events.csv`` by category and period (chapters 2 and 4).

    An event is kept when its category is ticked and its period (a year-precise date
    stands for the whole year) overlaps the years chosen, as in
    :func:`ctmodule.analysis.timeline.filter_events`. Attributes: ``result`` (the events kept:
    date, category, title, actor), ``counts`` (events per category).
    """

    title = N_("Timeline explorer")

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

    def web(self, lang: str = SOURCE_LANGUAGE):
        """This explorer in the built book: see :func:`timeline_web`."""
        return timeline_web(self, lang)

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


def timeline_web(explorer: TimelineExplorer, lang: str = SOURCE_LANGUAGE):
    """The timeline in the page, in ``lang``: a category select and two year sliders.

    Each event carries its first and last possible year (:func:`ctmodule.analysis.timeline.add_periods`);
    an event is kept when that period overlaps the chosen years, the rule of
    :func:`ctmodule.analysis.timeline.filter_events`. Titles and actors are ``title_<lang>`` and
    ``actor_<lang>`` of ``events.csv``; the categories come from the catalog.
    """
    import altair as alt

    from ctmodule.explorers import web

    tr = translator(lang)
    ev = explorer._tl.add_periods(explorer.events)
    titles = web.data_labels(ev, "title", lang, "events")
    actors = web.data_labels(ev, "actor", lang, "events")
    rows = [
        {"date": str(r.date), "category": web.value_label("category", r.category, lang), "title": title,
         "actor": actor, "start_year": int(r.start.year), "end_year": int(r.end.year),
         "start": r.start.strftime("%Y-%m-%d")}
        for title, actor, r in zip(titles, actors, ev.itertuples(), strict=True)
    ]
    cats = [web.value_label("category", c, lang) for c in explorer.controls["categories"].options]
    first, last = explorer.controls["years"].min, explorer.controls["years"].max
    lo, hi = explorer.controls["years"].value
    p_cat = web.select("category", tr(N_("Category")), [None, *cats], [tr(N_("all categories")), *cats])
    p_from = web.slider("year_from", tr(N_("From the year")), first, last, lo)
    p_to = web.slider("year_to", tr(N_("to the year")), first, last, hi)
    columns = [["date", tr(N_("date"))], ["category", tr(N_("category"))], ["title", tr(N_("event"))],
               ["actor", tr(N_("actor"))]]
    events = (
        alt.Chart(alt.Data(values=rows), name="events", width=560, height=alt.Step(26))
        .mark_point(filled=True, size=70)
        .encode(
            x=alt.X("start:T", title=tr(N_("Date (start of the period the source gives)")),
                    scale=alt.Scale(domain=[f"{first}-01-01", f"{last}-12-31"])),
            y=alt.Y("category:N", title=None, sort=cats, scale=alt.Scale(domain=cats)),
            color=alt.Color("category:N", legend=None, scale=alt.Scale(domain=cats, scheme="dark2")),
            tooltip=[alt.Tooltip(f"{f}:N", title=t) for f, t in columns],
        )
        .transform_filter("(category === null || datum.category === category) && "
                          "datum.end_year >= year_from && datum.start_year <= year_to")
    )
    chart = events.add_params(p_cat, p_from, p_to).properties(
        description=tr(N_("Timeline of the events kept, one row per category, each dot an event at its date.")))
    spec = web.meta(
        chart,
        tables=[{"view": "events", "caption": tr(N_("The events kept")), "columns": columns,
                 "sort": ["start", "ascending"]}],
        summary=[{"view": "events", "template": tr(N_("{count} events match the selection."))}],
    )
    fallback = None
    if lang != SOURCE_LANGUAGE:
        chosen = {web.value_label("category", c, lang) for c in explorer.controls["categories"].value}
        kept = [r for r in rows if r["category"] in chosen and r["end_year"] >= lo and r["start_year"] <= hi]
        frame = pd.DataFrame(sorted(kept, key=lambda r: r["start"]), columns=[c for c, _ in columns] + ["start"])
        frame = frame[[c for c, _ in columns]].rename(columns=dict(columns))
        fallback = explorer.fallback_html(lang, table_html(frame, caption=tr(N_("The events kept"))))
    return web.WebView(
        name="timeline", title=tr(explorer.title), spec=spec, chart=chart, lang=lang,
        description=tr(N_("Choose a category and a period: each dot is an event of the module's timeline, "
                          "placed at its date (an event known only to the year sits at 1 January).")),
        fallback_html=fallback or explorer.fallback_html(),
    )
