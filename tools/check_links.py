#!/usr/bin/env python3
"""Check the internal links and assets of the built site, from its files (no browser needed).

Usage: ``python tools/check_links.py [SITE]`` (default ``_build/html``); exits 1 and lists every
problem when a page links to a local file that does not exist, to an anchor that no element
carries, to a path outside the site, or loads a script, stylesheet, image or frame from another
site. ``make book`` runs it after the build, so a broken internal link fails the build.

Sphinx's ``-n`` (nitpicky) already fails the build on a broken cross-reference (``{ref}``,
``{numref}``, a Markdown link to a missing document), but not on a raw HTML link, a fragment
that names no anchor, or an asset that a page loads from another site: this walks every
``href``/``src`` of every page. Links to other sites (``<a href="https://...">``) are allowed.
"""

from __future__ import annotations

import posixpath
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# (tag, attribute) pairs whose target the browser loads as part of the page.
LOADED = {("script", "src"), ("img", "src"), ("source", "src"), ("iframe", "src"), ("video", "src"),
          ("audio", "src"), ("embed", "src"), ("object", "data"), ("input", "src")}
LOADED_LINK_RELS = {"stylesheet", "icon", "shortcut", "preload", "modulepreload", "manifest",
                    "apple-touch-icon"}
IGNORED_SCHEMES = {"mailto", "tel", "javascript", "data", "blob"}


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if a.get(key):
                self.ids.add(a[key])
        for attr in ("href", "src", "data"):
            value = a.get(attr)
            if value is None:
                continue
            if tag == "link" and attr == "href":
                rels = set((a.get("rel") or "").lower().split())
                self.refs.append(("link:" + ",".join(sorted(rels)), attr, value))
            else:
                self.refs.append((tag, attr, value))
        if a.get("srcset"):
            for part in a["srcset"].split(","):
                if part.strip():
                    self.refs.append((tag, "srcset", part.strip().split()[0]))

    handle_startendtag = handle_starttag


def _parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8", errors="replace"))
    return collector


def _is_loaded(tag: str, attr: str) -> bool:
    if tag.startswith("link:"):
        return bool(set(tag[5:].split(",")) & LOADED_LINK_RELS)
    return (tag, attr) in LOADED or attr == "srcset"


def check_site(site: Path) -> tuple[list[str], list[str]]:
    """Return (broken internal links, assets loaded from another site)."""
    pages = sorted(p for p in site.rglob("*.html") if "_static" not in p.relative_to(site).parts)
    parsed = {p: _parse(p) for p in pages}
    broken, external = [], []
    for page, found in parsed.items():
        rel_page = page.relative_to(site).as_posix()
        for tag, attr, value in found.refs:
            value = value.strip()
            parts = urlsplit(value)
            if parts.scheme in IGNORED_SCHEMES:
                continue
            if parts.scheme or parts.netloc:
                if _is_loaded(tag, attr):
                    external.append(f"{rel_page}: <{tag} {attr}={value!r}> loads from another site")
                continue
            if not parts.path:  # same page: "#fragment" (or "?query")
                if parts.fragment and unquote(parts.fragment) not in found.ids:
                    broken.append(f"{rel_page}: {value!r}: no anchor {parts.fragment!r} on the page")
                continue
            target_rel = posixpath.normpath(posixpath.join(posixpath.dirname(rel_page), unquote(parts.path)))
            if target_rel.startswith("../") or target_rel == "..":
                broken.append(f"{rel_page}: {value!r} points outside the site")
                continue
            target = site / target_rel
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{rel_page}: {value!r}: {target.relative_to(site)} does not exist")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else _parse(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{rel_page}: {value!r}: no anchor {parts.fragment!r} in {target_rel}")
    return broken, external



def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    site = Path(args[0]) if args else Path(__file__).resolve().parent.parent / "_build" / "html"
    if not (site / "index.html").is_file():
        print(f"check_links: {site} has no index.html: build the book first", file=sys.stderr)
        return 1
    broken, external = check_site(site)
    for line in broken + external:
        print(f"check_links: {line}", file=sys.stderr)
    pages = sum(1 for _ in site.rglob("*.html"))
    if broken or external:
        print(f"check_links: {len(broken)} broken internal links, {len(external)} assets from other "
              f"sites in {site}", file=sys.stderr)
        return 1
    print(f"check_links: {pages} pages, every internal link and asset resolves")
    return 0


if __name__ == "__main__":
    sys.exit(main())
