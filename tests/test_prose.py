"""The checker of English left in another edition's pages (ctmodule.book.prose), on small pages."""

from __future__ import annotations

import pytest

from ctmodule.book.bilingual import variants_html
from ctmodule.book.prose import known_names, page_leaks, site_leaks

NAMES = ["Barry Buzan", "Collective Security Treaty Organization"]


def page(body: str, lang: str = "ru") -> str:
    return (f'<!DOCTYPE html><html lang="{lang}"><head><title>t</title></head><body>'
            f'<nav><p>This navigation is outside the main text of the page.</p></nav>'
            f'<main><article>{body}</article></main></body></html>')


def leaks(body: str, **kw):
    return page_leaks(page(body), "p.html", names=NAMES, **kw)


RU = "<p>Это предложение написано по-русски и никакой утечки не содержит.</p>"


def test_an_english_paragraph_is_flagged_with_page_element_and_text():
    found = leaks(RU + '<section id="s1"><p>This paragraph was left in English by mistake.</p></section>')
    assert len(found) == 1
    leak = found[0]
    assert (leak.page, leak.kind, leak.origin) == ("p.html", "prose", "text")
    assert leak.element == "section#s1 > p"
    assert "left in English" in leak.text


def test_an_english_sentence_inside_a_russian_paragraph_is_flagged():
    found = leaks("<p>Автор пишет, что the state is the main source of threats here, и спорит с этим.</p>")
    assert [leak.text for leak in found] == ["the state is the main source of threats here"]


def test_an_english_heading_and_admonition_title_are_labels():
    found = leaks('<h2>Contents</h2><div class="admonition"><p class="admonition-title">Solution</p>'
                  "<p>Решение приведено ниже.</p></div>")
    assert [(leak.kind, leak.text) for leak in found] == [("label", "Contents"), ("label", "Solution")]


def test_citation_code_math_and_bibliography_are_not_flagged():
    body = (
        '<p>Как пишет Бузан <span class="bibtex-citation">(Buzan, Wæver and de Wilde, 1998)</span>, '
        'это так; см. <code>load the table and list its sources</code>.</p>'
        '<div class="highlight"><pre>for row in the table: print(row) if it is in the list</pre></div>'
        '<p>Формула <span class="math">\\(\\text{share of the elements in the set}\\)</span>.</p>'
        '<div class="citation" role="listitem"><p>Barry Buzan. People, States and Fear: The National '
        "Security Problem in International Relations. 1983.</p></div>"
        "<p>Источник: <cite>Security: A New Framework for Analysis</cite>.</p>"
    )
    assert leaks(body) == []


def test_names_quoted_titles_acronyms_urls_and_marked_english_are_not_flagged():
    body = (
        "<p>Договор о коллективной безопасности (Collective Security Treaty Organization, CSTO).</p>"
        "<p>Статья «The Securitization of Terrorism in the Region» вышла в журнале "
        "<em>Studies in Conflict and Terrorism</em>; см. https://example.org/the-page-of-the-article.</p>"
        '<p>Оригинал: <span lang="en">the Code of Conduct towards a world free of terrorism</span>.</p>'
        "<h3>UN, OSCE, SCO и CSTO</h3>"
    )
    assert leaks(body) == []


def test_a_hidden_english_variant_is_not_flagged_but_a_shown_one_is():
    both = variants_html({"en": "<p>The table lists the instruments and their dates.</p>",
                          "ru": "<p>В таблице перечислены документы и их даты.</p>"})
    assert leaks(both) == []
    english_only = variants_html({"en": "<p>The table lists the instruments and their dates.</p>"})
    found = leaks(english_only)
    assert [leak.kind for leak in found] == ["prose"]


def test_outputs_and_explorers_are_told_apart():
    body = ('<div class="cell_output"><table><tr><th>rows</th></tr><tr><td>One of the rows of the table</td>'
            '</tr></table></div><div class="ctmodule-explorer"><p>Choose one of the two definitions</p></div>')
    assert sorted((leak.origin, leak.kind) for leak in leaks(body)) == [
        ("explorer", "prose"), ("output", "label"), ("output", "prose")]


def test_a_short_list_of_names_or_terms_is_not_prose():
    assert leaks("<p>Термины: Copenhagen School, Paris School, Welsh School.</p>") == []
    assert leaks("<p>Термины: the securitizing move of an actor</p>", min_words=7) == []


def test_an_english_page_and_an_unknown_language():
    english = page_leaks(page("<p>This paragraph is in English, as it should be.</p>", lang="en"),
                         names=NAMES, lang="ru")
    assert len(english) == 1  # checked as Russian, it is English
    with pytest.raises(ValueError, match="no script"):
        page_leaks(page("<p>x</p>", lang="xx"), names=NAMES)


def test_known_names_come_from_the_terminology_and_the_sources():
    names = known_names()
    assert "Samantha Brletich" in names  # an author in data/sources.csv
    assert any(n for n in names if "Shanghai Cooperation" in n)  # a body in the terminology
    assert "website-blocking" in names  # a row's identifier (data/measures.csv)
    found = page_leaks(page("<table><tr><th>website-blocking</th><td>Блокировка сайтов</td></tr></table>"),
                       "p.html", names=names)
    assert found == []


def test_site_leaks_reads_every_page_but_assets_and_redirects(tmp_path):
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "x.html").write_text(page("<p>This asset page is never read at all.</p>"))
    (tmp_path / "index.html").write_text('<html><head><meta http-equiv="refresh" content="0; url=intro.html">'
                                         "</head><body><p>Redirecting to the intro of the book.</p></body></html>")
    (tmp_path / "intro.html").write_text(page(RU + "<p>The introduction was not translated yet.</p>"))
    found = site_leaks(tmp_path, "ru", names=NAMES)
    assert [(leak.page, leak.kind) for leak in found] == [("intro.html", "prose")]


def test_the_command_reports_and_fails_on_leaks(tmp_path, capsys):
    from ctmodule.cli import main

    (tmp_path / "ru").mkdir()
    (tmp_path / "ru" / "intro.html").write_text(page(RU + "<p>The introduction was not translated yet.</p>"))
    assert main(["check-prose", "--site", str(tmp_path), "--lang", "ru"]) == 1
    out = capsys.readouterr().out
    assert "ru/intro.html: prose" in out and "1 English leaks" in out
    (tmp_path / "ru" / "intro.html").write_text(page(RU))
    assert main(["check-prose", "--site", str(tmp_path), "--lang", "ru"]) == 0


def test_an_english_alt_text_is_flagged_and_a_hidden_variants_is_not():
    english = '<figure id="fig-1"><img src="a.svg" alt="Bar chart of the cases by year, with most of them in 2019"></figure>'
    found = leaks(RU + english)
    assert [(leak.kind, leak.element) for leak in found] == [("alt text", "figure#fig-1 > img")]
    assert "Bar chart of the cases" in found[0].text
    assert leaks(RU + '<img src="a.svg" alt="Столбчатая диаграмма дел по годам">') == []
    assert leaks(RU + '<img src="a.svg" alt="Barry Buzan">') == [], "a name is not prose"
    hidden = variants_html({"en": '<img src="a.svg" alt="Bar chart of the cases by year, most in 2019">',
                            "ru": '<img src="b.svg" alt="Столбчатая диаграмма дел по годам">'})
    assert leaks(hidden) == []
