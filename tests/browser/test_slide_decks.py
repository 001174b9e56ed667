"""The chapters' slide decks (``_build/html/slides/``, ``ctmodule.book.slides``) in Chromium, offline.

Every deck is opened and walked with the keyboard alone: the right-arrow key is pressed until the
last fragment of the last slide, and each press must either reveal the next fragment or move to
the next slide, whose counter ("k/N") must then read one more. On every slide axe-core must find
no serious or critical violation; across the whole walk no request may leave the site and no
console error or uncaught exception may occur. The decks are found from the site's files (one
per chapter page), so a new chapter's deck is tested without a change here. Each deck is also
opened from the unpacked offline zip (``file://``). Every edition's decks are tested: the English
site's (``slides/``) and those of each edition in another language (``ru/slides/``), whose
slides must be in that language.
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = pytest.mark.browser

SERIOUS = {"serious", "critical"}
MAX_PRESSES = 400  # a deck has a few dozen slides and fragments; more means the walk is stuck

AXE_SLIDE_JS = """async () => {
  const el = Reveal.getCurrentSlide();
  const r = await axe.run(el, {resultTypes: ['violations']});
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.html.slice(0, 160)).join(' | '));
}"""

AXE_PAGE_JS = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.html.slice(0, 160)).join(' | '));
}"""

STATE_JS = """() => {
  const i = Reveal.getIndices();
  const n = document.querySelector('.slide-number');
  const s = Reveal.getCurrentSlide();
  return {h: i.h, v: i.v || 0, f: (i.f === undefined || i.f === null) ? -1 : i.f,
          counter: n ? n.textContent.replace(/\\s+/g, '') : '',
          total: Reveal.getTotalSlides(),
          last: Reveal.isLastSlide() && !Reveal.availableFragments().next,
          heading: (s.querySelector('h1, h2') || {}).textContent || '',
          notes: (s.querySelector('aside.notes') || {}).textContent || '',
          brokenImages: Array.from(s.querySelectorAll('img'))
              .filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.src),
          noAlt: Array.from(s.querySelectorAll('img')).filter(img => !(img.alt || '').trim()).length,
          bottom: Math.max(0, ...Array.from(s.children).filter(c => c.tagName !== 'ASIDE')
              .map(c => c.offsetTop + c.offsetHeight)),
          height: Reveal.getConfig().height};
}"""


def site_dir() -> Path:  # as conftest.py finds it
    site = Path(os.environ.get("CTMODULE_SITE", ROOT / "_build" / "html"))
    return site if site.is_absolute() else (ROOT / site)


#: The editions in other languages (``_build/html/<lang>/``), each with its own decks.
EDITIONS = ("ru",)


def _edition_prefixes(site: Path) -> list[str]:
    return [""] + [f"{lang}/" for lang in EDITIONS if (site / lang / "index.html").is_file()]


def discover_decks(site: Path, prefix: str | None = None) -> list[str]:
    """The decks of the edition at ``prefix`` (``""`` the English site, ``"ru/"``), or of every
    edition when ``prefix`` is None."""
    prefixes = _edition_prefixes(site) if prefix is None else [prefix]
    found = []
    for pre in prefixes:
        folder = site / pre / "slides"
        if folder.is_dir():
            found += sorted(f"{pre}slides/{p.name}" for p in folder.glob("*.html") if p.name != "index.html")
    return found


def pytest_generate_tests(metafunc):
    if "deck_path" in metafunc.fixturenames:
        decks = discover_decks(site_dir())
        # no deck must fail (test_every_chapter_has_a_deck), not skip silently
        metafunc.parametrize("deck_path", decks or ["<no deck>"], ids=decks or ["no-deck"])


def _chapter_pages(site: Path) -> list[str]:
    return sorted(p.stem for p in (site / "chapters").glob("*.html") if re.match(r"\d{2}-", p.stem))


@pytest.mark.parametrize("prefix", ["", *(f"{lang}/" for lang in EDITIONS)])
def test_every_chapter_has_a_deck(site, prefix):
    if prefix and not (site / prefix / "index.html").is_file():
        pytest.fail(f"{site / prefix} holds no edition: `make book` builds it", pytrace=False)
    chapters = _chapter_pages(site / prefix)
    assert chapters, f"{site / prefix}/chapters holds no chapter page"
    decks = [Path(d).stem for d in discover_decks(site, prefix)]
    assert decks == chapters, f"{prefix}: chapters without a deck: {sorted(set(chapters) - set(decks))}; " \
                              f"decks without a chapter: {sorted(set(decks) - set(chapters))}"


def _counter(state) -> tuple[int, int]:
    m = re.fullmatch(r"(\d+)/(\d+)", state["counter"])
    assert m, f"the slide counter reads {state['counter']!r}, not 'k/N'"
    return int(m.group(1)), int(m.group(2))


def _open(page, guard, url: str) -> None:
    page.goto(url, wait_until="load")
    page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=15000)
    guard.settle(page)


def walk(page) -> tuple[list[dict], list[str]]:
    """Press the right-arrow key from the first slide to the end; return every state seen and
    the axe findings of each slide."""
    page.locator("body").focus()
    state = page.evaluate(STATE_JS)
    states, findings = [state], []
    assert _counter(state) == (1, state["total"]), f"the deck does not open on slide 1: {state['counter']}"
    findings += [f"slide 1: {x}" for x in page.evaluate(AXE_SLIDE_JS)]
    for _ in range(MAX_PRESSES):
        if state["last"]:
            break
        before = state
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "([h, v, f]) => { const i = Reveal.getIndices(); const g = (i.f === undefined || i.f === null) ? -1 : i.f;"
            " return i.h !== h || (i.v || 0) !== v || g !== f; }",
            arg=[before["h"], before["v"], before["f"]], timeout=5000)
        state = page.evaluate(STATE_JS)
        k0, _ = _counter(before)
        k1, n = _counter(state)
        if k1 == k0:
            assert state["f"] > before["f"], f"slide {k0}: the key press neither moved nor revealed"
        else:
            assert k1 == k0 + 1, f"the right-arrow key went from slide {k0} to slide {k1}"
            page.wait_for_timeout(30)
            findings += [f"slide {k1}: {x}" for x in page.evaluate(AXE_SLIDE_JS)]
        states.append(state)
    else:
        pytest.fail(f"{MAX_PRESSES} key presses did not reach the end of the deck")
    return states, findings


@pytest.fixture(scope="module")
def walked(site, site_url, new_guarded_page):
    """``walked(deck)`` opens a deck over http once, walks it, returns (states, findings, problems)."""
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} missing: run `make vendor` (npm ci installs axe-core)", pytrace=False)
    cache = {}

    def run(deck: str):
        if deck not in cache:
            page, guard = new_guarded_page(site_url)
            _open(page, guard, site_url + deck)
            page.add_script_tag(path=str(AXE_JS))
            whole = page.evaluate(AXE_PAGE_JS)
            states, findings = walk(page)
            guard.settle(page)
            cache[deck] = (states, whole + findings, guard.problems())
            page.close()
        return cache[deck]

    return run


def test_deck_walks_with_the_keyboard(walked, deck_path):
    if deck_path == "<no deck>":
        pytest.fail("the built site has no slide deck: run `make book`", pytrace=False)
    states, _, _ = walked(deck_path)
    total = states[0]["total"]
    assert total >= 6, f"{deck_path}: only {total} slides"
    seen = sorted({_counter(s)[0] for s in states})
    assert seen == list(range(1, total + 1)), f"{deck_path}: slides visited {seen} of {total}"
    assert states[-1]["last"], f"{deck_path}: the walk stopped before the end"
    # the quiz answers are fragments: at least one key press revealed one
    assert any(s["f"] >= 0 for s in states), f"{deck_path}: no fragment (quiz answer) was revealed"


def test_every_slide_has_a_heading_notes_working_images_and_fits(walked, deck_path):
    states, _, _ = walked(deck_path)
    by_slide = {_counter(s)[0]: s for s in states}
    no_heading = [k for k, s in by_slide.items() if not s["heading"].strip()]
    no_notes = [k for k, s in by_slide.items() if not s["notes"].strip()]
    broken = [(k, s["brokenImages"]) for k, s in by_slide.items() if s["brokenImages"]]
    no_alt = [k for k, s in by_slide.items() if s["noAlt"]]
    assert not no_heading, f"{deck_path}: slides without a heading: {no_heading}"
    assert not no_notes, f"{deck_path}: slides without speaker notes: {no_notes}"
    assert not broken, f"{deck_path}: images that did not load: {broken}"
    assert not no_alt, f"{deck_path}: slides with an image without alt text: {no_alt}"
    # nothing is cut off at the bottom of a slide (reveal.js scales a slide, it does not scroll it)
    cut = [(k, s["bottom"]) for k, s in by_slide.items() if s["bottom"] > s["height"]]
    assert not cut, f"{deck_path}: slides whose content runs past the slide's {states[0]['height']} px: {cut}"


def test_russian_deck_is_in_russian(walked, deck_path):
    """The Russian edition's decks say in Russian what the deck code writes (headings, labels)."""
    if not deck_path.startswith("ru/"):
        pytest.skip("an English deck")
    states, _, _ = walked(deck_path)
    headings = [s["heading"].strip() for s in states]
    english = [h for h in headings if not re.search(r"[\u0400-\u04ff]", h)]
    assert not english, f"{deck_path}: headings without Russian: {sorted(set(english))}"
    for want in ("Планируемые результаты обучения", "План главы", "Далее"):
        assert want in headings, f"{deck_path}: no slide {want!r}"
    assert any(h.startswith("Вопрос для обсуждения 1 из ") for h in headings)
    assert any(h.startswith("Вопрос самопроверки 1 из ") for h in headings)


def test_deck_is_offline_and_quiet(walked, deck_path):
    _, _, problems = walked(deck_path)
    assert not problems, f"{deck_path}:\n  " + "\n  ".join(problems)


def test_deck_has_no_serious_accessibility_violation(walked, deck_path):
    _, findings, _ = walked(deck_path)
    assert not findings, f"{deck_path}: axe-core:\n  " + "\n  ".join(findings)


@pytest.mark.parametrize("prefix", ["", *(f"{lang}/" for lang in EDITIONS)])
def test_slides_index_and_book_page_link_every_deck(site, prefix):
    """Each edition's slides page and deck index link that edition's own decks."""
    if prefix and not (site / prefix / "index.html").is_file():
        pytest.fail(f"{site / prefix} holds no edition: `make book` builds it", pytrace=False)
    decks = discover_decks(site, prefix)
    assert decks, f"{site / prefix}slides holds no deck"
    index = (site / prefix / "slides" / "index.html").read_text(encoding="utf-8")
    book_page = (site / prefix / "appendix" / "slides.html").read_text(encoding="utf-8")
    for deck in decks:
        name = Path(deck).name
        assert f'href="{name}"' in index, f"{prefix}slides/index.html does not link {name}"
        assert f'href="../slides/{name}"' in book_page, f"{prefix}appendix/slides.html does not link {name}"
    assert "../../slides/" not in book_page, f"{prefix}appendix/slides.html links another edition's decks"
    lang = prefix.strip("/") or "en"
    assert f'<html lang="{lang}"' in index


@pytest.fixture(scope="module")
def unpacked_zip(site, tmp_path_factory) -> Path:
    path = Path(os.environ.get("CTMODULE_ZIP", site.parent / "ctmodule-book.zip"))
    if not path.is_file():
        pytest.fail(f"{path} missing: `make book` writes it (tools/zip_site.py)", pytrace=False)
    dest = tmp_path_factory.mktemp("slides-zip")
    with zipfile.ZipFile(path) as zf:
        zf.extractall(dest)
    return dest / "ctmodule-book"


def test_decks_work_from_the_offline_zip(unpacked_zip, site, new_guarded_page):
    """From file://: every deck is in the zip, opens, counts the same slides, and moves with
    the keyboard, with no request outside the folder and no console error."""
    prefix = unpacked_zip.resolve().as_uri() + "/"
    page, guard = new_guarded_page(prefix)
    problems = {}
    for deck in discover_decks(site):
        assert (unpacked_zip / deck).is_file(), f"{deck} is missing from the zip"
        guard.reset()
        _open(page, guard, prefix + deck)
        total = page.evaluate("Reveal.getTotalSlides()")
        page.locator("body").focus()
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        page.wait_for_timeout(100)
        if page.evaluate("Reveal.getIndices().h") < 1:
            problems.setdefault(deck, []).append("the arrow key does not move from file://")
        if total != len((unpacked_zip / deck).read_text(encoding="utf-8").split("<section")) - 1:
            problems.setdefault(deck, []).append(f"reveal.js counts {total} slides")
        broken = page.eval_on_selector_all(
            "img", "els => els.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)")
        if broken:
            problems.setdefault(deck, []).append(f"images that did not load: {broken[:3]}")
        guard.settle(page)
        if guard.problems():
            problems.setdefault(deck, []).extend(guard.problems())
    assert not problems, problems


def test_speaker_view_shows_the_notes(site, site_url, new_guarded_page):
    """S opens reveal.js's speaker view (a second window, made by the vendored notes plugin)
    with the current slide's notes, offline and without errors."""
    decks = discover_decks(site)
    if not decks:
        pytest.fail("the built site has no slide deck: run `make book`", pytrace=False)
    page, guard = new_guarded_page(site_url)
    _open(page, guard, site_url + decks[0])
    page.locator("body").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => Reveal.getIndices().h === 1")
    want = page.evaluate("() => Reveal.getCurrentSlide().querySelector('aside.notes').textContent")
    with page.context.expect_page() as popup:
        page.keyboard.press("s")
    view = popup.value
    guard.watch(view)
    notes = view.locator(".speaker-controls-notes")
    notes.wait_for(timeout=10000)
    expected = re.sub(r"\s+", " ", want).strip()[:120]
    view.wait_for_function("([el, want]) => el.textContent.replace(/\\s+/g, ' ').includes(want)",
                           arg=[notes.element_handle(), expected], timeout=10000)
    view.close()
    guard.settle(page)
    assert not guard.problems(), guard.problems()
