"""Outputs that read differently by language, computed once for every edition.

A notebook is executed once (the editions share the execution cache), so an output whose text
depends on the language carries every language, and the page shows the one of its ``lang``
(``<html lang="ru">`` in the Russian edition). :func:`variants_html` writes::

    <div class="ctmodule-l10n">
      <div lang="en" data-l10n-source>...</div>
      <div lang="ru">...</div>
    </div>

and ``static/ctmodule-i18n/i18n.css`` (served on every page, :mod:`ctmodule.book.i18n`) shows
the variant of the page's language, or the source (English) one where the output has no variant
in it; the others are ``display: none``, so hidden from screen readers and search snippets too.

Each variant holds the output's HTML in one language. :func:`text_bundle` is the MIME bundle for
a text output (``text/plain`` stays the English text, for JupyterLab and nbval); :func:`display`
shows it. The quizzes use it (:func:`ctmodule.book.quiz.show`): ``quizzes/<chapter>.json`` is the
English quiz, ``quizzes/<chapter>.<lang>.json`` its translation, and the page carries both. Its
print view (``text/markdown``, which only the PDF shows) carries every language too
(:func:`markdown_variants`), and the PDF of each edition renders its own part.

A figure or a table that the book places with ``{glue:figure}`` (and so also in the PDF, where
no stylesheet chooses) is glued once per language instead: the source-language one under its
name, each other one under :func:`variant_key` (``fig-02-timeline@ru``), and the edition in that
language pastes its own (:mod:`ctmodule.book.figures`, :mod:`ctmodule.book.i18n`).

A new language needs no change here: the stylesheet is written for every language that has
catalogs (:func:`stylesheet`, when the book is built).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

SOURCE_LANGUAGE = "en"
STATIC = Path(__file__).resolve().parent / "static"
CSS_NAME = "ctmodule-i18n/i18n.css"
WRAPPER_CLASS = "ctmodule-l10n"


def _check_lang(lang: str) -> str:
    if not isinstance(lang, str) or not lang or not all(c.isalnum() or c == "-" for c in lang):
        raise ValueError(f"not a language code: {lang!r}")
    return lang


#: Between a glued name and the language of its variant: a character no glue name of the book uses.
VARIANT_SEPARATOR = "@"


def variant_key(name: str, lang: str, source: str = SOURCE_LANGUAGE) -> str:
    """The glue key of ``name``'s variant in ``lang`` (``name`` itself for the source language)."""
    if not isinstance(name, str) or not name or VARIANT_SEPARATOR in name:
        raise ValueError(f"not a glue name: {name!r} (a name must not contain {VARIANT_SEPARATOR!r})")
    lang = _check_lang(lang)
    return name if lang == source else f"{name}{VARIANT_SEPARATOR}{lang}"


def variants_html(variants: dict[str, str], *, inline: bool = False, source: str = SOURCE_LANGUAGE) -> str:
    """One output's HTML in several languages (``{"en": "<b>...</b>", "ru": "..."}``: HTML, not
    escaped) as one block that shows the page's language. ``inline``: spans, for use in a line."""
    if source not in variants:
        raise ValueError(f"the {source!r} variant is missing (it is shown where a language has none)")
    tag = "span" if inline else "div"
    parts = [f'<{tag} class="{WRAPPER_CLASS}">']
    for lang, body in variants.items():
        mark = " data-l10n-source" if lang == source else ""
        parts.append(f'<{tag} lang="{_check_lang(lang)}"{mark}>{body}</{tag}>')
    parts.append(f"</{tag}>")
    return "".join(parts)


def text_bundle(texts: dict[str, str], *, inline: bool = True, source: str = SOURCE_LANGUAGE) -> dict:
    """A MIME bundle for a short text in several languages (plain text, escaped here)."""
    body = variants_html({lang: html.escape(t) for lang, t in texts.items()}, inline=inline, source=source)
    return {"text/html": body, "text/plain": texts[source]}


def display(texts: dict[str, str], **kwargs) -> None:
    """Show a text in several languages as a notebook output."""
    from IPython.display import publish_display_data

    publish_display_data(text_bundle(texts, **kwargs))


#: Before each language's part of a Markdown output that carries several (print views).
MARKDOWN_MARK = "<!-- ctmodule-l10n:{lang} -->"
_MARKDOWN_MARK = re.compile(r"^<!-- ctmodule-l10n:([A-Za-z0-9-]+) -->\n", re.M)


def markdown_variants(variants: dict[str, str], source: str = SOURCE_LANGUAGE) -> str:
    """One Markdown output in several languages (the quizzes' print views): each part after its
    mark, the source language's first. The PDF build of each edition renders its own part
    (:class:`ctmodule.book.i18n.LanguageMarkdown`); a single language needs no mark."""
    if source not in variants:
        raise ValueError(f"the {source!r} variant is missing (it is shown where a language has none)")
    if len(variants) == 1:
        return variants[source]
    order = [source, *(lang for lang in variants if lang != source)]
    return "".join(MARKDOWN_MARK.format(lang=_check_lang(lang)) + "\n" + variants[lang].rstrip("\n") + "\n"
                   for lang in order)


def markdown_variant(text: str, lang: str, source: str = SOURCE_LANGUAGE) -> str | None:
    """The part of a :func:`markdown_variants` output in ``lang`` (the source language's where it
    has none); None for Markdown that carries no marks."""
    pieces = _MARKDOWN_MARK.split(text)
    if len(pieces) < 3:
        return None
    parts = dict(zip(pieces[1::2], pieces[2::2], strict=True))
    return parts.get(lang, parts.get(source, pieces[2]))


def stylesheet(langs: list[str], source: str = SOURCE_LANGUAGE) -> str:
    """The CSS that shows, in each block, the variant of the page's language (or the source one)."""
    w = f".{WRAPPER_CLASS}"
    rules = [
        "/* Written by ctmodule.book.bilingual.stylesheet: one variant of each output is shown, the one",
        "   in the page's language, or the source-language one where the output has none. */",
        f"{w} > [lang]:not([data-l10n-source]) {{ display: none; }}",
    ]
    for lang in sorted(set(langs) - {source}):
        lang = _check_lang(lang)
        rules.append(f'html[lang="{lang}"] {w} > [lang="{lang}"] {{ display: revert; }}')
        rules.append(f'html[lang="{lang}"] {w}:has(> [lang="{lang}"]) > [data-l10n-source] {{ display: none; }}')
    return "\n".join(rules) + "\n"
