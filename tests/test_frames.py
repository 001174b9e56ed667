"""The tables a chapter's code cells show, in every language (ctmodule.book.frames): one execution,
one HTML block with a variant per language, headers and labels translated for the Russian one."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from IPython.core.interactiveshell import InteractiveShell

from ctmodule import data
from ctmodule.analysis import claims, instruments
from ctmodule.analysis import definitions as defs
from ctmodule.book import bilingual, figures, frames
from ctmodule.l10n import gettext


def _variant(html: str, lang: str):
    soup = BeautifulSoup(html, "html.parser")
    wrapper = soup.find(class_=bilingual.WRAPPER_CLASS)
    assert wrapper is not None, "not a block with a variant per language"
    found = wrapper.find(attrs={"lang": lang}, recursive=False)
    assert found is not None, f"no {lang!r} variant"
    return found


def _headers(variant) -> list[str]:
    return [" ".join(th.get_text().split()) for th in variant.find_all("th")]


@pytest.fixture
def shell():
    """An IPython shell with the book's formatters (as in a chapter, which imports ctmodule.book)."""
    ip = InteractiveShell.instance()
    assert frames.install(ip)
    return ip


def _html(ip, obj) -> str:
    bundle, _ = ip.display_formatter.format(obj)
    return bundle["text/html"], bundle["text/plain"]


def test_a_data_table_shows_russian_headers_and_labels(shell):
    elements = data.load("elements")
    with pd.option_context("display.max_colwidth", None):
        html, text = _html(shell, elements[["element_id", "label", "description"]])
    ru = _variant(html, "ru")
    en = _variant(html, "en")
    assert "en" == en["lang"] and en.has_attr("data-l10n-source")
    # headers: an identifier stays (it is what the reader types), a word is translated
    assert _headers(ru)[1:4] == ["element_id", gettext("label", "ru"), gettext("description", "ru")]
    assert gettext("label", "ru") != "label"
    # values: the data's own translations (label_ru, description_ru)
    first = elements.iloc[0]
    assert first["label_ru"] in ru.get_text() and first["description_ru"] in ru.get_text()
    assert first["label"] not in ru.get_text()
    assert first["label"] in en.get_text()
    # text/plain stays pandas' English text (nbval compares it)
    with pd.option_context("display.max_colwidth", None):
        assert text == repr(elements[["element_id", "label", "description"]])
    # outside the book (JupyterLab, no stylesheet) only the source variant shows
    assert html.startswith(frames.INLINE_STYLE)


def test_controlled_values_and_an_analysis_table(shell):
    table = claims.status_by_claimant(by="type").round(2)
    html, _ = _html(shell, table)
    ru = _variant(html, "ru").get_text()
    for key in table.index:
        assert gettext(claims.CLAIMANT_LABELS[key], "ru") in ru
    for header in ("total", "differs", "unverified"):
        assert gettext(header, "ru") in _headers(_variant(html, "ru"))
    assert not re.search(r"\bseed_critic\b|\bgovernment\b", ru)


def test_a_full_text_table_of_the_claims_chapter(shell):
    rows = claims.claims_by("Governments and officials")[["claimant", "claim", "verdict"]]
    bundle, _ = shell.display_formatter.format(claims.full_table(rows))
    ru = _variant(bundle["text/html"], "ru")
    assert _headers(ru) == [gettext(h, "ru") for h in ("claimant", "claim", "verdict")]
    table = data.load("claims")
    first = table[table["claim"].map(lambda c: " ".join(str(c).split())) == rows["claim"].iloc[0]].iloc[0]
    assert " ".join(first["claim_ru"].split()) in " ".join(ru.get_text().split())
    # the pipe table the PDF prints carries each language; the notebook's text is the English one
    from ctmodule.book.bilingual import markdown_variant

    assert markdown_variant(bundle["text/markdown"], "en").strip() == bundle["text/plain"].strip()
    printed_ru = markdown_variant(bundle["text/markdown"], "ru")
    assert printed_ru.startswith("| " + gettext("claimant", "ru") + " |")
    assert " ".join(first["claim_ru"].split()) in printed_ru


def test_an_untranslated_header_is_a_visible_fallback(shell):
    frame = pd.DataFrame({"label": ["x"], "an untranslated header": [1]})
    assert frames.untranslated(frame, "ru") == ["an untranslated header"]
    html, _ = _html(shell, frame)
    ru = _variant(html, "ru")
    # shown in English (the prose check of the built edition reports it), the table marked
    assert "an untranslated header" in _headers(ru)
    assert frames.MISSING_CLASS in ru.find("table")["class"]
    assert frames.MISSING_CLASS not in _variant(html, "en").find("table")["class"]


def test_an_unknown_value_stays_as_it_is():
    frame = pd.DataFrame({"label": ["Not a label of the data", None], "year": [2001, 2002]})
    out = frames.translate(frame, "ru")
    assert out.iloc[0, 0] == "Not a label of the data" and out.iloc[:, 1].tolist() == [2001, 2002]
    assert frames.translate(frame, "en") is frame


def test_a_table_glued_per_language_is_glued_as_it_is(shell, monkeypatch):
    """A value glued once per language is already in its language: no block of variants in it."""
    import myst_nb.ext.glue as myst_glue
    from IPython.core.formatters import format_display_data

    glued = {}

    def fake_display(obj, **kw):
        glued[kw["metadata"]["scrapbook"]["name"]] = obj

    monkeypatch.setattr(myst_glue, "ipy_display", fake_display)
    monkeypatch.setattr(InteractiveShell, "initialized", classmethod(lambda cls: True))
    overview = instruments.tables_overview(data.load_all(), data.read_package())
    figures.glue("tbl-x", lambda lang: instruments.html_table(overview), display=False)
    assert set(glued) == {"tbl-x", "tbl-x@ru"}
    for bundle in glued.values():
        html = next(v for k, v in bundle.items() if k.endswith("text/html"))
        assert bilingual.WRAPPER_CLASS not in html
    # outside a per-language glue the same table is written in every language
    assert bilingual.WRAPPER_CLASS in format_display_data(instruments.html_table(overview))[0]["text/html"]


def test_every_header_the_chapters_mark_is_translated():
    from ctmodule.l10n import messages

    ru = messages("ru")
    missing = [h for h in frames.HEADERS if not ru.get(h)]
    assert not missing, f"headers without a Russian translation in _code.po: {missing}"


def test_the_definitions_comparison(shell):
    definitions = data.load("definitions")
    de = data.load("definition_elements")
    elements = data.load("elements")
    a = defs.lookup(definitions, "Resolution 1566")
    b = defs.lookup(definitions, "Financing of Terrorism")
    html, _ = _html(shell, defs.compare(de, a, b, elements=elements))
    ru = _variant(html, "ru")
    assert gettext("status", "ru") in _headers(ru)
    assert gettext("both", "ru") in ru.get_text()
    assert frames.untranslated(defs.compare(de, a, b, elements=elements), "ru") == []


def test_a_sources_title_stays_in_its_language_and_is_marked(shell):
    """A source's title stays as the bibliography writes it; the Russian variant marks it English."""
    table = data.load("instruments")
    rows = data.sources_for(table["source_id"].iloc[0])
    html, _ = _html(shell, rows[["source_id", "title", "year"]])
    ru = _variant(html, "ru")
    title = rows["title"].iloc[0]
    marked = [s.get_text() for s in ru.find_all("span", attrs={"lang": "en"})]
    assert any(title.startswith(m.rstrip(".")) for m in marked)
    assert not _variant(html, "en").find_all("span", attrs={"lang": "en"})
    assert gettext("title", "ru") in _headers(ru)


def test_the_figure_in_words_in_every_language(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "publish_display_data", lambda bundle, **kw: shown.append(bundle))
    table = claims.status_by_claimant()
    figures.in_words(lambda lang: claims.describe_status_by_claimant(table, lang=lang))
    (bundle,) = shown
    ru = _variant(bundle["text/html"], "ru").get_text()
    assert gettext(figures.IN_WORDS, "ru") in ru and gettext(figures.IN_WORDS, "ru") != figures.IN_WORDS
    assert gettext(claims.CLAIMANT_GROUPS["seed_critic"], "ru") in ru
    assert str(int(table["total"].iloc[0])) in ru
    assert bundle["text/plain"].startswith("The figure in words. Seed texts (critics): ")
    assert bilingual.markdown_variant(bundle["text/markdown"], "ru").startswith("**" + gettext(figures.IN_WORDS, "ru"))


def test_the_datas_identifiers_are_code_in_another_language(shell):
    """An id of the data (a measure's, a case's) is the name the reader types: set as code in the
    Russian variant, and in a table glued in Russian, not left as an untranslated word."""
    from ctmodule.analysis import cases as cs

    measures, sources = data.load("measures"), data.load("sources")
    with frames.plain("ru"):
        glued = frames._frame_html(cs.information_controls(measures, sources=sources, labels=True,
                                                           lang="ru", index=True))
    ids = {c.get_text() for c in BeautifulSoup(glued, "html.parser").find_all("code")}
    assert "website-blocking" in ids and bilingual.WRAPPER_CLASS not in glued
    with frames.plain("en"):
        assert "<code>" not in frames._frame_html(cs.information_controls(measures, index=True))
    html, _ = _html(shell, data.load("elements")[["element_id", "label"]])
    assert _variant(html, "ru").find("code").get_text() == "violence_or_threat"
    assert not _variant(html, "en").find("code")


def test_the_overview_of_the_tables_reads_the_data_dictionarys_translation():
    """Chapter 0 glues its table of the data tables per language: a table's name is an identifier
    and stays, its title is the data dictionary's Russian one."""
    overview = instruments.tables_overview(data.load_all(), data.read_package())
    ru = frames.translate(overview, "ru")
    assert ru.iloc[:, 0].tolist() == overview["table"].tolist()
    assert list(ru.columns) == [gettext(c, "ru") for c in overview.columns]
    holds = dict(zip(overview["table"], ru.iloc[:, 3], strict=True))
    assert holds["measures"].startswith("Меры по борьбе с терроризмом")
    assert all(re.search("[А-Яа-я]", text) for text in holds.values())
