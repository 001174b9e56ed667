"""The case coder (chapter 6): code a case and compare with the module's coding and its sources."""

from __future__ import annotations

import ipywidgets as widgets

from ctmodule.explorers.base import _STYLE, _WIDE, Explorer, _esc, table_html

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
    ``cases.csv`` using :func:`ctmodule.analysis.cases.compare_coding` and shows the recorded
    coding card with its sources. Attributes after a check: ``result`` (the
    comparison), ``verdict`` (field -> True/False), ``correct`` (how many fields match).
    """

    title = "Case coder"

    def __init__(self, case_id: str | None = None):
        from ctmodule import data
        from ctmodule.analysis import cases as cs

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

    def web(self):
        """This explorer in the built book: see :func:`coder_web`."""
        return coder_web(self)

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


def coder_web(coder: CaseCoder):
    """The case coder in the page: an HTML form (a case, four fields, a Check button).

    Which option agrees with the module's coding of each case is decided here with
    :func:`ctmodule.analysis.cases.same_coding` (the rule of ``compare_coding``), and each case's description and coding card
    (with its sources) are rendered here; the page only looks them up and says why an answer
    differs.
    """
    from ctmodule.explorers import web

    c = coder
    cs = c._cs
    labels = dict(cs.CODING_FIELDS)
    ids = list(c.cases["case_id"].astype(str))
    cases = {}
    for case_id in ids:
        row = c.cases[c.cases["case_id"] == case_id].iloc[0]
        agree = {}
        for f in cs.THEORY_FIELDS:
            module = "; ".join(cs.split_ids(row[f]))
            matches = [i for i, o in enumerate(c.options[f]) if cs.same_coding(o, row[f])]
            agree[f] = {"module": module, "agree": matches}
        note = row.get("note")
        cases[case_id] = {
            "case_html": c._case_html(row),
            "card_html": c._card_html(case_id),
            "note": note if isinstance(note, str) else "",
            "fields": agree,
        }
    subjects = dict(zip(ids, c.cases["subject"].astype(str), strict=True))
    pid = "ctmodule-coder"
    case_opts = "".join(
        f'<option value="{web._esc(i)}"{" selected" if i == c.controls["case"].value else ""}>'
        f"{web._esc(subjects[i])} ({web._esc(i)})</option>" for i in ids)
    field_html = "".join(
        f'<p class="ctmodule-coder-field"><label for="{pid}-{f}">{web._esc(labels[f])}</label><br>'
        f'<select id="{pid}-{f}" name="{f}" aria-describedby="{pid}-{f}-help">'
        f'<option value="">{web._esc(CHOOSE)}</option>'
        + "".join(f'<option value="{i}">{web._esc(o)}</option>' for i, o in enumerate(c.options[f]))
        + f'</select><br><small id="{pid}-{f}-help">{web._esc(FIELD_HELP[f]).capitalize()}.</small></p>'
        for f in cs.THEORY_FIELDS
    )
    form = (
        f'<form class="ctmodule-coder" action="#" novalidate>'
        f'<p><label for="{pid}-case">Case</label><br><select id="{pid}-case" name="case">{case_opts}</select></p>'
        f'<div class="ctmodule-coder-case"></div>'
        f"<fieldset><legend>Code the case: choose one answer for each field</legend>{field_html}</fieldset>"
        f'<p><button type="submit" class="ctmodule-coder-check">Check</button></p>'
        f'<div class="ctmodule-coder-result"></div>'
        "</form>"
    )
    data = {
        "fields": [{"field": f, "label": labels[f], "help": FIELD_HELP[f]} for f in cs.THEORY_FIELDS],
        "options": {f: c.options[f] for f in cs.THEORY_FIELDS},
        "cases": cases,
    }
    return web.WebView(
        name="coder", title=c.title, kind="form", form_html=form, form_data=data,
        description=("Choose a case and code it with the four concepts of securitisation theory, then press "
                     "Check: each field is compared with the module's coding, and the coding card lists the "
                     "sources behind it."),
        fallback_html=c.fallback_html(),
    )
