"""The assessment page (``appendix/assessment.md``) read as data, and checked.

The page holds the rubric every written task is marked with, the weights of its criteria per
format, and exemplar answers with markers' commentaries. Its structure is what the tests and the
exercise masters rely on, so this module reads it back and reports every departure as
``file:line: message``:

- **the rubric**: under ``## The rubric``, one ``### <criterion>`` section per criterion, each with a
  table ``| Band | Marks | What the work does |`` holding one row per mark band, none empty;
- **the weights**: under ``## Weights by format``, a table with one column per criterion (in the
  rubric's order) and a ``Total``; each row's weights are whole numbers that add up to 100;
- **the exemplars**: under ``## Exemplar answers``, one ``### <task>`` section per task, holding
  exactly one ``#### First-class answer`` and one ``#### Pass answer``, each followed by a
  ``**Marker's commentary.**`` that gives a band for every criterion (``- **Accuracy**: third (pass).``);
- **citations**: every key in a ``{cite:p}`` (or ``{cite:t}``, ``{cite}``) role is an entry of
  ``references.bib``.

:func:`manual_prompts` reads the prompts of the hand-marked questions of an otter master notebook,
so that a test can check each names the rubric.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ctmodule.paths import repo_root

#: The five mark bands, best first, and how a commentary may name each.
BANDS = ["First class", "Upper second", "Lower second", "Third (pass)", "Fail"]
BAND_WORDS = {
    "first class": "First class",
    "upper second": "Upper second",
    "lower second": "Lower second",
    "third (pass)": "Third (pass)",
    "third": "Third (pass)",
    "pass": "Third (pass)",
    "fail": "Fail",
}
#: The two levels every task has an exemplar for.
LEVELS = ["First-class answer", "Pass answer"]
#: Where the page lives in the repository, and in the built book (for notebooks read outside it).
PAGE = "appendix/assessment.md"
PAGE_URL = "appendix/assessment.html"

_CITE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]*)`")
_BIB_KEY = re.compile(r"^@\w+\s*\{\s*([^,\s]+)\s*,", re.M)
_COMMENTARY = "**Marker's commentary.**"
_CRITERION_LINE = re.compile(r"^- \*\*(?P<criterion>[^*]+)\*\*:\s*(?P<band>[^.]+?)\.(?:\s|$)")


class AssessmentError(ValueError):
    """The assessment page does not have the structure the module relies on."""


@dataclass
class Exemplar:
    level: str
    line: int
    answer: str
    commentary: str | None = None
    bands: dict[str, str] = field(default_factory=dict)


@dataclass
class Task:
    title: str
    line: int
    exemplars: list[Exemplar] = field(default_factory=list)


def _sections(lines: list[str], level: int, start: int = 0, end: int | None = None):
    """(title, first line index, end index) of each heading of ``level`` between start and end."""
    end = len(lines) if end is None else end
    marker = "#" * level + " "
    heads = [i for i in range(start, end) if lines[i].startswith(marker)]
    for i in heads:
        stop = end
        for j in range(i + 1, end):
            if re.match(rf"#{{1,{level}}} ", lines[j]):
                stop = j
                break
        yield lines[i][len(marker):].strip(), i, stop


def _section(lines: list[str], title: str, level: int = 2) -> tuple[int, int]:
    for name, i, stop in _sections(lines, level):
        if name == title:
            return i, stop
    raise AssessmentError(f"{PAGE}: no section '{'#' * level} {title}'")


def _table(lines: list[str], start: int, stop: int) -> list[tuple[int, list[str]]]:
    """The rows of the first Markdown table between start and stop (header first, rule dropped)."""
    rows = []
    for i in range(start, stop):
        line = lines[i].strip()
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if all(re.fullmatch(r":?-{3,}:?", c) for c in cells):
                continue
            rows.append((i + 1, cells))
        elif rows:
            break
    return rows


def rubric(text: str) -> dict[str, dict[str, str]]:
    """The rubric as ``{criterion: {band: descriptor}}``, in the page's order; raises on any gap."""
    lines = text.splitlines()
    start, stop = _section(lines, "The rubric")
    result: dict[str, dict[str, str]] = {}
    for heading, i, end in _sections(lines, 3, start, stop):
        criterion = re.sub(r"\s*\([^)]*\)$", "", heading)  # "Use of evidence (including ...)"
        rows = _table(lines, i, end)
        if not rows:
            raise AssessmentError(f"{PAGE}:{i + 1}: criterion '{criterion}' has no table")
        header, body = rows[0], rows[1:]
        if len(header[1]) != 3:
            raise AssessmentError(f"{PAGE}:{header[0]}: the table of '{criterion}' needs the columns "
                                  "Band | Marks | What the work does")
        cells: dict[str, str] = {}
        for line, row in body:
            if len(row) != 3:
                raise AssessmentError(f"{PAGE}:{line}: '{criterion}': expected 3 cells, found {len(row)}")
            band, marks, what = row
            if band not in BANDS:
                raise AssessmentError(f"{PAGE}:{line}: '{criterion}': unknown band '{band}'")
            if band in cells:
                raise AssessmentError(f"{PAGE}:{line}: '{criterion}': band '{band}' appears twice")
            if not marks or not what:
                raise AssessmentError(f"{PAGE}:{line}: '{criterion}', band '{band}': empty cell")
            cells[band] = what
        missing = [b for b in BANDS if b not in cells]
        if missing:
            raise AssessmentError(f"{PAGE}:{i + 1}: '{criterion}' lacks the band(s) {', '.join(missing)}")
        result[criterion] = cells
    return result


def weights(text: str) -> dict[str, dict[str, int]]:
    """The weights as ``{format: {criterion: weight}}``; each row must add up to its Total (100)."""
    lines = text.splitlines()
    start, stop = _section(lines, "Weights by format")
    rows = _table(lines, start, stop)
    if not rows:
        raise AssessmentError(f"{PAGE}:{start + 1}: the weights have no table")
    (hline, header), body = rows[0], rows[1:]
    if header[0] != "Format" or header[-1] != "Total":
        raise AssessmentError(f"{PAGE}:{hline}: the weights table needs the columns Format, the "
                              "criteria, Total")
    criteria = header[1:-1]
    result: dict[str, dict[str, int]] = {}
    for line, row in body:
        if len(row) != len(header):
            raise AssessmentError(f"{PAGE}:{line}: expected {len(header)} cells, found {len(row)}")
        fmt, values, total = row[0], row[1:-1], row[-1]
        try:
            numbers = [int(v) for v in values]
            stated = int(total)
        except ValueError as exc:
            raise AssessmentError(f"{PAGE}:{line}: '{fmt}': a weight is not a whole number ({exc})") from None
        if sum(numbers) != 100 or stated != 100:
            raise AssessmentError(f"{PAGE}:{line}: '{fmt}': the weights add up to {sum(numbers)} "
                                  f"(stated total {stated}), not 100")
        result[fmt] = dict(zip(criteria, numbers, strict=True))
    return result


def _band(word: str) -> str | None:
    return BAND_WORDS.get(word.strip().lower())


def exemplars(text: str) -> list[Task]:
    """The tasks of the exemplar section, each with its exemplars, commentaries and bands."""
    lines = text.splitlines()
    start, stop = _section(lines, "Exemplar answers")
    tasks = []
    for title, i, end in _sections(lines, 3, start, stop):
        task = Task(title, i + 1)
        for level, j, stop_j in _sections(lines, 4, i, end):
            body = lines[j + 1:stop_j]
            at = next((k for k, line in enumerate(body) if line.strip().startswith(_COMMENTARY)), None)
            answer = "\n".join(body if at is None else body[:at]).strip()
            ex = Exemplar(level, j + 1, answer)
            if at is not None:
                ex.commentary = "\n".join(body[at:]).strip()
                for line in body[at + 1:]:
                    m = _CRITERION_LINE.match(line.strip())
                    if m:
                        ex.bands[m["criterion"].strip()] = _band(m["band"]) or m["band"].strip()
            task.exemplars.append(ex)
        tasks.append(task)
    return tasks


def exemplar_problems(text: str, criteria: list[str] | None = None) -> list[str]:
    """Every task that lacks exactly one exemplar per level, an answer or a full commentary."""
    criteria = list(rubric(text)) if criteria is None else criteria
    problems = []
    tasks = exemplars(text)
    if not tasks:
        problems.append(f"{PAGE}: the exemplar section holds no task")
    for task in tasks:
        for level in LEVELS:
            found = [e for e in task.exemplars if e.level.startswith(level)]
            if len(found) != 1:
                problems.append(f"{PAGE}:{task.line}: '{task.title}' has {len(found)} '{level}' "
                                "exemplar(s), not 1")
        for ex in task.exemplars:
            where = f"{PAGE}:{ex.line}: '{task.title}', {ex.level}"
            if not any(ex.level.startswith(level) for level in LEVELS):
                problems.append(f"{where}: not one of {LEVELS}")
            if len(re.sub(r"\W+", " ", ex.answer).split()) < 100:
                problems.append(f"{where}: the answer is missing or shorter than 100 words")
            if ex.commentary is None:
                problems.append(f"{where}: no {_COMMENTARY}")
                continue
            for criterion in criteria:
                band = ex.bands.get(criterion)
                if band is None:
                    problems.append(f"{where}: the commentary gives no band for '{criterion}'")
                elif band not in BANDS:
                    problems.append(f"{where}: '{criterion}': '{band}' is not a band")
            for extra in sorted(set(ex.bands) - set(criteria)):
                problems.append(f"{where}: the commentary names '{extra}', which is not a criterion")
    return problems


def cite_keys(text: str) -> list[tuple[int, str]]:
    """(line, key) of every citation in the text."""
    found = []
    for n, line in enumerate(text.splitlines(), start=1):
        for m in _CITE.finditer(line):
            found += [(n, k.strip()) for k in m.group(1).split(",") if k.strip()]
    return found


def bib_keys(path: Path | None = None) -> set[str]:
    path = repo_root() / "references.bib" if path is None else path
    return set(_BIB_KEY.findall(path.read_text(encoding="utf-8")))


def citation_problems(text: str, known: set[str], name: str = PAGE) -> list[str]:
    return [f"{name}:{line}: unknown citation key '{key}'" for line, key in cite_keys(text) if key not in known]


def manual_prompts(notebook: Path) -> list[tuple[str, str]]:
    """(question name, prompt) of each hand-marked question (``manual: true``) of an otter master.

    The prompt is the Markdown between the question's ``# BEGIN QUESTION`` cell and the next raw
    cell (its ``# BEGIN SOLUTION``)."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    found = []
    for i, cell in enumerate(cells):
        source = "".join(cell["source"])
        if cell["cell_type"] != "raw" or not source.lstrip().startswith("# BEGIN QUESTION"):
            continue
        if not re.search(r"^manual:\s*true\s*$", source, re.M | re.I):
            continue
        name = re.search(r"^name:\s*(\S+)", source, re.M)
        prompt = []
        for later in cells[i + 1:]:
            if later["cell_type"] == "raw":
                break
            if later["cell_type"] == "markdown":
                prompt.append("".join(later["source"]))
        found.append((name.group(1) if name else f"cell {i + 1}", "\n\n".join(prompt)))
    return found


def prompt_problems(notebook: Path, criteria: list[str]) -> list[str]:
    """Each hand-marked question whose prompt does not name the rubric, its page and a criterion."""
    problems = []
    for name, prompt in manual_prompts(notebook):
        where = f"{notebook.name}: {name}"
        flat = " ".join(prompt.split()).lower()
        if "rubric" not in flat or PAGE_URL not in flat:
            problems.append(f"{where}: the prompt does not point to the rubric ({PAGE_URL})")
        if not any(c.lower() in flat for c in criteria):
            problems.append(f"{where}: the prompt names none of the rubric's criteria")
    return problems
