"""ctmodule: the helper package behind the teaching module.

Notebooks import from here so that they stay thin (load, show, ask) and the
logic is tested with pytest. Submodules are imported lazily: ``import ctmodule``
stays cheap, and ``ctmodule.data`` (pandas) is only loaded when first used.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_SUBMODULES = {
    "data", "validate", "datadict",
    "cases",
    "definitions",
    "timeline",
    "instruments",
    "claims",
    "synthesis",
    "release", "grade", "sandbox", "feedback", "marks",
    "cli",
    "paths",
    "widgets", "quiz",
}


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_SUBMODULES))
