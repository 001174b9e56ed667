"""The glossary, kept as data: one YAML file per chapter in ``glossary/``.

Each file is a list of entries::

    - term: Securitisation
      aliases: [securitization]          # optional: other spellings that {term} may use
      definition: >
        One to three sentences in the module's own words.

:func:`render_markdown` merges all files into one alphabetical MyST glossary
(the ``appendix/glossary`` page is generated from it at build time), and refuses
duplicates so that two chapters cannot define the same term differently.

An edition in another language shows the same page translated through its catalog
(``locales/<lang>/LC_MESSAGES/appendix/glossary.po``: each term and definition is a message), so
its entries are put in the order of the *translated* terms, under that alphabet's letters
(:func:`collation_key`, :func:`heading_letter`): the Russian glossary runs А, Б, В ... Я, with Ё
filed under Е as Russian dictionaries file it, and terms in Latin letters after the Cyrillic ones.
(``glossary/<lang>/*.yml`` holds the same translations as data, for ``ctmodule check-translations``;
the page uses the catalog.)
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import yaml

# Per language: the alphabet in its dictionary order, and letters filed as another (Ё under Е).
ALPHABETS = {
    "ru": ("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", {"ё": "е"}),
}
_LATIN = "abcdefghijklmnopqrstuvwxyz"


class GlossaryError(ValueError):
    """A glossary file is malformed or two files define the same term."""


def load_entries(folder: str | Path) -> list[dict]:
    folder = Path(folder)
    entries: list[dict] = []
    seen: dict[str, str] = {}
    for path in sorted(folder.glob("*.yml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        except yaml.YAMLError as exc:
            raise GlossaryError(f"{path}: not valid YAML: {exc}") from None
        if not isinstance(data, list):
            raise GlossaryError(f"{path}: expected a list of entries, got {type(data).__name__}")
        for i, entry in enumerate(data, start=1):
            where = f"{path}: entry {i}"
            if not isinstance(entry, dict) or not entry.get("term") or not entry.get("definition"):
                raise GlossaryError(f"{where}: each entry needs 'term' and 'definition'")
            names = [str(entry["term"]).strip(), *[str(a).strip() for a in entry.get("aliases") or []]]
            for name in names:
                key = name.casefold()
                if key in seen:
                    raise GlossaryError(f"{where}: term {name!r} is already defined in {seen[key]}")
                seen[key] = str(path.name)
            entries.append(
                {
                    "term": names[0],
                    "aliases": names[1:],
                    "definition": " ".join(str(entry["definition"]).split()),
                    "file": path.name,
                }
            )
    return sorted(entries, key=lambda e: e["term"].casefold())


def _letters(text: str) -> str:
    """``text`` folded for comparison: lower case, accents dropped (but not the breve of й or the
    diaeresis of ё, which make letters of their own), no punctuation or spaces."""
    out = []
    for ch in text.casefold():
        if ch in "йё":
            out.append(ch)
            continue
        base = unicodedata.normalize("NFD", ch)[0]
        if base.isalnum():
            out.append(base)
    return "".join(out)


def collation_key(term: str, lang: str = "en") -> tuple:
    """The sort key of ``term`` in ``lang``'s dictionary order: its own alphabet's letters first
    (Russian: а ... я, ё filed as е and placed after it only where two terms differ in nothing
    else), then Latin letters, then anything else; case, punctuation and spacing ignored."""
    alphabet, same_as = ALPHABETS.get(lang.split("-")[0].split("_")[0], (_LATIN, {}))
    folded = _letters(term)
    primary, secondary = [], []
    for ch in folded:
        filed = same_as.get(ch, ch)
        if filed in alphabet:
            primary.append((0, alphabet.index(filed)))
        elif ch in _LATIN:
            primary.append((1, _LATIN.index(ch)))
        elif ch.isdigit():
            primary.append((2, int(ch)))
        else:
            primary.append((3, ord(ch)))
        secondary.append(alphabet.index(ch) if ch in alphabet else ord(ch))
    return (tuple(primary), tuple(secondary), term)


def heading_letter(term: str, lang: str = "en") -> str:
    """The letter ``term`` is filed under in ``lang``'s glossary (upper case; Ё under Е)."""
    _, same_as = ALPHABETS.get(lang.split("-")[0].split("_")[0], (_LATIN, {}))
    folded = _letters(term)
    if not folded:
        return term[:1].upper()
    return same_as.get(folded[0], folded[0]).upper()


def render_markdown(folder: str | Path, *, lang: str = "en", translations: dict[str, str] | None = None,
                    kept_english: set[str] | frozenset[str] = frozenset()) -> str:
    """Return the MyST source of the glossary, grouped by initial letter.

    ``kept_english``: the aliases that the edition's catalog leaves as they are (an English
    spelling variant such as "securitization" has no form of its own in Russian; names are not
    among them): they are left out of that edition's glossary (a link to one would fail the
    strict build, so none is lost unseen).

    For an edition in ``lang`` (not English), ``translations`` maps each English term to the term
    the edition shows (its catalog's translation): the entries (still written in English, the
    catalog's messages, for Sphinx to translate) are ordered and grouped by the translated terms,
    under ``lang``'s letters. A term without a translation is filed by its English spelling."""
    entries = load_entries(folder)
    shown = {e["term"]: e["term"] for e in entries}
    if lang != "en" and kept_english:
        for entry in entries:
            entry["aliases"] = [a for a in entry["aliases"] if a not in kept_english]
    if lang != "en":
        shown.update({e["term"]: (translations or {}).get(e["term"]) or e["term"] for e in entries})
        entries = sorted(entries, key=lambda e: collation_key(shown[e["term"]], lang))
    out: list[str] = []
    letter = None
    for entry in entries:
        initial = entry["term"][0].upper() if lang == "en" else heading_letter(shown[entry["term"]], lang)
        if initial != letter:
            if letter is not None:
                out.append("```\n")
            letter = initial
            out.append(f"## {initial}\n")
            out.append("```{glossary}")
        out.extend([entry["term"], *entry["aliases"]])
        out.append(f"  {entry['definition']}")
        out.append("")
    if letter is not None:
        out.append("```\n")
    return "\n".join(out)
