"""What the book's builds are made from, shared by the print edition (:mod:`ctmodule.book.pdf`)
and the other editions (:mod:`ctmodule.book.i18n`): the print-only pages, the documents a table of
contents lists (and those it does not), and a digest of every input file."""

from __future__ import annotations

import os
from pathlib import Path

#: The print-only pages, added to the Appendices part of the table of contents.
PRINT_APPENDICES = ["appendix/print-solutions", "appendix/print-answer-key"]
#: The classroom handouts, a print-only page that starts a document of its own (no toc lists it).
HANDOUTS_PAGE = "appendix/print-handouts"
#: Every print-only page: their text has catalogs like any page's.
PRINT_PAGES = [*PRINT_APPENDICES, HANDOUTS_PAGE]


def toc_files(toc: dict) -> set[str]:
    """Every document a jb-book table of contents names (root, chapters, sections), no suffix."""
    found = {str(toc.get("root", ""))}

    def walk(entries):
        for entry in entries or []:
            if entry.get("file"):
                found.add(str(entry["file"]))
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts") or []:
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return {f.removesuffix(".md").removesuffix(".ipynb") for f in found if f}


def outside_toc(root: Path, toc: dict, *, keep: list[str], skip: list[str]) -> list[str]:
    """The Markdown and notebook files under ``root`` that ``toc`` does not list and ``keep`` does
    not name, as exclude patterns; folders that start with ``.`` or ``_`` and top-level folders
    ``skip`` excludes as a whole (``exercises/**``) are not walked."""
    listed = toc_files(toc) | set(keep)
    pruned = {s.split("/")[0] for s in skip if s.endswith("/**") or "/" not in s and "*" not in s}
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = Path(dirpath).relative_to(root)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_"))
                             and not (rel_dir == Path(".") and d in pruned))
        for name in sorted(filenames):
            if name.endswith((".md", ".ipynb")):
                rel = (rel_dir / name).as_posix()
                if rel.rsplit(".", 1)[0] not in listed and rel not in skip:
                    out.append(rel)
    return out


#: What the PDFs are made from: a change to any of these rebuilds them.
INPUTS = ["_config.yml", "_toc.yml", "intro.md", "references.bib", "chapters", "appendix", "classroom",
          "quizzes", "glossary", "data", "src/ctmodule", "locales"]
INPUT_SUFFIXES = {".ipynb", ".md", ".yml", ".yaml", ".json", ".csv", ".bib", ".py", ".js", ".css", ".po"}


def inputs_digest(root: Path) -> str:
    """A digest of every file the PDFs are built from (names and contents)."""
    import hashlib

    h = hashlib.sha256()
    for name in INPUTS:
        top = root / name
        files = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file()) if top.is_dir() else []
        for f in files:
            if f.suffix in INPUT_SUFFIXES and "__pycache__" not in f.parts:
                h.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()
