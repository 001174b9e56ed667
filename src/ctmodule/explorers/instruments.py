"""The instrument explorer (chapter 2): filter the instruments by domain, decade and Kazakhstan's status."""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd

from ctmodule.explorers.base import _STYLE, _WIDE, Explorer, _close, _esc, svg_html, table_html
from ctmodule.l10n import N_, SOURCE_LANGUAGE, translator


class InstrumentExplorer(Explorer):
    """Filter the instruments by scope, domain and decade of adoption, and re-plot the counts.

    Attributes: ``selection`` (the instruments kept, with derived columns), ``result``
    (counts by decade and domain, :func:`ctmodule.analysis.instruments.count_by_domain_decade`),
    ``count`` (how many instruments are kept).
    """

    title = N_("Instrument explorer")

    def __init__(self):
        from ctmodule import data
        from ctmodule.analysis import instruments as ins

        self._ins = ins
        self.table = ins.prepare(data.load("instruments"))
        scopes = [s for s in ("universal", "regional", "national") if s in set(self.table["scope"])]
        domains = sorted(self.table["domain_label"].dropna().unique())
        years = self.table["adopted_year"].dropna().astype(int)
        decades = [f"{d}s" for d in range(years.min() // 10 * 10, years.max() // 10 * 10 + 10, 10)]
        self.controls = {
            "scope": widgets.SelectMultiple(options=scopes, value=tuple(scopes), rows=len(scopes),
                                            description="Scope", style=_STYLE),
            "domain": widgets.SelectMultiple(options=domains, value=tuple(domains), rows=min(len(domains), 8),
                                             description="Domain", style=_STYLE, layout=_WIDE),
            "decades": widgets.SelectionRangeSlider(options=decades, index=(0, len(decades) - 1),
                                                    description="Decades of adoption", style=_STYLE,
                                                    layout=widgets.Layout(width="32em")),
        }
        super().__init__()

    def _layout_controls(self) -> list:
        c = self.controls
        return [widgets.HBox([c["scope"], c["domain"]]), c["decades"]]

    def web(self, lang: str = SOURCE_LANGUAGE):
        """This explorer in the built book: see :func:`instruments_web`."""
        return instruments_web(self, lang)

    def render(self) -> str:
        c = self.controls
        lo, hi = (int(d[:4]) for d in c["decades"].value)
        t = self.table
        keep = (
            t["scope"].isin(c["scope"].value)
            & t["domain_label"].isin(c["domain"].value)
            & t["adopted_year"].notna()
            & (t["adopted_year"].fillna(0) >= lo)
            & (t["adopted_year"].fillna(0) <= hi + 9)
        )
        self.selection = t[keep.fillna(False).astype(bool)].reset_index(drop=True)
        self.count = len(self.selection)
        if self.selection.empty:
            self.result = pd.DataFrame(dtype="int64")
            return "<p>No instrument matches this selection.</p>"
        self.result = self._ins.count_by_domain_decade(self.selection, scope=None)
        fig = self._ins.plot_domain_decade(self.selection, scope=None)
        per_decade = "; ".join(f"{d}: {int(n)}" for d, n in self.result.sum(axis=1).items())
        alt = (f"Stacked bar chart of {self.count} instruments by decade of adoption and domain. "
               f"Per decade: {per_decade}.")
        svg = svg_html(fig, alt)
        _close(fig)
        listing = self.selection[["short_name", "scope", "domain_label", "adopted_year", "kz_category"]].rename(
            columns={"short_name": "instrument", "domain_label": "domain", "adopted_year": "adopted",
                     "kz_category": "Kazakhstan"})
        listing = listing.sort_values(["adopted", "instrument"], kind="stable")
        scopes = ", ".join(c["scope"].value)
        return (
            f"<p><strong>{self.count}</strong> instruments ({_esc(scopes)}), adopted {lo} to {hi + 9}.</p>"
            f"{svg}{table_html(self._counts_table(), index=True, caption='Instruments by domain and decade of adoption')}"
            f"<details><summary>The {self.count} instruments</summary>{table_html(listing)}</details>"
        )


    def _counts_table(self) -> pd.DataFrame:
        """The counts with domains as rows and decades as columns (narrow enough for a page), plus totals."""
        table = self.result.T.copy()
        table["total"] = table.sum(axis=1)
        table.loc["all domains"] = table.sum(axis=0)
        table.index.name = "domain"
        table.columns.name = None
        return table


def instrument_explorer():
    """Explorer: filter the instruments by scope, domain and decade; the counts are re-plotted (chapter 2)."""
    return InstrumentExplorer()


def instruments_web(explorer: InstrumentExplorer, lang: str = SOURCE_LANGUAGE):
    """The instrument explorer in the page, in ``lang``: filter by scope, domain, Kazakhstan's status
    and decades.

    The rows are :func:`ctmodule.analysis.instruments.prepare`'s (domain, decade, Kazakhstan's
    category); the page filters them and counts by decade and domain. The instruments' names are
    ``short_name_<lang>`` of ``instruments.csv``; scopes, domains and statuses come from the catalog.
    """
    import altair as alt

    from ctmodule.analysis.instruments import KZ_CATEGORIES
    from ctmodule.explorers import web

    tr = translator(lang)
    t = explorer.table[explorer.table["adopted_year"].notna()]
    names = web.data_labels(t, "short_name", lang, "instruments")
    rows = [
        {"instrument": name, "scope": web.value_label("scope", r.scope, lang),
         "domain": web.value_label("domain", r.domain, lang),
         "adopted": int(r.adopted_year), "decade": int(r.adopted_year) // 10 * 10,
         "kazakhstan": web.value_label("kz_category", r.kz_category, lang)}
        for name, r in zip(names, t.itertuples(), strict=True)
    ]
    data = alt.Data(values=rows)
    scopes = [web.value_label("scope", s, lang) for s in ("universal", "regional", "national") if s in set(t["scope"])]
    domains = sorted({r["domain"] for r in rows})
    statuses = [web.value_label("kz_category", k, lang) for k in KZ_CATEGORIES if k in set(t["kz_category"])]
    first, last = min(r["decade"] for r in rows), max(r["decade"] for r in rows)
    decades = list(range(first, last + 10, 10))
    p_scope = web.select("scope", tr(N_("Scope")), [None, *scopes], [tr(N_("all scopes")), *scopes])
    p_domain = web.select("domain", tr(N_("Domain")), [None, *domains], [tr(N_("all domains")), *domains])
    p_kz = web.select("kz", tr(N_("Kazakhstan's status")), [None, *statuses], [tr(N_("any status")), *statuses])
    p_from = web.slider("decade_from", tr(N_("Adopted from the decade of")), first, last, first, step=10)
    p_to = web.slider("decade_to", tr(N_("to the decade of")), first, last, last, step=10)
    keep = ("(scope === null || datum.scope === scope) && (domain === null || datum.domain === domain) && "
            "(kz === null || datum.kazakhstan === kz) && datum.decade >= decade_from && datum.decade <= decade_to")
    suffix = tr(N_("{decade}s"))
    label = web.js_string(suffix.split("{decade}")[0]) + " + datum.decade + " + web.js_string(suffix.split("{decade}")[-1])
    decade_labels = [suffix.format(decade=d) for d in decades]
    t_decade, t_domain, t_count = tr(N_("decade")), tr(N_("domain")), tr(N_("instruments"))
    t_inst, t_scope, t_adopted, t_kz = tr(N_("instrument")), tr(N_("scope")), tr(N_("adopted")), tr(N_("Kazakhstan"))
    counts = (
        alt.Chart(data, name="counts", width=520, height=220).mark_bar()
        .encode(
            x=alt.X("decade_label:O", title=tr(N_("Decade of adoption")), sort=decade_labels,
                    scale=alt.Scale(domain=decade_labels), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("instruments:Q", title=tr(N_("Instruments adopted")), axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("domain:N", title=tr(N_("Domain")), scale=alt.Scale(domain=domains, scheme="tableau20")),
            tooltip=[alt.Tooltip("decade_label:O", title=t_decade), alt.Tooltip("domain:N", title=t_domain),
                     alt.Tooltip("instruments:Q", title=t_count)],
        )
        .transform_filter(keep)
        .transform_aggregate(instruments="count()", groupby=["decade", "domain"])
        .transform_calculate(decade_label=label)
    )
    each = (
        alt.Chart(data, name="list", width=520, height=110).mark_point(filled=True, size=60)
        .encode(
            x=alt.X("adopted:Q", title=tr(N_("Year of adoption")), scale=alt.Scale(domain=[first, last + 9]),
                    axis=alt.Axis(format="d")),
            y=alt.Y("kazakhstan:N", title=t_kz, sort=statuses, scale=alt.Scale(domain=statuses)),
            color=alt.Color("kazakhstan:N", legend=None, scale=alt.Scale(domain=statuses, scheme="dark2")),
            tooltip=[alt.Tooltip("instrument:N", title=t_inst), alt.Tooltip("scope:N", title=t_scope),
                     alt.Tooltip("domain:N", title=t_domain), alt.Tooltip("adopted:Q", title=t_adopted),
                     alt.Tooltip("kazakhstan:N", title=t_kz)],
        )
        .transform_filter(keep)
    )
    chart = alt.vconcat(counts, each).add_params(p_scope, p_domain, p_kz, p_from, p_to).properties(
        description=tr(N_("Stacked bar chart of the instruments kept, by decade of adoption and domain, and "
                          "below it one dot per instrument by year of adoption and Kazakhstan's status.")))
    list_columns = [["instrument", t_inst], ["scope", t_scope], ["domain", t_domain], ["adopted", t_adopted],
                    ["kazakhstan", t_kz]]
    spec = web.meta(
        chart,
        tables=[
            {"view": "counts", "caption": tr(N_("Instruments by decade of adoption and domain")),
             "columns": [["decade_label", t_decade], ["domain", t_domain], ["instruments", t_count]],
             "sort": ["decade", "ascending"]},
            {"view": "list", "caption": tr(N_("The instruments kept")), "columns": list_columns,
             "sort": ["adopted", "ascending"]},
        ],
        summary=[{"view": "list", "template": tr(N_("{count} instruments match the selection."))}],
    )
    fallback = None
    if lang != SOURCE_LANGUAGE:
        frame = pd.DataFrame(sorted(rows, key=lambda r: (r["adopted"], r["instrument"])))
        frame = frame[[c for c, _ in list_columns]].rename(columns=dict(list_columns))
        fallback = explorer.fallback_html(lang, table_html(frame, caption=tr(N_("The instruments kept"))))
    return web.WebView(
        name="instruments", title=tr(explorer.title), spec=spec, chart=chart, lang=lang,
        description=tr(N_("Choose a scope, a domain, Kazakhstan's status and a range of decades: the bars count "
                          "the instruments adopted in each decade by domain, and the dots show each instrument "
                          "with Kazakhstan's status.")),
        fallback_html=fallback or explorer.fallback_html(),
    )
