"""Slide decks for every chapter, generated from the built book (reveal.js, served by the site).

For each chapter notebook ``chapters/NN-slug.ipynb`` that the book builds, one static reveal.js
deck is written to ``slides/NN-slug.html`` in the built site, next to ``chapters/``. An instructor
can present a chapter with it and prepare nothing:

- a title slide (the chapter's H1), then the learning outcomes (the numbered list under
  ``## Overview``);
- a road map of the chapter's sections, then one slide for each section (its heading, its opening
  sentences and the titles of its subsections), followed by a slide for each of its figures and
  tables, with their caption and alt text as the book shows them;
- the discussion questions (``## Discussion questions``), one to a slide;
- the first :data:`QUIZ_ITEMS` questions of the chapter's quiz (``quizzes/NN-slug.json``), their
  answers revealed as a fragment (the next key press), every answer's feedback in the notes;
- the summary (``## Summary``), split over as many slides as its length needs.

Every slide is a ``<section>`` with a heading and speaker notes (``<aside class="notes">``, the
S key opens reveal.js's speaker view) taken from the chapter's own text. The content comes from
the chapter *as built* (its HTML page), so glued numbers, citations, glossary terms and figures
appear exactly as in the book; the notebook is read too, to check that the chapter follows the
template and that the page holds what the notebook says (the number of learning outcomes and
discussion questions), so a chapter that drifts from the template fails the build with a message
naming the notebook.

The decks load only the site's own files: reveal.js is vendored from npm into
``_static/reveal/`` (``tools/vendor.py``), images are the book's own (``_images/``), links to
other sites are kept as plain text, and the decks work from ``file://`` (the offline zip). Links
into the book are rebased from ``chapters/`` to ``slides/``.

:func:`build_decks` is run by the Sphinx extension in this module (``build-finished``), so
``make book`` writes the decks; ``python -m ctmodule.book.slides SITE [--lang ru]`` regenerates
them for an existing build.

Every edition has its own decks: the build of the Russian edition (``ctmodule i18n build``, run by
``make book``) writes them from its Russian pages and the Russian quizzes
(``quizzes/NN-slug.ru.json``) into ``_build/html/ru/slides/``, with ``<html lang="ru">``. The
sections are matched to the notebook's by position, so a translated heading is still known as the
template's Overview, Discussion questions or Summary; every heading and label the deck code writes
is marked ``N_()`` and translated through :mod:`ctmodule.l10n`. :func:`index_markdown` writes the list of decks for ``appendix/slides.md``.
Nothing here knows which chapters exist: a new chapter that follows the template gets its deck.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ctmodule.book import quiz as quizzes
from ctmodule.l10n import N_, SOURCE_LANGUAGE, check_language, option_letters, translator
from ctmodule.paths import repo_root

CHAPTER_STEM = re.compile(r"^(\d{2})-[A-Za-z0-9][A-Za-z0-9_-]*$")
CHAPTERS_DIR = "chapters"
SLIDES_DIR = "slides"
REVEAL_DIR = "_static/reveal"  # where tools/vendor.py puts reveal.js (via _vendor/)
REVEAL_FILES = ("reveal.js", "reveal.css", "theme/white-contrast.css", "plugin/notes.js")

QUIZ_ITEMS = 3
# Sections of the template that get their own slides (or none) rather than a section slide.
TEMPLATE_SECTIONS = {"overview", "prerequisites", "setup", "self-check", "exercises",
                     "discussion questions", "summary", "further reading", "references"}
REQUIRED_SECTIONS = ("Overview", "Discussion questions", "Summary")
# How much text a slide holds before it is split (characters of visible text).
SLIDE_TEXT_BUDGET = 650
LEAD_SENTENCES = 2
LEAD_MAX_CHARS = 320
NOTES_MAX_CHARS = 1400


class SlideError(ValueError):
    """A chapter cannot be turned into a deck; the message names the file and what is wrong."""


# ---------------------------------------------------------------------------------------------
# The notebook: the template's structure


@dataclass
class Outline:
    """What the chapter notebook's markdown says the chapter holds."""

    path: Path
    title: str
    sections: list[str]
    outcomes: int
    discussion: int


def _markdown_cells(path: Path) -> list[tuple[int, str]]:
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise SlideError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise SlideError(f"{path}:{exc.lineno}:{exc.colno}: not a notebook (JSON: {exc.msg})") from None
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list):
        raise SlideError(f"{path}: not a notebook (no list of cells)")
    out = []
    for i, cell in enumerate(cells, start=1):
        if isinstance(cell, dict) and cell.get("cell_type") == "markdown":
            src = cell.get("source", "")
            out.append((i, "".join(src) if isinstance(src, list) else str(src)))
    return out


_FENCE = re.compile(r"^\s*(```|~~~|:::)")


def _top_level_items(text: str) -> int:
    """The number of top-level items of the first numbered list in ``text`` (MyST markdown)."""
    count, started, fenced = 0, False, False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        if re.match(r"^\d+[.)]\s", line):
            count += 1
            started = True
        elif started and line.strip() and not line.startswith((" ", "\t")):
            break
    return count


def read_outline(path: str | Path) -> Outline:
    """Read a chapter notebook's H1, its ``##`` sections, and count its learning outcomes and
    discussion questions. Raises :class:`SlideError` naming the notebook (and cell) when the
    chapter does not follow the template."""
    path = Path(path)
    title, title_cell = None, None
    sections: list[str] = []
    bodies: dict[str, str] = {}
    current = None
    for number, text in _markdown_cells(path):
        fenced = False
        for line in text.splitlines():
            if _FENCE.match(line):
                fenced = not fenced
            if fenced:
                if current:
                    bodies[current] += line + "\n"
                continue
            if line.startswith("# "):
                if title is not None:
                    raise SlideError(f"{path}: cell {number}: a second H1 ({line[2:].strip()!r}); "
                                     f"the title is already {title!r} (cell {title_cell})")
                title, title_cell = line[2:].strip(), number
                current = None
            elif line.startswith("## "):
                current = line[3:].strip()
                sections.append(current)
                bodies[current] = ""
            elif current:
                bodies[current] += line + "\n"
        if current:
            bodies[current] += "\n"
    if not title:
        raise SlideError(f"{path}: no H1 (a '# Title' line): the chapter template starts with one")
    for name in REQUIRED_SECTIONS:
        if name not in bodies:
            raise SlideError(f"{path}: no '## {name}' section: the chapter template has one")
    outcomes = _top_level_items(bodies["Overview"])
    discussion = _top_level_items(bodies["Discussion questions"])
    if not outcomes:
        raise SlideError(f"{path}: '## Overview' has no numbered list of learning outcomes")
    if not discussion:
        raise SlideError(f"{path}: '## Discussion questions' has no numbered list")
    return Outline(path, title, sections, outcomes, discussion)


# ---------------------------------------------------------------------------------------------
# The built page: what the book shows


@dataclass
class Figure:
    """A figure or table of the chapter (a ``<figure>`` of the built page)."""

    anchor: str
    kind: str  # "figure" or "table"
    body: str  # the image or table markup, links rebased for the deck
    caption: str  # the caption's HTML (its number and text), rebased
    caption_text: str
    alt: str  # the image's alt text ("" for a table)


@dataclass
class Section:
    title: str
    anchor: str
    lead: str  # plain text: the section's opening sentences
    notes: str  # plain text: the section's opening paragraphs
    subsections: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)


@dataclass
class Chapter:
    stem: str
    title: str
    outline: Outline
    intro_notes: str
    outcomes: list[str]  # HTML of each item
    outcomes_lead: str
    sections: list[Section]
    discussion: list[str]
    summary: list[str]  # HTML of each block (paragraph or list item)
    quiz: list[dict]


def _soup(text: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup(text, "html.parser")


def _text(el) -> str:
    return re.sub(r"\s+", " ", el.get_text() if el is not None else "").strip()


def _heading_text(h) -> str:
    h = _copy(h)
    for a in h.select("a.headerlink"):
        a.decompose()
    return _text(h)


def _copy(el):
    return _soup(str(el)).contents[0]


def _rebase(url: str, page_dir: str, deck_dir: str, page_file: str) -> str | None:
    """``url`` as written in ``page_dir/page_file``, as it must be written in ``deck_dir``;
    None for a link to another site (kept as plain text)."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None if parts.scheme in {"http", "https", ""} else url
    if not parts.path:  # "#anchor" on the chapter page itself
        target = posixpath.join(page_dir, page_file)
    else:
        target = posixpath.normpath(posixpath.join(page_dir, parts.path))
    rel = posixpath.relpath(target, deck_dir)
    return rel + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")


def _clean(el, stem: str):
    """A copy of ``el`` fit for a deck: no header links, no scripts, links rebased to
    ``slides/``, links to other sites unwrapped, no ids (they belong to the chapter page)."""
    el = _copy(el)
    for bad in el.select("a.headerlink, script, style, link, iframe, object, embed"):
        bad.decompose()
    for tag in [el, *el.find_all(True)]:
        for attr in ("href", "src"):
            if tag.has_attr(attr):
                new = _rebase(tag[attr], CHAPTERS_DIR, SLIDES_DIR, f"{stem}.html")
                if new is None:
                    if tag.name == "a":
                        del tag[attr]
                        tag.unwrap() if tag is not el else None
                    else:
                        tag.decompose()
                    break
                tag[attr] = new
        else:
            for attr in ("id", "aria-describedby", "aria-labelledby", "srcset"):
                if tag.has_attr(attr):
                    del tag[attr]
    return el


def _inner(el) -> str:
    return "".join(str(c) for c in el.contents).strip()


# What ends in a full stop without ending a sentence: an initial (Latin or Cyrillic: "Anis H.
# Bajrektarevic", "А. А. Князев") and the usual abbreviations of English and Russian texts
# ("art. 174", "e.g. the"; "ст. 174", "т. е. ...", "см. Рис. 2", "гг. ...", "и др. ...").
_ABBREVIATION = re.compile(r"(?:\b[A-Z\u0410-\u042f\u0401]|\b(?:e\.g|i\.e|cf|art|arts|para|paras|No|no|Nos|p|pp|vol|"
                           r"Dr|Mr|Mrs|Ms|St|Jr|Sr|Prof|Gen|Col|Lt|etc|vs|al|ed|eds|Inc|Ltd|Co|"
                           r"ст|стт|ч|п|пп|подп|см|ср|т|т\.\s?е|т\.\s?д|т\.\s?п|т\.\s?к|т\.\s?н|др|пр|проч|"
                           r"напр|им|г|гг|в|вв|рис|табл|гл|разд|прим|ред|изд|сост|пер|с|стр|ок|ул|"
                           r"Рис|Табл|См|Ср|Ст|Гл))\.$")


# A sentence ends at ".", "!", "?" or "…" (perhaps followed by a closing quotation mark or
# parenthesis, which stays with it: "… «законно».» Далее") and a space, before a capital
# (Latin or Cyrillic, Ё included), an opening quotation mark (“, «, „, ") or a parenthesis.
_SENTENCE_BREAK = re.compile(r"(?:(?<=[.!?\u2026])|(?<=[.!?\u2026][\u00bb\u201d\u201c)\"]))\s+"
                             r"(?=[A-Z\u0410-\u042f\u0401\u201c\u00ab\u201e\"(])")


def _sentences(text: str, count: int, limit: int) -> str:
    """The first ``count`` sentences of ``text``, cut to at most ``limit`` characters."""
    parts, start = [], 0
    for m in _SENTENCE_BREAK.finditer(text):
        before = text[start:m.start()]
        if _ABBREVIATION.search(before):  # "Anis H. Bajrektarevic", "art. 174", "e.g. the"
            continue
        parts.append(before)
        start = m.end()
    parts.append(text[start:])
    lead = ""
    for part in parts[:count]:
        if lead and len(lead) + len(part) + 1 > limit:
            break
        lead = f"{lead} {part}".strip()
    if len(lead) > limit:
        cut = lead[:limit].rsplit(" ", 1)[0].rstrip(",;:")
        lead = cut + "\u2026"
    return lead


#: The inline markup that the slides' plain texts (leads, notes) keep, as private-use characters
#: around the text: a citation (it stays in its original language) and emphasis (a title in the
#: original language is in italics inside a Russian sentence).
_KEPT = {"cite": ("\ue000", "\ue001", '<span class="bibtex-citation">', "</span>"),
         "em": ("\ue002", "\ue003", "<em>", "</em>")}
_MARKS = "".join(o + c for o, c, _, _ in _KEPT.values())


def _note_text(el) -> str:
    """The plain text of ``el`` for a lead or the speaker notes, its citations and emphasis marked
    (:func:`_marked_html` writes them back as markup)."""
    from bs4 import NavigableString

    el = _copy(el)
    for selector, kind in ((".bibtex-citation", "cite"), ("em", "em")):
        opening, closing = _KEPT[kind][:2]
        for node in el.select(selector):
            if node.find_parent(class_="bibtex-citation") is not None:
                continue  # inside a citation: the citation is marked as a whole
            text = re.sub(r"\s+", " ", node.get_text()).strip()
            node.replace_with(NavigableString(opening + text.translate({ord(c): None for c in _MARKS}) + closing))
    return _text(el)


def _marked_html(text: str) -> str:
    """A :func:`_note_text` text as HTML: escaped, its marks as markup (a mark left open by a cut
    text is dropped)."""
    out = _esc(text)
    for opening, closing, start, end in _KEPT.values():
        out = re.sub(f"{opening}([^{_MARKS}]*){closing}", lambda m, s=start, e=end: f"{s}{m.group(1)}{e}", out)
    return out.translate({ord(c): None for c in _MARKS})


def _notes(paragraphs, limit: int = NOTES_MAX_CHARS) -> str:
    out = []
    for p in paragraphs:
        t = _note_text(p)
        if not t:
            continue
        if out and sum(len(x) for x in out) + len(t) > limit:
            break
        out.append(t if len(t) <= limit else _sentences(t, 50, limit))
    return "\n\n".join(out)


def _sections_h2(article) -> list:
    out = []
    for sec in article.find_all("section"):
        h = sec.find(["h1", "h2", "h3", "h4"], recursive=False)
        if h is not None and h.name == "h2":
            out.append((sec, h))
    return out


def _anchor(sec) -> str:
    # Sphinx writes the section's first id on the section, the others as empty spans inside it
    return sec.get("id") or ""


def _figures(sec, stem: str, where: str) -> list[Figure]:
    found = []
    for fig in sec.find_all("figure"):
        anchor = fig.get("id") or ""
        cap = fig.find("figcaption")
        caption = _clean(cap, stem) if cap is not None else None
        caption_html = "".join(_inner(p) for p in caption.find_all("p")) if caption else ""
        caption_text = _text(caption) if caption else ""
        table = fig.find("table")
        img = fig.find("img")
        if img is not None:
            alt = (img.get("alt") or "").strip()
            if not alt:
                raise SlideError(f"{where}: figure {anchor or '(no id)'} has an image without alt text")
            body = _clean(img, stem)
            found.append(Figure(anchor, "figure", str(body), caption_html, caption_text, alt))
        elif table is not None:
            body = _clean(table, stem)
            found.append(Figure(anchor, "table", str(body), caption_html, caption_text, ""))
    return found


def _prose(sec, direct: bool) -> list:
    """The paragraphs of ``sec`` (only its own, or its subsections' too), not those of figures,
    tables, solutions (``details``) or exercises."""
    out = []
    for p in sec.find_all("p"):
        if p.find_parent(["figure", "table", "details", "aside"]) is not None:
            continue
        if p.find_parent(class_=re.compile(r"^(exercise|solution|admonition|cell_output)")) is not None:
            continue
        if direct and p.find_parent("section") is not sec:
            continue
        if _text(p):
            out.append(p)
    return out


def _section(name: str, sec, stem: str, where: str, lang: str = SOURCE_LANGUAGE) -> Section:
    own = _prose(sec, direct=True)
    every = own or _prose(sec, direct=False)
    lead = _sentences(_note_text(every[0]), LEAD_SENTENCES, LEAD_MAX_CHARS) if every else ""
    if not lead:  # a section of lists or tables only
        first = sec.find(["li", "dt", "dd"])
        lead = _sentences(_note_text(first), LEAD_SENTENCES, LEAD_MAX_CHARS) if first is not None else ""
    subs, sub_notes = [], []
    for sub in sec.find_all("section"):
        h = sub.find(["h3"], recursive=False)
        if h is None:
            continue
        title = _heading_text(h)
        subs.append(title)
        paras = _prose(sub, direct=True)
        if paras:
            sub_notes.append(f"{title}: {_sentences(_note_text(paras[0]), 3, 500)}")
    notes = _notes(own)
    if sub_notes:
        notes = "\n\n".join(x for x in [notes, *sub_notes] if x)
    figures = _figures(sec, stem, where)
    if not notes:
        notes = _text(sec.find(["ul", "ol", "dl"])) or " ".join(f.caption_text for f in figures) or lead
    if not notes:
        notes = translator(lang)(N_("The section \u201c{name}\u201d of the chapter: its content is in the "
                                    "book (link on the slide).")).format(name=name)
    return Section(name, _anchor(sec), lead, notes[: NOTES_MAX_CHARS * 2], subs, figures)


def read_page(page_html: str, stem: str, outline: Outline, quiz: list[dict],
              where: str = "", lang: str = SOURCE_LANGUAGE) -> Chapter:
    """The chapter as the built page ``page_html`` (in ``lang``) shows it, checked against its
    ``outline``."""
    where = where or f"{CHAPTERS_DIR}/{stem}.html"
    soup = _soup(page_html)
    article = soup.select_one("article.bd-article") or soup.find("article") or soup.find("main") or soup
    h1 = article.find("h1")
    title = _heading_text(h1) if h1 is not None else outline.title
    by_name: dict[str, tuple] = {}
    ordered = []
    found = _sections_h2(article)
    # The page's sections are the notebook's, in its order: matched by position, a section is known
    # by its template name (the notebook's English heading) in an edition in any language, and its
    # slide shows the heading as the page does. A page whose sections differ in number (an older
    # build) is matched by heading, which only an English page can satisfy.
    template_names = outline.sections if len(found) == len(outline.sections) else None
    for k, (sec, h) in enumerate(found):
        name = _heading_text(h)
        key = (template_names[k] if template_names else name).lower()
        by_name.setdefault(key, (sec, h))
        ordered.append((key, name, sec))
    for name in REQUIRED_SECTIONS:
        if name.lower() not in by_name:
            raise SlideError(f"{where}: the built page has no '{name}' section "
                             f"(the notebook {outline.path} has one): rebuild the book")

    overview = by_name["overview"][0]
    ol = overview.find("ol")
    if ol is None:
        raise SlideError(f"{where}: 'Overview' holds no numbered list of learning outcomes")
    outcomes = [_inner(_clean(li, stem)) for li in ol.find_all("li", recursive=False)]
    if len(outcomes) != outline.outcomes:
        raise SlideError(f"{where}: {len(outcomes)} learning outcomes on the page, "
                         f"{outline.outcomes} in {outline.path}: rebuild the book")
    intro_paras, lead = [], ""
    for child in overview.find_all(["p", "ol"], recursive=False):
        if child is ol:
            break
        intro_paras.append(child)
    if intro_paras and _text(intro_paras[-1]).endswith(":"):
        lead = _text(intro_paras.pop())

    disc = by_name["discussion questions"][0].find("ol")
    if disc is None:
        raise SlideError(f"{where}: 'Discussion questions' holds no numbered list")
    discussion = [_inner(_clean(li, stem)) for li in disc.find_all("li", recursive=False)]
    if len(discussion) != outline.discussion:
        raise SlideError(f"{where}: {len(discussion)} discussion questions on the page, "
                         f"{outline.discussion} in {outline.path}: rebuild the book")

    summary = []
    for block in by_name["summary"][0].find_all(["p", "ul", "ol", "dl"], recursive=False):
        if block.name in {"ul", "ol"}:
            summary += [_inner(_clean(li, stem)) for li in block.find_all("li", recursive=False)]
        elif block.name == "dl":
            summary.append(str(_clean(block, stem)))
        else:
            summary.append(_inner(_clean(block, stem)))
    summary = [s for s in summary if _text(_soup(s))]
    if not summary:
        raise SlideError(f"{where}: 'Summary' is empty")

    sections = []
    for key, name, sec in ordered:
        if key in TEMPLATE_SECTIONS:
            continue
        sections.append(_section(name, sec, stem, where, lang))
    return Chapter(stem, title, outline, _notes(intro_paras), outcomes, lead, sections, discussion,
                   summary, quiz)


# ---------------------------------------------------------------------------------------------
# The deck


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _notes_html(text: str) -> str:
    if not text.strip():
        return ""
    paras = "".join(f"<p>{_marked_html(p)}</p>" for p in text.split("\n\n") if p.strip())
    return f'\n<aside class="notes">{paras}</aside>'


def _slide(heading: str, body: str, notes: str, *, level: int = 2, classes: str = "",
           heading_html: str | None = None) -> str:
    cls = f' class="{classes}"' if classes else ""
    h = heading_html if heading_html is not None else _esc(heading)
    return f"<section{cls}>\n<h{level}>{h}</h{level}>\n{body}{_notes_html(notes)}\n</section>"


def _visible_len(fragment: str) -> int:
    return len(_text(_soup(fragment)))


def _split_item(fragment: str, budget: int) -> list[str]:
    """``fragment`` (HTML) cut at sentence ends into pieces of at most ``budget`` visible characters.

    Only the fragment's own text is cut: an inline element (a citation, a link, a glossary term) is
    never split, so every piece is well-formed HTML. A piece is longer than ``budget`` only when a
    single sentence is.
    """
    if _visible_len(fragment) <= budget:
        return [fragment]
    from bs4 import NavigableString

    # the fragment as a run of atoms: text up to a sentence end, or a whole inline element
    atoms: list[tuple[str, str, bool]] = []  # (html, visible text, a sentence ends after it)
    for node in _soup(fragment).contents:
        if isinstance(node, NavigableString):
            text, start = str(node), 0
            for m in _SENTENCE_BREAK.finditer(text):
                if _ABBREVIATION.search(text[start:m.start()]):
                    continue
                piece = text[start:m.end()]
                atoms.append((html.escape(piece, quote=False), piece, True))
                start = m.end()
            if text[start:]:
                atoms.append((html.escape(text[start:], quote=False), text[start:], False))
        else:
            atoms.append((str(node), node.get_text(), False))
    pieces: list[str] = []
    current, size, sentence, sentence_size = "", 0, "", 0
    for markup, visible, ends in atoms:
        sentence += markup
        sentence_size += len(visible)
        if not ends:
            continue
        if current and size + sentence_size > budget:
            pieces.append(current.strip())
            current, size = "", 0
        current += sentence
        size += sentence_size
        sentence, sentence_size = "", 0
    if sentence:
        if current and size + sentence_size > budget:
            pieces.append(current.strip())
            current = ""
        current += sentence
    if current.strip():
        pieces.append(current.strip())
    return pieces


def _chunks(items: list[str], budget: int) -> list[list[str]]:
    """``items`` grouped into slides of at most ``budget`` visible characters; an item longer than
    a whole slide is first cut at sentence ends (:func:`_split_item`)."""
    chunks: list[list[str]] = [[]]
    size = 0
    for item in (piece for whole in items for piece in _split_item(whole, budget)):
        n = _visible_len(item)
        if chunks[-1] and size + n > budget:
            chunks.append([])
            size = 0
        chunks[-1].append(item)
        size += n
    return chunks


#: What a list item costs in a slide's height, in characters of running text (it starts a line).
LIST_ITEM_CHARS = 45


def _density(fragment: str) -> str:
    # (a Russian text runs about a fifth longer than its English: the outcomes of some chapters
    # need the second step; a question's six short choices take six lines, whatever their length)
    n = _visible_len(fragment) + LIST_ITEM_CHARS * len(_soup(fragment).find_all("li"))
    return "dense denser" if n > 820 else "dense" if n > 560 else ""


def _answer_text(q: dict, lang: str = SOURCE_LANGUAGE) -> tuple[str, str]:
    """(the right answer as text, its feedback), in ``lang``."""
    tr = translator(lang)
    right = [a for a in q["answers"] if a.get("correct") is True]
    if q["type"] == "numeric":
        texts = []
        for a in right:
            if a.get("type") == "value":
                texts.append(str(a.get("value")))
            elif a.get("type") == "range":
                lo, hi = a.get("range", [None, None])
                texts.append(tr(N_("between {low} and {high}")).format(low=lo, high=hi))
        return tr(N_(" or ")).join(texts), " ".join(str(a.get("feedback", "")) for a in right)
    return "; ".join(str(a["answer"]) for a in right), " ".join(str(a.get("feedback", "")) for a in right)


def _quiz_slides(questions: list[dict], stem: str, lang: str = SOURCE_LANGUAGE) -> list[str]:
    tr = translator(lang)
    slides = []
    chosen = questions[:QUIZ_ITEMS]
    # the options' letters of the deck's language (the code catalog's), as capitals
    letters = option_letters(lang).upper()
    several = _esc(tr(N_("(More than one answer may be right.)")))
    number = _esc(tr(N_("(A number.)")))
    answer_label = _esc(tr(N_("Answer:")))
    for i, q in enumerate(chosen, start=1):
        body = f'<p class="question">{_esc(str(q["question"]))}</p>\n'
        if q["type"] in quizzes.CHOICE_TYPES:
            items = "".join(f'<li><span class="letter">{letters[k]}.</span> {_esc(str(a["answer"]))}</li>'
                            for k, a in enumerate(q["answers"][:len(letters)]))
            body += f'<ul class="choices">{items}</ul>\n'
            if q["type"] == "many_choice":
                body += f"<p>{several}</p>\n"
        else:
            body += f"<p>{number}</p>\n"
        answer, feedback = _answer_text(q, lang)
        body += (f'<div class="fragment answer"><p><strong>{answer_label}</strong> {_esc(answer)}</p>'
                 f"<p>{_esc(feedback)}</p></div>\n")
        notes = [tr(N_("Question {number} of the chapter's self-check. Ask for a show of hands (or a vote) "
                       "before revealing the answer with the next key press.")).format(number=i)]
        for a in q["answers"]:
            label = a.get("answer") if q["type"] in quizzes.CHOICE_TYPES else \
                a.get("value", a.get("range", tr(N_("any other answer"))))
            notes.append(f"{label}: {a.get('feedback', '')}")
        slides.append(_slide(tr(N_("Quiz {number} of {total}")).format(number=i, total=len(chosen)), body,
                             "\n\n".join(notes), classes=_density(body)))
    return slides


def _figure_slide(sec: Section, fig: Figure, lang: str = SOURCE_LANGUAGE) -> str:
    tr = translator(lang)
    if fig.kind == "figure":
        media = fig.body
    else:
        label = _esc(fig.caption_text or sec.title)
        media = f'<div class="table-wrap" tabindex="0" role="region" aria-label="{label}">{fig.body}</div>'
    body = f'<figure class="deck-figure {fig.kind}">{media}\n<figcaption>{fig.caption}</figcaption></figure>\n'
    notes = fig.caption_text
    if fig.alt:
        notes += "\n\n" + tr(N_("What the figure shows: {description}")).format(description=fig.alt)
    if sec.notes:
        notes += "\n\n" + tr(N_("From the section: {text}")).format(text=sec.notes.split("\n\n")[0])
    return _slide(sec.title, body, notes, classes="figure-slide")


def deck_html(ch: Chapter, *, book_title: str = "", language: str = SOURCE_LANGUAGE) -> str:
    """The reveal.js deck of one chapter, as a complete HTML page for ``slides/``, with every
    heading and label the deck writes in ``language`` (:mod:`ctmodule.l10n`)."""
    language = check_language(language or SOURCE_LANGUAGE)
    tr = translator(language)
    chapter_link = f"../{CHAPTERS_DIR}/{ch.stem}.html"
    slides = []
    sub = f'<p class="book">{_esc(book_title)}</p>\n' if book_title else ""
    link = f'<a href="{chapter_link}">{_esc(ch.title)}</a>'
    slides.append(_slide(
        ch.title, f'{sub}<p class="meta">'
                  + _esc(tr(N_("Slides for the chapter {chapter}. Press the right arrow key for the next "
                               "slide, S for the speaker notes, Esc for an overview."))).replace(
                      "{chapter}", link) + "</p>\n",
        ch.intro_notes, level=1, classes="title-slide"))
    items = "".join(f"<li>{o}</li>" for o in ch.outcomes)
    lead = _esc(ch.outcomes_lead or tr(N_("By the end of this chapter you should be able to:")))
    body = f"<p>{lead}</p>\n<ol class=\"outcomes\">{items}</ol>\n"
    slides.append(_slide(tr(N_("Learning outcomes")), body,
                         tr(N_("The chapter's learning outcomes, as the chapter's Overview states them."))
                         + " " + (ch.intro_notes.split("\n\n")[0] if ch.intro_notes else ""),
                         classes=_density(body)))
    if ch.sections:
        items = "".join(f"<li>{_esc(s.title)}</li>" for s in ch.sections)
        slides.append(_slide(tr(N_("Road map")), f'<ol class="roadmap">{items}</ol>\n',
                             tr(N_("The chapter's sections in order; each has a slide, and each of its "
                                   "figures and tables follows it.")), classes=_density(items)))
    in_the_book = _esc(tr(N_("The section in the book")))
    for sec in ch.sections:
        body = f'<p class="lead">{_marked_html(sec.lead)}</p>\n' if sec.lead else ""
        if sec.subsections:
            body += "<ul class=\"subsections\">" + "".join(
                f"<li>{_esc(s)}</li>" for s in sec.subsections) + "</ul>\n"
        body += (f'<p class="more"><a href="{chapter_link}#{_esc(sec.anchor)}">'
                 f"{in_the_book}</a></p>\n") if sec.anchor else ""
        slides.append(_slide(sec.title, body, sec.notes or sec.lead))
        for fig in sec.figures:
            slides.append(_figure_slide(sec, fig, language))
    n = len(ch.discussion)
    for i, q in enumerate(ch.discussion, start=1):
        slides.append(_slide(tr(N_("Discussion question {number} of {total}")).format(number=i, total=n),
                             f'<div class="discussion">{q}</div>\n',
                             tr(N_("Discussion question from the chapter.")) + " " + _text(_soup(q)),
                             classes=_density(q)))
    slides += _quiz_slides(ch.quiz, ch.stem, language)
    chunks = _chunks(ch.summary, SLIDE_TEXT_BUDGET)
    for i, chunk in enumerate(chunks, start=1):
        title = tr(N_("Summary")) if len(chunks) == 1 else \
            tr(N_("Summary ({number} of {total})")).format(number=i, total=len(chunks))
        body = "<ul class=\"summary\">" + "".join(f"<li>{b}</li>" for b in chunk) + "</ul>\n"
        slides.append(_slide(title, body, " ".join(_text(_soup(b)) for b in chunk),
                             classes=_density(body)))
    read = _esc(tr(N_("Read the full chapter, with its exercises, references and further reading: "
                      "{chapter}."))).replace("{chapter}", link)
    every = _esc(tr(N_("All chapters' slides")))
    slides.append(_slide(tr(N_("Next")), f'<p>{read}</p>\n<p><a href="index.html">{every}</a></p>\n',
                         tr(N_("End of the deck. The exercises and further reading are in the chapter."))))
    reveal = f"../{REVEAL_DIR}"
    return DECK_TEMPLATE.format(
        lang=_esc(language), title=_esc(tr(N_("Slides: {title}")).format(title=ch.title)), reveal=reveal,
        css=DECK_CSS, slides="\n".join(slides),
    )


DECK_CSS = """
.reveal { --r-main-font-size: 30px; --r-heading-font-size-h1: 1.7em; }
.reveal h1 { font-size: 1.6em; }
.reveal h2 { font-size: 1.25em; }
.reveal .slides section { text-align: left; }
.reveal .slides section.title-slide { text-align: center; }
.reveal .dense { font-size: 0.8em; }
.reveal .dense.denser { font-size: 0.7em; }
.reveal .lead { font-size: 1.05em; }
.reveal .book, .reveal .meta, .reveal .more { font-size: 0.75em; }
.reveal a { color: #0b4f9c; text-decoration: underline; }
.reveal figure.deck-figure { margin: 0; }
.reveal figure.deck-figure img { max-height: 430px; max-width: 100%; margin: 0 auto; display: block;
  background: #fff; }
.reveal figure.deck-figure figcaption { font-size: 0.55em; line-height: 1.3; margin-top: 0.4em; }
.reveal .table-wrap { max-height: 440px; overflow: auto; font-size: 0.5em; }
.reveal .table-wrap:focus { outline: 3px solid #0b4f9c; }
.reveal table { border-collapse: collapse; margin: 0; }
.reveal table th, .reveal table td { border-bottom: 1px solid #767676; padding: 0.2em 0.5em; }
.reveal .answer { border-left: 6px solid #1f4f3a; padding-left: 0.6em; font-size: 0.85em; }
.reveal ul.choices { list-style: none; }
.reveal ul.choices .letter { font-weight: bold; }
.reveal code { font-size: 0.9em; }
/* the slide counter: reveal.js's default (white on 40 % black, 10 px) fails WCAG AA contrast */
.reveal .slide-number { background: #1a1a1a; color: #fff; font-size: 16px; }
.reveal .slide-number a { color: #fff; text-decoration: none; }
"""

DECK_TEMPLATE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{reveal}/reveal.css">
<link rel="stylesheet" href="{reveal}/theme/white-contrast.css">
<style>{css}</style>
</head>
<body>
<main class="reveal">
<div class="slides">
{slides}
</div>
</main>
<script src="{reveal}/reveal.js"></script>
<script src="{reveal}/plugin/notes.js"></script>
<script>
Reveal.initialize({{
  hash: true, slideNumber: "c/t", controls: true, progress: true, center: false,
  keyboard: true, transition: "none", plugins: [RevealNotes]
}});
</script>
</body>
</html>
"""


# ---------------------------------------------------------------------------------------------
# The whole site


def chapter_stems(root: str | Path | None = None, docnames=None) -> list[str]:
    """The stems of the chapter notebooks (``chapters/NN-slug.ipynb``), sorted; only those in
    ``docnames`` (Sphinx's documents, ``chapters/NN-slug``) when it is given."""
    root = Path(root) if root is not None else repo_root()
    stems = []
    for path in sorted((root / CHAPTERS_DIR).glob("*.ipynb")):
        if not CHAPTER_STEM.match(path.stem):
            continue
        if docnames is not None and f"{CHAPTERS_DIR}/{path.stem}" not in docnames:
            continue
        stems.append(path.stem)
    return stems


def load_quiz(root: Path, stem: str, lang: str = SOURCE_LANGUAGE) -> list[dict]:
    """The chapter's quiz in ``lang``: its translation ``quizzes/<stem>.<lang>.json`` (checked
    against the English quiz), or the English quiz where the chapter's quiz is not translated
    (as the page's quiz is: :func:`ctmodule.book.quiz.show`)."""
    folder = root / "quizzes"
    use = lang if lang != SOURCE_LANGUAGE and lang in quizzes.translations(stem, folder) else None
    try:
        return quizzes.load(stem, folder, min_questions=1, lang=use)
    except quizzes.QuizError as exc:
        raise SlideError(str(exc)) from None


def build_deck(root: Path, site: Path, stem: str, *, book_title: str = "",
               language: str = SOURCE_LANGUAGE) -> Path:
    """Write the deck of chapter ``stem`` from the built ``site`` (an edition's: its pages are in
    ``language``) into ``site/slides/``."""
    page = site / CHAPTERS_DIR / f"{stem}.html"
    if not page.is_file():
        raise SlideError(f"{page}: the chapter's page is missing from the built site")
    out = site / SLIDES_DIR / f"{stem}.html"
    # a deck whose inputs have not changed is left as it is (a no-change build wrote every deck again)
    stamp = DECK_STAMP.format(digest=_deck_digest(root, page, stem, book_title, language))
    if out.is_file() and out.read_text(encoding="utf-8").endswith(stamp):
        return out
    outline = read_outline(root / CHAPTERS_DIR / f"{stem}.ipynb")
    chapter = read_page(page.read_text(encoding="utf-8"), stem, outline, load_quiz(root, stem, language),
                        where=str(page), lang=language)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".html.tmp")
    tmp.write_text(deck_html(chapter, book_title=book_title, language=language) + stamp, encoding="utf-8")
    tmp.replace(out)
    return out


#: The last line of a deck: the digest of what it was made from.
DECK_STAMP = "<!-- ctmodule deck inputs: {digest} -->\n"


def _deck_digest(root: Path, page: Path, stem: str, book_title: str, language: str) -> str:
    """A digest of everything a deck is made from: its built page, the chapter's notebook, its quiz
    and the quiz's translations, the code catalog of ``language``, this module, the title and the
    language."""
    import hashlib

    digest = hashlib.sha256(f"{book_title}\0{language}\0".encode())
    files = [page, root / CHAPTERS_DIR / f"{stem}.ipynb", Path(__file__),
             root / "locales" / language / "LC_MESSAGES" / "_code.po",
             *sorted((root / "quizzes").glob(f"{stem}.*json")), root / "quizzes" / f"{stem}.json"]
    for path in files:
        digest.update(str(path.name).encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"-")
    return digest.hexdigest()


def chapter_title(root: Path, stem: str, lang: str = SOURCE_LANGUAGE) -> str:
    """The chapter's title (its notebook's H1) in ``lang``: from the chapter's catalog
    ``locales/<lang>/LC_MESSAGES/chapters/<stem>.po`` (the English one where it has none)."""
    title = read_outline(root / CHAPTERS_DIR / f"{stem}.ipynb").title
    if lang == SOURCE_LANGUAGE:
        return title
    from ctmodule.book.i18n import translations

    catalog = root / "locales" / lang / "LC_MESSAGES" / CHAPTERS_DIR / f"{stem}.po"
    return translations(catalog).get(title, title)


def index_html(root: Path, stems: list[str], *, book_title: str = "", language: str = SOURCE_LANGUAGE) -> str:
    language = check_language(language or SOURCE_LANGUAGE)
    tr = translator(language)
    items = []
    the_chapter = _esc(tr(N_("the chapter")))
    for stem in stems:
        title = chapter_title(root, stem, language)
        items.append(f'<li><a href="{stem}.html">{_esc(title)}</a> '
                     f'(<a href="../{CHAPTERS_DIR}/{stem}.html">{the_chapter}</a>)</li>')
    body = "<ol class=\"deck-list\">" + "".join(items) + "</ol>"
    intro = _esc(tr(N_("{book}. One reveal.js deck per chapter; in a deck, the arrow keys move, S opens the "
                       "speaker notes, Esc shows an overview, F goes full screen."))).replace("{book}", _esc(book_title))
    return INDEX_TEMPLATE.format(
        lang=_esc(language), title=_esc(tr(N_("Slides: {title}")).format(title=book_title)),
        heading=_esc(tr(N_("Slides for every chapter"))), intro=intro,
        about=_esc(tr(N_("About the slides"))), body=body)


INDEX_TEMPLATE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body {{ font-family: sans-serif; max-width: 46em; margin: 2em auto; padding: 0 1em;
  color: #1a1a1a; line-height: 1.5; }} a {{ color: #0b4f9c; }}</style>
</head>
<body>
<main>
<h1>{heading}</h1>
<p>{intro} <a href="../appendix/slides.html">{about}</a>.</p>
{body}
</main>
</body>
</html>
"""


def build_decks(root: str | Path, site: str | Path, docnames=None, *, book_title: str = "",
                language: str = SOURCE_LANGUAGE) -> list[Path]:
    """Write ``slides/NN-slug.html`` for every chapter of the built ``site`` (the English site,
    or an edition's, in ``language``), and ``slides/index.html``; return the decks written."""
    root, site = Path(root), Path(site)
    missing = [f for f in REVEAL_FILES if not (site / REVEAL_DIR / f).is_file()]
    if missing:
        raise SlideError(f"{site / REVEAL_DIR}: reveal.js is missing ({', '.join(missing)}): "
                         "run `make vendor` (tools/vendor.py)")
    stems = chapter_stems(root, docnames)
    written = [build_deck(root, site, stem, book_title=book_title, language=language) for stem in stems]
    keep = {p.name for p in written} | {"index.html"}
    for old in (site / SLIDES_DIR).glob("*.html"):  # the deck of a chapter that left the book
        if old.name not in keep:
            old.unlink()
    (site / SLIDES_DIR).mkdir(parents=True, exist_ok=True)
    (site / SLIDES_DIR / "index.html").write_text(
        index_html(root, stems, book_title=book_title, language=language), encoding="utf-8")
    return written


def index_markdown(root: str | Path, docnames=None, *, up: str = "..", lang: str = SOURCE_LANGUAGE) -> str:
    """The list of decks for the book's slides page (MyST with raw HTML links: the decks are
    written after Sphinx has read the pages, so they are not documents it could link to), with
    the chapters' titles in ``lang``. ``up`` leads from the page's folder to the site holding the
    decks: every edition has its own (``slides/`` beside its ``chapters/``), so ``..``."""
    root = Path(root)
    stems = chapter_stems(root, docnames)
    lines = ['<ol class="ctmodule-slides">']
    for stem in stems:
        title = chapter_title(root, stem, lang)
        english = chapter_title(root, stem, SOURCE_LANGUAGE)
        # a title the catalog lacks stays English, and says so (lang="en")
        shown = _esc(title) if lang == SOURCE_LANGUAGE or title != english else f'<span lang="en">{_esc(title)}</span>'
        lines.append(f'<li><a href="{up}/{SLIDES_DIR}/{stem}.html">{shown}</a></li>')
    lines.append("</ol>")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# Sphinx


def _book_title(app) -> str:
    """The book's title (Jupyter Book passes ``title`` as ``html_title``; ``project`` is unset)."""
    for value in (getattr(app.config, "html_title", ""), app.config.project):
        if value and value != "Project name not set":
            return str(value)
    return ""


def is_other_edition(language) -> bool:
    """Whether a build is an edition in another language than English (the source language)."""
    return bool(language) and str(language).split("_")[0] != SOURCE_LANGUAGE


def build_language(language) -> str:
    """The language of a build's decks: Sphinx's ``language`` (``ru``, ``pt_BR``) as a language
    code (``ru``, ``pt-BR``); English when it is unset."""
    return str(language).replace("_", "-") if language else SOURCE_LANGUAGE


def _on_build_finished(app, exception) -> None:
    # Every edition writes its own decks from its own pages (the English site's into
    # _build/html/slides/, the Russian edition's into its output, mirrored to _build/html/ru/slides/)
    if exception is not None or app.builder.format != "html":
        return
    from sphinx.errors import ExtensionError
    from sphinx.util import logging

    start = time.perf_counter()
    try:
        decks = build_decks(app.srcdir, app.outdir, app.env.found_docs, book_title=_book_title(app),
                            language=build_language(app.config.language))
    except SlideError as exc:
        raise ExtensionError(f"slides: {exc}") from exc
    logging.getLogger(__name__).info(
        f"[ctmodule.book.slides] {len(decks)} decks in {time.perf_counter() - start:.2f} s")


def setup(app):
    app.connect("build-finished", _on_build_finished)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}


def _config_title(root: Path) -> str:
    import yaml

    try:
        config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return ""
    return str(config.get("title") or "")


def main(argv: list[str] | None = None) -> int:
    import argparse
    import sys

    parser = argparse.ArgumentParser(description="Write the chapters' slide decks into a built site.")
    parser.add_argument("site", type=Path, help="the built site (_build/html)")
    parser.add_argument("--root", type=Path, default=None, help="the repository (default: found)")
    parser.add_argument("--lang", default=SOURCE_LANGUAGE,
                        help="the language of the site's pages (ru for _build/html/ru; default en)")
    args = parser.parse_args(argv)
    root = args.root or repo_root()
    title = _config_title(root)
    if args.lang != SOURCE_LANGUAGE:
        from ctmodule.book.i18n import translations

        title = translations(root / "locales" / args.lang / "LC_MESSAGES" / "_config.po").get(title, title)
    # the chapters the site holds (a notebook left out of _toc.yml has no page and no deck)
    built = {f"{CHAPTERS_DIR}/{p.stem}" for p in (args.site / CHAPTERS_DIR).glob("*.html")}
    try:
        start = time.perf_counter()
        decks = build_decks(root, args.site, built, book_title=title, language=args.lang)
    except SlideError as exc:
        print(f"slides: {exc}", file=sys.stderr)
        return 1
    print(f"slides: {len(decks)} decks in {args.site / SLIDES_DIR} ({time.perf_counter() - start:.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
