"""Sphinx extension: pages generated at build time from the repository's data.

A page that contains a marker comment has it replaced by generated MyST before
parsing, and the files it was generated from are recorded as dependencies, so
the page is rebuilt whenever they change (never written by hand, never stale):

- ``<!-- ctmodule:glossary -->``: the glossary from ``glossary/*.yml``;
- ``<!-- ctmodule:data-dictionary -->``: the data dictionary from ``data/datapackage.json``;
- ``<!-- ctmodule:slides -->``: the list of the chapters' slide decks (``ctmodule.book.slides``
  writes the decks themselves when the build has finished);
- ``<!-- ctmodule:quiz-answers -->``: the print edition's answer key from ``quizzes/*.json``;
- ``<!-- ctmodule:print-edition -->``: links to the PDFs of ``make pdf`` (or how to build them);
- ``<!-- ctmodule:handouts -->``: the classroom simulations' handouts, one a page in print
  (:mod:`ctmodule.book.classroom`);
- ``<!-- ctmodule:solutions -->``: the print edition's solutions appendix from the chapters'
  ``{solution}`` blocks (:mod:`ctmodule.book.printed`).
"""

from __future__ import annotations

from pathlib import Path

from sphinx.errors import ExtensionError

from ctmodule.l10n import N_

GENERATORS = {
    "<!-- ctmodule:glossary -->": "_glossary",
    "<!-- ctmodule:data-dictionary -->": "_data_dictionary",
    "<!-- ctmodule:slides -->": "_slides",
    "<!-- ctmodule:quiz-answers -->": "_quiz_answers",
    "<!-- ctmodule:solutions -->": "_solutions",
    "<!-- ctmodule:print-edition -->": "_print_edition",
    "<!-- ctmodule:handouts -->": "_handouts",
}


def _glossary(root: Path, env) -> str:
    from ctmodule.book.glossary import render_markdown

    folder = root / "glossary"
    for path in sorted(folder.glob("*.yml")):
        env.note_dependency(str(path))
    lang = str(env.config.language or "en").split("_")[0]
    if lang == "en":
        return render_markdown(folder)
    # an edition in another language: the entries in the order of the terms it shows (the page's
    # catalog translates each English term)
    from ctmodule.book.i18n import translations
    from ctmodule.book.prose import known_names

    catalog = root / "locales" / lang / "LC_MESSAGES" / "appendix" / "glossary.po"
    if catalog.is_file():
        env.note_dependency(str(catalog))
    done = translations(catalog)
    # an alias the catalog keeps in its English spelling is left out; a name (Tablighi Jamaat) is
    # spelt as in English in every edition, and stays
    names = set(known_names(root))
    kept = {msgid for msgid, msgstr in done.items() if msgid == msgstr and msgid not in names}
    return render_markdown(folder, lang=lang, translations=done, kept_english=kept)


def _data_dictionary(root: Path, env) -> str:
    from ctmodule.data.datadict import render_markdown

    path = root / "data" / "datapackage.json"
    env.note_dependency(str(path))
    for table in sorted(path.parent.glob("*.csv")):  # the page shows row counts
        env.note_dependency(str(table))
    return render_markdown(path)


def _slides(root: Path, env) -> str:
    from ctmodule.book.slides import CHAPTERS_DIR, build_language, chapter_stems, index_markdown

    for stem in chapter_stems(root, env.found_docs):  # the list shows each chapter's title
        env.note_dependency(str(root / CHAPTERS_DIR / f"{stem}.ipynb"))
    lang = build_language(env.config.language)
    if lang != "en":  # the list shows the chapters' titles from their catalogs
        for stem in chapter_stems(root, env.found_docs):
            po = root / "locales" / lang / "LC_MESSAGES" / CHAPTERS_DIR / f"{stem}.po"
            if po.is_file():
                env.note_dependency(str(po))
    # every edition has its decks beside its chapters (slides/), written when its build finishes
    return index_markdown(root, env.found_docs, up="..", lang=lang)
def _chapters(root: Path) -> list[Path]:
    return sorted((root / "chapters").glob("[0-9][0-9]-*.ipynb"))


def _language(env) -> str:
    return getattr(getattr(env, "config", None), "language", None) or "en"


def _page_translations(root: Path, lang: str, page: str) -> dict[str, str]:
    """A page's translated messages in ``lang`` (its catalog); {} in the source language."""
    if lang == "en":
        return {}
    from ctmodule.book.i18n import LOCALES, translations

    return translations(root / LOCALES / lang / "LC_MESSAGES" / f"{page}.po")


def _chapter_titles(root: Path, lang: str, env=None) -> dict[str, str]:
    from ctmodule.book.printed import notebook_markdown

    titles = {}
    for p in _chapters(root):
        title = notebook_markdown(p)[0]
        titles[p.stem] = _page_translations(root, lang, f"chapters/{p.stem}").get(title, title)
    return titles


def _quiz_answers(root: Path, env) -> str:
    """The answer key; in another edition, from its translated quizzes (``<chapter>.<lang>.json``,
    checked against the English: same questions, same answers) where a chapter has one."""
    from ctmodule.book.printed import answer_key_markdown
    from ctmodule.book.quiz import is_translation, load, translations

    lang = _language(env)
    folder = root / "quizzes"
    quizzes = {}
    for path in sorted(folder.glob("*.json")):
        if is_translation(path):
            continue
        env.note_dependency(str(path))
        if lang != "en" and lang in translations(path.stem, folder):
            env.note_dependency(str(folder / f"{path.stem}.{lang}.json"))
            quizzes[path.stem] = load(path.stem, folder, lang=lang)
        else:
            quizzes[path.stem] = load(path.stem, folder)
    return answer_key_markdown(quizzes, _chapter_titles(root, lang), lang)


def _solutions(root: Path, env) -> str:
    """The solutions appendix; in another edition, each solution as its chapter's catalog
    translates it (a message the catalog lacks is a warning, and stays in English)."""
    from sphinx.util import logging

    from ctmodule.book.printed import solutions_markdown

    lang = _language(env)
    chapters = _chapters(root)
    for path in chapters:
        env.note_dependency(str(path))
        if lang != "en":
            env.note_dependency(str(root / "locales" / lang / "LC_MESSAGES" / "chapters" / f"{path.stem}.po"))
    missing: list[str] = []
    text = solutions_markdown(chapters, lang, lambda stem: _page_translations(root, lang, f"chapters/{stem}"),
                              missing)
    for message in missing:
        logging.getLogger(__name__).warning(
            "the solutions appendix (%s): no translation in locales/%s/LC_MESSAGES/chapters/%s.po for %r",
            lang, lang, message.split(":", 1)[0], message.split(":", 1)[1].strip()[:120])
    return text


def _handouts(root: Path, env) -> str:
    from ctmodule.book.classroom import PAGES, handouts_markdown

    for page in PAGES:
        env.note_dependency(str(root / page))
    return handouts_markdown(root)


#: After a link to a PDF that the edition has only in English.
IN_ENGLISH = N_("(in English)")


def _edition_link(source: str, translated: str, name: str, lang: str, own: bool) -> str:
    """The link of the print-edition page in another edition: the label its catalog gives, to
    that edition's PDF (``name``); a document the edition has no PDF of links to the English one,
    marked as English."""
    import re

    from ctmodule.l10n import gettext

    link = re.sub(r"<\.\./_build/pdf/[^>]+>`", f"<../_build/pdf/{name}>`", translated)
    return link if own else f"{link} {gettext(IN_ENGLISH, lang)}"


def _print_edition(root: Path, env) -> str:
    """Links to the PDFs, with their sizes, or how to build them where they were not built.

    The message catalogs of the other editions must not depend on whether this machine built
    the PDFs: for the gettext builder the page holds both texts (the table and the note), and the
    sizes are numbers in a cell of their own (a number is not a message to translate)."""
    from ctmodule.book.pdf import BOOK_TEX, GUIDE_TEX, HANDOUTS_TEX, documents, pdf_name

    extracting = getattr(getattr(env, "app", None), "builder", None) is not None and env.app.builder.name == "gettext"
    # each edition links its own language's PDFs (the gettext builder sees the English page)
    lang = "en" if extracting else _language(env)
    folder = root / "_build" / "pdf"
    rows = []
    page = _page_translations(root, lang, "appendix/print-edition")
    for tex, what in ((BOOK_TEX, "The whole book"), (GUIDE_TEX, "The instructor's guide"),
                      (HANDOUTS_TEX, "The classroom handouts, one role or sheet a page")):
        # the link as the English page has it (the message the catalogs translate)
        cell = f"{{download}}`{what} <../_build/pdf/{pdf_name(tex)}>`"
        own = tex in documents(lang)
        path = folder / pdf_name(tex, lang if own else "en")
        env.note_dependency(str(path))
        if path.exists() or extracting:
            if lang != "en":
                cell = _edition_link(cell, page.get(cell, cell), path.name, lang, own)
            size = path.stat().st_size / 1_000_000 if path.exists() else 0.0
            rows.append(f"| {cell} | {size:.1f} |")
    missing = ("The PDF files were not built with this copy of the site. To build them, install the "
               "TeX packages listed in the README and run `make pdf`; `make book` then links them here.")
    table = ("## Download\n\n| PDF file | Size (MB) |\n| --- | --- |\n" + "\n".join(rows) + "\n") if rows else ""
    if extracting:
        return table + "\n" + missing + "\n"
    return table or missing


#: Generated content that has no messages of its own: the answer key is written from the
#: translated quizzes, the solutions from their chapters' catalogs.
NOT_EXTRACTED = {"<!-- ctmodule:quiz-answers -->", "<!-- ctmodule:solutions -->"}


def _on_source_read(app, docname, source):
    text = source[0]
    extracting = app.builder is not None and app.builder.name == "gettext"
    for marker, func in GENERATORS.items():
        if marker in text and extracting and marker in NOT_EXTRACTED:
            text = text.replace(marker, "")
        elif marker in text:
            root = Path(app.srcdir)
            try:
                generated = globals()[func](root, app.env)
            except Exception as exc:  # report which page and which generator failed
                raise ExtensionError(f"{docname}: generating {marker} failed: {exc}") from exc
            text = text.replace(marker, generated)
    source[0] = text


def _latex_extra_documents(app, env):
    """Add the print edition's further documents (the instructor's guide on its own) to the LaTeX
    build. Done after reading: Jupyter Book rewrites ``latex_documents`` after Sphinx starts and
    accepts only one document there."""
    extra = [tuple(d) for d in app.config.ctmodule_latex_extra_documents]
    if app.builder.name == "latex" and extra:
        known = {d[1] for d in app.config.latex_documents}
        app.config.latex_documents = list(app.config.latex_documents) + [d for d in extra if d[1] not in known]


def _drop_solutions(app, doctree, docname):
    """In print, the chapters' solutions move to the solutions appendix: drop them here.

    (sphinx-exercise's own ``hide_solutions`` leaves the gated solutions' end markers behind,
    which the LaTeX writer cannot write.)"""
    if app.builder.name != "latex" or not app.config.ctmodule_solutions_in_appendix:
        return
    from sphinx_exercise.nodes import solution_end_node, solution_node, solution_start_node

    for cls in (solution_node, solution_start_node, solution_end_node):
        for node in list(doctree.findall(cls)):
            node.parent.remove(node)


def setup(app):
    app.add_config_value("ctmodule_latex_extra_documents", [], "env")
    app.add_config_value("ctmodule_solutions_in_appendix", False, "env")
    app.connect("doctree-resolved", _drop_solutions)
    app.connect("source-read", _on_source_read)
    app.connect("env-check-consistency", _latex_extra_documents)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
