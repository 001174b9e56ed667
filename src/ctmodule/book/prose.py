"""English left in a page of another edition: untranslated prose and labels in its main text.

A page of the Russian edition (``_build/html/ru/``) should read in Russian; what may stay in English
is what a Russian-speaking scholar would leave in the original too. :func:`page_leaks` reads one
built page (HTML) and reports every **leak** in its main text (``<main>``, else ``<article>``, else
``<body>``), naming the page, the element and the text, of two kinds:

- ``prose``: a run of English words (Latin-script words not interrupted by a word in the page's
  script) with at least :data:`MIN_WORDS` English words, one of them an English function word
  (:data:`STOP_WORDS`: prose has them; a list of names or codes does not);
- ``label``: a heading, caption, table header, admonition title, button or other label element
  (:data:`LABEL_TAGS`, :data:`LABEL_CLASSES`) whose text is English only, with no word in the
  page's script: an untranslated template or generated string ("Contents", "Print edition").

What is not English prose, and so never a leak (the allowances, each a rule, not a page list):

- **code and math**: ``pre``, ``code``, ``kbd``, ``samp``, ``script``, ``style``, the
  highlighted code blocks, notebook cell inputs, ``.math`` and MathJax/MathML;
- **citations and the bibliography** (they stay in their original language): ``cite``, the
  in-text citations (``.bibtex-citation``) and the entries of a reference list (``.citation``,
  ``.bibliography``);
- **text marked as another language**: any element with a ``lang`` other than the page's
  (``<span lang="en">``), and the variants of a multilingual output (:mod:`ctmodule.book.bilingual`)
  that the page does not show. Where such an output has no variant in the page's language, its
  source (English) variant *is* shown, and is checked like any other text;
- **quoted titles and quotations**: ``q``, text within quotation marks (« », “ ”, „ “, " ", ‘ ’),
  and a title set in italics (``em``, ``i`` with no letter of the page's script) within text that
  is in the page's language, as Russian academic usage sets foreign titles;
- **URLs, e-mail addresses, DOIs and file names**;
- **acronyms and identifiers**: words in capitals (``UN``, ``OSCE``, ``S/RES/1566``), and tokens
  with digits or underscores (``source_id``), and single letters (a glossary's initials, list
  markers); they neither count as English words nor end a run;
- **names**: the English forms of the people, bodies and places in the terminology
  (``locales/terminology.csv``, kinds ``name``, ``body``, ``place``), and the authors of the sources
  (``data/sources.csv``): removed before the words are counted, so they end no run and count in none.

:func:`site_leaks` checks every page of an edition's folder. ``ctmodule check-prose [--lang ru]``
prints the leaks and exits non-zero when there are any.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ctmodule.paths import repo_root

#: a run needs this many English words (names, acronyms and identifiers not counted) to be prose
MIN_WORDS = 4
#: English function words: a run of English words with none of them is a list of names or terms
STOP_WORDS = frozenset(
    """a an the of and or but nor to in on at by for from with without into onto over under about
    as is are was were be been being has have had do does did not no this that these those it its
    their there here which who whom whose what when where why how than then so such each every any
    all some can could may might must shall should will would our your his her they we you he she
    i if via per upon also only more most other same both either neither between within after before
    during while because""".split()
)
#: elements whose whole text is a label: English only is a leak even when short
LABEL_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "th", "caption", "figcaption", "button",
                        "label", "summary", "legend", "dt", "option"})
LABEL_CLASSES = frozenset({"admonition-title", "caption-text", "sidebar-title", "topic-title",
                           "rubric", "menu-title"})
#: elements skipped with everything inside them (code, math, citations, reference lists)
SKIP_TAGS = frozenset({"pre", "code", "kbd", "samp", "script", "style", "template", "noscript",
                       "math", "svg", "cite", "q", "mjx-container", "var", "textarea"})
SKIP_CLASSES = frozenset({"highlight", "cell_input", "math", "bibtex-citation", "citation",
                          "bibliography", "footnote-reference", "headerlink", "MathJax",
                          "notranslate-prose"})
BLOCK_TAGS = frozenset({"p", "li", "dd", "td", "div", "section", "blockquote", "aside", "header",
                        "footer", "nav", "ul", "ol", "dl", "table", "tr", "tbody", "thead", "figure",
                        "details", "article", "main", "form", "fieldset", "br", "hr"}) | LABEL_TAGS
#: italics: a title in the original language inside text in the page's language (Russian usage)
TITLE_TAGS = frozenset({"em", "i"})
#: blocks read as one text, whatever they hold
LEAF_BLOCKS = frozenset({"p", "li", "dd", "td", "blockquote"}) | LABEL_TAGS
NAME_KINDS = frozenset({"name", "body", "place"})

SCRIPTS = {"ru": r"А-Яа-яЁё", "kk": r"А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі"}

_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|„[^“”]*[“”]|\"[^\"]*\"|‘[^’]*’|‚[^‘’]*[‘’]")
_URLISH = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://|www\.|doi:)\S+|\b10\.\d{4,9}/\S+|\S+@\S+\.\w+|"
    r"\b[\w./-]+\.(?:html?|ipynb|md|csv|json|ya?ml|py|pdf|zip|bib|po|txt|svg|png)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Leak:
    page: str
    kind: str  # "prose" or "label"
    element: str  # a CSS-like path to the element, e.g. "section#sources > p"
    text: str
    #: where the text comes from: "text" (the page's own), "output" (a notebook output: a figure or
    #: a glued table), "explorer" (an interactive explorer) or "slides" (a slide deck)
    origin: str = "text"

    def __str__(self) -> str:
        return f"{self.page}: {self.kind} in <{self.element}> ({self.origin}): {self.text!r}"


def _split_names(text: str) -> list[str]:
    return [n.strip() for n in re.split(r";|\band\b|&", text) if len(n.strip()) > 1]


def known_names(root: str | Path | None = None) -> list[str]:
    """The names that stay as they are spelt in English: the terminology's people, bodies and
    places (their ``en`` form), the authors of ``data/sources.csv`` and the data's row
    identifiers (:func:`data_identifiers`), longest first."""
    root = Path(root) if root is not None else repo_root()
    names: set[str] = set()
    term_file = root / "locales" / "terminology.csv"
    if term_file.is_file():
        with term_file.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if (row.get("kind") or "").strip() in NAME_KINDS and (row.get("en") or "").strip():
                    names.add(row["en"].strip())
    sources = root / "data" / "sources.csv"
    if sources.is_file():
        with sources.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                names.update(_split_names(row.get("author") or ""))
    names.update(data_identifiers(root))
    return sorted(names, key=len, reverse=True)


def data_identifiers(root: Path) -> set[str]:
    """The identifiers of the data package's rows (each table's primary key: ``website-blocking``,
    ``ev-42``): the code and the tables name rows by them in every edition; they are not prose."""
    from ctmodule.data import row_identifiers

    if not (root / "data" / "datapackage.json").is_file():
        return set()
    return set(row_identifiers(root / "data"))


def _names_pattern(names: Iterable[str]) -> re.Pattern | None:
    names = sorted({n for n in names if n.strip()}, key=len, reverse=True)
    if not names:
        return None
    return re.compile(r"(?<![\w])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w])")


class _Checker:
    def __init__(self, lang: str, names: Iterable[str], min_words: int):
        if lang not in SCRIPTS:
            raise ValueError(f"no script for language {lang!r}; add it to ctmodule.book.prose.SCRIPTS")
        self.lang = lang
        self.native = re.compile(f"[{SCRIPTS[lang]}]")
        self.token = re.compile(rf"[{SCRIPTS[lang]}]+|[A-Za-z0-9_][\w'’/.-]*|[.!?;:]")
        self.names = _names_pattern(names)
        self.min_words = min_words

    # -- which text counts ------------------------------------------------------------------
    def _foreign_lang(self, value: str | None) -> bool:
        return bool(value) and value.split("-")[0].lower() != self.lang

    def skipped(self, el) -> bool:
        classes = set(el.get("class") or [])
        if el.name in SKIP_TAGS or classes & SKIP_CLASSES or el.has_attr("hidden"):
            return True
        if el.get("aria-hidden") == "true" and not el.get_text(strip=True).strip("¶#"):
            return True
        parent = el.parent
        if el.name in TITLE_TAGS and parent is not None and not self.native.search(el.get_text()) \
                and self.native.search(parent.get_text()):
            return True  # a foreign title in italics, within text in the page's language
        if el.has_attr("lang") and parent is not None and "ctmodule-l10n" in (parent.get("class") or []):
            return not self._shown_variant(el, parent)
        return self._foreign_lang(el.get("lang"))

    def _shown_variant(self, el, wrapper) -> bool:
        """The bilingual stylesheet's rule: the page's variant, or the source one if there is none."""
        langs = [c.get("lang", "").split("-")[0] for c in wrapper.find_all(recursive=False) if c.has_attr("lang")]
        mine = el.get("lang", "").split("-")[0]
        if self.lang in langs:
            return mine == self.lang
        return el.has_attr("data-l10n-source")

    def text_of(self, el) -> str:
        """The visible text of ``el`` that counts, blocks separated by newlines."""
        from bs4 import NavigableString, Tag

        parts: list[str] = []

        def walk(node):
            for child in node.children:
                if isinstance(child, Tag):
                    if self.skipped(child):
                        parts.append(" ")
                        continue
                    block = child.name in BLOCK_TAGS
                    if block:
                        parts.append("\n")
                    walk(child)
                    if block:
                        parts.append("\n")
                elif isinstance(child, NavigableString) and type(child).__name__ == "NavigableString":
                    parts.append(str(child))

        walk(el)
        return "".join(parts)

    def clean(self, text: str) -> str:
        text = _URLISH.sub(" ", text)
        text = _QUOTED.sub(" ", text)
        if self.names is not None:
            text = self.names.sub(" ", text)
        return text

    # -- what is English ----------------------------------------------------------------------
    @staticmethod
    def _neutral(word: str) -> bool:
        """An acronym, a code or an identifier: neither English nor a break in a run."""
        letters = re.sub(r"[^A-Za-z]", "", word)
        return (len(letters) <= 1 or any(c.isdigit() or c == "_" for c in word)
                or (len(letters) > 1 and letters.isupper()) or "/" in word)

    def runs(self, text: str) -> list[list[str]]:
        """Runs of English words: Latin words not interrupted by a word in the page's script,
        nor by a line break (a block's end)."""
        found: list[list[str]] = []
        for line in text.split("\n"):
            run: list[str] = []
            for token in self.token.findall(line):
                if self.native.match(token):
                    if run:
                        found.append(run)
                    run = []
                elif token[0].isalnum() or token[0] == "_":
                    if not self._neutral(token):
                        run.append(token.strip(".'’-"))
            if run:
                found.append(run)
        return found

    def is_prose(self, run: list[str]) -> bool:
        return len(run) >= self.min_words and any(w.lower() in STOP_WORDS for w in run)

    # -- the page ----------------------------------------------------------------------------
    def leaks(self, soup, page: str) -> list[Leak]:
        root = soup.find("main") or soup.find("article") or soup.body or soup
        out: list[Leak] = []
        self._visit(root, page, out)
        self._alt_texts(root, page, out)
        return out

    def _alt_texts(self, root, page: str, out: list[Leak]) -> None:
        """An image's alt text is read too (by screen readers, and where the image does not load)."""
        for img in root.find_all("img"):
            alt = img.get("alt") or ""
            if not alt.strip() or self.skipped(img):
                continue
            if any(self.skipped(e) for e in img.parents if e is not root and e.name not in (None, "[document]")):
                continue
            for run in self.runs(self.clean(alt)):
                if self.is_prose(run):
                    out.append(Leak(page, "alt text", _where(img), " ".join(run)[:200], origin(img)))
                    break

    def _visit(self, el, page: str, out: list[Leak]) -> None:
        from bs4 import Tag

        for child in el.children:
            if not isinstance(child, Tag) or self.skipped(child):
                continue
            classes = set(child.get("class") or [])
            if child.name in LABEL_TAGS or classes & LABEL_CLASSES:
                raw = self.text_of(child)
                text = " ".join(raw.split())
                if not self.native.search(text):
                    words = [w for r in self.runs(self.clean(raw)) for w in r]
                    if words:
                        out.append(Leak(page, "label", _where(child), text[:200], origin(child)))
                        continue
            # a paragraph, list item or cell, or an element with no block inside: one text
            if child.name in LEAF_BLOCKS or not any(
                isinstance(c, Tag) and c.name in BLOCK_TAGS for c in child.descendants
            ):
                self._prose(child, page, out)
            else:
                self._own_text(child, page, out)
                self._visit(child, page, out)

    def _own_text(self, el, page: str, out: list[Leak]) -> None:
        """Text directly inside a container (not in its child blocks)."""
        from bs4 import NavigableString

        own = " ".join(str(c) for c in el.children if isinstance(c, NavigableString)
                       and type(c).__name__ == "NavigableString")
        self._report(own, el, page, out)

    def _prose(self, el, page: str, out: list[Leak]) -> None:
        self._report(self.text_of(el), el, page, out)

    def _report(self, raw: str, el, page: str, out: list[Leak]) -> None:
        for run in self.runs(self.clean(raw)):
            if self.is_prose(run):
                out.append(Leak(page, "prose", _where(el), " ".join(run)[:200], origin(el)))


OUTPUT_CLASSES = frozenset({"cell_output", "output", "text_html", "text_plain", "glue"})


def origin(el) -> str:
    """Where the element's text comes from (:attr:`Leak.origin`), from its ancestors' classes."""
    found = "text"
    for e in [el, *el.parents]:
        classes = set(e.get("class") or []) if e.name not in (None, "[document]") else set()
        if any(c.startswith("ctmodule-explorer") for c in classes):
            return "explorer"
        if classes & OUTPUT_CLASSES:
            found = "output"
    return found


def _where(el) -> str:
    """A short CSS-like path: the nearest ancestor with an id, then the element."""
    def one(e) -> str:
        s = e.name
        if e.get("id"):
            s += f"#{e['id']}"
        elif e.get("class"):
            s += "." + ".".join(e["class"][:2])
        return s

    chain = [one(el)]
    for parent in el.parents:
        if parent.name in (None, "[document]", "html", "body"):
            break
        if parent.get("id"):
            chain.append(one(parent))
            break
    return " > ".join(reversed(chain))


def page_leaks(html: str, page: str = "<page>", *, lang: str | None = None,
               names: Iterable[str] | None = None, min_words: int = MIN_WORDS) -> list[Leak]:
    """The English prose and labels left in one page's main text. ``lang``: the page's language
    (default: its ``<html lang>``); ``names``: the names allowed (default :func:`known_names`)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    if lang is None:
        tag = soup.find("html")
        lang = (tag.get("lang") if tag is not None else None) or ""
        lang = lang.split("-")[0]
    if names is None:
        names = known_names()
    return _Checker(lang, names, min_words).leaks(soup, page)


#: folders of an edition that hold no pages of its own
ASSET_DIRS = frozenset({"_static", "_sources", "_images", "_downloads", "_vendor", ".doctrees"})


def edition_pages(site: str | Path) -> list[Path]:
    site = Path(site)
    return [p for p in sorted(site.rglob("*.html"))
            if not any(part in ASSET_DIRS or part.startswith(".") for part in p.relative_to(site).parts)]


def site_leaks(site: str | Path, lang: str, *, names: Iterable[str] | None = None,
               skip: Iterable[str] = ("genindex.html", "search.html")) -> list[Leak]:
    """Every leak in the pages of an edition's folder (``_build/html/ru``); ``skip``: page paths
    (relative to it) that have no main text of their own."""
    site = Path(site)
    names = list(known_names() if names is None else names)
    skip = set(skip)
    leaks: list[Leak] = []
    for path in edition_pages(site):
        rel = path.relative_to(site).as_posix()
        if rel in skip:
            continue
        text = path.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in text[:2000]:  # a redirect, no text
            continue
        leaks.extend(page_leaks(text, rel, lang=lang, names=names))
    return leaks


# --- the command ---------------------------------------------------------------------------

def add_arguments(parser) -> None:
    parser.add_argument("--site", type=Path, default=None,
                        help="the built site (default: _build/html of this repository)")
    parser.add_argument("--lang", action="append", default=None,
                        help="an edition's language (repeatable; default: every edition folder with catalogs)")
    parser.add_argument("--origin", action="append", choices=["text", "output", "explorer"], default=None,
                        help="report only leaks of this origin (repeatable; default: all)")


def run(args) -> int:
    from collections import Counter

    site = args.site or (repo_root() / "_build" / "html")
    langs = args.lang or sorted(p.parent.name for p in (repo_root() / "locales").glob("*/LC_MESSAGES")
                                if (site / p.parent.name).is_dir())
    if not langs:
        print(f"check-prose: no edition in another language under {site}: run `make book`")
        return 1
    leaks: list[Leak] = []
    for lang in langs:
        leaks += [Leak(f"{lang}/{leak.page}", leak.kind, leak.element, leak.text, leak.origin) for leak in site_leaks(site / lang, lang)
                  if args.origin is None or leak.origin in args.origin]
    for leak in leaks:
        print(leak)
    counts = Counter((leak.origin, leak.kind) for leak in leaks)
    summary = ", ".join(f"{n} {kind} ({origin})" for (origin, kind), n in sorted(counts.items())) or "none"
    print(f"check-prose: {', '.join(langs)}: {len(leaks)} English leaks: {summary}")
    return 1 if leaks else 0
