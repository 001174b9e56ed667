"""The literature behind the module: further reading split into core and advanced, and enough academic sources.

Issue 14 asks that every chapter's further reading be split into "Core reading" and "Advanced reading",
that at least two core items give the pages to read, and that academic works make up at least 30 % of
``data/sources.csv``. Sphinx checks that a cited key resolves; these tests check the shape of the lists,
that every key a reading list cites is a real entry of ``references.bib`` with a row in
``data/sources.csv``, and the academic share.

The format of the section, the same in every chapter::

    ## Further reading

    ### Core reading

    - {cite:t}`Key`, what to read (pp. 12–34) and why, in one sentence.

    ### Advanced reading

    - {cite:t}`Key`, ...
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

from ctmodule.data.refs import read_bib_keys

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]-*.ipynb"))
ACADEMIC_SHARE = 0.30

CORE_ITEMS = (3, 5)
ADVANCED_ITEMS = (3, 6)
MIN_CORE_WITH_PAGES = 2

# a page range: "pp. 12–34" with an en dash (roman numerals allowed for front matter)
PAGES = re.compile(r"\bpp\.\s(?:[0-9]+|[ivxlc]+)–(?:[0-9]+|[ivxlc]+)\b")
CITE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")


class ReadingError(ValueError):
    """The further-reading section of a chapter does not follow the format."""


@dataclass
class ReadingList:
    core: list[str] = field(default_factory=list)
    advanced: list[str] = field(default_factory=list)

    def items(self) -> list[str]:
        return self.core + self.advanced


def further_reading(markdown: str, where: str = "<text>") -> ReadingList:
    """Parse the "## Further reading" section of a chapter's markdown into its core and advanced items.

    The section runs from its heading to the next heading of level 1 or 2. It must hold exactly the two
    subsections "### Core reading" and "### Advanced reading", in that order, each a bulleted list (an
    item may continue on indented lines); any other text in the section is an error.
    """
    lines = markdown.splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip() == "## Further reading"]
    if not starts:
        raise ReadingError(f"{where}: no '## Further reading' section")
    if len(starts) > 1:
        raise ReadingError(f"{where}: {len(starts)} '## Further reading' sections, expected one")
    body: list[tuple[int, str]] = []
    for n, line in enumerate(lines[starts[0] + 1 :], start=starts[0] + 2):
        m = HEADING.match(line)
        if m and len(m.group(1)) <= 2:
            break
        body.append((n, line))

    result = ReadingList()
    current: list[str] | None = None
    seen: list[str] = []
    for n, line in body:
        m = HEADING.match(line)
        if m:
            title = m.group(2)
            if len(m.group(1)) != 3 or title not in ("Core reading", "Advanced reading"):
                raise ReadingError(
                    f"{where}:{n}: unexpected heading {line.strip()!r} in Further reading; "
                    "expected '### Core reading' then '### Advanced reading'"
                )
            if title in seen:
                raise ReadingError(f"{where}:{n}: '### {title}' appears twice")
            seen.append(title)
            current = result.core if title == "Core reading" else result.advanced
            continue
        if not line.strip():
            continue
        if line.startswith("- "):
            if current is None:
                raise ReadingError(f"{where}:{n}: item before '### Core reading': {line.strip()!r}")
            current.append(line[2:].strip())
        elif line.startswith("  ") and current:
            current[-1] += " " + line.strip()
        else:
            raise ReadingError(f"{where}:{n}: text outside the two reading lists: {line.strip()!r}")
    if seen != ["Core reading", "Advanced reading"]:
        raise ReadingError(
            f"{where}: Further reading has {seen or 'no subsections'}; "
            "expected '### Core reading' then '### Advanced reading'"
        )
    return result


def check_reading_list(reading: ReadingList, where: str = "<text>") -> None:
    """Raise ReadingError unless the lists have the right length, citations and page ranges."""
    for name, items, (low, high) in (
        ("core", reading.core, CORE_ITEMS),
        ("advanced", reading.advanced, ADVANCED_ITEMS),
    ):
        if not low <= len(items) <= high:
            raise ReadingError(f"{where}: {len(items)} {name} items, expected {low} to {high}")
        for item in items:
            if not item.startswith("{cite:t}`"):
                raise ReadingError(
                    f"{where}: {name} item does not start with a {{cite:t}} citation: {item!r}"
                )
            if re.search(r"\bpp?\.\s*\d+\s*[-—]\s*\d+", item):
                raise ReadingError(f"{where}: {name} item writes a page range without an en dash: {item!r}")
    with_pages = [item for item in reading.core if PAGES.search(item)]
    if len(with_pages) < MIN_CORE_WITH_PAGES:
        raise ReadingError(
            f"{where}: {len(with_pages)} core item(s) with a page range ('pp. N–M'), "
            f"expected at least {MIN_CORE_WITH_PAGES}"
        )


def bib_pages(path: Path) -> dict[str, tuple[int, int]]:
    """The page range of every references.bib entry that records one as ``N--M``."""
    text = path.read_text(encoding="utf-8")
    out = {}
    for m in re.finditer(r"@\w+\{([^,\s]+),(.*?)\n\}", text, flags=re.S):
        pages = re.search(r"^\s*pages\s*=\s*\{(\d+)--(\d+)\}", m.group(2), flags=re.M)
        if pages:
            out[m.group(1)] = (int(pages.group(1)), int(pages.group(2)))
    return out


def check_page_ranges(reading: ReadingList, pages: dict[str, tuple[int, int]], where: str = "<text>") -> None:
    """A range must run forwards and, where the item's first work records its pages, lie within them."""
    for item in reading.items():
        keys = cited_keys([item])
        for m in re.finditer(r"\bpp\.\s(\d+)–(\d+)\b", item):
            first, last = int(m.group(1)), int(m.group(2))
            if first > last:
                raise ReadingError(f"{where}: page range {m.group(0)!r} runs backwards in {item!r}")
            if keys and keys[0] in pages:
                low, high = pages[keys[0]]
                if not (low <= first and last <= high):
                    raise ReadingError(
                        f"{where}: {m.group(0)} lies outside pp. {low}–{high} of {keys[0]} in references.bib"
                    )


def cited_keys(items: list[str]) -> list[str]:
    """Every key cited in the items, in order (a role may cite several keys, comma-separated)."""
    return [key.strip() for item in items for group in CITE.findall(item) for key in group.split(",")]


def chapter_markdown(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def _chapter_param(path: Path):
    return pytest.param(path, id=path.stem)


# ---------------------------------------------------------------- the parser and the rules themselves

GOOD = """\
## Summary

Text.

## Further reading

### Core reading

- {cite:t}`A2001a`, chapter 2 (pp. 10–40), because it sets out the
  problem.
- {cite:t}`B2002b`, pp. 1–20, for the history.
- {cite:t}`C2003c`, for the law.

### Advanced reading

- {cite:t}`D2004d`, for the theory.
- {cite:t}`E2005e` and {cite:t}`F2006f,G2007g`, for the debate.
- {cite:t}`H2008h`, for a case.

## References
"""


def test_parser_reads_the_two_lists():
    reading = further_reading(GOOD)
    assert len(reading.core) == 3 and len(reading.advanced) == 3
    assert reading.core[0].endswith("sets out the problem.")  # continuation line joined
    check_reading_list(reading)
    assert cited_keys(reading.items()) == [
        "A2001a",
        "B2002b",
        "C2003c",
        "D2004d",
        "E2005e",
        "F2006f",
        "G2007g",
        "H2008h",
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace("## Further reading", "## Reading"), "no '## Further reading'"),
        (lambda t: t.replace("### Advanced reading", "### More"), "unexpected heading"),
        (lambda t: t.replace("### Advanced reading\n", ""), "expected '### Core reading' then"),
        (lambda t: t.replace("### Core reading\n", "Some words.\n"), "text outside"),
        (lambda t: t + "\n## Further reading\n", "2 '## Further reading' sections"),
    ],
)
def test_parser_rejects_a_malformed_section(change, message):
    with pytest.raises(ReadingError, match=re.escape(message)):
        further_reading(change(GOOD), "ch.md")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace("pp. 1–20", "pp. 1-20"), "without an en dash"),
        (lambda t: t.replace(", pp. 1–20,", ","), "1 core item(s) with a page range"),
        (lambda t: t.replace("- {cite:t}`C2003c`, for the law.\n", ""), "2 core items, expected 3 to 5"),
        (lambda t: t.replace("- {cite:t}`H2008h`, for a case.\n", ""), "2 advanced items"),
        (lambda t: t.replace("{cite:t}`C2003c`", "Someone (2003)"), "does not start with a {cite:t}"),
    ],
)
def test_rules_reject_a_list_that_breaks_them(change, message):
    reading = further_reading(change(GOOD), "ch.md")
    with pytest.raises(ReadingError, match=re.escape(message)):
        check_reading_list(reading, "ch.md")


def test_page_ranges_are_checked_against_the_bibliography():
    reading = further_reading(GOOD)
    check_page_ranges(reading, {"A2001a": (5, 60)})
    with pytest.raises(ReadingError, match=re.escape("pp. 10–40 lies outside pp. 12–30 of A2001a")):
        check_page_ranges(reading, {"A2001a": (12, 30)}, "ch.md")
    backwards = further_reading(GOOD.replace("pp. 1–20", "pp. 20–1"))
    with pytest.raises(ReadingError, match="runs backwards"):
        check_page_ranges(backwards, {})


# ---------------------------------------------------------------- the chapters


@pytest.mark.parametrize("path", [_chapter_param(p) for p in CHAPTERS])
def test_further_reading_has_core_and_advanced_lists(path):
    reading = further_reading(chapter_markdown(path), path.name)
    check_reading_list(reading, path.name)


@pytest.mark.parametrize("path", [_chapter_param(p) for p in CHAPTERS])
def test_reading_list_cites_known_works(path):
    reading = further_reading(chapter_markdown(path), path.name)
    bib = read_bib_keys(ROOT / "references.bib")
    with open(ROOT / "data" / "sources.csv", newline="", encoding="utf-8") as fh:
        rows = {row["bib_key"] for row in csv.DictReader(fh)}
    keys = cited_keys(reading.items())
    assert keys, f"{path.name}: the reading lists cite nothing"
    assert not [k for k in keys if k not in bib], f"{path.name}: keys not in references.bib"
    assert not [k for k in keys if k not in rows], f"{path.name}: keys with no row in data/sources.csv"
    check_page_ranges(reading, bib_pages(ROOT / "references.bib"), path.name)


# ---------------------------------------------------------------- the sources


def _sources() -> list[dict[str, str]]:
    with open(ROOT / "data" / "sources.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_academic_sources_are_complete_records():
    """An academic row names its authors, title and venue (publisher or journal)."""
    problems = [
        f"data/sources.csv:{n}: {row['source_id']} lacks {col}"
        for n, row in enumerate(_sources(), start=2)
        if row["type"] == "academic"
        for col in ("author", "title", "publisher")
        if not row[col].strip()
    ]
    assert not problems, "\n".join(problems)


def academic_share(rows: list[dict[str, str]]) -> float:
    if not rows:
        raise ValueError("sources.csv has no rows")
    return sum(row["type"] == "academic" for row in rows) / len(rows)


def test_academic_share_counts_the_type_column():
    rows = [{"type": t} for t in ("academic", "news", "academic", "legal")]
    assert academic_share(rows) == 0.5
    with pytest.raises(ValueError):
        academic_share([])


def test_academic_sources_are_at_least_30_percent():
    rows = _sources()
    share = academic_share(rows)
    count = sum(row["type"] == "academic" for row in rows)
    assert share >= ACADEMIC_SHARE, f"{count} of {len(rows)} sources are academic ({share:.1%})"
