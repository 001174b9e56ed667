"""The data package: where it is, its descriptor, and its tables read and typed as the schema says."""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ctmodule.data.countries import country_hint
from ctmodule.data.dates import PRECISIONS, check_precision, parse_partial_date

if TYPE_CHECKING:  # pandas is imported inside the functions that need it
    import pandas as pd


# custom schema properties (see data/README.md)
REFS = "ctmodule:references"
DATE = "ctmodule:date"
PRECISION = "ctmodule:precision_field"
BIBTEX = "ctmodule:bibtex"
ORDERED = "ctmodule:ordered"
COUNTRY = "ctmodule:country"  # an ISO 3166-1 alpha-3 code; the field's enum lists the codes allowed
REQUIRED_IF = "ctmodule:required_if"
SAME_AS = "ctmodule:same_as"
WITHIN = "ctmodule:within"


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


def row_identifiers(data_dir: str | os.PathLike | None = None) -> frozenset[str]:
    """The identifiers of the package's rows: every value of each table's primary key (of one
    field: ``website-blocking``, ``ev-42``). Every ``*_id`` reference names one of them."""
    folder = resolve_data_dir(data_dir)
    found: set[str] = set()
    for resource in read_package(folder).get("resources", []):
        key = primary_key(resource)
        path = folder / str(resource.get("path", ""))
        if len(key) != 1 or not path.is_file():
            continue
        table = read_table(path)
        if key[0] not in table.header:
            continue
        at = table.header.index(key[0])
        found.update(row[at].strip() for row in table.rows if at < len(row) and row[at].strip())
    return frozenset(found)


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
            hint = country_hint(value, enum) if f.get(COUNTRY) else ""
            raise DataError(
                table.file, f'"{value}" is not one of the allowed values{hint}: {allowed}', line, fname
            )
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


