"""Cases and measures read with the vocabulary of securitisation theory.

The ``cases`` table codes each prosecution, ban or restriction with the terms of
the Copenhagen School (securitising actor, referent object, audience,
extraordinary measure); the ``measures`` table lists laws and policies, many of
them measures of information control. The functions here turn those tables
into the tables and figures of chapters 5 and 6, and give the case coder widget
what it needs (the coding of one case, the choices offered for each field, and
a comparison of a reader's coding with the module's).

All functions are pure: DataFrames in, DataFrames or matplotlib Figures out.
None of them reads files; load the tables with :func:`ctmodule.data.load`.

Example
-------
>>> import pandas as pd
>>> cases = pd.DataFrame({
...     "case_id": ["c1"], "subject": ["A movement"], "subject_type": ["organisation"],
...     "date": ["2018-03-13"], "date_precision": ["day"], "legal_basis": ["Law X"],
...     "allegation": ["extremism"], "outcome": ["banned"],
...     "securitising_actor": ["prosecutor"], "referent_object": ["the state"],
...     "audience": ["court; public"], "extraordinary_measure": ["ban"], "source_id": ["s1;s2"],
... })
>>> coding_card(cases, "c1").loc["Securitising actor", "Value"]
'prosecutor'
>>> split_ids("s1; s2")
['s1', 's2']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

import pandas as pd

from ctmodule.data import split_refs
from ctmodule.data.labels import label_column
from ctmodule.l10n import N_, gettext

#: The schema's ``subject_type`` values of a case, as a reader reads them.
SUBJECT_TYPE_LABELS = {"person": N_("person"), "organisation": N_("organisation"), "measure": N_("measure")}
#: The schema's ``type`` values of a measure, as a reader reads them.
MEASURE_TYPE_LABELS = {
    "law": N_("law"),
    "criminal_code": N_("criminal code"),
    "regulation": N_("regulation"),
    "programme": N_("programme"),
    "technical_control": N_("technical control"),
    "institution": N_("institution"),
}

#: Columns that the ``cases`` table must have (see ``data/datapackage.json``).
CASE_COLUMNS = [
    "case_id",
    "subject",
    "subject_type",
    "date",
    "date_precision",
    "legal_basis",
    "allegation",
    "outcome",
    "securitising_actor",
    "referent_object",
    "audience",
    "extraordinary_measure",
    "source_id",
]

#: Columns that the ``measures`` table must have.
MEASURE_COLUMNS = [
    "measure_id",
    "name",
    "date",
    "date_precision",
    "type",
    "legal_basis",
    "description",
    "source_id",
]

#: The rows of a coding card, in order: (column of ``cases``, label shown to readers).
CODING_FIELDS = [
    ("subject", N_("Subject")),
    ("subject_type", N_("Subject type")),
    ("date", N_("Date")),
    ("securitising_actor", N_("Securitising actor")),
    ("referent_object", N_("Referent object")),
    ("audience", N_("Audience")),
    ("extraordinary_measure", N_("Extraordinary measure")),
    ("legal_basis", N_("Legal basis")),
    ("allegation", N_("Allegation")),
    ("outcome", N_("Outcome")),
    ("source_id", N_("Sources")),
]

#: Reader-facing names of the columns of :func:`information_controls`.
MEASURE_LABELS = {
    "measure_id": N_("Measure"),
    "date": N_("Date"),
    "name": N_("Name"),
    "type": N_("Type"),
    "legal_basis": N_("Legal basis"),
    "source_id": N_("Sources"),
}

#: The four fields of the securitisation vocabulary that a reader codes for each case.
THEORY_FIELDS = ["securitising_actor", "referent_object", "audience", "extraordinary_measure"]

#: Measure types that are information controls whatever their wording (``measures.type``).
INFORMATION_CONTROL_TYPES = ("technical_control",)

#: Words that mark a measure as one of information control when found in its ``type``, ``name``
#: or ``legal_basis`` (case-insensitive). The description is not searched: it mentions context.
INFORMATION_CONTROL_WORDS = (
    "communication",
    "internet",
    "network",
    "website",
    "certificate",
    "device",
    "imei",
    "online",
    "surveillance",
    "censorship",
)

#: Themes for grouping the free-text referent objects of the cases: theme -> regular expressions
#: (case-insensitive). A case counts once for every theme its referent object matches.
#: This grouping is itself an analytical choice of the module, not a fact about the cases.
REFERENT_THEMES = {
    N_("The state and its security"): [r"\bstate\b"],
    N_("Constitutional order"): [r"constitutional order"],
    N_("Public order"): [r"public order"],
    N_("Public or citizens' safety"): [r"safety"],
    N_("Inter-ethnic or social harmony"): [r"inter-?ethnic", r"\baccord\b", r"harmony"],
    N_("Economy and finance"): [r"financ", r"econom"],
    N_("Public office and elections"): [r"public office", r"election"],
}

_PRECISIONS = ("day", "month", "year")


# --------------------------------------------------------------------------- checks and parsing


def _require(df: pd.DataFrame, columns: Iterable[str], table: str) -> None:
    """Raise ``KeyError`` naming the missing columns of ``table``."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise KeyError(f"the {table} table lacks column(s): {', '.join(missing)}")


def _text(series: pd.Series, missing: str = "") -> pd.Series:
    """Return ``series`` as plain strings (categoricals too), with ``missing`` for empty cells."""
    return series.astype("object").where(series.notna(), missing).astype(str)


# one splitter for ';'-separated id lists across the package
split_ids = split_refs


def period_start(date: str) -> pd.Timestamp:
    """Return the first day of an ISO date of any precision (``2019``, ``2019-11``, ``2019-11-06``).

    A range written ``start/end`` gives its start. Raises ``ValueError`` for anything else.

    >>> period_start("2019-11")
    Timestamp('2019-11-01 00:00:00')
    """
    text = str(date).strip().split("/")[0]
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", text)
    if not match:
        raise ValueError(f"not an ISO date of year, month or day precision: {date!r}")
    year, month, day = match.groups()
    return pd.Timestamp(int(year), int(month or 1), int(day or 1))


def decimal_year(date: str) -> float:
    """Return a date as a fractional year for plotting: the start of its period.

    >>> decimal_year("2019")
    2019.0
    >>> round(decimal_year("2019-07-01"), 3)
    2019.496
    """
    ts = period_start(date)
    start = pd.Timestamp(ts.year, 1, 1)
    days = (pd.Timestamp(ts.year + 1, 1, 1) - start).days
    return ts.year + (ts - start).days / days


#: Month names for a date given to the month (``November 2019``), and a date given to the day
#: (``6 November 2019``: in many languages the month is inflected there), as messages.
MONTHS = (N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"), N_("July"), N_("August"), N_("September"), N_("October"), N_("November"), N_("December"))
DAY_MONTHS = (N_("{day} January {year}"), N_("{day} February {year}"), N_("{day} March {year}"), N_("{day} April {year}"), N_("{day} May {year}"), N_("{day} June {year}"), N_("{day} July {year}"), N_("{day} August {year}"), N_("{day} September {year}"), N_("{day} October {year}"), N_("{day} November {year}"), N_("{day} December {year}"))


def format_date(date: str, precision: str | None = None, lang: str = "en") -> str:
    """Write a date for readers at its own precision, never inventing a day or month (in ``lang``:
    ``6 ноября 2019 г.``, through :data:`MONTHS` and :data:`DAY_MONTHS`).

    >>> format_date("2019-11-06", "day")
    '6 November 2019'
    >>> format_date("2019-11-06", "month")
    'November 2019'
    >>> format_date("2019")
    '2019'
    """
    ts = period_start(date)
    text = str(date).strip().split("/")[0]
    if precision is None:
        precision = _PRECISIONS[2 - text.count("-")]
    if precision not in _PRECISIONS:
        raise ValueError(f"unknown date precision {precision!r}; expected one of {_PRECISIONS}")
    if precision == "day":
        return gettext(DAY_MONTHS[ts.month - 1], lang).format(day=ts.day, year=ts.year)
    if precision == "month":
        return f"{gettext(MONTHS[ts.month - 1], lang)} {ts.year}"
    return str(ts.year)


# --------------------------------------------------------------------------- one case


def _case_row(cases: pd.DataFrame, case_id: str) -> pd.Series:
    _require(cases, ["case_id"], "cases")
    rows = cases[cases["case_id"] == case_id]
    if rows.empty:
        known = ", ".join(map(str, cases["case_id"].tolist()))
        raise KeyError(f"no case {case_id!r} in the cases table (known: {known})")
    return rows.iloc[0]


def cite_sources(source_ids, sources: pd.DataFrame | None = None) -> str:
    """Resolve ``;``-separated source ids to "Author (year)" strings joined by ``; ``.

    Without a ``sources`` table, or for an id it lacks, the id itself is shown.

    >>> src = pd.DataFrame({"source_id": ["s1"], "author": ["Bigo, D."], "year": [2002]})
    >>> cite_sources("s1;s9", src)
    'Bigo, D. (2002); s9'
    """
    ids = split_ids(source_ids)
    if sources is None:
        return "; ".join(ids)
    _require(sources, ["source_id", "author", "year"], "sources")
    lookup = sources.set_index("source_id")
    out = []
    for sid in ids:
        if sid in lookup.index:
            row = lookup.loc[sid]
            if isinstance(row, pd.DataFrame):
                row = row.iloc[0]
            year = row["year"]
            year = "n.d." if pd.isna(year) else str(year).removesuffix(".0")
            out.append(f"{row['author']} ({year})")
        else:
            out.append(sid)
    return "; ".join(out)


def coding_card(cases: pd.DataFrame, case_id: str, sources: pd.DataFrame | None = None,
                lang: str = "en") -> pd.DataFrame:
    """Return the securitisation coding card of one case: one row per field, one column ``Value``.

    The rows follow :data:`CODING_FIELDS` (subject, actor, referent object, audience,
    extraordinary measure, legal basis, outcome, sources...). The date is written at its
    precision; source ids are resolved to "Author (year)" when ``sources`` is given.
    In ``lang``: the fields, the header, the subject type and the date translated, each coded
    text from its ``<field>_<lang>`` column (an error naming the file, line and column where
    one is missing). Raises ``KeyError`` for an unknown ``case_id`` or a missing column.
    """
    _require(cases, CASE_COLUMNS, "cases")
    row = _case_row(cases, case_id)
    position = cases.index[cases["case_id"] == case_id][0]
    values = []
    for column, _label in CODING_FIELDS:
        value = row[column]
        if column == "date":
            precision = row["date_precision"]
            value = format_date(value, None if pd.isna(precision) else str(precision), lang)
        elif column == "source_id":
            value = cite_sources(value, sources)
        elif value is None or (not isinstance(value, str) and pd.isna(value)):
            value = ""
        elif column == "subject_type":
            value = gettext(SUBJECT_TYPE_LABELS.get(str(value), str(value)), lang)
        elif lang != "en":
            value = label_column(cases, column, lang, table="cases").loc[position]
        values.append(str(value))
    card = pd.DataFrame({gettext(N_("Value"), lang): values},
                        index=[gettext(label, lang) for _c, label in CODING_FIELDS])
    card.index.name = gettext(N_("Field"), lang)
    return card


def coding_table(
    cases: pd.DataFrame,
    fields: Iterable[str] = ("subject", *THEORY_FIELDS),
    *,
    labels: bool = True,
    lang: str = "en",
) -> pd.DataFrame:
    """Return the coding of every case side by side, indexed by ``case_id`` in date order.

    ``fields`` are columns of ``cases``; with ``labels=True`` they are renamed to the
    reader-facing labels of :data:`CODING_FIELDS` (in ``lang``, whose coded texts come from
    their ``<field>_<lang>`` columns, a subject type through :data:`SUBJECT_TYPE_LABELS`).
    """
    fields = list(fields)
    _require(cases, ["case_id", "date", *fields], "cases")
    if lang != "en":
        cases = cases.assign(**{
            field: (cases[field].map(lambda v: gettext(SUBJECT_TYPE_LABELS.get(str(v), str(v)), lang)
                                     if isinstance(v, str) else v)
                    if field == "subject_type" else label_column(cases, field, lang, table="cases"))
            for field in fields if field not in ("case_id", "date", "date_precision", "source_id")})
    order = cases.assign(_start=cases["date"].map(period_start)).sort_values(["_start", "case_id"])
    table = order.set_index("case_id")[fields]
    table = table.apply(_text)
    if labels:
        names = dict(CODING_FIELDS)
        table = table.rename(columns={c: gettext(names[c], lang) if c in names else c for c in fields})
    return table


def coding_options(cases: pd.DataFrame, fields: Iterable[str] = THEORY_FIELDS) -> dict[str, list[str]]:
    """Return, for each field, the sorted distinct items used in the table (``;`` lists split).

    These are the choices a case coder offers for the field.
    """
    fields = list(fields)
    _require(cases, fields, "cases")
    return {
        field: sorted({item for cell in cases[field] for item in split_ids(cell)}, key=str.casefold)
        for field in fields
    }


def _norm(text: str) -> str:
    return " ".join(str(text).casefold().split())


def same_coding(answer, coded) -> bool:
    """True when ``answer`` and ``coded`` (``;``-separated cells) hold the same items, ignoring
    case and spacing: the ``match`` of :func:`compare_coding` for one field."""
    return {_norm(x) for x in split_ids(answer)} == {_norm(x) for x in split_ids(coded)}


def compare_coding(cases: pd.DataFrame, case_id: str, answers: Mapping[str, object]) -> pd.DataFrame:
    """Compare a reader's coding of one case with the module's coding.

    ``answers`` maps fields of :data:`THEORY_FIELDS` to a string or a list of strings.
    Each field is compared as a set of ``;``-separated items, ignoring case and spacing.
    Returns one row per answered field with columns ``field``, ``yours``, ``module``,
    ``agreed`` (items in both), ``missed`` (module's items you left out), ``extra``
    (your items the module lacks) and ``match`` (True when the sets are equal).
    """
    _require(cases, THEORY_FIELDS, "cases")
    row = _case_row(cases, case_id)
    rows = []
    for field, answer in answers.items():
        if field not in THEORY_FIELDS:
            raise KeyError(f"{field!r} is not one of the coded fields {THEORY_FIELDS}")
        if isinstance(answer, str) or answer is None:
            mine = split_ids(answer)
        else:
            mine = [str(a).strip() for a in answer if str(a).strip()]
        ref = split_ids(row[field])
        mine_n = {_norm(x): x for x in mine}
        ref_n = {_norm(x): x for x in ref}
        rows.append(
            {
                "field": field,
                "yours": "; ".join(mine),
                "module": "; ".join(ref),
                "agreed": "; ".join(ref_n[k] for k in ref_n if k in mine_n),
                "missed": "; ".join(ref_n[k] for k in ref_n if k not in mine_n),
                "extra": "; ".join(mine_n[k] for k in mine_n if k not in ref_n),
                "match": set(mine_n) == set(ref_n),
            }
        )
    return pd.DataFrame(rows, columns=["field", "yours", "module", "agreed", "missed", "extra", "match"])


# --------------------------------------------------------------------------- counts


def count_by(
    cases: pd.DataFrame,
    column: str = "legal_basis",
    *,
    split: bool = True,
    group: Callable[[str], str] | None = None,
) -> pd.DataFrame:
    """Count cases by the values of ``column`` (e.g. ``legal_basis`` or ``subject_type``).

    With ``split=True`` a cell listing several ``;``-separated values counts once for each,
    so the counts can sum to more than the number of cases. ``group`` maps each value to a
    coarser label (e.g. :func:`legal_basis_group`); a case counts once per distinct label.
    Missing values count as ``(none)``. Returns columns ``column`` and ``cases``, most
    frequent first, ties in alphabetical order.
    """
    _require(cases, [column], "cases")
    items: list[str] = []
    for cell in cases[column]:
        if split:
            parts = split_ids(cell)
        else:
            parts = [] if cell is None or pd.isna(cell) else [str(cell).strip()]
        if group is not None:
            parts = list(dict.fromkeys(group(p) for p in parts))
        items.extend(parts or ["(none)"])
    counts = pd.Series(items, dtype="object").value_counts()
    out = counts.rename_axis(column).reset_index(name="cases")
    out = out.sort_values(["cases", column], ascending=[False, True], key=_sort_key).reset_index(drop=True)
    return out


def legal_basis_group(text: str) -> str:
    """Reduce a free-text legal basis to a short label for counting.

    >>> legal_basis_group("Criminal Code art. 405")
    'Criminal Code art. 405'
    >>> legal_basis_group("Criminal Code (abuse of office)")
    'Criminal Code (other offences)'
    >>> legal_basis_group("Law on Communications, art. 41-1")
    'Law on Communications art. 41-1'
    >>> legal_basis_group("Not stated; according to the blog ...")
    'Not stated in the sources used'
    """
    t = " ".join(str(text).split())
    message, values = _legal_basis_group(t)
    return message.format(**values)


def _legal_basis_group(t: str) -> tuple[str, dict]:
    """The group of a legal basis as a message and its values (translate first, format after)."""
    low = t.casefold()
    if not t or low.startswith("not "):
        return N_("Not stated in the sources used"), {}
    article = re.search(r"\bart(?:icle)?\.?\s*(\d+(?:-\d+)?)", t, flags=re.IGNORECASE)
    if "criminal code" in low:
        if article:
            return N_("Criminal Code art. {article}"), {"article": article.group(1)}
        return N_("Criminal Code (other offences)"), {}
    if "law on communications" in low:
        if article:
            return N_("Law on Communications art. {article}"), {"article": article.group(1)}
        return N_("Law on Communications"), {}
    if low.startswith("court ruling") or "court decision" in low:
        return N_("Court ruling"), {}
    return "{text}", {"text": re.split(r"[;(]", t, maxsplit=1)[0].strip().rstrip(",")}


def legal_basis_group_in(text, translated, lang: str = "en") -> str:
    """:func:`legal_basis_group` of an English ``text`` in ``lang``: a known group as its translated
    message; any other basis cut from ``translated`` (the ``legal_basis_<lang>`` text) as the
    English one is cut from ``text``."""
    t = " ".join(str(text).split()) if text is not None and not (not isinstance(text, str) and pd.isna(text)) else ""
    message, values = _legal_basis_group(t)
    if message == "{text}":
        other = " ".join(str(translated).split())
        return re.split(r"[;(]", other, maxsplit=1)[0].strip().rstrip(",")
    return gettext(message, lang).format(**values)


def theme_counts(cases: pd.DataFrame, themes: Mapping[str, Iterable[str]], column: str) -> pd.DataFrame:
    """Count the cases whose ``column`` matches each theme (a list of regular expressions).

    Matching ignores case. Returns columns ``theme`` and ``cases`` (most frequent first, ties
    in the themes' order) and ``case_ids`` (``;``-joined) so that every count can be traced.
    Themes that no case matches are kept with a count of 0.
    """
    _require(cases, ["case_id", column], "cases")
    texts = _text(cases[column])
    rows = []
    for order, (theme, patterns) in enumerate(themes.items()):
        rx = re.compile("|".join(f"(?:{p})" for p in patterns), flags=re.IGNORECASE)
        hits = [cid for cid, text in zip(cases["case_id"], texts, strict=True) if rx.search(text)]
        rows.append({"theme": theme, "cases": len(hits), "case_ids": ";".join(map(str, hits)), "_order": order})
    out = pd.DataFrame(rows, columns=["theme", "cases", "case_ids", "_order"])
    out = out.sort_values(["cases", "_order"], ascending=[False, True])
    return out.drop(columns="_order").reset_index(drop=True)


def referent_themes(cases: pd.DataFrame, themes: Mapping[str, Iterable[str]] | None = None) -> pd.DataFrame:
    """:func:`theme_counts` of ``referent_object`` with :data:`REFERENT_THEMES` (or your ``themes``)."""
    return theme_counts(cases, REFERENT_THEMES if themes is None else themes, "referent_object")


def _sort_key(col: pd.Series) -> pd.Series:
    return col.astype(str).str.casefold() if not pd.api.types.is_numeric_dtype(col) else col


def information_controls(
    measures: pd.DataFrame,
    types: Iterable[str] = INFORMATION_CONTROL_TYPES,
    words: Iterable[str] = INFORMATION_CONTROL_WORDS,
    *,
    sources: pd.DataFrame | None = None,
    labels: bool = False,
    lang: str = "en",
    index: bool = False,
) -> pd.DataFrame:
    """Return the measures of information control, in date order (``index=True``: indexed by the
    measure's id, its column's label as the index name).

    A measure counts when its ``type`` is one of ``types``, or when its ``type``, ``name``
    or ``legal_basis`` contains one of ``words`` (case-insensitive). Returns columns
    ``measure_id``, ``date`` (written at its precision), ``name``, ``type``,
    ``legal_basis`` and ``source_id`` (as "Author (year)" when ``sources`` is given).
    With ``labels=True`` the columns get the reader-facing names of :data:`MEASURE_LABELS`
    and underscores in the type become spaces; in ``lang`` the dates, names, types and legal bases
    read in that language (``name_<lang>``, ``legal_basis_<lang>``, :data:`MEASURE_TYPE_LABELS`).
    """
    _require(measures, MEASURE_COLUMNS, "measures")
    types = {t.casefold() for t in types}
    words = [w.casefold() for w in words]
    kind = _text(measures["type"]).str.casefold()
    mask = kind.isin(types)
    if words:
        pattern = "|".join(re.escape(w) for w in words)
        for column in ("type", "name", "legal_basis"):
            mask |= _text(measures[column]).str.casefold().str.contains(pattern, regex=True)
    sel = measures[mask].copy()
    sel["_start"] = sel["date"].map(period_start)
    sel = sel.sort_values(["_start", "measure_id"])
    sel["date"] = [format_date(d, str(p), lang) for d, p in zip(sel["date"], sel["date_precision"], strict=True)]
    if lang != "en":
        sel["name"] = label_column(measures, "name", lang, table="measures").loc[sel.index]
        sel["legal_basis"] = label_column(measures, "legal_basis", lang, table="measures").loc[sel.index]
    cols = ["measure_id", "date", "name", "type", "legal_basis", "source_id"]
    out = sel[cols].apply(_text).reset_index(drop=True)
    if sources is not None:
        out["source_id"] = [cite_sources(ids, sources) for ids in out["source_id"]]
    if labels:
        out["type"] = [gettext(MEASURE_TYPE_LABELS[t], lang) if t in MEASURE_TYPE_LABELS else t.replace("_", " ")
                       for t in out["type"]]
        out = out.rename(columns={k: gettext(v, lang) for k, v in MEASURE_LABELS.items()})
    if index:
        out = out.set_index(out.columns[0])
    return out


# --------------------------------------------------------------------------- over time


def timeline_table(cases: pd.DataFrame, measures: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Put cases and measures on one time line.

    Returns one row per case and measure with columns ``kind`` (``case`` or ``measure``),
    ``id``, ``label`` (subject or name), ``category`` (``case (<subject_type>)`` or
    ``measure (<type>)``, underscores as spaces), ``date``, ``date_precision`` and ``year`` (fractional, for plotting),
    sorted by date. In ``lang``: ``label`` from ``subject_<lang>``/``name_<lang>``, ``category``
    translated (:data:`SUBJECT_TYPE_LABELS`, :data:`MEASURE_TYPE_LABELS`).
    """
    _require(cases, ["case_id", "subject", "subject_type", "date", "date_precision"], "cases")
    _require(measures, ["measure_id", "name", "type", "date", "date_precision"], "measures")
    c = pd.DataFrame(
        {
            "kind": "case",
            "id": cases["case_id"].astype(str),
            "label": label_column(cases, "subject", lang, table="cases").astype(str),
            "category": [_category(N_("case ({type})"), SUBJECT_TYPE_LABELS, v, lang)
                         for v in _text(cases["subject_type"], "unspecified")],
            "date": cases["date"].astype(str),
            "date_precision": _text(cases["date_precision"], "year"),
        }
    )
    m = pd.DataFrame(
        {
            "kind": "measure",
            "id": measures["measure_id"].astype(str),
            "label": label_column(measures, "name", lang, table="measures").astype(str),
            "category": [_category(N_("measure ({type})"), MEASURE_TYPE_LABELS, v, lang)
                         for v in _text(measures["type"], "unspecified")],
            "date": measures["date"].astype(str),
            "date_precision": _text(measures["date_precision"], "year"),
        }
    )
    both = pd.concat([c, m], ignore_index=True)
    both["year"] = both["date"].map(decimal_year)
    return both.sort_values(["year", "kind", "id"]).reset_index(drop=True)


def _category(message: str, labels: dict, value: str, lang: str) -> str:
    kind = gettext(labels[value], lang) if value in labels else value.replace("_", " ")
    return gettext(message, lang).format(type=kind)


def timeline_figure(cases: pd.DataFrame, measures: pd.DataFrame, *, max_label: int = 50, lang: str = "en"):
    """Plot cases and measures over time: one row per item, earliest at the top, coloured by type.

    Cases are circles and measures diamonds, with one colour per type (the legend names them). A marker sits at the start of its date's period and is hollow when
    the date is known only to the month or year. Row labels are the case subject or the
    measure name, cut to ``max_label`` characters; every text in ``lang``. Returns the matplotlib
    ``Figure``.
    """
    from matplotlib.lines import Line2D

    from ctmodule.analysis.plotting import PALETTE, new_figure

    table = timeline_table(cases, measures, lang)
    # the order and colours of the English figure in every language (a case's type before a measure's)
    english = timeline_table(cases, measures)["category"] if lang != "en" else table["category"]
    pairs = dict(zip(table["category"], english, strict=True))
    categories = sorted(table["category"].unique(), key=lambda c: (not pairs[c].startswith("case"), pairs[c]))
    kinds = dict(zip(table["category"], table["kind"], strict=True))
    style = {
        cat: ("o" if kinds[cat] == "case" else "D", PALETTE[i % len(PALETTE)]) for i, cat in enumerate(categories)
    }
    n = len(table)
    fig, ax = new_figure(9.0, 1.4 + 0.26 * max(n, 1))
    ys = list(range(n))[::-1]  # earliest at the top
    for y, (_, row) in zip(ys, table.iterrows(), strict=True):
        marker, colour = style[row["category"]]
        exact = row["date_precision"] == "day"
        ax.plot([row["year"]], [y], marker=marker, markersize=7, linestyle="none",
                markerfacecolor=colour if exact else "white", markeredgecolor=colour, markeredgewidth=1.5,
                zorder=3)
    labels = [t if len(t) <= max_label else t[: max_label - 1] + "…" for t in table["label"]]
    ax.set_yticks(ys, labels, fontsize=8)
    ax.set_ylim(-0.8, n - 0.2)
    ax.grid(axis="y", color="#eeeeee", linewidth=0.6)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    if n:
        lo, hi = int(table["year"].min()), int(table["year"].max()) + 1
        step = 1 if hi - lo <= 8 else 2 if hi - lo <= 16 else 5
        first = lo + (-lo) % step
        ax.set_xticks(range(first, hi + 1, step))
        ax.set_xlim(lo - 0.5, hi + 0.5)
    handles = [
        Line2D([], [], marker=style[c][0], color=style[c][1], linestyle="none", markersize=7, label=c)
        for c in categories
    ]
    handles.append(Line2D([], [], marker="o", color="#555555", markerfacecolor="white", linestyle="none",
                          markersize=7, label=gettext(N_("hollow: dated to month or year"), lang)))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    ax.set_xlabel(gettext(N_("Year"), lang))
    ax.set_title(gettext(N_("Cases and measures over time, by type"), lang), loc="left", fontsize=11)
    return fig


def _barh(labels, values, title: str, xlabel: str):
    """A horizontal bar chart with the first label on top and each bar's value written at its end."""
    from ctmodule.analysis.plotting import PALETTE, new_figure

    labels, values = list(labels)[::-1], [int(v) for v in values][::-1]
    fig, ax = new_figure(7.5, 1.2 + 0.42 * max(len(labels), 1))
    ax.barh(range(len(labels)), values, color=PALETTE[0])
    ax.set_yticks(range(len(labels)), labels)
    for y, n in enumerate(values):
        ax.annotate(str(n), (n, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set_xlabel(xlabel)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_title(title, loc="left", fontsize=11)
    return fig


def counts_figure(
    cases: pd.DataFrame,
    column: str = "legal_basis",
    *,
    split: bool = True,
    group: Callable[[str], str] | None = None,
    lang: str = "en",
):
    """Horizontal bar chart of :func:`count_by` (cases per legal basis or subject type), in ``lang``.

    The bars are counted on the English values; each is then named in ``lang``: a subject type
    through :data:`SUBJECT_TYPE_LABELS`, a legal basis grouped by :func:`legal_basis_group` through
    :func:`legal_basis_group_in` (its ``legal_basis_<lang>`` text where the group is not a message),
    any other value from the ``<column>_<lang>`` column of the rows that have it."""
    counts = count_by(cases, column, split=split, group=group)
    titles = {"legal_basis": N_("Cases by legal basis"), "subject_type": N_("Cases by subject type")}
    title = titles.get(column) or N_("Cases by {field}")
    names = dict(CODING_FIELDS)
    title = gettext(title, lang).format(field=gettext(names.get(column, column), lang).lower())
    return _barh([_value_in(cases, column, v, split, group, lang) for v in counts[column]], counts["cases"],
                 title, gettext(N_("Number of cases"), lang))


def _value_in(cases, column: str, value: str, split: bool, group, lang: str) -> str:
    """A bar's English value (or group) ``value`` of ``column``, as a reader of ``lang`` reads it."""
    if lang == "en":
        return value
    if value == "(none)":
        return gettext(N_("(none)"), lang)
    if column == "subject_type":
        return gettext(SUBJECT_TYPE_LABELS.get(value, value), lang)
    translated = label_column(cases, column, lang, table="cases")
    for english, other in zip(cases[column], translated, strict=True):
        parts = split_ids(english) if split else [english]
        others = split_ids(other) if split else [other]
        for i, part in enumerate(parts):
            if group is legal_basis_group and legal_basis_group(part) == value:
                return legal_basis_group_in(part, others[i] if i < len(others) else other, lang)
            if group is None and str(part).strip() == value:
                return str(others[i] if i < len(others) else other).strip()
    return value


def referents_figure(cases: pd.DataFrame, themes: Mapping[str, Iterable[str]] | None = None, lang: str = "en"):
    """Horizontal bar chart of :func:`referent_themes`: how many cases name each referent theme
    (themes, title and axis in ``lang``; the themes are matched on the English text)."""
    counts = referent_themes(cases, themes)
    return _barh(
        [gettext(theme, lang) for theme in counts["theme"]],
        counts["cases"],
        gettext(N_("What the {count} cases say is threatened (referent objects, grouped)"), lang).format(
            count=len(cases)),
        gettext(N_("Number of cases naming the theme (a case can name several)"), lang),
    )


# --------------------------------------------------------------------------- exercises 3 and 6


def for_country(table: pd.DataFrame, country: str = "KAZ") -> pd.DataFrame:
    """The rows of one country (``country`` column, ISO 3166 alpha-3), or the whole table if it has
    no ``country`` column (the tables first held Kazakhstan only). The index is reset."""
    if "country" not in table.columns:
        return table.reset_index(drop=True)
    return table[_text(table["country"]).str.strip().str.upper() == country.upper()].reset_index(drop=True)


def referent_share(
    cases: pd.DataFrame,
    pattern: str = r"state security",
    *,
    confidence: str | Iterable[str] | None = None,
    country: str | None = "KAZ",
) -> float:
    """Share of cases whose ``referent_object`` matches ``pattern`` (a regular expression, any case).

    ``confidence`` keeps only cases with that confidence mark (or marks); ``country`` keeps one
    country's cases where the table has a ``country`` column (``None``: all rows). NaN when no
    case is left.
    """
    _require(cases, ["referent_object", "confidence"], "cases")
    data = for_country(cases, country) if country else cases
    if confidence is not None:
        marks = {confidence} if isinstance(confidence, str) else set(confidence)
        data = data[_text(data["confidence"]).isin(marks)]
    if data.empty:
        return float("nan")
    hits = _text(data["referent_object"]).str.contains(pattern, case=False, regex=True)
    return float(hits.mean())


def matches_gained(cases: pd.DataFrame, narrow: str, broad: str, *, country: str | None = "KAZ") -> list[str]:
    """The ``case_id`` values (table order) that the ``broad`` pattern adds to the ``narrow`` one."""
    _require(cases, ["case_id", "referent_object"], "cases")
    data = for_country(cases, country) if country else cases
    text = _text(data["referent_object"])
    gained = text.str.contains(broad, case=False, regex=True) & ~text.str.contains(narrow, case=False, regex=True)
    return list(data.loc[gained, "case_id"])


def measures_before(measures: pd.DataFrame, date: str, *, date_column: str = "date") -> pd.DataFrame:
    """Place each measure before, after or around a date, at the precision of both (exercise 6).

    ``status`` is ``before`` when the measure's last possible day is earlier than the first
    possible day of ``date``, ``after`` when its first possible day is later than the last
    possible day of ``date``, and ``uncertain`` otherwise (a measure known only to the year
    2016 cannot be placed against June 2016). Returns ``measure_id``, ``date`` and ``status``
    in the table's order.
    """
    from ctmodule.data.dates import parse_partial_date

    _require(measures, ["measure_id", date_column], "measures")

    def bounds(text: str, where: str):
        try:
            first, precision = parse_partial_date(str(text).strip().split("/")[0])
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from exc
        start = pd.Timestamp(first)
        if precision == "year":
            end = pd.Timestamp(first.year, 12, 31)
        elif precision == "month":
            end = start + pd.offsets.MonthEnd(0)
        else:
            end = start
        return start, end

    ref_start, ref_end = bounds(date, "reference date")
    rows = []
    for index, row in measures.reset_index(drop=True).iterrows():
        start, end = bounds(row[date_column], f"measures row {index + 2} ({row['measure_id']}), column {date_column}")
        status = "before" if end < ref_start else "after" if start > ref_end else "uncertain"
        rows.append({"measure_id": row["measure_id"], "date": row[date_column], "status": status})
    return pd.DataFrame(rows, columns=["measure_id", "date", "status"])
