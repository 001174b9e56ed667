"""The classroom simulations (``classroom/*.md``): their handouts, and the checks that keep them
honest.

A simulation page is MyST Markdown with a label above its H1, a roles table, a run sheet and one
printable block per role::

    :::{div} handout
    ```{rubric} Handout: Chair
    ```
    **FICTIONAL SCENARIO.** ...
    :::

Shared sheets (the evidence pack, the law, a marking sheet) are blocks with the classes
``handout shared-sheet`` and a title ``Sheet X: ...``. :func:`handouts` reads the blocks (the lead's
PDF of the handouts can be made from them); :func:`check_page` returns every problem of one page as
``file:line: message``, and :func:`check` those of the whole part.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from ctmodule.data import bibliography

#: The words that mark a scenario as invented, at the top of a page and in every handout.
MARKER = "FICTIONAL SCENARIO"

#: What every role handout must tell its reader, so that it can be used on its own.
HANDOUT_PARTS = ("Your role", "What you know", "What to prepare", "Time")

#: The simulation pages (the part's introduction has no handouts).
PAGES = ("classroom/sanctions-committee.md", "classroom/moot.md")
INDEX = "classroom/index.md"

FENCE_OPEN = re.compile(r"^(:{3,})\{div\}\s+(.+?)\s*$")
RUBRIC = re.compile(r"^```\{rubric\}\s*(.+?)\s*$", re.M)
LABEL = re.compile(r"^\(([A-Za-z0-9_-]+)\)=\s*$", re.M)
OPTION_TARGET = re.compile(r"^:(?:label|name):\s*(\S+)\s*$", re.M)
REF = re.compile(r"\{ref\}`([^`]+)`")
TERM = re.compile(r"\{term\}`([^`]+)`")
ADMONITION = re.compile(
    r"^(:{3,})\{(?:admonition|important|warning|caution|attention|note)\}(.*?)^\1\s*$", re.M | re.S
)
SHEET_REF = re.compile(r"\b[Ss]heets? ([A-Z])\b(?: and ([A-Z])\b)?")
RUN_TOTAL = re.compile(r"\*\*Total time: (\d+) minutes\.\*\*")
POINTS_TOTAL = re.compile(r"\*\*Total: (\d+) points\.\*\*")
SKIP_DIRS = bibliography.SKIP_DIRS


@dataclass
class Handout:
    """One printable block of a page."""

    title: str
    classes: tuple[str, ...]
    body: str
    line: int  # line of the opening fence, counted from 1

    @property
    def shared(self) -> bool:
        return "shared-sheet" in self.classes

    @property
    def role(self) -> str | None:
        """The role a handout is for (``Handout: Chair`` gives ``Chair``); ``None`` for a sheet."""
        m = re.match(r"Handout:\s*(.+)$", self.title)
        return m.group(1).strip() if m and not self.shared else None


def handouts(text: str) -> list[Handout]:
    """Every ``{div}`` block with the class ``handout``, in page order.

    Raises ``ValueError`` naming the line of a block that is never closed.
    """
    lines = text.splitlines()
    found: list[Handout] = []
    i = 0
    while i < len(lines):
        m = FENCE_OPEN.match(lines[i])
        if m and "handout" in m.group(2).split():
            fence, start = m.group(1), i
            close = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == fence), None)
            if close is None:
                raise ValueError(f"line {start + 1}: handout block is never closed with {fence}")
            body = "\n".join(lines[i + 1 : close])
            t = RUBRIC.search(body)
            found.append(Handout(t.group(1) if t else "", tuple(m.group(2).split()), body, start + 1))
            i = close + 1
        else:
            i += 1
    return found


def _section(text: str, suffix: str) -> tuple[str, int] | None:
    """The text from the label ending in ``suffix`` to the next label or H2, and its first line."""
    for m in LABEL.finditer(text):
        if m.group(1).endswith(suffix):
            rest = text[m.end() :].lstrip("\n")
            heading, _, after = rest.partition("\n")  # the section's own heading
            nxt = re.search(r"^\([A-Za-z0-9_-]+\)=\s*$|^## ", after, re.M)
            body = heading + "\n" + (after[: nxt.start()] if nxt else after)
            return body, text[: m.start()].count("\n") + 1
    return None


def table(section: str) -> list[dict[str, str]]:
    """The first Markdown table of a section, as rows keyed by the header cells."""
    rows: list[list[str]] = []
    for line in section.splitlines():
        if line.startswith("|"):
            rows.append([c.strip() for c in line.strip().strip("|").split("|")])
        elif rows:
            break
    if len(rows) < 2:
        return []
    header, body = rows[0], rows[2:]
    return [dict(zip(header, r, strict=False)) for r in body]


def _minutes(start: str) -> int:
    h, m = start.split(":")
    return int(h) * 60 + int(m)


def _known_targets(root: Path) -> set[str]:
    targets: set[str] = set()
    for _, text in bibliography.page_texts(root):
        targets.update(LABEL.findall(text))
        targets.update(OPTION_TARGET.findall(text))
    return targets


def _glossary_names(root: Path) -> set[str]:
    from ctmodule.book import glossary

    names: set[str] = set()
    for e in glossary.load_entries(root / "glossary"):
        names.update(n.casefold() for n in [e["term"], *e["aliases"]])
    return names


def _target(role: str) -> str:
    """The target of a ``{ref}`` or ``{term}`` role's text: ``text <target>`` or ``target``."""
    m = re.match(r"^.*<([^<>]+)>\s*$", role, re.S)
    return (m.group(1) if m else role).strip()


def check_page(path: str | Path, root: str | Path) -> list[str]:
    """Every problem of one simulation page, as ``file:line: message``."""
    root = Path(root)
    path = Path(path)
    name = path.relative_to(root).as_posix() if path.is_absolute() else path.as_posix()
    text = (root / name).read_text(encoding="utf-8")
    problems: list[str] = []

    def report(line: int, message: str) -> None:
        problems.append(f"{name}:{line}: {message}")

    def line_of(pos: int) -> int:
        return text[:pos].count("\n") + 1

    # the label and the fictional marker at the top
    h1 = re.search(r"^# .+$", text, re.M)
    if not h1 or not LABEL.search(text[: h1.start()]):
        report(1, "no label above the H1")
    first_h2 = re.search(r"^## ", text, re.M)
    top = text[h1.end() if h1 else 0 : first_h2.start() if first_h2 else len(text)]
    if not any(MARKER in block for block in (m.group(2) for m in ADMONITION.finditer(top))):
        report(1, f"no admonition marked {MARKER} between the H1 and the first section")

    # handouts: marked, self-contained, one per role
    try:
        blocks = handouts(text)
    except ValueError as exc:
        return [f"{name}:{exc}"]
    for h in blocks:
        if not h.title:
            report(h.line, "handout without a {rubric} title")
        if MARKER not in h.body:
            report(h.line, f"handout {h.title!r} is not marked {MARKER}")
        if h.shared:
            if not re.match(r"Sheet [A-Z]+: \S", h.title):
                report(h.line, f"shared sheet {h.title!r}: title should read 'Sheet X: ...'")
            if "**Time:**" not in h.body and "**Time.**" not in h.body:
                report(h.line, f"shared sheet {h.title!r} does not say how much time it takes")
            continue
        if h.role is None:
            report(h.line, f"handout {h.title!r}: title should read 'Handout: <role>'")
            continue
        for part in HANDOUT_PARTS:
            if not re.search(rf"\*\*{re.escape(part)}\b", h.body):
                report(h.line, f"handout {h.title!r} has no '{part}' paragraph")

    # every sheet a page or a handout refers to ("sheet E", "sheets L and F") is on the page
    sheets = {m.group(1) for h in blocks if h.shared for m in [re.match(r"Sheet ([A-Z]+):", h.title)] if m}
    for m in SHEET_REF.finditer(text):
        for letter in filter(None, m.groups()):
            if letter not in sheets:
                report(line_of(m.start()), f"refers to sheet {letter}, which the page does not have")

    roles = _section(text, "-roles")
    if roles is None:
        report(1, "no roles section (a label ending in -roles)")
    else:
        listed = [r.get("Role", "") for r in table(roles[0])]
        if not listed:
            report(roles[1], "the roles section has no table with a 'Role' column")
        given = [h.role for h in blocks if h.role]
        for role in listed:
            n = given.count(role)
            if n != 1:
                report(roles[1], f"role {role!r} has {n} handouts, expected exactly one")
        for h in blocks:
            if h.role and h.role not in listed:
                report(h.line, f"handout for {h.role!r}, a role the roles table does not list")

    # the run sheet adds up, and each step starts when the one before it ends
    run = _section(text, "-run")
    if run is None:
        report(1, "no run sheet (a label ending in -run)")
    else:
        rows = table(run[0])
        stated = RUN_TOTAL.search(run[0])
        try:
            minutes = [int(r["Minutes"]) for r in rows]
        except (KeyError, ValueError):
            report(run[1], "the run sheet needs a 'Minutes' column of whole numbers")
            minutes = []
        if not stated:
            report(run[1], "the run sheet does not state '**Total time: N minutes.**'")
        elif minutes and sum(minutes) != int(stated.group(1)):
            report(run[1], f"the run sheet's minutes add up to {sum(minutes)}, "
                           f"but it states {stated.group(1)}")
        clock = 0
        for r, m in zip(rows, minutes, strict=False):
            start = r.get("Start", "")
            if not re.match(r"^\d+:\d\d$", start) or _minutes(start) != clock:
                report(run[1], f"step {r.get('Step', '?')!r} starts at {start or '?'}, "
                               f"expected {clock // 60}:{clock % 60:02d}")
            clock += m

    # a marking sheet, where there is one, adds up
    marking = _section(text, "-marking")
    if marking is not None:
        sheet = next((h for h in blocks if h.shared and "Marking" in h.title), None)
        body = sheet.body if sheet else marking[0]
        rows = table(body)
        stated = POINTS_TOTAL.search(body)
        try:
            points = [int(r["Points"]) for r in rows]
        except (KeyError, ValueError):
            report(marking[1], "the marking sheet needs a 'Points' column of whole numbers")
            points = []
        if not stated:
            report(marking[1], "the marking sheet does not state '**Total: N points.**'")
        elif points and sum(points) != int(stated.group(1)):
            report(marking[1], f"the marking sheet's points add up to {sum(points)}, "
                               f"but it states {stated.group(1)}")

    # citations, cross-references and glossary terms resolve
    bib = bibliography.read_entries(root / "references.bib")
    with (root / "data" / "sources.csv").open(encoding="utf-8", newline="") as f:
        with_row = {r["bib_key"] for r in csv.DictReader(f)}
    for m in bibliography.CITE.finditer(text):
        for key in (k.strip() for k in m.group(1).split(",")):
            if key not in bib:
                report(line_of(m.start()), f"cites {key}, which references.bib does not have")
            elif key not in with_row:
                report(line_of(m.start()), f"cites {key}, which no row of data/sources.csv has")
    targets = _known_targets(root)
    for m in REF.finditer(text):
        if _target(m.group(1)) not in targets:
            report(line_of(m.start()), f"{{ref}} to {_target(m.group(1))!r}, a label that does not exist")
    terms = _glossary_names(root)
    for m in TERM.finditer(text):
        if _target(m.group(1)).casefold() not in terms:
            report(line_of(m.start()), f"{{term}} {_target(m.group(1))!r} is not in the glossary")
    return problems


def check_index(root: str | Path) -> list[str]:
    """The introduction states, for each simulation, the time its run sheet adds up to."""
    root = Path(root)
    text = (root / INDEX).read_text(encoding="utf-8")
    problems = []
    header = next((line for line in text.splitlines() if line.startswith("|")), "")
    cols = [_target(REF.search(c).group(1)) if REF.search(c) else "" for c in header.strip("|").split("|")]
    row = next((line for line in text.splitlines() if line.startswith("| Time in class")), None)
    if row is None:
        return [f"{INDEX}: no 'Time in class' row in the overview table"]
    cells = [c.strip() for c in row.strip().strip("|").split("|")]
    for page in PAGES:
        page_text = (root / page).read_text(encoding="utf-8")
        label = LABEL.search(page_text)
        run = _section(page_text, "-run")
        stated = RUN_TOTAL.search(run[0]) if run else None
        if not label or not stated:
            continue  # check_page reports these
        if label.group(1) not in cols:
            problems.append(f"{INDEX}: the overview table has no column for {label.group(1)}")
            continue
        cell = cells[cols.index(label.group(1))] if cols.index(label.group(1)) < len(cells) else ""
        if not cell.startswith(f"{stated.group(1)} minutes"):
            problems.append(f"{INDEX}: 'Time in class' for {label.group(1)} is {cell!r}, "
                            f"but its run sheet totals {stated.group(1)} minutes")
    return problems


def check(root: str | Path) -> list[str]:
    """Every problem of the classroom part."""
    root = Path(root)
    problems = []
    for page in PAGES:
        problems += check_page(root / page, root)
    return problems + check_index(root)


def page_title(text: str) -> str:
    """A page's H1."""
    m = re.search(r"^# (.+?)\s*$", text, re.M)
    return m.group(1) if m else ""


def all_handouts(root: str | Path) -> list[tuple[str, Handout]]:
    """Every handout of the simulation pages, in page order, with the title of its simulation."""
    root = Path(root)
    found = []
    for page in PAGES:
        text = (root / page).read_text(encoding="utf-8")
        found += [(page_title(text), h) for h in handouts(text)]
    return found


def handouts_markdown(root: str | Path) -> str:
    """The handouts of every simulation as one printable page: each block starts a new page in
    print, with its simulation's name above its own title (the print edition's handouts PDF)."""
    blocks = []
    for simulation, h in all_handouts(root):
        fence = ":" * max(3, max((len(m) for m in re.findall(r"^(:{3,})", h.body, re.M)), default=0) + 1)
        blocks.append(f"{fence}{{div}} {' '.join(h.classes)}\n*{simulation}*\n\n{h.body}\n{fence}")
    return "\n\n".join(blocks) + "\n"
