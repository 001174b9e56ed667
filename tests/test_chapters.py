"""Every chapter follows the module's template: the academic apparatus a course adopter expects.

The build checks what Sphinx can (citations resolve, glossary terms are defined, references exist);
these tests check what it cannot: learning outcomes, time estimates, exercises with solutions,
discussion questions, enough prose of the chapter's own, alt text on every figure, and thin notebooks.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]-*.ipynb"))
MIN_WORDS = 1500
MAX_CODE_LINES_PER_CELL = 15  # notebooks stay thin: logic lives in ctmodule

DIRECTIVE = re.compile(r"^(`{3,}|:{3,})\{([a-z:-]+)\}(.*)$", re.M)
ROLE = re.compile(r"\{[a-z:]+\}`([^`<]*)(?:<[^`]*>)?`")


def markdown(nb) -> str:
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


FENCE = re.compile(r"^\s*(`{3,}|:{3,})(\{[a-z:-]+\}|[A-Za-z0-9_+-]*)?(.*)$")


def prose_words(text: str) -> int:
    """Words of prose: no code blocks, directive lines and options, labels, tables or HTML comments."""
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    kept, stack = [], []  # stack of (fence, is_code)
    for line in text.splitlines():
        m = FENCE.match(line)
        if m:
            fence, info = m.group(1), (m.group(2) or "") + m.group(3).strip()
            if stack and fence == stack[-1][0] and not info:
                stack.pop()  # a bare fence closes the innermost block it matches
            else:
                stack.append((fence, not info.startswith("{")))
            continue
        if any(is_code for _, is_code in stack):
            continue
        s = line.strip()
        if s.startswith("|") or re.match(r"^\([a-z0-9-]+\)=$", s) or re.match(r"^:[a-z-]+:", s):
            continue
        kept.append(ROLE.sub(r" \1 ", line))
    return len(re.findall(r"[A-Za-z\u00c0-\u024f]+(?:['’-][A-Za-z]+)*", "\n".join(kept)))


def directives(text: str):
    """Yield (name, argument, options) for every fenced directive."""
    for m in DIRECTIVE.finditer(text):
        rest = text[m.end():]
        options = {}
        for line in rest.splitlines()[1:]:
            opt = re.match(r"^:([a-z-]+):\s*(.*)$", line.strip())
            if not opt:
                break
            options[opt.group(1)] = opt.group(2)
        yield m.group(2), m.group(3).strip(), options


@pytest.fixture(scope="module", params=CHAPTERS, ids=[p.stem for p in CHAPTERS])
def chapter(request):
    return request.param, nbformat.read(request.param, as_version=4)


EXPECTED_NUMBERS = [f"{n:02d}" for n in range(10)]  # chapters 00 to 09, each exactly once


def test_chapters_are_numbered_once_each_and_listed_in_the_toc_in_order():
    numbers = [p.stem[:2] for p in CHAPTERS]
    assert numbers == EXPECTED_NUMBERS, f"expected exactly chapters 00..09, found {numbers}"
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    listed = re.findall(r"file: chapters/(\d\d-[a-z0-9-]+)", toc)
    assert listed == [p.stem for p in CHAPTERS]


def test_template_sections(chapter):
    path, nb = chapter
    text = markdown(nb)
    stem = path.stem
    assert re.search(rf"^\(ch-{stem[:2]}-[a-z0-9-]+\)=\s*\n# ", text, re.M), "label above the H1"
    assert len(re.findall(r"^# ", text, re.M)) == 1, "exactly one H1"
    for heading in ("Overview", "Prerequisites", "Exercises", "Discussion questions", "Summary",
                    "Further reading", "References"):
        assert re.search(rf"^## {heading}\b", text, re.M), f"{stem}: no '## {heading}' section"
    assert re.search(r"time to learn", text, re.I), f"{stem}: no time estimate"


def test_references_are_numbered_for_their_chapter(chapter):
    """Each chapter's reference list filters to its own citations and prefixes its labels with its
    number (C5-1, C5-2 ...), so that the labels of two chapters never collide in the print edition."""
    path, nb = chapter
    blocks = re.findall(r"^```\{bibliography\}\n(.*?)^```", markdown(nb), re.S | re.M)
    assert len(blocks) == 1, f"{path.stem}: {len(blocks)} bibliography directives (one expected)"
    options = dict(re.findall(r"^:([a-z]+):\s*(.*)$", blocks[0], re.M))
    assert options.get("filter") == "docname in docnames", f"{path.stem}: {options}"
    want = f"C{int(path.stem[:2])}-"
    assert options.get("labelprefix") == want, f"{path.stem}: labelprefix {options.get('labelprefix')!r}, not {want!r}"


def test_learning_outcomes(chapter):
    path, nb = chapter
    overview = re.search(r"^## Overview\n(.*?)^## ", markdown(nb), re.S | re.M).group(1)
    outcomes = re.findall(r"^\s*\d+\.\s+\S", overview, re.M)
    assert 3 <= len(outcomes) <= 5, f"{path.stem}: {len(outcomes)} numbered learning outcomes (3-5 expected)"


def test_exercises_have_hidden_solutions(chapter):
    path, nb = chapter
    text = markdown(nb)
    labels = set(re.findall(r"^:label:\s*(ex-\d\d-\d+)", text, re.M))
    assert len(labels) >= 2, f"{path.stem}: fewer than two exercises"
    for label in labels:
        sol = re.search(rf"^(`{{3,}}|:{{3,}})\{{solution(-start)?\}}\s+{label}\s*\n(:[a-z-]+:.*\n)*", text, re.M)
        assert sol, f"{path.stem}: exercise {label} has no solution"
        assert ":class: dropdown" in sol.group(0), f"{path.stem}: solution of {label} is not hidden"


def test_enough_prose(chapter):
    path, nb = chapter
    words = prose_words(markdown(nb))
    assert words >= MIN_WORDS, f"{path.stem}: {words} words of prose, at least {MIN_WORDS} expected"


def test_every_figure_has_alt_text(chapter):
    path, nb = chapter
    text = markdown(nb)
    for name, arg, options in directives(text):
        if name in {"figure", "image"} or (name == "glue:figure" and arg.startswith("fig-")):
            alt = options.get("alt", "").strip()
            assert len(alt) >= 20, f"{path.stem}: {name} {arg} has no meaningful :alt: text"
    assert not re.search(r"!\[\]\(", text), f"{path.stem}: a markdown image without alt text"


def test_has_a_figure_or_table_from_data(chapter):
    path, nb = chapter
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "data.load" in code or "ctmodule" in code, f"{path.stem}: nothing computed from data/"
    assert "{glue:figure}" in markdown(nb) or "glue(" in code, f"{path.stem}: no glued figure or table"


def test_notebook_stays_thin(chapter):
    path, nb = chapter
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        lines = [ln for ln in cell.source.splitlines() if ln.strip() and not ln.strip().startswith("#")]
        assert len(lines) <= MAX_CODE_LINES_PER_CELL, (
            f"{path.stem}: code cell {i} has {len(lines)} lines; move the logic into ctmodule"
        )
        assert not re.search(r"^\s*(def|class) ", cell.source, re.M) or "exercise" in cell.metadata.get(
            "tags", []
        ) or _inside_exercise(nb, i), f"{path.stem}: code cell {i} defines a function; put it in ctmodule"


def _inside_exercise(nb, index: int) -> bool:
    """True when the cell sits between an exercise/solution start and its end (worked solutions)."""
    depth = 0
    for cell in nb.cells[:index]:
        if cell.cell_type == "markdown":
            depth += len(re.findall(r"\{(exercise|solution)-start\}", cell.source))
            depth -= len(re.findall(r"\{(exercise|solution)-end\}", cell.source))
    return depth > 0


def test_no_cell_is_repeated_across_chapters():
    """A cell that two chapters share word for word belongs in a function."""
    seen: dict[str, str] = {}
    trivial = {"", "quiz.show", "widgets."}
    for path in CHAPTERS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            src = "\n".join(ln.strip() for ln in cell.source.splitlines() if ln.strip())
            if src.count("\n") < 3 or any(src.startswith(t) for t in trivial if t):
                continue
            assert src not in seen or seen[src] == path.stem, (
                f"the same code cell is in {seen.get(src)} and {path.stem}: make it a ctmodule function"
            )
            seen[src] = path.stem


def test_prose_counter_counts_only_prose():
    text = (
        "(ch-01-x)=\n# Title\n\nOne two three.\n\n```python\nnot counted here\n```\n\n"
        "```{glue:figure} fig-x\n:alt: not counted either\n\nCaption words count.\n```\n"
        "| a | b |\n|---|---|\n| no | no |\n\nSee {term}`referent object <Referent object>`."
    )
    assert prose_words(text) == len("Title One two three Caption words count See referent object".split())
