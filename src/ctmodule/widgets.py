"""Interactive explorers for the chapters, with a static view for the built book.

Each function returns an *explorer*: an object that holds ipywidgets controls
(``.controls``, a dict), the current result (``.result``, a DataFrame, and other
attributes named below), an ``update()`` method that recomputes the result from
the controls, and the live widget (``.widget``). A chapter calls it in one line::

    ctmodule.widgets.definition_comparator()

Displayed in a notebook, an explorer hands Jupyter a bundle with two views:

- ``application/vnd.jupyter.widget-view+json``: the live widget, which JupyterLab
  shows when the notebook runs (``make lab``);
- ``text/html``: a *static view* of the default selection (a table, and the figure
  as inline SVG with ``role="img"``, an ``aria-label`` and a ``<title>``), inside a
  ``<div class="ctmodule-static-view">``, with a note that the explorer is
  interactive in JupyterLab. The static book runs no Python, and ``_config.yml``
  ranks ``text/html`` first for the HTML builder, so the book shows this view.

The static view is computed once, from the default selection, when the explorer is
made; moving the controls changes ``.result`` and the live output, never the
static view.

The explorers rest on the chapter modules: :mod:`ctmodule.definitions` (grid and
similarity scores), :mod:`ctmodule.instruments` (counts by domain and decade),
:mod:`ctmodule.timeline` (filtering and plotting events) and :mod:`ctmodule.cases`
(coding options and comparison). What is added here is only the glue: controls,
tables as HTML, and the rules written in each function's docstring.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

import ipywidgets as widgets
import pandas as pd

STATIC_NOTE = (
    "Static view: this explorer is interactive when the notebook runs in JupyterLab "
    "(<code>make lab</code>)."
)
STATIC_CLASS = "ctmodule-static-view"

_STYLE = {"description_width": "initial"}
_WIDE = widgets.Layout(width="auto", min_width="22em")


# --------------------------------------------------------------------------- helpers


def _esc(text) -> str:
    return html.escape("" if text is None else str(text))


def svg_html(fig, alt: str) -> str:
    """Render a matplotlib figure as inline SVG with ``role="img"``, ``aria-label`` and ``<title>``.

    Uses :class:`ctmodule.figures.RenderedFigure`; the XML prologue is dropped so that
    the SVG can sit inside HTML.
    """
    from ctmodule.figures import RenderedFigure

    svg = RenderedFigure(fig).svg
    start = svg.find("<svg")
    svg = svg[start:]
    end = svg.find(">")
    head = svg[:end]
    head = re.sub(r'\s(width|height)="[^"]*"', "", head, count=2)
    alt_attr = html.escape(alt, quote=True)
    head += f' role="img" aria-label="{alt_attr}" style="max-width:100%;height:auto"'
    return f"{head}><title>{_esc(alt)}</title>{svg[end + 1:]}"


def table_html(df: pd.DataFrame, *, index: bool = False, caption: str | None = None) -> str:
    """A DataFrame as a plain, escaped HTML table (with an optional caption)."""
    out = df.to_html(index=index, escape=True, border=0, classes="ctmodule-table", na_rep="")
    if caption:
        out = out.replace(">", f"><caption>{_esc(caption)}</caption>", 1)
    return out


def _close(fig) -> None:
    """Drop references to a figure built with ``new_figure`` (no pyplot state to clear)."""
    del fig


class Explorer:
    """Base of the explorers: controls, an output area, a result, and a two-view display.

    Subclasses set ``self.title`` and ``self.controls`` and implement :meth:`render`,
    which recomputes the result attributes from the controls and returns the HTML of
    the output area.
    """

    title = "Explorer"

    def __init__(self):
        self.output = widgets.HTML(value="")
        children = [widgets.HTML(value=f"<strong>{_esc(self.title)}</strong>")]
        children += self._layout_controls()
        children.append(self.output)
        self.widget = widgets.VBox(children)
        for control in self.controls.values():
            if isinstance(control, widgets.Button):
                continue
            control.observe(self.update, names="value")
        self.update()
        self.static_html = self._static(self.output.value)

    # to be overridden
    def _layout_controls(self) -> list:
        return list(self.controls.values())

    def render(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def update(self, change=None) -> None:
        """Recompute the result from the controls and refresh the output area."""
        self.output.value = self.render()

    def static_body(self, live_html: str) -> str:
        """HTML of the static view (default: the output area for the default selection)."""
        return live_html

    def _static(self, live_html: str) -> str:
        return (
            f'<div class="{STATIC_CLASS}">'
            f"<p><strong>{_esc(self.title)}</strong></p>"
            f"{self.static_body(live_html)}"
            f'<p class="ctmodule-static-note"><em>{STATIC_NOTE}</em></p>'
            "</div>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = dict(self.widget._repr_mimebundle_() or {})
        bundle["text/html"] = self.static_html
        bundle["text/plain"] = f"<{self.title}: static view and live widget>"
        return bundle

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.title}>"


# --------------------------------------------------------------------------- definitions


#: Definitions compared when the chapter gives none: the UN Security Council text and Kazakhstan's law.
DEFAULT_COMPARISON = ("unsc_1566", "kz_416_i_art1_5")


def _many_status(values: Sequence[float], names: Sequence[str]) -> str:
    """Status of one element across several definitions (scores 1, 0.5, 0; NaN = not coded)."""
    if any(v != v for v in values):
        return "not coded for all"
    if all(v == 1 for v in values):
        return "in all"
    if all(v == 0 for v in values):
        return "in none"
    if all(v > 0 for v in values):
        return "in all (some only partly)"
    having = [n for n, v in zip(names, values, strict=True) if v > 0]
    return "only in " + " and ".join(having)


_STATUS_RANK = {"in all": 0, "in all (some only partly)": 1, "in none": 3, "not coded for all": 4}


class DefinitionComparator(Explorer):
    """Compare two or more definitions element by element (chapter 3).

    Attributes after each update: ``selected`` (definition ids), ``result`` (one row per
    element: label, each definition's coding, ``status``), ``score`` (the weighted
    Jaccard similarity of :func:`ctmodule.definitions.similarity` for two definitions;
    the mean over all pairs for more), ``pairs`` (every pair with its score), ``shared``
    and ``differ`` (element labels).
    """

    title = "Definition comparator"

    def __init__(self, definitions: Iterable[str] | None = None, *, method: str = "jaccard"):
        from ctmodule import data
        from ctmodule import definitions as defs

        self._defs = defs
        self.definitions = data.load("definitions")
        self.elements = data.load("elements")
        self.definition_elements = data.load("definition_elements")
        ids = list(self.definitions["definition_id"].astype(str))
        self.names = dict(zip(ids, self.definitions["name"].astype(str), strict=True))
        self.labels = dict(
            zip(self.elements["element_id"].astype(str), self.elements["label"].astype(str), strict=True)
        )
        chosen = list(definitions) if definitions is not None else [d for d in DEFAULT_COMPARISON if d in ids]
        if len(chosen) < 2:
            chosen = ids[:2]
        unknown = [d for d in chosen if d not in ids]
        if unknown:
            raise KeyError(f"unknown definition id(s) {unknown}; known: {ids}")
        self.words = defs.element_grid(self.definition_elements, definitions=self.definitions,
                                       elements=self.elements)
        self.numbers = defs.element_grid(self.definition_elements, numeric=True,
                                         definitions=self.definitions, elements=self.elements)
        self.controls = {
            "definitions": widgets.SelectMultiple(
                options=[(self.names[i], i) for i in ids],
                value=tuple(chosen),
                rows=min(len(ids), 8),
                description="Definitions (choose two or more; Ctrl or Shift to add)",
                style=_STYLE,
                layout=widgets.Layout(width="100%"),
            ),
            "method": widgets.Dropdown(
                options=[("weighted Jaccard (ignores shared absences)", "jaccard"),
                         ("agreement (counts shared absences)", "agreement")],
                value=method,
                description="Similarity score",
                style=_STYLE,
                layout=_WIDE,
            ),
        }
        super().__init__()

    def _short(self, definition_id: str) -> str:
        return self.names[definition_id].split(",")[0]

    def render(self) -> str:
        self.selected = list(self.controls["definitions"].value)
        method = self.controls["method"].value
        if len(self.selected) < 2:
            self.result = pd.DataFrame()
            self.score = float("nan")
            self.pairs = pd.DataFrame(columns=["a", "b", "similarity"])
            self.shared, self.differ = [], []
            return "<p>Choose at least two definitions.</p>"
        short = [self._short(d) for d in self.selected]
        rows = []
        for e in self.words.columns:
            values = [float(self.numbers.at[d, e]) for d in self.selected]
            row = {"element": self.labels.get(e, e)}
            row.update({s: self.words.at[d, e] or "(not coded)" for s, d in zip(short, self.selected, strict=True)})
            row["status"] = _many_status(values, short)
            rows.append(row)
        result = pd.DataFrame(rows)
        result["_rank"] = result["status"].map(lambda s: _STATUS_RANK.get(s, 2))
        self.result = result.sort_values("_rank", kind="stable").drop(columns="_rank").reset_index(drop=True)
        self.shared = list(result.loc[result["status"].str.startswith("in all"), "element"])
        self.differ = list(result.loc[result["status"].str.startswith("only in"), "element"])
        pairs = [
            {"a": short[i], "b": short[j],
             "similarity": self._defs.similarity(self.numbers, self.selected[i], self.selected[j], method=method)}
            for i in range(len(self.selected)) for j in range(i + 1, len(self.selected))
        ]
        self.pairs = pd.DataFrame(pairs, columns=["a", "b", "similarity"])
        self.score = float(self.pairs["similarity"].mean())

        grid = self.words.loc[self.selected].copy()
        grid.index = short
        grid.columns = [self.labels.get(c, c) for c in grid.columns]
        n_el, n_def = len(grid.columns), len(short)
        fig = self._defs.plot_element_grid(grid.T, width=min(9.0, 3.2 + 1.2 * n_def),
                                           height=0.36 * n_el + 1.6, label_width=28)
        coded = ", ".join(
            f"{s}: {sum(self.words.at[d, e] == 'yes' for e in self.words.columns)} yes, "
            f"{sum(self.words.at[d, e] == 'partial' for e in self.words.columns)} partial"
            for s, d in zip(short, self.selected, strict=True)
        )
        alt = (f"Grid of the {len(self.words.columns)} elements (rows) for {len(short)} definitions "
               f"(columns), marked yes, part or no. {coded}.")
        what = "weighted Jaccard" if method == "jaccard" else "agreement"
        if len(self.selected) == 2:
            headline = f"Similarity ({what}): <strong>{self.score:.2f}</strong> (0 = nothing shared, 1 = identical)"
            pairs_html = ""
        else:
            headline = (f"Mean similarity over {len(pairs)} pairs ({what}): "
                        f"<strong>{self.score:.2f}</strong>")
            shown = self.pairs.assign(similarity=self.pairs["similarity"].round(2))
            pairs_html = table_html(shown, caption="Similarity of each pair")
        shared = ", ".join(self.shared) or "none"
        differ = ", ".join(self.differ) or "none"
        svg = svg_html(fig, alt)
        _close(fig)
        return (
            f"<p>{headline}</p>"
            f"<p><strong>Shared by all:</strong> {_esc(shared)}.<br>"
            f"<strong>Where they differ:</strong> {_esc(differ)}.</p>"
            f"{pairs_html}{svg}"
            f"{table_html(self.result, caption='Element by element (yes, partial or no in each definition)')}"
        )


def definition_comparator(definitions: Iterable[str] | None = None, *, method: str = "jaccard"):
    """Explorer: choose two or more definitions and compare their elements (chapter 3).

    ``definitions`` are ``definition_id`` values to start with (by default the UN
    Security Council resolution 1566 and Kazakhstan's Law No. 416-I). The score is
    :func:`ctmodule.definitions.similarity` (``method="jaccard"`` or ``"agreement"``).
    """
    return DefinitionComparator(definitions, method=method)


# --------------------------------------------------------------------------- instruments


class InstrumentExplorer(Explorer):
    """Filter the instruments by scope, domain and decade of adoption, and re-plot the counts.

    Attributes: ``selection`` (the instruments kept, with derived columns), ``result``
    (counts by decade and domain, :func:`ctmodule.instruments.count_by_domain_decade`),
    ``count`` (how many instruments are kept).
    """

    title = "Instrument explorer"

    def __init__(self):
        from ctmodule import data
        from ctmodule import instruments as ins

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


# --------------------------------------------------------------------------- timeline


class TimelineExplorer(Explorer):
    """Events of ``events.csv`` by category and period (chapters 2 and 4).

    An event is kept when its category is ticked and its period (a year-precise date
    stands for the whole year) overlaps the years chosen, as in
    :func:`ctmodule.timeline.filter_events`. Attributes: ``result`` (the events kept:
    date, category, title, actor), ``counts`` (events per category).
    """

    title = "Timeline explorer"

    def __init__(self, categories: Iterable[str] | None = None, years: tuple[int, int] | None = None):
        from ctmodule import data
        from ctmodule import timeline as tl

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


# --------------------------------------------------------------------------- case coder

#: Wrong but plausible options added to each field of the case coder, so that a choice is a choice.
DISTRACTORS = {
    "securitising_actor": ["Independent journalists", "Foreign governments", "The accused person"],
    "referent_object": ["Freedom of expression", "Religious freedom", "The environment"],
    "audience": ["Foreign investors only", "The United Nations Security Council"],
    "extraordinary_measure": ["An ordinary civil lawsuit", "A public information campaign", "No measure was taken"],
}

#: What each field asks, shown next to a wrong answer.
FIELD_HELP = {
    "securitising_actor": "the actor who declares something threatened and calls for special action",
    "referent_object": "what is said to be threatened and worth protecting",
    "audience": "the people who must accept the claim for the move to succeed",
    "extraordinary_measure": "the step beyond normal politics that the threat is said to justify",
}

CHOOSE = "(choose)"


class CaseCoder(Explorer):
    """Code one case with the securitisation vocabulary and compare with the module's coding (chapter 6).

    The four dropdowns offer every value coded across the cases (so the right answer
    for one case is among the answers to others) plus the :data:`DISTRACTORS`.
    ``check()`` (the button) compares the choices with the case's row of
    ``cases.csv`` using :func:`ctmodule.cases.compare_coding` and shows the recorded
    coding card with its sources. Attributes after a check: ``result`` (the
    comparison), ``verdict`` (field -> True/False), ``correct`` (how many fields match).
    """

    title = "Case coder"

    def __init__(self, case_id: str | None = None):
        from ctmodule import cases as cs
        from ctmodule import data

        self._cs = cs
        self.cases = data.load("cases")
        self.sources = data.load("sources")
        ids = list(self.cases["case_id"].astype(str))
        case_id = case_id or ids[0]
        if case_id not in ids:
            raise KeyError(f"no case {case_id!r}; known: {ids}")
        # Whole cells, not cs.coding_options: a cell may use ";" inside a sentence (one actor with a
        # comment), and compare_coding splits the module's cell and the chosen option alike.
        self.options = {
            f: sorted({str(v).strip() for v in self.cases[f].dropna() if str(v).strip()}
                      | set(DISTRACTORS.get(f, [])), key=str.casefold)
            for f in cs.THEORY_FIELDS
        }
        labels = dict(cs.CODING_FIELDS)
        subjects = dict(zip(ids, self.cases["subject"].astype(str), strict=True))
        self.controls = {
            "case": widgets.Dropdown(options=[(f"{subjects[i]} ({i})", i) for i in ids], value=case_id,
                                     description="Case", style=_STYLE, layout=_WIDE),
        }
        for f in cs.THEORY_FIELDS:
            self.controls[f] = widgets.Dropdown(options=[CHOOSE, *self.options[f]], value=CHOOSE,
                                                description=labels[f], style=_STYLE,
                                                layout=widgets.Layout(width="100%"))
        self.controls["check"] = widgets.Button(description="Check", tooltip="Compare with the module's coding",
                                                button_style="primary")
        self.controls["check"].on_click(lambda _b: self.check())
        self.checked = False
        super().__init__()

    def update(self, change=None) -> None:
        if change is not None and change.get("owner") is self.controls["case"]:
            for f in self._cs.THEORY_FIELDS:
                self.controls[f].value = CHOOSE
        self.checked = False
        super().update()

    def check(self):
        """Compare the current choices with the recorded coding and show the explanation."""
        self.checked = True
        self.output.value = self.render()
        return self.result

    def answers(self) -> dict[str, str]:
        return {f: ("" if self.controls[f].value == CHOOSE else self.controls[f].value)
                for f in self._cs.THEORY_FIELDS}

    def _case_html(self, row) -> str:
        date = self._cs.format_date(row["date"], str(row["date_precision"]))
        return (
            f"<p><strong>{_esc(row['subject'])}</strong> ({_esc(row['subject_type'])}, {_esc(date)})<br>"
            f"<strong>Legal basis:</strong> {_esc(row['legal_basis'])}<br>"
            f"<strong>Allegation:</strong> {_esc(row['allegation'])}<br>"
            f"<strong>Outcome:</strong> {_esc(row['outcome'])}</p>"
        )

    def _card_html(self, case_id: str) -> str:
        card = self._cs.coding_card(self.cases, case_id, self.sources)
        return table_html(card.reset_index(), caption="The module's coding of this case, with its sources")

    def render(self) -> str:
        case_id = self.controls["case"].value
        row = self.cases[self.cases["case_id"] == case_id].iloc[0]
        self.case = case_id
        self.result = self._cs.compare_coding(self.cases, case_id, self.answers())
        self.verdict = dict(zip(self.result["field"], self.result["match"], strict=True))
        self.correct = int(self.result["match"].sum())
        head = self._case_html(row)
        if not self.checked:
            return head + "<p>Choose an answer for each of the four fields, then press <em>Check</em>.</p>"
        labels = dict(self._cs.CODING_FIELDS)
        items = []
        for r in self.result.itertuples(index=False):
            name = labels[r.field]
            if r.match:
                items.append(f"<li><strong>{_esc(name)}: agrees.</strong> {_esc(r.module)}</li>")
            elif not r.yours:
                items.append(f"<li><strong>{_esc(name)}: no answer.</strong> The module codes "
                             f"<em>{_esc(r.module)}</em>: {_esc(FIELD_HELP[r.field])}.</li>")
            else:
                items.append(
                    f"<li><strong>{_esc(name)}: differs.</strong> You chose <em>{_esc(r.yours)}</em>; "
                    f"the module codes <em>{_esc(r.module)}</em>. This field asks for "
                    f"{_esc(FIELD_HELP[r.field])}; ask whether your choice fits that role in this case, "
                    f"and whether the sources below support it. A different reading can be defended, "
                    f"but it needs evidence.</li>"
                )
        note = row.get("note")
        note_html = f"<p><strong>Note on the coding:</strong> {_esc(note)}</p>" if isinstance(note, str) else ""
        return (
            f"{head}<p><strong>{self.correct} of 4</strong> fields agree with the module's coding.</p>"
            f"<ul>{''.join(items)}</ul>{self._card_html(case_id)}{note_html}"
        )

    def static_body(self, live_html: str) -> str:
        case_id = self.controls["case"].value
        row = self.cases[self.cases["case_id"] == case_id].iloc[0]
        labels = dict(self._cs.CODING_FIELDS)
        questions = "".join(
            f"<li><strong>{_esc(labels[f])}</strong> ({_esc(FIELD_HELP[f])}), one of:<ul>"
            + "".join(f"<li>{_esc(o)}</li>" for o in self.options[f])
            + "</ul></li>"
            for f in self._cs.THEORY_FIELDS
        )
        return (
            f"{self._case_html(row)}<p>Code the case: choose for each field.</p><ol>{questions}</ol>"
            f"<details><summary>Check: the module's coding and its sources</summary>"
            f"{self._card_html(case_id)}</details>"
        )


def case_coder(case_id: str | None = None):
    """Explorer: code a case of ``cases.csv`` (actor, referent object, audience, measure) and check it."""
    return CaseCoder(case_id)


# --------------------------------------------------------------------------- build your definition

#: Elements ticked when the explorer opens.
DEFAULT_TICKED = ("violence_or_threat", "political_motive", "intimidate_population")


class DefinitionBuilder(Explorer):
    """Tick the elements of your own definition; see the recorded definitions and scenarios it matches.

    Rules:

    - *Definitions* are ranked by the weighted Jaccard similarity
      (:func:`ctmodule.definitions.similarity`) between your ticks (1 for ticked, 0 for
      not) and each definition's coding (yes 1, partial 0.5, no 0). ``requires_more``
      lists the elements a definition codes ``yes`` that you left out; ``lacks`` the
      elements you ticked that it codes ``no`` or ``partial``.
    - A *scenario* (the invented cases of ``scenarios.csv``) counts as terrorism under
      your definition when it has **every** element you ticked (its column says
      ``yes``). Unticked elements do not matter. Ticking nothing therefore classifies
      every scenario as terrorism, and each added element can only shrink the set.

    Attributes: ``ticked``, ``result`` (definitions ranked), ``scenarios`` (all
    scenarios with a ``counts`` column), ``matched`` (ids of the scenarios that count).
    """

    title = "Build your own definition"

    def __init__(self, ticked: Iterable[str] | None = None):
        from ctmodule import data
        from ctmodule import definitions as defs

        self._defs = defs
        self.definitions = data.load("definitions")
        self.elements = data.load("elements")
        self.scenario_table = data.load("scenarios")
        de = data.load("definition_elements")
        self.numbers = defs.element_grid(de, numeric=True, definitions=self.definitions, elements=self.elements)
        self.element_ids = list(self.numbers.columns)
        self.labels = dict(
            zip(self.elements["element_id"].astype(str), self.elements["label"].astype(str), strict=True)
        )
        self.names = dict(
            zip(self.definitions["definition_id"].astype(str), self.definitions["name"].astype(str), strict=True)
        )
        ticked = set(DEFAULT_TICKED if ticked is None else ticked)
        unknown = ticked - set(self.element_ids)
        if unknown:
            raise KeyError(f"unknown element id(s) {sorted(unknown)}; known: {self.element_ids}")
        self.controls = {
            e: widgets.Checkbox(value=e in ticked, description=self.labels.get(e, e), indent=False,
                                layout=widgets.Layout(width="auto"))
            for e in self.element_ids
        }
        super().__init__()

    def _layout_controls(self) -> list:
        boxes = list(self.controls.values())
        half = (len(boxes) + 1) // 2
        return [
            widgets.HTML("Tick the elements your definition requires:"),
            widgets.HBox([widgets.VBox(boxes[:half]), widgets.VBox(boxes[half:])]),
        ]

    def set_ticked(self, element_ids: Iterable[str]) -> None:
        """Tick exactly ``element_ids`` (and untick the rest), then update once."""
        wanted = set(element_ids)
        for e, box in self.controls.items():
            box.unobserve(self.update, names="value")
            box.value = e in wanted
            box.observe(self.update, names="value")
        self.update()

    def render(self) -> str:
        self.ticked = [e for e in self.element_ids if self.controls[e].value]
        mine = pd.Series({e: 1.0 if e in self.ticked else 0.0 for e in self.element_ids}, name="yours")
        grid = pd.concat([self.numbers, mine.to_frame().T])
        rows = []
        for d in self.numbers.index:
            coded = self.numbers.loc[d]
            rows.append({
                "definition_id": d,
                "definition": self.names.get(d, d),
                "similarity": round(self._defs.similarity(grid, "yours", d), 3),
                "requires_more": ", ".join(self.labels[e] for e in self.element_ids
                                           if coded[e] == 1 and e not in self.ticked),
                "lacks": ", ".join(self.labels[e] for e in self.ticked if coded[e] < 1),
            })
        self.result = (pd.DataFrame(rows).sort_values(["similarity", "definition"], ascending=[False, True],
                                                      kind="stable").reset_index(drop=True))
        sc = self.scenario_table
        has_all = pd.Series(True, index=sc.index)
        for e in self.ticked:
            has_all &= sc[e].astype(str).str.strip().str.lower().eq("yes")
        self.scenarios = sc[["scenario_id", "title"]].astype(str).assign(counts=has_all.to_numpy())
        self.matched = list(self.scenarios.loc[self.scenarios["counts"], "scenario_id"])

        ticked = ", ".join(self.labels[e] for e in self.ticked) or "nothing (every scenario counts)"
        top = self.result.head(5).drop(columns="definition_id")
        top = top.rename(columns={"requires_more": "also requires (you left out)",
                                  "lacks": "does not fully require (you ticked)"})
        yes = self.scenarios[self.scenarios["counts"]]
        no = self.scenarios[~self.scenarios["counts"]]
        scen = (
            f"<p><strong>{len(yes)} of {len(sc)}</strong> hypothetical scenarios count as terrorism under "
            f"your definition (a scenario counts when it has every element you ticked).</p>"
            f"<ul>{''.join(f'<li>{_esc(t)}</li>' for t in yes['title'])}</ul>"
            f"<details><summary>Not terrorism under your definition ({len(no)})</summary>"
            f"<ul>{''.join(f'<li>{_esc(t)}</li>' for t in no['title'])}</ul></details>"
        )
        return (
            f"<p><strong>Your definition requires:</strong> {_esc(ticked)}.</p>"
            f"{table_html(top, caption='The five closest recorded definitions (weighted Jaccard similarity)')}"
            f"{scen}"
        )


def build_your_definition(ticked: Iterable[str] | None = None):
    """Explorer: tick elements, see the closest recorded definitions and which scenarios count.

    ``ticked`` are element ids to start with (default :data:`DEFAULT_TICKED`). The
    matching rule is in :class:`DefinitionBuilder`.
    """
    return DefinitionBuilder(ticked)
