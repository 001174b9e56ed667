"""Tables shown by a chapter's code cells, in every language of the book.

A chapter's code cell ends with a pandas expression (``elements[["label", "description"]]``,
``claims.status_by_claimant()``) and IPython shows the frame. A notebook is executed once for
every edition (:mod:`ctmodule.book.bilingual`), so the Russian edition would show the English
headers and labels. :func:`install` (run when :mod:`ctmodule.book` is imported in IPython, as every
chapter does) registers an HTML formatter for DataFrames (and for the analysis modules' full-text
tables, :class:`~ctmodule.analysis.instruments.HTMLTable` and
:class:`~ctmodule.analysis.claims.ReadableTable`) that writes the table once per language, as one
:func:`~ctmodule.book.bilingual.variants_html` block. The students' code does not change, and
``text/plain`` stays pandas' English text (for nbval and for a terminal).

The translated variant (:func:`translate`) is the same frame with

- **headers** (column names, the index's and the columns' names) translated as messages of the
  code catalog (``locales/<lang>/LC_MESSAGES/_code.po``): a header that a chapter shows is marked in
  :data:`HEADERS` (or already is a message elsewhere in the package). An identifier
  (``element_id``, ``schmid_jongman_element``: a word with ``_`` or a digit) is the column's name in
  the code the reader types, and stays as it is. A header without a translation is a **visible
  fallback**: it stays in English, and the table carries the class ``ctmodule-l10n-missing`` (the
  prose check of the built edition reports the English header; :func:`untranslated` lists them);
- **values** (cells and index labels that are text) translated from the data: the
  ``<column>_<lang>`` columns of the data package (``label`` -> ``label_ru`` in ``elements.csv``),
  then the schema's controlled values through the analysis modules' label dicts
  (:data:`CONTROLLED`: ``status`` -> :data:`ctmodule.analysis.claims.STATUS_LABELS`), first for the
  column of that name, then from any column. A value found nowhere (a name, an identifier, a
  number, a source's title) stays as it is.

Inside :func:`plain` (used by :mod:`ctmodule.book.figures` when it glues one value per language)
the formatter writes the frame as pandas does: such a value is already in its language.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from functools import lru_cache

from ctmodule.book.bilingual import SOURCE_LANGUAGE, WRAPPER_CLASS, variants_html
from ctmodule.l10n import N_, gettext, languages, messages

#: The class of a table in a language whose variant has a header without a translation.
MISSING_CLASS = "ctmodule-l10n-missing"

#: Outside the book (JupyterLab has not the book's stylesheet), only the source variant shows;
#: the book's stylesheet (:func:`ctmodule.book.bilingual.stylesheet`) has the same rule, and its
#: rules for a page's language are more specific, so this changes nothing in the book.
INLINE_STYLE = (f"<style>.{WRAPPER_CLASS} > [lang]:not([data-l10n-source]) {{ display: none; }}</style>")

#: The headers the chapters' tables show that are not data columns with a message elsewhere
#: (extracted into ``_code.po`` by ``make catalogs``; translated with :func:`ctmodule.l10n.gettext`).
HEADERS = (
    # the data's columns as the chapters show them (chapters 0, 3, 4, 8)
    N_("label"), N_("description"), N_("claimant"), N_("claim"), N_("status"), N_("type"),
    N_("author"), N_("publisher"), N_("url"), N_("note"),
    # the analysis modules' tables (chapters 0, 3, 6, 8, 9)
    N_("table"), N_("rows"), N_("columns"), N_("what it holds"), N_("verdict"),
    N_("what other sources show"), N_("total"), N_("differs"), N_("unverified"), N_("period"),
    # a student's coding compared with the module's (chapter 6, cs.compare_coding)
    N_("field"), N_("yours"), N_("module"), N_("agreed"), N_("missed"), N_("extra"), N_("match"),
)

#: Values that a chapter's code writes into a table itself (``fillna({...: "no counterpart"})``).
VALUES = (N_("no counterpart"),)

_IDENTIFIER = re.compile(r"^\w*[_\d]\w*$")


def _neutral(name: str) -> bool:
    """A header that is no word to translate: an identifier (``element_id``), a letter (``a``), an
    acronym (``KAZ``), or no Latin letters at all."""
    letters = re.sub(r"[^A-Za-z]", "", name)
    return bool(_IDENTIFIER.match(name)) or len(letters) <= 1 or (letters.isupper() and " " not in name)


def _controlled() -> dict[str, list[dict[str, str]]]:
    """The schema's controlled values per column: ``{column: [{value: message}, ...]}``."""
    from ctmodule.analysis import cases, claims, definitions, instruments, region, timeline

    return {
        "status": [claims.STATUS_LABELS, definitions.SHARED_LABELS],
        "verdict": [claims.STATUS_LABELS],
        "claimant_type": [claims.CLAIMANT_LABELS],
        "claimant group": [claims.CLAIMANT_GROUPS],
        "claimant_group": [claims.CLAIMANT_GROUPS],
        "source group": [claims.SOURCE_GROUP_LABELS],
        "type": [cases.MEASURE_TYPE_LABELS, claims.SOURCE_TYPE_LABELS],
        "scope": [instruments.SCOPE_LABELS],
        "domain": [instruments.DOMAIN_LABELS],
        "kind": [instruments.KIND_LABELS],
        "category": [timeline.CATEGORY_LABELS],
        "confidence": [timeline.CONFIDENCE_LABELS],
        "date_precision": [timeline.PRECISION_LABELS],
        "subject_type": [cases.SUBJECT_TYPE_LABELS],
        "instrument": [region.INSTRUMENT_LABELS],
        "move": [region.MOVE_LABELS],
        "country": [region.COUNTRIES],
        "a": [definitions.GRID_MARKS],
        "b": [definitions.GRID_MARKS],
        "value": [definitions.GRID_MARKS],
    }


#: Columns whose values are the schema's controlled values (see :func:`_controlled`); filled lazily.
CONTROLLED: dict[str, list[dict[str, str]]] = {}


class Translations:
    """What :func:`translate` looks up for one language: the data's labels and the messages."""

    def __init__(self, lang: str):
        self.lang = lang
        self.by_column: dict[str, dict[str, str]] = {}
        self.anywhere: dict[str, str] = {}
        #: the data's identifiers that are no word (``khalabuzar-2017``, ``unsc_1566``), see :func:`_mark_identifiers`
        self.ids: frozenset[str] = frozenset()
        if lang == SOURCE_LANGUAGE:
            return
        from ctmodule import data

        suffix = f"_{lang}"
        tables = data.load_all()
        # (the rows' identifiers that could not be read as a word: every *_id value is one of them)
        self.ids = frozenset(i for i in data.row_identifiers()
                             if re.fullmatch(r"[a-z0-9]+(?:[-_][a-z0-9]+)+|[a-z]+\d+[a-z0-9]*", i))
        for frame in tables.values():
            for column in frame.columns:
                target = f"{column}{suffix}"
                if target not in frame.columns:
                    continue
                pairs = self.by_column.setdefault(column, {})
                for english, translated in zip(frame[column], frame[target], strict=True):
                    if _text(english) and _text(translated):
                        pairs.setdefault(_text(english), _text(translated))
        if not CONTROLLED:
            CONTROLLED.update(_controlled())
        for column, dicts in CONTROLLED.items():
            pairs = self.by_column.setdefault(column, {})
            for labels in dicts:
                for value, message in labels.items():
                    pairs.setdefault(value, gettext(message, lang))
                    pairs.setdefault(message, gettext(message, lang))
        for pairs in self.by_column.values():
            for english, translated in pairs.items():
                self.anywhere.setdefault(english, translated)
        # then a label the analysis wrote itself (a message of the code catalog, "Subject")
        for english, translated in messages(lang).items():
            self.anywhere.setdefault(english, translated)
        # last: the data package's own texts (a table's title), as the data dictionary translates them
        for english, translated in _data_dictionary(lang).items():
            self.anywhere.setdefault(english, translated)

    def header(self, name) -> str | None:
        """``name`` (a header) in this language, or None where it has no translation."""
        if not isinstance(name, str) or self.lang == SOURCE_LANGUAGE:
            return name
        found = messages(self.lang).get(name)
        if found:
            return found
        if _neutral(name):
            return name
        return self.anywhere.get(name)

    def value(self, column, value):
        """A cell or an index label of ``column`` in this language (unchanged where unknown)."""
        if not isinstance(value, str) or self.lang == SOURCE_LANGUAGE or _identifiers(column):
            return value
        key = _text(value)
        pairs = self.by_column.get(column) if isinstance(column, str) else None
        if pairs and key in pairs:
            return pairs[key]
        return self.anywhere.get(key, value)


#: The page that translates the data package's own texts (generated from ``datapackage.json``).
DATA_DICTIONARY = "appendix/data-dictionary"
_NAMED = re.compile(r"^(?P<text>.+?) \(`[\w-]+`\)$")


def _data_dictionary(lang: str) -> dict[str, str]:
    """The data dictionary page's translations, with its headings' ``(`name`)`` taken off (a
    table's title is written ``Title (`name`)`` there)."""
    from ctmodule.book.i18n import translations as catalog
    from ctmodule.l10n import LOCALES
    from ctmodule.paths import repo_root

    found = catalog(repo_root() / LOCALES / lang / "LC_MESSAGES" / f"{DATA_DICTIONARY}.po")
    out = {}
    for english, translated in found.items():
        out[english] = translated
        a, b = _NAMED.match(english), _NAMED.match(translated)
        if a and b:
            out[a["text"]] = b["text"]
    return out


#: Columns whose values are names the code uses (a table's name, a source's URL): never translated,
#: like every ``*_id`` column.
IDENTIFIER_COLUMNS = frozenset({"table", "url", "bib_key", "source_id", "fact_ref"})


def _identifiers(column) -> bool:
    return isinstance(column, str) and (column in IDENTIFIER_COLUMNS or column.endswith("_id"))


def _text(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return " ".join(str(value).split())


@lru_cache(maxsize=8)
def _translations(lang: str, catalog_mtime: float) -> Translations:
    return Translations(lang)


def translations(lang: str) -> Translations:
    """The lookups of ``lang`` (read once per catalog version)."""
    from ctmodule.l10n import catalog_path

    path = catalog_path(lang)
    return _translations(lang, path.stat().st_mtime if path.is_file() else 0.0)


def untranslated(frame, lang: str) -> list[str]:
    """The headers of ``frame`` that have no translation into ``lang`` (shown in English)."""
    tr = translations(lang)
    names = [*_labels(frame.columns), *_labels(frame.index.names), frame.columns.name]
    return [n for n in dict.fromkeys(names) if isinstance(n, str) and tr.header(n) is None]


def _labels(values) -> list:
    out = []
    for v in values:
        out.extend(v if isinstance(v, tuple) else [v])
    return out


def translate(frame, lang: str):
    """A copy of ``frame`` with its headers and text values in ``lang`` (see the module's text)."""

    if lang == SOURCE_LANGUAGE:
        return frame
    tr = translations(lang)

    def header(name):
        found = tr.header(name)
        return name if found is None else found

    out = frame.copy()
    for position, column in enumerate(frame.columns):
        series = out.iloc[:, position]
        if _textual(series.dtype):
            name = column[-1] if isinstance(column, tuple) else column
            out.isetitem(position, series.astype(object).map(lambda v, n=name: tr.value(n, v)))
    out.index = _translate_index(frame.index, tr)
    out.columns = _translate_index(frame.columns, tr, header=header)
    out.index = out.index.set_names([header(n) for n in out.index.names])
    out.columns = out.columns.set_names([header(n) for n in out.columns.names])
    return out


def _textual(dtype) -> bool:
    """A column or an index that may hold text (object, string or categorical)."""
    import pandas as pd

    return (pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)
            or isinstance(dtype, pd.CategoricalDtype))


def _translate_index(index, tr: Translations, header: Callable | None = None):
    import pandas as pd

    def one(name, v):
        if header is not None:
            return header(v)
        return tr.value(name, v)

    if isinstance(index, pd.MultiIndex):
        levels = [pd.Index([one(name, v) for v in level], dtype=object) if _textual(level.dtype) else level
                  for level, name in zip(index.levels, index.names, strict=True)]
        return index.set_levels(levels, verify_integrity=False)
    if not _textual(index.dtype):
        return index
    return pd.Index([one(index.name, v) for v in index], name=index.name, dtype=object)


def dataframe_html(frame, *, classes: str | None = None) -> str:
    """``frame`` as pandas writes it in a notebook (the display options apply), its table given
    ``classes`` too."""
    markup = frame._repr_html_()
    if classes and markup:
        markup = markup.replace('class="dataframe"', f'class="dataframe {classes}"', 1)
    return markup


def variants(frame, render: Callable | None = None, langs: list[str] | None = None) -> str:
    """``frame`` in every language of the book (:func:`ctmodule.l10n.languages`) as one block:
    ``render(frame, classes)`` writes one variant's HTML (default: pandas' notebook HTML)."""
    render = render or (lambda f, classes=None: dataframe_html(f, classes=classes))
    out = {}
    for lang in langs if langs is not None else languages():
        if lang == SOURCE_LANGUAGE:
            out[lang] = render(frame)
            continue
        missing = untranslated(frame, lang)
        out[lang] = _marked(render(translate(frame, lang), MISSING_CLASS if missing else None), frame, lang)
    if len(out) == 1:
        return out[SOURCE_LANGUAGE]
    return INLINE_STYLE + variants_html(out)


#: Columns of a table that stay in their source's language, as the bibliography does: a source's
#: author, title and publisher (and the label made from them). In another edition each such cell
#: is marked with its language (``<span lang="en">``: English where it has no Cyrillic letter), so
#: that a screen reader reads it as English and the prose check knows it is a title, not prose.
ORIGINAL_LANGUAGE = {"sources": ("author", "title", "publisher", "label")}
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def _original_values(frame) -> set[str]:
    """The texts of ``frame`` that stay in their source's language (:data:`ORIGINAL_LANGUAGE`):
    the frame's ``attrs["resource"]`` names its table (:func:`ctmodule.data.load` sets it)."""
    columns = ORIGINAL_LANGUAGE.get(str(frame.attrs.get("resource", "")), ())
    found = set()
    for column in columns:
        if column in frame.columns:
            found.update(t for t in (_text(v) for v in frame[column]) if t and not _CYRILLIC.search(t))
    return found


def _mark_original(markup: str, values: set[str]) -> str:
    """Mark the cells of ``markup`` whose text is one of ``values`` (or its start, where pandas
    shortened it with ``...``) as English."""
    if not values:
        return markup
    import html as _html

    def one(match):
        text = " ".join(_html.unescape(match[2]).split())
        cut = text[:-3] if text.endswith("...") else None
        if text in values or (cut and any(v.startswith(cut) for v in values)):
            return f'{match[1]}<span lang="{SOURCE_LANGUAGE}">{match[2]}</span>{match[3]}'
        return match[0]

    return re.sub(r"(<td[^>]*>)([^<]+)(</td>)", one, markup)


_PLAIN: list[str | None] = [None]


@contextlib.contextmanager
def plain(lang: str = SOURCE_LANGUAGE) -> Iterator[None]:
    """Within this block the formatter writes frames as pandas does: a value already in its
    language ``lang`` (a table glued once per language). In another language than the source,
    the data's identifiers and the sources' titles in it are marked as in :func:`variants`."""
    before = _PLAIN[0]
    _PLAIN[0] = lang
    try:
        yield
    finally:
        _PLAIN[0] = before


def _marked(markup: str, frame, lang: str) -> str:
    """A variant's HTML in ``lang`` with the sources' titles and the data's identifiers marked."""
    if lang == SOURCE_LANGUAGE or not markup:
        return markup
    return _mark_identifiers(_mark_original(markup, _original_values(frame)), translations(lang).ids)


def _mark_identifiers(markup: str, ids: frozenset[str]) -> str:
    """Set the cells whose whole text is an identifier of the data (``khalabuzar-2017``: a value of
    an ``*_id`` column) as code: the name the reader types in a cell, not a word to translate."""
    if not ids:
        return markup

    def one(match):
        text = match[2].strip()
        return f"{match[1]}<code>{match[2]}</code>{match[3]}" if text in ids else match[0]

    return re.sub(r"(<t[hd][^>]*>)([^<]+)(</t[hd]>)", one, markup)


def _frame_html(frame):
    if _PLAIN[0] is not None:
        return _marked(frame._repr_html_(), frame, _PLAIN[0])
    return variants(frame)


def _html_table(table):
    if _PLAIN[0] is not None:
        return _marked(table._repr_html_(), table.df, _PLAIN[0])
    from ctmodule.analysis.instruments import HTMLTable

    return variants(table.df, lambda f, classes=None: HTMLTable(f, index=table.index)._repr_html_(classes))


def _readable_table(table):
    bundle = table._repr_mimebundle_()
    if _PLAIN[0] is not None or getattr(table, "frame", None) is None:
        return bundle
    from ctmodule.analysis.claims import full_table

    bundle["text/html"] = variants(
        table.frame, lambda f, classes=None: full_table(f, index=table.index, classes=classes).html)
    # its pipe table, which the PDF prints, in every language too (each edition's PDF prints its own:
    # ctmodule.book.i18n.LanguageMarkdown)
    from ctmodule.book.bilingual import markdown_variants

    bundle["text/markdown"] = markdown_variants({
        lang: full_table(table.frame if lang == SOURCE_LANGUAGE else translate(table.frame, lang),
                         index=table.index).data
        for lang in languages()})
    return bundle


def install(shell=None) -> bool:
    """Register the formatters in the running IPython (``shell``); False outside IPython."""
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython is a dependency
            return False
        shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    formatters = shell.display_formatter.formatters
    html = formatters["text/html"]
    import pandas as pd

    html.for_type(pd.DataFrame, _frame_html)
    html.for_type_by_name("ctmodule.analysis.instruments", "HTMLTable", _html_table)
    shell.display_formatter.mimebundle_formatter.for_type_by_name(
        "ctmodule.analysis.claims", "ReadableTable", _readable_table)
    return True
