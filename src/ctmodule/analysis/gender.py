"""Women and men among the people that counter-terrorism and extremism measures reach.

The ``gender`` table counts women and men in a group a source reports on: the
defendants of one trial, the adult returnees of one repatriation operation. The
functions here compute each group's share of women and draw it for the gender
section of chapter 6. Children are never in the counts (the table's notes say how
many there were), so a share is a share of adults.

All functions are pure: DataFrames in, DataFrames or matplotlib Figures out.

Example
-------
>>> import pandas as pd
>>> g = pd.DataFrame({"figure_id": ["a"], "setting": ["returnee"], "group_label": ["Group A"],
...                   "date": ["2019"], "women": [3], "men": [1], "source_id": ["s1"]})
>>> float(women_share(g).loc["a", "share_women"])
0.75
"""

from __future__ import annotations

import pandas as pd

from ctmodule.data.labels import label_column
from ctmodule.l10n import N_, gettext

#: Columns that :func:`women_share` needs.
COLUMNS = ["figure_id", "setting", "group_label", "date", "women", "men", "source_id"]

#: Display order and labels of the settings.
SETTING_LABELS = {
    "defendant": N_("Defendants"),
    "returnee": N_("Adult returnees"),
    "programme": N_("Programme participants"),
}


def _check(gender) -> None:
    missing = [c for c in COLUMNS if c not in gender.columns]
    if missing:
        raise ValueError(f"gender table: missing column(s) {', '.join(missing)}")
    for column in ("women", "men"):
        values = pd.to_numeric(gender[column], errors="coerce")
        bad = gender.loc[values.isna() | (values < 0), "figure_id"].tolist()
        if bad:
            raise ValueError(
                f"gender table: column {column!r} must be a count >= 0 (rows {', '.join(map(str, bad))})"
            )
    empty = gender.loc[(gender["women"] + gender["men"]) == 0, "figure_id"].tolist()
    if empty:
        raise ValueError(f"gender table: rows {', '.join(map(str, empty))} count nobody (women + men = 0)")


def women_share(gender) -> pd.DataFrame:
    """One row per group: women, men, total and the share of women, indexed by ``figure_id``.

    Rows keep the table's order within each setting; settings follow :data:`SETTING_LABELS`.
    Raises ``ValueError`` naming the column and rows when a count is missing, negative or zero.
    """
    _check(gender)
    frame = gender.copy()
    frame["women"] = frame["women"].astype(int)
    frame["men"] = frame["men"].astype(int)
    frame["total"] = frame["women"] + frame["men"]
    frame["share_women"] = frame["women"] / frame["total"]
    order = {s: i for i, s in enumerate(SETTING_LABELS)}
    frame["_order"] = frame["setting"].map(order).fillna(len(order))
    frame["_pos"] = range(len(frame))
    frame = frame.sort_values(["_order", "_pos"]).drop(columns=["_order", "_pos"])
    columns = ["setting", "group_label", "date", "women", "men", "total", "share_women", "source_id"]
    return frame.set_index("figure_id")[columns]


def _group_labels(gender, shares, lang: str) -> pd.Series:
    """Each group's label in ``lang`` (``group_label_<lang>``), in the order of ``shares``."""
    labels = dict(zip(gender["figure_id"], label_column(gender, "group_label", lang, table="gender"), strict=True))
    return pd.Series([labels[i] for i in shares.index], index=shares.index)


def share_table(gender, lang: str = "en") -> pd.DataFrame:
    """The table a reader sees: group, date, women, men and the share of women as a percentage
    (headers, settings and groups in ``lang``)."""
    shares = women_share(gender)
    tr = lambda message: gettext(message, lang)  # noqa: E731
    table = pd.DataFrame(
        {
            tr(N_("Setting")): shares["setting"].map(lambda v: tr(SETTING_LABELS[v]) if v in SETTING_LABELS else v),
            tr(N_("Group")): _group_labels(gender, shares, lang),
            tr(N_("Date")): shares["date"],
            tr(N_("Women")): shares["women"],
            tr(N_("Men")): shares["men"],
            tr(N_("Women (%)")): (100 * shares["share_women"]).round(0).astype(int),
            tr(N_("Source")): shares["source_id"],
        }
    )
    return table.reset_index(drop=True)


def plot_women_share(gender, lang: str = "en"):
    """Horizontal stacked bars, one per group: women and men as a share of the adults counted.

    Each bar is labelled with the counts (``156 of 189``), so the figure does not hide how
    small some groups are. Every text in ``lang`` (the groups from ``group_label_<lang>``).
    Returns the matplotlib figure.
    """
    from ctmodule.analysis.plotting import PALETTE, new_figure

    shares = women_share(gender)
    groups = _group_labels(gender, shares, lang)
    labels = [f"{groups[row.Index]} ({row.date})" for row in shares.itertuples()]
    labels = [_wrap(label, 48) for label in labels]
    fig, ax = new_figure(7.5, 1.4 + 0.9 * len(shares))
    women = (100 * shares["share_women"]).tolist()
    men = [100 - w for w in women]
    ax.barh(labels, women, color=PALETTE[0], edgecolor="white", label=gettext(N_("Women"), lang))
    ax.barh(labels, men, left=women, color=PALETTE[1], hatch="//", edgecolor="white", label=gettext(N_("Men"), lang))
    for y, row in enumerate(shares.itertuples()):
        ax.text(
            1.5,
            y,
            gettext(N_("{women} of {total} women"), lang).format(women=row.women, total=row.total),
            va="center",
            ha="left",
            fontsize=9,
            color="black",
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
        )
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel(gettext(N_("Share of the adults counted (%)"), lang))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=2, frameon=False)
    return fig


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(str(text), width)) or str(text)
