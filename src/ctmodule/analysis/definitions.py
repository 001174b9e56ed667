"""Compare definitions of terrorism element by element.

The table ``definition_elements`` codes each definition (``definition_id``) against
each element (``element_id``) as ``yes``, ``partial`` or ``no``. This module turns
that long table into a grid, scores how similar two definitions are, lists what two
definitions share and where they differ, and draws the grid and the similarity
matrix. Every function takes DataFrames and returns a DataFrame, a number or a
matplotlib ``Figure``; nothing reads files or draws on screen, so the functions can
sit behind widgets as well as in chapters and tests.

Scoring a cell
--------------
``yes`` counts 1, ``partial`` counts 0.5 and ``no`` counts 0 (:data:`VALUE_SCORES`).
The fact sheet marks a few cells *ambiguous* (the text does not decide); by default
they are scored like ``partial`` (0.5), and ``ambiguous=None`` leaves them out of
the comparison instead.

Two similarity scores
---------------------
``method="jaccard"`` (the default) is a *weighted Jaccard* score (also called the
Ruzicka similarity). For each element take the smaller and the larger of the two
scores; add up the smaller ones, add up the larger ones, and divide::

    similarity(A, B) = sum(min(a, b)) / sum(max(a, b))

It asks: of everything that at least one of the two definitions requires, how much
do both require? Elements that *neither* definition mentions are ignored, so two
short definitions do not look alike merely because both leave a lot out. The score
runs from 0 (nothing in common) to 1 (identical coding).

``method="agreement"`` is the share of elements on which the two codings agree,
with a half-point difference counting half::

    agreement(A, B) = mean(1 - |a - b|)

Shared absences count as agreement here, which is why the two scores differ; the
chapter uses the contrast as an exercise.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ctmodule.data.labels import label_column
from ctmodule.l10n import N_, gettext

#: The mark written in each cell of the element grid (the figure does not rely on colour alone).
GRID_MARKS = {"yes": N_("yes"), "partial": N_("part"), "no": N_("no"), "ambiguous": "?"}

#: The ``status`` of an element in :func:`compare`, as a reader reads it.
SHARED_LABELS = {"both": N_("both"), "partly shared": N_("partly shared"), "only A": N_("only A"),
                 "only B": N_("only B"), "neither": N_("neither"), "not coded": N_("not coded")}

#: Numeric value of each coded cell.
VALUE_SCORES: dict[str, float] = {"yes": 1.0, "partial": 0.5, "no": 0.0}

#: Score given to a cell coded ``ambiguous`` unless the caller chooses otherwise.
AMBIGUOUS_SCORE = 0.5

METHODS = ("jaccard", "agreement")

#: Order in which :func:`compare` reports the status of an element.
STATUS_ORDER = ("both", "partly shared", "only A", "only B", "neither")


def _clean_value(value) -> str:
    """Normalise a coded value: lower case, first word only (``'yes (note)'`` -> ``'yes'``)."""
    if value is None or isinstance(value, float) and value != value:
        return ""
    text = str(value).strip().lower()
    if not text or text in ("nan", "<na>", "none"):
        return ""
    return text.split()[0].strip("(),;:")


def score_value(value, *, ambiguous: float | None = AMBIGUOUS_SCORE) -> float:
    """Return the numeric score of one coded cell.

    ``'yes'`` -> 1.0, ``'partial'`` -> 0.5, ``'no'`` -> 0.0; ``'ambiguous'`` -> the
    ``ambiguous`` argument (``None`` gives NaN). Raises ``ValueError`` for anything else,
    so that a typo in the data is caught rather than scored as zero.
    """
    text = _clean_value(value)
    if text in VALUE_SCORES:
        return VALUE_SCORES[text]
    if text == "ambiguous":
        return float("nan") if ambiguous is None else float(ambiguous)
    raise ValueError(f"unknown coded value {value!r}; expected yes, partial, no or ambiguous")


def _order(values: Iterable, preferred: Sequence | None) -> list:
    seen = list(dict.fromkeys(values))
    if preferred is None:
        return seen
    head = [v for v in preferred if v in seen]
    return head + [v for v in seen if v not in head]


def element_grid(
    definition_elements,
    *,
    numeric: bool = False,
    definitions=None,
    elements=None,
    definition_label: str | None = None,
    element_label: str | None = None,
    ambiguous: float | None = AMBIGUOUS_SCORE,
    lang: str = "en",
):
    """Pivot the long table into a grid: one row per definition, one column per element.

    Parameters
    ----------
    definition_elements:
        DataFrame with columns ``definition_id``, ``element_id``, ``value``.
    numeric:
        ``False`` keeps the words (``yes``/``partial``/``no``); ``True`` gives scores
        (see :func:`score_value`).
    definitions, elements:
        Optional ``definitions`` and ``elements`` tables. When given, rows and columns
        follow their order, and ``definition_label`` (e.g. ``"name"``) or
        ``element_label`` (e.g. ``"label"``) replace the ids in the index and columns.
    lang:
        The language of those labels: ``name_<lang>`` and ``label_<lang>`` in any other language
        than English (:func:`ctmodule.data.label_column`: a missing one is an error naming the
        file, line and column).

    Returns
    -------
    DataFrame indexed by definition, columns by element. A missing cell is empty
    (words) or NaN (numbers).
    """
    import pandas as pd

    de = definition_elements[["definition_id", "element_id", "value"]].copy()
    if de.duplicated(["definition_id", "element_id"]).any():
        dup = de[de.duplicated(["definition_id", "element_id"], keep=False)]
        raise ValueError(f"a definition codes the same element twice:\n{dup}")
    if numeric:
        de["value"] = [score_value(v, ambiguous=ambiguous) for v in de["value"]]
    else:
        de["value"] = [_clean_value(v) for v in de["value"]]
    grid = de.pivot(index="definition_id", columns="element_id", values="value")

    row_order = _order(grid.index, None if definitions is None else list(definitions["definition_id"]))
    col_order = _order(grid.columns, None if elements is None else list(elements["element_id"]))
    grid = grid.loc[row_order, col_order]
    if not numeric:
        grid = grid.fillna("")
    grid.index.name = "definition_id"
    grid.columns.name = "element_id"

    if definitions is not None and definition_label:
        names = dict(zip(definitions["definition_id"],
                         label_column(definitions, definition_label, lang, table="definitions"), strict=False))
        grid.index = pd.Index([names.get(i, i) for i in grid.index], name=definition_label)
    if elements is not None and element_label:
        labels = dict(zip(elements["element_id"],
                          label_column(elements, element_label, lang, table="elements"), strict=False))
        grid.columns = pd.Index([labels.get(c, c) for c in grid.columns], name=element_label)
    return grid


def lookup(definitions, text: str, *, column: str = "name") -> str:
    """Return the one ``definition_id`` whose ``column`` contains ``text`` (case-insensitive).

    Lets a notebook name a definition by a stable phrase (``"Resolution 1566"``,
    ``"Terrorism Act 2000"``) rather than by its id. Raises ``KeyError`` when no row
    or more than one row matches, listing the candidates.
    """
    names = definitions[column].astype(str)
    hits = definitions.loc[names.str.casefold().str.contains(text.casefold(), regex=False), "definition_id"]
    if len(hits) != 1:
        found = list(definitions.loc[hits.index, column]) if len(hits) else []
        raise KeyError(f"{text!r} matches {len(hits)} definitions in {column!r}, not one: {found}")
    return str(hits.iloc[0])


def _pair(grid, a, b):
    """Return the two numeric rows, restricted to elements coded in both."""
    if a not in grid.index or b not in grid.index:
        missing = [x for x in (a, b) if x not in grid.index]
        raise KeyError(f"unknown definition(s): {missing}")
    row_a = grid.loc[a].astype(float)
    row_b = grid.loc[b].astype(float)
    both = row_a.notna() & row_b.notna()
    return row_a[both], row_b[both]


def similarity(grid, a, b, *, method: str = "jaccard") -> float:
    """Similarity of definitions ``a`` and ``b`` in a numeric grid (see the module docstring).

    ``grid`` is the output of ``element_grid(..., numeric=True)``. Elements not coded
    for both definitions are skipped. Returns a float between 0 and 1; for
    ``"jaccard"``, two definitions that both contain nothing score 1.0 (identical),
    and NaN is returned if they share no coded element at all.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    row_a, row_b = _pair(grid, a, b)
    if len(row_a) == 0:
        return float("nan")
    if method == "agreement":
        return float((1 - (row_a - row_b).abs()).mean())
    lower = row_a.where(row_a <= row_b, row_b).sum()
    upper = row_a.where(row_a >= row_b, row_b).sum()
    return 1.0 if upper == 0 else float(lower / upper)


def similarity_matrix(grid, *, method: str = "jaccard"):
    """Square DataFrame of :func:`similarity` for every pair of rows of a numeric grid.

    The matrix is symmetric with 1.0 on the diagonal; rows and columns follow the
    grid's index.
    """
    import pandas as pd

    ids = list(grid.index)
    values = [[similarity(grid, a, b, method=method) for b in ids] for a in ids]
    return pd.DataFrame(values, index=pd.Index(ids, name=grid.index.name), columns=ids)


def most_similar_pairs(matrix, n: int = 5, *, ascending: bool = False):
    """The ``n`` most (or, with ``ascending=True``, least) similar distinct pairs.

    Returns a DataFrame with columns ``a``, ``b``, ``similarity``, each pair once.
    """
    import pandas as pd

    ids = list(matrix.index)
    rows = [
        {"a": ids[i], "b": ids[j], "similarity": float(matrix.iloc[i, j])}
        for i in range(len(ids))
        for j in range(i + 1, len(ids))
    ]
    table = pd.DataFrame(rows, columns=["a", "b", "similarity"])
    table = table.sort_values("similarity", ascending=ascending, kind="stable")
    return table.head(n).reset_index(drop=True)


def _status(a: float, b: float) -> str:
    if a != a or b != b:  # NaN: not coded for one of them
        return "not coded"
    if a == 0 and b == 0:
        return "neither"
    if a == 1 and b == 1:
        return "both"
    if b == 0:
        return "only A"
    if a == 0:
        return "only B"
    return "partly shared"


def compare(
    definition_elements,
    a: str,
    b: str,
    *,
    elements=None,
    ambiguous: float | None = AMBIGUOUS_SCORE,
):
    """Element-by-element comparison of two definitions.

    Returns a DataFrame with one row per element: ``element_id`` (and ``label`` when
    the ``elements`` table is given), ``a`` and ``b`` (the coded words), and ``status``:

    - ``both``: both definitions contain the element (yes/yes);
    - ``partly shared``: both contain it, at least one only partly (e.g. yes/partial);
    - ``only A`` / ``only B``: one contains it (fully or partly), the other does not;
    - ``neither``: both say no;
    - ``not coded``: a cell is missing for one of them.

    Rows are sorted by status in that order, then by the element order.
    """
    words = element_grid(definition_elements, elements=elements)
    nums = element_grid(definition_elements, numeric=True, elements=elements, ambiguous=ambiguous)
    for x in (a, b):
        if x not in words.index:
            raise KeyError(f"unknown definition: {x!r}")
    import pandas as pd

    out = pd.DataFrame(
        {
            "element_id": list(words.columns),
            "a": list(words.loc[a]),
            "b": list(words.loc[b]),
            "status": [_status(x, y) for x, y in zip(nums.loc[a], nums.loc[b], strict=True)],
        }
    )
    if elements is not None and "label" in elements.columns:
        labels = dict(zip(elements["element_id"], elements["label"], strict=False))
        out.insert(1, "label", [labels.get(e, e) for e in out["element_id"]])
    rank = {s: i for i, s in enumerate((*STATUS_ORDER, "not coded"))}
    out["_rank"] = out["status"].map(rank)
    out["_pos"] = range(len(out))
    out = out.sort_values(["_rank", "_pos"]).drop(columns=["_rank", "_pos"])
    return out.reset_index(drop=True)


def element_coverage(definition_elements, *, elements=None):
    """How many definitions code each element ``yes``, ``partial`` and ``no``.

    Returns a DataFrame indexed by ``element_id`` with integer columns ``yes``,
    ``partial``, ``no`` (and ``ambiguous`` if any cell says so), plus ``label`` when
    the ``elements`` table is given, sorted from most to least often included
    (``yes`` + half of ``partial``).
    """
    words = element_grid(definition_elements, elements=elements)
    import pandas as pd

    kinds = ["yes", "partial", "no"]
    if (words == "ambiguous").any().any():
        kinds.append("ambiguous")
    counts = pd.DataFrame({k: (words == k).sum(axis=0).astype(int) for k in kinds})
    counts.index.name = "element_id"
    counts["_weight"] = counts["yes"] + 0.5 * counts["partial"]
    counts["_pos"] = range(len(counts))
    counts = counts.sort_values(["_weight", "_pos"], ascending=[False, True]).drop(
        columns=["_weight", "_pos"]
    )
    if elements is not None and "label" in elements.columns:
        labels = dict(zip(elements["element_id"], elements["label"], strict=False))
        counts.insert(0, "label", [labels.get(e, e) for e in counts.index])
    return counts


def _wrap(labels, width: int | None) -> list[str]:
    import textwrap

    labels = [str(x) for x in labels]
    if not width:
        return labels
    return [textwrap.fill(x, width=width) for x in labels]


def plot_element_grid(
    grid,
    *,
    title: str | None = None,
    width: float = 8.0,
    height: float | None = None,
    label_width: int | None = None,
    lang: str = "en",
):
    """Heatmap of a grid from :func:`element_grid` (words or numbers).

    Cells are shaded by score (no = light, partial = middle, yes = dark) and also
    carry a text mark (``yes``, ``part``, ``no``, ``?`` for ambiguous), so the figure
    does not rely on colour alone. ``label_width`` wraps long row and column labels
    at that many characters. The marks are written in ``lang`` (the labels are the grid's: draw
    it with ``element_grid(..., lang=lang)``). Returns a matplotlib ``Figure``.
    """
    import numpy as np
    from pandas.api.types import is_numeric_dtype

    from ctmodule.analysis.plotting import PALETTE, new_figure

    if len(grid.columns) and all(is_numeric_dtype(t) for t in grid.dtypes):  # a numeric grid
        def as_word(v):
            if v != v:
                return ""
            return {1.0: "yes", 0.5: "partial", 0.0: "no"}.get(float(v), "ambiguous")

        words = grid.map(as_word)
    else:
        words = grid.map(_clean_value)
    scores = words.map(lambda w: score_value(w) if w else float("nan")).to_numpy(dtype=float)

    n_rows, n_cols = scores.shape
    height = height or max(2.5, (0.62 if label_width else 0.45) * n_rows + 3.0)
    fig, ax = new_figure(width, height)
    from matplotlib.colors import LinearSegmentedColormap

    cmap = LinearSegmentedColormap.from_list("grid", ["#F2F2F2", "#9ECAE1", PALETTE[0]]).with_extremes(
        bad="white"
    )
    ax.imshow(np.ma.masked_invalid(scores), cmap=cmap, vmin=0, vmax=1, aspect="auto")
    marks = {word: gettext(mark, lang) for word, mark in GRID_MARKS.items()}
    for i in range(n_rows):
        for j in range(n_cols):
            word = words.iat[i, j]
            if not word:
                continue
            dark = scores[i, j] >= 0.75
            ax.text(j, i, marks.get(word, word), ha="center", va="center", fontsize=9,
                    color="white" if dark else "#222222")
    ax.set_xticks(range(n_cols), _wrap(grid.columns, label_width), rotation=40, ha="right", fontsize=9.5)
    ax.set_yticks(range(n_rows), _wrap(grid.index, label_width), fontsize=9.5)
    ax.set_xticks(np.arange(-0.5, n_cols, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, n_rows, 1), minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    if title:
        ax.set_title(title, fontsize=10, loc="left")
    return fig


def plot_similarity_matrix(
    matrix,
    *,
    title: str | None = None,
    width: float = 7.5,
    height: float | None = None,
    decimals: int = 2,
    label_width: int | None = None,
    lang: str = "en",
):
    """Heatmap of a similarity matrix (values 0 to 1), each cell labelled with its value.

    Only the lower triangle is drawn (the matrix is symmetric), so each pair appears
    once. ``label_width`` wraps long labels; the scale's label is in ``lang``. Returns a
    matplotlib ``Figure``.
    """
    import numpy as np

    from ctmodule.analysis.plotting import new_figure

    values = matrix.to_numpy(dtype=float)
    n = values.shape[0]
    mask = np.triu(np.ones_like(values, dtype=bool), k=1)
    shown = np.ma.masked_where(mask | np.isnan(values), values)
    height = height or max(3.0, 0.55 * n + 2.2)
    fig, ax = new_figure(width, height)
    image = ax.imshow(shown, cmap="Blues", vmin=0, vmax=1, aspect="auto")
    for i in range(n):
        for j in range(i + 1):
            v = values[i, j]
            if v != v:
                continue
            ax.text(j, i, f"{v:.{decimals}f}", ha="center", va="center", fontsize=9,
                    color="white" if v >= 0.6 else "#222222")
    labels = _wrap(matrix.index, label_width)
    ax.set_xticks(range(n), labels, rotation=40, ha="right", fontsize=9.5)
    ax.set_yticks(range(n), labels, fontsize=9.5)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    fig.colorbar(image, ax=ax, shrink=0.8, label=gettext(N_("similarity (0 = nothing shared, 1 = identical)"), lang))
    if title:
        ax.set_title(title, fontsize=10, loc="left")
    return fig


def weighted_similarity(grid, a, b, weights=None, *, method: str = "jaccard") -> float:
    """:func:`similarity` with a weight per element (exercise 2: re-weighting the score).

    ``weights`` maps element ids (columns of ``grid``) to non-negative numbers; elements it
    does not name weigh 1, and ``None`` gives :func:`similarity`. The Jaccard score becomes
    ``sum(w * min(a, b)) / sum(w * max(a, b))`` and the agreement score the weighted mean of
    ``1 - |a - b|``. A weight of 0 leaves the element out.
    """
    import pandas as pd

    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    weights = dict(weights or {})
    unknown = sorted(set(weights) - set(grid.columns))
    if unknown:
        raise KeyError(f"weights name elements that are not in the grid: {unknown}")
    if any(float(w) < 0 for w in weights.values()):
        raise ValueError("weights must not be negative")
    row_a, row_b = _pair(grid, a, b)
    w = pd.Series([float(weights.get(e, 1.0)) for e in row_a.index], index=row_a.index)
    if w.sum() == 0:
        return float("nan")
    if method == "agreement":
        return float((w * (1 - (row_a - row_b).abs())).sum() / w.sum())
    lower = (w * row_a.where(row_a <= row_b, row_b)).sum()
    upper = (w * row_a.where(row_a >= row_b, row_b)).sum()
    return 1.0 if upper == 0 else float(lower / upper)


def rank_swaps(
    grid, target, weights, *, base_weights=None, method: str = "jaccard", digits: int = 9
) -> list[tuple[str, str]]:
    """The pairs of definitions whose order of similarity to ``target`` reverses when re-weighted.

    Each other definition is scored against ``target`` with ``base_weights`` (default: all 1)
    and with ``weights``. A pair ``(x, y)`` is reported when one is strictly more similar than
    the other under the first weighting and strictly less under the second; ties on either side
    do not count (scores are rounded to ``digits`` decimals first, so that scores equal on paper
    but not in floating point count as ties). Pairs are written in alphabetical order, and the
    list is sorted.
    """
    others = [d for d in grid.index if d != target]
    if target not in grid.index:
        raise KeyError(f"unknown definition: {target!r}")
    before = {d: round(weighted_similarity(grid, target, d, base_weights, method=method), digits) for d in others}
    after = {d: round(weighted_similarity(grid, target, d, weights, method=method), digits) for d in others}
    swaps = []
    for i, x in enumerate(others):
        for y in others[i + 1:]:
            if (before[x] - before[y]) * (after[x] - after[y]) < 0:
                swaps.append(tuple(sorted((str(x), str(y)))))
    return sorted(swaps)
