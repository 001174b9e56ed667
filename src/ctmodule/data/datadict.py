"""The data dictionary, generated from ``data/datapackage.json`` (never written by hand).

:func:`render_markdown` returns MyST markdown: per table a ``##`` section with its
description, file and row count, a table of its fields (name, type, required,
allowed values or pattern, description), its primary key and its references.
The Sphinx extension :mod:`ctmodule.book.sphinxext` puts it in place of the marker
``<!-- ctmodule:data-dictionary -->`` in ``appendix/data-dictionary.md`` at build time.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ctmodule.data import BIBTEX, DATE, PRECISION, REFS, REQUIRED_IF, SAME_AS, WITHIN, DataError, read_table


def _cell(text) -> str:
    """Text safe inside a markdown table cell: one line, ``|`` escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _code(text) -> str:
    """Inline code safe inside a table cell (``|`` escaped, backticks fenced)."""
    text = _cell(text)
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _as_list(value) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _row_count(folder: Path, path: str) -> str:
    try:
        table = read_table(folder / path)
    except DataError:
        return "unknown (the file cannot be read; run `ctmodule validate`)"
    return str(sum(1 for r in table.rows if r))


def _allowed(field: dict) -> str:
    """The 'allowed values / pattern' cell of one field."""
    c = field.get("constraints") or {}
    parts: list[str] = []
    if "enum" in c:
        parts.append(", ".join(_code(v) for v in c["enum"]))
    if field.get(DATE):
        what = "partial date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, a real calendar date"
        if field.get(PRECISION):
            what += f"; its form matches {_code(field[PRECISION])}"
        parts.append(what)
    elif "pattern" in c:
        parts.append(f"pattern {_code(c['pattern'])}")
    ref = field.get(REFS)
    if isinstance(ref, dict):
        sep = ref.get("separator", ";")
        parts.append(
            f"one or more {_code(ref.get('resource', '') + '.' + ref.get('field', ''))} ids, "
            f"separated by {_code(sep)}"
        )
    if field.get(BIBTEX):
        parts.append(f"a key of {_code(field[BIBTEX])}")
    if c.get("unique"):
        parts.append("unique")
    if "minimum" in c or "maximum" in c:
        lo, hi = c.get("minimum"), c.get("maximum")
        if lo is not None and hi is not None:
            parts.append(f"{lo} to {hi}")
        elif lo is not None:
            parts.append(f"at least {lo}")
        else:
            parts.append(f"at most {hi}")
    for key in ("minLength", "maxLength"):
        if key in c:
            parts.append(f"{key} {c[key]}")
    return "; ".join(parts)


def _description(field: dict) -> str:
    desc = field.get("description") or ""
    title = field.get("title")
    if not desc and title:
        desc = title
    return _cell(desc)


def _row_rule_lines(fields: list[dict]) -> list[str]:
    """Bullets for the rules that relate a cell to other cells of its row."""
    out: list[str] = []
    for f in fields:
        name = _code(f.get("name", ""))
        cond = f.get(REQUIRED_IF)
        if isinstance(cond, dict):
            out.append(
                f"- {name} is filled exactly on the rows where {_code(cond.get('field', ''))} is "
                f"{_code(cond.get('equals', ''))}."
            )
        if isinstance(f.get(SAME_AS), str):
            out.append(f"- {name}, where filled, is the same as {_code(f[SAME_AS])}.")
        if isinstance(f.get(WITHIN), str):
            out.append(f"- Every id in {name} is also listed in {_code(f[WITHIN])}.")
    return out


def render_markdown(datapackage_path: str | os.PathLike) -> str:
    """MyST markdown of the data dictionary of the package at ``datapackage_path``."""
    path = Path(datapackage_path)
    folder = path.parent
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    resources = descriptor.get("resources") or []
    data_folder = folder.name or "data"
    out: list[str] = []
    names = ", ".join(f"{{ref}}`{r.get('name')} <app-data-{r.get('name')}>`" for r in resources)
    out.append(f"The package has {len(resources)} tables: {names}.\n")
    for res in resources:
        name = res.get("name", "")
        file = res.get("path", f"{name}.csv")
        schema = res.get("schema") or {}
        fields = schema.get("fields") or []
        title = res.get("title")
        out.append(f"(app-data-{name})=")
        out.append(f"## {_cell(title)} (`{name}`)" if title else f"## `{name}`")
        out.append("")
        if res.get("description"):
            out.append(" ".join(str(res["description"]).split()))
            out.append("")
        rows = _row_count(folder, file)
        out.append(f"File `{data_folder}/{file}`; {rows} rows; {len(fields)} columns.")
        out.append("")
        out.append("| Column | Type | Required | Allowed values / pattern | Description |")
        out.append("| --- | --- | --- | --- | --- |")
        for f in fields:
            required = "yes" if (f.get("constraints") or {}).get("required") else "no"
            out.append(
                f"| {_code(f.get('name', ''))} | {_cell(f.get('type', 'string'))} | {required} "
                f"| {_allowed(f)} | {_description(f)} |"
            )
        out.append("")
        pk = _as_list(schema.get("primaryKey"))
        keys: list[str] = []
        if pk:
            keys.append(f"- Primary key: {', '.join(_code(k) for k in pk)}.")
        for fk in schema.get("foreignKeys") or []:
            ref = fk.get("reference") or {}
            target = ref.get("resource") or name
            src = ", ".join(_code(k) for k in _as_list(fk.get("fields")))
            dst = ", ".join(_code(f"{target}.{k}") for k in _as_list(ref.get("fields")))
            keys.append(f"- {src} refers to {dst}.")
        for f in fields:
            ref = f.get(REFS)
            if isinstance(ref, dict):
                keys.append(
                    f"- {_code(f['name'])} lists ids of {_code(ref.get('resource', '') + '.' + ref.get('field', ''))}"
                    f", separated by {_code(ref.get('separator', ';'))}."
                )
        keys.extend(_row_rule_lines(fields))
        if keys:
            out.extend(keys)
            out.append("")
    return "\n".join(out)
