"""Tests for ctmodule.analysis.definitions: grid, similarity scores, comparison, figures."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from ctmodule.analysis import definitions as d


def long_table(rows):
    return pd.DataFrame(rows, columns=["definition_id", "element_id", "value"])


@pytest.fixture
def de():
    # Three definitions, four elements; values chosen so that each score is easy to work out by hand.
    return long_table(
        [
            ("A", "violence", "yes"), ("A", "civilians", "yes"), ("A", "motive", "no"), ("A", "threat", "no"),
            ("B", "violence", "yes"), ("B", "civilians", "partial"), ("B", "motive", "yes"), ("B", "threat", "no"),
            ("C", "violence", "no"), ("C", "civilians", "no"), ("C", "motive", "no"), ("C", "threat", "no"),
        ]
    )


@pytest.fixture
def elements():
    return pd.DataFrame(
        {
            "element_id": ["violence", "civilians", "motive", "threat"],
            "label": ["Violence", "Civilian victims", "Political motive", "Threat included"],
        }
    )


def test_score_value_maps_words_and_rejects_typos():
    assert d.score_value("yes") == 1.0
    assert d.score_value("Partial (note in brackets)") == 0.5
    assert d.score_value("no") == 0.0
    assert d.score_value("ambiguous") == 0.5
    assert math.isnan(d.score_value("ambiguous", ambiguous=None))
    with pytest.raises(ValueError):
        d.score_value("yess")


def test_element_grid_words_and_numbers(de, elements):
    words = d.element_grid(de, elements=elements)
    assert list(words.columns) == ["violence", "civilians", "motive", "threat"]
    assert words.loc["B", "civilians"] == "partial"
    nums = d.element_grid(de, numeric=True)
    assert nums.loc["B", "civilians"] == 0.5
    assert nums.loc["A"].sum() == 2.0
    labelled = d.element_grid(de, elements=elements, element_label="label")
    assert "Civilian victims" in labelled.columns


def test_element_grid_refuses_duplicate_cells(de):
    dup = pd.concat([de, long_table([("A", "violence", "no")])])
    with pytest.raises(ValueError, match="twice"):
        d.element_grid(dup)


def test_jaccard_by_hand(de):
    grid = d.element_grid(de, numeric=True)
    # A = (1, 1, 0, 0), B = (1, .5, 1, 0): sum of minima 1.5, sum of maxima 3.0
    assert d.similarity(grid, "A", "B") == pytest.approx(0.5)
    assert d.similarity(grid, "A", "A") == 1.0
    # C contains nothing: shares nothing with A
    assert d.similarity(grid, "A", "C") == 0.0


def test_agreement_counts_shared_absences(de):
    grid = d.element_grid(de, numeric=True)
    # A vs B: agreements 1, 0.5, 0, 1 -> mean 0.625
    assert d.similarity(grid, "A", "B", method="agreement") == pytest.approx(0.625)
    # A vs C: agree on motive and threat (both no), differ fully on two -> 0.5, while Jaccard says 0
    assert d.similarity(grid, "A", "C", method="agreement") == pytest.approx(0.5)
    with pytest.raises(ValueError):
        d.similarity(grid, "A", "B", method="cosine")
    with pytest.raises(KeyError):
        d.similarity(grid, "A", "Z")


def test_similarity_skips_cells_missing_for_one_definition(de):
    extra = pd.concat([de, long_table([("A", "property", "yes")])])
    grid = d.element_grid(extra, numeric=True)
    assert math.isnan(grid.loc["B", "property"])
    # property is not coded for B, so it is left out: same score as before
    assert d.similarity(grid, "A", "B") == pytest.approx(0.5)


def test_similarity_matrix_is_symmetric(de):
    grid = d.element_grid(de, numeric=True)
    m = d.similarity_matrix(grid)
    assert list(m.index) == ["A", "B", "C"]
    assert (m.to_numpy() == m.to_numpy().T).all()
    assert m.loc["B", "A"] == pytest.approx(0.5)
    pairs = d.most_similar_pairs(m, n=1)
    assert tuple(pairs.loc[0, ["a", "b"]]) == ("A", "B")
    least = d.most_similar_pairs(m, n=1, ascending=True)
    assert least.loc[0, "similarity"] == 0.0


def test_compare_lists_shared_and_different(de, elements):
    table = d.compare(de, "A", "B", elements=elements)
    status = dict(zip(table["element_id"], table["status"], strict=True))
    assert status == {"violence": "both", "civilians": "partly shared", "motive": "only B", "threat": "neither"}
    assert list(table["status"]) == ["both", "partly shared", "only B", "neither"]
    assert table.loc[table["element_id"] == "civilians", "label"].item() == "Civilian victims"
    reverse = d.compare(de, "B", "A")
    assert "only A" in set(reverse["status"])


def test_lookup_finds_exactly_one():
    table = pd.DataFrame(
        {"definition_id": ["x1", "x2", "x3"], "name": ["UN Resolution 1566", "UK Terrorism Act 2000", "UK other"]}
    )
    assert d.lookup(table, "resolution 1566") == "x1"
    with pytest.raises(KeyError, match="2 definitions"):
        d.lookup(table, "UK")
    with pytest.raises(KeyError, match="0 definitions"):
        d.lookup(table, "Shanghai")


def test_element_coverage_counts(de):
    cov = d.element_coverage(de)
    assert cov.loc["violence", "yes"] == 2
    assert cov.loc["threat", "no"] == 3
    assert cov.index[0] == "violence"  # most often included first


def test_figures_are_built(de):
    from matplotlib.figure import Figure

    grid = d.element_grid(de)
    fig = d.plot_element_grid(grid, title="grid")
    assert isinstance(fig, Figure)
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert {"yes", "part", "no"} <= texts
    m = d.similarity_matrix(d.element_grid(de, numeric=True))
    fig2 = d.plot_similarity_matrix(m)
    labels = [t.get_text() for t in fig2.axes[0].texts]
    assert "0.50" in labels and len(labels) == 6  # lower triangle with diagonal: 3 + 2 + 1


def test_real_data_if_present():
    data = pytest.importorskip("ctmodule.data")
    try:
        de = data.load("definition_elements")
    except Exception as exc:  # the data package may not be built yet
        pytest.skip(f"definition_elements not available: {exc}")
    grid = d.element_grid(de, numeric=True)
    assert grid.shape[0] >= 5 and grid.shape[1] >= 5
    m = d.similarity_matrix(grid)
    assert ((m.fillna(0) >= 0) & (m.fillna(0) <= 1)).all().all()
    assert all(m.loc[i, i] == 1.0 for i in m.index)


# --------------------------------------------------------------------------- re-weighting (exercise 2)


def test_weighted_similarity_reduces_to_similarity_and_drops_zero_weights(de):
    grid = d.element_grid(de, numeric=True)
    a, b = list(grid.index)[:2]
    for method in d.METHODS:
        assert d.weighted_similarity(grid, a, b, method=method) == pytest.approx(d.similarity(grid, a, b, method=method))
        assert d.weighted_similarity(grid, a, b, {c: 2 for c in grid.columns}, method=method) == pytest.approx(
            d.similarity(grid, a, b, method=method)
        )
    dropped = grid.columns[0]
    assert d.weighted_similarity(grid, a, b, {dropped: 0}) == pytest.approx(
        d.similarity(grid.drop(columns=dropped), a, b)
    )
    with pytest.raises(KeyError, match="not in the grid"):
        d.weighted_similarity(grid, a, b, {"no_such_element": 1})
    with pytest.raises(ValueError, match="negative"):
        d.weighted_similarity(grid, a, b, {dropped: -1})


def test_rank_swaps_reports_strict_reversals_only():
    grid = pd.DataFrame(
        {"e1": [1.0, 1.0, 0.0, 1.0], "e2": [1.0, 0.0, 1.0, 0.0], "e3": [1.0, 0.0, 1.0, 1.0]},
        index=pd.Index(["t", "x", "y", "z"], name="definition_id"),
    )
    # equal weights: x 1/3, y 2/3, z 2/3; with e1 weighing 3: x 3/5, y 2/5, z 4/5
    assert d.rank_swaps(grid, "t", {"e1": 3}) == [("x", "y")]
    assert d.rank_swaps(grid, "t", {}) == []
    with pytest.raises(KeyError):
        d.rank_swaps(grid, "nobody", {"e1": 3})


def test_the_grid_and_matrix_in_russian(de, elements):
    import re

    from ctmodule.analysis.plotting import figure_texts
    from ctmodule.data import DataError

    definitions = pd.DataFrame({"definition_id": ["A", "B", "C"], "name": ["Act A", "Law B", "Code C"],
                                "name_ru": ["Акт А", "Закон Б", "Кодекс В"]})
    elements = elements.assign(label_ru=["Насилие", "Жертвы среди гражданских лиц", "Политический мотив",
                                         "Угроза включена"])
    grid = d.element_grid(de, definitions=definitions, elements=elements, definition_label="name",
                          element_label="label", lang="ru")
    assert list(grid.index) == ["Акт А", "Закон Б", "Кодекс В"] and grid.columns[0] == "Насилие"
    texts = figure_texts(d.plot_element_grid(grid, lang="ru"))
    assert {"да", "част.", "нет"} <= set(texts)
    assert not [s for s in texts if re.search(r"[A-Za-z]{3}", s)]
    english = figure_texts(d.plot_element_grid(d.element_grid(de, definitions=definitions, elements=elements,
                                                               definition_label="name", element_label="label")))
    assert {"yes", "part", "no", "Act A", "Violence"} <= set(english)
    matrix = d.similarity_matrix(d.element_grid(de, numeric=True))
    fig = d.plot_similarity_matrix(matrix, lang="ru")
    assert "сходство (0 — ничего общего, 1 — совпадение)" in figure_texts(fig)
    with pytest.raises(DataError, match="label_ru"):
        d.element_grid(de, elements=elements.drop(columns="label_ru"), element_label="label", lang="ru")
