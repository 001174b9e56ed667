"""The editions in other languages (ctmodule.book.i18n), in Chromium with no network.

Every page of every edition already goes through test_site.py (loads offline, one h1, alt text,
axe-core): the site's folders ``ru/`` and the like are pages like any other. Here: the language
switcher on every page leads to the same page in the other edition and back, the Russian pages
are Russian (``<html lang>``, a translated title), search in the Russian edition finds a Russian
word, and a multilingual output shows the page's language.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from conftest import editions, is_generated, split_edition

from ctmodule.book.bilingual import variants_html

pytestmark = pytest.mark.browser

SERIOUS = {"serious", "critical"}
CHAPTER = "chapters/00-how-to-use.html"
ROOT = Path(__file__).resolve().parents[2]
EN_TITLE = "How to use this module"


def _translated(catalog: Path, msgid: str) -> str:
    """The Russian of ``msgid`` as the committed catalog has it (the test follows the translation)."""
    from babel.messages.pofile import read_po

    with catalog.open("rb") as fh:
        message = read_po(fh).get(msgid)
    assert message is not None and message.string, f"{catalog}: no translation of {msgid!r}"
    return message.string


#: chapter 0's title as translated in its catalog, and its longest word (for the search test)
RU_TITLE = _translated(ROOT / "locales/ru/LC_MESSAGES/chapters/00-how-to-use.po", EN_TITLE)
RU_WORD = max(re.findall(r"[А-Яа-яЁё]+", RU_TITLE), key=len)


@pytest.fixture(scope="module")
def langs(site):
    found = editions(site)
    if "ru" not in found:
        pytest.fail(f"{site} has no Russian edition (ru/): run `make book`", pytrace=False)
    return found


class _Switcher(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inside = False
        self.lang = None
        self.links: dict[str, str] = {}
        self.current: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "nav" and "ctmodule-language-switcher" in (a.get("class") or ""):
            self.inside = True
        elif self.inside and tag == "a" and a.get("hreflang"):
            assert a.get("lang") == a["hreflang"], f"link to {a['hreflang']} without lang={a['hreflang']}"
            self.links[a["hreflang"]] = a["href"]
        elif self.inside and tag == "span" and a.get("aria-current"):
            self.current = a.get("lang")

    def handle_endtag(self, tag):
        if tag == "nav":
            self.inside = False


def _switcher(path: Path) -> _Switcher:
    parser = _Switcher()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_page_links_to_the_same_page_in_each_other_edition(site, pages, langs):
    """From the files: each page of each edition has the switcher, its links are relative, lead to
    the same page in the other language, and that page links back."""
    problems = []
    for page in pages:
        lang, rest = split_edition(page, site)
        if rest == "index.html":  # the root redirect has no body
            continue
        sw = _switcher(site / page)
        if sw.lang != lang:
            problems.append(f"{page}: <html lang={sw.lang!r}>, expected {lang!r}")
        if sw.current != lang:
            problems.append(f"{page}: the switcher marks {sw.current!r} as current, expected {lang!r}")
        for other in ["en", *langs]:
            if other == lang:
                continue
            href = sw.links.get(other)
            if href is None:
                problems.append(f"{page}: no link to the {other} edition")
                continue
            if urlsplit(href).scheme or href.startswith("/"):
                problems.append(f"{page}: switcher link {href!r} is not relative (breaks the zip)")
            target = (site / page).parent.joinpath(href).resolve()
            expected = (site / (rest if other == "en" else f"{other}/{rest}")).resolve()
            if target != expected:
                problems.append(f"{page}: link to {other} goes to {target}, expected {expected}")
            elif not target.is_file():
                problems.append(f"{page}: link to {other}: {target} does not exist")
            else:
                back = _switcher(target).links.get(lang)
                if back is None or (target.parent.joinpath(back)).resolve() != (site / page).resolve():
                    problems.append(f"{page}: the {other} page does not link back (href {back!r})")
    assert not problems, "\n".join(problems[:40])


def test_switcher_by_keyboard_leads_to_the_matching_page_and_back(new_guarded_page, site_url, langs):
    page, guard = new_guarded_page(site_url)
    start = site_url + "chapters/01-defining-terrorism.html"
    page.goto(start)
    guard.settle(page)
    link = page.locator("nav.ctmodule-language-switcher a[hreflang='ru']")
    assert link.count() == 1
    assert page.locator("nav.ctmodule-language-switcher").get_attribute("aria-label")
    assert link.inner_text().strip() == "Русский"
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    guard.settle(page)
    assert page.url == site_url + "ru/chapters/01-defining-terrorism.html"
    assert page.evaluate("document.documentElement.lang") == "ru"
    # the sidebar, the theme's buttons and the search box speak Russian (the theme's own catalogs)
    assert page.locator("nav.ctmodule-language-switcher").get_attribute("aria-label") == "Язык"
    back = page.locator("nav.ctmodule-language-switcher a[hreflang='en']")
    assert back.inner_text().strip() == "English"
    back.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    guard.settle(page)
    assert page.url == start
    assert not guard.problems(), "\n  ".join(guard.problems())


def test_a_russian_page_is_russian_offline_and_accessible(visit, langs):
    v = visit("ru/" + CHAPTER)
    assert not v.problems, "\n  ".join(v.problems)
    assert v.h1 == [RU_TITLE] or (v.h1 and v.h1[0].startswith(RU_TITLE)), v.h1
    assert RU_TITLE in v.title
    bad = [x for x in v.axe_violations if x["impact"] in SERIOUS]
    assert not bad, "\n  ".join(f"{x['impact']} {x['id']}: {x['help']} {x['nodes']}" for x in bad)


def test_search_in_the_russian_edition_finds_a_russian_word(new_guarded_page, site_url, langs):
    page, guard = new_guarded_page(site_url)
    page.goto(site_url + "ru/" + CHAPTER)
    guard.settle(page)
    page.locator("button.search-button-field").first.click()
    box = page.locator(".search-button__search-container input[name='q'], form.bd-search input[name='q']")
    box = box.locator("visible=true").first
    assert box.get_attribute("placeholder") == "Поиск по книге…"
    box.fill(RU_WORD)
    box.press("Enter")
    page.wait_for_url(re.compile(r"/ru/search\.html\?q="))
    link = page.locator(f'#search-results a[href*="{CHAPTER.removesuffix(".html")}"]')
    link.first.wait_for(timeout=15_000)
    hrefs = [urljoin(page.url, h) for h in link.evaluate_all("els => els.map(e => e.getAttribute('href'))")]
    assert site_url + "ru/" + CHAPTER in hrefs
    assert not guard.problems(), "\n  ".join(guard.problems())


@pytest.mark.parametrize("path, shown, hidden", [(CHAPTER, "Right", "Верно"), ("ru/" + CHAPTER, "Верно", "Right")])
def test_a_multilingual_output_shows_the_page_language(new_guarded_page, site_url, langs, path, shown, hidden):
    """The served stylesheet shows the variant of the page's language (the source one where an
    output has none), as the quizzes use it."""
    page, guard = new_guarded_page(site_url)
    page.goto(site_url + path)
    guard.settle(page)
    both = variants_html({"en": "Right", "ru": "Верно"})
    only_en = variants_html({"en": "Only English"})
    page.evaluate("html => { const d = document.createElement('div'); d.id = 'probe'; d.innerHTML = html;"
                  " document.querySelector('main').prepend(d); }", both + only_en)
    visible = page.evaluate("() => Array.from(document.querySelectorAll('#probe [lang]'))"
                            ".filter(e => e.offsetParent !== null).map(e => e.textContent)")
    assert shown in visible and hidden not in visible
    assert "Only English" in visible  # no Russian variant: the English one is shown
    assert not guard.problems(), "\n  ".join(guard.problems())


def test_generated_pages_exist_in_every_edition(site, pages, langs):
    english = {p for p in pages if split_edition(p, site)[0] == "en" and not is_generated(p)}
    for lang in langs:
        theirs = {split_edition(p, site)[1] for p in pages if split_edition(p, site)[0] == lang}
        missing = sorted(english - theirs)
        assert not missing, f"pages missing from the {lang} edition: {missing}"


def test_the_zip_holds_both_editions_and_the_switcher_works_from_disk(site, langs, new_guarded_page, tmp_path):
    """The offline zip (tools/zip_site.py) has every edition, and from file:// the switcher leads to
    the same page in the other language."""
    import zipfile

    archive = site.parent / "ctmodule-book.zip"
    if not archive.is_file():
        pytest.fail(f"{archive} missing: run `make book`", pytrace=False)
    with zipfile.ZipFile(archive) as zf:
        names = set(zf.namelist())
        for lang in langs:
            assert f"ctmodule-book/{lang}/{CHAPTER}" in names
            assert f"ctmodule-book/{lang}/searchindex.js" in names
        assert "ru/index.html" in zf.read("README.txt").decode("utf-8")
        zf.extractall(tmp_path)
    folder = (tmp_path / "ctmodule-book").resolve()
    prefix = folder.as_uri() + "/"
    page, guard = new_guarded_page(prefix)
    page.goto(prefix + CHAPTER)
    guard.settle(page)
    with page.expect_navigation():
        page.locator("nav.ctmodule-language-switcher a[hreflang='ru']").click()
    guard.settle(page)
    assert page.url == prefix + "ru/" + CHAPTER
    assert page.locator("article h1").first.inner_text().strip().startswith(RU_TITLE)
    assert not guard.problems(), "\n  ".join(guard.problems())


# --- no English prose left in the other editions' pages (ctmodule.book.prose) -----------------

def _leaks(site, langs, origins):
    from ctmodule.book.prose import site_leaks

    found = []
    for lang in langs:
        found += [leak for leak in site_leaks(site / lang, lang) if leak.origin in origins]
    return found


def _summary(leaks) -> str:
    from collections import Counter

    counts = Counter((leak.origin, leak.page) for leak in leaks)
    lines = [f"{n:4d} {origin:9s} {page}" for (origin, page), n in sorted(counts.items())]
    return "\n".join(lines + [str(leak) for leak in leaks[:40]])


def test_no_english_prose_in_the_text_of_the_other_editions(site, langs):
    """The pages' own text (the translated prose, the generated pages, the template strings and
    admonition titles), from the files: no run of English prose and no English-only label."""
    leaks = _leaks(site, langs, {"text"})
    assert not leaks, f"{len(leaks)} English leaks in the text:\n" + _summary(leaks)


def test_no_english_prose_in_the_outputs_of_the_other_editions(site, langs):
    """The notebook outputs (figures, glued tables, the tables code cells show: ctmodule.book.frames)
    and the explorers: each carries the page's language (ctmodule.book.bilingual), so none shows
    English prose or labels."""
    leaks = _leaks(site, langs, {"output", "explorer"})
    assert not leaks, f"{len(leaks)} English leaks in outputs and explorers:\n" + _summary(leaks)


# jupyterquiz's own words, as each edition's quiz script writes them (ctmodule.book.quiz.localise_script)
QUIZ_WORDS = {"en": {"right": "Correct!", "wrong": "Incorrect -- try again.", "number": "Type numeric answer here:"},
              "ru": {"right": "Верно!", "wrong": "Неверно — попробуйте ещё раз.", "number": "Введите числовой ответ:"}}

ANSWER_WITHOUT_FEEDBACK_JS = """([lang, correct]) => {
  // the first choice question of the page's quiz in ``lang``: its answer's own feedback removed,
  // so that jupyterquiz shows its own words, then clicked
  // (the page's tables carry every language too: the quiz's is the block that holds a quiz)
  const quiz = Array.from(document.querySelectorAll('.ctmodule-l10n > div[lang="' + lang + '"] .Quiz'))
      .find(q => q.querySelector('label.MCButton'));
  const label = Array.from(quiz.querySelectorAll('label.MCButton'))
      .find(l => (l.dataset.correct === 'true') === correct);
  delete label.dataset.feedback;
  label.click();
  return quiz.querySelector('.Feedback').textContent.trim();
}"""


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_quiz_speaks_the_page_language(new_guarded_page, site_url, langs, lang):
    """jupyterquiz's own feedback and labels are in the page's language; the Russian quiz's script
    does not replace the English one's (both are on every page, one of them hidden)."""
    page, guard = new_guarded_page(site_url)
    path = ("" if lang == "en" else f"{lang}/") + "chapters/03-comparing-definitions.html"
    page.goto(site_url + path)
    page.wait_for_function("() => document.querySelectorAll('.ctmodule-l10n .Quiz').length >= 2", timeout=15000)
    guard.settle(page)
    # each variant's numeric inputs are labelled in its language, and the page shows its own variant
    for variant, expected in QUIZ_WORDS.items():
        labels = page.evaluate("v => Array.from(document.querySelectorAll("
                               "'.ctmodule-l10n > div[lang=\"' + v + '\"] .InpLabel')).map(l => l.textContent.trim())",
                               variant)
        assert labels and set(labels) == {expected["number"]}, (variant, labels)
    shown = page.evaluate("() => Array.from(document.querySelectorAll('.ctmodule-l10n > div[lang]'))"
                          ".filter(d => d.querySelector('.Quiz') && d.offsetParent !== null).map(d => d.lang)")
    assert shown and set(shown) == {lang}, shown
    for variant, expected in QUIZ_WORDS.items():  # each language's quiz answers in its own words
        assert page.evaluate(ANSWER_WITHOUT_FEEDBACK_JS, [variant, False]).startswith(expected["wrong"])
        assert page.evaluate(ANSWER_WITHOUT_FEEDBACK_JS, [variant, True]).startswith(expected["right"])
    assert not guard.problems(), "\n  ".join(guard.problems())
