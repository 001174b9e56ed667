"""Figures as the chapters draw them: the module's palette, a styled empty figure, and a
figure rendered once to SVG and PNG.

Rendering to SVG and PNG here (rather than relying on the kernel's inline backend)
makes the output independent of the matplotlib backend, so a figure looks the same
in JupyterLab, under nbval, in the explorers and in the built book. Placing a
figure on a book page (MyST-NB's glue) is :mod:`ctmodule.book.figures`.
"""

from __future__ import annotations

import base64
import io

# A palette distinguishable by readers with colour-vision deficiencies (Okabe & Ito).
PALETTE = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
]


class RenderedFigure:
    """A matplotlib figure rendered to SVG and PNG, displayable by IPython and glue."""

    def __init__(self, fig, *, dpi: int = 110):
        buf = io.BytesIO()
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
        self.svg = buf.getvalue().decode("utf-8")
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
        self.png = buf.getvalue()
        w, h = fig.get_size_inches()
        self.size = (w, h)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {
            "image/svg+xml": self.svg,
            "image/png": base64.b64encode(self.png).decode("ascii"),
            "text/plain": f"<figure {self.size[0]:.1f}x{self.size[1]:.1f} in>",
        }


def new_figure(width: float = 7.5, height: float = 4.0):
    """Return ``(fig, ax)`` with the module's style, on a non-interactive canvas."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def figure_texts(fig) -> list[str]:
    """Every text a reader sees in ``fig``: titles, axis labels, tick labels, legend entries and
    titles, annotations and the colour bar's label (drawn first, so that the ticks exist). The
    tests read a figure in another language with it: no text of the English one may be left."""
    from matplotlib.text import Text

    fig.draw_without_rendering()
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
