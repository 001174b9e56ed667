#!/usr/bin/env python3
"""Copy the browser assets the built book serves itself from ``node_modules/`` into ``_vendor/``.

The book must work with no network: every script, style and font a page loads comes from the
site. The files come from the npm registry, pinned in ``package.json``/``package-lock.json`` and
installed by ``npm ci`` (``make vendor``); nothing minified is committed to git. ``_vendor/`` is
git-ignored and listed in ``html_static_path``, so its contents land in ``_build/html/_static/``:

- ``_static/mathjax/``: MathJax 3 (``mathjax_path: mathjax/tex-mml-svg.js``). The SVG output is
  used because it needs no web fonts: CHTML's fonts are blocked by Chromium when the site is
  opened from the file system (the offline zip). The TeX extensions, the menu, the accessibility
  extensions and the speech rule engine are copied too, because MathJax loads them on demand.
- ``_static/html-manager/``: the ipywidgets HTML manager (``nb_ipywidgets_js``), which renders the
  saved state of widgets. ``embed.js`` bundles the base and controls widgets and needs no
  require.js; its Font Awesome fonts sit beside it (woff2, woff, ttf; the eot and svg copies are
  for browsers that no longer exist and are left out).
- ``_static/vega/``: Vega, Vega-Lite and vega-embed (the minified UMD builds), which draw the
  explorers' charts in the page (``ctmodule.explorers.web``). One copy for the whole site: only
  the pages that hold an explorer load them (``ctmodule.book.offline``). Vega-Lite's version must
  match the schema of the pinned Altair (``tests/test_web_explorers.py`` checks it).
- ``_static/reveal/``: reveal.js (the UMD build, its stylesheet, the high-contrast white theme,
  whose fonts are inlined as ``data:`` URIs, and the speaker-notes plugin) for the chapters' slide
  decks (``ctmodule.book.slides``, ``_build/html/slides/``). The ES-module build is left out: it
  does not load from ``file://`` (the offline zip).

axe-core is a test dependency only: the browser tests load it from ``node_modules/``.

Usage: ``python tools/vendor.py [--check] [--dest DIR]``. ``--check`` verifies that ``node_modules/`` holds
exactly the versions ``package.json`` pins and that ``_vendor/`` is up to date, changing nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "_vendor"
MANIFEST = "ctmodule-vendor.json"

# (package, destination folder in _vendor, [(source relative to the package, glob or "" for the
# path itself)])
ASSETS: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "mathjax",
        "mathjax",
        [
            ("LICENSE", ""),
            ("es5/tex-mml-svg.js", ""),
            ("es5/input/tex/extensions", "**/*.js"),  # TeX packages, loaded on first use
            ("es5/input/mml", "**/*.js"),  # MathML entities and extensions, loaded on demand
            ("es5/ui", "**/*.js"),
            ("es5/a11y", "**/*.js"),
            ("es5/sre", "**/*"),
        ],
    ),
    (
        "@jupyter-widgets/html-manager",
        "html-manager",
        [
            ("package.json", ""),  # the package ships no LICENSE file; its licence field is here
            ("dist/embed.js", ""),
            ("dist/embed.js.LICENSE.txt", ""),
            ("dist", "*.woff2"),
            ("dist", "*.woff"),
            ("dist", "*.ttf"),
        ],
    ),
    ("vega", "vega", [("LICENSE", ""), ("build/vega.min.js", "")]),
    ("vega-lite", "vega", [("LICENSE", ""), ("build/vega-lite.min.js", "")]),
    ("vega-embed", "vega", [("LICENSE", ""), ("build/vega-embed.min.js", "")]),
    (
        "reveal.js",
        "reveal",
        [
            ("LICENSE", ""),
            ("dist/reveal.js", ""),  # the UMD build: ES modules do not load from file://
            ("dist/reveal.css", ""),
            ("dist/theme/white-contrast.css", ""),  # its fonts are inlined (data: URIs)
            ("dist/plugin/notes.js", ""),  # the speaker view (S key)
        ],
    ),
]

# Several packages share the vega/ folder: their licence files get the package's name.
RENAME = {("vega", "LICENSE"): "LICENSE-vega", ("vega-lite", "LICENSE"): "LICENSE-vega-lite",
          ("vega-embed", "LICENSE"): "LICENSE-vega-embed"}

# Source paths (relative to the package) are copied to the destination with this prefix removed.
STRIP_PREFIX = {"mathjax": "es5/", "@jupyter-widgets/html-manager": "dist/", "vega": "build/",
                "vega-lite": "build/", "vega-embed": "build/", "reveal.js": "dist/"}


class VendorError(RuntimeError):
    pass


def pinned_versions(root: Path = ROOT) -> dict[str, str]:
    """The exact versions package.json pins (dependencies and devDependencies)."""
    pkg = json.loads((root / "package.json").read_text(encoding="utf-8"))
    pins = {**pkg.get("dependencies", {}), **pkg.get("devDependencies", {})}
    for name, spec in pins.items():
        if not spec[:1].isdigit():
            raise VendorError(f"package.json: {name} must be pinned to an exact version, not {spec!r}")
    return pins


def installed_version(name: str, node_modules: Path = NODE_MODULES) -> str:
    meta = node_modules / name / "package.json"
    if not meta.is_file():
        raise VendorError(f"{name} is not installed in {node_modules}: run `make vendor` (npm ci)")
    return json.loads(meta.read_text(encoding="utf-8"))["version"]


def check_installed(root: Path = ROOT, node_modules: Path = NODE_MODULES) -> dict[str, str]:
    pins = pinned_versions(root)
    for name, want in pins.items():
        have = installed_version(name, node_modules)
        if have != want:
            raise VendorError(
                f"node_modules has {name}@{have} but package.json pins {want}: run `npm ci`"
            )
    return pins


def planned_files(node_modules: Path = NODE_MODULES) -> list[tuple[str, Path, str]]:
    """Every (package, source file, destination relative to _vendor) to copy."""
    out = []
    for package, dest, rules in ASSETS:
        base = node_modules / package
        prefix = STRIP_PREFIX.get(package, "")
        for rel, pattern in rules:
            src = base / rel
            matches = [src] if not pattern else sorted(p for p in src.glob(pattern) if p.is_file())
            if not matches or not all(p.is_file() for p in matches):
                raise VendorError(f"{package}: nothing at {rel} {pattern}".rstrip())
            for path in matches:
                relpath = path.relative_to(base).as_posix()
                if relpath.startswith(prefix):
                    relpath = relpath[len(prefix):]
                relpath = RENAME.get((package, relpath), relpath)
                out.append((package, path, f"{dest}/{relpath}"))
    return out


def build_manifest(files, versions) -> dict:
    packages: dict[str, dict] = {}
    for package, dest, _ in ASSETS:
        packages[package] = {"version": versions[package], "folder": dest, "files": 0, "bytes": 0}
    digest = hashlib.sha256()
    for package, src, rel in files:
        data = src.read_bytes()
        packages[package]["files"] += 1
        packages[package]["bytes"] += len(data)
        digest.update(rel.encode() + b"\0" + hashlib.sha256(data).digest())
    return {"packages": packages, "sha256": digest.hexdigest()}


def vendor(root: Path = ROOT, check: bool = False, dest: Path | None = None) -> dict:
    node_modules = root / "node_modules"
    target = dest or root / "_vendor"
    versions = check_installed(root, node_modules)
    files = planned_files(node_modules)
    manifest = build_manifest(files, versions)
    current = target / MANIFEST
    up_to_date = current.is_file() and json.loads(current.read_text(encoding="utf-8")) == manifest
    if check:
        if not up_to_date:
            raise VendorError("_vendor/ is missing or stale: run `make vendor`")
        return manifest
    if not up_to_date:
        tmp = target.with_name(target.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        for _, src, rel in files:
            dst = tmp / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        shutil.rmtree(target, ignore_errors=True)
        tmp.rename(target)
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="verify only, change nothing")
    parser.add_argument("--root", type=Path, default=ROOT, help="the folder of package.json")
    parser.add_argument("--dest", type=Path, default=None,
                        help="the folder to fill (default: ROOT/_vendor; a book built from another "
                             "folder, `make book BOOK=...`, needs its own)")
    args = parser.parse_args(argv)
    try:
        manifest = vendor(args.root, check=args.check, dest=args.dest)
    except VendorError as exc:
        print(f"vendor: {exc}", file=sys.stderr)
        return 1
    for name, info in manifest["packages"].items():
        print(
            f"vendor: {name}@{info['version']} -> {args.dest or '_vendor'}/{info['folder']}/ "
            f"({info['files']} files, {info['bytes'] / 1e6:.1f} MB)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
