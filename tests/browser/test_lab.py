"""The chapters in a real JupyterLab: the test starts JupyterLab on 127.0.0.1 (no browser of its own,
a random token), with the pinned jupyterlab-myst, and opens the chapters in Chromium.

- Chapter 2, run cell by cell: the instrument explorer's live widget responds to a control (the
  count follows the package's filter).
- Every chapter: no MyST role or directive shows as raw text in a rendered markdown cell, except
  the constructs chapter 0 lists in its section "Reading in JupyterLab" (parsed from the chapter, so
  the test follows it). "Raw" is either the markup itself (``{role}``, a ```` ```{name} ```` or
  ``:::{name}`` fence: what plain JupyterLab shows) or what jupyterlab-myst shows for a construct it
  cannot render: its "Unknown Directive" box, a citation or cross-reference marked not found, or a
  role shown as its bare content.
- Chapter 5, run: every glued name its text uses is shown, under that name, by the code cell that
  computes it (what a JupyterLab reader has in place of the glued figure or number).

The browser is kept offline like the site tests: anything but the lab server is blocked and recorded."""

from __future__ import annotations

import html
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHAPTER = "chapters/02-legal-instruments.ipynb"
RUN_CHAPTER = "chapters/05-securitisation-theory.ipynb"
GUIDE = ROOT / "chapters" / "00-how-to-use.ipynb"
GUIDE_HEADING = "Reading in JupyterLab"
CHAPTERS = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "chapters").glob("[0-9][0-9]-*.ipynb"))

ROLE = re.compile(r"\{([a-z][\w-]*(?::[\w-]+)*)\}`([^`]*)`")
RAW_ROLE = re.compile(r"\{([a-z][\w-]*(?::[\w-]+)*)\}")
RAW_FENCE = re.compile(r"^\s*(?:`{3,}|:{3,})\{([\w:-]+)\}", re.M)


def listed_constructs(guide: Path = GUIDE) -> set[str]:
    """The roles and directives chapter 0 lists as differing in JupyterLab: every ``{name}`` written
    as inline code in its section "Reading in JupyterLab" (up to the next heading of that level)."""
    text = "\n".join("".join(c["source"]) for c in json.loads(guide.read_text(encoding="utf-8"))["cells"]
                     if c["cell_type"] == "markdown")
    heading = re.search(rf"^(#+) {re.escape(GUIDE_HEADING)}\s*$", text, re.M)
    if not heading:
        raise AssertionError(f"{guide.name}: no section '{GUIDE_HEADING}'")
    rest = text[heading.end():]
    end = re.search(rf"^#{{1,{len(heading.group(1))}}} ", rest, re.M)
    section = rest[: end.start()] if end else rest
    names = set(re.findall(r"`\{([\w:-]+)\}`", section))
    if not names:
        raise AssertionError(f"{guide.name}: the section '{GUIDE_HEADING}' lists no construct")
    return names


def _role_for(shown: str, roles: list[tuple[str, str]], family, fallback: str) -> str:
    """The role of ``roles`` (name, content) of the family whose target or text is ``shown``."""
    for name, content in roles:
        if not family(name):
            continue
        m = re.fullmatch(r"\s*(.*?)\s*<([^>]+)>\s*", content, re.S)
        targets = {m.group(1), m.group(2)} if m else set(re.split(r"[,;]\s*", content.strip()))
        if shown.strip() in targets:
            return name
    return fallback


def raw_constructs(source: str, cell: dict) -> list[tuple[str, str]]:
    """``(construct, how it shows)`` for each MyST construct of one markdown cell that did not render.

    ``cell`` is what the page shows: ``html`` (the rendered cell), ``text`` (its visible text outside
    code elements), ``unknown`` (the names in jupyterlab-myst's "Unknown Directive" boxes),
    ``cites`` and ``xrefs`` (the text of each citation and cross-reference it marked not found)."""
    found = [(name, "role markup shown") for name in RAW_ROLE.findall(cell["text"])]
    found += [(name, "directive fence shown") for name in RAW_FENCE.findall(cell["text"])]
    found += [(m, "shown as code") for m in re.findall(r'class="[^"]*language-\{([\w:-]+)\}', cell["html"])]
    found += [(name, "Unknown Directive box") for name in cell["unknown"]]
    roles = ROLE.findall(source)
    found += [(_role_for(t, roles, lambda n: n.startswith("cite"), "cite"), f"key {t!r} shown, not found")
              for t in cell["cites"]]
    found += [(_role_for(t, roles, lambda n: n in {"ref", "numref", "eq", "doc", "term"}, "ref"),
               f"label {t!r} shown, not found") for t in cell["xrefs"]]
    for name, content in roles:
        target = content.split(":")[0] if name.startswith("glue") else content
        if f"<span>{html.escape(target, quote=False)}</span>" in cell["html"]:
            found.append((name, f"shown as its content {target!r}"))
    return found


def not_listed(found: list[tuple[str, str]], listed: set[str]) -> list[tuple[str, str]]:
    """The findings chapter 0 does not account for."""
    return [(n, how) for n, how in found if n not in listed]


def test_chapter_0_lists_only_constructs_the_chapters_use():
    """The list the JupyterLab test allows is chapter 0's, and names nothing the chapters do not use."""
    used = set()
    for chapter in CHAPTERS:
        for source in _markdown_sources(chapter):
            used |= {name for name, _ in ROLE.findall(source)} | set(RAW_FENCE.findall(source))
    listed = listed_constructs()
    assert listed <= used, f"chapter 0 lists constructs no chapter uses: {sorted(listed - used)}"


def test_raw_constructs_finds_each_way_markup_can_show():
    cell = {"html": '<p><span>n05_state</span> <span class="x"><a>Term</a></span></p>'
                    '<pre><code class="language-{glue:figure}">:name: fig-1</code></pre>',
            "text": "Plain {term} here\n:::{warning}\n", "unknown": ["glue:figure"],
            "cites": ["Buzan1998security"], "xrefs": ["fig-05-referents"]}
    source = ("{glue:text}`n05_state` {term}`Term` {cite:t}`Buzan1998security` {cite:p}`Other2000`\n"
              "{numref}`fig-05-referents` {ref}`a chapter <ch-01>`")
    found = raw_constructs(source, cell)
    assert {n for n, _ in found} == {"term", "warning", "glue:figure", "cite:t", "numref", "glue:text"}
    assert not_listed(found, {"term", "warning", "glue:figure", "cite:t", "numref"}) == [
        ("glue:text", "shown as its content 'n05_state'")]
    clean = {"html": "<p><code>{cite:p}</code></p>", "text": "nothing raw", "unknown": [], "cites": [],
             "xrefs": []}
    assert raw_constructs("`{cite:p}` in code", clean) == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    port, token = _free_port(), secrets.token_hex(16)
    started = time.time()
    home = tmp_path_factory.mktemp("lab-home")
    # JupyterLab works on a copy (it saves what it runs); the notebook finds data/ through ctmodule
    root = home / "root"
    (root / "chapters").mkdir(parents=True)
    for chapter in CHAPTERS:
        shutil.copyfile(ROOT / chapter, root / chapter)
    settings = home / "settings" / "@jupyterlab" / "docmanager-extension"
    settings.mkdir(parents=True)
    (settings / "plugin.jupyterlab-settings").write_text('{"autosave": false}', encoding="utf-8")
    # every cell attached to the page (not only those in view), so that each can be read
    tracker = home / "settings" / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}', encoding="utf-8")
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_RUNTIME_DIR": str(home / "run"),
           "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"), "JUPYTERLAB_WORKSPACES_DIR": str(home / "ws")}
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", f"--IdentityProvider.token={token}", "--ServerApp.port_retries=0",
           f"--ServerApp.root_dir={root}", "--LabApp.news_url=", "--LabApp.check_for_updates_class="
           "jupyterlab.NeverCheckForUpdate", "--allow-root"]
    log = home / "lab.log"
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"), start_new_session=True)
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}api/status?token={token}", timeout=2)
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab exited: {log.read_text()[-2000:]}", pytrace=False)
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("JupyterLab did not answer within 60 s", pytrace=False)
    try:
        yield base, token
    finally:  # stop the server even when a check below fails
        os.killpg(proc.pid, 15)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
    for chapter in CHAPTERS:
        assert os.path.getmtime(ROOT / chapter) < started, "the test must not change the repository's notebooks"


@pytest.mark.browser
def test_live_explorer_in_jupyterlab(lab, new_guarded_page):
    from ctmodule import explorers as w

    base, token = lab
    page, guard = new_guarded_page(base)
    page.set_default_timeout(90_000)
    page.goto(f"{base}lab/tree/{CHAPTER}?token={token}&reset")
    page.locator(".jp-Notebook").wait_for()
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle'], .jp-Notebook").first.wait_for()
    page.wait_for_timeout(3000)  # the kernel starts
    page.locator(".jp-Notebook").click()
    page.keyboard.press("Escape")
    # Run > Run All Cells, by its command in the menu bar
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    widget = page.locator(".jp-OutputArea-output .widget-vbox").filter(has_text="Instrument explorer")
    widget.wait_for(timeout=240_000)  # Run All on a loaded machine: the kernel computes every cell first
    exp = w.instrument_explorer()
    first = f"<strong>{exp.count}</strong>"
    assert widget.locator(".widget-html-content").filter(has_text="instruments (").first.inner_html().count(
        first) == 1
    # choose one domain only (the live widget recomputes in the kernel)
    domain = widget.locator("select[multiple]").nth(1)
    domain.select_option(index=0)
    chosen = domain.evaluate("el => el.options[0].textContent").replace("\xa0", " ").strip()
    exp.controls["domain"].value = (chosen,)
    assert 0 < exp.count < len(exp.table)
    expected = f"<strong>{exp.count}</strong> instruments"
    page.wait_for_function(
        "([el, text]) => el.innerHTML.includes(text)",
        arg=[widget.locator(".widget-html-content").filter(has_text="instruments (").first.element_handle(),
             expected], timeout=60_000)
    # Known, and blocked here: jupyterquiz's output falls back to MathJax from a CDN when it finds
    # no MathJax 3 (JupyterLab has its own MathJax); the book rewrites that address (book/offline.py).
    known = ("https://cdn.jsdelivr.net/npm/mathjax@3/",)
    external = [u for u in guard.external if not u.startswith(("ws://127.0.0.1", "data:", *known))]
    assert not external, f"JupyterLab requested outside addresses: {external[:5]}"


READ_CELLS = """() => [...document.querySelectorAll('.jp-Notebook .jp-Cell')].map(cell => {
  if (!cell.classList.contains('jp-MarkdownCell')) return {kind: 'code'};
  const area = cell.querySelector('.jp-InputArea').cloneNode(true);
  area.querySelectorAll('.jp-InputArea-editor, .jp-InputPrompt').forEach(e => e.remove());
  const unknown = [...area.querySelectorAll('code')]
    .filter(c => (c.parentElement.textContent || '').trim().endsWith(' - Unknown Directive'))
    .map(c => c.textContent.trim());
  const marked = t => [...area.querySelectorAll(`[title="${t}"]`)].map(e => e.textContent.trim());
  const html = area.innerHTML;
  const bare = area.cloneNode(true);
  bare.querySelectorAll('code, pre, .katex, math, mjx-container, script').forEach(e => e.remove());  // TeX is not MyST
  return {kind: 'markdown', html, text: bare.textContent, unknown, myst: !!area.querySelector('.myst'),
          cites: marked('Citation Not Found'), xrefs: marked('Cross Reference Not Found')};
})"""


def _markdown_sources(chapter: str) -> list[str]:
    nb = json.loads((ROOT / chapter).read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]


def _open(page, base: str, token: str, chapter: str) -> list[dict]:
    """Open ``chapter`` and return its markdown cells as rendered, once all have rendered."""
    expected = len(_markdown_sources(chapter))
    page.goto(f"{base}lab/tree/{chapter}?token={token}&reset")
    page.locator(".jp-Notebook").wait_for()
    deadline, last, cells = time.monotonic() + 120, None, []
    while time.monotonic() < deadline:
        cells = [c for c in page.evaluate(READ_CELLS) if c["kind"] == "markdown"]
        # on a loaded machine JupyterLab may show a cell with its plain renderer before
        # jupyterlab-myst renders it: wait for MyST in every cell, then for one unchanged poll
        if len(cells) == expected and all(c["myst"] for c in cells):
            if cells == last:
                return cells
            last = cells
        page.wait_for_timeout(1500)
    if len(cells) == expected and all(c["text"].strip() or c["html"].strip() for c in cells):
        return cells  # rendered, but not (all) by jupyterlab-myst: the caller reports what shows raw
    pytest.fail(f"{chapter}: {expected} markdown cells did not all render within 120 s", pytrace=False)


def _stop_kernels(base: str, token: str) -> None:
    sessions = json.load(urllib.request.urlopen(f"{base}api/sessions?token={token}", timeout=10))
    for s in sessions:
        req = urllib.request.Request(f"{base}api/sessions/{s['id']}?token={token}", method="DELETE")
        urllib.request.urlopen(req, timeout=30)


@pytest.mark.browser
@pytest.mark.parametrize("chapter", CHAPTERS, ids=[Path(c).stem[:2] for c in CHAPTERS])
def test_no_raw_myst_in_jupyterlab_but_what_chapter_0_lists(lab, new_guarded_page, chapter):
    base, token = lab
    listed = listed_constructs()
    page, guard = new_guarded_page(base)
    page.set_default_timeout(90_000)
    try:
        cells = _open(page, base, token, chapter)
    finally:
        _stop_kernels(base, token)
    assert page.locator(".jp-Notebook .myst").count() > 0, "jupyterlab-myst did not render the markdown cells"
    problems = []
    for i, (source, cell) in enumerate(zip(_markdown_sources(chapter), cells, strict=True)):
        for name, how in not_listed(raw_constructs(source, cell), listed):
            problems.append(f"markdown cell {i}: {{{name}}} {how}")
    assert not problems, (f"{chapter}: MyST shown raw in JupyterLab and not listed in chapter 0's "
                          f"'{GUIDE_HEADING}' ({sorted(listed)}):\n" + "\n".join(problems[:20]))


@pytest.mark.browser
def test_glued_values_are_shown_where_they_are_computed(lab, new_guarded_page):
    """Run chapter 5: each name its text glues ({glue:text}, {glue:figure}) is shown by a code cell."""
    base, token = lab
    page, guard = new_guarded_page(base)
    page.set_default_timeout(90_000)
    text = "\n".join(_markdown_sources(RUN_CHAPTER))
    names = {c.split(":")[0] for c in re.findall(r"\{glue:text\}`([^`]+)`", text)}
    names |= set(re.findall(r"^(?:`{3,}|:{3,})\{glue:figure\}\s+(\S+)", text, re.M))
    assert names, f"{RUN_CHAPTER} glues nothing: choose a chapter that does"
    try:
        _open(page, base, token, RUN_CHAPTER)
        page.wait_for_timeout(3000)  # the kernel starts
        page.locator(".jp-Notebook").click()
        page.keyboard.press("Escape")
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        code_cells = page.locator(".jp-Notebook .jp-CodeCell").count()
        page.wait_for_function(
            """n => { const p = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
                        .map(e => e.textContent.trim());
                      return p.length === n && p.every(t => /^\\[\\d+\\]:$/.test(t)); }""",
            arg=code_cells, timeout=240_000)
        shown = page.evaluate("""() => [...document.querySelectorAll('.jp-OutputArea-output code.ctmodule-glued')]
                                   .map(e => e.textContent)""")
        errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count()
    finally:
        _stop_kernels(base, token)
    assert errors == 0, f"{RUN_CHAPTER}: a cell wrote to stderr when run"
    missing = sorted(names - set(shown))
    assert not missing, f"{RUN_CHAPTER}: glued in the text but shown by no code cell in JupyterLab: {missing}"
    known = ("https://cdn.jsdelivr.net/npm/mathjax@3/",)
    external = [u for u in guard.external if not u.startswith(("ws://127.0.0.1", "data:", *known))]
    assert not external, f"JupyterLab requested outside addresses: {external[:5]}"
