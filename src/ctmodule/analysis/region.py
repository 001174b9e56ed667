"""Securitisation across Central Asia: the five states compared (chapter 7).

The ``cases`` table codes each case with its ``country`` (ISO 3166-1 alpha-3), its
``move`` (``securitising``; ``desecuritising``, a move back out of the security register;
``declined``, a proposed securitising move that the authorities did not act on) and its
``instrument``, ordered from the least to the most severe for the people it targets
(:data:`REACH`). The functions here compare the states on three questions:

- *How far* did securitisation go? The most severe instrument among a state's
  securitising moves (:func:`furthest_reach`), then the number of such moves.
- *Was it reversed?* Desecuritising or declined moves, each set beside the securitising
  moves of the same state that came before it (:func:`reversals`).
- *What else* did the state build? Its laws and technical controls in ``measures``.

The ordering of instruments is the module's analytical choice (a court ban is placed below
a criminal conviction because a conviction reaches a person directly), not a fact about
the cases; the chapter says so, and the functions take another ordering if given one.
All functions are pure: DataFrames in, DataFrames or matplotlib Figures out.

Example
-------
>>> import pandas as pd
>>> cases = pd.DataFrame({
...     "case_id": ["a", "b", "c"], "country": ["UZB", "UZB", "KGZ"],
...     "date": ["2005-05-13", "2017-09-01", "2003-11"],
...     "move": ["securitising", "desecuritising", "securitising"],
...     "instrument": ["force", "listing", "ban"]})
>>> furthest_reach(cases).to_dict()
{'KAZ': None, 'KGZ': 'ban', 'TJK': None, 'TKM': None, 'UZB': 'force'}
>>> reversals(cases).loc[0, "earlier"]
'a'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from ctmodule.data import year_of
from ctmodule.data.labels import label_column
from ctmodule.l10n import N_, gettext

#: The five states, in the order of the schema's enum (ISO 3166-1 alpha-3 -> English short name).
COUNTRIES = {
    "KAZ": N_("Kazakhstan"),
    "KGZ": N_("Kyrgyzstan"),
    "TJK": N_("Tajikistan"),
    "TKM": N_("Turkmenistan"),
    "UZB": N_("Uzbekistan"),
}

#: Instruments from the least to the most severe for the people targeted (analytical ordering).
REACH = ("control", "listing", "ban", "prosecution", "force")

#: The schema's ``instrument`` values of a case, as a reader reads them (translated with ``gettext``).
INSTRUMENT_LABELS = {"control": N_("control"), "listing": N_("listing"), "ban": N_("ban"),
                     "prosecution": N_("prosecution"), "force": N_("force")}
#: The schema's ``move`` values, as a reader reads them.
MOVE_LABELS = {"securitising": N_("securitising"), "desecuritising": N_("desecuritising"),
               "declined": N_("declined")}

#: The kinds of move (``cases.move``).
MOVES = ("securitising", "desecuritising", "declined")

#: Columns that the ``cases`` table must have for this module.
CASE_COLUMNS = ["case_id", "country", "date", "move", "instrument"]

#: Colours of the instruments in :func:`moves_figure` (Okabe & Ito, light to dark by severity).
_REACH_COLOURS = {
    "control": "#56B4E9",
    "listing": "#009E73",
    "ban": "#E69F00",
    "prosecution": "#D55E00",
    "force": "#000000",
}
_REVERSAL_COLOURS = {"desecuritising": "#0072B2", "declined": "#CC79A7"}


def _require(df: pd.DataFrame, columns: Iterable[str], table: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{table} table: missing column(s) {', '.join(missing)}")


def _clean(cases: pd.DataFrame, reach: Sequence[str] = REACH) -> pd.DataFrame:
    """The cases as plain strings, checked: every country, move and instrument must be known."""
    _require(cases, CASE_COLUMNS, "cases")
    frame = cases[CASE_COLUMNS].copy()
    for column in ("case_id", "country", "date", "move", "instrument"):
        frame[column] = frame[column].astype("object").where(frame[column].notna(), "").astype(str)
    for column, allowed in (("country", COUNTRIES), ("move", MOVES), ("instrument", reach)):
        bad = frame.loc[~frame[column].isin(list(allowed)), "case_id"].tolist()
        if bad:
            raise ValueError(
                f"cases table: unknown {column} in case(s) {', '.join(bad)} "
                f"(allowed: {', '.join(allowed)})"
            )
    frame["year"] = frame["date"].map(year_of)
    return frame


def country_name(code: str) -> str:
    """``"UZB"`` -> ``"Uzbekistan"``; raises ``KeyError`` naming the known codes."""
    try:
        return COUNTRIES[code]
    except KeyError:
        raise KeyError(f"unknown country code {code!r} (known: {', '.join(COUNTRIES)})") from None


def moves_by_country(cases: pd.DataFrame) -> pd.DataFrame:
    """Count the coded moves: one row per state (all five), one column per kind of move."""
    frame = _clean(cases)
    table = pd.crosstab(frame["country"], frame["move"])
    table = table.reindex(index=list(COUNTRIES), columns=list(MOVES), fill_value=0).astype(int)
    table.index.name, table.columns.name = "country", None
    return table


def furthest_reach(cases: pd.DataFrame, reach: Sequence[str] = REACH) -> pd.Series:
    """The most severe instrument among each state's securitising moves (``None`` if it has none)."""
    frame = _clean(cases, reach)
    frame = frame[frame["move"] == "securitising"]
    rank = {name: i for i, name in enumerate(reach)}
    out = {}
    for code in COUNTRIES:
        used = frame.loc[frame["country"] == code, "instrument"]
        out[code] = max(used, key=rank.__getitem__) if len(used) else None
    return pd.Series(out, name="furthest", dtype="object").rename_axis("country")


def reversals(cases: pd.DataFrame) -> pd.DataFrame:
    """Each desecuritising or declined move, with the earlier securitising moves of the same state.

    Columns: ``case_id``, ``country``, ``date``, ``move``, ``instrument``, ``earlier`` (the
    case ids of that state's securitising moves dated before it, ``;``-separated, oldest
    first; empty if none) and ``years_after`` (years since the earliest of them, or ``<NA>``).
    Rows are ordered by date. A move with nothing earlier to reverse is kept: that a state
    declines to securitise at all is also a finding.
    """
    frame = _clean(cases)
    frame["_start"] = [_start(d) for d in frame["date"]]
    moves = frame[frame["move"] != "securitising"].sort_values(["_start", "case_id"])
    rows = []
    for _, row in moves.iterrows():
        before = frame[
            (frame["country"] == row["country"])
            & (frame["move"] == "securitising")
            & (frame["_start"] < row["_start"])
        ].sort_values(["_start", "case_id"])
        rows.append(
            {
                "case_id": row["case_id"],
                "country": row["country"],
                "date": row["date"],
                "move": row["move"],
                "instrument": row["instrument"],
                "earlier": ";".join(before["case_id"]),
                "years_after": int(row["year"] - before["year"].min()) if len(before) else pd.NA,
            }
        )
    columns = ["case_id", "country", "date", "move", "instrument", "earlier", "years_after"]
    out = pd.DataFrame(rows, columns=columns)
    out["years_after"] = out["years_after"].astype("Int64")
    return out.reset_index(drop=True)


def _start(date: str) -> pd.Timestamp:
    parts = [int(p) for p in str(date).split("-")]
    return pd.Timestamp(year=parts[0], month=parts[1] if len(parts) > 1 else 1, day=parts[2] if len(parts) > 2 else 1)


def country_profile(
    cases: pd.DataFrame, measures: pd.DataFrame | None = None, reach: Sequence[str] = REACH
) -> pd.DataFrame:
    """One row per state: the comparison the chapter draws.

    Columns: ``name``; the counts ``securitising``, ``desecuritising``, ``declined``;
    ``measures`` (rows of ``measures`` for that state, 0 without the table); ``furthest``
    (:func:`furthest_reach`); ``furthest_cases`` (the case ids that reached it);
    ``first_year`` (of its earliest securitising move); ``reversed`` (True when a
    desecuritising move follows a securitising one in that state).
    """
    frame = _clean(cases, reach)
    counts = moves_by_country(cases)
    furthest = furthest_reach(cases, reach)
    rev = reversals(cases)
    out = counts.copy()
    out.insert(0, "name", [COUNTRIES[c] for c in out.index])
    if measures is not None:
        _require(measures, ["measure_id", "country"], "measures")
        per = measures["country"].astype(str).value_counts()
        out["measures"] = [int(per.get(c, 0)) for c in out.index]
    else:
        out["measures"] = 0
    out["furthest"] = furthest
    sec = frame[frame["move"] == "securitising"]
    out["furthest_cases"] = [
        ";".join(sec.loc[(sec["country"] == c) & (sec["instrument"] == furthest[c]), "case_id"])
        if furthest[c]
        else ""
        for c in out.index
    ]
    first = sec.groupby("country")["year"].min()
    out["first_year"] = pd.array([first.get(c, pd.NA) for c in out.index], dtype="Int64")
    reversed_in = set(rev.loc[(rev["move"] == "desecuritising") & (rev["earlier"] != ""), "country"])
    out["reversed"] = [c in reversed_in for c in out.index]
    return out


def ranking(profile: pd.DataFrame, reach: Sequence[str] = REACH) -> pd.DataFrame:
    """States ordered from where securitisation went furthest, with a ``rank`` column.

    The rank is a dense rank of the furthest instrument (1 = most severe); states that
    reached the same instrument share a rank and are listed by name, because the number of
    coded moves measures the module's coverage of a state more than the state's conduct.
    States with no securitising move coded come last, without a rank.
    """
    order = {name: i for i, name in enumerate(reach)}
    used = sorted({v for v in profile["furthest"] if isinstance(v, str)}, key=order.__getitem__, reverse=True)
    dense = {name: i + 1 for i, name in enumerate(used)}
    ranks = pd.array([dense.get(v) if isinstance(v, str) else pd.NA for v in profile["furthest"]], dtype="Int64")
    out = profile.assign(rank=ranks)
    out = out.assign(_k=out["rank"].fillna(len(reach) + 1), _n=out["name"])
    return out.sort_values(["_k", "_n"]).drop(columns=["_k", "_n"])


def reversals_table(cases: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """:func:`reversals` for readers: states, moves and instruments named, headers in ``lang``."""
    tr = lambda message: gettext(message, lang)  # noqa: E731
    table = reversals(cases)
    table = table.assign(
        country=table["country"].map(lambda c: tr(COUNTRIES.get(c, c))),
        move=table["move"].map(lambda v: tr(MOVE_LABELS.get(v, v))),
        instrument=table["instrument"].map(lambda v: tr(INSTRUMENT_LABELS.get(v, v)) if isinstance(v, str) else v),
    )
    labels = {"case_id": N_("Case id"), "country": N_("State"), "date": N_("Date"), "move": N_("Move"),
              "instrument": N_("Instrument"), "earlier": N_("Earlier securitising moves"),
              "years_after": N_("Years after the first")}
    return table[list(labels)].rename(columns={k: tr(v) for k, v in labels.items()})


def comparison_table(
    cases: pd.DataFrame, measures: pd.DataFrame | None = None, reach: Sequence[str] = REACH, lang: str = "en"
) -> pd.DataFrame:
    """:func:`country_profile` ranked with :func:`ranking` (both with ``reach``), with readers' labels
    (headers, states and instruments in ``lang``)."""
    tr = lambda message: gettext(message, lang)  # noqa: E731
    table = ranking(country_profile(cases, measures, reach), reach)
    table = table.assign(
        rank=table["rank"].astype("object").where(table["rank"].notna(), "–"),
        name=[tr(COUNTRIES.get(c, c)) for c in table.index] if lang != "en" else table["name"],
        furthest=[tr(INSTRUMENT_LABELS.get(v, v)) if isinstance(v, str) else tr(N_("(none coded)"))
                  for v in table["furthest"]],
        reversed=table["reversed"].map({True: tr(N_("yes")), False: tr(N_("no"))}),
    )
    labels = {
        "rank": N_("Rank"),
        "name": N_("State"),
        "securitising": N_("Securitising moves"),
        "desecuritising": N_("Desecuritising moves"),
        "declined": N_("Declined moves"),
        "measures": N_("Measures"),
        "furthest": N_("Furthest instrument"),
        "furthest_cases": N_("Case(s) reaching it"),
        "first_year": N_("First move (year)"),
        "reversed": N_("Reversal coded"),
    }
    return table[list(labels)].rename(columns={k: tr(v) for k, v in labels.items()}).reset_index(drop=True)


def case_list(cases: pd.DataFrame, exclude: Iterable[str] = ("KAZ",), lang: str = "en") -> pd.DataFrame:
    """The coded cases of the states not in ``exclude``, by state and date, with readers' labels
    (in ``lang``: headers, states, moves and instruments translated, subjects from ``subject_<lang>``)."""
    tr = lambda message: gettext(message, lang)  # noqa: E731
    frame = _clean(cases)
    keep = ~frame["country"].isin(list(exclude))
    subjects = (label_column(cases, "subject", lang, table="cases")[keep.to_numpy()].astype(str).to_numpy()
                if "subject" in cases else "")
    out = frame[keep].assign(subject=subjects, state=lambda f: f["country"].map(COUNTRIES))
    out = out.assign(_s=[_start(d) for d in out["date"]]).sort_values(["state", "_s", "case_id"])
    out = out.assign(state=out["state"].map(tr), move=out["move"].map(lambda v: tr(MOVE_LABELS.get(v, v))),
                     instrument=out["instrument"].map(
                         lambda v: tr(INSTRUMENT_LABELS.get(v, v)) if isinstance(v, str) else v))
    labels = {"state": N_("State"), "date": N_("Date"), "subject": N_("Subject"), "move": N_("Move"),
              "instrument": N_("Instrument"), "case_id": N_("Case id")}
    return out[list(labels)].rename(columns={k: tr(v) for k, v in labels.items()}).reset_index(drop=True)


def moves_figure(cases: pd.DataFrame, reach: Sequence[str] = REACH, lang: str = "en"):
    """Horizontal bars, one per state: securitising moves to the right, stacked by instrument
    (least severe first), desecuritising and declined moves to the left. Returns a Figure, its
    states, moves, instruments and axes in ``lang``."""
    tr = lambda message: gettext(message, lang)  # noqa: E731
    from ctmodule.analysis.plotting import new_figure

    frame = _clean(cases, reach)
    codes = list(COUNTRIES)[::-1]  # first state at the top
    fig, ax = new_figure(7.5, 3.6)
    y = range(len(codes))
    left = [0] * len(codes)
    for instrument in reach:
        n = [int(((frame["country"] == c) & (frame["move"] == "securitising") & (frame["instrument"] == instrument)).sum()) for c in codes]
        if any(n):
            ax.barh(list(y), n, left=left, color=_REACH_COLOURS.get(instrument, "#999999"),
                    label=tr(N_("securitising: {instrument}")).format(
                        instrument=tr(INSTRUMENT_LABELS.get(instrument, instrument))), edgecolor="white")
            left = [a + b for a, b in zip(left, n, strict=True)]
    right = [0] * len(codes)
    for move in ("desecuritising", "declined"):
        n = [int(((frame["country"] == c) & (frame["move"] == move)).sum()) for c in codes]
        if any(n):
            ax.barh(list(y), [-v for v in n], left=[-v for v in right], color=_REVERSAL_COLOURS[move],
                    label=tr(MOVE_LABELS[move]), edgecolor="white", hatch="//")
            right = [a + b for a, b in zip(right, n, strict=True)]
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_yticks(list(y), [tr(COUNTRIES[c]) for c in codes])
    top = max([*left, *right, 1])
    ax.set_xlim(-max(right + [1]) - 0.5, top + 0.5)
    ticks = range(-max(right + [1]), top + 1)
    ax.set_xticks(list(ticks), [str(abs(t)) for t in ticks])
    ax.set_xlabel(tr(N_("Coded moves (desecuritising or declined to the left of zero)")))
    ax.set_title(tr(N_("Securitising and desecuritising moves by state")))
    ax.legend(loc="lower right", fontsize="small", frameon=False)
    return fig
