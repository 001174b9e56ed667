"""ctmodule: the helper package behind the teaching module.

Notebooks import from here so that they stay thin (load, show, ask) and the
logic is tested with pytest. Submodules are imported lazily: ``import ctmodule``
stays cheap, and ``ctmodule.data`` (pandas) is only loaded when first used.
The parts and what each may import are described in ``ARCHITECTURE.md``.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_SUBMODULES = {
    "paths",      # where things are (imports no other part)
    "data",       # the data package: loading, validation, data dictionary
    "analysis",   # one module per subject the chapters analyse
    "explorers",  # the interactive explorers
    "book",       # what the Sphinx build and the pages use
    "grading",    # release, grade, sandbox, feedback, marks
    "cli",        # the command line (nothing imports it)
}


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_SUBMODULES))
