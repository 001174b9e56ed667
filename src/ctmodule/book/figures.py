"""Figures on a book page: render a matplotlib figure once and hand it to MyST-NB's glue.

A chapter builds a figure with a plotting helper of :mod:`ctmodule.analysis`, then
calls :func:`glue_figure`. The markdown cell that follows places it with its caption
and alt text::

    ```{glue:figure} fig-02-instruments-by-decade
    :name: fig-02-instruments-by-decade
    :alt: Bar chart of ... (say what the figure shows, with its key numbers)

    Caption, with the data source.
    ```

In JupyterLab the ``{glue:figure}`` directive and the ``{glue:text}`` role have nothing to show
(jupyterlab-myst does not know MyST-NB's glue): the text shows the glued name instead. So
:func:`glue` and :func:`glue_figure` also show each value in the notebook, under its name, where
the code cell that computes it runs. The cell is tagged ``remove-output`` (or ``remove-cell``) so
that the book shows each value once, in the text and with its caption.
"""

from __future__ import annotations

import html
import numbers

from ctmodule.analysis.plotting import RenderedFigure


def glue(name: str, value, *, display: bool = True):
    """Glue ``value`` under ``name`` for ``{glue:text}`` or ``{glue:figure}`` (MyST-NB's glue).

    ``display=True`` also shows it in the notebook, labelled with its name: a number or a short
    text on one line (``name = value``), a table or a figure under a line naming it. That is what a
    reader in JupyterLab sees where the book puts the value into the text (tag the cell
    ``remove-output`` or ``remove-cell`` so that the book does not show it twice).
    """
    from myst_nb import glue as myst_glue

    myst_glue(name, value, display=False)
    if display:
        from IPython.display import HTML
        from IPython.display import display as show

        label = f'<code class="ctmodule-glued">{html.escape(name)}</code>'
        if isinstance(value, str | numbers.Number):
            show(HTML(f"<p>{label} = {html.escape(str(value))}</p>"))
        else:
            show(HTML(f"<p>{label}, shown in the book where the text names it:</p>"))
            show(value)
    return value


def glue_figure(name: str, fig, *, display: bool = True) -> RenderedFigure:
    """Render ``fig`` and glue it under ``name`` for a ``{glue:figure}`` directive.

    ``display=True`` also shows it in the notebook under its name (see :func:`glue`; tag the cell
    ``remove-cell`` or ``remove-output`` so that the book shows it only once, with its caption).
    """
    rendered = RenderedFigure(fig)
    glue(name, rendered, display=display)
    return rendered
