"""Exemplar answers to chapter 9's essay questions (``appendix/exemplars-essays.md``).

Issue 15 asks for exemplar answers at two levels for each essay question. The questions are read from
the essay section of ``chapters/09-conclusions.ipynb`` (the cell labelled ``ch-09-conclusions-essays``),
so that the test follows the chapter: a question reworded there and not on the page fails here.

The page's format, one section per question::

    ## Question N: short title

    > The question, word for word as the chapter sets it.

    ### First-class exemplar (abridged)
    ...
    #### Marker's commentary
    - **Accuracy.** ...
    - **Use of evidence.** ...
    - **Use of the literature.** ...
    - **Argument.** ...
    - **Neutral and attributed language.** ...

    ### Pass exemplar (abridged)
    ...
    #### Marker's commentary
    ...

Each check is a function that returns the problems it finds; the tests assert that the page has none,
and that each check finds the problem in a page that has it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from ctmodule.data.refs import read_bib_keys

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "appendix" / "exemplars-essays.md"
CHAPTER = ROOT / "chapters" / "09-conclusions.ipynb"
BIB = ROOT / "references.bib"
ESSAY_LABEL = "(ch-09-conclusions-essays)="

CRITERIA = (
    "Accuracy",
    "Use of evidence",
    "Use of the literature",
    "Argument",
    "Neutral and attributed language",
)
KINDS = ("First-class", "Pass")
WORD_RANGES = {"First-class": (500, 700), "Pass": (350, 500)}
COMMENTARY = "Marker's commentary"

CITE = re.compile(r"\{cite:[a-z]+\}`([^`]*)`")
WORD = re.compile(r"[^\W_](?:[\w'’./\-]*[^\W_])?")


# --- reading the chapter and the page -------------------------------------------------------------


def norm(text: str) -> str:
    """Whitespace collapsed, typographic quotes unified, for comparing a question with its copy."""
    text = text.replace("“", '"').replace("”", '"').replace("’", "'")
    return re.sub(r"\s+", " ", text).strip()


def essay_questions(notebook_text: str | None = None) -> list[str]:
    """The numbered essay questions of chapter 9's essay section, in order."""
    nb = nbformat.reads(notebook_text if notebook_text is not None else CHAPTER.read_text(encoding="utf-8"), 4)
    for cell in nb.cells:
        if cell.cell_type == "markdown" and ESSAY_LABEL in cell.source:
            section = cell.source.split(ESSAY_LABEL, 1)[1]
            break
    else:
        raise AssertionError(f"{CHAPTER.name}: no markdown cell carries the label {ESSAY_LABEL}")
    m = re.search(r"\*\*Essay questions\*\*\s*\n(.*?)(?:\n\*\*|\n#|\Z)", section, flags=re.S)
    if not m:
        raise AssertionError(f"{CHAPTER.name}: the essay section has no '**Essay questions**' list")
    return [norm(q) for q in re.findall(r"^\d+\.\s+(.+)$", m.group(1), flags=re.M)]


@dataclass
class Exemplar:
    kind: str  # the heading's first word: "First-class" or "Pass" (or whatever the page says)
    heading: str
    body: str
    commentary: str | None  # None when no commentary heading follows the exemplar


@dataclass
class Section:
    heading: str
    question: str
    exemplars: list[Exemplar]


def parse_page(text: str) -> list[Section]:
    """The page's question sections (level-2 headings with a quoted question), with their exemplars."""
    sections = []
    for block in re.split(r"^(?=## )", text, flags=re.M)[1:]:
        heading, _, rest = block.partition("\n")
        quote = " ".join(
            line[1:].strip() for line in rest.splitlines() if line.startswith(">")
        )
        exemplars = []
        parts = re.split(r"^(### .*)$", rest, flags=re.M)
        for i in range(1, len(parts), 2):
            sub = parts[i][4:].strip()
            body, _, commentary = _split_commentary(parts[i + 1])
            exemplars.append(Exemplar(sub.split()[0], sub, body, commentary))
        sections.append(Section(heading[3:].strip(), norm(quote), exemplars))
    return sections


def _split_commentary(text: str) -> tuple[str, str, str | None]:
    m = re.search(rf"^#### {re.escape(COMMENTARY)}\s*$", text, flags=re.M)
    if not m:
        return text, "", None
    return text[: m.start()], m.group(0), text[m.end():]


def word_count(text: str) -> int:
    """Words of prose: citations, the abridgement mark and Markdown emphasis are not counted."""
    text = CITE.sub(" ", text)
    text = text.replace("[…]", " ").replace("[...]", " ")
    return len(WORD.findall(text))


# --- the checks --------------------------------------------------------------------------------------


def check_questions(sections: list[Section], questions: list[str]) -> list[str]:
    """Every chapter question has exactly one section, with one exemplar of each kind, each with commentary."""
    problems = []
    for n, q in enumerate(questions, 1):
        matching = [s for s in sections if s.question == q]
        if len(matching) != 1:
            problems.append(f"question {n} ({q[:50]}...): {len(matching)} sections quote it, expected 1")
            continue
        s = matching[0]
        for kind in KINDS:
            found = [e for e in s.exemplars if e.kind == kind]
            if len(found) != 1:
                problems.append(f"{s.heading}: {len(found)} {kind} exemplars, expected 1")
            for e in found:
                if e.commentary is None:
                    problems.append(f"{s.heading}: the {kind} exemplar has no '{COMMENTARY}' after it")
        others = [e.heading for e in s.exemplars if e.kind not in KINDS]
        if others:
            problems.append(f"{s.heading}: unexpected subsections {others}")
    quoted = {s.question for s in sections if s.question}
    for extra in quoted - set(questions):
        problems.append(f"the page quotes a question the chapter does not set: {extra[:60]}...")
    return problems


def check_criteria(sections: list[Section]) -> list[str]:
    """Each commentary names the five criteria, as bold run-in labels."""
    problems = []
    for s in sections:
        for e in s.exemplars:
            if e.commentary is None:
                continue
            for c in CRITERIA:
                if not re.search(rf"\*\*{re.escape(c)}\.?\*\*", e.commentary):
                    problems.append(f"{s.heading}, {e.kind}: the commentary does not name '{c}'")
    return problems


def check_word_counts(sections: list[Section]) -> list[str]:
    problems = []
    for s in sections:
        for e in s.exemplars:
            if e.kind not in WORD_RANGES:
                continue
            lo, hi = WORD_RANGES[e.kind]
            n = word_count(e.body)
            if not lo <= n <= hi:
                problems.append(f"{s.heading}, {e.kind}: {n} words, expected {lo} to {hi}")
    return problems


def check_cite_keys(text: str, keys: set[str]) -> list[str]:
    problems = []
    for m in CITE.finditer(text):
        for key in (k.strip() for k in m.group(1).split(",")):
            if key not in keys:
                line = text.count("\n", 0, m.start()) + 1
                problems.append(f"{PAGE.name}:{line}: cite key {key!r} is not in references.bib")
    return problems


# --- the page as it is -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def page_text() -> str:
    return PAGE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sections(page_text) -> list[Section]:
    return parse_page(page_text)


@pytest.fixture(scope="module")
def questions() -> list[str]:
    return essay_questions()


def test_chapter_sets_five_essay_questions(questions):
    assert len(questions) == 5, questions


def test_page_label_and_toc():
    text = PAGE.read_text(encoding="utf-8")
    assert text.startswith("(app-exemplars-essays)=\n# "), "the page must open with its label and a title"
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    files = re.findall(r"^\s*- file: (\S+)", toc, flags=re.M)
    assert "appendix/exemplars-essays" in files
    assert files.index("appendix/exemplars-essays") > files.index("appendix/instructor-guide")


def test_each_question_has_one_first_class_and_one_pass_exemplar(sections, questions):
    assert check_questions(sections, questions) == []


def test_every_commentary_names_the_five_criteria(sections):
    assert sum(e.commentary is not None for s in sections for e in s.exemplars) == 10
    assert check_criteria(sections) == []


def test_exemplar_word_counts_in_range(sections):
    assert check_word_counts(sections) == []


def test_every_cite_key_is_in_references_bib(page_text):
    assert CITE.search(page_text), "the exemplars cite nothing"
    assert check_cite_keys(page_text, read_bib_keys(BIB)) == []


# --- each check finds the problem it is for ----------------------------------------------------------


def _first(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


def test_a_reworded_chapter_question_is_not_found(page_text):
    nb = CHAPTER.read_text(encoding="utf-8")
    changed = _first(nb, "Evaluate the", "Assess the")
    qs = essay_questions(changed)
    problems = check_questions(parse_page(page_text), qs)
    assert any("question 3" in p for p in problems)
    assert any("does not set" in p for p in problems)


def test_a_missing_or_doubled_exemplar_is_found(page_text, questions):
    doubled = _first(page_text, "### Pass exemplar (abridged)", "### First-class exemplar (abridged)")
    problems = check_questions(parse_page(doubled), questions)
    assert any("2 First-class" in p for p in problems) and any("0 Pass" in p for p in problems)
    no_commentary = _first(page_text, f"#### {COMMENTARY}", "#### Notes")
    assert any("no 'Marker's commentary'" in p for p in check_questions(parse_page(no_commentary), questions))


def test_a_missing_criterion_is_found(page_text):
    text = _first(page_text, "**Use of the literature.**", "**Reading.**")
    problems = check_criteria(parse_page(text))
    assert problems == ["Question 1: purpose, motive and politics, First-class: the commentary does not name "
                        "'Use of the literature'"]


def test_a_short_or_long_exemplar_is_found(page_text):
    sections = parse_page(page_text)
    body = sections[0].exemplars[0].body
    cut = page_text.replace(body, body[: len(body) // 3], 1)
    assert any("First-class" in p for p in check_word_counts(parse_page(cut)))
    padded = page_text.replace(body, body + " word" * 200, 1)
    assert any("First-class" in p for p in check_word_counts(parse_page(padded)))
    assert word_count("A {cite:p}`Key1,Key2` b […] `data/cases.csv` c.") == 4


def test_an_unknown_cite_key_is_found(page_text):
    text = page_text + "\nSee {cite:p}`Buzan1998security,NoSuchKey2099`.\n"
    problems = check_cite_keys(text, read_bib_keys(BIB))
    assert len(problems) == 1 and "NoSuchKey2099" in problems[0]
