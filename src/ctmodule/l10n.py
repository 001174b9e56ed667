"""The strings the package writes itself, in every language of the book.

The pages' prose is translated through Sphinx's catalogs (:mod:`ctmodule.book.i18n`). The text
that the code puts on a page (a figure's title, axis labels and legend; an explorer's labels,
buttons, descriptions and summary sentences; a slide deck's headings) is not page text: it is
marked in the code and translated through one more catalog, ``locales/<lang>/LC_MESSAGES/_code.po``.

- Mark a message where it is written: ``N_("Events per year")``. :func:`N_` returns its
  argument unchanged; it only tells the extraction (``make catalogs``, which runs
  :func:`ctmodule.book.i18n.write_code_pot`) that the string is a message.
- Translate it where it is shown, for the language asked for: ``gettext(message, lang)``, or
  ``tr = translator(lang)`` then ``tr(message)``. A message with placeholders is translated
  first and formatted after: ``gettext(N_("{count} events"), lang).format(count=n)``.
- The source language (English) needs no catalog. A message that a catalog lacks, or whose
  translation is fuzzy, is shown in English: the catalog check (``make test``) fails on it, with
  the catalog's file and line, so the book is never built with a gap that nobody sees.

This module imports nothing of the package but :mod:`ctmodule.paths`, so every part that writes
text for readers (``analysis``, ``explorers``, ``book``) may use it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from ctmodule.paths import repo_root

SOURCE_LANGUAGE = "en"
#: The catalog of the code's messages, next to the pages' catalogs.
CODE_DOMAIN = "_code"
LOCALES = "locales"
_LANG = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


class LocalisationError(ValueError):
    """A language code that is not one, or a catalog that cannot be read (the message names it)."""


def N_(message: str) -> str:  # noqa: N802 (the conventional gettext marker)
    """Mark ``message`` for extraction into the code catalog; return it unchanged."""
    return message


def check_language(lang: str) -> str:
    """``lang`` if it is a language code (``en``, ``ru``, ``kk``, ``pt-BR``), else an error."""
    if not isinstance(lang, str) or not _LANG.match(lang):
        raise LocalisationError(f"not a language code: {lang!r}")
    return lang


def catalog_path(lang: str, root: Path | None = None) -> Path:
    """Where the code catalog of ``lang`` lives."""
    root = Path(root) if root is not None else repo_root()
    return root / LOCALES / check_language(lang) / "LC_MESSAGES" / f"{CODE_DOMAIN}.po"


def languages(root: Path | None = None) -> list[str]:
    """The source language, then every language with catalogs under ``locales/`` (sorted)."""
    folder = (Path(root) if root is not None else repo_root()) / LOCALES
    found = sorted(p.name for p in folder.iterdir() if (p / "LC_MESSAGES").is_dir()) if folder.is_dir() else []
    return [SOURCE_LANGUAGE] + [lang for lang in found if lang != SOURCE_LANGUAGE]


#: A line of a catalog that is not a comment: a keyword and a string, or a string continued.
_PO_LINE = re.compile(r'^(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?"(?:[^"\\]|\\.)*"\s*$')


def read_catalog(path: Path):
    """A ``.po`` or ``.pot`` file as a Babel catalog; a broken file is an error naming it (and the
    line, where a string is not closed: Babel's reader would silently drop its last character)."""
    from babel.messages.pofile import PoFileError, read_po

    try:
        for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip() and not line.startswith("#") and not _PO_LINE.match(line):
                raise LocalisationError(f"{path}:{number}: not a catalog line (a string not closed?): {line[:60]!r}")
        with open(path, "rb") as fh:
            return read_po(fh, abort_invalid=True)
    except (OSError, PoFileError, UnicodeDecodeError, ValueError) as exc:
        if isinstance(exc, LocalisationError):
            raise
        raise LocalisationError(f"{path}: not a valid catalog: {exc}") from exc


@lru_cache(maxsize=16)
def _messages(path: Path, mtime: float) -> dict[str, str]:
    catalog = read_catalog(path)
    return {m.id: m.string for m in catalog
            if m.id and isinstance(m.id, str) and isinstance(m.string, str) and m.string and not m.fuzzy}


def messages(lang: str, root: Path | None = None) -> dict[str, str]:
    """The translated (not fuzzy) messages of ``lang``'s code catalog; {} for the source language
    or a language without one. The catalog is read again when it changes on disk."""
    if check_language(lang) == SOURCE_LANGUAGE:
        return {}
    path = catalog_path(lang, root)
    if not path.is_file():
        return {}
    return _messages(path, path.stat().st_mtime)


def gettext(message: str, lang: str = SOURCE_LANGUAGE, root: Path | None = None) -> str:
    """``message`` in ``lang`` (English where the catalog has no translation: the check reports it)."""
    if check_language(lang) == SOURCE_LANGUAGE or not message:
        return message
    return messages(lang, root).get(message, message)


def translator(lang: str = SOURCE_LANGUAGE, root: Path | None = None) -> Callable[[str], str]:
    """A function that translates a message into ``lang``: ``tr = translator("ru"); tr("Year")``."""
    check_language(lang)

    def tr(message: str) -> str:
        return gettext(message, lang, root)

    return tr


def localised(value: dict[str, str] | str, lang: str = SOURCE_LANGUAGE) -> str:
    """A value given per language (``{"en": ..., "ru": ...}``, e.g. from ``label``/``label_ru``
    columns) in ``lang``, or the source-language one where ``lang`` has none; a plain string as is."""
    if isinstance(value, str):
        return value
    text = value.get(check_language(lang)) or ""
    return text if text.strip() else value.get(SOURCE_LANGUAGE, "")


#: The letters that number a question's options, in order (quizzes in print and on slides).
# Translators: the alphabet's letters as lists number items, in order, lower case, no separator (Russian skips ё and й).
OPTION_LETTERS = N_("abcdefghijklmnopqrstuvwxyz")


def option_letters(lang: str = SOURCE_LANGUAGE, root: Path | None = None) -> str:
    """The letters that number a question's options in ``lang`` (the code catalog's)."""
    return gettext(OPTION_LETTERS, lang, root)
