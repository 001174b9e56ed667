"""What every explorer shares: the base class with its two-view display, HTML helpers and the
static-view note."""

from __future__ import annotations

import base64
import html
import re
import warnings

import ipywidgets as widgets
import pandas as pd

from ctmodule.l10n import N_, SOURCE_LANGUAGE, gettext, languages

STATIC_NOTE = N_(
    "Static view of the default selection: the explorer responds to its controls in a browser with "
    "JavaScript, and in JupyterLab (<code>make lab</code>)."
)
STATIC_CLASS = "ctmodule-static-view"

_STYLE = {"description_width": "initial"}
_WIDE = widgets.Layout(width="auto", min_width="22em")


def _esc(text) -> str:
    return html.escape("" if text is None else str(text))


def svg_html(fig, alt: str) -> str:
    """Render a matplotlib figure as inline SVG with ``role="img"``, ``aria-label`` and ``<title>``.

    Uses :class:`ctmodule.analysis.plotting.RenderedFigure`; the XML prologue is dropped so that
    the SVG can sit inside HTML.
    """
    from ctmodule.analysis.plotting import RenderedFigure

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


def _md(text) -> str:
    """Text as inline Markdown: on one line, with no accidental emphasis, link or HTML."""
    text = " ".join(("" if text is None else str(text)).split())
    return re.sub(r"([\\`*_{}\[\]<>#|])", r"\\\1", text)


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

    def web(self, lang: str = SOURCE_LANGUAGE):
        """The explorer as it runs in the built book (:class:`ctmodule.explorers.web.WebView`),
        for the current selection, every string in ``lang``. Subclasses return their module's
        ``*_web(self, lang)``."""
        raise NotImplementedError

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
        """The book's view: the explorer running in the page (see :mod:`ctmodule.explorers.web`),
        once per language of the book (the notebook is executed once, for every edition; the page
        shows the variant of its language, :func:`ctmodule.book.bilingual.variants_html`)."""
        from ctmodule.data import DataError

        self._web_views = {}
        for lang in languages():
            try:
                self._web_views[lang] = self.web(lang)
            except DataError as exc:
                if lang == SOURCE_LANGUAGE:
                    raise
                # a table whose translation is missing: that edition shows the English view (the
                # CSS falls back to the source variant) and the build log says which file and column
                warnings.warn(f"{self.title}: no {lang!r} view: {exc}", stacklevel=2)
        self._web_view = self._web_views[SOURCE_LANGUAGE]
        return variants_html({lang: view.html() for lang, view in self._web_views.items()})


    def offers(self) -> list[str]:
        """What a reader can change in the interactive version: the controls' labels."""
        labels = []
        for control in self.controls.values():
            label = getattr(control, "description", "") or getattr(control, "tooltip", "")
            label = re.sub(r"<[^>]+>", "", str(label)).strip().rstrip(":")
            if label and label not in labels:
                labels.append(label)
        return labels

    def print_markdown(self) -> str:
        """The explorer in the print edition (Markdown): the image of its default view (a chart)
        or its default view's tables (a form), and a caption saying what the interactive version
        offers. The PDF build shows this; the site and JupyterLab show the live views."""
        view = getattr(self, "_web_view", None) or self.web()
        out = [f"**{_md(self.title)}** (interactive in the online book and in JupyterLab)", ""]
        if view.kind == "vega" and view.image:
            data = base64.b64encode(view.static_image("png")).decode("ascii")
            out += [f"![{_md(view.description)}](data:image/png;base64,{data})", ""]
        elif isinstance(getattr(self, "result", None), pd.DataFrame):
            out += [self.result.to_markdown(index=False), ""]
        caption = f"*Printed here: the default view. {_md(view.description)}"
        offers = self.offers()
        if offers:
            caption += " Online, the reader can change: " + "; ".join(_md(o) for o in offers) + "."
        return "\n".join(out + [caption + "*"]) + "\n"

    def fallback_body(self, lang: str) -> str:
        """The default selection as plain HTML in ``lang`` (not the source language); subclasses
        give their tables. The source language's is the live output area's (:meth:`static_body`)."""
        raise NotImplementedError

    def fallback_html(self, lang: str = SOURCE_LANGUAGE, body: str | None = None) -> str:
        """The default selection as plain HTML tables (no figure: the web view's image stands in),
        for readers without JavaScript, in ``lang`` (``body``: that HTML, where the caller has it)."""
        if body is not None:
            pass
        elif lang == SOURCE_LANGUAGE:
            body = re.sub(r"<svg\b.*?</svg>", "", self.static_body(self.output.value), flags=re.DOTALL)
        else:
            body = self.fallback_body(lang)
        note = gettext(STATIC_NOTE, lang)
        return f'<div class="{STATIC_CLASS}">{body}<p class="ctmodule-static-note"><em>{note}</em></p></div>'

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = dict(self.widget._repr_mimebundle_() or {})
        bundle["text/html"] = self.static_html
        bundle["text/markdown"] = self.print_markdown()
        bundle["text/plain"] = f"<{self.title}: static view and live widget>"
        return bundle

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.title}>"


def variants_html(variants: dict[str, str]) -> str:
    """One output in several languages, the markup of :func:`ctmodule.book.bilingual.variants_html`
    (the explorers may not import the book part; a test checks the two agree): the page's CSS
    shows the variant of its language, or the English one."""
    parts = ['<div class="ctmodule-l10n">']
    for lang, body in variants.items():
        mark = " data-l10n-source" if lang == SOURCE_LANGUAGE else ""
        parts.append(f'<div lang="{lang}"{mark}>{body}</div>')
    return "".join(parts) + "</div>"
