"""The bilingual terminology: ``locales/terminology.csv``, English term -> its one Russian rendering.

The table is what translators of the Russian edition work from, and what checks their work. Columns
(UTF-8, a header line, exactly these five)::

    en, ru, kind, source_id, note

- ``en``: the English term as the module writes it (a glossary term or alias, an instrument's title,
  a law, a body, a place, a person). Unique (case-insensitively).
- ``ru``: its Russian rendering; for an official title, the title as published in Russian.
- ``kind``: one of :data:`KINDS`.
- ``source_id``: the ``data/sources.csv`` row(s) (``a;b``) that give the Russian form, or empty.
- ``note``: where the form was confirmed (or ``unconfirmed``), variants, and two markers the checks read:

  - ``alias of <en>``: this row is another English spelling of the row ``<en>``, and may (only then)
    share its Russian rendering. Any other pair of English terms with one Russian rendering is an error.
  - ``[check: <form> | <form>]``: what :func:`find_inconsistencies` looks for in the Russian text instead
    of the full rendering (for example ``статья 405`` for a Code article whose full heading is only
    given once); ``[no-check]``: the English word is too ambiguous to check (``instrument``).

:func:`load` returns the rows as :class:`Term` objects and raises :class:`TerminologyError` (a
:class:`~ctmodule.data.DataError`, so ``file:line:column: message``) for the first bad row;
:func:`problems` lists every problem. :func:`find_inconsistencies` is the translators' check: each term
that occurs in an English text whose Russian rendering does not occur in the Russian one.

Russian inflects, so a rendering is matched word by word on stems: the case ending of each Russian word
is dropped (``конвенция`` -> ``конвенц``) and any ending is accepted in the text (``конвенции``,
``конвенцией``); short words (prepositions) must match whole; ``ё`` counts as ``е``. English terms
match whole words, case-insensitively (abbreviations in capitals case-sensitively), with an optional
plural ``s``/``es``; the longest term wins where terms overlap.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ctmodule import paths
from ctmodule.data.package import DataError, decode_utf8
from ctmodule.data.refs import split_refs

COLUMNS = ("en", "ru", "kind", "source_id", "note")
KINDS = frozenset({"instrument", "law", "article", "body", "concept", "name", "place", "other"})

_ALIAS = re.compile(r"\balias of (.+?)(?:\s*[()]|[.;:]|$)")
_CHECK = re.compile(r"\[check:\s*([^\]]+)\]")
_NO_CHECK = "[no-check]"


class TerminologyError(DataError):
    """A row of the terminology table is malformed (``file:line:column: message``)."""


@dataclass(frozen=True)
class Term:
    en: str
    ru: str
    kind: str
    source_id: str
    note: str
    line: int

    @property
    def alias_of(self) -> str | None:
        """The English term this row is an alias of (``alias of X`` in the note), if any."""
        m = _ALIAS.search(self.note)
        return m.group(1).strip() if m else None

    @property
    def checked(self) -> bool:
        return _NO_CHECK not in self.note

    @property
    def check_forms(self) -> tuple[str, ...]:
        """The Russian forms that count as the rendering in the translators' check."""
        m = _CHECK.search(self.note)
        if m:
            return tuple(f.strip() for f in m.group(1).split("|") if f.strip())
        return (self.ru,)


@dataclass(frozen=True)
class Inconsistency:
    """A term found in the English text whose Russian rendering is missing from the Russian text."""

    term: Term
    found: str  # the English words as they occur

    def __str__(self) -> str:
        forms = " | ".join(self.term.check_forms)
        return (f"{self.found!r} ({self.term.en}) is in the English text, but its rendering "
                f"«{forms}» is not in the Russian (terminology line {self.term.line})")


def terminology_path(start: str | os.PathLike | None = None) -> Path:
    """``locales/terminology.csv`` in the repository."""
    return paths.repo_root(start) / "locales" / "terminology.csv"


def source_ids(start: str | os.PathLike | None = None) -> set[str]:
    """The ids of ``data/sources.csv``."""
    path = paths.data_dir(start) / "sources.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        return {row["source_id"] for row in csv.DictReader(fh) if row.get("source_id")}


# ---------------------------------------------------------------------------
# reading and checking the table


def _rows(text: str, display: str):
    """Yield (line, fields) for each record after the header; line = the record's first line."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise TerminologyError(display, "the file is empty; expected the header " + ",".join(COLUMNS), 1) from None
    except csv.Error as exc:
        raise TerminologyError(display, f"not valid CSV: {exc}", 1) from None
    if tuple(header) != COLUMNS:
        raise TerminologyError(display, f"the header must be exactly {','.join(COLUMNS)}, "
                               f"got {','.join(header)}", 1)
    previous = reader.line_num
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise TerminologyError(display, f"not valid CSV: {exc}", previous + 1) from None
        line = previous + 1
        previous = reader.line_num
        if not fields:  # a blank line
            continue
        yield line, fields


def problems(path: str | os.PathLike | None = None, *, sources: set[str] | None = None,
             display: str | None = None) -> list[TerminologyError]:
    """Every problem of the table, in file order (an empty list when it is sound).

    ``sources``: the known source ids (default: those of ``data/sources.csv``).
    """
    path = Path(path) if path is not None else terminology_path()
    display = display or _display(path)
    text = decode_utf8(path.read_bytes(), display).removeprefix("\ufeff")
    if sources is None:
        sources = source_ids()
    out: list[TerminologyError] = []
    terms: list[Term] = []
    by_en: dict[str, Term] = {}
    try:
        for line, fields in _rows(text, display):
            if len(fields) != len(COLUMNS):
                col = COLUMNS[len(fields)] if len(fields) < len(COLUMNS) else f"field {len(COLUMNS) + 1}"
                out.append(TerminologyError(display, f"expected {len(COLUMNS)} fields, got {len(fields)}",
                                            line, col))
                continue
            row = dict(zip(COLUMNS, fields, strict=True))
            bad = False
            for col in COLUMNS:
                if row[col] != row[col].strip():
                    out.append(TerminologyError(display, "leading or trailing spaces", line, col))
                    bad = True
            for col in ("en", "ru"):
                if not row[col].strip():
                    out.append(TerminologyError(display, "must not be empty", line, col))
                    bad = True
            if row["kind"] not in KINDS:
                out.append(TerminologyError(display, f"kind must be one of {', '.join(sorted(KINDS))}, "
                                            f"got {row['kind']!r}", line, "kind"))
                bad = True
            for sid in split_refs(row["source_id"]):
                if sid not in sources:
                    out.append(TerminologyError(display, f"source {sid!r} is not a row of data/sources.csv",
                                                line, "source_id"))
                    bad = True
            term = Term(line=line, **{c: row[c].strip() for c in COLUMNS})
            key = term.en.casefold()
            if key and key in by_en:
                out.append(TerminologyError(display, f"{term.en!r} is already on line {by_en[key].line}; "
                                            "one English term, one Russian rendering", line, "en"))
                continue
            if not bad:
                by_en[key] = term
                terms.append(term)
    except TerminologyError as exc:
        out.append(exc)
        return out
    out.extend(_shared_renderings(terms, by_en, display))
    out.sort(key=lambda e: e.line or 0)
    return out


def _shared_renderings(terms: list[Term], by_en: dict[str, Term], display: str) -> list[TerminologyError]:
    """One Russian rendering for two English terms is allowed only for an ``alias of`` the other."""
    out = []
    for t in terms:
        target = t.alias_of
        if target is not None and target.casefold() not in by_en:
            out.append(TerminologyError(display, f"the note says 'alias of {target}', but that term is not "
                                        "in the table", t.line, "note"))
    by_ru: dict[str, list[Term]] = {}
    for t in terms:
        by_ru.setdefault(_norm_ru(t.ru).casefold(), []).append(t)
    for group in by_ru.values():
        if len(group) < 2:
            continue
        members = {t.en.casefold() for t in group}
        heads = [t for t in group if not (t.alias_of and t.alias_of.casefold() in members)]
        for t in heads[1:]:
            out.append(TerminologyError(
                display, f"the rendering {t.ru!r} is already used for {heads[0].en!r} (line {heads[0].line}); "
                "give each English term its own rendering, or say 'alias of <that term>' in the note",
                t.line, "ru"))
    return out


def load(path: str | os.PathLike | None = None, *, sources: set[str] | None = None) -> list[Term]:
    """The table's rows, in file order; raises :class:`TerminologyError` for the first problem."""
    path = Path(path) if path is not None else terminology_path()
    found = problems(path, sources=sources)
    if found:
        raise found[0]
    text = decode_utf8(path.read_bytes(), _display(path)).removeprefix("\ufeff")
    return [Term(line=line, **dict(zip(COLUMNS, fields, strict=True))) for line, fields in _rows(text, _display(path))]


def lookup(terms: list[Term]) -> dict[str, Term]:
    """The rows by English term (case-folded)."""
    return {t.en.casefold(): t for t in terms}


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(paths.repo_root()))
    except (ValueError, FileNotFoundError):
        return str(path)


# ---------------------------------------------------------------------------
# the translators' check

_ENDINGS = sorted(
    """ями ами ого его ому ему ыми ими ых их ая яя ое ее ой ей ий ый ые ие ую юю ом ем ам ям ах ях ов ев
    ия ию ии ья ье ью ьи ость а я о е и ы у ю ь й""".split(),
    key=len, reverse=True,
)
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


def _norm_ru(text: str) -> str:
    return text.replace("ё", "е").replace("Ё", "Е")


def stem(word: str) -> str:
    """The word without its Russian case ending (``конвенция`` -> ``конвенц``).

    Words of one or two letters, words in capitals (``ООН``) and words not in Cyrillic are kept whole.
    """
    if len(word) <= 2 or word.isupper() or not _CYRILLIC.search(word):
        return _norm_ru(word).lower()
    word = _norm_ru(word).lower()
    shortest = 3 if len(word) <= 5 else 4
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= shortest:
            return word[: -len(ending)]
    return word


def russian_pattern(form: str) -> re.Pattern:
    """A pattern that finds ``form`` in inflected Russian text (word by word, on stems)."""
    words = re.findall(r"\w+", _norm_ru(form))
    if not words:
        raise ValueError(f"no words in the rendering {form!r}")
    parts = []
    for w in words:
        inflects = len(w) > 2 and not w.isupper() and _CYRILLIC.search(w)
        parts.append(re.escape(stem(w)) + (r"\w*" if inflects else ""))
    return re.compile(r"(?<!\w)" + r"\W+".join(parts) + r"(?!\w)", re.IGNORECASE)


def english_pattern(term: str) -> re.Pattern:
    """A pattern that finds ``term`` as whole words (optionally plural) in English text, its words
    joined by spaces or hyphens (a compound such as "primary-source check" holds the term)."""
    words = term.split()
    body = r"[\s-]+".join(re.escape(w) for w in words)  # "primary source" and "primary-source check"
    abbreviation = term.upper() == term and any(c.isalpha() for c in term)
    suffix = r"(?:s|es|'s)?" if term[-1].isalnum() else ""
    return re.compile(r"(?<![\w-])" + body + suffix + r"(?![\w-])", 0 if abbreviation else re.IGNORECASE)


# A run of capitalised Latin words, with the small words a title or a name has inside it ("The
# Astana Times", "La-La-Land of Central Asia"), or a span in quotation marks.
_LATIN_NAME = re.compile(r"(?:\b[A-Z][\w'’.-]*)(?:\s+(?:(?:of|the|and|for|in|on|to|a|an|de|al|el)\s+)*[A-Z][\w'’.-]*)+")
_QUOTED = re.compile(r"\"[^\"\n]{3,}\"|“[^”\n]{3,}”|‘[^’\n]{3,}’")


def kept_in_original(english_text: str, russian_text: str) -> str:
    """``english_text`` with the names and titles that the Russian keeps in their original
    spelling blanked out: a quoted span or a run of capitalised words that stands, letter for
    letter, in the Russian ("The Astana Times", "La-La-Land of Central Asia"). A term inside
    them is part of a name, not a word the translator had to render."""
    def blank(m: re.Match) -> str:
        inner = m.group(0).strip("\"“”‘’")
        return "\0" * len(m.group(0)) if inner and inner in russian_text else m.group(0)

    return _LATIN_NAME.sub(blank, _QUOTED.sub(blank, english_text))


def find_inconsistencies(english_text: str, russian_text: str, terms: list[Term] | None = None
                         ) -> list[Inconsistency]:
    """Terms present in ``english_text`` whose Russian rendering is absent from ``russian_text``.

    A term inside a name or title that the Russian keeps in its original spelling does not count
    (:func:`kept_in_original`).

    ``terms``: the table (default: :func:`load`). Each term is reported once, in the order of the table.
    """
    if terms is None:
        terms = load()
    english = kept_in_original(english_text, russian_text)
    russian = _norm_ru(russian_text)
    found: dict[int, Inconsistency] = {}
    order = {id(t): i for i, t in enumerate(terms)}
    for term in sorted((t for t in terms if t.checked), key=lambda t: len(t.en), reverse=True):
        pattern = english_pattern(term.en)
        match = pattern.search(english)
        if match is None:
            continue
        # the longest term wins: blank out what it matched so that its parts do not match again
        english = pattern.sub(lambda m: "\0" * len(m.group(0)), english)
        if not any(russian_pattern(form).search(russian) for form in term.check_forms):
            found[order[id(term)]] = Inconsistency(term, match.group(0))
    return [found[i] for i in sorted(found)]
