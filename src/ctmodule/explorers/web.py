"""The explorers in the built book: they run in the page, with no kernel and no network.

The static book runs no Python, so each explorer also carries a *web view*: everything the page
needs, computed here from ``data/`` when the chapter is executed at build time, never pasted.

- A **chart** explorer (comparator, instruments, timeline, builder) is a Vega-Lite specification
  built with Altair, its data inline, its controls Vega-Lite parameters bound to labelled HTML
  inputs (selects, sliders, checkboxes, radio buttons: all native, so keyboard-operable). What a
  choice changes is a Vega-Lite filter or calculation over rows the package computed (the
  comparator looks up the similarity of every pair, computed by
  :func:`ctmodule.analysis.definitions.similarity`), so the chart shows the package's numbers.
- A **form** explorer (the case coder) is a plain HTML form whose data (the options, which option
  agrees with the module's coding, the coding card with its sources) is computed here.

Around each view: a title, a text description of what it shows, a live summary of the current
selection (``aria-live``), and a ``<details>`` with the data behind the chart as a table that
follows the controls. For readers without JavaScript (and the print edition) a ``<noscript>``
holds an image of the default view rendered by vl-convert (no browser needed; the book build
writes its file, see ``ctmodule.book.offline``) and the default view's tables;
:meth:`WebView.static_image` gives the same image as SVG or PNG.

The page script (``ctmodule/book/static/ctmodule-explorers.js``, served by the book part with
the vendored vega, vega-lite and vega-embed) reads the JSON this module writes. Its contract,
in ``usermeta.ctmodule`` of a chart's spec:

``tables``: ``[{"view": NAME, "caption": TEXT, "columns": [[FIELD, TITLE], ...]}]``
    a table of the rows that the unit chart named NAME draws (after its filters);
``summary``: ``[{"view": NAME, "template": TEXT}]``
    sentences whose placeholders ``{count}``, ``{first:FIELD}``, ``{first:FIELD:DIGITS}``,
    ``{sum:FIELD}`` and ``{list:FIELD}`` are filled from the rows NAME draws.

Adding an explorer to the book is one function that returns a :class:`WebView` (see
``ARCHITECTURE.md``, "An explorer").
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field

from ctmodule.analysis.cases import SUBJECT_TYPE_LABELS
from ctmodule.analysis.instruments import DOMAIN_LABELS, KZ_LABELS, SCOPE_LABELS
from ctmodule.analysis.timeline import CATEGORY_LABELS
from ctmodule.l10n import N_, SOURCE_LANGUAGE, check_language, gettext

EXPLORER_CLASS = "ctmodule-explorer"
IMAGE_CLASS = "ctmodule-explorer-image"
#: Marks the fallback image whose file the book build renders (see :func:`render_image`).
IMAGE_MARK = 'data-ctmodule-image="default-view"'
#: The Vega-Lite version the page's vendored vega-lite must have (the schema of the pinned Altair).
VEGA_LITE_MAJOR_MINOR = "6.4"
#: The palette of the codings (yes, partial, no, not coded), shared by the charts.
CODING_COLOURS = {"yes": "#1b6ca8", "partial": "#8fb8de", "no": "#f0f0f0", "(not coded)": "#bdbdbd"}


#: The data's controlled values (the schema's enums, and the categories the package derives), as
#: the explorers show them; each translated through the code catalog. ``tests/test_web_explorers``
#: checks that they cover the enums of ``data/datapackage.json``.
VALUE_LABELS = {
    "coding": {"yes": N_("yes"), "partial": N_("partial"), "no": N_("no"), "(not coded)": N_("(not coded)")},
    # the data's own controlled values: the same labels as the analysis tables and figures use
    "scope": SCOPE_LABELS,
    "domain": DOMAIN_LABELS,
    "kz_category": KZ_LABELS,
    "category": CATEGORY_LABELS,
    "subject_type": SUBJECT_TYPE_LABELS,
}


def value_label(kind: str, value, lang: str = SOURCE_LANGUAGE) -> str:
    """A controlled value of the data (``VALUE_LABELS[kind]``) as the explorers show it in ``lang``;
    a value the table does not know is an error (a new enum value needs its label)."""
    labels = VALUE_LABELS[kind]
    key = str(value)
    if key not in labels:
        raise KeyError(f"no label for the {kind} value {key!r}: add it to ctmodule.explorers.web.VALUE_LABELS")
    return gettext(labels[key], lang)


def data_labels(frame, column: str, lang: str, table: str) -> list[str]:
    """A label column of the data in ``lang`` (``<column>_<lang>``, :func:`ctmodule.data.label_column`:
    a missing translation is an error naming file, line and column), as strings."""
    from ctmodule.data import label_column

    return [str(v) for v in label_column(frame, column, lang, table=table)]


def _esc(text) -> str:
    return html.escape("" if text is None else str(text))


def _json_for_script(obj) -> str:
    """JSON safe inside a ``<script type="application/json">``: every ``<`` escaped (``\\u003c``),
    so no ``</script>`` or ``<!--`` can end or confuse it."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c")


@dataclass
class WebView:
    """What the page needs for one explorer.

    ``name`` is a short identifier (``data-explorer``); ``kind`` is ``"vega"`` (``spec``, a
    Vega-Lite dict) or ``"form"`` (``form_html`` plus ``form_data``, read by the page script);
    ``description`` says in words what the view shows; ``fallback_html`` is the default view as
    plain HTML (tables) for readers without JavaScript.
    """

    name: str
    title: str
    description: str
    kind: str = "vega"
    spec: dict | None = None
    chart: object = None  # the Altair chart (JupyterLab renders it live)
    form_html: str = ""
    form_data: dict = field(default_factory=dict)
    fallback_html: str = ""
    image: bool = True
    #: The language of every string of the view (its ids carry it, so the variants of one output
    #: in several languages can sit on one page).
    lang: str = SOURCE_LANGUAGE

    def __post_init__(self):
        check_language(self.lang)
        strings = {key: gettext(text, self.lang) for key, text in SCRIPT_STRINGS.items()}
        if self.kind == "vega" and isinstance(self.spec, dict):
            self.spec.setdefault("usermeta", {}).setdefault("ctmodule", {})["strings"] = strings
            self.spec["usermeta"]["ctmodule"]["lang"] = self.lang
        elif self.kind == "form":
            self.form_data = {**self.form_data, "strings": {**strings, **self.form_data.get("strings", {})},
                              "lang": self.lang}
        if self.kind not in ("vega", "form"):
            raise ValueError(f"kind must be 'vega' or 'form', not {self.kind!r}")
        if self.kind == "vega" and not isinstance(self.spec, dict):
            raise ValueError(f"{self.name}: a vega web view needs a Vega-Lite spec (a dict)")
        if not self.description.strip():
            raise ValueError(f"{self.name}: every explorer needs a text description")

    def static_image(self, fmt: str = "svg") -> str | bytes:
        """The default view rendered offline by vl-convert (``"svg"`` text or ``"png"`` bytes)."""
        if self.kind != "vega":
            raise ValueError(f"{self.name}: a form explorer has no chart to render")
        return render_image(self.spec, fmt)

    def _noscript(self) -> str:
        # The image's file is rendered by the book build, once per spec, in the Sphinx process
        # (ctmodule.book.offline: one vl-convert start for the whole book, not one per notebook);
        # the img carries no src until then.
        img = ""
        if self.kind == "vega" and self.image:
            img = (f'<img class="{IMAGE_CLASS}" {IMAGE_MARK} '
                   f'alt="{html.escape(self.description, quote=True)}">')
        note = _esc(gettext(N_("The interactive view needs JavaScript; this is its default view."), self.lang))
        return f"<noscript><p><em>{note}</em></p>{img}{self.fallback_html}</noscript>"

    def html(self) -> str:
        """The explorer as one HTML fragment for the page."""
        ident = f"ctmodule-{self.name}-{self.lang}"
        if self.kind == "vega":
            payload = _json_for_script(self.spec)
            body = f'<div class="ctmodule-explorer-view" id="{ident}-view"></div>'
        else:
            payload = _json_for_script(self.form_data)
            body = f'<div class="ctmodule-explorer-view" id="{ident}-view">{self.form_html}</div>'
        return (
            f'<section class="{EXPLORER_CLASS}" data-explorer="{_esc(self.name)}" data-kind="{self.kind}" '
            f'lang="{self.lang}" aria-labelledby="{ident}-title">'
            f'<p class="ctmodule-explorer-title" id="{ident}-title"><strong>{_esc(self.title)}</strong></p>'
            f'<p class="ctmodule-explorer-description">{_esc(self.description)}</p>'
            f"{body}"
            f'<p class="ctmodule-explorer-summary" aria-live="polite"></p>'
            f'<div class="ctmodule-explorer-tables"></div>'
            f'<script type="application/json" class="ctmodule-explorer-data">{payload}</script>'
            f"{self._noscript()}"
            "</section>"
        )


#: The strings the page script writes itself (filled in the view's language, in its JSON).
SCRIPT_STRINGS = {
    "not_defined": N_("not defined"),
    "none": N_("none"),
    "show_table": N_("Show the data as a table: {caption} ({count} rows)"),
    "choose_all": N_("Choose an answer for each of the four fields, then press Check."),
    "agrees": N_("{field}: agrees."),
    "no_answer": N_("{field}: no answer."),
    "no_answer_text": N_("The module codes \u201c{module}\u201d: {help}."),
    "differs": N_("{field}: differs."),
    "differs_text": N_("You chose \u201c{chosen}\u201d; the module codes \u201c{module}\u201d. This field asks "
                       "for {help}; ask whether your choice fits that role in this case, and whether the "
                       "sources below support it. A different reading can be defended, but it needs evidence."),
    "note": N_("Note on the coding: {note}"),
    "agree_count": N_("{agree} of {total} fields agree with the module's coding."),
}


def render_image(spec: dict, fmt: str = "svg") -> str | bytes:
    """A Vega-Lite spec rendered offline by vl-convert: SVG text or PNG bytes (its parameters at
    their values, i.e. the default view)."""
    import vl_convert as vlc

    if fmt == "svg":
        return vlc.vegalite_to_svg(spec, vl_version=VEGA_LITE_MAJOR_MINOR)
    if fmt == "png":
        return vlc.vegalite_to_png(spec, vl_version=VEGA_LITE_MAJOR_MINOR, scale=1.5)
    raise ValueError(f"fmt must be 'svg' or 'png', not {fmt!r}")


def meta(chart, *, tables: list[dict], summary: list[dict]) -> dict:
    """The chart's Vega-Lite dict with the page script's instructions in ``usermeta.ctmodule``."""
    spec = chart.to_dict(validate=False)
    spec.setdefault("usermeta", {})["ctmodule"] = {"tables": tables, "summary": summary}
    spec.pop("config", None)
    spec["config"] = {"view": {"stroke": None}, "font": "sans-serif"}
    return spec


def select(name: str, label: str, options: list, labels: list[str] | None = None, value=None):
    """A Vega-Lite parameter bound to a labelled ``<select>`` (``None`` as an option means all)."""
    import altair as alt

    labels = labels or [str(o) for o in options]
    return alt.param(name=name, value=options[0] if value is None else value,
                     bind=alt.binding_select(options=options, labels=labels, name=f"{label} "))


def slider(name: str, label: str, lo: int, hi: int, value: int, step: int = 1):
    import altair as alt

    return alt.param(name=name, value=value,
                     bind=alt.binding_range(min=lo, max=hi, step=step, name=f"{label} "))


def checkbox(name: str, label: str, value: bool):
    import altair as alt

    return alt.param(name=name, value=bool(value), bind=alt.binding_checkbox(name=f"{label} "))


def radio(name: str, label: str, options: list, labels: list[str], value):
    import altair as alt

    return alt.param(name=name, value=value,
                     bind=alt.binding_radio(options=options, labels=labels, name=f"{label} "))


def js_string(value: str) -> str:
    """A JavaScript string literal (for a Vega expression)."""
    return json.dumps(str(value))
