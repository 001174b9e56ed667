"""Browser tests of the built book: Debian's Chromium driven by Playwright, fully offline.

The site under test is ``$CTMODULE_SITE`` (default ``_build/html``), served by ``http.server`` on
127.0.0.1 in a thread. Every request the browser makes to anything but that server is recorded
and blocked, and console errors are collected, so a page that needs the network fails its test.
Pages are discovered from the site's files, so the tests follow the book as chapters are added;
checks of one feature (math, quizzes, widgets) skip with a reason when no page has it.

Screenshots of each page's first screen go to ``$CTMODULE_SCREENSHOTS`` (default: a
``screenshots`` folder beside the site's ``html`` folder, i.e. ``_build/screenshots``).
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CTMODULE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # belt and braces: no host name resolves, so nothing outside 127.0.0.1 is reachable even by
    # a request the route handler would not see (the handler records and blocks the rest)
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORT = {"width": 1280, "height": 800}
# Folders of the site that hold assets, not pages.
ASSET_DIRS = {"_static", "_sources", "_images", "_downloads", ".doctrees", "_vendor"}
# Folders of pages that are not the book's: the chapters' slide decks (reveal.js, written after
# the Sphinx build by ctmodule.book.slides; tests/browser/test_slide_decks.py tests them).
DECK_DIRS = {"slides"}
# Pages Sphinx generates besides the book's own.
GENERATED_PAGES = {"genindex.html", "search.html", "py-modindex.html"}


def site_dir() -> Path:
    site = Path(os.environ.get("CTMODULE_SITE", ROOT / "_build" / "html"))
    return site if site.is_absolute() else (ROOT / site)


def screenshot_dir() -> Path:
    env = os.environ.get("CTMODULE_SCREENSHOTS")
    return Path(env) if env else site_dir().parent / "screenshots"


def discover_pages(site: Path) -> list[str]:
    """Every HTML page of the site, as a path relative to it (posix)."""
    pages = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site)
        # (an edition in another language has its own asset folders: ru/_static/; decks: slides/)
        if any(p in ASSET_DIRS | DECK_DIRS or p.startswith(".") for p in rel.parts):
            continue
        pages.append(rel.as_posix())
    return pages


def editions(site: Path) -> list[str]:
    """The other editions built into the site (``ru/``, ...): languages with catalogs in locales/."""
    from ctmodule.book.i18n import languages

    return [lang for lang in languages(ROOT) if (site / lang).is_dir()]


def split_edition(path: str, site: Path | None = None) -> tuple[str, str]:
    """``("ru", "chapters/x.html")`` for ``ru/chapters/x.html``; ``("en", path)`` for the English."""
    first, _, rest = path.partition("/")
    if rest and first in editions(site or site_dir()):
        return first, rest
    return "en", path


def is_generated(path: str) -> bool:
    """Sphinx's index and search pages and the root redirect, in any edition."""
    rest = split_edition(path)[1]
    return rest in GENERATED_PAGES or rest == "index.html"


#: The session fixtures that load every page once (a cache per process): the tests that use them
#: run in one process, so that the pages are not loaded again by another.
_VISITING = {"visit", "all_visits"}


def pytest_collection_modifyitems(config, items):
    """Groups for ``pytest -n N --dist loadgroup`` (``make browser`` runs two processes): the
    tests that share the page visits in one group, every other module in a group of its own (its
    module-scoped fixtures, a JupyterLab server or a deck's walk, are then set up once)."""
    for item in items:
        group = "visits" if _VISITING & set(getattr(item, "fixturenames", ())) else item.module.__name__
        item.add_marker(pytest.mark.xdist_group(group))


def pytest_generate_tests(metafunc):
    if "page_path" in metafunc.fixturenames:
        site = site_dir()
        pages = discover_pages(site) if site.is_dir() else []
        # An empty list would silently skip every per-page test: fail instead (see site fixture).
        metafunc.parametrize("page_path", pages or ["<no site>"], ids=pages or ["no-site"])


@pytest.fixture(scope="session")
def site() -> Path:
    path = site_dir()
    if not (path / "index.html").is_file():
        pytest.fail(
            f"no built site at {path} (index.html missing): run `make book`, or set CTMODULE_SITE "
            "to the html folder of a build",
            pytrace=False,
        )
    return path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


@pytest.fixture(scope="session")
def site_url(site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the whole session (Debian's; `playwright install` is not used)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)",
                    pytrace=False)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@dataclass
class Guard:
    """What a browser context did that an offline site must not do."""

    allowed_prefixes: tuple[str, ...]
    external: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    inflight: set = field(default_factory=set)
    last_activity: float = 0.0

    def allowed(self, url: str) -> bool:
        return url.startswith(self.allowed_prefixes) or urlsplit(url).scheme in {"data", "blob", "about"}

    def route(self, route):
        url = route.request.url
        if self.allowed(url):
            route.continue_()
        else:
            self.external.append(url)
            route.abort("blockedbyclient")

    def watch(self, page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.page_errors.append(f"{exc.message}\n{exc.stack or ''}"))
        page.on("response", self._on_response)
        page.on("requestfailed", self._on_failed)
        page.on("request", self._on_request)
        page.on("requestfinished", self._on_done)

    def _on_request(self, request) -> None:
        self.inflight.add(request)
        self.last_activity = time.monotonic()

    def _on_done(self, request) -> None:
        self.inflight.discard(request)
        self.last_activity = time.monotonic()

    def settle(self, page, quiet: float = 0.3, timeout: float = 30.0) -> None:
        """Wait for load, for MathJax's first typeset (if the page has MathJax), then until no
        request has been in flight for ``quiet`` seconds. (Playwright's "networkidle" is not
        reliable for file:// pages.) A page that navigates by itself (the root index.html
        redirects) is followed to the next one.
        """
        from playwright.sync_api import Error as PlaywrightError

        for _ in range(5):
            page.wait_for_load_state("load")
            try:
                page.evaluate(MATHJAX_READY_JS)
                break
            except PlaywrightError as exc:
                if "context was destroyed" not in str(exc):
                    raise
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.inflight and time.monotonic() - self.last_activity >= quiet:
                return
            page.wait_for_timeout(50)
        raise TimeoutError(f"{page.url}: requests still in flight after {timeout} s: "
                           f"{[r.url for r in self.inflight][:5]}")

    def _on_console(self, msg) -> None:
        if msg.type == "error":
            loc = msg.location or {}
            where = f" ({loc.get('url', '')}:{loc.get('lineNumber', '')})" if loc.get("url") else ""
            self.console_errors.append(msg.text + where)

    def _on_response(self, response) -> None:
        if response.status >= 400 and self.allowed(response.url):
            self.failed.append(f"{response.status} {response.url}")

    def _on_failed(self, request) -> None:
        self._on_done(request)
        if self.allowed(request.url):
            self.failed.append(f"failed {request.url}: {request.failure}")

    def reset(self) -> None:
        for found in (self.external, self.console_errors, self.page_errors, self.failed):
            found.clear()

    def problems(self) -> list[str]:
        out = [f"external request (blocked): {u}" for u in self.external]
        out += [f"console error: {m}" for m in self.console_errors]
        out += [f"uncaught exception: {m}" for m in self.page_errors]
        out += [f"local request failed: {m}" for m in self.failed]
        return out


@pytest.fixture(scope="session")
def new_guarded_page(chromium):
    """Factory: a fresh page whose context blocks and records everything not under ``prefixes``."""
    contexts = []

    def make(*prefixes: str):
        context = chromium.new_context(viewport=VIEWPORT, service_workers="block")
        contexts.append(context)
        guard = Guard(tuple(prefixes))
        context.route("**/*", guard.route)
        page = context.new_page()
        guard.watch(page)
        return page, guard

    yield make
    for context in contexts:
        try:
            context.close()
        except Exception:  # already closed with the browser
            pass


MATHJAX_READY_JS = """() => (window.MathJax && MathJax.startup && MathJax.startup.promise)
    ? MathJax.startup.promise.then(() => true) : true"""


@dataclass
class Visit:
    """One load of one page, with what it did and what it shows."""

    path: str
    url: str
    problems: list[str]
    title: str
    h1: list[str]
    images_without_alt: list[str]
    axe_violations: list[dict]
    math_count: int
    mjx_count: int
    mjx_errors: int
    quiz_count: int
    image_count: int
    widget_views: int
    widgets_rendered: int
    static_views: int
    has_widget_state: bool
    screenshot: Path | None
    next_url: str | None = None
    prev_url: str | None = None
    toc: list[str] = field(default_factory=list)
    quiz_feedback: list[str] = field(default_factory=list)
    quiz_error: str | None = None


IMAGES_WITHOUT_ALT_JS = """() => Array.from(document.images)
  .filter(img => img.getAttribute('aria-hidden') !== 'true' && img.getAttribute('role') !== 'presentation')
  .filter(img => !(img.getAttribute('alt') || '').trim())
  .map(img => img.outerHTML.slice(0, 200))"""

FEATURES_JS = """() => ({
  title: document.title,
  h1: Array.from(document.querySelectorAll('main h1')).filter(h => !h.closest('.onlyprint'))
      .map(h => h.textContent.trim()),
  math: document.querySelectorAll('article .math').length,
  mjx: document.querySelectorAll('mjx-container').length,
  mjxErrors: document.querySelectorAll('mjx-merror, [data-mjx-error]').length,
  // the quizzes the reader sees (an output carries every language's; the page shows its own)
  quiz: Array.from(document.querySelectorAll('.Quiz')).filter(q => q.offsetParent !== null).length,
  images: document.querySelectorAll('article img').length,
  widgetViews: document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length,
  widgetsRendered: Array.from(document.querySelectorAll('.widget-subarea > .jupyter-widgets'))
      .filter(el => el.offsetWidth > 0 && el.offsetHeight > 0).length,
  staticViews: Array.from(document.querySelectorAll('.ctmodule-static-view, section.ctmodule-explorer[data-ready]'))
      .filter(el => el.offsetWidth > 0 && el.offsetHeight > 0 && el.textContent.trim()).length,
  widgetState: !!document.querySelector('script[type="application/vnd.jupyter.widget-state+json"]'),
  next: (document.querySelector('a.right-next') || {}).href || null,
  prev: (document.querySelector('a.left-prev') || {}).href || null,
  toc: Array.from(document.querySelectorAll('nav.bd-docs-nav a.reference.internal')).map(a => a.href),
})"""

AXE_RUN_JS = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.html.slice(0, 160))}));
}"""


def answer_quiz_questions(page) -> list[str]:
    """Answer every jupyterquiz question on the page (a wrong answer, then a right one, for a
    choice; a wrong number for a numeric one); return the feedback texts shown."""
    feedback = []
    for quiz in page.query_selector_all(".Quiz"):
        if not quiz.is_visible():  # another language's variant of the output, hidden on this page
            continue
        fb = quiz.query_selector(".Feedback")
        buttons = quiz.query_selector_all("label.MCButton")
        number = quiz.query_selector("input.Input-text")
        if buttons:
            correct = [b for b in buttons if b.get_attribute("data-correct") == "true"]
            wrong = [b for b in buttons if b.get_attribute("data-correct") != "true"]
            if wrong:
                wrong[0].click()
                assert "incorrect" in (fb.get_attribute("class") or ""), "a wrong answer is not marked"
                feedback.append(fb.inner_text().strip())
            (correct or buttons)[0].click()
            if correct and len(correct) == 1:
                assert "correct" in (fb.get_attribute("class") or "").split(), "a right answer is not marked"
        elif number:
            number.fill("-987654")
            number.press("Enter")
        else:
            continue
        assert fb.is_visible(), "feedback is not visible after answering"
        feedback.append(fb.inner_text().strip())
    return feedback


STOP_WORDS = {"chapter", "introduction", "appendix", "overview", "glossary", "bibliography", "summary"}


def pick_search_term(page) -> str:
    """A word of the page's title (or first paragraphs) that the search index should hold."""
    texts = page.eval_on_selector_all(
        "article h1, article p", "els => els.slice(0, 8).map(e => e.textContent)"
    )
    for text in texts:
        for word in re.findall(r"[A-Za-z]{7,}", text):
            if word.lower() not in STOP_WORDS:
                return word
    pytest.skip(f"{page.url}: no word of 7 letters or more to search for")


@pytest.fixture(scope="session")
def search_term():
    return pick_search_term


def _no_fragment(url: str | None) -> str | None:
    return urlsplit(url)._replace(fragment="").geturl() if url else None


def screenshot_name(path: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", path.removesuffix(".html")) + ".png"


@pytest.fixture(scope="session")
def visit(site, site_url, new_guarded_page):
    """``visit(path)`` loads a page once per session and returns a :class:`Visit`.

    One browser page serves every visit (a new context per page costs more than the checks).
    """
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} missing: run `make vendor` (npm ci installs axe-core)", pytrace=False)
    cache: dict[str, Visit] = {}
    shots = screenshot_dir()
    shots.mkdir(parents=True, exist_ok=True)
    page, guard = new_guarded_page(site_url)

    def load(path: str) -> Visit:
        if path in cache:
            return cache[path]
        guard.reset()
        page.goto(site_url + path, wait_until="load")
        guard.settle(page)
        shot = None
        if not is_generated(path):
            shot = shots / screenshot_name(path)
            page.screenshot(path=str(shot))  # the first screen (viewport), as a reader sees it
        info = page.evaluate(FEATURES_JS)
        no_alt = page.evaluate(IMAGES_WITHOUT_ALT_JS)
        page.add_script_tag(path=str(AXE_JS))
        violations = page.evaluate(AXE_RUN_JS)
        feedback, quiz_error = [], None
        if info["quiz"]:  # after the scan: answering changes the page
            try:
                feedback = answer_quiz_questions(page)
            except AssertionError as exc:
                quiz_error = str(exc)
        cache[path] = Visit(
            path=path,
            url=page.url,
            problems=guard.problems(),
            title=info["title"],
            h1=info["h1"],
            images_without_alt=no_alt,
            axe_violations=violations,
            math_count=info["math"],
            mjx_count=info["mjx"],
            mjx_errors=info["mjxErrors"],
            quiz_count=info["quiz"],
            image_count=info["images"],
            widget_views=info["widgetViews"],
            widgets_rendered=info["widgetsRendered"],
            static_views=info["staticViews"],
            has_widget_state=info["widgetState"],
            screenshot=shot,
            next_url=_no_fragment(info["next"]),
            prev_url=_no_fragment(info["prev"]),
            toc=list(dict.fromkeys(_no_fragment(u) for u in info["toc"])),
            quiz_feedback=feedback,
            quiz_error=quiz_error,
        )
        return cache[path]

    return load


@pytest.fixture(scope="session")
def pages(site) -> list[str]:
    return discover_pages(site)


@pytest.fixture(scope="session")
def book_pages(pages) -> list[str]:
    """The English edition's own pages (not Sphinx's index and search pages, not the root
    redirect, not the other editions' folders)."""
    return [p for p in pages if not is_generated(p) and split_edition(p)[0] == "en"]


@pytest.fixture(scope="session")
def edition_pages(pages):
    """``edition_pages(lang)``: the own pages of one edition, as paths relative to the site."""
    def of(lang: str) -> list[str]:
        return [p for p in pages if not is_generated(p) and split_edition(p)[0] == lang]

    return of


@pytest.fixture(scope="session")
def all_visits(pages, visit) -> list[Visit]:
    return [visit(p) for p in pages]
