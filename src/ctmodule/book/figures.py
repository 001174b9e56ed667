"""Figures on a book page: render a matplotlib figure once and hand it to MyST-NB's glue.

A chapter builds a figure with a plotting helper of :mod:`ctmodule.analysis`, then
calls :func:`glue_figure`. The markdown cell that follows places it with its caption
and alt text::

    ```{glue:figure} fig-02-instruments-by-decade
    :name: fig-02-instruments-by-decade
    :alt: Bar chart of ... (say what the figure shows, with its key numbers)

    Caption, with the data source.
    ```
"""

from __future__ import annotations

from ctmodule.analysis.plotting import RenderedFigure


def glue_figure(name: str, fig, *, display: bool = True) -> RenderedFigure:
    """Render ``fig`` and glue it under ``name`` for a ``{glue:figure}`` directive.

    ``display=True`` also shows it in the notebook (tag the cell ``remove-cell`` or
    ``remove-output`` so that the book shows it only once, with its caption).
    """
    from myst_nb import glue

    rendered = RenderedFigure(fig)
    glue(name, rendered, display=display)
    return rendered
