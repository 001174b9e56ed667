"""Where things are: the repository root, the data folder, the bibliography.

The root is found from the environment variable ``CTMODULE_ROOT`` if set,
otherwise by walking up from the current directory (so a notebook in
``chapters/`` or ``exercises/<id>/`` finds it), and finally from the package's
own location (editable install).
"""

from __future__ import annotations

import os
from pathlib import Path

_MARKERS = ("_config.yml", "_toc.yml")


def _is_root(path: Path) -> bool:
    return all((path / m).is_file() for m in _MARKERS) and (path / "data").is_dir()


def repo_root(start: str | os.PathLike | None = None) -> Path:
    """Return the repository root (the folder holding ``_config.yml`` and ``data/``)."""
    env = os.environ.get("CTMODULE_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if _is_root(candidate):
            return candidate
    pkg = Path(__file__).resolve()
    for candidate in pkg.parents:
        if _is_root(candidate):
            return candidate
    raise FileNotFoundError(
        "cannot find the module's root folder (one with _config.yml, _toc.yml and data/); "
        "run from inside the repository or set CTMODULE_ROOT"
    )


def data_dir(start: str | os.PathLike | None = None) -> Path:
    """Return the folder of the data package.

    A released exercise ships its own ``data/`` beside the notebook; that copy wins
    when it holds a ``datapackage.json``.
    """
    env = os.environ.get("CTMODULE_DATA")
    if env:
        return Path(env).resolve()
    here = Path(start or Path.cwd()).resolve()
    local = here / "data"
    if (local / "datapackage.json").is_file():
        return local
    return repo_root(start) / "data"


def bib_path(start: str | os.PathLike | None = None) -> Path:
    """Return the path of ``references.bib``."""
    return repo_root(start) / "references.bib"
