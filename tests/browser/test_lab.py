"""A live explorer in a real JupyterLab: the test starts JupyterLab on 127.0.0.1 (no browser of its
own, a random token), opens chapter 2 in Chromium, runs every cell, and checks that the instrument
explorer's live widget responds to a control (the count follows the package's filter). The browser
is kept offline like the site tests: anything but the lab server is blocked and recorded."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHAPTER = "chapters/02-legal-instruments.ipynb"


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
    shutil.copyfile(ROOT / CHAPTER, root / CHAPTER)
    settings = home / "settings" / "@jupyterlab" / "docmanager-extension"
    settings.mkdir(parents=True)
    (settings / "plugin.jupyterlab-settings").write_text('{"autosave": false}', encoding="utf-8")
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
    yield base, token
    assert (ROOT / CHAPTER).read_bytes() != b"" and os.path.getmtime(ROOT / CHAPTER) < started, \
        "the test must not change the repository's notebook"
    os.killpg(proc.pid, 15)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)


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
    widget.wait_for()
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
