"""The definition comparator (chapter 3): choose definitions, see the element grid and their similarity."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import ipywidgets as widgets
import pandas as pd

from ctmodule.explorers.base import _STYLE, _WIDE, Explorer, _close, _esc, svg_html, table_html
from ctmodule.l10n import N_, SOURCE_LANGUAGE, translator

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
    Jaccard similarity of :func:`ctmodule.analysis.definitions.similarity` for two definitions;
    the mean over all pairs for more), ``pairs`` (every pair with its score), ``shared``
    and ``differ`` (element labels).
    """

    title = N_("Definition comparator")

    def __init__(self, definitions: Iterable[str] | None = None, *, method: str = "jaccard"):
        from ctmodule import data
        from ctmodule.analysis import definitions as defs

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

    def web(self, lang: str = SOURCE_LANGUAGE):
        """This explorer in the built book: see :func:`comparator_web`."""
        return comparator_web(self, lang)

    def names_in(self, lang: str) -> dict[str, str]:
        """The definitions' names in ``lang`` (``name_<lang>`` of ``definitions.csv``)."""
        from ctmodule.explorers.web import data_labels

        ids = list(self.definitions["definition_id"].astype(str))
        return dict(zip(ids, data_labels(self.definitions, "name", lang, "definitions"), strict=True))

    def labels_in(self, lang: str) -> dict[str, str]:
        """The elements' labels in ``lang`` (``label_<lang>`` of ``elements.csv``)."""
        from ctmodule.explorers.web import data_labels

        ids = list(self.elements["element_id"].astype(str))
        return dict(zip(ids, data_labels(self.elements, "label", lang, "elements"), strict=True))

    def fallback_body(self, lang: str) -> str:
        """The default pair in ``lang``: its similarity, and each element's coding in both."""
        from ctmodule.explorers.web import value_label

        tr = translator(lang)
        names, labels = self.names_in(lang), self.labels_in(lang)
        chosen = (self.selected + self.selected)[:2]
        short = [names[d].split(",")[0] for d in chosen]
        method = self.controls["method"].value
        what = tr(N_("weighted Jaccard")) if method == "jaccard" else tr(N_("agreement"))
        value = self._defs.similarity(self.numbers, chosen[0], chosen[1], method=method)
        shown = f"{value:.2f}" if value == value else tr(N_("not defined (no element coded for both)"))
        head = tr(N_("Similarity ({what}) of {a} and {b}: {value}")).format(what=what, a=short[0], b=short[1],
                                                                              value=shown)
        rows = [{tr(N_("element")): labels.get(e, e),
                 **{s: value_label("coding", self.words.at[d, e] or "(not coded)", lang)
                    for s, d in zip(short, chosen, strict=True)}}
                for e in self.words.columns]
        return (f"<p><strong>{_esc(head)}</strong></p>"
                + table_html(pd.DataFrame(rows), caption=tr(N_("Element by element, for the two chosen "
                                                                "definitions"))))

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
    :func:`ctmodule.analysis.definitions.similarity` (``method="jaccard"`` or ``"agreement"``).
    """
    return DefinitionComparator(definitions, method=method)


def comparator_web(comparator: DefinitionComparator, lang: str = SOURCE_LANGUAGE):
    """The comparator in the page, in ``lang``: two selects and a radio choose the pair and the score.

    Every ordered pair's similarity is computed here with
    :func:`ctmodule.analysis.definitions.similarity` (both methods); the page only looks the
    chosen pair up. The grid shows the two chosen definitions' coding of every element.
    """
    import altair as alt

    from ctmodule.explorers import web

    c = comparator
    tr = translator(lang)
    ids = list(c.numbers.index)
    names = c.names_in(lang)
    labels = c.labels_in(lang)

    def short(d):
        return names[d].split(",")[0]

    default = (c.selected + c.selected)[:2] if c.selected else ids[:2]
    methods = {"jaccard": tr(N_("weighted Jaccard")), "agreement": tr(N_("agreement"))}
    rows = []
    for method, what in methods.items():
        matrix = c._defs.similarity_matrix(c.numbers, method=method)
        for a in ids:
            for b in ids:
                value = float(matrix.at[a, b])
                ok = value == value
                shown = f"{value:.2f}" if ok else tr(N_("not defined (no element coded for both)"))
                rows.append({
                    "a": a, "b": b, "method": method,
                    "similarity": round(value, 4) if ok else None,
                    "text": tr(N_("Similarity ({what}) of {a} and {b}: {value}")).format(
                        what=what, a=short(a), b=short(b), value=shown),
                })
    pairs = alt.Data(values=rows)
    order = list(c.words.columns)
    coding = {k: web.value_label("coding", k, lang) for k in web.CODING_COLOURS}
    grid_rows = [
        {"definition_id": d, "definition": short(d), "element": labels.get(e, e),
         "order": i, "coding": coding[c.words.at[d, e] or "(not coded)"]}
        for d in ids for i, e in enumerate(order)
    ]
    p_a = web.select("def_a", tr(N_("First definition")), ids, [names[i] for i in ids], default[0])
    p_b = web.select("def_b", tr(N_("Second definition")), ids, [names[i] for i in ids], default[1])
    p_m = web.radio("method", tr(N_("Similarity score")), list(methods), list(methods.values()),
                    c.controls["method"].value)
    score = (
        alt.Chart(pairs, name="score", height=24, width=260)
        .mark_text(align="left", fontSize=14, fontWeight="bold", limit=540)
        .encode(text="text:N", x=alt.value(-262))
        .transform_filter("datum.a === def_a && datum.b === def_b && datum.method === method")
    )
    colours = web.CODING_COLOURS
    t_def, t_el, t_coded = tr(N_("definition")), tr(N_("element")), tr(N_("coded"))
    grid = (
        alt.Chart(alt.Data(values=grid_rows), name="grid", width=260)
        .mark_rect(stroke="#555555", strokeWidth=0.5)
        .encode(
            x=alt.X("definition:N", title=None, sort=alt.EncodingSortField("definition_id"),
                    axis=alt.Axis(orient="top", labelAngle=0, labelLimit=130)),
            y=alt.Y("element:N", title=None, sort=alt.EncodingSortField("order"), axis=alt.Axis(labelLimit=250)),
            color=alt.Color("coding:N", title=tr(N_("Coded")),
                            scale=alt.Scale(domain=[coding[k] for k in colours], range=list(colours.values()))),
            tooltip=[alt.Tooltip("definition:N", title=t_def), alt.Tooltip("element:N", title=t_el),
                     alt.Tooltip("coding:N", title=t_coded)],
        )
        .transform_filter("datum.definition_id === def_a || datum.definition_id === def_b")
    )
    chart = alt.vconcat(score, grid).add_params(p_a, p_b, p_m).properties(
        description=tr(N_("Similarity score of two chosen definitions, and a grid of the {count} elements (rows) "
                          "of each, coloured yes, partial, no or not coded.")).format(count=len(order)))
    spec = web.meta(
        chart,
        tables=[{"view": "grid", "caption": tr(N_("Element by element, for the two chosen definitions")),
                 "columns": [["element", t_el], ["definition", t_def], ["coding", t_coded]]}],
        summary=[{"view": "score", "template": "{first:text}."}],
    )
    return web.WebView(
        name="comparator", title=tr(c.title), spec=spec, chart=chart, lang=lang,
        description=tr(N_("Choose two definitions and a score (weighted Jaccard ignores elements both lack; "
                          "agreement counts them): the sentence gives their similarity as the module computes "
                          "it, and the grid shows which of the elements each definition contains (yes, partial "
                          "or no).")),
        fallback_html=c.fallback_html(lang),
        image=True,
    )
