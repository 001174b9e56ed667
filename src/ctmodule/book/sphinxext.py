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
    """The handouts, as the classroom pages have them; in another edition, Sphinx translates them
    with the classroom pages' catalogs (:func:`_handouts_catalog`)."""
    from ctmodule.book.classroom import PAGES, handouts_markdown

    lang = _language(env)
    for page in PAGES:
        env.note_dependency(str(root / page))
        if lang != "en":
            po = root / "locales" / lang / "LC_MESSAGES" / f"{page.removesuffix('.md')}.po"
            if po.is_file():
                env.note_dependency(str(po))
    return handouts_markdown(root)


#: The handouts page's catalog in another edition, made at build time from the classroom pages'.
GENERATED_CATALOGS = Path("_build") / "i18n" / "catalogs"


def handouts_messages(root: Path, lang: str) -> dict[str, str]:
    """The translations the handouts page needs in ``lang``: every translated message of the
    classroom pages (the handouts are their text), and the simulation's name that the page puts
    in italics above each handout. The page's own text (its title and introduction) is in its
    own catalog, like any page's. A message that two classroom pages translate differently is
    an error naming both (one catalog cannot hold both, and one term has one translation)."""
    from ctmodule.book.classroom import PAGES, page_title

    done: dict[str, str] = {}
    origin: dict[str, str] = {}
    for page in PAGES:
        found = _page_translations(root, lang, page.removesuffix(".md"))
        catalog = f"locales/{lang}/LC_MESSAGES/{page.removesuffix('.md')}.po"
        clashes = sorted(m for m in found if m in done and done[m] != found[m])
        if clashes:
            m = clashes[0]
            raise ExtensionError(
                f"{catalog}: {m!r} is translated {found[m]!r}, but {origin[m]} has {done[m]!r}: "
                f"the handouts page takes both pages' translations, so they must agree "
                f"({len(clashes)} such message(s))")
        done.update(found)
        origin.update(dict.fromkeys(found, catalog))
        title = page_title((root / page).read_text(encoding="utf-8"))
        if title in found:
            done[f"*{title}*"] = f"*{found[title]}*"
    return done


def write_catalog(path: Path, messages: dict[str, str], lang: str) -> bool:
    """Write ``messages`` (msgid -> msgstr) as a ``.po`` file; an unchanged file is left as it is
    (Sphinx compiles a catalog again when its ``.po`` is newer). Returns whether it was written."""
    import io

    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    catalog = Catalog(locale=lang, fuzzy=False)
    for msgid, msgstr in sorted(messages.items()):
        catalog.add(msgid, msgstr)
    buffer = io.BytesIO()
    write_po(buffer, catalog, omit_header=True, width=0)
    data = buffer.getvalue()
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def _handouts_catalog(app, config) -> None:
    """In an edition in another language, the handouts page is translated by the classroom pages'
    catalogs (the handouts are their text, generated into the page when it is read): they are
    merged into a catalog of the page's name in a build folder that Sphinx also reads
    (``locale_dirs``), behind the page's own catalog."""
    lang = str(config.language or "en").split("_")[0]
    if lang == "en" or not config.locale_dirs:
        return
    root = Path(app.srcdir)
    folder = root / GENERATED_CATALOGS
    from ctmodule.book.sources import HANDOUTS_PAGE

    write_catalog(folder / lang / "LC_MESSAGES" / f"{HANDOUTS_PAGE}.po", handouts_messages(root, lang), lang)
    if str(folder) not in [str(d) for d in config.locale_dirs]:
        config.locale_dirs = [*config.locale_dirs, str(folder)]


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
            # the gettext builder leaves the size out: the catalogs must not depend on whether
            # this machine built the PDFs (a number is not a message to translate anyway)
            size = "" if extracting else f"{path.stat().st_size / 1_000_000:.1f}"
            rows.append(f"| {cell} | {size} |")
    missing = ("The PDF files were not built with this copy of the site. To build them, install the "
               "TeX packages listed in the README and run `make pdf`; `make book` then links them here.")
    table = ("## Download\n\n| PDF file | Size (MB) |\n| --- | --- |\n" + "\n".join(rows) + "\n") if rows else ""
    if extracting:
        return table + "\n" + missing + "\n"
    return table or missing


#: Generated content that has no messages of its own: the answer key is written from the
#: translated quizzes, the solutions from their chapters' catalogs, the handouts from the classroom
#: pages' (:func:`_handouts_catalog`).
NOT_EXTRACTED = {"<!-- ctmodule:quiz-answers -->", "<!-- ctmodule:solutions -->", "<!-- ctmodule:handouts -->"}


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


#: The plugin groups that pybtex and sphinxcontrib-bibtex look up while a page's citations are
#: formatted (styles, names, labels, sorting, backends).
PYBTEX_GROUPS = ("pybtex.backends", "pybtex.style.formatting", "pybtex.style.labels", "pybtex.style.names",
                 "pybtex.style.sorting", "pybtex.database.input")
BIBTEX_GROUPS = ("sphinxcontrib.bibtex.style.referencing",)


def register_bibtex_plugins() -> int:
    """Register every installed pybtex and sphinxcontrib-bibtex plugin as a run-time plugin
    (their own ``register_plugin``), which both look up before the entry points: they otherwise
    read every installed package's entry points for each citation they format (a tenth of a
    clean build's time, in every edition). Returns how many were registered."""
    from importlib.metadata import entry_points

    import pybtex.plugin
    import sphinxcontrib.bibtex.plugin as bibtex_plugin

    count = 0
    for groups, register in ((PYBTEX_GROUPS, pybtex.plugin.register_plugin),
                             (BIBTEX_GROUPS, bibtex_plugin.register_plugin)):
        for group in groups:
            for point in entry_points(group=group):
                try:
                    klass = point.load()
                except Exception:  # a plugin that cannot load is left to be reported where it is used
                    continue
                register(group, point.name, klass, force=True)
                count += 1
    return count


def _register_bibtex_plugins(app, config) -> None:
    if "sphinxcontrib.bibtex" in app.extensions:
        register_bibtex_plugins()


def setup(app):
    app.connect("config-inited", _register_bibtex_plugins)
    app.add_config_value("ctmodule_latex_extra_documents", [], "env")
    app.add_config_value("ctmodule_solutions_in_appendix", False, "env")
    app.connect("doctree-resolved", _drop_solutions)
    app.connect("source-read", _on_source_read)
    app.connect("config-inited", _handouts_catalog)
    app.connect("env-check-consistency", _latex_extra_documents)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
