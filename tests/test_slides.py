"""The chapters' slide decks (ctmodule.book.slides), without a browser and without a book build.

A built chapter page is stood in for by a page made from the chapter notebook's own markdown, in
the shape Sphinx writes (one ``<section>`` per heading, ``{glue:figure}`` as a ``<figure>`` with
its image, alt text and caption), so every real chapter and its real quiz go through the
generator. The browser tests (tests/browser/test_slide_decks.py) walk the decks of a real build.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

from ctmodule.book import slides
from ctmodule.book.quiz import load as load_quiz

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted(p.stem for p in (ROOT / "chapters").glob("*.ipynb") if slides.CHAPTER_STEM.match(p.stem))

_md = MarkdownIt("commonmark")
_GLUE_FIGURE = re.compile(r"^```\{glue:figure\}\s+(\S+)\n(.*?)^```", re.M | re.S)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _figure(match) -> str:
    name, body = match.group(1), match.group(2)
    options = dict(re.findall(r"^:(\w+):\s*(.*)$", body, re.M))
    caption = "\n".join(line for line in body.splitlines() if not line.startswith(":")).strip()
    alt = options.get("alt", "")
    if name.startswith("tbl-"):
        media = "<div class=\"output text_html\"><table><tr><th>row</th><td>1</td></tr></table></div>"
    else:
        media = f'<img alt="{alt}" src="../_images/{name}.svg"/>'
    return (f'\n<figure class="align-default" id="{options.get("name", name)}">{media}'
            f'<figcaption><p><span class="caption-text">{caption}</span>'
            f'<a class="headerlink" href="#{name}">#</a></p></figcaption></figure>\n')


def page_from_notebook(path: Path) -> str:
    """A stand-in for the chapter's built page, from its markdown cells."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    md = "\n\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    md = re.sub(r"^\([\w-]+\)=\s*$", "", md, flags=re.M)  # MyST labels
    figures = {}

    def hold(m):
        key = f"FIGURE{len(figures)}"
        figures[key] = _figure(m)
        return f"\n{key}\n"

    md = _GLUE_FIGURE.sub(hold, md)
    parts = re.split(r"^(#{1,3}) (.+)$", md, flags=re.M)
    out, open_levels = [parts[0]], []
    for i in range(1, len(parts), 3):
        level, title, body = len(parts[i]), parts[i + 1].strip(), parts[i + 2]
        while open_levels and open_levels[-1] >= level:
            out.append("</section>")
            open_levels.pop()
        rendered = _md.render(body)
        for key, fig in figures.items():
            rendered = rendered.replace(f"<p>{key}</p>", fig)
        out.append(f'<section id="{_slug(title)}"><h{level}>{title}<a class="headerlink" '
                   f'href="#{_slug(title)}">#</a></h{level}>{rendered}')
        open_levels.append(level)
    out += ["</section>"] * len(open_levels)
    return f'<html><body><main><article class="bd-article">{"".join(out)}</article></main></body></html>'


def fake_site(tmp_path: Path, root: Path = ROOT, stems=None) -> Path:
    site = tmp_path / "html"
    for f in slides.REVEAL_FILES:
        p = site / slides.REVEAL_DIR / f
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("/* vendored */")
    for stem in stems if stems is not None else slides.chapter_stems(root):
        page = site / "chapters" / f"{stem}.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(page_from_notebook(root / "chapters" / f"{stem}.ipynb"), encoding="utf-8")
    return site


def text_of(fragment: str) -> str:
    return re.sub(r"\s+", " ", BeautifulSoup(fragment, "html.parser").get_text()).strip()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("slides")
    site = fake_site(tmp)
    decks = slides.build_decks(ROOT, site, book_title="The book")
    return site, decks


# --- every chapter of the repository ----------------------------------------------------------


def test_chapters_are_found_not_listed():
    assert slides.chapter_stems(ROOT) == CHAPTERS
    assert len(CHAPTERS) >= 8


@pytest.mark.parametrize("stem", CHAPTERS)
def test_notebook_outline(stem):
    outline = slides.read_outline(ROOT / "chapters" / f"{stem}.ipynb")
    assert outline.title and not outline.title.startswith("#")
    assert 3 <= outline.outcomes <= 6, f"{stem}: {outline.outcomes} learning outcomes"
    assert outline.discussion >= 2
    assert {"Overview", "Discussion questions", "Summary"} <= set(outline.sections)


def test_a_deck_for_every_chapter_and_an_index(built):
    site, decks = built
    assert [p.stem for p in decks] == CHAPTERS
    index = (site / "slides" / "index.html").read_text(encoding="utf-8")
    for stem in CHAPTERS:
        assert f'href="{stem}.html"' in index and f'href="../chapters/{stem}.html"' in index


def _deck(site, stem):
    return BeautifulSoup((site / "slides" / f"{stem}.html").read_text(encoding="utf-8"), "html.parser")


@pytest.mark.parametrize("stem", CHAPTERS)
def test_deck_holds_outcomes_questions_quiz_summary(built, stem):
    site, _ = built
    soup = _deck(site, stem)
    page = BeautifulSoup((site / "chapters" / f"{stem}.html").read_text(encoding="utf-8"), "html.parser")
    sections = {s.find("h2").get_text().rstrip("#").strip(): s for s in page.find_all("section")
                if s.find("h2", recursive=False)}
    deck_text = re.sub(r"\s+", " ", soup.select_one("div.slides").get_text())

    outcomes = [text_of(str(li)) for li in sections["Overview"].find("ol").find_all("li", recursive=False)]
    slide = next(s for s in soup.select("div.slides > section") if s.find("h2") and
                 s.find("h2").get_text() == "Learning outcomes")
    assert [text_of(str(li)) for li in slide.select("ol.outcomes > li")] == outcomes

    questions = [text_of(str(li)) for li in
                 sections["Discussion questions"].find("ol").find_all("li", recursive=False)]
    disc = [s for s in soup.select("div.slides > section")
            if s.find("h2") and s.find("h2").get_text().startswith("Discussion question")]
    assert [text_of(str(s.select_one("div.discussion"))) for s in disc] == questions

    quiz = load_quiz(stem, ROOT / "quizzes", min_questions=1)[: slides.QUIZ_ITEMS]
    quiz_slides = [s for s in soup.select("div.slides > section")
                   if s.find("h2") and s.find("h2").get_text().startswith("Quiz ")]
    assert len(quiz_slides) == len(quiz)
    for q, s in zip(quiz, quiz_slides, strict=True):
        assert text_of(q["question"]) in text_of(str(s.select_one("p.question")))
        answer = s.select_one(".fragment.answer")  # revealed on the next key press, not before
        assert answer is not None and "Answer:" in answer.get_text()
        right = [a for a in q["answers"] if a.get("correct") is True]
        assert all(text_of(str(a.get("feedback", ""))) in text_of(str(answer)) for a in right)

    summary_words = text_of(str(sections["Summary"]))[:80].split()[1:6]
    assert " ".join(summary_words) in deck_text


@pytest.mark.parametrize("stem", CHAPTERS)
def test_every_slide_has_a_heading_and_notes(built, stem):
    soup = _deck(built[0], stem)
    assert soup.html.get("lang") == "en"
    top = soup.select("div.slides > section")
    assert len(top) >= 8
    for i, s in enumerate(top, start=1):
        assert s.find(["h1", "h2"], recursive=False), f"{stem}: slide {i} has no heading"
        notes = s.find("aside", class_="notes", recursive=False)
        assert notes is not None and notes.get_text().strip(), f"{stem}: slide {i} has no notes"
    assert len(soup.find_all("h1")) == 1


@pytest.mark.parametrize("stem", CHAPTERS)
def test_deck_loads_nothing_from_outside(built, stem):
    soup = _deck(built[0], stem)
    for tag in soup.find_all(True):
        for attr in ("href", "src", "srcset", "data"):
            value = tag.get(attr)
            if value:
                assert not re.match(r"^(https?:)?//", value), f"{stem}: <{tag.name} {attr}={value}>"
    assert {s["src"] for s in soup.find_all("script", src=True)} == \
           {"../_static/reveal/reveal.js", "../_static/reveal/plugin/notes.js"}
    assert [link["href"] for link in soup.find_all("link")] == \
           ["../_static/reveal/reveal.css", "../_static/reveal/theme/white-contrast.css"]


@pytest.mark.parametrize("stem", CHAPTERS)
def test_figures_keep_their_alt_text(built, stem):
    site, _ = built
    page = BeautifulSoup((site / "chapters" / f"{stem}.html").read_text(encoding="utf-8"), "html.parser")
    soup = _deck(site, stem)
    want = [img["alt"] for img in page.select("figure img")]
    got = [img["alt"] for img in soup.select("figure.deck-figure img")]
    assert got == want
    assert all(img["src"].startswith("../_images/") for img in soup.select("figure.deck-figure img"))
    for wrap in soup.select(".table-wrap"):  # a table that scrolls can be reached by keyboard
        assert wrap.get("tabindex") == "0" and wrap.get("aria-label")


# --- the generator on pages made for the test -------------------------------------------------


PAGE = """<html><body><article class="bd-article"><section id="t"><h1>A title<a class="headerlink"
href="#t">#</a></h1>
<section id="overview"><h2>Overview<a class="headerlink" href="#overview">#</a></h2>
<p>An opening that cites <span class="bibtex-citation">[<a class="reference internal" href="#id3">Author, 2020</a>]</span>
and links <a class="reference external" href="https://example.org/x">a site</a>.</p>
<p>By the end of this chapter you should be able to:</p>
<ol><li><p><strong>Explain</strong> one <a class="reference internal" href="../appendix/glossary.html#term-X">term</a>.</p></li>
<li><p>Compare two things.</p></li><li><p>Use a third, see <a href="02-other.html#sec">chapter 2</a>.</p></li></ol>
</section>
<section id="a-section"><h2>A section</h2><p>First sentence of the section. Second sentence.
Third sentence.</p>
<figure id="fig-1"><img alt="A bar chart of three bars" src="../_images/abc.svg"/>
<figcaption><p><span class="caption-number">Fig. 1 </span><span class="caption-text">Caption.</span>
<a class="headerlink" href="#fig-1">#</a></p></figcaption></figure>
<figure id="tbl-1"><div><table><tr><th>k</th><td>1</td></tr></table></div>
<figcaption><p>A table caption.</p></figcaption></figure>
<section id="sub"><h3>A subsection</h3><p>Subsection text.</p></section></section>
<section id="discussion-questions"><h2>Discussion questions</h2><ol><li><p>Why?</p></li>
<li><p>Why not?</p></li></ol></section>
<section id="summary"><h2>Summary</h2><p>It ends.</p></section>
</section></article></body></html>"""

QUIZ = [
    {"question": "Pick one", "type": "multiple_choice", "answers": [
        {"answer": "Yes", "correct": True, "feedback": "Right: yes."},
        {"answer": "No", "correct": False, "feedback": "Wrong: no."}]},
    {"question": "How many?", "type": "numeric", "answers": [
        {"type": "value", "value": 19, "correct": True, "feedback": "Nineteen."},
        {"type": "default", "feedback": "Count again."}]},
    {"question": "Which?", "type": "many_choice", "answers": [
        {"answer": "a", "correct": True, "feedback": "a is."},
        {"answer": "b", "correct": True, "feedback": "b is."}]},
    {"question": "A fourth, left out", "type": "multiple_choice", "answers": [
        {"answer": "x", "correct": True, "feedback": "x."}, {"answer": "y", "correct": False, "feedback": "y."}]},
]


def _outline(outcomes=3, discussion=2):
    return slides.Outline(Path("chapters/05-x.ipynb"), "A title", ["Overview", "Discussion questions",
                                                                  "Summary"], outcomes, discussion)


def test_deck_from_a_page():
    ch = slides.read_page(PAGE, "05-x", _outline(), QUIZ)
    html = slides.deck_html(ch, book_title="Book", language="en")
    soup = BeautifulSoup(html, "html.parser")
    heads = [s.find(["h1", "h2"]).get_text() for s in soup.select("div.slides > section")]
    assert heads == ["A title", "Learning outcomes", "Road map", "A section", "A section", "A section",
                     "Discussion question 1 of 2", "Discussion question 2 of 2", "Quiz 1 of 3",
                     "Quiz 2 of 3", "Quiz 3 of 3", "Summary", "Next"]
    # links: in-page anchors go to the chapter, sibling chapters and the glossary still resolve
    # from slides/, a link to another site keeps its text and loses its address
    hrefs = [a["href"] for a in soup.find_all("a", href=True)]
    assert "../chapters/05-x.html#id3" not in hrefs  # the intro's citation is in the notes only
    assert "../appendix/glossary.html#term-X" in hrefs
    assert "../chapters/02-other.html#sec" in hrefs
    assert not [h for h in hrefs if h.startswith("http")]
    assert "a site" in soup.select_one("aside.notes").get_text()
    # a citation stays marked as one in the notes (it keeps its original language in every edition)
    cited = soup.select_one("aside.notes span.bibtex-citation")
    assert cited is not None and cited.get_text() == "[Author, 2020]"
    assert "\ue000" not in html and "\ue001" not in html
    # the section slide: two sentences, the subsection, notes from the text
    sec = soup.select("div.slides > section")[3]
    assert sec.select_one("p.lead").get_text() == "First sentence of the section. Second sentence."
    assert [li.get_text() for li in sec.select("ul.subsections li")] == ["A subsection"]
    assert "Third sentence." in sec.select_one("aside.notes").get_text()
    fig, tbl = soup.select("div.slides > section")[4:6]
    assert fig.find("img")["alt"] == "A bar chart of three bars"
    assert "A bar chart of three bars" in fig.select_one("aside.notes").get_text()
    assert tbl.select_one(".table-wrap[tabindex='0'][role=region]").find("table")
    # no id of the chapter page is copied (they would clash with reveal.js's own)
    assert not soup.select("div.slides [id]")
    # quiz: the answer is a fragment; every answer's feedback is in the notes
    q2 = soup.select("div.slides > section")[9]
    assert "19" in q2.select_one(".fragment.answer").get_text()
    assert "Count again." in q2.select_one("aside.notes").get_text()
    q3 = soup.select("div.slides > section")[10]
    assert "a; b" in q3.select_one(".fragment.answer").get_text()
    assert "A fourth" not in html
    assert soup.html["lang"] == "en"


def test_long_summary_is_split_over_slides():
    long = "<p>" + "A sentence of the summary that goes on. " * 12 + "</p>"
    page = PAGE.replace("<p>It ends.</p>", long * 4)
    ch = slides.read_page(page, "05-x", _outline(), QUIZ)
    heads = [s.find("h2").get_text() for s in
             BeautifulSoup(slides.deck_html(ch), "html.parser").select("div.slides > section")[1:]]
    summary = [h for h in heads if h.startswith("Summary")]
    assert len(summary) >= 2 and summary[0] == f"Summary (1 of {len(summary)})"


def test_one_long_summary_point_is_cut_at_sentence_ends_and_keeps_its_markup():
    # one paragraph longer than two slides (the 2,183-character point of chapter 6's summary ran
    # off the bottom of its slide): cut between sentences, never inside a link or after "art."
    sentence = ('The court convicted him under art. 174, according to '
                '<a href="#ref">Smith 2020</a>. ')
    long = "<p>" + sentence * 30 + "Последнее предложение. Ещё одно.</p>"
    page = PAGE.replace("<p>It ends.</p>", long)
    ch = slides.read_page(page, "05-x", _outline(), QUIZ)
    sections = [s for s in BeautifulSoup(slides.deck_html(ch), "html.parser").select("div.slides > section")
                if s.find("h2") and s.find("h2").get_text().startswith("Summary")]
    assert len(sections) >= 3
    items = [li for s in sections for li in s.select("ul.summary > li")]
    for s in sections:
        visible = sum(len(li.get_text()) for li in s.select("ul.summary > li"))
        assert visible <= slides.SLIDE_TEXT_BUDGET, visible
    text = " ".join(li.get_text() for li in items)
    assert text.count("Smith 2020") == 30 and text.count("art. 174") == 30
    assert sum(len(li.find_all("a")) for li in items) == 30
    assert all(li.get_text().rstrip().endswith(".") for li in items)
    assert items[-1].get_text().strip().endswith("Ещё одно.")


def test_figure_without_alt_text_is_an_error():
    page = PAGE.replace('alt="A bar chart of three bars"', 'alt=""')
    with pytest.raises(slides.SlideError, match=r"05-x\.html: figure fig-1 has an image without alt text"):
        slides.read_page(page, "05-x", _outline(), QUIZ, where="chapters/05-x.html")


def test_page_that_disagrees_with_the_notebook_is_an_error():
    with pytest.raises(slides.SlideError, match="3 learning outcomes on the page, 4 in chapters/05-x.ipynb"):
        slides.read_page(PAGE, "05-x", _outline(outcomes=4), QUIZ)
    with pytest.raises(slides.SlideError, match="2 discussion questions on the page, 3 in"):
        slides.read_page(PAGE, "05-x", _outline(discussion=3), QUIZ)
    with pytest.raises(slides.SlideError, match="no 'Summary' section"):
        slides.read_page(PAGE.replace("<h2>Summary</h2>", "<h2>Ending</h2>"), "05-x", _outline(), QUIZ)


# --- the notebook's template ------------------------------------------------------------------


def _notebook(tmp_path, *cells, name="07-new.ipynb") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"cells": [{"cell_type": "markdown", "metadata": {}, "source": c}
                                          for c in cells], "metadata": {}, "nbformat": 4,
                                "nbformat_minor": 5}))
    return path


GOOD = ["# New chapter\n\n## Overview\n\nIntro.\n\n1. **One** thing\n   continued.\n2. Two.\n3. Three.\n",
        "## Discussion questions\n\n1. Why?\n2. Why not?\n\n## Summary\n\nDone.\n"]


def test_outline_of_a_template_notebook(tmp_path):
    outline = slides.read_outline(_notebook(tmp_path, *GOOD))
    assert (outline.title, outline.outcomes, outline.discussion) == ("New chapter", 3, 2)


def test_outline_ignores_lists_in_code_fences(tmp_path):
    cell = GOOD[0].replace("Intro.\n", "Intro.\n\n```{exercise}\n1. not an outcome\n```\n")
    assert slides.read_outline(_notebook(tmp_path, cell, GOOD[1])).outcomes == 3


@pytest.mark.parametrize("cells, message", [
    ([GOOD[0].replace("# New chapter\n", ""), GOOD[1]], "no H1"),
    ([GOOD[0], GOOD[1].replace("## Summary", "## Ending")], "no '## Summary' section"),
    ([GOOD[0], GOOD[1], "# Another title\n"], r"cell 3: a second H1"),
    ([GOOD[0].replace("1. **One** thing\n   continued.\n2. Two.\n3. Three.\n", "No list."), GOOD[1]],
     "has no numbered list of learning outcomes"),
])
def test_outline_errors_name_the_notebook(tmp_path, cells, message):
    path = _notebook(tmp_path, *cells)
    with pytest.raises(slides.SlideError, match=message) as err:
        slides.read_outline(path)
    assert str(path) in str(err.value)


def test_broken_notebook_json_names_line_and_column(tmp_path):
    path = tmp_path / "07-bad.ipynb"
    path.write_text('{"cells": [\n  {"cell_type": }\n]}')
    with pytest.raises(slides.SlideError, match=r"07-bad\.ipynb:2:\d+: not a notebook"):
        slides.read_outline(path)


# --- the whole site ---------------------------------------------------------------------------


def _copy_project(tmp_path) -> Path:
    root = tmp_path / "repo"
    (root / "chapters").mkdir(parents=True)
    shutil.copytree(ROOT / "quizzes", root / "quizzes")
    for stem in CHAPTERS[:2]:
        shutil.copy(ROOT / "chapters" / f"{stem}.ipynb", root / "chapters")
    return root


def test_a_new_chapter_gets_a_deck_and_a_removed_one_loses_it(tmp_path):
    root = _copy_project(tmp_path)
    first, second = CHAPTERS[:2]
    shutil.copy(root / "chapters" / f"{second}.ipynb", root / "chapters" / "07-a-new-chapter.ipynb")
    shutil.copy(root / "quizzes" / f"{second}.json", root / "quizzes" / "07-a-new-chapter.json")
    site = fake_site(tmp_path, root)
    decks = slides.build_decks(root, site)
    assert [p.stem for p in decks] == [first, second, "07-a-new-chapter"]
    assert 'href="07-a-new-chapter.html"' in (site / "slides" / "index.html").read_text()
    # the chapter leaves the book (not in Sphinx's documents): its deck goes
    slides.build_decks(root, site, docnames={f"chapters/{first}", f"chapters/{second}"})
    assert not (site / "slides" / "07-a-new-chapter.html").exists()
    assert (site / "slides" / f"{first}.html").is_file()


def test_index_markdown_links_each_deck(tmp_path):
    root = _copy_project(tmp_path)
    text = slides.index_markdown(root)
    for stem in CHAPTERS[:2]:
        title = slides.read_outline(root / "chapters" / f"{stem}.ipynb").title
        assert f'<a href="../slides/{stem}.html">' in text and title.replace("'", "&#x27;") in text


def test_index_markdown_in_another_edition_takes_titles_from_the_catalogs(tmp_path):
    root = _copy_project(tmp_path)
    first, second = CHAPTERS[:2]
    folder = root / "locales" / "ru" / "LC_MESSAGES" / "chapters"
    folder.mkdir(parents=True, exist_ok=True)
    title = slides.read_outline(root / "chapters" / f"{first}.ipynb").title
    (folder / f"{first}.po").write_text(
        f'msgid ""\nmsgstr "Content-Type: text/plain; charset=utf-8\\n"\n\nmsgid "{title}"\nmsgstr "Глава по-русски"\n',
        encoding="utf-8")
    (folder / f"{second}.po").unlink(missing_ok=True)  # no catalog: the title stays English, marked so
    text = slides.index_markdown(root, up="../..", lang="ru")
    assert f'<a href="../../slides/{first}.html">Глава по-русски</a>' in text
    second_title = slides.read_outline(root / "chapters" / f"{second}.ipynb").title
    assert f'<span lang="en">{second_title}</span>'.replace("'", "&#x27;") in text


def test_missing_quiz_or_reveal_is_an_error(tmp_path):
    root = _copy_project(tmp_path)
    site = fake_site(tmp_path, root)
    (root / "quizzes" / f"{CHAPTERS[0]}.json").unlink()
    with pytest.raises(slides.SlideError, match=f"{CHAPTERS[0]}.json: no quiz file"):
        slides.build_decks(root, site)
    shutil.rmtree(site / "_static")
    with pytest.raises(slides.SlideError, match="reveal.js is missing .*make vendor"):
        slides.build_decks(root, site)


def test_missing_chapter_page_is_an_error(tmp_path):
    root = _copy_project(tmp_path)
    site = fake_site(tmp_path, root, stems=CHAPTERS[:1])
    with pytest.raises(slides.SlideError, match=f"chapters/{CHAPTERS[1]}.html: the chapter's page is missing"):
        slides.build_decks(root, site)


def test_the_book_builds_the_decks():
    config = (ROOT / "_config.yml").read_text(encoding="utf-8")
    assert "- ctmodule.book.slides" in config
    assert "<!-- ctmodule:slides -->" in (ROOT / "appendix" / "slides.md").read_text(encoding="utf-8")
    assert "appendix/slides" in (ROOT / "_toc.yml").read_text(encoding="utf-8")


# --- the Russian edition's decks -------------------------------------------------------------

def _ru_catalog(stem: str) -> dict[str, str]:
    from ctmodule.book.i18n import translations

    return translations(ROOT / "locales" / "ru" / "LC_MESSAGES" / "chapters" / f"{stem}.po")


def translate_markdown(md: str, catalog: dict[str, str]) -> str:
    """The notebook's markdown as the Russian edition shows it, near enough for a stand-in page:
    each heading, list item and paragraph replaced by its translation in the chapter's catalog
    (Sphinx's messages are these blocks)."""
    out = []
    for block in md.split("\n\n"):
        whole = block.strip()
        if whole in catalog:
            out.append(catalog[whole])
            continue
        lines = []
        for line in block.split("\n"):
            heading = re.match(r"^(#{1,6}) (.+)$", line)
            item = re.match(r"^(\d+[.)]|[-*]) (.+)$", line)
            if heading:
                title = heading.group(2).strip()
                lines.append(f"{heading.group(1)} {catalog.get(title, title)}")
            elif item:
                text = item.group(2).strip()
                lines.append(f"{item.group(1)} {catalog.get(text, text)}")
            else:
                lines.append(line)
        out.append("\n".join(lines))
    return "\n\n".join(out)


def fake_ru_site(tmp_path: Path, root: Path = ROOT, stems=None) -> Path:
    """A stand-in for the Russian edition (_build/html/ru): its chapter pages made from the
    notebooks' markdown translated through the chapters' catalogs."""
    site = fake_site(tmp_path / "ru", root, stems=[])
    for stem in stems if stems is not None else slides.chapter_stems(root):
        nb_path = root / "chapters" / f"{stem}.ipynb"
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        catalog = _ru_catalog(stem)
        for cell in nb["cells"]:
            if cell["cell_type"] == "markdown":
                cell["source"] = translate_markdown("".join(cell["source"]), catalog)
        translated = tmp_path / "ru-notebooks" / f"{stem}.ipynb"
        translated.parent.mkdir(parents=True, exist_ok=True)
        translated.write_text(json.dumps(nb), encoding="utf-8")
        page = site / "chapters" / f"{stem}.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(page_from_notebook(translated), encoding="utf-8")
    return site


@pytest.fixture(scope="module")
def built_ru(tmp_path_factory):
    site = fake_ru_site(tmp_path_factory.mktemp("slides-ru"))
    decks = slides.build_decks(ROOT, site, book_title="Книга", language="ru")
    return site, decks


CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# The headings and labels the deck code writes, in English: none may appear in a Russian deck.
ENGLISH_LABELS = ("Learning outcomes", "Road map", "Discussion question", "Quiz ", "Answer:", "Summary",
                  "Next", "The section in the book", "All chapters' slides", "Slides for the chapter",
                  "Read the full chapter", "By the end of this chapter", "(A number.)",
                  "(More than one answer may be right.)", "What the figure shows", "From the section:")


@pytest.mark.parametrize("stem", CHAPTERS)
def test_russian_deck_is_in_russian(built_ru, stem):
    site, decks = built_ru
    assert [p.stem for p in decks] == CHAPTERS
    soup = _deck(site, stem)
    assert soup.html.get("lang") == "ru"
    top = soup.select("div.slides > section")
    headings = [s.find(["h1", "h2"], recursive=False).get_text() for s in top]
    assert "Планируемые результаты обучения" in headings
    assert "План главы" in headings
    assert any(h.startswith("Вопрос для обсуждения 1 из ") for h in headings)
    assert any(re.fullmatch(r"Резюме( \(\d+ из \d+\))?", h) for h in headings)
    assert headings[-1] == "Далее"
    assert any(h == f"Вопрос самопроверки 1 из {min(slides.QUIZ_ITEMS, len(load_quiz(stem, ROOT / 'quizzes', min_questions=1)))}"
               for h in headings)
    # every slide's heading, notes and the labels the code writes are Russian
    for i, s in enumerate(top, start=1):
        assert CYRILLIC.search(headings[i - 1]), f"{stem}: slide {i}'s heading {headings[i - 1]!r} is not Russian"
        notes = s.find("aside", class_="notes", recursive=False)
        assert notes is not None and notes.get_text().strip(), f"{stem}: slide {i} has no notes"
    code_text = " ".join(x.get_text() for x in soup.select("h1, h2, .answer strong, p.more, p.meta, "
                                                           "div.slides > section:last-child p"))
    code_text += " " + " ".join(x.get_text() for x in soup.select("aside.notes"))
    for label in ENGLISH_LABELS:
        assert label not in code_text, f"{stem}: the Russian deck shows {label!r}"
    # the quiz is the Russian one, and its answers are revealed with the Russian label
    quiz = load_quiz(stem, ROOT / "quizzes", min_questions=1, lang="ru")[: slides.QUIZ_ITEMS]
    quiz_slides = [s for s in top if s.find("h2") and s.find("h2").get_text().startswith("Вопрос самопроверки ")]
    assert len(quiz_slides) == len(quiz)
    for q, s in zip(quiz, quiz_slides, strict=True):
        assert text_of(q["question"]) in text_of(str(s.select_one("p.question")))
        assert s.select_one(".fragment.answer strong").get_text() == "Ответ:"
    # the outcomes and discussion questions are the Russian page's
    page = BeautifulSoup((site / "chapters" / f"{stem}.html").read_text(encoding="utf-8"), "html.parser")
    first_ol = page.find("ol")
    assert text_of(str(first_ol.find("li"))) == text_of(str(soup.select_one("ol.outcomes > li")))


def test_russian_slides_index_links_the_russian_decks(built_ru, tmp_path):
    site, _ = built_ru
    index = BeautifulSoup((site / "slides" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert index.html.get("lang") == "ru" and index.h1.get_text() == "Слайды ко всем главам"
    titles = [a.get_text() for a in index.select("ol.deck-list > li > a:first-child")]
    assert titles == [slides.chapter_title(ROOT, stem, "ru") for stem in CHAPTERS]
    assert all(CYRILLIC.search(t) for t in titles), titles
    text = slides.index_markdown(ROOT, lang="ru")
    for stem in CHAPTERS:  # the edition's page links its own decks (ru/slides/), not the English ones
        assert f'<a href="../slides/{stem}.html">' in text
        assert "../../slides/" not in text
    assert _ru_catalog(CHAPTERS[0])[slides.read_outline(ROOT / "chapters" / f"{CHAPTERS[0]}.ipynb").title] in text


def test_every_edition_builds_its_decks():
    # the Sphinx extension writes decks for every HTML build, whatever its language
    assert slides.build_language("ru") == "ru" and slides.build_language("pt_BR") == "pt-BR"
    assert slides.build_language(None) == "en"


@pytest.mark.parametrize("text, first", [
    ("Статья 205 УК РФ определяет терроризм. Далее следует второе предложение.",
     "Статья 205 УК РФ определяет терроризм."),
    ("По мнению А. А. Князева, угроза преувеличена. Ёмкая формула.", "По мнению А. А. Князева, угроза преувеличена."),
    ("См. ст. 3 закона, т. е. основное определение. Второе.", "См. ст. 3 закона, т. е. основное определение."),
    ("Автор пишет: «Это угроза.» Другие не согласны.", "Автор пишет: «Это угроза.»"),
    ("Он спросил, что это? «Никто не знает», ответили ему.", "Он спросил, что это?"),
])
def test_sentences_split_in_russian(text, first):
    assert slides._sentences(text, 1, 500) == first


def test_long_russian_summary_point_is_cut_at_sentence_ends():
    sentence = "Это предложение о политике безопасности в Центральной Азии и её критиках. "
    fragment = (sentence * 12).strip() + ' <a href="#x">Ёмкая ссылка. С точкой.</a>'
    pieces = slides._split_item(fragment, 300)
    assert len(pieces) > 1
    for piece in pieces[:-1]:
        assert text_of(piece).endswith("."), piece
        assert len(text_of(piece)) <= 300
    assert "Ёмкая ссылка. С точкой." in text_of(pieces[-1])  # a link is never cut


def test_a_leads_citations_and_italics_stay_marked_up():
    """A deck's plain texts keep a citation as a citation and a title in italics as italics: in
    another edition both stay in their original language, and say so by their markup."""
    para = BeautifulSoup('<p>Его подзаголовок <em>How Security Problems Emerge</em> показывает '
                         '<span class="bibtex-citation">[<a href="#x"><em>A Title</em>, 2011</a>]</span> '
                         'и <b>это</b> &lt;важно&gt;.</p>', "html.parser").p
    html = slides._marked_html(slides._note_text(para))
    assert html == ('Его подзаголовок <em>How Security Problems Emerge</em> показывает '
                    '<span class="bibtex-citation">[A Title, 2011]</span> и это &lt;важно&gt;.')
    cut = slides._marked_html(slides._note_text(para)[:30])  # a cut text drops the mark it left open
    assert "\ue002" not in cut and "<em>" not in cut and cut.startswith("Его подзаголовок How")


def test_a_deck_is_written_again_only_when_what_it_is_made_from_changed(tmp_path):
    site = fake_site(tmp_path)
    stem = CHAPTERS[0]
    deck = slides.build_deck(ROOT, site, stem, book_title="The book")
    first = deck.stat().st_mtime_ns
    assert deck.read_text(encoding="utf-8").rstrip().endswith("-->")
    assert slides.build_deck(ROOT, site, stem, book_title="The book") == deck
    assert deck.stat().st_mtime_ns == first, "nothing changed: the deck is left as it is"
    slides.build_deck(ROOT, site, stem, book_title="Another title")
    assert deck.stat().st_mtime_ns != first and "Another title" in deck.read_text(encoding="utf-8")
    second = deck.stat().st_mtime_ns
    stamp = deck.read_text(encoding="utf-8").splitlines()[-1]
    page = site / "chapters" / f"{stem}.html"
    page.write_text(page.read_text(encoding="utf-8") + "\n<!-- rebuilt -->\n", encoding="utf-8")
    slides.build_deck(ROOT, site, stem, book_title="Another title")
    assert deck.stat().st_mtime_ns != second, "the page changed: the deck is written again"
    assert deck.read_text(encoding="utf-8").splitlines()[-1] != stamp
