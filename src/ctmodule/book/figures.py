"""Figures on a book page: render a matplotlib figure once and hand it to MyST-NB's glue.

A chapter builds a figure with a plotting helper of :mod:`ctmodule.analysis`, then
calls :func:`glue_figure`. The markdown cell that follows places it with its caption
and alt text::

    ```{glue:figure} fig-02-instruments-by-decade
    :name: fig-02-instruments-by-decade
    :alt: Bar chart of ... (say what the figure shows, with its key numbers)

    Caption, with the data source.
    ```

In JupyterLab the ``{glue:figure}`` directive and the ``{glue:text}`` role have nothing to show
(jupyterlab-myst does not know MyST-NB's glue): the text shows the glued name instead. So
:func:`glue` and :func:`glue_figure` also show each value in the notebook, under its name, where
the code cell that computes it runs. The cell is tagged ``remove-output`` (or ``remove-cell``) so
that the book shows each value once, in the text and with its caption.

A figure or a table whose text reads differently by language is drawn once per language, in the
single execution of the notebook: pass a function of the language (``lambda lang:
instruments.plot_domain_decade(table, lang=lang)``) or a dict ``{"en": ..., "ru": ...}``. The
source-language value is glued under ``name``, each other language's under
:func:`ctmodule.book.bilingual.variant_key` (``name@ru``); the edition in that language pastes its
own (:class:`ctmodule.book.i18n.LocalisedPasteFigure`), in the HTML and in the PDF alike. The
languages are those with catalogs (:func:`ctmodule.l10n.languages`): a new language needs no
change in the chapters.
"""

from __future__ import annotations

import html
import numbers
from collections.abc import Callable

from ctmodule.analysis.plotting import RenderedFigure
from ctmodule.book.bilingual import SOURCE_LANGUAGE, variant_key
from ctmodule.l10n import N_


def per_language(value, langs: list[str] | None = None) -> dict | None:
    """``value`` as ``{lang: value}`` if it is given per language (a function of the language, or a
    dict with the source language's value), else None (one value for every language)."""
    if callable(value) and not hasattr(value, "_repr_mimebundle_") and not hasattr(value, "savefig"):
        from ctmodule.l10n import languages

        return {lang: value(lang) for lang in (langs if langs is not None else languages())}
    if isinstance(value, dict):
        if SOURCE_LANGUAGE not in value:
            raise ValueError(f"a value given per language needs its {SOURCE_LANGUAGE!r} one; got {sorted(value)}")
        return dict(value)
    return None


def _glue_variants(name: str, variants: dict, convert: Callable) -> dict:
    from myst_nb import glue as myst_glue

    from ctmodule.book.frames import plain

    done = {}
    for lang, value in variants.items():
        done[lang] = convert(value)
        with plain(lang):  # a table made in its language: shown as it is, not once per language
            myst_glue(variant_key(name, lang), done[lang], display=False)
    return done


def _show(name: str, value) -> None:
    """Show ``value`` in the notebook, labelled with its glued name."""
    from IPython.display import HTML
    from IPython.display import display as show

    label = f'<code class="ctmodule-glued">{html.escape(name)}</code>'
    if isinstance(value, str | numbers.Number):
        show(HTML(f"<p>{label} = {html.escape(str(value))}</p>"))
    else:
        show(HTML(f"<p>{label}, shown in the book where the text names it:</p>"))
        show(value)


def glue(name: str, value, *, display: bool = True):
    """Glue ``value`` under ``name`` for ``{glue:text}`` or ``{glue:figure}`` (MyST-NB's glue).

    ``display=True`` also shows it in the notebook, labelled with its name: a number or a short
    text on one line (``name = value``), a table or a figure under a line naming it. That is what a
    reader in JupyterLab sees where the book puts the value into the text (tag the cell
    ``remove-output`` or ``remove-cell`` so that the book does not show it twice).

    ``value`` may be a function of the language (a table whose headers and labels are
    translated): it is called for each language and each result glued (see the module's text);
    the notebook shows the source-language one. Returns the value shown.
    """
    from myst_nb import glue as myst_glue

    variants = per_language(value) if callable(value) else None
    if variants is not None:
        value = _glue_variants(name, variants, lambda v: v)[SOURCE_LANGUAGE]
    else:
        myst_glue(name, value, display=False)
    if display:
        _show(name, value)
    return value


def glue_figure(name: str, fig, *, display: bool = True) -> RenderedFigure:
    """Render ``fig`` and glue it under ``name`` for a ``{glue:figure}`` directive.

    ``fig`` is a matplotlib figure, or one per language: a function of the language that draws it
    (``lambda lang: plot(..., lang=lang)``) or a dict ``{"en": fig_en, "ru": fig_ru}``; each is
    rendered and glued (see the module's text). ``display=True`` also shows the source-language
    one in the notebook under its name (see :func:`glue`; tag the cell ``remove-cell`` or
    ``remove-output`` so that the book shows it only once, with its caption). Returns the
    source-language rendering.
    """
    variants = per_language(fig)
    if variants is None:
        rendered = RenderedFigure(fig)
        glue(name, rendered, display=display)
        return rendered
    rendered = _glue_variants(name, variants, RenderedFigure)[SOURCE_LANGUAGE]
    if display:
        _show(name, rendered)
    return rendered


#: The lead-in of a figure's description in words (:func:`in_words`).
IN_WORDS = N_("The figure in words.")


def in_words(text) -> None:
    """Show a figure's description in words, under a bold lead-in, in every language: ``text`` is
    a function of the language (``lambda lang: claims.describe_status_by_claimant(table,
    lang=lang)``). The site shows the page's language (:func:`ctmodule.book.bilingual.variants_html`),
    the PDF its edition's part (``text/markdown``), JupyterLab and nbval the English text."""
    from IPython.display import publish_display_data

    from ctmodule.book.bilingual import markdown_variants, variants_html
    from ctmodule.l10n import gettext, languages

    texts = {lang: (gettext(IN_WORDS, lang), text(lang)) for lang in languages()}
    bundle = {
        "text/html": variants_html({lang: f"<p><strong>{html.escape(lead)}</strong> {html.escape(body)}</p>"
                                    for lang, (lead, body) in texts.items()}),
        "text/markdown": markdown_variants({lang: f"**{lead}** {body}" for lang, (lead, body) in texts.items()}),
        "text/plain": " ".join(texts[SOURCE_LANGUAGE]),
    }
    publish_display_data(bundle)
