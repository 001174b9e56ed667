"""Internal links and assets of the built site (tools/check_links.py, also run by `make book`)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

_spec = importlib.util.spec_from_file_location(
    "check_links", Path(__file__).resolve().parents[2] / "tools" / "check_links.py"
)
check_links = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_links)
check_site = check_links.check_site


def test_internal_links_resolve(site):
    broken, _ = check_site(site)
    assert not broken, f"{len(broken)} broken internal links:\n  " + "\n  ".join(broken)


def test_no_asset_is_loaded_from_another_site(site):
    _, external = check_site(site)
    assert not external, "\n  ".join(["assets from other sites:", *external])


def test_link_checker_catches_breakage(tmp_path):
    """The checker itself: a missing file, a missing anchor and a CDN script are all reported."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "index.html").write_text(
        '<a href="sub/page.html#here">ok</a> <a href="#top" id="top">self</a>'
        '<a href="missing.html">gone</a> <a href="sub/page.html#nowhere">bad anchor</a>'
        '<a href="https://example.org/">external link, fine</a>'
        '<script src="https://cdn.example.org/x.js"></script>'
        '<link rel="stylesheet" href="_static/here.css"><img src="../outside.png" alt="x">',
        encoding="utf-8",
    )
    (tmp_path / "sub" / "page.html").write_text('<h1 id="here">Here</h1>', encoding="utf-8")
    broken, external = check_site(tmp_path)
    text = "\n".join(broken)
    assert "missing.html" in text and "nowhere" in text and "outside the site" in text
    assert "_static/here.css" in text
    assert len(broken) == 4, broken
    assert len(external) == 1 and "cdn.example.org" in external[0]
