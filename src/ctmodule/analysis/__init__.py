"""The subjects the chapters analyse, one module each: tables in, the frames and figures a chapter shows out.

- :mod:`~ctmodule.analysis.instruments`: the universal and regional instruments (chapter 2);
- :mod:`~ctmodule.analysis.definitions`: the element grid and the similarity of definitions (chapters 1, 3);
- :mod:`~ctmodule.analysis.timeline`: events by category and period (chapter 4);
- :mod:`~ctmodule.analysis.cases`: the coded securitisation cases and measures (chapters 5, 6);
- :mod:`~ctmodule.analysis.region`: the five Central Asian states compared, securitising and desecuritising moves (chapter 7);
- :mod:`~ctmodule.analysis.gender`: women and men among defendants and returnees (chapter 6);
- :mod:`~ctmodule.analysis.claims`: the checked claims and their sources (chapter 8);
- :mod:`~ctmodule.analysis.synthesis`: events and measures by period (chapter 9);
- :mod:`~ctmodule.analysis.plotting`: the palette, a styled figure, a figure rendered to SVG and PNG.

This part imports :mod:`ctmodule.data` (and :mod:`ctmodule.paths`) only.
"""
