"""The glossary, kept as data: one YAML file per chapter in ``glossary/``.

Each file is a list of entries::

    - term: Securitisation
      aliases: [securitization]          # optional: other spellings that {term} may use
      definition: >
        One to three sentences in the module's own words.

:func:`render_markdown` merges all files into one alphabetical MyST glossary
(the ``appendix/glossary`` page is generated from it at build time), and refuses
duplicates so that two chapters cannot define the same term differently.
"""

from __future__ import annotations

from pathlib import Path

import yaml


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


def translated_terms(folder: str | Path, lang: str) -> dict[str, str]:
    """The terms of the translated glossary ``glossary/<lang>/*.yml`` (:mod:`ctmodule.book.translations`
    checks them): English term -> its translation; {} when there is none."""
    found: dict[str, str] = {}
    for path in sorted((Path(folder) / lang).glob("*.yml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if isinstance(entry, dict) and entry.get("en") and entry.get("term"):
                found[str(entry["en"]).strip()] = str(entry["term"]).strip()
    return found


def _sort_key(text: str) -> str:
    return text.casefold().replace("ё", "е")  # Russian order: ё sorts with е


def render_markdown(folder: str | Path, lang: str | None = None, *,
                    kept_english: set[str] | frozenset[str] = frozenset()) -> str:
    """Return the MyST source of the glossary, grouped by initial letter. In an edition in another
    language (``lang``), the entries are ordered and grouped by their translated terms (the terms
    and definitions themselves are translated by the page's catalog), so the letters are the
    language's; an entry without a translation keeps its English place. ``kept_english``: the
    aliases that the page's catalog leaves as they are (an English spelling variant,
    "securitization", has no form of its own in the other language; names are not among them):
    they are left out of that edition's glossary (a link to one would fail the strict build, so
    none is lost unseen)."""
    entries = load_entries(folder)
    other = bool(lang) and lang.split("_")[0] != "en"
    names = translated_terms(folder, lang) if other else {}
    if other and kept_english:
        for entry in entries:
            entry["aliases"] = [a for a in entry["aliases"] if a not in kept_english]
    if names:
        for entry in entries:
            entry["shown"] = names.get(entry["term"], entry["term"])
        entries.sort(key=lambda e: _sort_key(e["shown"]))
    out: list[str] = []
    letter = None
    for entry in entries:
        initial = entry.get("shown", entry["term"])[0].upper()
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
