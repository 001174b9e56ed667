"""Figures and tables glued once per language (ctmodule.book.figures) and pasted, by each edition,
in its own language (ctmodule.book.i18n.LocalisedPaste*): computed once, read in every language."""

from __future__ import annotations

import nbformat
import pytest

from ctmodule.analysis.plotting import new_figure
from ctmodule.book import bilingual, figures, i18n


@pytest.fixture
def glued(monkeypatch):
    """Every (name, bundle) that MyST-NB's glue displays, and every view shown in the notebook."""
    import IPython.display
    import myst_nb.ext.glue as myst_glue

    seen = {"glued": [], "shown": []}
    monkeypatch.setattr(myst_glue, "ipy_display",
                        lambda obj, **kw: seen["glued"].append((kw["metadata"]["scrapbook"]["name"], obj)))
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: seen["shown"].extend(objs))
    return seen


def _figure(title: str):
    fig, ax = new_figure(2, 1)
    ax.set_title(title)
    return fig


def test_variant_key():
    assert bilingual.variant_key("fig-02-timeline", "en") == "fig-02-timeline"
    assert bilingual.variant_key("fig-02-timeline", "ru") == "fig-02-timeline@ru"
    with pytest.raises(ValueError):
        bilingual.variant_key("fig@ru", "kk")
    with pytest.raises(ValueError):
        bilingual.variant_key("fig", "r u")


def test_a_figure_per_language_is_glued_under_each_key(glued):
    drawn = []

    def draw(lang):
        drawn.append(lang)
        return _figure(f"title-{lang}")

    rendered = figures.glue_figure("fig-x", draw)
    assert drawn == ["en", "ru"]  # every language with catalogs, the source first
    names = [name for name, _ in glued["glued"]]
    assert names == ["fig-x", "fig-x@ru"]
    svgs = {name: bundle["application/papermill.record/image/svg+xml"] for name, bundle in glued["glued"]}
    assert "title-en" in svgs["fig-x"] and "title-ru" in svgs["fig-x@ru"]
    assert "title-ru" not in svgs["fig-x"]
    # the notebook (JupyterLab) shows the source-language figure once, under its name
    assert glued["shown"][1] is rendered and len(glued["shown"]) == 2


def test_a_dict_needs_the_source_language():
    with pytest.raises(ValueError, match="'en'"):
        figures.glue_figure("fig-x", {"ru": _figure("x")})


def test_a_table_per_language(glued):
    shown = figures.glue("tbl-x", lambda lang: f"<table><tr><td>{lang}</td></tr></table>")
    assert shown == "<table><tr><td>en</td></tr></table>"
    assert [name for name, _ in glued["glued"]] == ["tbl-x", "tbl-x@ru"]


def test_one_figure_for_every_language_is_glued_once(glued):
    figures.glue_figure("fig-y", _figure("same"))
    assert [name for name, _ in glued["glued"]] == ["fig-y"]


def test_localised_key():
    keys = {"fig-x": 1, "fig-x@ru": 2, "tbl-y": 3}
    assert i18n.localised_key("fig-x", "ru", keys) == "fig-x@ru"
    assert i18n.localised_key("fig-x", "en", keys) == "fig-x"
    assert i18n.localised_key("fig-x", None, keys) == "fig-x"
    assert i18n.localised_key("tbl-y", "ru", keys) == "tbl-y"  # the same in every language
    assert i18n.localised_key("fig-x", "kk", keys) == "fig-x"  # no variant: the source one
    assert i18n.localised_key("other.ipynb::fig-x", "ru", keys) == "other.ipynb::fig-x"


def _notebook(path):
    """A small executed notebook gluing a figure in two languages and a table in one."""
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("glue")
    outputs = []
    for key, text in (("fig-a", "ENGLISHFIGURE"), ("fig-a@ru", "RUSSIANFIGURE")):
        outputs.append(nbformat.v4.new_output(
            "display_data",
            data={"application/papermill.record/image/svg+xml":
                  f'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>{text}</text></svg>',
                  "application/papermill.record/text/plain": text},
            metadata={"scrapbook": {"name": key, "mime_prefix": "application/papermill.record/"}}))
    outputs.append(nbformat.v4.new_output(
        "display_data",
        data={"application/papermill.record/text/html": "<b>ONETABLE</b>",
              "application/papermill.record/text/plain": "ONETABLE"},
        metadata={"scrapbook": {"name": "tbl-b", "mime_prefix": "application/papermill.record/"}}))
    code.outputs = outputs
    code.execution_count = 1
    text = nbformat.v4.new_markdown_cell(
        "# Page\n\n```{glue:figure} fig-a\n:name: fig-a\n\nCaption.\n```\n\n"
        "```{glue:figure} tbl-b\n:name: tbl-b\n\nTable.\n```\n")
    nb.cells = [code, text]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


@pytest.mark.parametrize("lang,builder", [("en", "html"), ("ru", "html"), ("ru", "latex")])
def test_each_edition_pastes_its_language(tmp_path, lang, builder):
    from sphinx.application import Sphinx

    src = tmp_path / "src"
    src.mkdir()
    _notebook(src / "index.ipynb")
    (src / "conf.py").write_text(
        "extensions = ['myst_nb', 'ctmodule.book.i18n']\n"
        "nb_execution_mode = 'off'\n"
        f"language = {lang!r}\n"
        "latex_documents = [('index', 'book.tex', 'Book', 'A', 'manual')]\n", encoding="utf-8")
    out = tmp_path / "out"
    app = Sphinx(str(src), str(src), str(out), str(tmp_path / "doctrees"), builder,
                 status=None, warning=None, freshenv=True)
    app.build()
    if builder == "html":
        page = (out / "index.html").read_text(encoding="utf-8")
        images = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.svg"))
    else:
        page = (out / "book.tex").read_text(encoding="utf-8")
        images = ""  # LaTeX takes no SVG: the output's text/plain stands in, and names the variant
    wanted, other = ("RUSSIANFIGURE", "ENGLISHFIGURE") if lang == "ru" else ("ENGLISHFIGURE", "RUSSIANFIGURE")
    assert wanted in images + page
    assert other not in images + page
    assert "ONETABLE" in page  # a table glued once shows in every edition


def test_a_chapter_figure_executed_once_reads_in_each_edition(tmp_path):
    """The whole way: a notebook executed once (the cache shared by the editions, as in the book)
    glues chapter 2's figure and table per language; the Russian HTML and LaTeX builds paste the
    Russian ones, the English builds the English ones."""
    import re

    from sphinx.application import Sphinx

    src = tmp_path / "src"
    src.mkdir()
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell(
        "from ctmodule import data\nfrom ctmodule.analysis import instruments\n"
        "from ctmodule.book.figures import glue, glue_figure\n"
        "table = data.load('instruments')\n"
        "_ = glue_figure('fig-a', lambda lang: instruments.plot_domain_decade(table, lang=lang))\n"
        "glue('tbl-b', lambda lang: instruments.html_table(instruments.counting_summary(table, lang=lang), index=True))")
    code.metadata["tags"] = ["remove-cell"]
    nb.cells = [code, nbformat.v4.new_markdown_cell(
        "# Page\n\n```{glue:figure} fig-a\n:name: fig-a\n\nCaption.\n```\n\n"
        "```{glue:figure} tbl-b\n:name: tbl-b\n\nTable.\n```\n")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, src / "index.ipynb")
    images = {}
    for lang in ("en", "ru"):
        for builder in ("html", "latex"):
            (src / "conf.py").write_text(
                "extensions = ['myst_nb', 'ctmodule.book.i18n']\nnb_execution_mode = 'cache'\n"
                f"nb_execution_cache_path = {str(tmp_path / 'cache')!r}\nlanguage = {lang!r}\n"
                "latex_documents = [('index', 'book.tex', 'Book', 'A', 'manual')]\n", encoding="utf-8")
            out = tmp_path / f"{lang}-{builder}"
            Sphinx(str(src), str(src), str(out), str(tmp_path / f"doctrees-{lang}-{builder}"), builder,
                   status=None, warning=None, freshenv=True).build()
            if builder == "html":
                page = (out / "index.html").read_text(encoding="utf-8")
                svg = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.svg"))
                if lang == "ru":
                    assert "способ подсчёта" in page and "way of counting" not in page
                    assert "Десятилетие принятия" in svg and "Decade of adoption" not in svg
                else:
                    assert "way of counting" in page and "способ" not in page
                    assert "Decade of adoption" in svg and "Десятилетие" not in svg
            else:
                tex = (out / "book.tex").read_text(encoding="utf-8")
                images[lang] = re.findall(r"includegraphics(?:\[[^\]]*\])?\{\{([0-9a-f]+)\}\.png\}", tex)
                assert len(images[lang]) == 1
    # one figure in each PDF, a different image for each language
    assert images["en"] != images["ru"]


# ------------------------------------------------------------------ Markdown outputs in every language


def test_markdown_variants_round_trip():
    text = bilingual.markdown_variants({"ru": "**1.1** Вопрос\n", "en": "**1.1** Question\n"})
    assert text.index("ctmodule-l10n:en") < text.index("ctmodule-l10n:ru"), "the source language first"
    assert bilingual.markdown_variant(text, "ru") == "**1.1** Вопрос\n"
    assert bilingual.markdown_variant(text, "en") == "**1.1** Question\n"
    assert bilingual.markdown_variant(text, "kk") == "**1.1** Question\n", "no Kazakh: the source's"
    assert bilingual.markdown_variant("**plain** Markdown", "ru") is None
    assert bilingual.markdown_variants({"en": "only\n"}) == "only\n", "one language needs no mark"
    with pytest.raises(ValueError, match="'en'"):
        bilingual.markdown_variants({"ru": "x"})


@pytest.mark.parametrize("lang,builder", [("en", "latex"), ("ru", "latex"), ("ru", "html")])
def test_each_pdf_prints_the_markdown_of_its_language(tmp_path, lang, builder):
    """The quizzes' print views carry every language; the LaTeX (and any Markdown-rendering)
    build of an edition renders its own part only (MyST-NB's renderer plugin, an entry point)."""
    from importlib.metadata import entry_points

    from sphinx.application import Sphinx

    assert "ctmodule-languages" in entry_points(group="myst_nb.mime_renderers").names
    src = tmp_path / "src"
    src.mkdir()
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("quiz")
    code.outputs = [nbformat.v4.new_output("display_data", data={
        "text/markdown": bilingual.markdown_variants({"en": "ENGLISHQUIZ *a*\n", "ru": "RUSSIANQUIZ *б*\n"}),
        "text/plain": "<quiz>"})]
    code.execution_count = 1
    nb.cells = [nbformat.v4.new_markdown_cell("# Page"), code]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, src / "index.ipynb")
    (src / "conf.py").write_text(
        "extensions = ['myst_nb', 'ctmodule.book.i18n']\nnb_execution_mode = 'off'\n"
        f"language = {lang!r}\nnb_mime_priority_overrides = [('html', 'text/markdown', 1)]\n"
        "latex_documents = [('index', 'book.tex', 'Book', 'A', 'manual')]\n", encoding="utf-8")
    out = tmp_path / "out"
    Sphinx(str(src), str(src), str(out), str(tmp_path / "doctrees"), builder,
           status=None, warning=None, freshenv=True).build()
    text = (out / ("book.tex" if builder == "latex" else "index.html")).read_text(encoding="utf-8")
    own, other = ("RUSSIANQUIZ", "ENGLISHQUIZ") if lang == "ru" else ("ENGLISHQUIZ", "RUSSIANQUIZ")
    assert own in text and other not in text
    assert "ctmodule-l10n" not in text, "the marks are not printed"


def test_a_glued_figures_alt_text_is_extracted_and_translated(tmp_path):
    """The alt text of ``{glue:figure}`` is a directive option, which Sphinx does not extract:
    the gettext builder gets it as a message, and each edition's page shows its translation."""
    from sphinx.application import Sphinx

    src = tmp_path / "src"
    src.mkdir()
    _notebook(src / "index.ipynb")
    nb = nbformat.read(src / "index.ipynb", as_version=4)
    nb.cells[1].source = nb.cells[1].source.replace(":name: fig-a\n", ":name: fig-a\n:alt: Bar chart of ENGLISHALT\n")
    nbformat.write(nb, src / "index.ipynb")
    po = src / "locales" / "ru" / "LC_MESSAGES" / "index.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "Bar chart of ENGLISHALT"\nmsgstr "Столбчатая диаграмма RUSSIANALT"\n', encoding="utf-8")
    # English first: Sphinx caches a page's catalog per process, whatever the language asked for
    for lang, builder in (("en", "gettext"), ("en", "html"), ("ru", "html")):
        (src / "conf.py").write_text(
            "extensions = ['myst_nb', 'ctmodule.book.i18n']\nnb_execution_mode = 'off'\n"
            f"language = {lang!r}\nlocale_dirs = ['locales']\ngettext_compact = False\n", encoding="utf-8")
        out = tmp_path / f"{lang}-{builder}"
        Sphinx(str(src), str(src), str(out), str(tmp_path / f"d-{lang}-{builder}"), builder,
               status=None, warning=None, freshenv=True).build()
        if builder == "gettext":
            pot = (out / "index.pot").read_text(encoding="utf-8")
            assert 'msgid "Bar chart of ENGLISHALT"' in pot and "index.ipynb" in pot
        else:
            page = (out / "index.html").read_text(encoding="utf-8")
            want, other = (("RUSSIANALT", "ENGLISHALT") if lang == "ru" else ("ENGLISHALT", "RUSSIANALT"))
            assert f'alt="{"Столбчатая диаграмма " if lang == "ru" else "Bar chart of "}{want}"' in page
            assert other not in page and i18n.ALT_MESSAGE_CLASS not in page
