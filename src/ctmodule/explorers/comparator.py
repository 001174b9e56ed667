"""The definition comparator (chapter 3): choose definitions, see the element grid and their similarity."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import ipywidgets as widgets
import pandas as pd

from ctmodule.explorers.base import _STYLE, _WIDE, Explorer, _close, _esc, svg_html, table_html

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

    title = "Definition comparator"

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

    def web(self):
        """This explorer in the built book: see :func:`comparator_web`."""
        return comparator_web(self)

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


def comparator_web(comparator: DefinitionComparator):
    """The comparator in the page: two selects and a radio choose the pair and the score.

    Every ordered pair's similarity is computed here with
    :func:`ctmodule.analysis.definitions.similarity` (both methods); the page only looks the
    chosen pair up. The grid shows the two chosen definitions' coding of every element.
    """
    import altair as alt

    from ctmodule.explorers import web

    c = comparator
    ids = list(c.numbers.index)
    default = (c.selected + c.selected)[:2] if c.selected else ids[:2]
    rows = []
    for method, what in (("jaccard", "weighted Jaccard"), ("agreement", "agreement")):
        matrix = c._defs.similarity_matrix(c.numbers, method=method)
        for a in ids:
            for b in ids:
                value = float(matrix.at[a, b])
                ok = value == value
                rows.append({
                    "a": a, "b": b, "method": method,
                    "similarity": round(value, 4) if ok else None,
                    "text": (f"Similarity ({what}) of {c._short(a)} and {c._short(b)}: "
                             + (f"{value:.2f}" if ok else "not defined (no element coded for both)")),
                })
    pairs = alt.Data(values=rows)
    order = list(c.words.columns)
    grid_rows = [
        {"definition_id": d, "definition": c._short(d), "element": c.labels.get(e, e),
         "order": i, "coding": c.words.at[d, e] or "(not coded)"}
        for d in ids for i, e in enumerate(order)
    ]
    names = [c.names[i] for i in ids]
    p_a = web.select("def_a", "First definition", ids, names, default[0])
    p_b = web.select("def_b", "Second definition", ids, names, default[1])
    p_m = web.radio("method", "Similarity score", ["jaccard", "agreement"],
                    ["weighted Jaccard", "agreement"],
                    c.controls["method"].value)
    score = (
        alt.Chart(pairs, name="score", height=24, width=260)
        .mark_text(align="left", fontSize=14, fontWeight="bold", limit=540)
        .encode(text="text:N", x=alt.value(-262))
        .transform_filter("datum.a === def_a && datum.b === def_b && datum.method === method")
    )
    colours = web.CODING_COLOURS
    grid = (
        alt.Chart(alt.Data(values=grid_rows), name="grid", width=260)
        .mark_rect(stroke="#555555", strokeWidth=0.5)
        .encode(
            x=alt.X("definition:N", title=None, sort=alt.EncodingSortField("definition_id"),
                    axis=alt.Axis(orient="top", labelAngle=0, labelLimit=130)),
            y=alt.Y("element:N", title=None, sort=alt.EncodingSortField("order"), axis=alt.Axis(labelLimit=250)),
            color=alt.Color("coding:N", title="Coded",
                            scale=alt.Scale(domain=list(colours), range=list(colours.values()))),
            tooltip=["definition:N", "element:N", "coding:N"],
        )
        .transform_filter("datum.definition_id === def_a || datum.definition_id === def_b")
    )
    chart = alt.vconcat(score, grid).add_params(p_a, p_b, p_m).properties(
        description=(f"Similarity score of two chosen definitions, and a grid of the {len(order)} "
                     "elements (rows) of each, coloured yes, partial, no or not coded."))
    spec = web.meta(
        chart,
        tables=[{"view": "grid", "caption": "Element by element, for the two chosen definitions",
                 "columns": [["element", "element"], ["definition", "definition"], ["coding", "coded"]]}],
        summary=[{"view": "score", "template": "{first:text}."}],
    )
    return web.WebView(
        name="comparator", title=c.title, spec=spec, chart=chart,
        description=("Choose two definitions and a score (weighted Jaccard ignores elements both lack; "
                     "agreement counts them): the sentence gives their similarity as the module computes it, "
                     "and the grid shows which of the elements each definition contains (yes, partial or no)."),
        fallback_html=c.fallback_html(),
        image=True,
    )
