"""The assessment page: the rubric (5 bands x 5 criteria, no empty cell), the weights per format
(each row adds up to 100), two exemplars with a full commentary for every listed task, citations
that exist, numbers in the exemplars that the data bear out, and hand-marked questions in every
exercise master that point to the rubric. Each check is also shown to fail on a broken copy."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from ctmodule.book import assessment as a
from ctmodule.paths import repo_root

ROOT = repo_root()
PAGE = ROOT / a.PAGE
GUIDE = ROOT / "appendix" / "instructor-guide.md"
CRITERIA = ["Accuracy", "Use of evidence", "Use of the literature", "Argument",
            "Neutral and attributed language"]
FORMATS = ["Essay", "Policy memo", "Source-criticism assignment", "Data brief", "Simulation"]
#: The tasks of the instructor's guide that need exemplars here (chapter 9's essays have their own
#: page), by the label that precedes each task's section.
TASKS = {
    "app-assessment-ex-ch01": "Chapter 1",
    "app-assessment-ex-ch05": "Chapter 5",
    "app-assessment-ex-memo-code": "Policy memo: whether to join a non-binding code of conduct",
    "app-assessment-ex-memo-definition": "Policy memo: how to word a national definition of terrorism",
    "app-assessment-ex-memo-networks": "Policy memo: reviewing a power to suspend networks",
    "app-assessment-ex-source": "Source-criticism assignment",
    "app-assessment-ex-brief": "Data brief",
}


@pytest.fixture(scope="module")
def text() -> str:
    return PAGE.read_text(encoding="utf-8")


def shape_problems(text: str) -> list[str]:
    """What is wrong with the rubric's shape: exactly the five criteria, each with five bands."""
    try:
        grid = a.rubric(text)
    except a.AssessmentError as exc:
        return [str(exc)]
    problems = []
    if list(grid) != CRITERIA:
        problems.append(f"criteria {list(grid)}, expected {CRITERIA}")
    for criterion, cells in grid.items():
        if list(cells) != a.BANDS:
            problems.append(f"{criterion}: bands {list(cells)}")
        problems += [f"{criterion}, {band}: empty" for band, what in cells.items() if len(what.split()) < 10]
    return problems


# --- the rubric ---------------------------------------------------------------------------------


def test_rubric_is_five_bands_by_five_criteria(text):
    assert shape_problems(text) == []
    grid = a.rubric(text)
    assert len(grid) == 5 and all(len(cells) == 5 for cells in grid.values())


def _row(text: str, criterion_anchor: str, band: str) -> str:
    """The table row of ``band`` in the section after ``criterion_anchor``."""
    start = text.index(criterion_anchor)
    return next(line for line in text[start:].splitlines() if line.startswith(f"| {band} |"))


@pytest.mark.parametrize("break_it, expected", [
    # an empty descriptor
    (lambda t: t.replace(_row(t, "(app-assessment-argument)=", "Fail"), "| Fail | 0–39 |  |"), "empty cell"),
    # a band left out
    (lambda t: t.replace(_row(t, "(app-assessment-literature)=", "Upper second") + "\n", ""), "lacks the band"),
    # a sixth criterion
    (lambda t: t.replace("(app-assessment-weights)=", "### Style\n\n| Band | Marks | What the work does |\n"
                         "| --- | --- | --- |\n" + "\n".join(f"| {b} | 0 | Words words words words words "
                                                          "words words words words words. |" for b in a.BANDS)
                         + "\n\n(app-assessment-weights)="), "criteria"),
    # a band named twice
    (lambda t: t.replace(_row(t, "(app-assessment-accuracy)=", "Fail"),
                         _row(t, "(app-assessment-accuracy)=", "First class")), "twice"),
])
def test_a_broken_rubric_is_caught(text, break_it, expected):
    broken = break_it(text)
    assert broken != text
    problems = shape_problems(broken)
    assert problems and any(expected in p for p in problems), problems


# --- weights ------------------------------------------------------------------------------------


def test_weights_of_each_format_add_up_to_100(text):
    table = a.weights(text)
    assert list(table) == FORMATS
    for fmt, row in table.items():
        assert list(row) == CRITERIA, f"{fmt}: columns {list(row)} are not the rubric's criteria"
        assert sum(row.values()) == 100, fmt
        assert all(w > 0 for w in row.values()), f"{fmt}: every criterion counts"


def test_weights_that_do_not_add_up_are_caught(text):
    broken = text.replace("| Data brief | 25 | 35 | 5 | 20 | 15 | 100 |", "| Data brief | 25 | 35 | 5 | 20 | 20 | 100 |")
    assert broken != text
    with pytest.raises(a.AssessmentError, match="Data brief.*add up to 105"):
        a.weights(broken)
    with pytest.raises(a.AssessmentError, match="whole number"):
        a.weights(text.replace("| Essay | 20 |", "| Essay | twenty |"))


def test_the_unit_weighting_adds_up_to_100(text):
    lines = text.splitlines()
    start, stop = a._section(lines, "A weighting for the unit")
    rows = a._table(lines, start, stop)[1:]
    parts = {r[0]: r[1] for _, r in rows}
    assert {"Exercise notebooks", "Self-check quizzes", "Essay", "Simulation"} <= set(parts)
    assert sum(int(v) for k, v in parts.items() if k != "Total") == 100 == int(parts["Total"])


# --- exemplars ----------------------------------------------------------------------------------


def test_every_listed_task_has_two_exemplars_with_a_commentary(text):
    assert a.exemplar_problems(text, CRITERIA) == []
    tasks = {t.title: t for t in a.exemplars(text)}
    lines = text.splitlines()
    for label, title in TASKS.items():
        at = lines.index(f"({label})=")
        heading = lines[at + 1]
        assert heading.startswith("### ") and heading[4:].startswith(title), (label, heading)
        task = tasks[heading[4:]]
        assert sorted(e.level.split(" (")[0] for e in task.exemplars) == sorted(a.LEVELS)
        first, passing = (next(e for e in task.exemplars if e.level.startswith(lv)) for lv in a.LEVELS)
        # the first-class answer is marked higher than the pass answer on at least three criteria
        rank = {b: i for i, b in enumerate(a.BANDS)}
        better = sum(rank[first.bands[c]] < rank[passing.bands[c]] for c in CRITERIA)
        assert better >= 3, f"{title}: the first-class answer is not marked above the pass answer"
        assert all(rank[first.bands[c]] <= rank[passing.bands[c]] for c in CRITERIA), title


def test_the_chapter_9_essays_are_linked_not_duplicated(text):
    assert "{ref}`app-exemplars-essays`" in text
    assert "(app-exemplars-essays)=" not in text


def _without(text: str, start_marker: str, end_marker: str) -> str:
    i = text.index(start_marker)
    j = text.index(end_marker, i + len(start_marker))
    return text[:i] + text[j:]


@pytest.mark.parametrize("break_it, expected", [
    # a task loses its pass answer
    (lambda t: _without(t, "#### Pass answer", "(app-assessment-ex-ch05)="), "'Pass answer' exemplar(s), not 1"),
    # a second first-class answer
    (lambda t: t.replace("#### Pass answer", "#### First-class answer", 1), "'First-class answer' exemplar(s), not 1"),
    # a commentary that skips a criterion
    (lambda t: t.replace("- **Argument**: first class. The answer says why the texts differ", "- The answer says why"),
     "no band for 'Argument'"),
    # a commentary with a band that does not exist
    (lambda t: t.replace("- **Accuracy**: first class. Every statement", "- **Accuracy**: distinction. Every statement"),
     "'distinction' is not a band"),
    # no commentary at all
    (lambda t: t.replace("**Marker's commentary.**", "**Notes.**", 1), "no **Marker's commentary.**"),
])
def test_broken_exemplars_are_caught(text, break_it, expected):
    broken = break_it(text)
    assert broken != text
    problems = a.exemplar_problems(broken, CRITERIA)
    assert any(expected in p for p in problems), problems


def test_the_fictional_parts_are_marked_as_fictional(text):
    for task in ("app-assessment-ex-ch05", "app-assessment-ex-memo-code", "app-assessment-ex-memo-definition",
                 "app-assessment-ex-memo-networks"):
        start = text.index(f"({task})=")
        section = text[start:text.index("#### Pass answer", start)]
        assert re.search(r"\bfictional\b", section), f"{task}: the invented parts are not marked fictional"


# --- citations ----------------------------------------------------------------------------------


def test_every_cited_key_exists():
    known = a.bib_keys()
    assert len(known) > 100
    for path in (PAGE, GUIDE):
        body = path.read_text(encoding="utf-8")
        assert a.cite_keys(body), f"{path.name}: no citation found (the parser is broken)"
        assert a.citation_problems(body, known, path.name) == []


def test_an_unknown_key_is_caught(text):
    broken = text.replace("{cite:p}`Schmid2011revised`", "{cite:p}`Schmid2011revised,Nobody2099invented`", 1)
    assert a.citation_problems(broken, a.bib_keys()) == [
        f"{a.PAGE}:{a.cite_keys(broken)[0][0]}: unknown citation key 'Nobody2099invented'"]


# --- the exemplars' numbers are the data's ------------------------------------------------------


def test_the_numbers_quoted_in_the_exemplars_match_the_data(text):
    from ctmodule import data
    from ctmodule.analysis import definitions as defs

    grid = defs.element_grid(data.load("definition_elements"), numeric=True, definitions=data.load("definitions"))
    matrix = defs.similarity_matrix(grid)
    quoted = {("schmid_2011", "unsc_1566"): "0.43", ("scheinin_2010", "icsft_2_1_b"): "0.90",
              ("scheinin_2010", "kz_416_i_art1_5"): "0.43", ("uk_ta_2000_s1", "kz_416_i_art1_5"): "0.77"}
    for (x, y), shown in quoted.items():
        assert f"{matrix.loc[x, y]:.2f}" == shown, (x, y, matrix.loc[x, y])
        assert shown in text

    instruments = data.load("instruments")
    years = instruments["adopted_date"].astype(str).str[:4].astype(int)
    decades = (years // 10 * 10).astype(str) + "s"
    counts = instruments.assign(decade=decades).groupby(["decade", "scope"]).size().unstack(fill_value=0)
    start = text.index("(app-assessment-ex-brief)=")
    rows = a._table(text.splitlines(), text[:start].count("\n"), len(text.splitlines()))
    table = {r[0].strip("> ").strip(): r[1:] for _, r in rows[1:]}
    for decade, (universal, regional) in table.items():
        if decade == "Total":
            assert int(universal) == int(counts["universal"].sum()) and int(regional) == int(counts["regional"].sum())
            continue
        got = counts.loc[decade] if decade in counts.index else {"universal": 0, "regional": 0}
        assert (int(universal), int(regional)) == (int(got["universal"]), int(got["regional"])), decade


# --- the exercise masters -----------------------------------------------------------------------


def masters() -> list[Path]:
    return sorted((ROOT / "exercises").glob("*/*.ipynb"))


def test_every_hand_marked_question_points_to_the_rubric():
    assert len(masters()) >= 6
    total = 0
    for nb in masters():
        prompts = a.manual_prompts(nb)
        assert prompts, f"{nb.name}: no hand-marked question found (the parser is broken?)"
        total += len(prompts)
        assert a.prompt_problems(nb, CRITERIA) == []
    assert total >= 12


def test_a_prompt_without_the_rubric_is_caught(tmp_path):
    source = masters()[0]
    copy = tmp_path / source.name
    shutil.copy(source, copy)
    nb = json.loads(copy.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            body = "".join(cell["source"])
            cell["source"] = [re.sub(r"\*Marking:\*.*", "", body, flags=re.S)]
    copy.write_text(json.dumps(nb), encoding="utf-8")
    problems = a.prompt_problems(copy, CRITERIA)
    assert len(problems) == 2 * len(a.manual_prompts(copy)) and "does not point to the rubric" in problems[0]


# --- the book ----------------------------------------------------------------------------------


def test_the_page_follows_the_instructor_guide_in_the_toc():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [c["file"] for part in toc["parts"] for c in part.get("chapters", [])]
    assert files[files.index("appendix/instructor-guide") + 1] == "appendix/assessment"
    assert PAGE.read_text(encoding="utf-8").startswith("(app-assessment)=\n# ")


def test_the_guide_links_to_the_rubric_instead_of_its_old_table():
    guide = GUIDE.read_text(encoding="utf-8")
    assert "| Criterion | Strong | Adequate | Weak |" not in guide
    section = guide[guide.index("(app-instructor-guide-assessment)="):guide.index("(app-instructor-guide-sensitive)=")]
    assert "{ref}`app-assessment`" in section
    for fmt in ("**Essay**", "**Source-criticism assignment**", "**Data brief**", "**Policy memo**"):
        assert fmt in section, f"the guide lost its description of {fmt}"


def test_the_first_class_needs_no_installation():
    guide = GUIDE.read_text(encoding="utf-8")
    ch0 = guide[guide.index("(app-instructor-guide-ch00)="):guide.index("(app-instructor-guide-ch01)=")]
    plan = ch0[ch0.index("**A three-hour class"):ch0.index("**Discussion questions.**")]
    rows = [line for line in plan.splitlines() if re.match(r"\| \d:\d\d", line)]
    assert len(rows) >= 8
    # nothing in class is installed or run outside the browser (the old plan had students run chapter 0
    # "on a hub or their own computer")
    assert not re.search(r"\binstall|make lab|\bruns? (chapter|the notebook|a notebook)|own computer",
                         " ".join(rows), re.I)
    for part in ("explorer", "quiz", "reading", "Discussion"):
        assert re.search(part, " ".join(rows), re.I), f"the first class has no {part}"
    assert "(app-instructor-guide-setup)=" in ch0 and "When set-up fails" in ch0
    assert "(app-instructor-guide-access)=" in guide
