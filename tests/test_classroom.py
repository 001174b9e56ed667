"""The classroom simulations: marked fictional at the top and in every handout, one handout per
role, run sheets and the marking sheet that add up, and citations, cross-references and terms that
resolve. Each check is shown to fail on a page that breaks it."""

from __future__ import annotations

import re
import shutil

import pytest
import yaml

from ctmodule.book import classroom
from ctmodule.paths import repo_root

ROOT = repo_root()
SANCTIONS = "classroom/sanctions-committee.md"
MOOT = "classroom/moot.md"


def test_the_classroom_part_is_clean():
    problems = classroom.check(ROOT)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(
    "page, roles, sheets",
    [
        (SANCTIONS, ["Chair", *[f"Delegation {c}" for c in "ABCDEF"], "Monitoring Team",
                     "Designating state", "Ombudsperson"], ["Sheet R", "Sheet E"]),
        (MOOT, ["Appellant's counsel", "Respondent state's counsel", "Bench", "Clerk and timekeeper"],
         ["Sheet M", "Sheet L", "Sheet F"]),
    ],
)
def test_each_page_has_its_handouts(page, roles, sheets):
    blocks = classroom.handouts((ROOT / page).read_text(encoding="utf-8"))
    assert [h.role for h in blocks if h.role] == roles
    assert [h.title.split(":")[0] for h in blocks if h.shared] == sheets
    assert all(classroom.MARKER in h.body for h in blocks)


def test_the_part_comes_before_the_appendices_in_the_toc():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    captions = [p["caption"] for p in toc["parts"]]
    assert captions.index("For the classroom") == captions.index("Appendices") - 1
    part = toc["parts"][captions.index("For the classroom")]
    assert [c["file"] for c in part["chapters"]] == [
        "classroom/index", "classroom/sanctions-committee", "classroom/moot"]


def test_handouts_print_on_their_own_page_without_the_site_chrome():
    css = (ROOT / "_static" / "ctmodule.css").read_text(encoding="utf-8")
    printing = css[css.index("@media print"):]
    assert re.search(r"\.handout\s*\{[^}]*break-before:\s*page", printing)
    for chrome in (".bd-header", ".bd-sidebar-primary", ".bd-sidebar-secondary", ".bd-footer"):
        assert chrome in printing, chrome


def test_the_instructors_guide_points_to_the_part():
    guide = (ROOT / "appendix" / "instructor-guide.md").read_text(encoding="utf-8")
    assert re.search(r"\{ref\}`(?:[^`<]*<)?cls-index>?`", guide), "no {ref} to cls-index"


# --- each check can fail -------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path):
    """A copy of what the checks read: the pages, the bibliography, the labels and the glossary."""
    for folder in ("classroom", "chapters", "appendix", "glossary"):
        shutil.copytree(ROOT / folder, tmp_path / folder,
                        ignore=shutil.ignore_patterns("*.ipynb_checkpoints", "__pycache__"))
    (tmp_path / "data").mkdir()
    shutil.copy(ROOT / "data" / "sources.csv", tmp_path / "data" / "sources.csv")
    for name in ("references.bib", "intro.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    assert classroom.check(tmp_path) == []
    return tmp_path


def edit(path, old, new, count=1):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def first_handout_of(path, role):
    text = path.read_text(encoding="utf-8")
    start = text.index(f"```{{rubric}} Handout: {role}\n")
    return text, start, text.index("\n:::\n", start) + 5


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda d: edit(d / SANCTIONS, ":::{admonition} FICTIONAL SCENARIO", ":::{admonition} Scenario"),
         f"{SANCTIONS}:1: no admonition marked FICTIONAL SCENARIO"),
        (lambda d: edit(d / MOOT, ":::{admonition} FICTIONAL SCENARIO\n:class: important\n",
                        "FICTIONAL SCENARIO\n\n:::{important}\n"),
         f"{MOOT}:1: no admonition marked FICTIONAL SCENARIO"),
        (lambda d: edit(d / SANCTIONS, "```{rubric} Handout: Delegation C\n```\n\n**FICTIONAL SCENARIO.**",
                        "```{rubric} Handout: Delegation C\n```\n\n**Scenario.**"),
         "handout 'Handout: Delegation C' is not marked FICTIONAL SCENARIO"),
        (lambda d: edit(d / MOOT, "```{rubric} Sheet F: The agreed facts\n```\n\n**FICTIONAL SCENARIO.**",
                        "```{rubric} Sheet F: The agreed facts\n```\n\n**Facts.**"),
         "handout 'Sheet F: The agreed facts' is not marked FICTIONAL SCENARIO"),
        (lambda d: edit(d / SANCTIONS, "| Ombudsperson | 1 to 2 |", "| Rapporteur | 1 to 2 |"),
         "handout for 'Ombudsperson', a role the roles table does not list"),
        (lambda d: edit(d / SANCTIONS, "| Ombudsperson | 1 to 2 |", "| Rapporteur | 1 to 2 |"),
         "role 'Rapporteur' has 0 handouts, expected exactly one"),
        (lambda d: edit(d / MOOT, "```{rubric} Handout: Bench", "```{rubric} Handout: Clerk and timekeeper"),
         "role 'Clerk and timekeeper' has 2 handouts, expected exactly one"),
        (lambda d: edit(d / MOOT, "| 0:58 | 5 | Reply", "| 0:58 | 6 | Reply"),
         "the run sheet's minutes add up to 121, but it states 120"),
        (lambda d: edit(d / SANCTIONS, "**Total time: 180 minutes.**", "**Total time: 170 minutes.**"),
         "the run sheet's minutes add up to 180, but it states 170"),
        (lambda d: edit(d / SANCTIONS, "**Total time: 180 minutes.**", "Total: three hours."),
         "the run sheet does not state '**Total time: N minutes.**'"),
        (lambda d: edit(d / SANCTIONS, "| 0:45 | 10 | Assessment", "| 0:50 | 10 | Assessment"),
         "step 'Assessment of the evidence' starts at 0:50, expected 0:45"),
        (lambda d: edit(d / MOOT, "| Answers to the bench | 15 |", "| Answers to the bench | 20 |"),
         "the marking sheet's points add up to 105, but it states 100"),
        (lambda d: edit(d / MOOT, "**Total: 100 points.**", "Total: a hundred."),
         "the marking sheet does not state '**Total: N points.**'"),
        (lambda d: edit(d / MOOT, "{cite:p}`HRC2011gc34`", "{cite:p}`HRC2011gc99`"),
         "cites HRC2011gc99, which references.bib does not have"),
        (lambda d: edit(d / "data" / "sources.csv", ",UNSC2012res2083,", ",UNSC2012res2083x,"),
         "cites UNSC2012res2083, which no row of data/sources.csv has"),
        (lambda d: edit(d / SANCTIONS, "{ref}`ch-08-weighing-evidence-reading`", "{ref}`ch-08-reading`"),
         "{ref} to 'ch-08-reading', a label that does not exist"),
        (lambda d: edit(d / MOOT, "{ref}`cls-moot-roles`", "{ref}`the roles <cls-moot-role>`"),
         "{ref} to 'cls-moot-role', a label that does not exist"),
        (lambda d: edit(d / SANCTIONS, "{term}`1267 Committee`", "{term}`Sanctions committee`"),
         "{term} 'Sanctions committee' is not in the glossary"),
        (lambda d: edit(d / MOOT, "**What to prepare (before class, about 45 minutes).**",
                        "**Preparation.**"),
         "handout 'Handout: Bench' has no 'What to prepare' paragraph"),
        (lambda d: edit(d / SANCTIONS, "```{rubric} Sheet E: The evidence pack", "```{rubric} Evidence pack"),
         "shared sheet 'Evidence pack': title should read 'Sheet X: ...'"),
        (lambda d: edit(d / "classroom" / "index.md", "| 120 minutes (run sheet", "| 90 minutes (run sheet"),
         "classroom/index.md: 'Time in class' for cls-moot is '90 minutes (run sheet on the page)', "
         "but its run sheet totals 120 minutes"),
        (lambda d: edit(d / "chapters" / "03-comparing-definitions.ipynb",
                        "(ch-03-comparing-definitions-yardstick)=", "(ch-03-yardstick)="),
         "{ref} to 'ch-03-comparing-definitions-yardstick', a label that does not exist"),
        (lambda d: edit(d / MOOT, "sheets L and F for everyone", "sheets L and G for everyone"),
         "refers to sheet G, which the page does not have"),
        (lambda d: edit(d / SANCTIONS, "```{rubric} Sheet R: The rules", "```{rubric} Sheet S: The rules"),
         "refers to sheet R, which the page does not have"),
    ],
    ids=[
        "marker missing at the top",
        "marker outside the admonition",
        "handout not marked",
        "shared sheet not marked",
        "handout without a role",
        "role without a handout",
        "two handouts for one role",
        "run sheet does not add up",
        "stated total wrong",
        "no stated total",
        "a step starts at the wrong time",
        "marking sheet does not add up",
        "no stated points total",
        "citation not in the bibliography",
        "citation without a sources row",
        "ref to a missing label",
        "ref with text to a missing label",
        "term not in the glossary",
        "handout not self-contained",
        "sheet title",
        "index time differs from the run sheet",
        "a chapter label the page relies on is renamed",
        "a sheet that does not exist",
        "a sheet renamed under its references",
    ],
)
def test_each_problem_is_reported(project, mutate, expected):
    mutate(project)
    problems = classroom.check(project)
    assert any(expected in p for p in problems), problems


def test_an_unclosed_handout_is_named_by_its_line(project):
    page = project / MOOT
    text, start, _ = first_handout_of(page, "Bench")
    opening = text.rindex(":::{div} handout", 0, start)
    page.write_text(text[:opening] + text[opening:].replace("\n:::\n", "\n"), encoding="utf-8")
    line = text[:opening].count("\n") + 1
    problems = classroom.check(project)
    assert f"{MOOT}:line {line}: handout block is never closed with :::" in problems, problems


def test_a_handout_missing_from_the_end_of_a_page_is_found(project):
    page = project / SANCTIONS
    text, start, end = first_handout_of(page, "Ombudsperson")
    opening = text.rindex(":::{div} handout", 0, start)
    page.write_text(text[:opening] + text[end:], encoding="utf-8")
    assert any("role 'Ombudsperson' has 0 handouts" in p for p in classroom.check(project))


def test_handouts_start_a_new_page_in_the_print_edition_too():
    from ctmodule.book import pdf

    preamble = pdf.pdf_config({}, "T")["sphinx"]["config"]["latex_elements"]["preamble"]
    assert "\\newenvironment{sphinxclasshandout}{\\clearpage}{}" in preamble
