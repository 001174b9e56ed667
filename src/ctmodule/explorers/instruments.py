"""The instrument explorer (chapter 2): filter the instruments by domain, decade and Kazakhstan's status."""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd

from ctmodule.explorers.base import _STYLE, _WIDE, Explorer, _close, _esc, svg_html, table_html


class InstrumentExplorer(Explorer):
    """Filter the instruments by scope, domain and decade of adoption, and re-plot the counts.

    Attributes: ``selection`` (the instruments kept, with derived columns), ``result``
    (counts by decade and domain, :func:`ctmodule.analysis.instruments.count_by_domain_decade`),
    ``count`` (how many instruments are kept).
    """

    title = "Instrument explorer"

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
