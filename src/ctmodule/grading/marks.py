"""``ctmodule merge-marks``: merge hand-given marks for written answers into the gradebook.

``marks.csv`` has the columns ``submission, question, points`` (the template written by
``ctmodule export-written``; rows with an empty ``points`` are skipped). Every problem is
reported as ``file:row:column: message`` and nothing is written if there is one: an
unknown submission, an unknown or autograded question, a mark that is not a number, is
negative or exceeds the question's maximum, or two marks for the same answer.

The question maxima come from the sidecar ``<gradebook>.meta.json`` that ``ctmodule grade``
writes beside the CSV. The merged CSV has the marks in the question columns, and
``score`` / ``max_score`` include the hand-graded points.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
from pathlib import Path

from ctmodule.grading.common import meta_path


class MarksError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


_POINTS = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def _num(text: str) -> float:
    """A mark as a number: plain decimal digits only (no ``nan``, ``1e9``, ``1_0``); never ``-0``."""
    text = text.replace(",", ".") if text.count(",") == 1 and "." not in text else text
    if len(text) > 32 or not _POINTS.match(text):
        raise ValueError(text)
    return float(text) + 0.0


def _read_text(path: Path) -> tuple[str, str]:
    """The file's text and a warning: UTF-8 (with or without BOM), else Windows-1252 as spreadsheets save it."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return data.decode("cp1252", errors="replace"), (
            f"{path}:{line}: not UTF-8; read as Windows-1252 (save the file as CSV UTF-8 to avoid this)")


def merge(grades: Path, marks: Path, meta: dict) -> tuple[list[str], list[dict], list[str]]:
    """Return (header, merged rows, warnings); raise MarksError listing every problem."""
    with open(grades, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        header = list(reader.fieldnames or [])
        rows = list(reader)
    qmax = {q["name"]: float(q["max"]) for q in meta["questions"]}
    manual = {q["name"] for q in meta["questions"] if q["manual"]}
    by_sub = {r["submission"]: r for r in rows if r["submission"]}  # rows of students with no file have none
    problems: list[str] = []
    given: dict[tuple[str, str], float] = {}
    text, enc_warning = _read_text(marks)
    records, rd = [], csv.reader(io.StringIO(text, newline=""))
    try:
        for rec in rd:
            records.append(rec)
    except csv.Error as exc:
        raise MarksError([f"{marks}:{rd.line_num}: the file is not valid CSV here ({exc})"]) from None
    reader = iter(records)
    head = next(reader, None)
    if head is None:
        raise MarksError([f"{marks}:1:1: the file is empty (expected submission,question,points)"])
    head = [h.strip().lower() for h in head]
    try:
        ci = [head.index(c) for c in ("submission", "question", "points")]
    except ValueError:
        raise MarksError([f"{marks}:1:1: the header must name the columns submission, question, points "
                          f"(found {', '.join(head)})"]) from None
    for lineno, rec in enumerate(reader, start=2):
        if not any(cell.strip() for cell in rec):
            continue
        rec = rec + [""] * (max(ci) + 1 - len(rec))
        sub, q, pts = (rec[i].strip() for i in ci)
        def where(col: int, _line: int = lineno) -> str:
            return f"{marks}:{_line}:{ci[col] + 1}"

        if pts == "":
            continue  # not marked yet
        if sub not in by_sub:
            problems.append(f"{where(0)}: unknown submission {sub!r} (not in {grades.name})")
            continue
        if q not in qmax:
            problems.append(f"{where(1)}: unknown question {q!r} (questions: {', '.join(qmax)})")
            continue
        if q not in manual:
            problems.append(f"{where(1)}: question {q!r} is autograded; only hand-graded questions "
                            f"({', '.join(sorted(manual)) or 'none'}) take marks")
            continue
        try:
            value = _num(pts)
        except ValueError:
            problems.append(f"{where(2)}: points {pts!r} is not a number")
            continue
        if value < 0:
            problems.append(f"{where(2)}: points {value:g} is negative")
        elif value > qmax[q]:
            problems.append(f"{where(2)}: points {value:g} is above the maximum of {qmax[q]:g} for {q}")
        elif (sub, q) in given:
            problems.append(f"{where(0)}: a second mark for {sub} {q}")
        else:
            given[(sub, q)] = value
    if problems:
        raise MarksError(problems)
    manual_max = sum(qmax[q] for q in manual)
    warnings = [enc_warning] if enc_warning else []
    for q in sorted(manual):
        missing = [r["submission"] for r in rows if r["submission"] and (r["submission"], q) not in given
                   and not r.get(q, "").strip()]
        if missing:
            warnings.append(f"{len(missing)} submission(s) have no mark for {q} (e.g. {missing[0]})")
    for r in rows:
        extra = 0.0
        for q in manual:
            if (r["submission"], q) in given:
                r[q] = f"{given[(r['submission'], q)]:g}"
            if r.get(q, "").strip():
                extra += float(r[q])
        base = float(r.get("score") or 0)  # the autograded score written by ctmodule grade
        r["score"] = f"{base + extra:.4g}"
        r["max_score"] = f"{float(meta['auto_max']) + manual_max:.4g}"
    return header, rows, warnings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("grades", type=Path, help="gradebook written by ctmodule grade")
    parser.add_argument("marks", type=Path, help="CSV with columns submission, question, points")
    parser.add_argument("--out", required=True, type=Path, help="merged gradebook to write")


def run(args: argparse.Namespace) -> int:
    from ctmodule.grading.common import write_csv_atomic, write_json_atomic

    mp = meta_path(args.grades)
    if not mp.is_file():
        print(f"ctmodule merge-marks: {mp} not found (it is written by ctmodule grade beside the CSV)",
              file=sys.stderr)
        return 2
    meta = json.loads(mp.read_text(encoding="utf-8"))
    if meta.get("merged"):
        print(f"ctmodule merge-marks: {args.grades} already holds merged marks; merge into the gradebook "
              "written by ctmodule grade", file=sys.stderr)
        return 2
    try:
        header, rows, warnings = merge(args.grades, args.marks, meta)
    except MarksError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        print(f"ctmodule merge-marks: {len(exc.problems)} problem(s); nothing written", file=sys.stderr)
        return 1
    write_csv_atomic(args.out, header, rows)
    write_json_atomic(meta_path(args.out), {**meta, "merged": True})
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    print(f"merged marks into {args.out}", file=sys.stderr)
    return 0
