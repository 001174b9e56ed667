"""The glossary page's order: English alphabetical in the English book, Russian alphabetical (by
the Russian terms, Ё filed under Е) with Russian letter headings in the Russian edition."""

from __future__ import annotations

import re
from pathlib import Path

from ctmodule.book import glossary
from ctmodule.book.i18n import translations

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "locales" / "ru" / "LC_MESSAGES" / "appendix" / "glossary.po"


def _write(folder: Path, entries: list[tuple[str, str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = "".join(f"- term: \"{t}\"\n  definition: \"{d}\"\n" for t, d in entries)
    (folder / "01-x.yml").write_text(text, encoding="utf-8")
    return folder


def _terms_and_headings(markdown: str) -> tuple[list[str], list[str]]:
    headings = re.findall(r"^## (.+)$", markdown, flags=re.M)
    terms = re.findall(r"^```\{glossary\}\n((?:.+\n)+?)  ", markdown, flags=re.M)
    entries = [line for line in markdown.splitlines() if line and not line.startswith((" ", "#", "`"))]
    return entries, headings or terms


def test_russian_order_files_yo_under_ye_and_latin_after_cyrillic(tmp_path):
    folder = _write(tmp_path / "glossary", [
        ("Tree", "d"), ("Fir", "d"), ("Hedgehog", "d"), ("Spruce", "d"), ("Acronym", "d"), ("Alpha", "d"),
        ("Yellow", "d"), ("Short i", "d"),
    ])
    ru = {"Tree": "Дерево", "Fir": "Ель", "Hedgehog": "Ёж", "Spruce": "Ёлка", "Acronym": "ОДКБ",
          "Alpha": "ISIS", "Yellow": "Жёлтый", "Short i": "Йод"}
    md = glossary.render_markdown(folder, lang="ru", translations=ru)
    entries, headings = _terms_and_headings(md)
    # as a Russian dictionary: Ё is filed as Е (Ёж as "еж", before Ель; Ёлка as "елка", before
    # Ель too, since к comes before ь), Й after И, and the term in Latin letters after every
    # Cyrillic one; the entries stay the catalog's msgids (in English)
    assert [ru[e] for e in entries] == ["Дерево", "Ёж", "Ёлка", "Ель", "Жёлтый", "Йод", "ОДКБ", "ISIS"]
    assert headings == ["Д", "Е", "Ж", "Й", "О", "I"]
    # the English book keeps its English order and letters
    entries, headings = _terms_and_headings(glossary.render_markdown(folder))
    assert entries == sorted(entries, key=str.casefold) and headings[0] == "A"


def test_collation_of_yo_and_ye_differs_only_as_a_tie_break():
    key = glossary.collation_key
    assert sorted(["ёлка", "елка", "еда", "ель"], key=lambda t: key(t, "ru")) == ["еда", "елка", "ёлка", "ель"]
    assert sorted(["«Хизб ут-Тахрир»", "Халифат", "Аль-Каида"], key=lambda t: key(t, "ru")) == \
        ["Аль-Каида", "Халифат", "«Хизб ут-Тахрир»"]  # quotation marks are not letters
    assert glossary.heading_letter("Ёмкость", "ru") == "Е"
    assert glossary.heading_letter("«Хизб ут-Тахрир»", "ru") == "Х"


def test_the_russian_glossary_page_is_in_russian_order():
    catalog = translations(CATALOG)
    md = glossary.render_markdown(ROOT / "glossary", lang="ru", translations=catalog)
    entries = glossary.load_entries(ROOT / "glossary")
    heads = {e["term"] for e in entries}
    shown = [catalog.get(line, line) for line in md.splitlines() if line in heads]
    assert len(shown) == len(entries)
    latin = [t for t in shown if not re.search(r"[А-Яа-яЁё]", t)]  # a name kept in Latin letters
    assert len(latin) <= 2, latin
    assert shown[-len(latin):] == latin if latin else True  # filed after the Cyrillic terms
    assert shown == sorted(shown, key=lambda t: glossary.collation_key(t, "ru"))
    headings = re.findall(r"^## (.+)$", md, flags=re.M)
    assert headings == sorted(set(headings), key=lambda t: glossary.collation_key(t, "ru"))
    assert all(re.fullmatch(r"[А-Я]|[A-Z]", h) for h in headings), headings
    assert len([h for h in headings if re.fullmatch(r"[А-Я]", h)]) >= 15
    assert "Ё" not in headings  # filed under Е
    # each entry sits under the letter its Russian term starts with
    letter = None
    for line in md.splitlines():
        if line.startswith("## "):
            letter = line[3:]
        elif line in heads:
            assert glossary.heading_letter(catalog.get(line, line), "ru") == letter, line


def test_the_book_sorts_the_russian_glossary_by_its_catalog():
    # the Sphinx extension hands the edition's catalog to the glossary (the page the edition shows
    # is the English glossary translated through that catalog; glossary/ru/*.yml holds the same
    # translations for the translation check)
    source = (ROOT / "src" / "ctmodule" / "book" / "sphinxext.py").read_text(encoding="utf-8")
    assert 'render_markdown(folder, lang=lang, translations=done, kept_english=kept)' in source
