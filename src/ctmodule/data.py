"""Load the module's data package (``data/``) as pandas DataFrames.

The package is a Frictionless *tabular data package*: ``data/datapackage.json``
describes each CSV table (its fields, types, allowed values, keys). This module
reads the tables with the types the schema declares, without importing
frictionless (the full check is ``ctmodule validate``, see :mod:`ctmodule.validate`)::

    from ctmodule import data
    events = data.load("events")          # one table
    tables = data.load_all()              # {name: DataFrame}
    data.sources_for(events.iloc[0])      # the works a row rests on
    data.citation_labels(events)          # "Brletich (2017); ..." per row

What :func:`load` does with the schema, field by field:

- ``string`` -> pandas' text dtype ``str`` (an empty cell is missing: NaN);
- ``integer`` -> nullable ``Int64``; ``number`` -> ``Float64``; ``boolean`` -> ``boolean``;
- a field with an ``enum`` constraint -> ``Categorical`` with the schema's values as
  categories, in schema order (ordered for precision fields such as
  ``date_precision``, and for any field marked ``"ctmodule:ordered": true``);
- a partial date (``"ctmodule:date": true``: ``2019``, ``2019-11`` or ``2019-11-19``) is
  kept as its ISO string, and gains ``<field>_start`` (Timestamp of its first day) and,
  when the table has no precision column for it, ``<field>_precision``;
- a multi-valued reference (``"ctmodule:references"``, e.g. ``source_id = "a;b"``) stays
  a string; :func:`split_refs` and :func:`explode_refs` split it.

A broken table raises :class:`DataError`, whose message names the file, the line
(as an editor numbers it, header = line 1) and the column.
"""

from __future__ import annotations

import calendar
import csv
import datetime as _dt
import io
import json
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas is imported inside the functions that need it
    import pandas as pd

PRECISIONS = ("year", "month", "day")
"""Precision values of a partial date, coarsest first."""

DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

# custom schema properties (see data/README.md)
REFS = "ctmodule:references"
DATE = "ctmodule:date"
PRECISION = "ctmodule:precision_field"
BIBTEX = "ctmodule:bibtex"
ORDERED = "ctmodule:ordered"


class DataError(ValueError):
    """A table of the data package cannot be read as its schema says.

    ``str(error)`` is ``file:line:column: message``; the parts are also attributes.
    """

    def __init__(self, file: str, message: str, line: int | None = None, column: str | None = None):
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        super().__init__(format_location(file, line, column, message))


def format_location(file: str, line: int | None, column: str | None, message: str) -> str:
    """``file:line:column: message``, leaving out the parts that are unknown."""
    parts = [str(file)]
    if line is not None:
        parts.append(str(line))
    if column:
        parts.append(str(column))
    return ":".join(parts) + ": " + message


# ---------------------------------------------------------------------------
# where the package is, and its descriptor


def resolve_data_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """The data folder: ``data_dir`` if given, else :func:`ctmodule.paths.data_dir`."""
    if data_dir is not None:
        return Path(data_dir).resolve()
    from ctmodule.paths import data_dir as _data_dir

    return _data_dir()


_PACKAGE_CACHE: dict[Path, tuple[tuple[int, int], dict]] = {}


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return (st.st_mtime_ns, st.st_size)


def read_package(data_dir: str | os.PathLike | None = None) -> dict:
    """The parsed ``datapackage.json`` (cached until the file changes)."""
    path = resolve_data_dir(data_dir) / "datapackage.json"
    display = _display(path)
    try:
        stamp = _stamp(path)
    except FileNotFoundError:
        raise DataError(display, "missing: the data package has no datapackage.json") from None
    cached = _PACKAGE_CACHE.get(path)
    if cached and cached[0] == stamp:
        return cached[1]
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise DataError(display, f"not valid UTF-8 ({exc.reason} at byte offset {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise DataError(display, f"not valid JSON: {exc.msg}", exc.lineno, f"col {exc.colno}") from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise DataError(display, 'not a data package: expected an object with a "resources" list')
    _PACKAGE_CACHE[path] = (stamp, descriptor)
    return descriptor


def resource_names(data_dir: str | os.PathLike | None = None) -> list[str]:
    """Names of the package's tables, in the order of ``datapackage.json``."""
    return [r.get("name") for r in read_package(data_dir)["resources"]]


def get_resource(name: str, data_dir: str | os.PathLike | None = None) -> dict:
    """The descriptor of one table (``KeyError`` naming the known tables if absent)."""
    for res in read_package(data_dir)["resources"]:
        if res.get("name") == name:
            return res
    known = ", ".join(str(n) for n in resource_names(data_dir))
    raise KeyError(f"no table {name!r} in the data package (tables: {known})")


def fields_of(resource: dict) -> list[dict]:
    return list((resource.get("schema") or {}).get("fields") or [])


def primary_key(resource: dict) -> list[str]:
    pk = (resource.get("schema") or {}).get("primaryKey") or []
    return [pk] if isinstance(pk, str) else list(pk)


def precision_fields(resource: dict) -> set[str]:
    """Names of the fields that hold the precision of a partial date."""
    return {f[PRECISION] for f in fields_of(resource) if f.get(PRECISION)}


def reference_fields(resource: dict) -> dict[str, dict]:
    """``{field: {"resource", "field", "separator"}}`` for multi-valued references."""
    out = {}
    for f in fields_of(resource):
        ref = f.get(REFS)
        if isinstance(ref, dict):
            out[f["name"]] = {"separator": ";", **ref}
    return out


def _display(path: Path) -> str:
    """A path as shown in messages: relative to the data folder's parent (``data/x.csv``)."""
    path = Path(path)
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


# ---------------------------------------------------------------------------
# reading a CSV file with the line number of every record


@dataclass
class Table:
    """A CSV file as read: header, records and the line where each record starts."""

    file: str
    header: list[str]
    rows: list[list[str]]
    lines: list[int]  # lines[i] = first line (1-based, as in an editor) of rows[i]
    header_line: int = 1
    had_bom: bool = False
    record_lines: list[int] = field(default_factory=list)  # for every record incl. the header
    delimiter_hint: bool = False  # set by the validator when the separator is not a comma

    def line_of_record(self, number: int) -> int:
        """Editor line of the ``number``-th record (1 = header), as frictionless counts rows."""
        if 1 <= number <= len(self.record_lines):
            return self.record_lines[number - 1]
        return number


def decode_utf8(raw: bytes, display: str) -> str:
    """Decode a file's bytes as UTF-8, or raise a DataError naming the line and byte offset."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        in_line = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DataError(
            display,
            f"not valid UTF-8: byte 0x{raw[exc.start]:02x} at byte offset {exc.start} "
            f"(byte {in_line} of line {line}); save the file as UTF-8",
            line,
        ) from None


def read_table(path: str | os.PathLike, display: str | None = None) -> Table:
    """Read a CSV file strictly (comma-separated, UTF-8, double quotes).

    Raises :class:`DataError` for a missing or empty file, bytes that are not UTF-8 and
    broken quoting. Rows with too many or too few cells are returned as they are.
    """
    path = Path(path)
    display = display or _display(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(display, "missing: the file named in datapackage.json does not exist") from None
    except IsADirectoryError:
        raise DataError(display, "is a folder, not a CSV file") from None
    text = decode_utf8(raw, display)
    had_bom = text.startswith("\ufeff")
    if had_bom:
        text = text[1:]
    if not text.strip():
        raise DataError(display, "the file is empty: it needs at least the header row")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[list[str]] = []
    starts: list[int] = []
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            msg = str(exc)
            if "unexpected end of data" in msg or "EOF" in msg:
                msg = "a quoted value opened here is never closed (a stray double quote?)"
            else:
                msg = f"broken quoting: {msg}"
            raise DataError(display, msg, start) from None
        records.append(record)
        starts.append(start)
    # skip blank lines before the header
    first = 0
    while first < len(records) and not records[first]:
        first += 1
    header = records[first]
    return Table(
        file=display,
        header=header,
        rows=records[first + 1 :],
        lines=starts[first + 1 :],
        header_line=starts[first],
        had_bom=had_bom,
        record_lines=starts[first:],
    )


# ---------------------------------------------------------------------------
# partial dates and references


def parse_partial_date(value: str) -> tuple[_dt.date, str]:
    """``"2019-11"`` -> ``(date(2019, 11, 1), "month")``; ValueError with a plain message if invalid."""
    m = _DATE_RE.match(value)
    if not m:
        raise ValueError(f'"{value}" is not a date: write YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2019-11-19)')
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    if year < 1:
        raise ValueError(f'"{value}": there is no year 0000')
    if month is not None and not 1 <= int(month) <= 12:
        raise ValueError(f'"{value}": there is no month {month}')
    if day is not None:
        last = calendar.monthrange(year, int(month))[1]
        if not 1 <= int(day) <= last:
            raise ValueError(f'"{value}": {year}-{month} has no day {day} (it has {last} days)')
    precision = "day" if day else "month" if month else "year"
    return _dt.date(year, int(month or 1), int(day or 1)), precision


def check_precision(value: str, precision: str) -> str | None:
    """A message if the date's form disagrees with its stated precision, else None."""
    _, actual = parse_partial_date(value)
    if precision in PRECISIONS and precision != actual:
        return (
            f'date "{value}" has {actual} precision but the precision column says "{precision}"'
            f" (write {_precision_example(precision)})"
        )
    return None


def _precision_example(precision: str) -> str:
    return {"year": "YYYY", "month": "YYYY-MM", "day": "YYYY-MM-DD"}[precision]


def split_refs(value: Any, separator: str = ";") -> list[str]:
    """``"a; b;c"`` -> ``["a", "b", "c"]``; empty or missing -> ``[]``."""
    if value is None or (isinstance(value, float) and value != value):
        return []
    if not isinstance(value, str):
        pd = sys.modules.get("pandas")  # pd.NA, NaT: only possible if pandas is loaded
        if pd is not None and pd.api.types.is_scalar(value) and pd.isna(value):
            return []
    return [part.strip() for part in str(value).split(separator) if part.strip()]


def explode_refs(df: pd.DataFrame, field: str = "source_id", separator: str = ";") -> pd.DataFrame:
    """One row per referenced id: a copy of ``df`` with ``field`` split and exploded."""
    out = df.copy()
    out[field] = out[field].map(lambda v: split_refs(v, separator))
    out = out.explode(field, ignore_index=True)
    return out[out[field].notna()].reset_index(drop=True)


def read_bib_keys(path: str | os.PathLike) -> set[str]:
    """The entry keys of a BibTeX file (``@comment``, ``@string``, ``@preamble`` skipped)."""
    text = Path(path).read_text(encoding="utf-8")
    keys = set()
    for m in re.finditer(r"@\s*(\w+)\s*[{(]\s*([^,\s{}()]+)\s*,", text):
        if m.group(1).lower() not in {"comment", "string", "preamble"}:
            keys.add(m.group(2))
    return keys


# ---------------------------------------------------------------------------
# loading


_TRUE = ("true", "True", "TRUE", "1", "yes")
_FALSE = ("false", "False", "FALSE", "0", "no")
_FRAME_CACHE: dict[tuple[Path, str], tuple[tuple, Any]] = {}


def load(name: str, data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """One table of the package as a DataFrame typed from its schema (see the module docstring).

    Raises :class:`DataError` (file, line, column) if the file does not fit its schema,
    and ``KeyError`` for an unknown table name. Results are cached until the CSV or
    ``datapackage.json`` changes; each call returns a fresh copy.
    """
    folder = resolve_data_dir(data_dir)
    resource = get_resource(name, folder)
    path = folder / str(resource.get("path") or f"{name}.csv")
    try:
        stamp = (_stamp(path), _stamp(folder / "datapackage.json"))
    except FileNotFoundError:
        raise DataError(
            _display(path), "missing: the file named in datapackage.json does not exist"
        ) from None
    key = (path, name)
    cached = _FRAME_CACHE.get(key)
    if cached and cached[0] == stamp:
        return cached[1].copy()
    df = _load_uncached(resource, path)
    _FRAME_CACHE[key] = (stamp, df)
    return df.copy()


def load_all(data_dir: str | os.PathLike | None = None) -> dict[str, pd.DataFrame]:
    """Every table of the package: ``{name: DataFrame}`` in the order of ``datapackage.json``."""
    folder = resolve_data_dir(data_dir)
    return {name: load(name, folder) for name in resource_names(folder)}


def _load_uncached(resource: dict, path: Path) -> pd.DataFrame:
    import pandas as pd

    table = read_table(path)
    file = table.file
    fields = fields_of(resource)
    names = [f["name"] for f in fields]
    missing = [n for n in names if n not in table.header]
    if missing:
        raise DataError(file, f"missing column(s): {', '.join(missing)}", table.header_line, missing[0])
    extra = [h for h in table.header if h not in names]
    if extra:
        raise DataError(
            file, f"unknown column(s) not in the schema: {', '.join(extra)}", table.header_line, extra[0]
        )
    width = len(table.header)
    for row, line in zip(table.rows, table.lines, strict=True):
        if not row:
            raise DataError(file, "blank line: delete it", line)
        if len(row) != width:
            raise DataError(
                file,
                f"{len(row)} values for {width} columns (a stray comma or a missing value? "
                "quote values that contain commas)",
                line,
            )
    position = {h: i for i, h in enumerate(table.header)}
    index = pd.RangeIndex(len(table.rows))
    columns: dict[str, Any] = {}
    precision_cols = precision_fields(resource)
    for f in fields:
        fname = f["name"]
        raw = [row[position[fname]] for row in table.rows]
        columns[fname] = _convert(f, raw, table, precision_cols)
    df = pd.DataFrame(columns, index=index)
    # partial dates: start timestamp and, where the table has none, a precision column
    for f in fields:
        if not f.get(DATE):
            continue
        fname = f["name"]
        prec_field = f.get(PRECISION)
        starts, precisions = [], []
        for value, line, row in zip(columns[fname], table.lines, table.rows, strict=True):
            if pd.isna(value):
                starts.append(pd.NaT)
                precisions.append(None)
                continue
            try:
                start, precision = parse_partial_date(value)
                if prec_field:
                    msg = check_precision(value, row[position[prec_field]])
                    if msg:
                        raise ValueError(msg)
            except ValueError as exc:
                raise DataError(file, str(exc), line, fname) from None
            try:
                starts.append(pd.Timestamp(start))
            except (ValueError, OverflowError):  # outside pandas' range
                starts.append(pd.NaT)
            precisions.append(precision)
        df[f"{fname}_start"] = pd.Series(starts, index=index, dtype="datetime64[ns]")
        if not prec_field:
            df[f"{fname}_precision"] = pd.Categorical(precisions, categories=list(PRECISIONS), ordered=True)
    # primary key
    pk = primary_key(resource)
    if pk and all(k in df.columns for k in pk):
        seen: dict[tuple, int] = {}
        for i, key in enumerate(zip(*(table_col(table, position, k) for k in pk), strict=True)):
            if key in seen:
                raise DataError(
                    file,
                    f"duplicate {'/'.join(pk)} {'/'.join(key)!r} (first on line {seen[key]})",
                    table.lines[i],
                    pk[0],
                )
            seen[key] = table.lines[i]
    df.attrs["resource"] = resource.get("name")
    return df


def table_col(table: Table, position: dict[str, int], name: str) -> list[str]:
    return [row[position[name]] for row in table.rows]


def _convert(f: dict, raw: list[str], table: Table, precision_cols: set[str]):
    """Convert one column of raw strings to the field's dtype, checking required and enum."""
    import pandas as pd

    fname = f["name"]
    ftype = f.get("type", "string")
    constraints = f.get("constraints") or {}
    missing_values = {""}
    values: list[Any] = []
    for value, line in zip(raw, table.lines, strict=True):
        if value in missing_values:
            if constraints.get("required"):
                raise DataError(table.file, "a value is required here but the cell is empty", line, fname)
            values.append(None)
            continue
        try:
            if ftype == "integer":
                values.append(int(value))
            elif ftype == "number":
                values.append(float(value))
            elif ftype == "boolean":
                true_values = f.get("trueValues", _TRUE)
                false_values = f.get("falseValues", _FALSE)
                if value in true_values:
                    values.append(True)
                elif value in false_values:
                    values.append(False)
                else:
                    raise ValueError
            elif ftype == "year":
                values.append(int(value))
            elif ftype == "date":
                values.append(_dt.date.fromisoformat(value))
            else:
                values.append(value)
        except ValueError:
            raise DataError(table.file, f'"{value}" is not of type {ftype}', line, fname) from None
        enum = constraints.get("enum")
        if enum is not None and values[-1] not in enum:
            allowed = ", ".join(str(e) for e in enum)
            raise DataError(table.file, f'"{value}" is not one of the allowed values: {allowed}', line, fname)
        pattern = constraints.get("pattern")
        if pattern and ftype == "string" and not re.fullmatch(pattern, value):
            if f.get(DATE):
                try:  # a better message than "does not match"
                    parse_partial_date(value)
                except ValueError as exc:
                    raise DataError(table.file, str(exc), line, fname) from None
            raise DataError(table.file, f'"{value}" does not match the pattern {pattern}', line, fname)
    enum = constraints.get("enum")
    if enum is not None:
        categories = list(enum)
        ordered = bool(f.get(ORDERED))
        if fname in precision_cols:  # coarse to fine: year < month < day
            ordered = True
            if set(categories) == set(PRECISIONS):
                categories = list(PRECISIONS)
        return pd.Categorical(values, categories=categories, ordered=ordered)
    if ftype in ("integer", "year"):
        return pd.array(values, dtype="Int64")
    if ftype == "number":
        return pd.array(values, dtype="Float64")
    if ftype == "boolean":
        return pd.array(values, dtype="boolean")
    if ftype == "date":
        return pd.to_datetime(pd.Series(values, dtype="object"))
    if ftype == "string":
        return pd.array(values, dtype="str")  # pandas 3 default text dtype: missing is NaN
    return values


# ---------------------------------------------------------------------------
# citing the sources of rows

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
