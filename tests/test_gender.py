"""The share of women among defendants and returnees (ctmodule.analysis.gender)."""

import pandas as pd
import pytest

from ctmodule import data
from ctmodule.analysis import gender as gd


def frame(**overrides):
    rows = {
        "figure_id": ["t1", "r1", "r2"],
        "setting": ["returnee", "defendant", "returnee"],
        "group_label": ["Returnees A", "Trial B", "Returnees C"],
        "date": ["2019", "2019-11-19", "2021-02-04"],
        "women": [156, 3, 1],
        "men": [33, 1, 4],
        "source_id": ["s1", "s2", "s1"],
    }
    rows.update(overrides)
    return pd.DataFrame(rows)


def test_share_and_order():
    shares = gd.women_share(frame())
    # defendants come first, then returnees in table order
    assert list(shares.index) == ["r1", "t1", "r2"]
    assert shares.loc["t1", "total"] == 189
    assert shares.loc["t1", "share_women"] == pytest.approx(156 / 189)
    assert shares.loc["r1", "share_women"] == 0.75
    assert shares.loc["r2", "share_women"] == pytest.approx(0.2)


def test_share_table_rounds_percentages():
    table = gd.share_table(frame())
    assert list(table["Women (%)"]) == [75, 83, 20]
    assert list(table["Setting"]) == ["Defendants", "Adult returnees", "Adult returnees"]


@pytest.mark.parametrize("column, value", [("women", [-1, 3, 1]), ("men", [33, None, 4])])
def test_bad_counts_name_column_and_row(column, value):
    with pytest.raises(ValueError, match=rf"{column}.*(t1|r1)"):
        gd.women_share(frame(**{column: value}))


def test_empty_group_and_missing_column():
    with pytest.raises(ValueError, match="r1.*count nobody"):
        gd.women_share(frame(women=[156, 0, 1], men=[33, 0, 4]))
    with pytest.raises(ValueError, match="missing column.*men"):
        gd.women_share(frame().drop(columns=["men"]))


def test_module_data_and_figure():
    g = data.load("gender")
    shares = gd.women_share(g)
    assert (shares["total"] > 0).all()
    # the Zhusan figures as the Foreign Ministry gave them: 156 women and 33 men
    zhusan = shares.loc["zhusan-2019-adults"]
    assert (zhusan["women"], zhusan["men"]) == (156, 33)
    fig = gd.plot_women_share(g)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "156 of 189 women" in texts and len(texts) == len(g)


def test_the_figure_and_table_in_russian():
    import re

    from ctmodule.analysis.plotting import figure_texts

    g = frame(group_label_ru=["Возвращённые А", "Процесс Б", "Возвращённые В"])
    assert set(gd.SETTING_LABELS) == {"defendant", "returnee", "programme"}
    fig = gd.plot_women_share(g, lang="ru")
    texts = figure_texts(fig)
    assert fig.axes[0].get_xlabel() == "Доля от учтённых взрослых (%)"
    assert "женщин: 156 из 189" in texts and "Женщины" in texts and "Мужчины" in texts
    assert any(t.startswith("Возвращённые А") for t in texts)
    assert not [t for t in texts if re.search(r"[A-Za-z]{3}", t)]
    table = gd.share_table(g, lang="ru")
    assert list(table.columns)[:3] == ["Контекст", "Группа", "Дата"]
    assert table["Контекст"].iloc[0] == "Обвиняемые" and "Процесс Б" in set(table["Группа"])
