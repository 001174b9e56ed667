"""``ctmodule hub-link``: the nbgitpuller link that puts this repository in a student's JupyterHub server.

A link has the form
``<hub>/hub/user-redirect/git-pull?repo=<git URL>&branch=<branch>&targetpath=<folder>&urlpath=<path>``:
the hub logs the student in, starts their server, and nbgitpuller clones the repository into the
folder ``targetpath`` of the student's home (the last part of the URL without ``.git``), or, on a later
click, merges upstream changes into it, keeping the student's own edits (``git merge -Xours``: where
both changed the same lines, the student's version wins). ``targetpath`` is always given: nbgitpuller's
own default is the last part of the URL *with* ``.git`` (``ctmodule.git``), which ``urlpath`` would
have to repeat. ``urlpath`` then opens the chapter or the exercise notebook (in JupyterLab, or with
``--ui notebook`` in the classic notebook). ``tests/test_hub.py`` follows such a link on a real hub.

``TARGET`` is a chapter (``3``, ``03``, or a path such as ``chapters/03-definitions.ipynb``) or an
exercise id (a folder of ``exercises/``); the file must exist in the repository.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from ctmodule import paths


def repo_dir_name(repo_url: str) -> str:
    path = urlsplit(repo_url).path if "://" in repo_url else repo_url.rsplit(":", 1)[-1]
    name = path.rstrip("/").rsplit("/", 1)[-1]
    return name[:-4] if name.endswith(".git") else name


def resolve_target(target: str, root: Path, exercise_dir: str = "student") -> str:
    """The notebook's path inside the repository, ``/``-separated; SystemExit naming what exists."""
    t = target.strip()
    if (root / t).is_file():
        return Path(t).as_posix()
    if re.fullmatch(r"\d{1,2}", t):
        hits = sorted((root / "chapters").glob(f"{int(t):02d}-*.ipynb"))
        if len(hits) == 1:
            return hits[0].relative_to(root).as_posix()
    ex = root / "exercises" / t / f"{t}.ipynb"
    if ex.is_file():
        return ex.relative_to(root).as_posix()
    pref = sorted(p for p in (root / "exercises").glob(f"{t}-*/") if (p / f"{p.name}.ipynb").is_file())
    if len(pref) == 1:  # "ex01" for exercises/ex01-instruments
        return (pref[0] / f"{pref[0].name}.ipynb").relative_to(root).as_posix()
    chapters = ", ".join(p.stem.split("-")[0] for p in sorted((root / "chapters").glob("*.ipynb")))
    exercises = ", ".join(p.name for p in sorted((root / "exercises").iterdir()) if p.is_dir()) \
        if (root / "exercises").is_dir() else ""
    raise SystemExit(f"ctmodule hub-link: {target!r} is neither a chapter ({chapters}), an exercise "
                     f"({exercises}) nor a file of {root}")


def hub_link(hub: str, repo: str, path: str, branch: str = "main", ui: str = "lab") -> str:
    parts = urlsplit(hub)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"the hub address must start with http:// or https:// (got {hub!r})")
    base = hub.rstrip("/")
    if base.endswith("/hub"):
        base = base[:-4]
    folder = repo_dir_name(repo)
    if not folder or folder in (".", ".."):
        raise ValueError(f"cannot name a folder after the repository address {repo!r}")
    rel = f"{folder}/{path}"
    urlpath = f"lab/tree/{rel}" if ui == "lab" else f"tree/{rel}"
    query = urlencode({"repo": repo, "branch": branch, "targetpath": folder, "urlpath": urlpath},
                      quote_via=quote, safe="/")
    return f"{base}/hub/user-redirect/git-pull?{query}"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("targets", nargs="+", metavar="TARGET", help="chapter number or path, or exercise id")
    parser.add_argument("--hub", required=True, help="the hub's address, e.g. https://hub.example.edu")
    parser.add_argument("--repo", required=True, help="git URL of the course repository the students pull")
    parser.add_argument("--branch", default="main", help="branch to pull (default main)")
    parser.add_argument("--ui", choices=["lab", "notebook"], default="lab", help="interface to open")
    parser.add_argument("--root", type=Path, default=None, help="checkout of the repository (default: this one)")


def run(args: argparse.Namespace) -> int:
    root = (args.root or paths.repo_root()).resolve()
    try:
        for t in args.targets:
            print(hub_link(args.hub, args.repo, resolve_target(t, root), args.branch, args.ui))
    except ValueError as exc:
        print(f"ctmodule hub-link: {exc}", file=sys.stderr)
        return 2
    return 0
