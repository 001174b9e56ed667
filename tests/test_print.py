"""The print edition: its content (quizzes, solutions, explorers), its build configuration and the
checks that fail a PDF (ctmodule.book.printed, ctmodule.book.pdf).

The PDFs themselves are built and checked by ``make pdf`` (part of ``make book`` when XeLaTeX is
installed); these tests show that each check catches what it is meant to catch.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from ctmodule.book import pdf, printed
from ctmodule.book.quiz import load

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]-*.ipynb"))


# ------------------------------------------------------------------ quizzes


def test_every_quiz_prints_every_question_and_option():
    for path in sorted((ROOT / "quizzes").glob("*.json")):
        questions = load(path.stem, ROOT / "quizzes")
        text = printed.quiz_markdown(path.stem, questions)
        num = printed._chapter_number(path.stem)
        for i, q in enumerate(questions, 1):
            assert f"**{num}.{i}**" in text
            if q["type"] != "numeric":
                for letter, a in zip(printed.LETTERS, q["answers"], strict=False):
                    assert f"- ({letter}) {printed._md_escape(a['answer'])}" in text, (path.name, i, letter)
        # the answers are not printed beside the questions
        assert "Correct" not in text and "correct" not in text.split("**Self-check quiz**")[0]


def test_answer_key_gives_the_right_letters_and_all_feedback():
    quiz = [
        {"question": "Which?", "type": "multiple_choice", "answers": [
            {"answer": "A *starred* <b>one</b>", "correct": False, "feedback": "No: because."},
            {"answer": "B", "correct": True, "feedback": "Yes: because."}]},
        {"question": "Which ones?", "type": "many_choice", "answers": [
            {"answer": "x", "correct": True, "feedback": "fx"},
            {"answer": "y", "correct": False, "feedback": "fy"},
            {"answer": "z", "correct": True, "feedback": "fz"}]},
        {"question": "How many?", "type": "numeric", "answers": [
            {"type": "value", "value": 19, "correct": True, "feedback": "Right."},
            {"type": "range", "range": [10, 18], "correct": False, "feedback": "Too few."},
            {"type": "default", "feedback": "Count again."}]},
    ]
    key = printed.answer_key_markdown({"03-test": quiz, "01-other": quiz[:1]}, {"03-test": "A title"})
    assert key.index("## Chapter 1: 01-other") < key.index("## Chapter 3: A title")
    assert "## Chapter 3: A title" in key
    assert "**3.1** Answer: (b)." in key
    assert "**3.2** Answer: (a), (c)." in key
    assert "**3.3** Answer: 19." in key
    for feedback in ("No: because.", "Yes: because.", "fx", "fy", "fz", "Right.", "Too few.", "Count again."):
        assert feedback in key
    # in Russian the options are lettered with the Russian alphabet (а, б, в: the code catalog's)
    ru_key = printed.answer_key_markdown({"03-test": quiz}, {"03-test": "Название"}, "ru")
    assert "(б)." in ru_key and "(а), (в)." in ru_key and "(b)" not in ru_key
    assert "- (а) " in printed.quiz_markdown("03-test", quiz, "ru")
    questions = printed.quiz_markdown("03-test", quiz)
    # quiz text cannot inject Markdown or HTML into the printed page
    assert "\\*starred\\*" in questions and "\\<b\\>" in questions


# ------------------------------------------------------------------ solutions


NB = {"cells": [
    {"cell_type": "markdown", "source": "# Title\n\n```{exercise}\n:label: ex-01-1\nDo it.\n```\n\n"
                                          "```{solution} ex-01-1\n:class: dropdown\n\nThe answer.\n```"},
    {"cell_type": "markdown", "source": ["````{solution-start} ex-01-2\n", ":class: dropdown\n", "````\n",
                                         "\n", "Step one:"]},
    {"cell_type": "code", "source": "x = 1\nx"},
    {"cell_type": "markdown", "source": "Then interpret.\n\n````{solution-end}\n````\n\nAfter."},
]}


def test_solutions_are_read_in_both_forms_with_code():
    sols = printed.notebook_solutions(NB)
    assert [label for label, _ in sols] == ["ex-01-1", "ex-01-2"]
    assert sols[0][1] == "The answer."
    body = sols[1][1]
    assert body.startswith("Step one:") and "```python\nx = 1\nx\n```" in body and body.endswith("Then interpret.")
    assert "After." not in body and ":class:" not in body


def test_an_unclosed_solution_is_an_error_naming_the_place():
    bad = {"cells": [{"cell_type": "markdown", "source": "```{solution} ex-01-1\nno end"}]}
    with pytest.raises(ValueError, match="cell 0.*ex-01-1"):
        printed.notebook_solutions(bad, "ch.ipynb")
    gated = {"cells": [{"cell_type": "markdown", "source": "```{solution-start} ex-01-3\n```\ntext"}]}
    with pytest.raises(ValueError, match="ex-01-3.*solution-end"):
        printed.notebook_solutions(gated, "ch.ipynb")


def test_the_appendix_holds_every_solution_of_every_chapter():
    text = printed.solutions_markdown(CHAPTERS)
    for path in CHAPTERS:
        nb = json.loads(path.read_text(encoding="utf-8"))
        for label, _ in printed.notebook_solutions(nb):
            assert f"### Solution to {{ref}}`{label}`" in text, (path.name, label)
        # exercise directives (one-block or gated), not the names of the directives in prose
        opening = re.compile(r"^(`{3,}|:{3,})\{exercise(-start)?\}", re.M)
        exercises = sum(len(opening.findall(src)) for src in
                        ("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"))
        assert exercises == len(printed.notebook_solutions(nb)), f"{path.name}: an exercise without a solution"


# ------------------------------------------------------------------ explorers


def test_each_explorer_prints_an_image_or_tables_and_says_what_is_interactive():
    from ctmodule import explorers

    for make in (explorers.instrument_explorer, explorers.case_coder):
        e = make()
        md = e.print_markdown()
        assert "interactive in the online book" in md and "Online, the reader can change:" in md
        bundle = e._repr_mimebundle_()
        assert bundle["text/markdown"] == md
        if e.web().kind == "vega":
            assert "](data:image/png;base64," in md
        else:
            assert "\n| " in md  # a table


# ------------------------------------------------------------------ configuration


def test_pdf_config_keeps_the_site_config_and_adds_print_settings():
    site = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    cfg = pdf.pdf_config(site, "T")
    assert cfg["latex"]["latex_engine"] == "xelatex"
    sphinx = cfg["sphinx"]["config"]
    assert sphinx["ctmodule_solutions_in_appendix"] is True
    for key, value in site["sphinx"]["config"].items():
        if key != "suppress_warnings":
            assert sphinx[key] == value, key
    assert set(site["sphinx"]["config"]["suppress_warnings"]) <= set(sphinx["suppress_warnings"])
    assert cfg["sphinx"]["extra_extensions"] == site["sphinx"]["extra_extensions"]
    assert "ctmodule_solutions_in_appendix" not in site["sphinx"]["config"]


def test_pdf_toc_adds_the_print_appendices_once_and_before_the_bibliography():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    out = pdf.pdf_toc(toc)
    files = [c["file"] for p in out["parts"] for c in p["chapters"]]
    for page in pdf.PRINT_APPENDICES:
        assert files.count(page) == 1
        assert files.index(page) < files.index("appendix/bibliography")
        assert (ROOT / f"{page}.md").exists()
    assert pdf.pdf_toc(out) == out  # idempotent
    site = [c["file"] for p in toc["parts"] for c in p["chapters"]]
    assert not set(pdf.PRINT_APPENDICES) & set(site), "the print pages stay out of the site"
    with pytest.raises(pdf.PdfError):
        pdf.pdf_toc({"root": "intro"})


def test_exercise_references_point_at_sphinx_exercise_labels():
    tex = (r"\phantomsection \label{exercise:ex-02-1}" "\n\n"
           r"\begin{sphinxadmonition}{note}{Exercise 1}" "\n x \n"
           r"see \hyperref[\detokenize{chapters/02-x:ex-02-1}]{Exercise \ref{\detokenize{chapters/02-x:ex-02-1}}}"
           r" and \hyperref[\detokenize{chapters/02-x:ex-09-9}]{Exercise \ref{\detokenize{chapters/02-x:ex-09-9}}}")
    out = pdf.fix_exercise_refs(tex)
    assert r"\hyperref[exercise:ex-02-1]{Exercise 1 (p.~\pageref{exercise:ex-02-1})}" in out
    assert r"\detokenize{chapters/02-x:ex-09-9}" in out  # unknown labels are left for the log check
    ru = pdf.fix_exercise_refs(tex.replace("{Exercise 1}", "{Упражнение 1}"), "ru")
    assert r"\hyperref[exercise:ex-02-1]{Упражнение 1 (с.~\pageref{exercise:ex-02-1})}" in ru


# ------------------------------------------------------------------ the checks


PDFFONTS = """name                                 type              encoding         emb sub uni object ID
------------------------------------ ----------------- ---------------- --- --- --- ---------
ABCDEF+FreeSerif                     CID TrueType      Identity-H       yes yes yes      7  0
Helvetica                            Type 1            Standard         no  no  no      12  0
[none]                               Type 3            Custom           yes no  no      20  0
"""


def test_unembedded_fonts_are_found():
    assert pdf.unembedded_fonts(PDFFONTS) == ["Helvetica"]
    assert pdf.unembedded_fonts(PDFFONTS.replace(" no  no  no ", " yes no  no ")) == []


def test_log_problems_find_missing_characters_and_unresolved_references():
    log = ("Missing character: There is no Қ (U+049A) in font lmroman10-regular!\n"
           "LaTeX Warning: Reference `chapters/01:ex-01-1' on page 3 undefined on input line 9.\n"
           "LaTeX Warning: There were undefined references.\n")
    problems = pdf.log_problems(log)
    assert any("Қ" in p for p in problems) and any("chapters/01:ex-01-1" in p for p in problems)
    assert pdf.log_problems("Output written on book.pdf (3 pages).") == []


def test_text_problems_find_missing_titles_unresolved_marks_and_screen_only_words():
    text = "Why terrorism resists defini-\ntion\nSee Table ?? and click here for more."
    problems = pdf.text_problems(text, ["Why terrorism resists definition", "The legal instruments"])
    assert problems[0] == "title not found in the text: 'The legal instruments'"
    assert any("??" in p for p in problems) and any("click here" in p for p in problems)
    assert pdf.text_problems("Kazakhstan’s diplomacy", ["Kazakhstan's diplomacy"]) == []


needs_poppler = pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("xelatex")),
                                   reason="poppler-utils and texlive-xetex are not installed")


@needs_poppler
def test_a_blank_page_is_caught(tmp_path):
    tex = tmp_path / "t.tex"
    tex.write_text("\\documentclass{article}\\pagestyle{empty}\\begin{document}Ink on page one."
                   "\\newpage\\mbox{}\\newpage Ink again.\\end{document}\n", encoding="utf-8")
    subprocess.run(["xelatex", "-interaction=nonstopmode", "t.tex"], cwd=tmp_path, check=True,
                   capture_output=True, timeout=120)
    assert pdf.blank_pages(tmp_path / "t.pdf", tmp_path / "pages") == [2]
    report = pdf.check_pdf(tmp_path / "t.pdf", tmp_path / "t.log", ["Ink on page one", "Ink again"],
                           tmp_path / "pages")
    assert report.pages == 3 and report.problems == ["page 2 renders blank"]
    report = pdf.check_pdf(tmp_path / "t.pdf", None, ["Not in it"], tmp_path / "pages")
    assert "title not found in the text: 'Not in it'" in report.problems
    assert pdf.check_pdf(tmp_path / "missing.pdf", None, [], tmp_path).problems == ["no PDF was written"]


# ------------------------------------------------------------------ the classroom handouts


def test_handouts_page_holds_every_handout_once_each_in_its_own_block():
    from ctmodule.book import classroom

    found = classroom.all_handouts(ROOT)
    assert len(found) >= 2 * 4, "both simulations have their role handouts and sheets"
    text = classroom.handouts_markdown(ROOT)
    assert text.count("{div} handout") == len(found)
    for simulation, h in found:
        assert simulation and text.count(h.body) == 1
    # the page made from it reads the same blocks back, so nothing is lost on the way
    assert [h.title for h in classroom.handouts(text)] == [h.title for _, h in found]


def test_the_handouts_document_is_its_own_pdf_and_outside_the_book(tmp_path):
    cfg_path, toc_path = pdf.write_project(ROOT, tmp_path)
    cfg, toc = yaml.safe_load(cfg_path.read_text()), yaml.safe_load(toc_path.read_text())
    docs = cfg["sphinx"]["config"]["ctmodule_latex_extra_documents"]
    assert [pdf.HANDOUTS_DOC, pdf.HANDOUTS_TEX] in [d[:2] for d in docs]
    assert pdf.HANDOUTS_DOC not in pdf.toc_files(toc), "the handouts are not a page of the book's PDF"
    excluded = set(cfg["exclude_patterns"])
    assert f"{pdf.HANDOUTS_DOC}.md" not in excluded and "classroom/moot.md" not in excluded
    assert {"appendix/print-edition.md", "CHANGELOG.md"} <= excluded  # site-only and not a page
    site = set(yaml.safe_load((ROOT / "_config.yml").read_text())["exclude_patterns"])
    assert not any(p.startswith(("exercises/", "_build/", ".venv/", "tests/")) for p in excluded - site)
    head = (ROOT / f"{pdf.HANDOUTS_DOC}.md").read_text(encoding="utf-8").split("---")[1]
    assert yaml.safe_load(head) == {"orphan": True}


def test_outside_toc_lists_unlisted_pages_and_keeps_what_it_is_told(tmp_path):
    for name in ("intro.md", "a/b.md", "a/c.ipynb", "a/kept.md", "notes.md", "skipme/x.md", "_hidden/y.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("# x\n")
    toc = {"root": "intro", "parts": [{"chapters": [{"file": "a/b", "sections": [{"file": "a/c"}]}]}]}
    assert pdf.toc_files(toc) == {"intro", "a/b", "a/c"}
    assert pdf.outside_toc(tmp_path, toc, keep=["a/kept"], skip=["skipme/**"]) == ["notes.md"]


def test_the_russian_handouts_are_translated_by_the_classroom_catalogs(tmp_path):
    """The handouts page is generated from the classroom pages, so no catalog of its own holds
    their text: the Russian build merges the classroom catalogs into one for the page."""
    from ctmodule.book import classroom, sphinxext
    from ctmodule.book.i18n import translations

    titles = pdf.handout_titles(ROOT, "ru")
    english = pdf.handout_titles(ROOT)
    assert len(titles) == len(english) == len(classroom.all_handouts(ROOT))
    assert all(re.search("[а-яё]", t) for t in titles) and not set(titles) & set(english)
    messages = sphinxext.handouts_messages(ROOT, "ru")
    for page in classroom.PAGES:
        done = translations(ROOT / "locales" / "ru" / "LC_MESSAGES" / page.replace(".md", ".po"))
        assert done.items() <= messages.items()
        title = classroom.page_title((ROOT / page).read_text(encoding="utf-8"))
        assert messages[f"*{title}*"] == f"*{done[title]}*", "the simulation's name above each handout"
    # every message of the handouts, as the page has them, has its translation there
    body = classroom.handouts_markdown(ROOT)
    for _, h in classroom.all_handouts(ROOT):
        assert h.title in messages
    assert "Classroom handouts" in translations(ROOT / "locales" / "ru" / "LC_MESSAGES" / "appendix" / "print-handouts.po")
    # the catalog is written once; an unchanged one is left as it is (Sphinx recompiles a newer .po)
    target = tmp_path / "ru" / "LC_MESSAGES" / "appendix" / "print-handouts.po"
    assert sphinxext.write_catalog(target, messages, "ru") is True
    stamp = target.stat().st_mtime_ns
    assert sphinxext.write_catalog(target, messages, "ru") is False and target.stat().st_mtime_ns == stamp
    from ctmodule.l10n import read_catalog
    assert {m.id: m.string for m in read_catalog(target) if m.id} == messages
    assert body.count("{div} handout") == len(titles)


def test_two_classroom_pages_that_translate_a_message_differently_are_an_error(tmp_path):
    from sphinx.errors import ExtensionError

    from ctmodule.book import sphinxext

    shutil.copytree(ROOT / "classroom", tmp_path / "classroom")
    shutil.copytree(ROOT / "locales", tmp_path / "locales", ignore=shutil.ignore_patterns("*.mo"))
    po = tmp_path / "locales" / "ru" / "LC_MESSAGES" / "classroom" / "moot.po"
    text = po.read_text(encoding="utf-8")
    assert 'msgid "Run sheet"\nmsgstr "План проведения"' in text
    po.write_text(text.replace('msgid "Run sheet"\nmsgstr "План проведения"',
                               'msgid "Run sheet"\nmsgstr "Сценарий"'), encoding="utf-8")
    with pytest.raises(ExtensionError, match=r"moot\.po: 'Run sheet' is translated 'Сценарий', but "
                                             r"locales/ru/LC_MESSAGES/classroom/sanctions-committee\.po"):
        sphinxext.handouts_messages(tmp_path, "ru")


def test_handout_layout_finds_two_on_a_page_and_a_missing_one():
    titles = ["Handout: Chair", "Handout: Bench"]
    assert pdf.handout_layout_problems(["Handout: Chair ...", "Handout:  Bench\nmore"], titles) == []
    two = pdf.handout_layout_problems(["Handout: Chair and Handout: Bench"], titles)
    assert any("more than one handout" in p for p in two)
    gone = pdf.handout_layout_problems(["Handout: Chair"], titles)
    assert gone == ["handout 'Handout: Bench' is on pages [] (expected exactly one page)"]


# ------------------------------------------------------------------ the print edition in Russian


def test_the_russian_print_edition_is_built_from_the_russian_sites_configuration(tmp_path):
    from ctmodule.book.i18n import edition_config

    cfg_path, toc_path = pdf.write_project(ROOT, tmp_path, "ru")
    cfg = yaml.safe_load(cfg_path.read_text(encoding="utf-8"))
    site = edition_config(yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8")), ROOT, "ru")
    sphinx = cfg["sphinx"]["config"]
    assert sphinx["language"] == "ru" and sphinx["locale_dirs"] == site["sphinx"]["config"]["locale_dirs"]
    assert cfg["title"] == site["title"] and re.search("[а-яё]", cfg["title"])
    assert cfg["latex"]["latex_engine"] == "xelatex"
    assert sphinx["today_fmt"] == "%-d %B %Y г.", "the title page's date as Russian writes it (6 декабря 2026 г.)"
    assert cfg["author"] == site["author"] and re.search("[а-яё]", cfg["author"])
    docs = sphinx["ctmodule_latex_extra_documents"]
    assert [d[1] for d in docs] == [pdf.GUIDE_TEX, pdf.HANDOUTS_TEX], "the guide and the handouts, on their own"
    assert docs[0][2] == f"{cfg['title']}: руководство для преподавателя"
    assert docs[1][2].startswith(f"{cfg['title']}: ") and re.search("[а-яё]", docs[1][2].split(": ", 1)[1])
    assert "Classroom" not in docs[1][2]
    # the handouts page is read (it is in no toc), and its text is translated by the classroom catalogs
    assert f"{pdf.HANDOUTS_DOC}.md" not in cfg["exclude_patterns"]
    # the print-only appendices are read, from the same table of contents as the English PDF
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    assert set(pdf.PRINT_APPENDICES) <= pdf.toc_files(toc)
    assert pdf.expected_pdfs(ROOT) == ["ctmodule-book.pdf", "ctmodule-instructor-guide.pdf",
                                       "ctmodule-handouts.pdf", "ctmodule-book.ru.pdf",
                                       "ctmodule-instructor-guide.ru.pdf", "ctmodule-handouts.ru.pdf"]


def test_the_russian_pdf_is_checked_against_the_russian_chapter_titles(tmp_path):
    from ctmodule.book.i18n import translations

    en, ru = pdf.chapter_titles(ROOT), pdf.chapter_titles(ROOT, "ru")
    assert en.keys() == ru.keys()
    for stem, title in en.items():
        done = translations(ROOT / "locales" / "ru" / "LC_MESSAGES" / "chapters" / f"{stem}.po")
        assert ru[stem] == done[title] != title
    assert pdf.guide_title(ROOT, "ru") == "Руководство для преподавателя"
    # an untranslated title is an error naming the catalog, not a check that silently passes
    (tmp_path / "chapters").mkdir()
    shutil.copy(CHAPTERS[0], tmp_path / "chapters" / CHAPTERS[0].name)
    po = tmp_path / "locales" / "ru" / "LC_MESSAGES" / "chapters" / f"{CHAPTERS[0].stem}.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n', encoding="utf-8")
    with pytest.raises(pdf.PdfError, match=re.escape(str(po))):
        pdf.chapter_titles(tmp_path, "ru")
    # and a Russian title hyphenated at a line end is still found in the PDF's text
    assert pdf.text_problems("Почему терроризм не подда-\nётся определению", ["Почему терроризм не поддаётся "
                                                                             "определению"]) == []
    assert pdf.text_problems("Почему терроризм", ["Выводы"]) == ["title not found in the text: 'Выводы'"]


def test_the_answer_key_in_russian_comes_from_the_translated_quizzes():
    stems = [p.stem for p in CHAPTERS if (ROOT / "quizzes" / f"{p.stem}.ru.json").exists()]
    assert stems
    quizzes = {s: load(s, ROOT / "quizzes", lang="ru") for s in stems}
    text = printed.answer_key_markdown(quizzes, {s: f"Глава-{s}" for s in stems}, "ru")
    first = quizzes[stems[0]][0]
    assert f"## Глава {printed._chapter_number(stems[0])}: Глава-{stems[0]}" in text
    assert "Ответ: " in text and "Answer:" not in text and "Chapter " not in text
    feedback = next(a["feedback"] for a in first["answers"] if a.get("feedback"))
    assert printed._md_escape(feedback) in text
    assert "Тест для самопроверки" in printed.quiz_markdown(stems[0], quizzes[stems[0]], "ru")


def test_translate_markdown_replaces_paragraphs_and_items_and_reports_gaps():
    done = {"One two.": "Раз два.", "First item.": "Первый пункт.", "A heading": "Заголовок"}
    text = "One\ntwo.\n\n- First\n  item.\n- Second item.\n\n```python\nOne two.\n```\n\n## A heading\n\nLeft."
    out, missing = printed.translate_markdown(text, done.get)
    assert out.splitlines() == ["Раз два.", "", "- Первый пункт.", "- Second item.", "", "```python",
                                "One two.", "```", "", "## Заголовок", "", "Left."]
    assert missing == ["Second item.", "Left."]


def test_the_solutions_appendix_in_russian_is_the_chapters_translation():
    from ctmodule.book.i18n import translations

    def catalog(stem):
        return translations(ROOT / "locales" / "ru" / "LC_MESSAGES" / "chapters" / f"{stem}.po")

    missing: list[str] = []
    text = printed.solutions_markdown(CHAPTERS, "ru", catalog, missing)
    assert missing == [], missing[:5]
    assert "### Решение: {ref}`" in text and "Solution to" not in text
    english = printed.solutions_markdown(CHAPTERS)
    assert text.count("{ref}`") == english.count("{ref}`")
    assert len(re.findall("[а-яё]", text)) > len(re.findall("[a-z]", text)) / 2


def test_the_russian_print_page_links_the_russian_pdfs(tmp_path):
    from ctmodule.book import sphinxext

    (tmp_path / "_build" / "pdf").mkdir(parents=True)
    for name in pdf.expected_pdfs(ROOT):
        (tmp_path / "_build" / "pdf" / name).write_bytes(b"%PDF-1.5\n" + b"x" * 200_000)
    shutil.copytree(ROOT / "locales", tmp_path / "locales")

    class Env:
        def __init__(self, lang):
            self.config = type("C", (), {"language": lang})()
            self.deps = []

        def note_dependency(self, path):
            self.deps.append(path)

    ru = sphinxext._print_edition(tmp_path, Env("ru"))
    assert "{download}`Вся книга <../_build/pdf/ctmodule-book.ru.pdf>`" in ru
    assert "<../_build/pdf/ctmodule-instructor-guide.ru.pdf>`" in ru
    assert "<../_build/pdf/ctmodule-handouts.ru.pdf>`" in ru
    assert "ctmodule-book.pdf>" not in ru and "ctmodule-handouts.pdf>" not in ru
    assert "(на английском языке)" not in ru, "every PDF has its Russian edition"
    en = sphinxext._print_edition(tmp_path, Env("en"))
    assert "{download}`The whole book <../_build/pdf/ctmodule-book.pdf>`" in en and ".ru.pdf" not in en


def test_the_citation_plugins_are_found_without_reading_the_entry_points(monkeypatch):
    """pybtex and sphinxcontrib-bibtex read every package's entry points for each citation they
    format unless their plugins are registered at run time (ctmodule.book.sphinxext)."""
    import pybtex.plugin
    import sphinxcontrib.bibtex.plugin as bibtex_plugin

    from ctmodule.book import sphinxext

    assert sphinxext.register_bibtex_plugins() >= 10

    def no_entry_points(*args, **kwargs):
        raise AssertionError("the entry points were read")

    monkeypatch.setattr(pybtex.plugin, "entry_points", no_entry_points)
    monkeypatch.setattr(bibtex_plugin, "_entry_points", no_entry_points)
    for group, name in (("pybtex.style.formatting", "plain"), ("pybtex.backends", "docutils"),
                        ("pybtex.backends", "plaintext"), ("pybtex.style.names", "plain")):
        assert pybtex.plugin.find_plugin(group, name) is not None
    assert bibtex_plugin.find_plugin("sphinxcontrib.bibtex.style.referencing", "author_year") is not None
