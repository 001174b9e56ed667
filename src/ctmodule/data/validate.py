"""``ctmodule validate [DATA_DIR]``: check the data package against its schema.

Frictionless does the schema work (types, required values, allowed values, patterns,
unique values, primary keys, single-valued foreign keys); this module adds the
package's own conventions (see ``data/README.md``):

- ``"ctmodule:references"``: every ``;``-separated id must exist in the referenced table;
- ``"ctmodule:date"``: a partial ISO date that is a real calendar date, whose form agrees
  with its ``"ctmodule:precision_field"`` (``day``/``month``/``year``);
- ``"ctmodule:bibtex"``: every key must be an entry of the BibTeX file (path relative
  to the data folder's parent, i.e. the repository root);
- ``"ctmodule:country"``: an ISO 3166-1 alpha-3 code; the field must list the codes it
  allows in an ``enum`` of three capital letters each, and a cell outside it is reported
  with a hint (an alpha-2 code, a country name or lower case, and what to write instead);
- ``"ctmodule:required_if": {"field": F, "equals": V}``: the cell must be filled on the rows
  where column ``F`` is ``V``, and empty on the others;
- ``"ctmodule:same_as": F``: a filled cell must equal the cell of column ``F`` in its row;
- ``"ctmodule:within": F``: every ``;``-separated id of the cell must also be listed in the
  ``;``-separated cell of column ``F`` in its row (so ``source_id`` names every source);
- every table except the one the references point to (``sources``) must have a source
  column.

Each problem is printed as ``file:line:column: message``, where the line is the line of
the CSV file as an editor shows it (header = line 1). Files are only ever read.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ctmodule.data import (
    ALPHA3,
    BIBTEX,
    COUNTRY,
    DATE,
    PRECISION,
    PRECISIONS,
    REQUIRED_IF,
    SAME_AS,
    WITHIN,
    DataError,
    Table,
    country_hint,
    fields_of,
    format_location,
    parse_partial_date,
    primary_key,
    read_bib_keys,
    read_table,
    reference_fields,
    split_refs,
)


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        return format_location(self.file, self.line, self.column, self.message)


@dataclass
class Result:
    problems: list[Problem] = field(default_factory=list)
    tables: int = 0
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.ok:
            return f"data OK: {self.tables} tables, {self.rows} rows, 0 problems"
        n = len(self.problems)
        return f"data NOT OK: {n} problem{'s' if n != 1 else ''} ({self.tables} tables, {self.rows} rows)"


# ---------------------------------------------------------------------------
# command line


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "data_dir",
        nargs="?",
        default=None,
        metavar="DATA_DIR",
        help="folder holding datapackage.json (default: the repository's data/)",
    )


def run(args: argparse.Namespace) -> int:
    from ctmodule.data import resolve_data_dir

    try:
        folder = resolve_data_dir(args.data_dir)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    result = validate_package(folder)
    for problem in result.problems:
        print(problem)
    print(result.summary())
    return 0 if result.ok else 1


# ---------------------------------------------------------------------------
# the checks


def _import_frictionless():
    """Import frictionless, skipping the 2-3 s that jsonschema spends on rfc3987_syntax.

    jsonschema imports ``rfc3987_syntax`` (if installed) only to check the "iri" string
    format, which no Table Schema uses; that import compiles ~40 grammars. Hiding it while
    jsonschema is first imported makes jsonschema skip that one check; it is put back after.
    """
    if "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]
        try:
            import jsonschema  # noqa: F401
        finally:
            del sys.modules["rfc3987_syntax"]
    import frictionless

    return frictionless


def validate_package(data_dir: str | Path) -> Result:
    """Check the package in ``data_dir``; never writes anything."""
    folder = Path(data_dir).resolve()
    prefix = folder.name
    result = Result()
    pkg_file = f"{prefix}/datapackage.json"
    if not folder.is_dir():
        result.problems.append(Problem(str(data_dir), None, None, "no such folder"))
        return result
    descriptor = _read_descriptor(folder / "datapackage.json", pkg_file, result)
    if descriptor is None:
        return result
    resources = [r for r in descriptor.get("resources", []) if isinstance(r, dict)]
    if not _check_descriptor(descriptor, resources, pkg_file, result):
        return result
    result.tables = len(resources)

    # 1. read every file ourselves: encoding, emptiness, quoting, header
    tables: dict[str, Table] = {}
    header_problems: set[str] = set()
    per_file: dict[str, list[Problem]] = {}
    for res in resources:
        name = res["name"]
        display = f"{prefix}/{res['path']}"
        problems = per_file.setdefault(name, [])
        try:
            table = read_table(folder / res["path"], display)
        except DataError as exc:
            problems.append(Problem(exc.file, exc.line, exc.column, exc.message))
            continue
        result.rows += sum(1 for r in table.rows if r)
        if table.had_bom:
            problems.append(
                Problem(display, 1, None, "starts with a byte-order mark (BOM): save as UTF-8 without BOM")
            )
            continue
        header = _check_header(res, table)
        if header:
            problems.extend(header)
            header_problems.add(name)
        if table.delimiter_hint:
            continue  # nothing else can be read from a file with the wrong separator
        tables[name] = table

    # 2. frictionless: the schema work
    for name, problems in _frictionless_checks(
        folder, resources, tables, pkg_file, frozenset(header_problems)
    ).items():
        per_file.setdefault(name, []).extend(problems)

    # 3. the package's own conventions
    for name, problems in _custom_checks(folder, resources, tables, pkg_file).items():
        per_file.setdefault(name, []).extend(problems)

    order = {res["name"]: i for i, res in enumerate(resources)}
    by_name = {res["name"]: res for res in resources}
    seen: set[Problem] = set()
    for name in sorted(per_file, key=lambda n: order.get(n, -1)):
        table = tables.get(name)
        col_pos = (
            {f["name"]: 1000 + i for i, f in enumerate(fields_of(by_name[name]))} if name in by_name else {}
        )
        col_pos.update({h: i for i, h in enumerate(table.header)} if table else {})
        for p in sorted(
            per_file[name], key=lambda p: (p.file, p.line or 0, col_pos.get(p.column or "", 10**6), p.message)
        ):
            if p not in seen:
                seen.add(p)
                result.problems.append(p)
    return result


def _read_descriptor(path: Path, display: str, result: Result) -> dict | None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        result.problems.append(
            Problem(display, None, None, "missing: a data package needs a datapackage.json")
        )
        return None
    except OSError as exc:
        result.problems.append(Problem(display, None, None, f"cannot be read: {exc.strerror}"))
        return None
    try:
        descriptor = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        result.problems.append(
            Problem(
                display,
                line,
                None,
                f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at byte offset {exc.start})",
            )
        )
        return None
    except json.JSONDecodeError as exc:
        result.problems.append(Problem(display, exc.lineno, f"col {exc.colno}", f"not valid JSON: {exc.msg}"))
        return None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        result.problems.append(
            Problem(display, None, None, 'not a data package: expected an object with a "resources" list')
        )
        return None
    return descriptor


def _check_descriptor(descriptor: dict, resources: list[dict], display: str, result: Result) -> bool:
    """Structural checks that the rest relies on, then frictionless's own descriptor check."""
    problems = result.problems
    before = len(problems)
    names: set[str] = set()
    for i, res in enumerate(descriptor["resources"]):
        where = f"resource {i + 1}"
        if not isinstance(res, dict):
            problems.append(Problem(display, None, None, f"{where}: not an object"))
            continue
        name = res.get("name")
        where = f'resource "{name}"' if name else where
        if not name:
            problems.append(Problem(display, None, None, f"{where}: no name"))
        elif name in names:
            problems.append(Problem(display, None, None, f"{where}: the name is used twice"))
        names.add(name)
        path = res.get("path")
        if not isinstance(path, str) or not path:
            problems.append(Problem(display, None, None, f'{where}: "path" must be one file name'))
        elif path.startswith("/") or ".." in Path(path).parts or "://" in path:
            problems.append(
                Problem(display, None, None, f'{where}: "path" must be relative to the data folder')
            )
        fields = (res.get("schema") or {}).get("fields") if isinstance(res.get("schema"), dict) else None
        if not isinstance(fields, list) or not fields:
            problems.append(Problem(display, None, None, f"{where}: no schema fields"))
        elif not all(isinstance(f, dict) and f.get("name") for f in fields):
            problems.append(Problem(display, None, None, f"{where}: every field needs a name"))
    if len(problems) > before:
        return False
    # references between tables must point to real tables and fields
    by_name = {r["name"]: r for r in resources}
    for res in resources:
        where = f'resource "{res["name"]}"'
        field_names = {f["name"] for f in fields_of(res)}
        for fname, ref in reference_fields(res).items():
            target = by_name.get(ref.get("resource"))
            if target is None:
                problems.append(
                    Problem(
                        display,
                        None,
                        None,
                        f'{where}, field "{fname}": references unknown table "{ref.get("resource")}"',
                    )
                )
            elif ref.get("field") not in {f["name"] for f in fields_of(target)}:
                problems.append(
                    Problem(
                        display,
                        None,
                        None,
                        f'{where}, field "{fname}": references unknown field '
                        f'"{ref.get("resource")}.{ref.get("field")}"',
                    )
                )
        for f in fields_of(res):
            if f.get(COUNTRY):
                problems.extend(_check_country_field(f, where, display))
            for prop, other in _row_rule_fields(f):
                if other not in field_names:
                    problems.append(
                        Problem(
                            display,
                            None,
                            None,
                            f'{where}, field "{f["name"]}": {prop} names field "{other}", which does not exist',
                        )
                    )
            prec = f.get(PRECISION)
            if prec and prec not in field_names:
                problems.append(
                    Problem(
                        display,
                        None,
                        None,
                        f'{where}, field "{f["name"]}": precision field "{prec}" does not exist',
                    )
                )
    if len(problems) > before:
        return False
    return True


def _row_rule_fields(f: dict) -> list[tuple[str, str]]:
    """The (property, other field) pairs of a field's row rules (required_if, same_as, within)."""
    out = []
    cond = f.get(REQUIRED_IF)
    if cond is not None:
        out.append((REQUIRED_IF, cond.get("field") if isinstance(cond, dict) else None))
    for prop in (SAME_AS, WITHIN):
        if f.get(prop) is not None:
            out.append((prop, f[prop]))
    return [(p, o if isinstance(o, str) else repr(o)) for p, o in out]


def _row_rules(f: dict, row: list[str], pos: dict[str, int], file: str, line: int) -> list[Problem]:
    """Problems with one cell under the rules that relate it to other cells of its row."""
    fname = f["name"]
    value = row[pos[fname]].strip()
    out: list[Problem] = []
    cond = f.get(REQUIRED_IF)
    if isinstance(cond, dict) and cond.get("field") in pos:
        other = row[pos[cond["field"]]].strip()
        wanted = str(cond.get("equals"))
        if other == wanted and not value:
            out.append(Problem(file, line, fname, f'a value is required here because {cond["field"]} is "{wanted}"'))
        elif other != wanted and value:
            out.append(
                Problem(
                    file,
                    line,
                    fname,
                    f'"{value}" must be empty unless {cond["field"]} is "{wanted}" (it is "{other}")',
                )
            )
    same = f.get(SAME_AS)
    if isinstance(same, str) and same in pos and value:
        other = row[pos[same]].strip()
        if value != other:
            out.append(Problem(file, line, fname, f'"{value}" must be the same as {same} ("{other}")'))
    within = f.get(WITHIN)
    if isinstance(within, str) and within in pos and value:
        listed = set(split_refs(row[pos[within]]))
        missing = [v for v in split_refs(value) if v not in listed]
        if missing:
            out.append(
                Problem(
                    file,
                    line,
                    fname,
                    f"{', '.join(repr(m) for m in missing)} must also be listed in {within} of the same row",
                )
            )
    return out


def _check_header(res: dict, table: Table) -> list[Problem]:
    """Missing, unknown, duplicated or reordered columns, each named."""
    out: list[Problem] = []
    expected = [f["name"] for f in fields_of(res)]
    header = table.header
    line = table.header_line
    if len(header) == 1 and len(expected) > 1:
        for sep, word in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars")):
            if sep in header[0]:
                table.delimiter_hint = True
                return [
                    Problem(
                        table.file,
                        line,
                        None,
                        f"the columns are separated by {word}: save the file as comma-separated CSV",
                    )
                ]
    seen: set[str] = set()
    for i, label in enumerate(header, start=1):
        if not label.strip():
            out.append(Problem(table.file, line, f"column {i}", "the header has an empty column name"))
        elif label in seen:
            out.append(
                Problem(table.file, line, label, f'the column name "{label}" appears twice in the header')
            )
        seen.add(label)
    for name in expected:
        if name not in header:
            out.append(
                Problem(
                    table.file,
                    line,
                    name,
                    f'missing column "{name}": the schema in datapackage.json expects it',
                )
            )
    for label in header:
        if label.strip() and label not in expected:
            out.append(
                Problem(
                    table.file,
                    line,
                    label,
                    f'unknown column "{label}": not in the schema (delete it, or add it to datapackage.json)',
                )
            )
    present = [h for h in header if h in expected]
    if not out and present != expected:
        out.append(
            Problem(
                table.file,
                line,
                None,
                f"the columns are not in the schema's order: expected {', '.join(expected)}",
            )
        )
    return out


def _frictionless_descriptor(resources: list[dict], tables: dict[str, Table] | None) -> dict:
    """A descriptor for frictionless: the healthy tables only, fields as the files have them.

    Keys and foreign keys that involve a missing column or a broken table are dropped
    (their problem is reported already); the custom pattern of partial dates is left to
    our own check, which says more than "does not match".
    """
    out = []
    healthy = {r["name"] for r in resources} if tables is None else set(tables)
    headers = {n: t.header for n, t in (tables or {}).items()}
    for res in resources:
        name = res["name"]
        if name not in healthy:
            continue
        fields = []
        schema_fields = {f["name"]: f for f in fields_of(res)}
        header = headers.get(name, list(schema_fields))
        used: set[str] = set()
        for i, label in enumerate(header, start=1):
            if label in used or not label.strip():  # reported by _check_header; keep positions
                label = f"__column_{i}"
            used.add(label)
            f = dict(schema_fields.get(label) or {"name": label, "type": "any"})
            if f.get(DATE) and "constraints" in f:
                f["constraints"] = {k: v for k, v in f["constraints"].items() if k != "pattern"}
            f = {k: v for k, v in f.items() if not k.startswith("ctmodule:")}
            fields.append(f)
        present = set(header)
        schema: dict = {"fields": fields}
        pk = primary_key(res)
        if pk and set(pk) <= present:
            schema["primaryKey"] = pk
        fks = []
        for fk in (res.get("schema") or {}).get("foreignKeys") or []:
            fk_fields = fk.get("fields")
            fk_fields = [fk_fields] if isinstance(fk_fields, str) else list(fk_fields or [])
            ref = fk.get("reference") or {}
            ref_name = ref.get("resource") or name
            ref_fields = ref.get("fields")
            ref_fields = [ref_fields] if isinstance(ref_fields, str) else list(ref_fields or [])
            if not set(fk_fields) <= present or ref_name not in healthy:
                continue
            if not set(ref_fields) <= set(headers.get(ref_name, ref_fields)):
                continue
            fks.append(fk)
        if fks:
            schema["foreignKeys"] = fks
        out.append(
            {
                "name": name,
                "path": res["path"],
                "profile": "tabular-data-resource",
                "format": "csv",
                "encoding": "utf-8",
                "dialect": {"csv": {"delimiter": ",", "quoteChar": '"'}},
                "schema": schema,
            }
        )
    return {"name": "ctmodule-data", "profile": "tabular-data-package", "resources": out}


_POSITION = re.compile(r"row at position (\d+)", re.I)


def _frictionless_checks(
    folder: Path,
    resources: list[dict],
    tables: dict[str, Table],
    pkg_file: str,
    header_problems: frozenset[str] = frozenset(),
) -> dict[str, list[Problem]]:
    fl = _import_frictionless()
    FrictionlessException, Package = fl.FrictionlessException, fl.Package
    out: dict[str, list[Problem]] = {}

    def invalid(exc) -> dict[str, list[Problem]]:
        reasons = [r.message for r in exc.reasons] or [exc.error.message]
        out["__package__"] = [Problem(pkg_file, None, None, f"invalid descriptor: {r}") for r in reasons]
        return out

    if set(tables) != {r["name"] for r in resources}:
        # some tables are unreadable: still check the whole descriptor (names, types, keys)
        try:
            Package(_frictionless_descriptor(resources, None), basepath=".")
        except FrictionlessException as exc:
            return invalid(exc)
    if not tables:
        return out
    try:
        package = Package(_frictionless_descriptor(resources, tables), basepath=str(folder))
    except FrictionlessException as exc:
        return invalid(exc)
    try:
        report = package.validate()
    except FrictionlessException as exc:
        reasons = [r.message for r in exc.reasons] or [exc.error.message]
        out["__package__"] = [Problem(pkg_file, None, None, f"frictionless: {r}") for r in reasons]
        return out
    by_name = {r["name"]: r for r in resources}
    for task in report.tasks:
        name = task.name
        table = tables.get(name)
        if table is None:
            continue
        out[name] = _convert_errors(
            [e.to_descriptor() for e in task.errors], by_name[name], table, by_name, name in header_problems
        )
    for err in report.errors:
        out.setdefault("__package__", []).append(Problem(pkg_file, None, None, err.message))
    return out


def _convert_errors(
    errors: list[dict], res: dict, table: Table, by_name: dict[str, dict], header_checked: bool = False
) -> list[Problem]:
    """Frictionless errors -> problems with editor line numbers and plain messages."""
    file = table.file
    width = len(table.header)
    blank_rows = {e["rowNumber"] for e in errors if e["type"] == "blank-row"}
    short_rows = {e["rowNumber"] for e in errors if e["type"] in ("missing-cell", "extra-cell")}
    unique_rows = {e["rowNumber"] for e in errors if e["type"] == "unique-error"}
    done_rows: set[int] = set()
    schema_fields = {f["name"]: f for f in fields_of(res)}
    out: list[Problem] = []
    for e in errors:
        kind = e["type"]
        row = e.get("rowNumber")
        line = table.line_of_record(row) if row else None
        column = e.get("fieldName") or None
        cell = e.get("cell")
        note = e.get("note") or ""
        if row in blank_rows and kind != "blank-row":
            continue
        if kind == "blank-row":
            out.append(Problem(file, line, None, "blank line: delete it"))
        elif kind in ("extra-cell", "missing-cell"):
            if row in done_rows:
                continue
            done_rows.add(row)
            n = len(e.get("cells") or [])
            what = "too many" if kind == "extra-cell" else "too few"
            hint = (
                "a stray comma? quote values that contain commas"
                if kind == "extra-cell"
                else "a missing comma or value?"
            )
            out.append(Problem(file, line, None, f"{what} values: {n} for {width} columns ({hint})"))
        elif kind == "type-error":
            ftype = (schema_fields.get(column) or {}).get("type", note)
            out.append(
                Problem(file, line, column, f'"{cell}" is not a valid {_TYPE_WORDS.get(ftype, ftype)}')
            )
        elif kind == "constraint-error":
            if row in short_rows:
                continue  # the row's width is the problem
            out.append(
                Problem(file, line, column, _constraint_message(cell, note, schema_fields.get(column)))
            )
        elif kind == "unique-error":
            first = _first_line(note, table)
            out.append(
                Problem(
                    file,
                    line,
                    column,
                    f'duplicate value "{cell}" in column {column}: it must be unique{first}',
                )
            )
        elif kind == "primary-key":
            if row in unique_rows or row in short_rows:
                continue
            pk = primary_key(res)
            if "all" in note and "None" in note:
                msg = f"the primary key ({', '.join(pk)}) is empty"
            else:
                msg = f"duplicate primary key ({', '.join(pk)}): it must be unique{_first_line(note, table)}"
            out.append(Problem(file, line, pk[0] if pk else None, msg))
        elif kind == "foreign-key":
            names = e.get("fieldNames") or []
            cells = e.get("fieldCells") or []
            ref = e.get("referenceName") or res["name"]
            ref_fields = e.get("referenceFieldNames") or []
            ref_file = (by_name.get(ref) or {}).get("path", ref)
            values = ", ".join(f'"{c}"' for c in cells)
            out.append(
                Problem(
                    file,
                    line,
                    names[0] if names else None,
                    f"unknown {'/'.join(names)} {values}: not a {'/'.join(ref_fields)} in {ref_file}",
                )
            )
        elif kind in ("incorrect-label", "missing-label", "extra-label", "blank-label", "duplicate-label"):
            if header_checked:
                continue  # _check_header named the columns already
            label = e.get("label") or column
            out.append(Problem(file, table.header_line, label, f"header problem: {e.get('message')}"))
        elif kind == "encoding-error":
            out.append(Problem(file, None, None, f"cannot be decoded: {note}"))
        elif kind in ("source-error", "scheme-error", "format-error", "resource-error", "io-error"):
            out.append(Problem(file, None, None, f"cannot be read: {note or e.get('message')}"))
        else:
            out.append(Problem(file, line, column, e.get("message") or kind))
    return out


_TYPE_WORDS = {
    "integer": "integer (a whole number such as 2019)",
    "number": "number",
    "boolean": "boolean (true or false)",
    "date": "date (YYYY-MM-DD)",
    "year": "year (YYYY)",
}


def _first_line(note: str, table: Table) -> str:
    m = re.search(r"row at position (\d+)", note)
    return f" (first used on line {table.line_of_record(int(m.group(1)))})" if m else ""


def _constraint_message(cell, note: str, f: dict | None) -> str:
    constraints = (f or {}).get("constraints") or {}
    m = re.match(r'constraint "(\w+)"', note)
    which = m.group(1) if m else ""
    if which == "required":
        return "a value is required here but the cell is empty"
    if which == "enum":
        allowed = ", ".join(str(v) for v in constraints.get("enum", []))
        hint = country_hint(cell, constraints.get("enum", [])) if (f or {}).get(COUNTRY) else ""
        return f'"{cell}" is not an allowed value{hint}; allowed: {allowed}'
    if which == "pattern":
        return f'"{cell}" does not match the pattern {constraints.get("pattern")}'
    return f'"{cell}" breaks the {which or "a"} constraint ({note})'


def _check_country_field(f: dict, where: str, display: str) -> list[Problem]:
    """A country field needs an enum of ISO 3166-1 alpha-3 codes: the codes the table may use."""
    name = f["name"]
    enum = (f.get("constraints") or {}).get("enum") if isinstance(f.get("constraints"), dict) else None
    if not isinstance(enum, list) or not enum:
        return [
            Problem(
                display,
                None,
                None,
                f'{where}, field "{name}": a country field needs an "enum" constraint listing the '
                'ISO 3166-1 alpha-3 codes it allows, such as ["KAZ", "UZB"]',
            )
        ]
    out = []
    for code in enum:
        if not isinstance(code, str) or not ALPHA3.match(code):
            out.append(
                Problem(
                    display,
                    None,
                    None,
                    f'{where}, field "{name}": {json.dumps(code)} in the enum is not an ISO 3166-1 '
                    "alpha-3 code (three capital letters, such as KAZ)",
                )
            )
    if len(set(map(str, enum))) != len(enum):
        out.append(Problem(display, None, None, f'{where}, field "{name}": the enum lists a code twice'))
    return out


def _custom_checks(
    folder: Path, resources: list[dict], tables: dict[str, Table], pkg_file: str
) -> dict[str, list[Problem]]:
    out: dict[str, list[Problem]] = {}
    by_name = {r["name"]: r for r in resources}

    # ids of every referenced table/field, read from our own parse of its file
    def ids_of(resource: str, fname: str) -> set[str] | None:
        t = tables.get(resource)
        if t is None or fname not in t.header:
            return None
        i = t.header.index(fname)
        return {r[i].strip() for r in t.rows if len(r) == len(t.header)}

    # tables that must cite sources: all but the ones the references point to
    targets = {ref["resource"] for r in resources for ref in reference_fields(r).values()}
    for res in resources:
        if not targets or res["name"] in targets:
            continue
        # every row carries its sources in a column named source_id (the package's rule)
        if "source_id" not in reference_fields(res):
            out.setdefault(res["name"], []).append(
                Problem(
                    pkg_file,
                    None,
                    None,
                    f'table "{res["name"]}" has no source_id column: add a field source_id '
                    f'with "ctmodule:references" to {", ".join(sorted(targets))}',
                )
            )

    bib_cache: dict[str, set[str] | None] = {}
    for name, table in tables.items():
        res = by_name[name]
        problems = out.setdefault(name, [])
        pos = {h: i for i, h in enumerate(table.header)}
        width = len(table.header)
        fields = [f for f in fields_of(res) if f["name"] in pos]
        refs = reference_fields(res)
        ref_ids = {fname: ids_of(ref["resource"], ref["field"]) for fname, ref in refs.items()}
        bib_fields = [f for f in fields if f.get(BIBTEX)]
        for f in bib_fields:
            rel = f[BIBTEX]
            if rel not in bib_cache:
                bib_path = folder.parent / rel
                try:
                    bib_cache[rel] = read_bib_keys(bib_path)
                except FileNotFoundError:
                    bib_cache[rel] = None
                    problems.append(
                        Problem(rel, None, None, f"missing: {table.file} column {f['name']} needs its keys")
                    )
                except UnicodeDecodeError as exc:
                    bib_cache[rel] = None
                    problems.append(Problem(rel, None, None, f"not valid UTF-8 (byte offset {exc.start})"))
        for row, line in zip(table.rows, table.lines, strict=True):
            if len(row) != width:
                continue  # blank or wrong width: frictionless reports it
            for f in fields:
                fname = f["name"]
                value = row[pos[fname]]
                problems.extend(_row_rules(f, row, pos, table.file, line))
                if value == "":
                    continue
                if f.get(DATE):
                    try:
                        _, actual = parse_partial_date(value)
                    except ValueError as exc:
                        problems.append(Problem(table.file, line, fname, str(exc)))
                        continue
                    prec_field = f.get(PRECISION)
                    if prec_field and prec_field in pos:
                        stated = row[pos[prec_field]]
                        if stated in PRECISIONS and stated != actual:
                            problems.append(
                                Problem(
                                    table.file,
                                    line,
                                    fname,
                                    f'"{value}" is a date to the {actual} but {prec_field} says "{stated}"',
                                )
                            )
                if fname in refs:
                    ref = refs[fname]
                    parts = value.split(ref["separator"])
                    if any(not p.strip() for p in parts):
                        problems.append(
                            Problem(
                                table.file,
                                line,
                                fname,
                                f'"{value}": empty id in the list (write ids separated by "{ref["separator"]}")',
                            )
                        )
                    known = ref_ids[fname]
                    if known is not None:
                        target_file = by_name[ref["resource"]]["path"]
                        for part in split_refs(value, ref["separator"]):
                            if part not in known:
                                problems.append(
                                    Problem(
                                        table.file,
                                        line,
                                        fname,
                                        f'unknown {ref["field"]} "{part}": not in {target_file}',
                                    )
                                )
                if f.get(BIBTEX):
                    keys = bib_cache.get(f[BIBTEX])
                    if keys is not None and value not in keys:
                        problems.append(
                            Problem(
                                table.file, line, fname, f'bib key "{value}" is not an entry of {f[BIBTEX]}'
                            )
                        )
    return out


def main(argv: list[str] | None = None) -> int:  # ``python -m ctmodule.data.validate``
    parser = argparse.ArgumentParser(prog="ctmodule validate")
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
