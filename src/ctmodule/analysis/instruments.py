"""Counting and plotting the counter-terrorism instruments (chapters 1 and 2).

Pure functions take the ``instruments`` table (``ctmodule.data.load("instruments")``)
and return pandas objects; plotting functions return a matplotlib ``Figure`` built with
:func:`ctmodule.analysis.plotting.new_figure`, ready for :func:`ctmodule.book.figures.glue_figure`.

The table holds dates as ISO strings with their own precision (``1963``, ``1963-09``,
``1963-09-14``) and Kazakhstan's status as a short free-text note (for example a
ratification law, or "not verified"). :func:`kazakhstan_category` sorts those notes
into four plain categories so that they can be counted, and keeps "unknown" as a
category of its own: where the sources do not establish a status, the module says so.

Chapter 1 also uses :func:`definitions_by_kind`, a compact listing of the
``definitions`` table, and chapter 0 uses :func:`tables_overview`, a one-line-per-table
summary of the whole data package.

Every function that writes text for a reader (figures, the tables the chapters glue) takes
``lang``: its own words are messages marked ``N_()`` and translated with
:func:`ctmodule.l10n.gettext`; the values of the schema's enums (scope, domain, Kazakhstan's
status) are translated through :data:`SCOPE_LABELS`, :data:`DOMAIN_LABELS` and
:data:`KZ_LABELS`; the instruments' names come from their ``<column>_<lang>`` columns
(:func:`ctmodule.data.label_column`).
"""

from __future__ import annotations

import re

import pandas as pd

from ctmodule.data.dates import year_of
from ctmodule.data.labels import label_column
from ctmodule.l10n import N_, gettext

#: The schema's ``scope`` values, as a reader reads them (translated with :func:`gettext`).
SCOPE_LABELS = {"universal": N_("universal"), "regional": N_("regional"), "national": N_("national")}

#: The schema's ``domain`` values, as readable words.
DOMAIN_LABELS = {
    "civil_aviation": N_("civil aviation"),
    "protected_persons_hostages": N_("protected persons and hostages"),
    "nuclear": N_("nuclear"),
    "maritime": N_("maritime"),
    "explosives": N_("explosives"),
    "terrorist_bombings": N_("terrorist bombings"),
    "terrorism_financing": N_("terrorism financing"),
    "comprehensive": N_("comprehensive"),
}

#: Kazakhstan's status, in the order used in tables and figures.
KZ_CATEGORIES = ("party", "signed only", "not a party", "unknown")
#: Each status category as a reader reads it.
KZ_LABELS = {"party": N_("party"), "signed only": N_("signed only"), "not a party": N_("not a party"),
             "unknown": N_("unknown")}

_SCOPE_ORDER = {"universal": 0, "regional": 1, "national": 2}

#: Forms of instrument, from the first word of its full name.
FORMS = ("convention or treaty", "protocol or amendment", "other")

_UNKNOWN = re.compile(
    r"^(unknown|not verified|unverified|unconfirmed|not known|not established|not found|n/k|\?)"
)
_NOT_PARTY = re.compile(
    r"^(no\b|not (a )?(party|member|signatory)|non-?party|non-?member|n/a|not applicable|none\b)"
)
_PARTY = re.compile(r"ratif|accession|acced|adher|\bparty\b|^yes\b|in force|particip|original|founding")
_SIGNED = re.compile(r"sign")
# "no record was found", "status was not established", "thought to be a party": the sources do not decide
_NOT_FOUND = re.compile(r"not (been )?(found|established|verified|documented here|confirmed)|"
                        r"\bno\b[^.;]*\b(was|were) found|thought to be|believed to be")
_NEGATED = re.compile(r"\b(not|never|no longer) (yet )?(ratified|acceded|adhered|a party|party|in force)\b")


def fractional_year(value) -> float | None:
    """Return an ISO date as a decimal year, placing a missing month or day at its middle.

    ``"1963"`` gives 1963.5, ``"1963-09"`` about 1963.7 and ``"1963-09-14"`` about 1963.70:
    good enough for a timeline, and it never pretends to a day the data does not have.
    """
    year = year_of(value)
    if year is None:
        return None
    parts = str(value).strip().split("-")
    month = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
    day = int(parts[2][:2]) if len(parts) > 2 and parts[2][:2].isdigit() else None
    if month is None:
        return year + 0.5
    if day is None:
        return year + (month - 0.5) / 12
    return year + (month - 1) / 12 + (day - 0.5) / 365


def decade_label(year: int | None) -> str | None:
    """Return ``"1960s"`` for 1963 (``None`` for a missing year)."""
    if year is None or pd.isna(year):
        return None
    return f"{int(year) // 10 * 10}s"


#: The data's controlled column ``kazakhstan_party`` (yes/no/unknown), mapped to :data:`KZ_CATEGORIES`.
PARTY_VALUES = {"yes": "party", "no": "not a party", "unknown": "unknown", "signed": "signed only"}


def kazakhstan_category(status, party=None) -> str:
    """Sort Kazakhstan's status into one of :data:`KZ_CATEGORIES`.

    ``party`` is the controlled value of the column ``kazakhstan_party`` (yes/no/unknown) and
    wins when present. Otherwise the free-text note ``status`` is read: a note that says the
    status was not found or not verified is "unknown", even when it adds that Kazakhstan is
    believed to be a party, because belief is not a source.
    """
    if party is not None and not (pd.api.types.is_scalar(party) and pd.isna(party)):
        key = str(party).strip().lower()
        if key in PARTY_VALUES:
            return PARTY_VALUES[key]
    if status is None or (pd.api.types.is_scalar(status) and pd.isna(status)):
        return "unknown"
    text = str(status).strip().lower()
    if not text or _UNKNOWN.match(text):
        return "unknown"
    if (_NOT_PARTY.match(text) or "does not bind" in text) and not _NOT_FOUND.search(text):
        return "not a party"
    # clauses that say something was not found are no evidence either way
    evidence = [c for c in re.split(r"[;.]", text) if not _NOT_FOUND.search(c)]
    if any(_PARTY.search(_NEGATED.sub(" ", c)) for c in evidence):
        return "party"
    if _NOT_FOUND.search(text):
        return "unknown"
    if _SIGNED.search(text):
        return "signed only"
    return "unknown"


def instrument_form(full_name) -> str:
    """Return the form of an instrument from its full name (see :data:`FORMS`)."""
    text = str(full_name or "").strip().lower()
    if text.startswith(("protocol", "amendment", "additional protocol")):
        return "protocol or amendment"
    if text.startswith(("convention", "international convention", "treaty")) or " convention" in text[:60]:
        return "convention or treaty"
    return "other"


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy with categorical columns turned into strings.

    ``ctmodule.data.load`` gives enum fields a categorical dtype whose categories include values
    absent from a subset; counting must see only the values present.
    """
    out = df.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.CategoricalDtype):
            out[col] = out[col].astype("string")
    return out


def domain_label(domain) -> str | None:
    """Return a domain code as readable words: ``"civil_aviation"`` gives ``"civil aviation"``."""
    if domain is None or (pd.api.types.is_scalar(domain) and pd.isna(domain)):
        return None
    text = str(domain).strip()
    return DOMAIN_LABELS.get(text, text.replace("_", " "))


def scope_label(scope, lang: str = "en") -> str:
    """A scope code in ``lang`` (``"universal"`` gives ``"универсальный"`` in Russian)."""
    return gettext(SCOPE_LABELS.get(str(scope), str(scope)), lang)


def prepare(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of the instruments table with derived columns.

    Added: ``adopted_year``, ``in_force_year``, ``decade`` (of adoption),
    ``years_to_force`` (whole years from adoption to entry into force, missing if
    either date is), ``form``, ``kz_category`` and ``domain_label`` (readable words).
    """
    out = _plain(df)
    out["adopted_year"] = out["adopted_date"].map(year_of).astype("Int64")
    out["in_force_year"] = out["in_force_date"].map(year_of).astype("Int64")
    out["decade"] = out["adopted_year"].map(decade_label)
    out["years_to_force"] = out["in_force_year"] - out["adopted_year"]
    out["form"] = out["full_name"].map(instrument_form)
    if "kazakhstan_party" in out.columns:
        out["kz_category"] = [
            kazakhstan_category(status, party)
            for status, party in zip(out["kazakhstan_status"], out["kazakhstan_party"], strict=True)
        ]
    else:
        out["kz_category"] = out["kazakhstan_status"].map(kazakhstan_category)
    out["domain_label"] = out["domain"].map(domain_label)
    return out


def _filter_scope(df: pd.DataFrame, scope: str | None) -> pd.DataFrame:
    if scope is None:
        return df
    scopes = {scope} if isinstance(scope, str) else set(scope)
    return df[df["scope"].isin(scopes)]


def count_by_domain_decade(df: pd.DataFrame, scope: str | None = "universal") -> pd.DataFrame:
    """Count instruments by decade of adoption (rows) and domain (columns, as readable words).

    Every decade between the first and the last appears, with zeros where nothing was
    adopted, so that a gap in the record is visible. Columns are ordered by total,
    largest first; the counts are plain integers.
    """
    data = prepare(_filter_scope(df, scope))
    data = data[data["adopted_year"].notna()]
    if data.empty:
        return pd.DataFrame(dtype="int64")
    table = pd.crosstab(data["decade"], data["domain_label"])
    first = int(data["adopted_year"].min()) // 10 * 10
    last = int(data["adopted_year"].max()) // 10 * 10
    decades = [f"{d}s" for d in range(first, last + 10, 10)]
    table = table.reindex(decades, fill_value=0)
    order = table.sum().sort_values(ascending=False, kind="stable").index
    table = table[order].astype("int64")
    table.index.name = "decade"
    table.columns.name = "domain"
    return table


def count_by_scope(df: pd.DataFrame) -> pd.Series:
    """Count instruments per scope (universal, regional, national), largest first."""
    return _plain(df)["scope"].value_counts().rename("instruments")


def counting_summary(df: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Show how the answer to "how many instruments?" depends on what is counted.

    One row per way of counting, with the number it gives from this table (the row labels and
    headers in ``lang``).
    """
    data = prepare(df)
    universal = data[data["scope"] == "universal"]
    regional = data[data["scope"] == "regional"]
    rows = [
        (N_("universal instruments, each protocol and amendment counted"), len(universal)),
        (
            N_("universal conventions only (protocols and amendments folded into their parent)"),
            int((universal["form"] == "convention or treaty").sum()),
        ),
        (N_("universal protocols and amendments"), int((universal["form"] == "protocol or amendment").sum())),
        (N_("universal instruments adopted before 2001"), int((universal["adopted_year"] < 2001).sum())),
        (N_("regional instruments in this table"), len(regional)),
        (N_("universal and regional together"), len(universal) + len(regional)),
    ]
    rows = [(gettext(label, lang), count) for label, count in rows]
    way, count = gettext(N_("way of counting"), lang), gettext(N_("count"), lang)
    return pd.DataFrame(rows, columns=[way, count]).set_index(way)


def kazakhstan_table(df: pd.DataFrame, scope: str | None = None, lang: str = "en") -> pd.DataFrame:
    """List the instruments with Kazakhstan's status: universal first, then regional, each by adoption.

    In ``lang``: the headers, the scope and the status category translated, the instrument's
    name and the sources' note from their ``short_name_<lang>`` and ``kazakhstan_status_<lang>``
    columns (an error naming the file, line and column where one is missing)."""
    data = prepare(_filter_scope(df, scope))
    data = data.assign(
        _scope=data["scope"].map(_SCOPE_ORDER).fillna(len(_SCOPE_ORDER)), _when=data["adopted_date"].map(fractional_year)
    )
    data = data.sort_values(["_scope", "_when", "instrument_id"], kind="stable")
    out = pd.DataFrame({
        gettext(N_("instrument"), lang): label_column(data, "short_name", lang, table="instruments"),
        gettext(N_("scope"), lang): data["scope"].map(lambda v: scope_label(v, lang)),
        gettext(N_("adopted"), lang): data["adopted_year"],
        gettext(N_("Kazakhstan"), lang): data["kz_category"].map(lambda v: gettext(KZ_LABELS.get(v, v), lang)),
        gettext(N_("what the sources say"), lang): label_column(data, "kazakhstan_status", lang,
                                                               table="instruments"),
    })
    return out.reset_index(drop=True)


def kazakhstan_summary(df: pd.DataFrame) -> pd.DataFrame:
    """Count instruments by scope (rows: universal, regional, national) and Kazakhstan's status (columns).

    All four categories appear as columns, in :data:`KZ_CATEGORIES` order, with a
    ``total`` column at the end.
    """
    data = prepare(df)
    table = pd.crosstab(data["scope"], data["kz_category"])
    table = table.reindex(columns=list(KZ_CATEGORIES), fill_value=0).astype("int64")
    order = sorted(table.index, key=lambda s: (_SCOPE_ORDER.get(s, len(_SCOPE_ORDER)), s))
    table = table.loc[order]
    table["total"] = table.sum(axis=1)
    table.index.name = "scope"
    table.columns.name = None
    return table


def adoption_to_force(df: pd.DataFrame, scope: str | None = None) -> pd.DataFrame:
    """Return one row per instrument with its adoption and entry-into-force dates as decimal years.

    ``years_to_force`` is the difference of the calendar years; ``years`` the time between the
    two dates in years, to one decimal (for dates given only to the year or month, an estimate).
    Sorted by adoption; instruments without an adoption date are left out.
    """
    data = prepare(_filter_scope(df, scope))
    data = data.assign(
        adopted=data["adopted_date"].map(fractional_year),
        in_force=data["in_force_date"].map(fractional_year),
    )
    data = data[data["adopted"].notna()].sort_values(["adopted", "instrument_id"], kind="stable")
    data = data.assign(domain=data["domain_label"], years=(data["in_force"] - data["adopted"]).round(1))
    cols = ["instrument_id", "short_name", "scope", "domain", "adopted", "in_force", "years_to_force", "years"]
    return data[cols].reset_index(drop=True)


#: The schema's ``kind`` values of a definition, as a reader reads them.
KIND_LABELS = {"legal": N_("legal"), "academic": N_("academic"), "operational": N_("operational"),
               "political": N_("political")}


def definitions_by_kind(definitions: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """List the definitions of terrorism grouped by kind and sorted by year (chapter 1).

    Returns the columns kind, year, name and jurisdiction, with a clean index. In another
    language than English the headers and kinds are translated and the name and jurisdiction
    come from ``name_<lang>`` and ``jurisdiction_<lang>`` (an error naming the file, line and
    column where one is missing); the order is the English one.
    """
    data = _plain(definitions)
    data["year"] = data["year"].map(year_of).astype("Int64")
    data = data.sort_values(["kind", "year", "name"], kind="stable")
    out = data[["kind", "year", "name", "jurisdiction"]]
    if lang == "en":
        return out.reset_index(drop=True)
    tr = lambda message: gettext(message, lang)  # noqa: E731
    names = label_column(_plain(definitions), "name", lang, table="definitions")
    places = label_column(_plain(definitions), "jurisdiction", lang, table="definitions")
    return pd.DataFrame({
        tr(N_("kind")): out["kind"].map(lambda v: tr(KIND_LABELS.get(v, v))),
        tr(N_("year")): out["year"],
        tr(N_("name")): names.loc[out.index],
        tr(N_("jurisdiction")): places.loc[out.index],
    }).reset_index(drop=True)


def tables_overview(tables: dict[str, pd.DataFrame], package: dict | None = None) -> pd.DataFrame:
    """One row per data table: its name, number of rows and columns, and what it holds (chapter 0).

    ``tables`` is ``{name: DataFrame}`` as returned by ``ctmodule.data.load_all()``; ``package``
    is the parsed ``datapackage.json`` (``ctmodule.data.read_package()``), from which each table's
    ``title`` or ``description`` is taken when present. Tables keep the order given. (Another
    edition shows it through ``ctmodule.book.frames.translate``: the headers from the code
    catalog, the titles from the data dictionary's.)
    """
    described: dict[str, str] = {}
    for resource in (package or {}).get("resources", []):
        text = resource.get("title") or resource.get("description") or ""
        described[str(resource.get("name"))] = " ".join(str(text).split())
    rows = [
        (name, len(df), len(df.columns), described.get(name, ""))
        for name, df in tables.items()
    ]
    out = pd.DataFrame(rows, columns=["table", "rows", "columns", "what it holds"])
    out["rows"] = out["rows"].astype("int64")
    out["columns"] = out["columns"].astype("int64")
    return out


class HTMLTable:
    """A DataFrame shown as a plain HTML table: full cell text, no truncation, index only if asked."""

    def __init__(self, df: pd.DataFrame, *, index: bool = False):
        self.df = df
        self.index = index

    def _repr_html_(self, classes: str | None = None) -> str:
        return self.df.to_html(index=self.index, border=0, na_rep="", escape=True,
                               classes="dataframe ctmodule-table" + (f" {classes}" if classes else ""),
                               justify="left")

    def __repr__(self) -> str:
        return self.df.to_string(index=self.index)


def html_table(df: pd.DataFrame, *, index: bool = False) -> HTMLTable:
    """Wrap ``df`` for display or glue so that long text is shown in full, not cut at 50 characters."""
    return HTMLTable(df, index=index)


# --- figures ---------------------------------------------------------------------------


def _domain_colours(domains) -> dict[str, str]:
    """Give each domain label a colour, the same in every figure (yellow, poor on white, comes late)."""
    from ctmodule.analysis.plotting import PALETTE

    colours = [c for c in PALETTE if c.upper() != "#F0E442"] + ["#999999", "#F0E442", "#882255"]
    return {d: colours[i % len(colours)] for i, d in enumerate(domains)}



def plot_domain_decade(df: pd.DataFrame, scope: str | None = "universal", lang: str = "en"):
    """Stacked bar chart: instruments adopted per decade, stacked by domain. Returns a Figure,
    its axes and legend in ``lang``."""
    from ctmodule.analysis.plotting import new_figure

    table = count_by_domain_decade(df, scope)
    colours = _domain_colours(table.columns)
    fig, ax = new_figure(7.5, 4.0)
    bottom = pd.Series(0, index=table.index)
    for domain in table.columns:
        values = table[domain]
        ax.bar(table.index, values, bottom=bottom, label=gettext(domain, lang), color=colours[domain],
               edgecolor="white", linewidth=0.6)
        bottom = bottom + values
    for x, total in zip(table.index, bottom, strict=True):
        if total:
            ax.annotate(str(int(total)), (x, total), ha="center", va="bottom", fontsize=9,
                        xytext=(0, 2), textcoords="offset points")
    ylabels = {"universal": N_("Number of universal instruments adopted"),
               "regional": N_("Number of regional instruments adopted"),
               "national": N_("Number of national instruments adopted")}
    ax.set_ylabel(gettext(ylabels.get(scope, N_("Number of instruments adopted")) if isinstance(scope, str)
                          else N_("Number of instruments adopted"), lang))
    ax.set_xlabel(gettext(N_("Decade of adoption"), lang))
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_ylim(0, max(1, int(bottom.max())) * 1.15)
    ax.legend(title=gettext(N_("Domain"), lang), frameon=False, fontsize=8, title_fontsize=9, loc="upper left",
              bbox_to_anchor=(1.0, 1.0))
    return fig


def plot_adoption_timeline(df: pd.DataFrame, scope: str | None = "universal", lang: str = "en"):
    """Timeline: one line per instrument from adoption (circle) to entry into force (square).

    In ``lang``: the instruments' names from ``short_name_<lang>``, the axis and legend translated."""
    from matplotlib.lines import Line2D
    from matplotlib.ticker import MultipleLocator

    from ctmodule.analysis.plotting import new_figure

    data = adoption_to_force(df, scope)
    names = dict(zip(df["instrument_id"], label_column(df, "short_name", lang, table="instruments"), strict=True))
    # the same domain order and colours as plot_domain_decade
    domains = [d for d in count_by_domain_decade(df, scope).columns if d in set(data["domain"])]
    colours = _domain_colours(domains)
    fig, ax = new_figure(7.5, max(3.0, 0.28 * len(data) + 1.2))
    for y, row in enumerate(data.itertuples(index=False)):
        colour = colours[row.domain]
        ax.plot([row.adopted], [y], marker="o", color=colour, markersize=5)
        if row.in_force is not None and not pd.isna(row.in_force):
            ax.plot([row.adopted, row.in_force], [y, y], color=colour, linewidth=2)
            ax.plot([row.in_force], [y], marker="s", color=colour, markersize=5)
    ax.set_yticks(range(len(data)))
    ax.set_yticklabels(data["instrument_id"].map(names), fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(gettext(N_("Year"), lang))
    ax.xaxis.set_major_locator(MultipleLocator(10))
    ax.grid(axis="x", linewidth=0.4, alpha=0.5)
    handles = [Line2D([], [], color=colours[d], linewidth=2, label=gettext(d, lang)) for d in domains]
    handles += [
        Line2D([], [], color="grey", marker="o", linestyle="", label=gettext(N_("adopted or signed"), lang)),
        Line2D([], [], color="grey", marker="s", linestyle="", label=gettext(N_("entered into force"), lang)),
    ]
    ax.legend(handles=handles, frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig


def plot_kazakhstan_status(df: pd.DataFrame, lang: str = "en"):
    """Horizontal stacked bars: per scope, how many instruments Kazakhstan is party to, and so on
    (scopes, categories and axis in ``lang``)."""
    from ctmodule.analysis.plotting import PALETTE, new_figure

    table = kazakhstan_summary(df).drop(columns="total")
    colours = {"party": PALETTE[2], "signed only": PALETTE[4], "not a party": PALETTE[1],
               "unknown": "#BBBBBB"}
    fig, ax = new_figure(7.5, 0.7 * len(table) + 1.6)
    left = pd.Series(0, index=table.index)
    for category in KZ_CATEGORIES:
        values = table[category]
        if not values.any():
            continue
        ax.barh([scope_label(v, lang) for v in table.index], values, left=left, color=colours[category],
                label=gettext(KZ_LABELS[category], lang),
                edgecolor="white", linewidth=0.6)
        for y, (start, width) in enumerate(zip(left, values, strict=True)):
            if width:
                ax.text(start + width / 2, y, str(int(width)), ha="center", va="center", fontsize=9)
        left = left + values
    ax.set_xlabel(gettext(N_("Number of instruments"), lang))
    ax.invert_yaxis()
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(title=gettext(N_("Kazakhstan"), lang), frameon=False, fontsize=8, title_fontsize=9, loc="upper left",
              bbox_to_anchor=(1.0, 1.0))
    return fig


#: The day Kazakhstan declared independence: it could not join a treaty before it.
KZ_INDEPENDENCE = "1991-12-16"


def joining_lags(df: pd.DataFrame, *, since: str | None = KZ_INDEPENDENCE) -> pd.DataFrame:
    """How long Kazakhstan took to join each instrument it is recorded as a party to (exercise 1).

    One row per instrument with ``kazakhstan_party == "yes"`` and a ``kazakhstan_date``:
    ``start`` is the adoption date or, with ``since`` (by default independence, 16 December
    1991), the later of the two, because a state cannot join a treaty before it exists;
    ``lag_years`` is the time from ``start`` to ``kazakhstan_date`` in years of 365.25 days.
    A date given to the month or year counts from the first day of its period (an estimate,
    never a day the data does not have). ``decade`` is the decade of adoption (1960, 1970, ...).
    Instruments without a joining date are left out: the table does not say when.
    """
    from ctmodule.data.dates import parse_partial_date

    for column in ("instrument_id", "scope", "adopted_date", "kazakhstan_party", "kazakhstan_date"):
        if column not in df.columns:
            raise KeyError(f"the instruments table lacks the column {column!r}")
    rows = []
    floor = pd.Timestamp(parse_partial_date(since)[0]) if since else None
    for index, row in df.iterrows():
        if str(row["kazakhstan_party"]).strip() != "yes" or pd.isna(row["kazakhstan_date"]):
            continue
        try:
            adopted = pd.Timestamp(parse_partial_date(str(row["adopted_date"]).strip())[0])
            joined = pd.Timestamp(parse_partial_date(str(row["kazakhstan_date"]).strip())[0])
        except ValueError as exc:
            raise ValueError(f"instruments row {index + 2} ({row['instrument_id']}): {exc}") from exc
        start = max(adopted, floor) if floor is not None else adopted
        rows.append({
            "instrument_id": row["instrument_id"],
            "scope": row["scope"],
            "decade": adopted.year // 10 * 10,
            "start": start,
            "joined": joined,
            "lag_years": (joined - start).days / 365.25,
        })
    columns = ["instrument_id", "scope", "decade", "start", "joined", "lag_years"]
    return pd.DataFrame(rows, columns=columns)


def median_lag(df: pd.DataFrame, by: str = "scope", *, since: str | None = KZ_INDEPENDENCE) -> pd.Series:
    """Median of :func:`joining_lags` by ``scope`` or ``decade``, shortest first (ties by name)."""
    lags = joining_lags(df, since=since)
    medians = lags.groupby(by)["lag_years"].median()
    order = sorted(medians.index, key=lambda k: (medians[k], str(k)))
    return medians.loc[order].rename("median_lag_years")
