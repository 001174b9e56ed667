#!/usr/bin/env python3
"""Write the built book as a zip that opens from the file system, for reading offline.

Usage: ``python tools/zip_site.py [SITE] [ZIP]`` (defaults: ``_build/html`` and
``_build/ctmodule-book.zip``). The zip holds one folder, ``ctmodule-book/``; unpack it anywhere
and open ``ctmodule-book/index.html`` in a browser: no server and no network are needed.

Every asset is in the site (MathJax, the widget manager and the theme's fonts are vendored,
see tools/vendor.py), pages load no ES modules, and Sphinx's search index is a script, so all
of it works from ``file://``. The one thing Chromium refuses from ``file://`` is ``fetch()`` of
another file, which Sphinx's search uses for the summary under each result: the
``ctmodule.book.offline`` extension turns the summaries off when the page is a file, so the search
lists its results without them.

The zip holds every edition the site has (the Russian one is ``ru/``, built by ``make book`` into
the site's folder); the language switcher's links are relative, so it works from the zip too.

The zip is reproducible: entries are sorted and carry a fixed timestamp.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDER = "ctmodule-book"
# Sphinx's build bookkeeping: not part of the site a reader opens.
SKIP_NAMES = {".buildinfo", ".buildinfo.bak"}
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
README = f"""Terrorism, Counter-Terrorism and Securitisation in Central Asia: the book, for offline reading.

Open {FOLDER}/index.html in a web browser (double-click it, or use File > Open).
Everything the pages need is inside this folder: no internet connection is required.
Keep the folder together: the pages link to each other and to the files in _static/.

Русская версия / Russian edition: {FOLDER}/ru/index.html (every page links to the same page in the
other language).
"""


def site_files(site: Path) -> list[Path]:
    files = []
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site)
        if path.is_file() and path.name not in SKIP_NAMES and not rel.parts[0].startswith(".doctrees"):
            files.append(path)
    return files


def write_zip(site: Path, out: Path) -> tuple[int, int]:
    if not (site / "index.html").is_file():
        raise SystemExit(f"zip_site: {site} has no index.html: build the book first (make book)")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".zip.tmp")
    count = 0
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        info = zipfile.ZipInfo("README.txt", FIXED_TIME)
        info.external_attr = 0o644 << 16
        zf.writestr(info, README, compress_type=zipfile.ZIP_DEFLATED)
        for path in site_files(site):
            arcname = f"{FOLDER}/{path.relative_to(site).as_posix()}"
            info = zipfile.ZipInfo(arcname, FIXED_TIME)
            info.external_attr = 0o644 << 16
            # already-compressed formats are stored as they are
            method = zipfile.ZIP_STORED if path.suffix in {".png", ".jpg", ".woff", ".woff2", ".zip"} \
                else zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes(), compress_type=method)
            count += 1
    tmp.replace(out)
    return count, out.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", nargs="?", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("zip", nargs="?", type=Path, default=None)
    args = parser.parse_args(argv)
    out = args.zip or args.site.parent / "ctmodule-book.zip"
    count, size = write_zip(args.site, out)
    print(f"zip_site: {out} ({count} files, {size / 1e6:.1f} MB); open {FOLDER}/index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
