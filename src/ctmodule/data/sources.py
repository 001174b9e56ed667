"""The works a row rests on: its sources, joined, labelled and cited."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ctmodule.data.package import (
    get_resource,
    load,
    primary_key,
    read_package,
    reference_fields,
    resolve_data_dir,
)
from ctmodule.data.refs import explode_refs, split_refs

if TYPE_CHECKING:
    import pandas as pd



SOURCE_COLUMNS = ("source_id", "author", "year", "title", "publisher", "url", "bib_key")


def _sources_table(data_dir=None) -> tuple[pd.DataFrame, str]:
    """The table that multi-valued references point to (``sources``) and its id field."""
    folder = resolve_data_dir(data_dir)
    for res in read_package(folder)["resources"]:
        for ref in reference_fields(res).values():
            return load(ref["resource"], folder), ref["field"]
    return load("sources", folder), "source_id"


def _ids_from(ids_or_row: Any, field: str) -> list[str]:
    import pandas as pd

    if isinstance(ids_or_row, pd.DataFrame):
        values: Iterable = ids_or_row[field].tolist()
    elif isinstance(ids_or_row, pd.Series):
        values = [ids_or_row[field]] if field in ids_or_row.index else ids_or_row.tolist()
    elif isinstance(ids_or_row, str):
        values = [ids_or_row]
    elif isinstance(ids_or_row, dict):
        values = [ids_or_row[field]]
    else:
        values = list(ids_or_row)
    out: list[str] = []
    for v in values:
        for part in split_refs(v):
            if part not in out:
                out.append(part)
    return out


def sources_for(ids_or_row: Any, field: str = "source_id", data_dir=None) -> pd.DataFrame:
    """The sources behind some rows, one row per source, in order of first mention.

    ``ids_or_row`` may be an id, a ``;``-separated string of ids, a list of ids, a row
    (Series or dict; its ``field`` is used) or a DataFrame (the union of its ``field``).
    Columns: source_id, author, year, title, publisher, url, bib_key (those the table has)
    and ``label`` (``Author (year)``). An unknown id raises ``KeyError``.
    """
    import pandas as pd

    sources, id_field = _sources_table(data_dir)
    ids = _ids_from(ids_or_row, field)
    indexed = sources.set_index(id_field, drop=False)
    unknown = [i for i in ids if i not in indexed.index]
    if unknown:
        raise KeyError(f"unknown source id(s): {', '.join(unknown)}")
    cols = [c for c in SOURCE_COLUMNS if c in sources.columns]
    out = indexed.loc[ids, cols].reset_index(drop=True) if ids else pd.DataFrame(columns=cols)
    out["label"] = [label(row) for _, row in out.iterrows()]
    return out


def cite(df: pd.DataFrame, field: str = "source_id", data_dir=None) -> pd.DataFrame:
    """Join rows to their sources: one row per (row, source) pair.

    Keeps the table's primary-key columns (or all its columns if it has none) and
    adds the source's author, year, title, url, bib_key and ``label``.
    """
    sources = sources_for(df, field=field, data_dir=data_dir)
    name = df.attrs.get("resource")
    keys: list[str] = []
    if name:
        try:
            keys = [k for k in primary_key(get_resource(name, data_dir)) if k in df.columns and k != field]
        except KeyError:
            keys = []
    left = df[[*keys, field]] if keys else df
    long = explode_refs(left, field)
    return long.merge(sources, how="left", left_on=field, right_on="source_id", suffixes=("", "_source"))


_PARTICLES = {"de", "van", "von", "der", "den", "du", "la", "le", "di", "da", "al", "el", "bin", "ibn"}
_ORG_WORDS = {
    "agency",
    "assembly",
    "association",
    "bank",
    "bureau",
    "center",
    "centre",
    "commission",
    "committee",
    "consortium",
    "council",
    "court",
    "department",
    "diplomat",
    "federation",
    "foundation",
    "fund",
    "government",
    "group",
    "house",
    "human",
    "institute",
    "international",
    "kazakhstan",
    "league",
    "ministry",
    "monitor",
    "vestnik",
    "exchange",
    "nations",
    "network",
    "news",
    "office",
    "organisation",
    "organization",
    "parliament",
    "press",
    "project",
    "radio",
    "republic",
    "review",
    "rights",
    "service",
    "society",
    "states",
    "times",
    "union",
    "university",
    "watch",
    "wiki",
}


def _looks_like_person(name: str) -> bool:
    """``Mariya Y. Omelicheva`` yes; ``Freedom House``, ``Republic of Kazakhstan``, ``kazinform.kz`` no."""
    words = name.split()
    if not 2 <= len(words) <= 5 or re.search(r"[\d/()&]|\.\w{2,}", name):
        return False
    for w in words:
        if w.lower().strip(".,") in _ORG_WORDS:
            return False
        if not (w[0].isupper() or w in _PARTICLES) or (len(w.rstrip(".")) > 1 and w.isupper()):
            return False  # "of", "for" ... or an acronym: an organisation
    return True


def surname(name: str) -> str:
    """The surname of a person's name (``"Barry Buzan"`` or ``"Buzan, Barry"`` -> ``Buzan``;
    ``"Jaap de Wilde"`` -> ``de Wilde``); an organisation's name is returned whole."""
    name = " ".join(name.split())
    m = re.fullmatch(r"((?:(?:" + "|".join(_PARTICLES) + r")\s+)*[^\s,]+),\s*[^,]+", name)
    if m:
        return m.group(1)
    if not _looks_like_person(name):
        return name
    words = name.split()
    last = [words[-1]]
    for w in reversed(words[:-1]):
        if w in _PARTICLES:
            last.insert(0, w)
        else:
            break
    return " ".join(last)


def label(source: Any, data_dir=None) -> str:
    """A short ``Author (year)`` label for a source (a row of ``sources`` or a source id).

    Persons are cited by surname (``Buzan``); organisations by their full name. Several
    authors separated by ``;`` (or `` and ``) become ``A and B`` (two) or ``A et al.``.
    """
    import pandas as pd

    if isinstance(source, str):
        return str(sources_for(source, data_dir=data_dir).iloc[0]["label"])
    author = source.get("author") if hasattr(source, "get") else None
    year = source.get("year") if hasattr(source, "get") else None
    if author is None or (not isinstance(author, str) and pd.isna(author)):
        author = str(source.get("title") or source.get("source_id") or "Anonymous")
    names = [a.strip() for a in re.split(r"\s+and\s+|;", str(author)) if a.strip()]
    surnames = [surname(n) for n in names] or ["Anonymous"]
    if len(surnames) == 1:
        who = surnames[0]
    elif len(surnames) == 2:
        who = f"{surnames[0]} and {surnames[1]}"
    else:
        who = f"{surnames[0]} et al."
    when = "n.d." if year is None or pd.isna(year) else str(year)
    return f"{who} ({when})"


def citation_labels(df: pd.DataFrame, field: str = "source_id", data_dir=None) -> pd.Series:
    """For each row of ``df``: its sources as ``"Author (year); Author (year)"``."""
    import pandas as pd

    sources = sources_for(df, field=field, data_dir=data_dir)
    by_id = dict(zip(sources["source_id"], sources["label"], strict=True))
    return pd.Series(
        ["; ".join(by_id[i] for i in split_refs(v)) for v in df[field]], index=df.index, name="sources"
    )
