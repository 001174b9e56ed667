"""The case coder (chapter 6): code a case and compare with the module's coding and its sources."""

from __future__ import annotations

import ipywidgets as widgets

from ctmodule.explorers.base import _STYLE, _WIDE, Explorer, _esc, table_html
from ctmodule.l10n import N_, SOURCE_LANGUAGE, translator

#: Wrong but plausible options added to each field of the case coder, so that a choice is a choice.
DISTRACTORS = {
    "securitising_actor": [N_("Independent journalists"), N_("Foreign governments"), N_("The accused person")],
    "referent_object": [N_("Freedom of expression"), N_("Religious freedom"), N_("The environment")],
    "audience": [N_("Foreign investors only"), N_("The United Nations Security Council")],
    "extraordinary_measure": [N_("An ordinary civil lawsuit"), N_("A public information campaign"),
                              N_("No measure was taken")],
}

#: What each field asks, shown next to a wrong answer.
FIELD_HELP = {
    "securitising_actor": N_("the actor who declares something threatened and calls for special action"),
    "referent_object": N_("what is said to be threatened and worth protecting"),
    "audience": N_("the people who must accept the claim for the move to succeed"),
    "extraordinary_measure": N_("the step beyond normal politics that the threat is said to justify"),
}

CHOOSE = N_("(choose)")
CHECK_SUMMARY = N_("Check: the module's coding and its sources")


class CaseCoder(Explorer):
    """Code one case with the securitisation vocabulary and compare with the module's coding (chapter 6).

    The four dropdowns offer every value coded across the cases (so the right answer
    for one case is among the answers to others) plus the :data:`DISTRACTORS`.
    ``check()`` (the button) compares the choices with the case's row of
    ``cases.csv`` using :func:`ctmodule.analysis.cases.compare_coding` and shows the recorded
    coding card with its sources. Attributes after a check: ``result`` (the
    comparison), ``verdict`` (field -> True/False), ``correct`` (how many fields match).
    """

    title = N_("Case coder")

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

    def web(self, lang: str = SOURCE_LANGUAGE):
        """This explorer in the built book: see :func:`coder_web`."""
        return coder_web(self, lang)

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


#: The coding card's and the form's field names (:data:`ctmodule.analysis.cases.CODING_FIELDS`), in the catalog.
FIELD_LABELS = {
    "subject": N_("Subject"), "subject_type": N_("Subject type"), "date": N_("Date"),
    "securitising_actor": N_("Securitising actor"), "referent_object": N_("Referent object"),
    "audience": N_("Audience"), "extraordinary_measure": N_("Extraordinary measure"),
    "legal_basis": N_("Legal basis"), "allegation": N_("Allegation"), "outcome": N_("Outcome"),
    "source_id": N_("Sources"),
}
#: The free-text columns of ``cases.csv`` the coder shows; each has its ``_<lang>`` translation.
TEXT_COLUMNS = ("subject", "allegation", "outcome", "securitising_actor", "referent_object",
                "audience", "extraordinary_measure")
#: Columns shown in the original where the data has no translation of them (yet): the legal basis
#: (the law's own wording) and the coder's note; marked ``lang="en"`` on the page.
ORIGINAL_COLUMNS = ("legal_basis", "note")


def cases_in(coder: CaseCoder, lang: str):
    """``cases.csv`` with its shown text in ``lang``: the free-text columns from their ``_<lang>``
    columns (:func:`ctmodule.data.label_column`), the subject types from the catalog."""
    from ctmodule.explorers import web

    if lang == SOURCE_LANGUAGE:
        return coder.cases
    out = coder.cases.copy()
    for column in TEXT_COLUMNS:
        if column in out.columns:
            out[column] = web.data_labels(coder.cases, column, lang, "cases")
            out.loc[coder.cases[column].isna(), column] = None
    for column in ORIGINAL_COLUMNS:
        if f"{column}_{lang}" in out.columns:
            out[column] = web.data_labels(coder.cases, column, lang, "cases")
            out.loc[coder.cases[column].isna(), column] = None
    out["subject_type"] = [web.value_label("subject_type", v, lang) for v in coder.cases["subject_type"]]
    return out


def local_date(value, precision: str, lang: str) -> str:
    """A case's date at its precision (day, month or year) as ``lang`` writes it: English as
    :func:`ctmodule.analysis.cases.format_date` does, another language through Babel's CLDR data."""
    from ctmodule.analysis import cases as cs

    if lang == SOURCE_LANGUAGE:
        return cs.format_date(value, precision)
    import datetime as dt

    from babel.dates import format_date

    text = str(value)
    try:
        if precision == "year":
            return format_date(dt.date(int(text[:4]), 1, 1), "y", locale=lang)
        if precision == "month":
            return format_date(dt.date(int(text[:4]), int(text[5:7]), 1), "LLLL y", locale=lang)
        return format_date(dt.date.fromisoformat(text[:10]), "long", locale=lang)
    except ValueError:
        return cs.format_date(value, precision)


def coder_web(coder: CaseCoder, lang: str = SOURCE_LANGUAGE):
    """The case coder in the page, in ``lang``: an HTML form (a case, four fields, a Check button).

    Which option agrees with the module's coding of each case is decided here with
    :func:`ctmodule.analysis.cases.same_coding` (the rule of ``compare_coding``, on the English
    cells: the translation only changes what is shown), and each case's description and coding
    card (with its sources) are rendered here; the page only looks them up and says why an answer
    differs. Ids carry the language, so the variants of several languages can share a page.
    """
    from ctmodule.explorers import web

    c = coder
    cs = c._cs
    tr = translator(lang)
    shown = cases_in(c, lang)
    labels = {f: tr(FIELD_LABELS[f]) for f in FIELD_LABELS}
    ids = list(c.cases["case_id"].astype(str))
    # each option as shown: a cell's translation (from the same row), or a distractor's
    option_text = {}
    for f in cs.THEORY_FIELDS:
        seen = {}
        for en, tx in zip(c.cases[f], shown[f], strict=True):
            if isinstance(en, str) and en.strip():
                seen.setdefault(en.strip(), str(tx).strip())
        for d in DISTRACTORS.get(f, []):
            seen.setdefault(d, tr(d))
        option_text[f] = [seen.get(o, o) for o in c.options[f]]

    def original(text, column) -> str:
        """Text of a column shown untranslated, marked as English where the page is not."""
        if lang == SOURCE_LANGUAGE or f"{column}_{lang}" in shown.columns:
            return _esc(text)
        return f'<span lang="{SOURCE_LANGUAGE}">{_esc(text)}</span>'

    def case_html(row) -> str:
        date = local_date(row["date"], str(row["date_precision"]), lang)
        return (
            f"<p><strong>{_esc(row['subject'])}</strong> ({_esc(row['subject_type'])}, {_esc(date)})<br>"
            f"<strong>{_esc(labels['legal_basis'])}:</strong> {original(row['legal_basis'], 'legal_basis')}<br>"
            f"<strong>{_esc(labels['allegation'])}:</strong> {_esc(row['allegation'])}<br>"
            f"<strong>{_esc(labels['outcome'])}:</strong> {_esc(row['outcome'])}</p>"
        )

    def card_html(case_id) -> str:
        card = cs.coding_card(shown, case_id, c.sources).reset_index()
        row = shown[shown["case_id"] == case_id].iloc[0]
        card.loc[card["Field"] == dict(cs.CODING_FIELDS)["date"], "Value"] = local_date(
            row["date"], str(row["date_precision"]), lang)
        card["Field"] = [labels[col] for col, _label in cs.CODING_FIELDS]
        card.columns = [tr(N_("Field")), tr(N_("Value"))]
        return table_html(card, caption=tr(N_("The module's coding of this case, with its sources")))

    cases = {}
    for case_id in ids:
        row = c.cases[c.cases["case_id"] == case_id].iloc[0]
        row_shown = shown[c.cases["case_id"] == case_id].iloc[0]
        agree = {}
        for f in cs.THEORY_FIELDS:
            module = "; ".join(cs.split_ids(row_shown[f]))
            matches = [i for i, o in enumerate(c.options[f]) if cs.same_coding(o, row[f])]
            agree[f] = {"module": module, "agree": matches}
        note = row_shown.get("note")
        cases[case_id] = {
            "case_html": case_html(row_shown),
            "card_html": card_html(case_id),
            "note": note if isinstance(note, str) else "",
            "fields": agree,
        }
    subjects = dict(zip(ids, shown["subject"].astype(str), strict=True))
    pid = f"ctmodule-coder-{lang}"
    choose = tr(CHOOSE)
    texts = {"case": tr(N_("Case")), "legend": tr(N_("Code the case: choose one answer for each field")),
             "check": tr(N_("Check")), "one_of": tr(N_("one of:")),
             "code_it": tr(N_("Code the case: choose for each field."))}
    help_text = {f: tr(FIELD_HELP[f]) for f in cs.THEORY_FIELDS}
    case_opts = "".join(
        f'<option value="{web._esc(i)}"{" selected" if i == c.controls["case"].value else ""}>'
        f"{web._esc(subjects[i])} ({web._esc(i)})</option>" for i in ids)
    field_html = "".join(
        f'<p class="ctmodule-coder-field"><label for="{pid}-{f}">{web._esc(labels[f])}</label><br>'
        f'<select id="{pid}-{f}" name="{f}" aria-describedby="{pid}-{f}-help">'
        f'<option value="">{web._esc(choose)}</option>'
        + "".join(f'<option value="{i}">{web._esc(o)}</option>' for i, o in enumerate(option_text[f]))
        + f'</select><br><small id="{pid}-{f}-help">{web._esc(help_text[f][:1].upper() + help_text[f][1:])}.'
          "</small></p>"
        for f in cs.THEORY_FIELDS
    )
    form = (
        f'<form class="ctmodule-coder" action="#" novalidate>'
        f'<p><label for="{pid}-case">{web._esc(texts["case"])}</label><br>'
        f'<select id="{pid}-case" name="case">{case_opts}</select></p>'
        f'<div class="ctmodule-coder-case"></div>'
        f"<fieldset><legend>{web._esc(texts['legend'])}</legend>"
        f"{field_html}</fieldset>"
        f'<p><button type="submit" class="ctmodule-coder-check">{web._esc(texts["check"])}</button></p>'
        f'<div class="ctmodule-coder-result"></div>'
        "</form>"
    )
    data = {
        "fields": [{"field": f, "label": labels[f], "help": help_text[f]} for f in cs.THEORY_FIELDS],
        "options": option_text,
        "cases": cases,
    }
    fallback = None
    if lang != SOURCE_LANGUAGE:
        case_id = c.controls["case"].value
        questions = "".join(
            f"<li><strong>{_esc(labels[f])}</strong> ({_esc(help_text[f])}), {_esc(texts['one_of'])}<ul>"
            + "".join(f"<li>{_esc(o)}</li>" for o in option_text[f]) + "</ul></li>"
            for f in cs.THEORY_FIELDS
        )
        body = (f"{cases[case_id]['case_html']}<p>{_esc(texts['code_it'])}</p>"
                f"<ol>{questions}</ol><details><summary>"
                f"{_esc(tr(CHECK_SUMMARY))}</summary>"
                f"{cases[case_id]['card_html']}</details>")
        fallback = c.fallback_html(lang, body)
    return web.WebView(
        name="coder", title=tr(c.title), kind="form", form_html=form, form_data=data, lang=lang,
        description=tr(N_("Choose a case and code it with the four concepts of securitisation theory, then "
                          "press Check: each field is compared with the module's coding, and the coding card "
                          "lists the sources behind it.")),
        fallback_html=fallback or c.fallback_html(),
    )
