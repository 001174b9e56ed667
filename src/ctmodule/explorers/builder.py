"""Build your definition (chapter 3): tick elements and see which hypothetical scenarios it catches."""

from __future__ import annotations

from collections.abc import Iterable

import ipywidgets as widgets
import pandas as pd

from ctmodule.explorers.base import Explorer, _esc, table_html
from ctmodule.l10n import N_, SOURCE_LANGUAGE, translator

#: Elements ticked when the explorer opens.
DEFAULT_TICKED = ("violence_or_threat", "political_motive", "intimidate_population")


class DefinitionBuilder(Explorer):
    """Tick the elements of your own definition; see the recorded definitions and scenarios it matches.

    Rules:

    - *Definitions* are ranked by the weighted Jaccard similarity
      (:func:`ctmodule.analysis.definitions.similarity`) between your ticks (1 for ticked, 0 for
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

    title = N_("Build your own definition")

    def __init__(self, ticked: Iterable[str] | None = None):
        from ctmodule import data
        from ctmodule.analysis import definitions as defs

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

    def web(self, lang: str = SOURCE_LANGUAGE):
        """This explorer in the built book: see :func:`builder_web`."""
        return builder_web(self, lang)

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


def _vega_name(element_id: str) -> str:
    return "el_" + "".join(ch if ch.isalnum() else "_" for ch in element_id)


def builder_web(builder: DefinitionBuilder, lang: str = SOURCE_LANGUAGE):
    """Build your definition in the page, in ``lang``: one checkbox per element.

    The page computes, for each recorded definition, the weighted Jaccard similarity with your
    ticks exactly as :func:`ctmodule.analysis.definitions.similarity` does (elements a definition
    does not code are skipped; nothing on either side scores 1), and keeps the scenarios that have
    every ticked element (the rule of :class:`DefinitionBuilder`). Elements, definitions and
    scenarios are named from their ``_<lang>`` columns.
    """
    import altair as alt

    from ctmodule.explorers import web

    b = builder
    tr = translator(lang)
    labels = dict(zip(b.elements["element_id"].astype(str),
                      web.data_labels(b.elements, "label", lang, "elements"), strict=True))
    names = dict(zip(b.definitions["definition_id"].astype(str),
                     web.data_labels(b.definitions, "name", lang, "definitions"), strict=True))
    titles = web.data_labels(b.scenario_table, "title", lang, "scenarios")
    params = {e: web.checkbox(_vega_name(e), labels.get(e, e), e in b.ticked) for e in b.element_ids}
    def_rows = []
    for d in b.numbers.index:
        row = {"definition_id": str(d), "name": names.get(d, d)}
        for e in b.element_ids:
            v = float(b.numbers.at[d, e])
            row[_vega_name(e)] = v if v == v else None
        def_rows.append(row)
    lower = " + ".join(f"(isValid(datum.{_vega_name(e)}) && {_vega_name(e)} ? datum.{_vega_name(e)} : 0)"
                       for e in b.element_ids)
    upper = " + ".join(f"(isValid(datum.{_vega_name(e)}) ? ({_vega_name(e)} ? 1 : datum.{_vega_name(e)}) : 0)"
                       for e in b.element_ids)
    coded = " + ".join(f"(isValid(datum.{_vega_name(e)}) ? 1 : 0)" for e in b.element_ids)
    t_def, t_sim = tr(N_("definition")), tr(N_("similarity"))
    closest = (
        alt.Chart(alt.Data(values=def_rows), name="closest", width=300, height=alt.Step(20))
        .mark_bar(color="#1b6ca8")
        .encode(
            x=alt.X("similarity:Q", title=tr(N_("Similarity with your definition (weighted Jaccard)")),
                    scale=alt.Scale(domain=[0, 1])),
            y=alt.Y("name:N", title=None, sort=alt.EncodingSortField("similarity", order="descending"),
                    axis=alt.Axis(labelLimit=320)),
            tooltip=[alt.Tooltip("name:N", title=t_def), alt.Tooltip("similarity:Q", format=".2f", title=t_sim)],
        )
        .transform_calculate(lower=lower, upper=upper, coded=coded)
        .transform_calculate(similarity="datum.coded === 0 ? null : (datum.upper === 0 ? 1 : "
                                        "round(1000 * datum.lower / datum.upper) / 1000)")
    )
    sc_rows = []
    for title, r in zip(titles, b.scenario_table.to_dict("records"), strict=True):
        row = {"scenario_id": str(r["scenario_id"]), "title": title}
        for e in b.element_ids:
            row[_vega_name(e)] = str(r.get(e, "")).strip().lower() == "yes"
        sc_rows.append(row)
    counts = " && ".join(f"(!{_vega_name(e)} || datum.{_vega_name(e)})" for e in b.element_ids)
    heading = tr(N_("Scenarios that count as terrorism under your definition"))
    scenarios = (
        alt.Chart(alt.Data(values=sc_rows), name="scenarios", width=300, height=alt.Step(20))
        .mark_text(align="left", x=0)
        .encode(y=alt.Y("title:N", title=None, axis=None), text="title:N")
        .transform_filter(counts)
        .properties(title=heading)
    )
    chart = alt.vconcat(closest, scenarios).add_params(*params.values()).properties(
        description=tr(N_("Bar chart of the similarity of each recorded definition with the elements you "
                          "ticked, and the list of hypothetical scenarios that have every ticked element.")))
    n = len(sc_rows)
    spec = web.meta(
        chart,
        tables=[
            {"view": "closest", "caption": tr(N_("Recorded definitions by similarity with yours")),
             "columns": [["name", t_def], ["similarity", t_sim]], "sort": ["similarity", "descending"]},
            {"view": "scenarios", "caption": heading,
             "columns": [["scenario_id", tr(N_("scenario"))], ["title", tr(N_("title"))]]},
        ],
        summary=[
            # {count} and {first:...} are the page's placeholders: only {total} is filled here
            {"view": "scenarios", "template": tr(N_("{count} of {total} hypothetical scenarios count as "
                                                    "terrorism under your definition (a scenario counts when it "
                                                    "has every element you ticked).")).replace("{total}", str(n))},
            {"view": "closest", "template": tr(N_("The closest recorded definition: {first:name} "
                                                  "(similarity {first:similarity:2}).")),
             "sort": ["similarity", "descending"]},
        ],
    )
    fallback = None
    if lang != SOURCE_LANGUAGE:
        ticked = ", ".join(labels[e] for e in b.ticked) or tr(N_("nothing (every scenario counts)"))
        top = b.result.head(5)
        frame = pd.DataFrame({t_def: [names.get(d, d) for d in top["definition_id"]],
                              t_sim: list(top["similarity"])})
        kept = [t for t, ok in zip(titles, b.scenarios["counts"], strict=True) if ok]
        requires = tr(N_("Your definition requires:"))
        body = (f"<p><strong>{_esc(requires)}</strong> {_esc(ticked)}.</p>"
                + table_html(frame, caption=tr(N_("The five closest recorded definitions (weighted Jaccard "
                                                  "similarity)")))
                + f"<p>{_esc(spec['usermeta']['ctmodule']['summary'][0]['template'].replace('{count}', str(len(kept))))}</p>"
                + f"<ul>{''.join(f'<li>{_esc(t)}</li>' for t in kept)}</ul>")
        fallback = b.fallback_html(lang, body)
    return web.WebView(
        name="builder", title=tr(b.title), spec=spec, chart=chart, lang=lang,
        description=tr(N_("Tick the elements your definition requires: the bars rank the recorded definitions "
                          "by their similarity with yours, and the list below gives the hypothetical scenarios "
                          "your definition classifies as terrorism.")),
        fallback_html=fallback or b.fallback_html(),
    )
