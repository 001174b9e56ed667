"""The offline zip (``make book`` writes ``_build/ctmodule-book.zip``) opened from the file system."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

FOLDER = "ctmodule-book"


@pytest.fixture(scope="session")
def offline_zip(site) -> Path:
    path = Path(os.environ.get("CTMODULE_ZIP", site.parent / "ctmodule-book.zip"))
    if not path.is_file():
        pytest.fail(f"{path} missing: `make book` writes it (tools/zip_site.py)", pytrace=False)
    built = (site / "index.html").stat().st_mtime
    if path.stat().st_mtime < built:
        pytest.fail(f"{path} is older than the site it should hold: rebuild it (make book)", pytrace=False)
    return path


@pytest.fixture(scope="session")
def unpacked(offline_zip, tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("offline-zip")
    with zipfile.ZipFile(offline_zip) as zf:
        zf.extractall(dest)
    return dest / FOLDER


def test_zip_holds_the_whole_site(offline_zip, site, pages):
    with zipfile.ZipFile(offline_zip) as zf:
        names = set(zf.namelist())
        assert zf.testzip() is None
    assert "README.txt" in names and f"{FOLDER}/index.html" in names
    assert all(n == "README.txt" or n.startswith(f"{FOLDER}/") for n in names), "one top folder only"
    missing = [p for p in pages if f"{FOLDER}/{p}" not in names]
    assert not missing, f"pages missing from the zip: {missing}"
    assets = [p.relative_to(site).as_posix() for p in (site / "_static").rglob("*") if p.is_file()]
    missing = [a for a in assets if f"{FOLDER}/{a}" not in names]
    assert not missing, f"{len(missing)} assets missing from the zip, e.g. {missing[:5]}"


def _feature_pages(all_visits) -> list:
    """One page for each feature (math, figures, quiz, explorer), plus the root page."""
    chosen = []
    for has in (lambda v: v.math_count, lambda v: v.image_count, lambda v: v.quiz_count,
                lambda v: v.static_views or v.widget_views):
        v = next((v for v in all_visits if has(v)), None)
        if v is not None and v not in chosen:
            chosen.append(v)
    return chosen


def test_pages_work_from_the_file_system(unpacked, new_guarded_page, all_visits):
    """Opened from disk: the root redirect works, and a page of each feature (math, figures,
    quiz, explorer) shows with no error and no request outside the folder. (Every page's
    offline load is tested over http; file:// differs only in what browsers refuse to files.)"""
    prefix = unpacked.resolve().as_uri() + "/"
    page, guard = new_guarded_page(prefix)
    page.goto(prefix + "index.html")
    page.wait_for_url(re.compile(r".*/(?!index)[^/]+\.html$"))  # the root redirect works from disk
    guard.settle(page)
    problems = {"index.html": guard.problems()} if guard.problems() else {}
    for v in _feature_pages(all_visits):
        guard.reset()
        page.goto(prefix + v.path)
        guard.settle(page)
        found = guard.problems()
        if v.math_count:
            drawn = page.eval_on_selector_all("mjx-container svg", "els => els.length")
            if drawn < v.math_count:
                found.append(f"math: {drawn} of {v.math_count} expressions drawn")
        broken = page.eval_on_selector_all(
            "img", "els => els.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
        )
        found += [f"image not loaded: {src}" for src in broken]
        if found:
            problems[v.path] = found
    assert not problems, "\n".join(f"{p}:\n  " + "\n  ".join(f) for p, f in problems.items())


def test_quiz_works_from_the_file_system(unpacked, new_guarded_page, all_visits):
    with_quiz = [v for v in all_visits if v.quiz_count]
    if not with_quiz:
        pytest.skip("no page of the site has a quiz yet")
    prefix = unpacked.resolve().as_uri() + "/"
    page, guard = new_guarded_page(prefix)
    page.goto(prefix + with_quiz[0].path)
    guard.settle(page)
    answer = page.locator(".Quiz label.MCButton[data-correct='true']").first
    if not answer.count():
        pytest.skip(f"{with_quiz[0].path}: its first quiz has no multiple-choice question")
    answer.click()
    feedback = page.locator(".Quiz .Feedback.correct").first
    feedback.wait_for(state="visible", timeout=5_000)
    assert feedback.inner_text().strip()
    assert not guard.problems(), "\n  ".join(guard.problems())


def test_search_works_from_the_file_system(unpacked, new_guarded_page, book_pages, search_term):
    prefix = unpacked.resolve().as_uri() + "/"
    page, guard = new_guarded_page(prefix)
    target = next((p for p in book_pages if p.startswith("chapters/")), book_pages[0])
    page.goto(prefix + target)
    guard.settle(page)
    page.goto(prefix + "search.html?q=" + search_term(page))
    page.locator(f'#search-results a[href*="{target.removesuffix(".html")}"]').first.wait_for(timeout=15_000)
    assert not guard.problems(), "\n  ".join(guard.problems())
