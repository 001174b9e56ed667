"""ctmodule.book.figures.glue: MyST-NB's glue, plus a labelled view of the value for JupyterLab,
where {glue:text} and {glue:figure} show only the glued name (see chapter 0, "Reading in JupyterLab")."""

from __future__ import annotations

import pandas as pd
import pytest

from ctmodule.analysis.plotting import new_figure
from ctmodule.book import figures


@pytest.fixture
def shown(monkeypatch):
    """Every object passed to IPython's display, in order (MyST-NB's glue bundles included)."""
    import IPython.display

    seen = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: seen.extend(
        (o, kw) for o in objs))
    import myst_nb.ext.glue as myst_glue

    monkeypatch.setattr(myst_glue, "ipy_display", lambda *objs, **kw: seen.extend((o, kw) for o in objs))
    return seen


def _html(obj) -> str:
    return obj.data if hasattr(obj, "data") and isinstance(obj.data, str) else ""


def test_a_number_is_glued_and_shown_with_its_name(shown):
    assert figures.glue("n-05-state", 12) == 12
    glued = [(o, kw) for o, kw in shown if kw.get("raw")]
    assert [kw["metadata"]["scrapbook"]["name"] for o, kw in glued] == ["n-05-state"]
    # glued hidden (the book places it in the text), shown separately under its name
    assert list(glued[0][0]) == ["application/papermill.record/text/plain"]
    views = [_html(o) for o, kw in shown if not kw.get("raw")]
    assert views == ['<p><code class="ctmodule-glued">n-05-state</code> = 12</p>']


def test_text_is_escaped(shown):
    figures.glue("t-<x>", "a & b")
    assert '<code class="ctmodule-glued">t-&lt;x&gt;</code> = a &amp; b' in _html(
        [o for o, kw in shown if not kw.get("raw")][0])


def test_a_table_is_shown_under_its_name(shown):
    table = pd.DataFrame({"case": ["a", "b"]})
    figures.glue("tbl-x", table)
    views = [o for o, kw in shown if not kw.get("raw")]
    assert "tbl-x" in _html(views[0]) and views[1] is table


def test_a_figure_is_shown_under_its_name(shown):
    fig, ax = new_figure(2, 1)
    ax.bar(["a"], [1])
    rendered = figures.glue_figure("fig-x", fig)
    views = [o for o, kw in shown if not kw.get("raw")]
    assert "fig-x" in _html(views[0]) and views[1] is rendered
    assert "image/svg+xml" in rendered._repr_mimebundle_()


def test_display_false_only_glues(shown):
    figures.glue("n-x", 3, display=False)
    assert [o for o, kw in shown if not kw.get("raw")] == []
    assert [o for o, kw in shown if kw.get("raw")]


def _chapters():
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    for path in sorted((root / "chapters").glob("[0-9][0-9]-*.ipynb")):
        yield path, json.loads(path.read_text(encoding="utf-8"))["cells"]


@pytest.mark.parametrize("path,cells", list(_chapters()), ids=[p.stem[:2] for p, _ in _chapters()])
def test_chapters_glue_so_that_jupyterlab_shows_the_value_and_the_book_shows_it_once(path, cells):
    import re

    for i, cell in enumerate(cells):
        source = "".join(cell["source"])
        if cell["cell_type"] != "code":
            continue
        assert "from myst_nb import glue" not in source, (
            f"{path.stem} cell {i}: glue with ctmodule.book.figures.glue, which also shows the value in JupyterLab")
        calls = len(re.findall(r"\bglue(?:_figure)?\(", source))
        shows = calls > source.count("display=False")  # a call without display=False shows its value
        tags = set(cell["metadata"].get("tags", []))
        assert not shows or tags & {"remove-output", "remove-cell"}, (
            f"{path.stem} cell {i}: shows glued values; tag it remove-output or remove-cell so the book "
            "shows them once")
