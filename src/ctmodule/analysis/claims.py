"""Source criticism with the ``claims`` table: what other sources say about each claimant.

Each row of ``data/claims.csv`` is one factual claim, made by one of the two seed texts or
by a government, an official, state media, an international body, an NGO, the media or a
scholar (``claimant_type``, the source it is made in ``claimant_source_id``; for the seeds
also ``seed_source_id``), with a verdict on one scale for everyone (``status``: confirmed,
differs or unverified), the sources it was checked against (``checked_against``: source
ids separated by ``;``) and a ``note`` saying what those sources show. The helpers here
count, list and plot those rows for chapter 8 (weighing the evidence).

Every function takes the tables as arguments so that it can be tested on small frames;
left out, they are loaded from the data package with :func:`ctmodule.data.load`.
"""

from __future__ import annotations

import re

from ctmodule.data import split_refs
from ctmodule.l10n import N_, gettext

STATUSES = ("confirmed", "differs", "unverified")
"""The verdicts a claim can have, in the order used by tables and figures."""

STATUS_LABELS = {
    "confirmed": N_("Confirmed by other sources"),
    "differs": N_("Other sources differ"),
    "unverified": N_("Not verified"),
}

CLAIMANT_TYPES = (
    "seed_critic",
    "government",
    "official",
    "state_media",
    "international_body",
    "ngo",
    "media",
    "academic",
)
"""Who makes a claim (``claims.claimant_type``), in the order used by tables and figures."""

CLAIMANT_LABELS = {
    "seed_critic": N_("Seed texts (critics)"),
    "government": N_("Government institutions"),
    "official": N_("Officials"),
    "state_media": N_("State media"),
    "international_body": N_("International bodies"),
    "ngo": N_("NGOs"),
    "media": N_("Media"),
    "academic": N_("Scholars"),
}

CLAIMANT_GROUPS = {
    "seed_critic": N_("Seed texts (critics)"),
    "government": N_("Governments and officials"),
    "official": N_("Governments and officials"),
    "state_media": N_("Governments and officials"),
    "international_body": N_("International bodies"),
    "ngo": N_("NGOs"),
    "media": N_("Media and scholars"),
    "academic": N_("Media and scholars"),
}
"""The coarser groups of :func:`status_by_claimant` with ``by="group"``: a government's
institutions, its office-holders and its state media speak for the state together."""

GROUP_ORDER = tuple(dict.fromkeys(CLAIMANT_GROUPS.values()))

SOURCE_GROUPS = ("government", "international organisation", "NGO", "media", "academic", "other")
"""The groups :func:`source_group` sorts a source's ``type`` into, in display order."""

#: The groups of :data:`SOURCE_GROUPS` as a reader reads them.
SOURCE_GROUP_LABELS = {"government": N_("government"), "international organisation": N_("international organisation"),
                       "NGO": N_("NGO"), "media": N_("media"), "academic": N_("academic"), "other": N_("other")}

#: The schema's ``sources.type`` values as a reader reads them.
SOURCE_TYPE_LABELS = {"seed": N_("seed text"), "ngo": N_("NGO"), "legal": N_("legal text"),
                      "dataset": N_("dataset"), "academic": N_("academic"), "official": N_("official"),
                      "other": N_("other"), "news": N_("news")}

# Exact values of ``sources.type`` in the data package, and how they are grouped.
_TYPE_GROUPS = {
    "news": "media",
    "seed": "media",
    "ngo": "NGO",
    "academic": "academic",
    "dataset": "academic",
}
# Types whose group depends on who issued the source: a state or an international body.
_ISSUER_TYPES = {"legal", "official", "other"}
_GOVERNMENT_AUTHOR = re.compile(
    r"republic of kazakhstan|kazakh|strategy2050|national security committee|^united states|united kingdom",
    re.IGNORECASE,
)
_IO_AUTHOR = re.compile(
    r"united nations|\bunodc\b|\bohchr\b|high commissioner|organi[sz]ation (of|for)|shanghai cooperation|"
    r"commonwealth of independent|european (parliament|union)|council of europe|international civil aviation|"
    r"international atomic|turkic|\bosce\b|\bicao\b|\biaea\b|\bun\b",
    re.IGNORECASE,
)
# For free-text types (not in the tables above): the first group whose pattern matches wins.
_GROUP_PATTERNS = (
    ("international organisation", r"intergovernmental|international org|\bigo\b|united nations|\bun\b|osce"),
    ("NGO", r"\bngo\b|non-?governmental|civil society|human rights|advocacy"),
    ("government", r"gov|official|state|ministry|legal|law|legislation|court|treaty|parliament"),
    ("media", r"media|news|press|journalis|blog|opinion|op-?ed|magazine|broadcast"),
    ("academic", r"academ|scholar|journal|book|university|research|think[- ]?tank|report"),
)


def _load(name: str):
    from ctmodule import data

    return data.load(name)


def _text(value) -> str:
    """A cell as text, with missing values (None, NaN, pd.NA) as the empty string."""
    try:
        import pandas as pd

        if value is None or pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


# one splitter for ';'-separated id lists across the package
split_ids = split_refs


def _check_statuses(claims) -> None:
    bad = sorted(set(claims["status"].dropna().astype(str).str.strip()) - set(STATUSES))
    if bad:
        raise ValueError(f"unknown claim status {bad}; expected one of {list(STATUSES)}")


def claimant_types(claims):
    """The ``claimant_type`` of every row as plain strings, checked against :data:`CLAIMANT_TYPES`.

    Raises ``ValueError`` naming the claims whose type is missing or not in the vocabulary,
    and when the table has no ``claimant_type`` column at all.
    """
    if "claimant_type" not in claims.columns:
        raise ValueError("the claims table has no claimant_type column (see data/README.md)")
    kinds = [_text(v).strip() for v in claims["claimant_type"]]
    ids = [_text(v) for v in claims["claim_id"]] if "claim_id" in claims.columns else [str(i) for i in claims.index]
    bad = [(cid, kind) for cid, kind in zip(ids, kinds, strict=True) if kind not in CLAIMANT_TYPES]
    if bad:
        shown = ", ".join(f"{cid}: {kind or '(empty)'!s}" for cid, kind in bad[:5])
        more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
        raise ValueError(
            f"unknown claimant_type for {len(bad)} claim(s) ({shown}{more}); expected one of {list(CLAIMANT_TYPES)}"
        )
    import pandas as pd

    return pd.Series(kinds, index=claims.index, name="claimant_type")


def seed_claims(claims):
    """Only the rows of the two seed texts: ``claimant_type`` ``seed_critic`` where the table
    has that column, else the rows with a ``seed_source_id`` (tables from before the column)."""
    if "claimant_type" in claims.columns:
        return claims[(claimant_types(claims) == "seed_critic").to_numpy()]
    return claims[[bool(_text(v).strip()) for v in claims["seed_source_id"]]]


def status_by_claimant(claims=None, *, by: str = "group"):
    """Count the claims of each kind of claimant by verdict, on the one verdict scale.

    ``by="group"`` (the default) gives one row per group of :data:`GROUP_ORDER` that occurs
    (governments, officials and state media together); ``by="type"`` one row per value of
    :data:`CLAIMANT_TYPES` that occurs. Columns: the three statuses (always, in
    :data:`STATUSES` order), ``total`` and ``unverified_share`` (between 0 and 1).
    """
    import pandas as pd

    if claims is None:
        claims = _load("claims")
    _check_statuses(claims)
    kinds = claimant_types(claims)
    if by == "group":
        keys, order, name = kinds.map(CLAIMANT_GROUPS), GROUP_ORDER, "claimant_group"
    elif by == "type":
        keys, order, name = kinds, CLAIMANT_TYPES, "claimant_type"
    else:
        raise ValueError("by must be 'group' or 'type'")
    status = pd.Series([_text(v).strip() for v in claims["status"]], index=claims.index)
    table = pd.crosstab(keys.to_numpy(), status.to_numpy())
    table = table.reindex(index=[k for k in order if k in table.index], columns=list(STATUSES), fill_value=0)
    table = table.astype(int)
    table["total"] = table[list(STATUSES)].sum(axis=1)
    table["unverified_share"] = (table["unverified"] / table["total"]).astype(float)
    table.index.name = name
    table.columns.name = None
    return table


#: One row of :func:`describe_status_by_claimant` in a language other than English: a form that
#: needs no plural of its own (the English sentence agrees with each number).
DESCRIBE_ROW = N_("{label}: {total} claims in all; confirmed: {confirmed}, differing from other "
                  "sources: {differs}, unverified: {unverified}.")


def describe_status_by_claimant(table=None, lang: str = "en") -> str:
    """A text description of :func:`status_by_claimant` (for the figure's readers), one
    sentence per row, generated from the numbers: "Seed texts (critics): 26 claims, of which
    13 are confirmed, 6 differ from other sources and 7 are unverified." In another ``lang``, each
    row is :data:`DESCRIBE_ROW` translated, its label too.
    """
    if table is None:
        table = status_by_claimant()
    if lang != "en":
        return " ".join(
            gettext(DESCRIBE_ROW, lang).format(
                label=gettext(CLAIMANT_LABELS.get(str(key), str(key)), lang),
                total=int(row["total"]), confirmed=int(row["confirmed"]), differs=int(row["differs"]),
                unverified=int(row["unverified"]))
            for key, row in table.iterrows())

    def n(count: int, one: str, many: str) -> str:
        return f"{count} {one if count == 1 else many}"

    sentences = []
    for key, row in table.iterrows():
        label = CLAIMANT_LABELS.get(str(key), str(key))
        total, conf, diff, unv = (int(row[c]) for c in ("total", "confirmed", "differs", "unverified"))
        sentences.append(
            f"{label}: {n(total, 'claim', 'claims')}, of which {conf} "
            f"{'is' if conf == 1 else 'are'} confirmed, {diff} "
            f"{'differs' if diff == 1 else 'differ'} from other sources and {unv} "
            f"{'is' if unv == 1 else 'are'} unverified."
        )
    return " ".join(sentences)


BROAD_GROUPS = {
    "seed_critic": "Seed texts (critics)",
    "government": "Governments and officials",
    "official": "Governments and officials",
    "state_media": "Governments and officials",
    "international_body": "International bodies and NGOs",
    "ngo": "International bodies and NGOs",
    "media": "Media and scholars",
    "academic": "Media and scholars",
}
"""A coarser grouping than :data:`CLAIMANT_GROUPS` for groups too small to compare alone: the
international bodies and the NGOs, the outside observers of the state, count together."""


def confirmed_share_by_claimant(claims=None, *, by="group"):
    """How a claimant's confirmed share depends on what counts as the denominator.

    An ``unverified`` claim is one that no source could settle either way, so there are two
    honest measures of how often a claimant's claims hold: the share confirmed among **all** its
    claims (an unverified claim counts like a failure) and the share confirmed among the claims
    that **could be checked** (confirmed or differs; the unverified are set aside). A claimant
    whose claims are often beyond anyone's reach to check, such as a state that is the only
    source of its own figures, looks worse on the first measure than on the second.

    ``by`` groups the claimants as :func:`status_by_claimant` does: ``"group"``
    (:data:`CLAIMANT_GROUPS`), ``"type"`` (one row per ``claimant_type``), or a mapping from
    ``claimant_type`` to a group label (such as :data:`BROAD_GROUPS`; rows in the order of the
    claimant types they hold). Returns a DataFrame with the integer columns ``confirmed``, ``checkable``
    (confirmed + differs) and ``total``; the float columns ``share_all`` (confirmed / total) and
    ``share_checked`` (confirmed / checkable, NaN where no claim could be checked); and
    ``rank_all`` and ``rank_checked`` (1 = the highest share; equal shares share the better
    rank; a group with no checkable claim has no rank, NaN). See :func:`rank_changes`.

    The ranks describe the claims the compilers chose to check, not the claimants: how many
    claims each group has, and which, depends on that choice.
    """
    import pandas as pd

    if claims is None:
        claims = _load("claims")
    if isinstance(by, str):
        table = status_by_claimant(claims, by=by)
    else:
        kinds = claimant_types(claims)
        missing = sorted(set(kinds) - set(by))
        if missing:
            raise ValueError(f"the grouping has no group for the claimant types {missing}")
        order = list(dict.fromkeys(by[k] for k in CLAIMANT_TYPES if k in by))
        counts = status_by_claimant(claims, by="type")
        table = counts[list(STATUSES)].groupby(counts.index.map(lambda k: by[k])).sum()
        table = table.reindex([g for g in order if g in table.index]).astype(int)
        table.index.name = "claimant_group"
    out = pd.DataFrame(index=table.index)
    out["confirmed"] = table["confirmed"].astype(int)
    out["checkable"] = (table["confirmed"] + table["differs"]).astype(int)
    out["total"] = table[list(STATUSES)].sum(axis=1).astype(int)
    out["share_all"] = (out["confirmed"] / out["total"]).astype(float)
    checkable = out["checkable"].where(out["checkable"] > 0)
    out["share_checked"] = (out["confirmed"] / checkable).astype(float)
    out["rank_all"] = out["share_all"].rank(ascending=False, method="min")
    out["rank_checked"] = out["share_checked"].rank(ascending=False, method="min")
    return out


def rank_changes(table=None) -> list[str]:
    """The groups of :func:`confirmed_share_by_claimant` whose rank differs between the two
    measures (among all claims, among the checkable ones), in the table's order. A group
    without checkable claims has no second rank and so counts as changed. An empty list means
    that setting the unverified claims aside leaves the ranking as it was.
    """
    if table is None:
        table = confirmed_share_by_claimant()
    same = (table["rank_all"] == table["rank_checked"]) | (table["rank_all"].isna() & table["rank_checked"].isna())
    return [str(k) for k, keep in zip(table.index, same, strict=True) if not keep]


_COLOURS = {"confirmed": 2, "differs": 5, "unverified": 4}  # indices into plotting.PALETTE
_HATCHES = {"confirmed": "", "differs": "//", "unverified": ".."}


def _stacked_bars(labels, counts, widths, *, height: float, lang: str = "en"):
    """The horizontal stacked bars of the verdict figures: one bar per label, one segment per
    status (in :data:`STATUSES` order) of the length given in ``widths[status]``, each non-empty
    segment labelled with its count from ``counts[status]``; first label at the top.
    Returns ``(fig, ax)`` for the caller's axis and legend."""
    from ctmodule.analysis.plotting import PALETTE, new_figure

    fig, ax = new_figure(7.5, height)
    left = [0.0] * len(labels)
    for status in STATUSES:
        bars = ax.barh(labels, widths[status], left=left, color=PALETTE[_COLOURS[status]], hatch=_HATCHES[status],
                       edgecolor="white", label=gettext(STATUS_LABELS[status], lang))
        for bar, count in zip(bars, counts[status], strict=True):
            if count:
                ax.text(bar.get_x() + bar.get_width() / 2, bar.get_y() + bar.get_height() / 2, str(int(count)),
                        ha="center", va="center", color="black", fontsize=10,
                        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"})
        left = [a + b for a, b in zip(left, widths[status], strict=True)]
    ax.invert_yaxis()
    return fig, ax


def plot_status_by_claimant(claims=None, *, by: str = "group", lang: str = "en"):
    """Horizontal stacked bars: the claims of each kind of claimant by verdict, as shares
    of that claimant's claims (so that groups of different sizes compare), each segment
    labelled with its count. Every text in ``lang``. Returns the matplotlib figure.
    """
    table = status_by_claimant(claims, by=by)
    labels = [f"{gettext(CLAIMANT_LABELS.get(str(k), str(k)), lang)} (n={int(t)})"
              for k, t in zip(table.index, table["total"], strict=True)]
    shares = {status: [c / t if t else 0.0 for c, t in zip(table[status], table["total"], strict=True)]
              for status in STATUSES}
    fig, ax = _stacked_bars(labels, table, shares, height=1.4 + 0.6 * len(table), lang=lang)
    ax.set_xlim(0, 1)
    ax.set_xlabel(gettext(N_("Share of the claimant's checked claims (numbers in the bars are counts)"), lang))
    ax.xaxis.set_major_formatter(lambda x, _pos: f"{x:.0%}")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22 if len(table) > 3 else -0.35), ncol=3, frameon=False)
    return fig


def claims_by(group=None, claims=None, sources=None, *, kinds=None):
    """The claims of one claimant group (a value of :data:`GROUP_ORDER`) or of some
    ``claimant_type`` values (``kinds``), as a readable table in ``claim_id`` order.

    Columns: ``claim_id``, ``claimant`` (see :func:`claimant_label`), ``claim``, ``verdict``
    and ``what other sources show``. With neither ``group`` nor ``kinds``, every claim.
    Raises ``ValueError`` for a group or a type that does not exist.
    """
    import pandas as pd

    if claims is None:
        claims = _load("claims")
    if sources is None:
        sources = _load("sources")
    _check_statuses(claims)
    types = claimant_types(claims)
    keep = pd.Series(True, index=claims.index)
    if group is not None:
        if group not in GROUP_ORDER:
            raise ValueError(f"unknown claimant group {group!r}; expected one of {list(GROUP_ORDER)}")
        keep &= types.map(CLAIMANT_GROUPS) == group
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else list(kinds)
        unknown = sorted(set(kinds) - set(CLAIMANT_TYPES))
        if unknown:
            raise ValueError(f"unknown claimant_type {unknown}; expected values of {list(CLAIMANT_TYPES)}")
        keep &= types.isin(kinds)
    rows = claims[keep.to_numpy()].sort_values("claim_id")
    out = pd.DataFrame(
        {
            "claim_id": rows["claim_id"].astype(str),
            "claimant": [claimant_label(r, sources) for _, r in rows.iterrows()],
            "claim": [_text(v) for v in rows["claim"]],
            "verdict": [_text(v).strip() for v in rows["status"]],
            "what other sources show": [_text(v) for v in rows["note"]],
        }
    )
    return out.reset_index(drop=True)


def claimant_label(row, sources=None) -> str:
    """Who makes a claim, for a table: ``Author (year)`` for a seed text, else the
    ``claimant`` column (falling back to the claimant's source label)."""
    seed = _text(row.get("seed_source_id")).strip()
    kind = _text(row.get("claimant_type")).strip()
    if seed and kind in ("", "seed_critic"):
        return seed_label(seed, sources)
    who = _text(row.get("claimant")).strip()
    if who:
        return who
    return seed_label(_text(row.get("claimant_source_id")).strip(), sources)


_PERSON_TYPES = {"academic", "seed"}


def _who(author: str, source_type: str) -> str:
    """Surnames for people ("Brletich", "A and B", "A et al."), the full name for organisations."""
    author = re.sub(r"\s*\(as reproduced\)", "", author).strip()
    names = [n.strip() for n in re.split(r"\s+and\s+|;|&", author) if n.strip()]
    if not names:
        return author
    people = source_type.strip().lower() in _PERSON_TYPES or any("," in n for n in names)
    if not people:
        return author
    surnames = [n.split(",")[0].strip() if "," in n else n.split()[-1] for n in names]
    if len(surnames) == 1:
        return surnames[0]
    if len(surnames) == 2:
        return f"{surnames[0]} and {surnames[1]}"
    return f"{surnames[0]} et al."


def seed_label(source_id: str, sources=None) -> str:
    """A short label for a source, ``Author (year)``, from the ``sources`` table.

    People (authors written ``Surname, First``, or academic work and the seeds) are named
    by surname: ``Brletich (2017)``, ``Heathershaw and Montgomery (2014)``; organisations
    keep their full name: ``Freedom House (2014)``. Falls back to the publisher when the
    author is empty, and to the source id when the source is not in the table.
    """
    if sources is None:
        sources = _load("sources")
    rows = sources[sources["source_id"].astype(str) == str(source_id)]
    if rows.empty:
        return str(source_id)
    row = rows.iloc[0]
    author = _text(row.get("author")).strip()
    if not author:
        author = _text(row.get("publisher")).strip() or str(source_id)
    who = _who(author, _text(row.get("type")))
    year = _text(row.get("year")).strip()
    if year.endswith(".0"):
        year = year[:-2]
    return f"{who} ({year})" if year else who


source_label = seed_label


def seed_order(seed_ids, sources) -> list[str]:
    """The seed ids in publication order (year, then id): seed 1 is the older text."""

    def key(sid):
        rows = sources[sources["source_id"].astype(str) == str(sid)]
        year = _text(rows.iloc[0].get("year")).strip() if not rows.empty else ""
        try:
            return (int(float(year)), str(sid))
        except ValueError:
            return (10**6, str(sid))

    return sorted((str(s) for s in seed_ids), key=key)


def status_by_seed(claims=None):
    """Count the claims of each seed text by verdict.

    Only the seeds' rows count (see :func:`seed_claims`); the other claimants are in
    :func:`status_by_claimant`. Returns a DataFrame indexed by ``seed_source_id`` with one
    integer column per status (always all three, in :data:`STATUSES` order) and a ``total``
    column.
    """
    import pandas as pd

    if claims is None:
        claims = _load("claims")
    _check_statuses(claims)
    claims = seed_claims(claims)
    status = claims["status"].astype(str).str.strip()
    table = pd.crosstab(claims["seed_source_id"].astype(str), status)
    table = table.reindex(columns=list(STATUSES), fill_value=0).astype(int)
    table["total"] = table.sum(axis=1)
    table.index.name = "seed_source_id"
    table.columns.name = None
    return table


def plot_status_by_seed(claims=None, sources=None):
    """Horizontal stacked bars: the claims of each seed text by verdict.

    Seeds are numbered in publication order (``Seed 1: Brletich (2017)``).

    Returns the matplotlib figure (place it with :func:`ctmodule.book.figures.glue_figure`).
    """
    table = status_by_seed(claims)
    if sources is None:
        sources = _load("sources")
    table = table.loc[seed_order(table.index, sources)]
    labels = [f"Seed {i}: {seed_label(sid, sources)}" for i, sid in enumerate(table.index, start=1)]
    fig, ax = _stacked_bars(labels, table, {status: table[status].tolist() for status in STATUSES},
                            height=1.2 + 0.8 * len(table))
    ax.set_xlabel("Number of claims checked")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.35 if len(table) < 3 else -0.2), ncol=3,
              frameon=False)
    return fig


def contradicted(claims=None, sources=None):
    """The claims that other sources contradict (status ``differs``), with what they say.

    Returns a DataFrame with the columns ``claim_id``, ``claimant`` (who makes the claim:
    ``Author (year)`` for a seed, else the ``claimant`` column), ``seed`` (the same, kept
    for older readers), ``claimant_type`` (empty for tables without it), ``claim``,
    ``what other sources show`` (the note) and ``checked against`` (the sources' short
    labels joined by ``; ``), in ``claim_id`` order.
    """
    import pandas as pd

    if claims is None:
        claims = _load("claims")
    if sources is None:
        sources = _load("sources")
    _check_statuses(claims)
    rows = claims[claims["status"].astype(str).str.strip() == "differs"].sort_values("claim_id")
    who = [claimant_label(r, sources) for _, r in rows.iterrows()]
    kinds = [_text(v) for v in rows["claimant_type"]] if "claimant_type" in rows.columns else [""] * len(rows)
    out = pd.DataFrame(
        {
            "claim_id": rows["claim_id"].astype(str),
            "claimant": who,
            "seed": who,
            "claimant_type": kinds,
            "claim": rows["claim"].astype(str),
            "what other sources show": [_text(v) for v in rows["note"]],
            "checked against": [
                "; ".join(source_label(s, sources) for s in split_ids(v)) for v in rows["checked_against"]
            ],
        }
    )
    return out.reset_index(drop=True)


def find_claims(pattern: str, claims=None):
    """The claims whose text or note contains ``pattern`` (case-insensitive, plain text).

    A convenience for notebooks: ``find_claims("Khalabuzar")`` finds a claim without
    knowing its id. Returns the matching rows of ``claims`` in ``claim_id`` order.
    """
    if claims is None:
        claims = _load("claims")
    text = [f"{_text(c)} {_text(n)}" for c, n in zip(claims["claim"], claims["note"], strict=True)]
    import pandas as pd

    text = pd.Series(text, index=claims.index)
    hits = claims[text.str.contains(pattern, case=False, regex=False)]
    return hits.sort_values("claim_id").reset_index(drop=True)


def sources_for_claim(claim_id: str, claims=None, sources=None):
    """The rows of ``sources`` that a claim was checked against, in the order listed.

    Raises ``KeyError`` for an unknown claim id. A listed source id that is missing from
    ``sources`` still gets a row (with empty fields), so that a gap in the data shows.
    """
    if claims is None:
        claims = _load("claims")
    if sources is None:
        sources = _load("sources")
    match = claims[claims["claim_id"].astype(str) == str(claim_id)]
    if match.empty:
        raise KeyError(f"no claim with claim_id {claim_id!r}")
    ids = split_ids(match.iloc[0]["checked_against"])
    indexed = sources.assign(source_id=sources["source_id"].astype(str)).drop_duplicates("source_id")
    indexed = indexed.set_index("source_id")
    out = indexed.reindex(ids)
    out.index.name = "source_id"
    return out.reset_index()


def missing_sources(claims=None, sources=None) -> list[str]:
    """Source ids named in ``checked_against``, ``seed_source_id`` or ``claimant_source_id``
    but absent from ``sources``."""
    if claims is None:
        claims = _load("claims")
    if sources is None:
        sources = _load("sources")
    known = set(sources["source_id"].astype(str))
    named: set[str] = set()
    for column in ("seed_source_id", "claimant_source_id"):
        if column in claims.columns:
            named.update(t for t in (_text(v).strip() for v in claims[column]) if t)
    for value in claims["checked_against"]:
        named.update(split_ids(value))
    return sorted(named - known)


def source_group(source_type, author=None) -> str:
    """Sort a source into one of :data:`SOURCE_GROUPS` from its ``type`` (and ``author``).

    News and the two seeds count as media, NGO reports as NGO, academic work and datasets
    as academic. Laws, official pages and other documents are split by their issuer: a
    state (Kazakhstan, the United States, the United Kingdom) gives ``government``, a
    body such as the UN, the OSCE or the SCO gives ``international organisation``.

    >>> source_group("news"), source_group("legal", "Republic of Kazakhstan")
    ('media', 'government')
    >>> source_group("official", "United Nations Security Council")
    'international organisation'
    """
    text = str(source_type or "").strip().lower()
    if not text or text == "nan":
        return "other"
    if text in _TYPE_GROUPS:
        return _TYPE_GROUPS[text]
    if text in _ISSUER_TYPES:
        who = "" if author is None else str(author)
        if _GOVERNMENT_AUTHOR.search(who):
            return "government"
        if _IO_AUTHOR.search(who):
            return "international organisation"
        return "other" if text == "other" else "government"
    for group, pattern in _GROUP_PATTERNS:
        if re.search(pattern, text):
            return group
    return "other"


def source_types(claims=None, sources=None, *, by: str = "status"):
    """How many checking sources of each group stand behind the claims.

    Every (claim, source) pair in ``checked_against`` counts once. With ``by="status"``
    (the default) the rows are the verdicts; with ``by="seed"`` they are the seed texts
    (other claimants left out); with ``by="claimant"`` the claimant groups;
    with ``by=None`` a single row ``all``. Columns are the groups of :data:`SOURCE_GROUPS`
    that occur, in that order; a listed id missing from ``sources`` counts as ``other``.
    """
    import pandas as pd

    if claims is None:
        claims = _load("claims")
    if sources is None:
        sources = _load("sources")
    _check_statuses(claims)
    authors = sources["author"] if "author" in sources.columns else [None] * len(sources)
    groups = {
        str(sid): source_group(kind, who)
        for sid, kind, who in zip(sources["source_id"], sources["type"], authors, strict=True)
    }
    pairs = []
    for _, row in claims.iterrows():
        if by == "status":
            key = str(row["status"]).strip()
        elif by == "seed":
            key = _text(row["seed_source_id"]).strip()
            if not key:
                continue  # a claim of another claimant
        elif by == "claimant":
            key = CLAIMANT_GROUPS.get(_text(row.get("claimant_type")).strip(), "")
            if not key:
                raise ValueError(f"unknown claimant_type for claim {row.get('claim_id')!r}")
        elif by is None:
            key = "all"
        else:
            raise ValueError("by must be 'status', 'seed', 'claimant' or None")
        for sid in split_ids(row["checked_against"]):
            pairs.append((key, groups.get(sid, "other")))
    frame = pd.DataFrame(pairs, columns=["key", "group"])
    table = pd.crosstab(frame["key"], frame["group"]) if len(frame) else pd.DataFrame()
    columns = [g for g in SOURCE_GROUPS if g in table.columns]
    table = table.reindex(columns=columns, fill_value=0)
    if by == "status":
        table = table.reindex([s for s in STATUSES if s in table.index])
    elif by == "claimant":
        table = table.reindex([g for g in GROUP_ORDER if g in table.index])
    table.index.name = {"status": "status", "seed": "seed_source_id", "claimant": "claimant_group"}.get(by, None)
    table.columns.name = None
    return table.astype(int)


class ReadableTable:
    """A small table shown in full: HTML in the book and JupyterLab, markdown elsewhere.

    pandas shortens long cells in a DataFrame's display; this object shows every cell
    in full, without the index. ``.data`` holds the markdown source, ``.html`` the HTML.
    """

    def __init__(self, markdown: str, html: str, frame=None, index: bool = False):
        self.data = markdown
        self.html = html
        #: the frame shown and whether its index is (the book writes it in every language from them)
        self.frame = frame
        self.index = index

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self.html, "text/markdown": self.data, "text/plain": self.data}


def full_table(frame, *, index: bool = False, classes: str | None = None) -> ReadableTable:
    """Render a small DataFrame in full as a :class:`ReadableTable` (HTML and a pipe table).

    Pipes in cells are escaped and line breaks become spaces in the markdown version;
    the HTML version escapes markup. Missing values show as empty cells.
    """
    import html as _html

    def cell(value) -> str:
        return " ".join(_text(value).split())

    table = frame.reset_index() if index else frame
    header = [cell(c) for c in table.columns]
    rows = [[cell(v) for v in row] for row in table.itertuples(index=False)]
    md = ["| " + " | ".join(h.replace("|", "\\|") for h in header) + " |",
          "|" + "|".join("---" for _ in header) + "|"]
    md += ["| " + " | ".join(v.replace("|", "\\|") for v in row) + " |" for row in rows]
    head = "".join(f'<th style="text-align:left">{_html.escape(h)}</th>' for h in header)
    body = "".join(
        "<tr>" + "".join(f'<td style="text-align:left">{_html.escape(v)}</td>' for v in row) + "</tr>"
        for row in rows
    )
    css = "table" + (f" {classes}" if classes else "")
    markup = f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    return ReadableTable("\n".join(md), markup, frame, index)

