"""Events over time: date parsing with precision, filtering, and a timeline figure.

The ``events`` table has one row per event with ``event_id``, ``date`` (an ISO
string as precise as the sources allow: ``2019``, ``2019-11`` or ``2019-11-19``,
possibly a range ``2010-12-01/2010-12-02``), ``date_precision`` (``day``, ``month``
or ``year``), an optional ``end_date`` (same form) for events that last, ``category``, ``actor``, ``title``, ``description`` and ``source_id``.

A date given only to the month or year stands for a *period*, not a day. The
helpers therefore turn every date into a ``start`` and an ``end`` (the first and
last day it may refer to) and never invent a day: a filter keeps an event when its
period overlaps the period asked for, and the figure draws a year-precise event as
a bar over the whole year rather than as a point.

All functions take DataFrames and return DataFrames or a matplotlib ``Figure``.
"""

from __future__ import annotations

from collections.abc import Iterable

from ctmodule.data.labels import label_column as _label_column
from ctmodule.l10n import N_, gettext

#: The schema's event ``category`` values, as a reader reads them (translated with ``gettext``).
CATEGORY_LABELS = {
    "law": N_("law"),
    "diplomacy": N_("diplomacy"),
    "incident": N_("incident"),
    "prosecution": N_("prosecution"),
    "information_control": N_("information control"),
    "treaty": N_("treaty"),
}
#: The schema's ``confidence`` values, as a reader reads them.
CONFIDENCE_LABELS = {"confirmed": N_("confirmed"), "partial": N_("partial"), "unconfirmed": N_("unconfirmed")}

#: The schema's ``date_precision`` values, as a reader reads them.
PRECISION_LABELS = {"day": N_("day"), "month": N_("month"), "year": N_("year")}

#: Kazakhstan's term as an elected member of the UN Security Council.
UNSC_TERM = ("2017-01-01", "2018-12-31")


def _period(text: str):
    """Return ``(start, end, precision)`` Timestamps for one ISO date or ``YYYY[-MM[-DD]]`` string."""
    import pandas as pd

    text = str(text).strip()
    parts = text.split("-")
    if len(parts) == 2 and len(parts[0]) == 4 and len(parts[1]) == 4:  # "2017-2018": a span of years
        first, _, _ = _period(parts[0])
        _, last, _ = _period(parts[1])
        return first, last, "year"
    if len(parts) == 1 and len(parts[0]) == 4:
        start = pd.Timestamp(year=int(parts[0]), month=1, day=1)
        return start, pd.Timestamp(year=start.year, month=12, day=31), "year"
    if len(parts) == 2:
        start = pd.Timestamp(year=int(parts[0]), month=int(parts[1]), day=1)
        return start, start + pd.offsets.MonthEnd(0), "month"
    if len(parts) == 3:
        day = pd.Timestamp(year=int(parts[0]), month=int(parts[1]), day=int(parts[2]))
        return day, day, "day"
    raise ValueError(f"not an ISO date of year, month or day precision: {text!r}")


def date_range(value):
    """Return ``(start, end)`` Timestamps for a date string, a range ``A/B`` included.

    >>> date_range("2016-06")
    (Timestamp('2016-06-01 00:00:00'), Timestamp('2016-06-30 00:00:00'))
    >>> date_range("2010-12-01/2010-12-02")[1]
    Timestamp('2010-12-02 00:00:00')
    """
    text = str(value).strip()
    if not text or text.lower() == "nan":
        raise ValueError("empty date")
    first, _, last = text.partition("/")
    start, end, _ = _period(first.strip())
    if last.strip():
        _, end, _ = _period(last.strip())
    if end < start:
        raise ValueError(f"date range ends before it starts: {text!r}")
    return start, end


def add_periods(events):
    """Return a copy of ``events`` with ``start`` and ``end`` columns (Timestamps).

    ``start`` is the first and ``end`` the last day the ``date`` may refer to
    (``2016`` -> 1 January to 31 December 2016). If the table has an ``end_date``
    column, a filled ``end_date`` extends ``end`` to the last day it may refer to. The copy is sorted by ``start``,
    then ``event_id``.
    """
    out = events.copy()
    ranges = [date_range(d) for d in out["date"]]
    if "end_date" in out.columns:  # an optional end of the event, at its own precision
        ranges = [
            (r[0], max(r[1], date_range(e)[1])) if _present(e) else r
            for r, e in zip(ranges, out["end_date"], strict=True)
        ]
    out["start"] = [r[0] for r in ranges]
    out["end"] = [r[1] for r in ranges]
    keys = ["start", "event_id"] if "event_id" in out.columns else ["start"]
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


def _present(value) -> bool:
    """True unless ``value`` is missing (None, NaN, pd.NA) or blank."""
    if value is None:
        return False
    try:
        if value != value:  # NaN
            return False
    except TypeError:  # pd.NA cannot be compared
        return False
    text = str(value).strip()
    return bool(text) and text.lower() not in ("nan", "<na>", "none")


def _as_list(value) -> list | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    return list(value)


def filter_events(events, *, categories: str | Iterable[str] | None = None, start=None, end=None,
                  actors: str | Iterable[str] | None = None, text: str | None = None):
    """Select events by category, period, actor and words in the title or description.

    Parameters
    ----------
    categories, actors:
        A value or a list of values to keep (``None`` keeps all). Matching ignores case.
    start, end:
        Period to keep, as ISO strings of any precision (``"2015"``, ``"2017-01"``) or
        Timestamps; an event is kept when its own period overlaps ``[start, end]``,
        so an event dated only ``2016`` is kept by ``start="2016-06"``. ``end="2018"``
        means to the end of 2018.
    text:
        Keep events whose title or description contains this text (case-insensitive).

    Returns
    -------
    The matching rows, with ``start`` and ``end`` columns added (see :func:`add_periods`).
    """
    import pandas as pd

    out = add_periods(events)
    cats = _as_list(categories)
    if cats is not None:
        wanted = {c.casefold() for c in cats}
        out = out[out["category"].astype(str).str.casefold().isin(wanted)]
    acts = _as_list(actors)
    if acts is not None:
        wanted = {a.casefold() for a in acts}
        out = out[out["actor"].astype(str).str.casefold().isin(wanted)]
    if start is not None:
        lo = start if isinstance(start, pd.Timestamp) else date_range(start)[0]
        out = out[out["end"] >= lo]
    if end is not None:
        hi = end if isinstance(end, pd.Timestamp) else date_range(end)[1]
        out = out[out["start"] <= hi]
    if text:
        needle = text.casefold()
        hay = out["title"].astype(str)
        if "description" in out.columns:
            hay = hay + " " + out["description"].astype(str)
        out = out[hay.str.casefold().str.contains(needle, regex=False)]
    return out.reset_index(drop=True)


def counts_by_year(events, *, categories: str | Iterable[str] | None = None):
    """Number of events per start year and category (a wide DataFrame, years as rows).

    Years without events between the first and last year appear with zeros.
    """
    import pandas as pd

    sel = filter_events(events, categories=categories)
    if sel.empty:
        return pd.DataFrame()
    sel = sel.assign(year=sel["start"].dt.year)
    table = sel.pivot_table(index="year", columns="category", values="event_id", aggfunc="count",
                            fill_value=0)
    years = range(int(table.index.min()), int(table.index.max()) + 1)
    table = table.reindex(years, fill_value=0).astype(int)
    table.columns.name = "category"
    return table


def plot_timeline(
    events,
    *,
    categories: str | Iterable[str] | None = None,
    start=None,
    end=None,
    highlight: tuple | None = UNSC_TERM,
    highlight_label: str = N_("UN Security Council term 2017-2018"),
    label_events: str | Iterable[str] | None = None,
    label_column: str = "title",
    label_width: int = 40,
    width: float = 8.0,
    height: float | None = None,
    title: str | None = None,
    lang: str = "en",
):
    """Timeline of events: one row per category, time along the x axis.

    Day- and month-precise events are drawn as points; year-precise events (and
    ranges) as a bar across their whole period, so a reader sees how precise each
    date is. ``highlight`` shades a period (by default Kazakhstan's Security Council
    term, :data:`UNSC_TERM`); ``None`` switches it off. ``categories``, ``start`` and
    ``end`` filter as in :func:`filter_events`.

    ``label_events`` (a list of ``event_id`` values, or category names) adds a
    second panel below the overview with one row per selected event, named by its
    ``label_column`` text (wrapped at ``label_width`` characters, two lines at most), on the same time
    axis, so labels never overlap. Returns a matplotlib ``Figure``.

    In ``lang``: the categories (:data:`CATEGORY_LABELS`), ``highlight_label`` and ``title``
    translated as messages, the events' labels from ``<label_column>_<lang>``
    (:func:`ctmodule.data.label_column`).
    """
    import textwrap

    import pandas as pd
    from matplotlib.dates import YearLocator
    from matplotlib.figure import Figure

    from ctmodule.analysis.plotting import PALETTE

    sel = filter_events(events, categories=categories, start=start, end=end)
    cats = list(dict.fromkeys(sel["category"].astype(str)))
    if categories is not None:
        order = [c for c in _as_list(categories) if c in cats]
        cats = order + [c for c in cats if c not in order]
    n = max(len(cats), 1)
    colors = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(cats)}

    labelled = sel.iloc[0:0]
    wanted = _as_list(label_events)
    if wanted:
        lowered = {w.casefold() for w in wanted}
        mask = sel["event_id"].astype(str).isin(wanted) | sel["category"].astype(str).str.casefold().isin(
            lowered
        )
        labelled = sel[mask]
    k = len(labelled)

    height = height or max(2.6, 0.5 * n + 1.5) + (0.45 * k + 0.4 if k else 0)
    fig = Figure(figsize=(width, height), layout="constrained")
    if k:
        ax, ax2 = fig.subplots(2, 1, sharex=True, height_ratios=[max(n, 2), max(k, 2) * 0.75])
        axes = [ax, ax2]
    else:
        ax = fig.add_subplot()
        axes = [ax]
    for a in axes:
        a.spines[["top", "right", "left"]].set_visible(False)
        a.grid(axis="x", color="#DDDDDD", linewidth=0.6)
        a.set_axisbelow(True)
        a.tick_params(axis="y", labelsize=10, length=0)
        a.tick_params(axis="x", labelsize=9.5)
        if highlight:
            lo, hi = date_range(highlight[0])[0], date_range(highlight[1])[1]
            a.axvspan(lo, hi + pd.Timedelta(days=1), color="#999999", alpha=0.18, lw=0,
                      label=gettext(highlight_label, lang) if a is ax else None)

    def draw(a, rows, y, color):
        point = (rows["end"] - rows["start"]).dt.days < 31
        dots, bars = rows[point], rows[~point]
        a.scatter(dots["start"] + (dots["end"] - dots["start"]) / 2, [y] * len(dots), s=36, color=color,
                  edgecolor="white", linewidth=0.6, zorder=3)
        for _, r in bars.iterrows():
            a.plot([r["start"], r["end"]], [y, y], color=color, linewidth=5, alpha=0.6,
                   solid_capstyle="butt", zorder=2)

    ypos = {c: n - 1 - i for i, c in enumerate(cats)}
    for cat in cats:
        draw(ax, sel[sel["category"].astype(str) == cat], ypos[cat], colors[cat])
    ax.set_yticks([ypos[c] for c in cats], [gettext(CATEGORY_LABELS.get(c, c), lang) for c in cats])
    ax.set_ylim(-0.6, n - 0.4)

    if k:
        texts = []
        names = _label_column(labelled, label_column, lang, table="events")
        for i, (index, r) in enumerate(labelled.iterrows()):
            y = k - 1 - i
            draw(ax2, labelled.iloc[[i]], y, colors[str(r["category"])])
            short = textwrap.shorten(str(names.loc[index]), width=2 * label_width, placeholder="...")
            texts.append(textwrap.fill(short, width=label_width))
        ax2.set_yticks([k - 1 - i for i in range(k)], texts)
        ax2.set_ylim(-0.6, k - 0.4)

    axes[-1].xaxis.set_major_locator(YearLocator(base=2 if sel.empty or _span_years(sel) <= 14 else 4))
    axes[-1].xaxis.set_major_formatter(_year_formatter())
    if highlight:
        ax.legend(loc="lower left", fontsize=9.5, frameon=False, bbox_to_anchor=(0, 1.0))
    if title:
        ax.set_title(gettext(title, lang), fontsize=10, loc="left", pad=22 if highlight else 6)
    return fig


def _span_years(sel) -> int:
    return int(sel["end"].max().year - sel["start"].min().year)


def _year_formatter():
    from matplotlib.dates import DateFormatter

    return DateFormatter("%Y")


def record_table(events, *, categories=None, start=None, end=None, lang: str = "en"):
    """The events of :func:`filter_events` as a reader's table indexed by date: title, actor,
    confidence and sources, in ``lang`` (headers and confidence translated, title and actor from
    ``title_<lang>`` and ``actor_<lang>``)."""
    import pandas as pd

    sel = filter_events(events, categories=categories, start=start, end=end)
    tr = lambda message: gettext(message, lang)  # noqa: E731
    table = pd.DataFrame({
        tr(N_("date")): sel["date"].astype(str),
        tr(N_("event")): _label_column(sel, "title", lang, table="events"),
        tr(N_("actor")): _label_column(sel, "actor", lang, table="events"),
        tr(N_("confidence")): sel["confidence"].map(
            lambda v: tr(CONFIDENCE_LABELS.get(str(v), str(v))) if isinstance(v, str) else v),
        tr(N_("sources")): sel["source_id"],
    })
    return table.set_index(tr(N_("date")))
