"""Sphinx extension: pages generated at build time from the repository's data.

A page that contains a marker comment has it replaced by generated MyST before
parsing, and the files it was generated from are recorded as dependencies, so
the page is rebuilt whenever they change (never written by hand, never stale):

- ``<!-- ctmodule:glossary -->``: the glossary from ``glossary/*.yml``;
- ``<!-- ctmodule:data-dictionary -->``: the data dictionary from ``data/datapackage.json``;
- ``<!-- ctmodule:slides -->``: the list of the chapters' slide decks (``ctmodule.book.slides``
  writes the decks themselves when the build has finished).
"""

from __future__ import annotations

from pathlib import Path

from sphinx.errors import ExtensionError

GENERATORS = {
    "<!-- ctmodule:glossary -->": "_glossary",
    "<!-- ctmodule:data-dictionary -->": "_data_dictionary",
    "<!-- ctmodule:slides -->": "_slides",
}


def _glossary(root: Path, env) -> str:
    from ctmodule.book.glossary import render_markdown

    folder = root / "glossary"
    for path in sorted(folder.glob("*.yml")):
        env.note_dependency(str(path))
    return render_markdown(folder)


def _data_dictionary(root: Path, env) -> str:
    from ctmodule.data.datadict import render_markdown

    path = root / "data" / "datapackage.json"
    env.note_dependency(str(path))
    for table in sorted(path.parent.glob("*.csv")):  # the page shows row counts
        env.note_dependency(str(table))
    return render_markdown(path)


def _slides(root: Path, env) -> str:
    from ctmodule.book.slides import CHAPTERS_DIR, chapter_stems, index_markdown

    for stem in chapter_stems(root, env.found_docs):  # the list shows each chapter's title
        env.note_dependency(str(root / CHAPTERS_DIR / f"{stem}.ipynb"))
    return index_markdown(root, env.found_docs)


def _on_source_read(app, docname, source):
    text = source[0]
    for marker, func in GENERATORS.items():
        if marker in text:
            root = Path(app.srcdir)
            try:
                generated = globals()[func](root, app.env)
            except Exception as exc:  # report which page and which generator failed
                raise ExtensionError(f"{docname}: generating {marker} failed: {exc}") from exc
            text = text.replace(marker, generated)
    source[0] = text


def setup(app):
    app.connect("source-read", _on_source_read)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
