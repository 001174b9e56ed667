"""Checks on the bibliography (``references.bib``) against the sources table and the texts.

The data validator (``ctmodule validate``) already checks that every ``bib_key`` of
``data/sources.csv`` is an entry of ``references.bib``. This module checks the other
direction and the quality of the entries themselves::

    from ctmodule.data import bibliography
    problems = bibliography.check()        # [] when all is well
    for p in problems:
        print(p)                           # references.bib:123: Key: message

What :func:`check` reports, entry by entry:

- an entry with no row in ``data/sources.csv`` (every cited work must be traceable there);
- an entry that nothing uses: no page cites it (``{cite:p}`Key``` and friends in
  ``chapters/*.ipynb``, the Markdown pages and the appendix; the bibliography page's
  ``:all:`` does not count) and no data row refers to its source through a field marked
  ``"ctmodule:references"`` in ``data/datapackage.json``. A source whose note in
  ``sources.csv`` starts with ``Cited by seed`` counts as used: the module records the
  references of its two seed texts so that a reader can trace them;
- a web address on a document-sharing or mirror host (:data:`SHARING_HOSTS`), where the
  publisher's page, a DOI or an official register should be cited instead;
- an ``author`` that is a bare domain name, written as a host name in lower case
  (``example.org``): name the byline, or the organisation responsible for the page (an
  outlet whose own name ends in a domain, such as ``Tengrinews.kz``, is written as it
  styles itself and is not flagged);
- an ``@article`` without a DOI (a ``doi`` field or a ``https://doi.org/`` address), unless
  its ``note`` says that no DOI was found or confirmed;
- a title that is descriptive (in ``[square brackets]``) in one of the two files but given as
  a headline in the other.

The same host rule is applied to the ``url`` column of ``data/sources.csv``.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ctmodule.paths import repo_root

#: Hosts that redistribute documents uploaded by others, or mirror other sites. A host
#: matches itself and every subdomain (``ja.scribd.com`` matches ``scribd.com``).
SHARING_HOSTS = (
    "docslib.org",
    "vdocuments.site",
    "vdocuments.mx",
    "vdocuments.net",
    "vdoc.pub",
    "scribd.com",
    "lawyersnjurists.com",
    "vlex.com",
    "fdocuments.net",
    "fdocuments.in",
    "fdocuments.us",
    "fdokumen.com",
    "dokumen.tips",
    "documents.pub",
    "doczz.net",
    "paperzz.com",
    "fayllar.org",
    "epdf.mx",
    "epdf.pub",
    "pdfcoffee.com",
    "studylib.net",
    "lawsdocbox.com",
    "readkong.com",
    "clateway.com",
    "wikimili.com",
    "fanyjok.com",
)

CITE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")
ENTRY = re.compile(r"^@\s*(\w+)\s*\{\s*([^,\s]+)\s*,", re.M)
DOMAIN = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$")
NO_DOI = re.compile(r"\b(?:no DOI|DOI (?:was )?not (?:found|confirmed|recorded|assigned))\b", re.I)
SKIP_DIRS = {"_build", ".venv", "node_modules", ".git", ".ipynb_checkpoints", "_vendor"}


@dataclass
class Entry:
    key: str
    kind: str
    line: int
    fields: dict[str, str] = field(default_factory=dict)


def _strip_braces(value: str) -> str:
    return re.sub(r"[{}]", "", value).strip()


def read_entries(path: str | Path) -> dict[str, Entry]:
    """The entries of a BibTeX file, with their line numbers and raw field values.

    Raises ``ValueError`` naming the file and line of an entry that cannot be parsed or of
    a key that occurs twice.
    """
    from pybtex.database import parse_string  # heavy; only when checking
    from pybtex.scanner import PybtexSyntaxError

    path = Path(path)
    text = path.read_text(encoding="utf-8")
    lines: dict[str, int] = {}
    for m in ENTRY.finditer(text):
        if m.group(1).lower() in {"comment", "string", "preamble"}:
            continue
        key = m.group(2)
        line = text.count("\n", 0, m.start()) + 1
        if key in lines:
            raise ValueError(f"{path.name}:{line}: {key}: duplicate key (first at line {lines[key]})")
        lines[key] = line
    try:
        db = parse_string(text, "bibtex")
    except PybtexSyntaxError as exc:
        raise ValueError(f"{path.name}: cannot be parsed: {exc}") from exc
    entries = {}
    for key, e in db.entries.items():
        fields = {k.lower(): str(v) for k, v in e.fields.items()}
        for role, persons in e.persons.items():
            fields[role.lower()] = " and ".join(str(p) for p in persons)
        entries[key] = Entry(key, e.type.lower(), lines.get(key, 0), fields)
    return entries


def page_texts(root: str | Path):
    """``(path, text)`` of every Markdown page and notebook under ``root`` outside ``SKIP_DIRS``;
    a notebook's text is its cells' sources. Raises ``ValueError`` naming an unreadable notebook."""
    root = Path(root)
    for p in root.rglob("*"):
        if p.suffix not in {".ipynb", ".md"} or not p.is_file():
            continue
        if SKIP_DIRS & set(p.relative_to(root).parts):
            continue
        text = p.read_text(encoding="utf-8")
        if p.suffix == ".ipynb":
            try:
                text = "\n".join("".join(c.get("source", "")) for c in json.loads(text)["cells"])
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{p.relative_to(root)}: not a readable notebook: {exc}") from exc
        yield p, text


def cited_keys(root: str | Path) -> set[str]:
    """Every key cited with ``{cite...}`` in the chapters, appendix and Markdown pages."""
    keys: set[str] = set()
    for _, text in page_texts(root):
        for m in CITE.finditer(text):
            keys.update(k.strip() for k in m.group(1).split(",") if k.strip())
    return keys


def referenced_sources(data_dir: str | Path) -> set[str]:
    """Every ``source_id`` that a data row refers to through a ``ctmodule:references`` field."""
    data_dir = Path(data_dir)
    descriptor = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    used: set[str] = set()
    for res in descriptor.get("resources", []):
        fields = [
            (f["name"], f["ctmodule:references"].get("separator", ";"))
            for f in res.get("schema", {}).get("fields", [])
            if (f.get("ctmodule:references") or {}).get("resource") == "sources"
        ]
        if not fields:
            continue
        with (data_dir / res["path"]).open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                for name, sep in fields:
                    used.update(s.strip() for s in (row.get(name) or "").split(sep) if s.strip())
    return used


def sharing_host(url: str) -> str | None:
    """The document-sharing host a web address is on, or ``None``."""
    host = (urlsplit(url.strip()).hostname or "").lower()
    for h in SHARING_HOSTS:
        if host == h or host.endswith("." + h):
            return h
    return None


def _descriptive(title: str) -> bool:
    return _strip_braces(title).startswith("[")


def check(root: str | Path | None = None) -> list[str]:
    """All problems of ``references.bib`` and the ``url`` column of ``data/sources.csv``."""
    root = Path(root) if root is not None else repo_root()
    bib = root / "references.bib"
    sources_csv = root / "data" / "sources.csv"
    entries = read_entries(bib)
    with sources_csv.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    by_key = {r["bib_key"]: (n, r) for n, r in enumerate(rows, start=2)}
    cited = cited_keys(root)
    referenced = referenced_sources(root / "data")
    problems = []

    def report(e: Entry, message: str) -> None:
        problems.append(f"{bib.name}:{e.line}: {e.key}: {message}")

    for e in sorted(entries.values(), key=lambda e: e.line):
        row = by_key.get(e.key)
        if row is None:
            report(e, "no row of data/sources.csv has this bib_key")
        seed_ref = row is not None and row[1].get("note", "").startswith("Cited by seed")
        if e.key not in cited and not seed_ref and (row is None or row[1]["source_id"] not in referenced):
            report(e, "unused: no page cites it and no data row refers to its source")
        url = e.fields.get("url", "")
        if url and (host := sharing_host(url)):
            report(
                e,
                f"url is on the document-sharing or mirror host {host}: cite the publisher, a DOI or the official register",
            )
        author = _strip_braces(e.fields.get("author", ""))
        if author and DOMAIN.match(author):
            report(e, f'author "{author}" is a domain name: give the byline or the organisation')
        if e.kind == "article":
            has_doi = bool(e.fields.get("doi")) or url.startswith("https://doi.org/")
            if not has_doi and not NO_DOI.search(e.fields.get("note", "")):
                report(e, "journal article without a DOI (add doi, or say in note that no DOI was found)")
        if row is not None:
            csv_title = row[1].get("title", "")
            if _descriptive(e.fields.get("title", "")) != _descriptive(csv_title):
                report(e, f"title is descriptive in one file only (data/sources.csv line {row[0]})")
    for n, r in enumerate(rows, start=2):
        if r.get("url") and (host := sharing_host(r["url"])):
            problems.append(
                f"data/sources.csv:{n}:url: {r['source_id']}: on the document-sharing or mirror host {host}"
            )
    return problems
