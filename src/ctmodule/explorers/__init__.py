"""Interactive explorers for the chapters, with a static view for the built book.

Each function returns an *explorer*: an object that holds ipywidgets controls
(``.controls``, a dict), the current result (``.result``, a DataFrame, and other
attributes named below), an ``update()`` method that recomputes the result from
the controls, and the live widget (``.widget``). A chapter calls it in one line::

    ctmodule.explorers.definition_comparator()

Displayed in a notebook, an explorer hands Jupyter a bundle with two views:

- ``application/vnd.jupyter.widget-view+json``: the live widget, which JupyterLab
  shows when the notebook runs (``make lab``);
- ``text/html``: a *static view* of the default selection (a table, and the figure
  as inline SVG with ``role="img"``, an ``aria-label`` and a ``<title>``), inside a
  ``<div class="ctmodule-static-view">``, with a note that the explorer is
  interactive in JupyterLab. The static book runs no Python, and ``_config.yml``
  ranks ``text/html`` first for the HTML builder, so the book shows this view.

The static view is computed once, from the default selection, when the explorer is
made; moving the controls changes ``.result`` and the live output, never the
static view.

The explorers rest on the chapter modules: :mod:`ctmodule.analysis.definitions` (grid and
similarity scores), :mod:`ctmodule.analysis.instruments` (counts by domain and decade),
:mod:`ctmodule.analysis.timeline` (filtering and plotting events) and :mod:`ctmodule.analysis.cases`
(coding options and comparison). What is added here is only the glue: controls,
tables as HTML, and the rules written in each function's docstring.
"""

from __future__ import annotations

from ctmodule.explorers.builder import DefinitionBuilder, build_your_definition
from ctmodule.explorers.coder import CaseCoder, case_coder
from ctmodule.explorers.comparator import DefinitionComparator, definition_comparator
from ctmodule.explorers.instruments import InstrumentExplorer, instrument_explorer
from ctmodule.explorers.timeline import TimelineExplorer, timeline_explorer

__all__ = [
    "CaseCoder", "DefinitionBuilder", "DefinitionComparator", "InstrumentExplorer", "TimelineExplorer",
    "build_your_definition", "case_coder", "definition_comparator", "instrument_explorer", "timeline_explorer",
]
