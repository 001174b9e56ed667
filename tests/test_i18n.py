"""The editions in other languages: the catalog check, the switcher's links, multilingual outputs.

The check is tried on small catalogs made here (untranslated, fuzzy, plural forms, obsolete
entries, stale against fresh templates, a broken file); then on the real catalogs: they must be
current (extracted from today's English), and, once issue 18's translation is done, complete.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from ctmodule.book import bilingual, i18n
from ctmodule.paths import repo_root

HEADER = """\
msgid ""
msgstr ""
"Project-Id-Version: test\\n"
"Language: ru\\n"
"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=utf-8\\n"
"Content-Transfer-Encoding: 8bit\\n"

"""

POT_HEADER = HEADER.replace('"Language: ru\\n"\n', "")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def book(tmp_path: Path, po: str, name: str = "chapters/01-x") -> Path:
    """A made-up book folder with one Russian catalog (its locations as `update` writes them)."""
    (tmp_path / "chapters").mkdir(parents=True, exist_ok=True)
    write(tmp_path / "locales" / "ru" / "LC_MESSAGES" / f"{name}.po", HEADER + textwrap.dedent(po))
    return tmp_path


def po_line(path: Path, text: str) -> int:
    """The line of the msgid that holds ``text``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("msgid") and text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def test_untranslated_and_fuzzy_are_listed_with_po_line_and_source(tmp_path):
    root = book(tmp_path, """\
        #: ../../chapters/01-x.ipynb:10002
        msgid "The Astana declaration"
        msgstr ""

        #: ../../chapters/01-x.ipynb:20004
        #, fuzzy
        msgid "Securitising actors"
        msgstr "Секьюритизирующие акторы (старый перевод)"

        #: ../../chapters/01-x.ipynb:30002
        msgid "Referent object"
        msgstr "Референтный объект"
        """)
    po = root / "locales/ru/LC_MESSAGES/chapters/01-x.po"
    result = i18n.check(root, ["ru"], stale=False)
    got = {(p.kind, p.message): p for p in result.problems}
    assert set(got) == {("untranslated", "The Astana declaration"), ("fuzzy", "Securitising actors")}
    untranslated = got[("untranslated", "The Astana declaration")]
    assert untranslated.where == f"locales/ru/LC_MESSAGES/chapters/01-x.po:{po_line(po, 'Astana')}"
    assert untranslated.source == "chapters/01-x.ipynb:10002"
    assert got[("fuzzy", "Securitising actors")].source == "chapters/01-x.ipynb:20004"
    [count] = result.counts
    assert (count.total, count.translated, count.fuzzy, count.untranslated) == (3, 1, 1, 1)
    assert not result.ok


def test_a_complete_catalog_passes_and_words_free_messages_need_no_translation(tmp_path):
    root = book(tmp_path, """\
        #: ../../chapters/01-x.ipynb:2
        msgid "Overview"
        msgstr "Обзор"

        #: ../../chapters/01-x.ipynb:3
        msgid "169"
        msgstr ""

        #: ../../chapters/01-x.ipynb:4
        msgid "{cite:p}`HRW2005bullets`"
        msgstr ""
        """)
    result = i18n.check(root, ["ru"], stale=False)
    assert result.ok, [str(p) for p in result.problems]
    assert result.counts[0].verbatim == 2
    assert i18n.needs_translation("{term}`self-check <Self-check>`")  # a term's text is translated
    assert i18n.needs_translation("RFE/RL, IWPR")
    assert not i18n.needs_translation("`data/cases.csv`; 2014")


def test_plural_forms_need_every_form_of_the_language(tmp_path):
    root = book(tmp_path, """\
        #: ../../chapters/01-x.ipynb:5
        msgid "%(n)s case"
        msgid_plural "%(n)s cases"
        msgstr[0] "%(n)s дело"
        msgstr[1] "%(n)s дела"
        msgstr[2] ""

        #: ../../chapters/01-x.ipynb:6
        msgid "%(n)s state"
        msgid_plural "%(n)s states"
        msgstr[0] "%(n)s государство"
        msgstr[1] "%(n)s государства"
        msgstr[2] "%(n)s государств"
        """)
    result = i18n.check(root, ["ru"], stale=False)
    assert [(p.kind, p.message) for p in result.problems] == [("untranslated", "%(n)s case")]


def test_obsolete_entries_are_counted_not_reported_nor_taken_as_current(tmp_path):
    root = book(tmp_path, """\
        #: ../../chapters/01-x.ipynb:2
        msgid "Overview"
        msgstr "Обзор"

        #~ msgid "An old heading"
        #~ msgstr ""
        """)
    result = i18n.check(root, ["ru"], stale=False)
    assert result.ok
    assert result.counts[0].obsolete == 1
    pots = write(tmp_path / "pot" / "chapters" / "01-x.pot", POT_HEADER + textwrap.dedent("""\
        #: ../../chapters/01-x.ipynb:2
        msgid "Overview"
        msgstr ""

        #: ../../chapters/01-x.ipynb:9
        msgid "An old heading"
        msgstr ""
        """)).parent.parent
    # back in the English: the obsolete entry does not count as the catalog having it
    stale = i18n.stale_problems(root, "ru", pots)
    assert [p.message for p in stale] == ["new in the English, not in the catalog: An old heading"]
    assert stale[0].source == "pot/../../chapters/01-x.ipynb:9" or stale[0].source.endswith("chapters/01-x.ipynb:9")


def test_stale_catalogs_are_reported(tmp_path):
    root = book(tmp_path, """\
        #: ../../chapters/01-x.ipynb:2
        msgid "Overview"
        msgstr "Обзор"

        #: ../../chapters/01-x.ipynb:3
        msgid "A sentence the English has since rewritten."
        msgstr "Предложение."
        """)
    write(root / "locales/ru/LC_MESSAGES/chapters/99-gone.po", HEADER)
    pot_dir = tmp_path / "fresh"
    write(pot_dir / "chapters/01-x.pot", POT_HEADER + textwrap.dedent("""\
        #: ../../chapters/01-x.ipynb:2
        msgid "Overview"
        msgstr ""

        #: ../../chapters/01-x.ipynb:3
        msgid "The sentence as the English now reads."
        msgstr ""

        #: ../../chapters/01-x.ipynb:4
        msgid "1,024"
        msgstr ""
        """))
    write(pot_dir / "chapters/02-new.pot", POT_HEADER)
    result = i18n.check(root, ["ru"], stale=True, pot_dir=pot_dir)
    stale = sorted(str(p) for p in result.problems if p.kind == "stale")
    assert len(stale) == 4, stale  # a new number (no words) does not make the catalog stale
    joined = "\n".join(stale)
    assert "01-x.po: stale: 'new in the English, not in the catalog: The sentence as the English now reads.'" in joined
    po = root / "locales/ru/LC_MESSAGES/chapters/01-x.po"
    assert f"01-x.po:{po_line(po, 'rewritten')}: stale: 'no longer in the English: A sentence" in joined
    assert "locales/ru/LC_MESSAGES/chapters/02-new.po: stale: 'no catalog for this page" in joined
    assert "locales/ru/LC_MESSAGES/chapters/99-gone.po: stale: 'the page is gone" in joined
    # the same catalogs against matching templates: nothing stale
    write(pot_dir / "chapters/01-x.pot", po.read_text(encoding="utf-8").replace('"Language: ru\\n"\n', ""))
    (pot_dir / "chapters/02-new.pot").unlink()
    (root / "locales/ru/LC_MESSAGES/chapters/99-gone.po").unlink()
    assert not i18n.stale_problems(root, "ru", pot_dir)


def test_a_broken_catalog_is_named(tmp_path):
    root = book(tmp_path, 'msgid "Overview"\nmsgstr "unterminated\n')
    po = root / "locales/ru/LC_MESSAGES/chapters/01-x.po"
    result = i18n.check(root, ["ru"], stale=False)
    assert [p.kind for p in result.problems] == ["broken"]
    assert result.problems[0].where == "locales/ru/LC_MESSAGES/chapters/01-x.po"
    assert f"01-x.po:{po_line(po, 'Overview') + 1}: not a catalog line" in result.problems[0].message
    po.write_text(HEADER + 'msgid "a"\nmsgstr "b"\ngarbage\n', encoding="utf-8")
    assert [p.kind for p in i18n.check(root, ["ru"], stale=False).problems] == ["broken"]


def test_no_catalogs_at_all_fails(tmp_path):
    result = i18n.check(tmp_path, None, stale=False)
    assert not result.ok and "no catalogs" in str(result.problems[0])


def test_command_lists_problems_and_reports_counts(tmp_path):
    root = book(tmp_path, """\
        #: ../../chapters/01-x.ipynb:10002
        msgid "The Astana declaration"
        msgstr ""
        """)
    for name in ("_config.yml", "_toc.yml"):
        (root / name).write_text("{}\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "ctmodule", "i18n", "check", "--root", str(root), "--no-stale",
                           "--report"], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "locales/ru/LC_MESSAGES/chapters/01-x.po" in proc.stdout  # the counts
    assert "untranslated: 'The Astana declaration' (source: chapters/01-x.ipynb:10002)" in proc.stderr
    assert "1 untranslated" in proc.stderr


def test_switcher_links_lead_to_the_same_page_in_the_other_edition():
    en = {e["lang"]: e for e in i18n.switcher_links("chapters/00-how-to-use", "en", ["en", "ru"])}
    assert en["en"]["current"] and not en["ru"]["current"]
    assert en["ru"]["url"] == "../ru/chapters/00-how-to-use.html"
    ru = {e["lang"]: e for e in i18n.switcher_links("chapters/00-how-to-use", "ru", ["en", "ru", "kk"])}
    assert ru["en"]["url"] == "../../chapters/00-how-to-use.html"
    assert ru["kk"]["url"] == "../../kk/chapters/00-how-to-use.html"
    assert ru["ru"]["name"] == "Русский" and ru["en"]["name"] == "English"
    top = {e["lang"]: e for e in i18n.switcher_links("intro", "ru", ["en", "ru"])}
    assert top["en"]["url"] == "../intro.html"


def test_edition_config_sets_the_language_and_uses_only_finished_translations(tmp_path):
    write(tmp_path / "locales/ru/LC_MESSAGES/_config.po", HEADER + textwrap.dedent("""\
        msgid "A Book"
        msgstr "Книга"

        #, fuzzy
        msgid "Search this book..."
        msgstr "Искать"
        """))
    config = {"title": "A Book", "execute": {"execute_notebooks": "cache"},
              "sphinx": {"config": {"html_theme_options": {"search_bar_text": "Search this book..."}}}}
    out = i18n.edition_config(config, tmp_path, "ru")
    sphinx = out["sphinx"]["config"]
    assert sphinx["language"] == "ru" and sphinx["locale_dirs"] == ["locales"]
    assert sphinx["gettext_compact"] is False  # as extracted: one catalog per page
    assert out["title"] == "Книга"
    assert sphinx["html_theme_options"]["search_bar_text"] == "Search this book..."  # fuzzy: not used
    assert out["execute"]["cache"] == str(tmp_path / "_build" / ".jupyter_cache")  # the site's cache
    assert config["title"] == "A Book"  # the site's own configuration is left alone


def test_config_strings_are_extracted_with_their_lines(tmp_path):
    (tmp_path / "_config.yml").write_text(
        'title: "A Book"\nhtml:\n  extra_footer: |\n    <p>Licence</p>\n'
        'sphinx:\n  config:\n    html_theme_options:\n      search_bar_text: "Search..."\n', encoding="utf-8")
    pot = i18n.write_config_pot(tmp_path, tmp_path / "_build" / "gettext")
    catalog = i18n.read_catalog(pot)
    found = {m.id: m.locations for m in catalog if m.id}
    assert found == {"A Book": [("../../_config.yml", 1)], "<p>Licence</p>": [("../../_config.yml", 4)],
                     "Search...": [("../../_config.yml", 8)]}


def test_multilingual_output_shows_the_page_language():
    html = bilingual.variants_html({"en": "Right", "ru": "Верно"}, inline=True)
    assert html == ('<span class="ctmodule-l10n"><span lang="en" data-l10n-source>Right</span>'
                    '<span lang="ru">Верно</span></span>')
    bundle = bilingual.text_bundle({"en": "a < b", "ru": "а < б"})
    assert bundle["text/plain"] == "a < b" and "а &lt; б" in bundle["text/html"]
    css = bilingual.stylesheet(["en", "ru", "kk"])
    assert '.ctmodule-l10n > [lang]:not([data-l10n-source]) { display: none; }' in css
    assert 'html[lang="ru"] .ctmodule-l10n > [lang="ru"] { display: revert; }' in css
    assert 'html[lang="kk"] .ctmodule-l10n:has(> [lang="kk"]) > [data-l10n-source] { display: none; }' in css
    with pytest.raises(ValueError, match="'en' variant is missing"):
        bilingual.variants_html({"ru": "Верно"})
    with pytest.raises(ValueError, match="not a language code"):
        bilingual.variants_html({"en": "x", 'ru" onclick="x': "y"})


def test_the_book_loads_the_extension_and_every_language_has_a_name():
    config = yaml.safe_load((repo_root() / "_config.yml").read_text(encoding="utf-8"))
    assert "ctmodule.book.i18n" in config["sphinx"]["extra_extensions"]
    langs = i18n.languages(repo_root())
    assert "ru" in langs
    for lang in langs:
        assert i18n.language_name(lang) != lang


# --- the real catalogs --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fresh_templates(tmp_path_factory):
    """The book's messages extracted now (Sphinx's gettext builder; a minute or two)."""
    return i18n.extract(repo_root(), tmp_path_factory.mktemp("gettext") / "gettext")


def test_catalogs_are_current(fresh_templates):
    """The English changed and `make catalogs` was not run: the catalogs no longer match."""
    root = repo_root()
    problems = [p for lang in i18n.languages(root) for p in i18n.stale_problems(root, lang, fresh_templates)]
    assert not problems, "catalogs are stale; run `make catalogs`:\n" + "\n".join(map(str, problems))


def test_catalogs_are_fully_translated():
    """No untranslated and no fuzzy message in any edition (`make i18n-check` lists them)."""
    result = i18n.check(repo_root(), stale=False)
    assert result.ok, "\n".join(map(str, result.problems[:50]))


# --- the quizzes in several languages -------------------------------------------------------------

QUIZ = [
    {"question": "Which resolution defines terrorist acts?", "type": "multiple_choice", "kind": "recall",
     "answers": [{"answer": "1566", "correct": True, "feedback": "Yes."},
                 {"answer": "1267", "correct": False, "feedback": "No."}]},
    {"question": "How many?", "type": "numeric", "kind": "recall",
     "answers": [{"type": "value", "value": 19, "correct": True, "feedback": "Right."},
                 {"type": "default", "feedback": "Count again."}]},
    {"question": "Which are UN bodies?", "type": "many_choice", "kind": "recall",
     "answers": [{"answer": "UNODC", "correct": True, "feedback": "Yes."},
                 {"answer": "CSTO", "correct": False, "feedback": "No."}]},
]
QUIZ_RU = [
    {"question": "Какая резолюция определяет террористические акты?", "type": "multiple_choice", "kind": "recall",
     "answers": [{"answer": "1566", "correct": True, "feedback": "Да."},
                 {"answer": "1267", "correct": False, "feedback": "Нет."}]},
    {"question": "Сколько?", "type": "numeric", "kind": "recall",
     "answers": [{"type": "value", "value": 19, "correct": True, "feedback": "Верно."},
                 {"type": "default", "feedback": "Пересчитайте."}]},
    {"question": "Какие из них — органы ООН?", "type": "many_choice", "kind": "recall",
     "answers": [{"answer": "УНП ООН", "correct": True, "feedback": "Да."},
                 {"answer": "ОДКБ", "correct": False, "feedback": "Нет."}]},
]


def _quizzes(tmp_path, **files):
    for name, questions in files.items():
        (tmp_path / f"{name}.json").write_text(json.dumps(questions, ensure_ascii=False, indent=2), encoding="utf-8")
    return tmp_path


def test_a_translated_quiz_must_be_the_same_quiz(tmp_path):
    import copy

    from ctmodule.book import quiz

    folder = _quizzes(tmp_path, **{"01-x": QUIZ, "01-x.ru": QUIZ_RU})
    assert quiz.translations("01-x", folder) == ["ru"]
    assert quiz.is_translation(folder / "01-x.ru.json") and not quiz.is_translation(folder / "01-x.json")
    assert quiz.load("01-x", folder, lang="ru")[0]["question"].startswith("Какая")
    wrong = copy.deepcopy(QUIZ_RU)
    wrong[0]["answers"][0]["correct"], wrong[0]["answers"][1]["correct"] = False, True
    wrong[1]["answers"][0]["value"] = 18
    _quizzes(tmp_path, **{"01-x.ru": wrong})
    with pytest.raises(quiz.QuizError) as err:
        quiz.load("01-x", folder, lang="ru")
    message = str(err.value)
    assert "01-x.ru.json: question 1, answer 1: 'correct' is False, the English has True" in message
    assert "question 2, answer 1: 'value' is 18, the English has 19" in message
    _quizzes(tmp_path, **{"01-x.ru": QUIZ_RU[:2]})
    with pytest.raises(quiz.QuizError, match="2 questions, the English quiz has 3"):
        quiz.load("01-x", folder, min_questions=1, lang="ru")


def test_the_quiz_output_carries_every_language(tmp_path):
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    from ctmodule.book import quiz

    InteractiveShell.instance()
    folder = _quizzes(tmp_path, **{"01-x": QUIZ, "01-x.ru": QUIZ_RU})
    with capture_output(stdout=False, stderr=False, display=True) as captured:
        quiz.show("01-x", folder)
    html = [o.data for o in captured.outputs if "text/html" in o.data]
    scripts = [o.data for o in captured.outputs if "application/javascript" in o.data]
    assert len(html) == 1 and len(scripts) == 2  # one block, each language's quiz script
    body = html[0]["text/html"]
    assert body.startswith('<div class="ctmodule-l10n"><div lang="en" data-l10n-source><div id="')
    assert '<div lang="ru"><div id="' in body
    # jupyterquiz leaves its container open: closed, so that the Russian quiz is not inside the English one
    from bs4 import BeautifulSoup

    box = BeautifulSoup(body, "html.parser").select_one(".ctmodule-l10n")
    assert [d.get("lang") for d in box.find_all("div", recursive=False)] == ["en", "ru"]
    assert not box.find("div", attrs={"lang": "en"}).find("div", attrs={"lang": "ru"})
    assert "Which resolution" in scripts[0]["application/javascript"]
    assert json.dumps("Какая резолюция")[1:-1] in scripts[1]["application/javascript"]  # JSON in the script
    assert "Which resolution" in html[0]["text/markdown"]  # print is the English quiz
    assert html[0]["text/plain"] == "<self-check quiz: 3 questions>"



def test_mirror_copies_changes_and_removes_what_vanished(tmp_path):
    src, dst = tmp_path / "src", tmp_path / "dst"
    write(src / "a.html", "a")
    write(src / "sub" / "b.html", "b")
    assert i18n.mirror(src, dst) == 2
    assert i18n.mirror(src, dst) == 0  # nothing changed: nothing copied
    write(src / "a.html", "a, changed")
    (src / "sub" / "b.html").unlink()
    (src / "sub").rmdir()
    write(dst / "stray.html", "x")
    assert i18n.mirror(src, dst) == 1
    assert (dst / "a.html").read_text() == "a, changed"
    assert sorted(p.relative_to(dst).as_posix() for p in dst.rglob("*")) == ["a.html"]


def test_an_edition_needs_catalogs_and_is_not_the_source_language(tmp_path):
    with pytest.raises(i18n.I18nError, match="source language"):
        i18n.build_edition(tmp_path, "en")
    with pytest.raises(i18n.I18nError, match="no catalogs for 'kk'"):
        i18n.build_edition(tmp_path, "kk")


def test_an_edition_is_rebuilt_only_when_an_input_changed(tmp_path, monkeypatch):
    calls = []

    def fake_build(root, cfg, outdir, doctreedir, *, builder, strict, quiet):
        calls.append(builder)
        write(outdir / "index.html", f"build {len(calls)}")

    monkeypatch.setattr(i18n, "sphinx_build", fake_build)
    (tmp_path / "_config.yml").write_text('title: "A Book"\n', encoding="utf-8")
    po = write(tmp_path / "locales/ru/LC_MESSAGES/intro.po", HEADER)
    assert not i18n.build_edition(tmp_path, "ru")["up_to_date"]
    assert (tmp_path / "_build/html/ru/index.html").read_text() == "build 1"
    assert i18n.build_edition(tmp_path, "ru")["up_to_date"] and len(calls) == 1
    po.write_text(HEADER + 'msgid "Overview"\nmsgstr "Обзор"\n', encoding="utf-8")  # a translation
    assert not i18n.build_edition(tmp_path, "ru")["up_to_date"] and len(calls) == 2
    write(tmp_path / "chapters/01-x.md", "# New\n")  # the English
    assert not i18n.build_edition(tmp_path, "ru")["up_to_date"] and len(calls) == 3
    assert not i18n.build_edition(tmp_path, "ru", strict=False)["up_to_date"]  # other flags
    assert not i18n.build_edition(tmp_path, "ru", force=True)["up_to_date"] and len(calls) == 5

    def failing(*args, **kwargs):
        raise i18n.I18nError("the html build failed")

    monkeypatch.setattr(i18n, "sphinx_build", failing)
    write(tmp_path / "chapters/01-x.md", "# Changed\n")
    with pytest.raises(i18n.I18nError):
        i18n.build_edition(tmp_path, "ru")
    monkeypatch.setattr(i18n, "sphinx_build", fake_build)
    write(tmp_path / "chapters/01-x.md", "# New\n")  # back to the inputs of a build that passed...
    assert not i18n.build_edition(tmp_path, "ru")["up_to_date"]  # ...but the failed one cleared the stamp


def test_relink_citations_gives_unique_ids_and_true_back_links():
    """A translated paragraph's citations can repeat ids; the reference list must link back to the
    citations the page holds, each once."""
    from docutils import nodes
    from docutils.frontend import get_default_settings
    from docutils.parsers.rst import Parser
    from docutils.utils import new_document

    doc = new_document("page", get_default_settings(Parser))
    para = nodes.paragraph()
    cites = []
    for ids, targets in ((["id1"], ["e1"]), (["id1"], ["e1", "e2"]), ([], ["e2"])):
        span = nodes.inline(classes=["bibtex-citation"], ids=list(ids))
        for t in targets:
            span += nodes.reference(refid=t, text=t)
        para += span
        cites.append(span)
    doc += para
    doc.ids.update({"id1": cites[0]})
    for name in ("e1", "e2"):
        doc += nodes.citation(ids=[name], backrefs=["gone"])
    assert i18n.relink_citations(doc) == 2
    ids = [c["ids"][0] for c in cites]
    assert len(set(ids)) == 3, ids
    e1, e2 = list(doc.findall(nodes.citation))
    assert e1["backrefs"] == [ids[0], ids[1]] and e2["backrefs"] == [ids[1], ids[2]]
    assert i18n.relink_citations(doc) == 0  # idempotent


def test_a_table_inside_a_directive_is_extracted_for_translation(tmp_path):
    """A table in a ``{div}`` (the classroom handouts) had no source and was never extracted."""
    from sphinx.application import Sphinx

    (tmp_path / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinx_design", "ctmodule.book.i18n"]\n'
        # Sphinx's default ``source_suffix`` is one dict shared by every application in a process,
        # and MyST-NB (loaded by other tests) writes ``.md: myst-nb`` into it: name the parser here.
        'source_suffix = {".rst": "restructuredtext", ".md": "markdown"}\n'
        'myst_enable_extensions = ["colon_fence"]\ngettext_compact = False\n', encoding="utf-8")
    (tmp_path / "index.md").write_text(
        "# Title\n\n:::{div} handout\nA paragraph.\n\n| Criterion | Points |\n| --- | --- |\n"
        "| Accuracy in the law | 25 |\n:::\n", encoding="utf-8")
    app = Sphinx(str(tmp_path), str(tmp_path), str(tmp_path / "_g"), str(tmp_path / "_d"), "gettext",
                 status=None, warning=None, freshenv=True)
    app.build()
    pot = (tmp_path / "_g" / "index.pot").read_text(encoding="utf-8")
    for message in ("A paragraph.", "Criterion", "Accuracy in the law"):
        assert f'msgid "{message}"' in pot


def test_translated_nodes_belong_to_their_page(tmp_path):
    """Sphinx parses each translation as a document of its own; the nodes it moves into the page
    must not keep that document (pickled with the page, hundreds of them made the Russian
    doctrees an order of magnitude larger and slower to load than the English ones)."""
    import pickle

    from sphinx.application import Sphinx

    from ctmodule.book.i18n import adopt_translated_nodes

    paragraphs = [f"Paragraph number {i} of the page, with *emphasis*." for i in range(150)]
    (tmp_path / "index.md").write_text("# Title\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    po = tmp_path / "locales" / "ru" / "LC_MESSAGES" / "index.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  + "".join(f'msgid "{p}"\nmsgstr "Абзац номер {i} страницы, с *выделением*."\n\n'
                            for i, p in enumerate(paragraphs)), encoding="utf-8")
    sizes = {}
    for lang in ("en", "ru"):
        (tmp_path / "conf.py").write_text(
            'extensions = ["myst_parser", "ctmodule.book.i18n"]\n'
            'source_suffix = {".rst": "restructuredtext", ".md": "markdown"}\n'
            f'language = {lang!r}\nlocale_dirs = ["locales"]\ngettext_compact = False\n', encoding="utf-8")
        doctrees = tmp_path / f"_d-{lang}"
        Sphinx(str(tmp_path), str(tmp_path), str(tmp_path / f"_h-{lang}"), str(doctrees), "html",
               status=None, warning=None, freshenv=True).build()
        sizes[lang] = (doctrees / "index.doctree").stat().st_size
        tree = pickle.loads((doctrees / "index.doctree").read_bytes())
        assert adopt_translated_nodes(tree) == 0, "every node already refers to its own page"
    assert "Абзац номер 149" in (tmp_path / "_h-ru" / "index.html").read_text(encoding="utf-8")
    assert sizes["ru"] < 2 * sizes["en"], sizes
