"""``ctmodule export-grades``: a gradebook (with its roster) as the file a learning platform imports.

The gradebook is the CSV that ``ctmodule grade --roster`` wrote (or ``ctmodule merge-marks`` merged
hand-graded marks into); its ``.meta.json`` sidecar gives the questions and their maxima.

``--format moodle`` follows Moodle's *Import grades from CSV file*: a header row, one row per
student, a column that identifies the student (``Email address``, mapped to *useremail*; or
``ID number``, mapped to *useridnumber*, with ``--by idnumber``) and one column per grade item; in
the import form the instructor maps that column and each grade column to a grade item.

``--format canvas`` follows the Canvas gradebook CSV: the columns ``Student, ID, SIS User ID,
SIS Login ID, Section``, then one column per assignment, with a second row ``Points Possible`` giving
each assignment's maximum (as Canvas's own export has). Canvas matches a row by ``ID`` or
``SIS User ID``/``SIS Login ID``; the roster's Canvas ``ID`` and ``SIS User ID`` are carried through.

``--columns exercise`` (default) writes one column with the total; ``--columns question`` one
column per question (``<item> <question>``). Hand-graded questions count once their marks are merged;
until then the export says so. Students with two submissions get the higher score, and the choice is
listed; files that match no student cannot be exported and are listed; students without a
submission get an empty cell (or 0 with ``--missing zero``). Every cell that a spreadsheet would run
as a formula is neutralised. The output is written atomically and an existing file is never
replaced unless ``--force`` is given.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from ctmodule.grading.common import meta_path, write_csv_atomic
from ctmodule.grading.safety import csv_cell

CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_ID = {"email": "Email address", "idnumber": "ID number"}


class ExportError(ValueError):
    pass


def _num(text: str) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):
        return 0.0


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def build(grades: Path, meta: dict, fmt: str, *, columns: str = "exercise", by: str = "email",
          item: str | None = None, missing: str = "blank") -> tuple[list[str], list[list[str]], list[str]]:
    """(header, rows, notes) of the export; raise ExportError if the gradebook cannot be exported."""
    with open(grades, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        head = list(reader.fieldnames or [])
        rows = list(reader)
    if "student_id" not in head or "roster" not in head:
        raise ExportError(f"{grades}:1:1: this gradebook has no student columns; grade with "
                          "`ctmodule grade ... --roster roster.csv` first")
    questions = meta["questions"]
    item = item or meta.get("exercise", grades.stem)
    notes: list[str] = []
    unmarked = [q["name"] for q in questions if q["manual"]] if not meta.get("merged") else []
    if unmarked:
        notes.append(f"hand-graded question(s) {', '.join(unmarked)} not merged yet (ctmodule merge-marks): "
                     "the totals count autograded points only")
    if columns == "exercise":
        maxima = [(item, sum(float(q["max"]) for q in questions if q["name"] not in unmarked))]
    else:
        maxima = [(f"{item} {q['name']}", float(q["max"])) for q in questions]

    def values(r: dict) -> list[float | None]:
        if columns == "exercise":
            return [_num(r.get("score"))]
        return [(_num(r[q["name"]]) if str(r.get(q["name"], "")).strip() else None) for q in questions]

    best: dict[str, dict] = {}
    order: list[str] = []
    for lineno, r in enumerate(rows, start=2):
        st = r.get("roster", "")
        if st in ("unknown", "ambiguous"):
            notes.append(f"not exported: {r['submission']} ({st}; {grades}:{lineno})")
            continue
        sid = r["student_id"]
        if sid not in best:
            best[sid] = r
            order.append(sid)
        elif _num(r.get("score")) > _num(best[sid].get("score")):
            best[sid] = r
    for sid in order:
        dups = [r["submission"] for r in rows if r.get("student_id") == sid and r.get("roster") == "duplicate"]
        if dups:
            notes.append(f"student {sid}: {len(dups)} submissions ({', '.join(dups)}); exported the higher "
                         f"score, from {best[sid]['submission']}")
    out: list[list[str]] = []
    if fmt == "moodle":
        key = "email" if by == "email" else "student_id"
        header = [MOODLE_ID[by]] + [name for name, _ in maxima]
    else:
        header = CANVAS_COLUMNS + [name for name, _ in maxima]
        out.append(["Points Possible", "", "", "", ""] + [_fmt(m) for _, m in maxima])
    for sid in order:
        r = best[sid]
        if r.get("roster") == "missing":
            cells = ["0" if missing == "zero" else "" for _ in maxima]
        else:
            cells = ["" if v is None else _fmt(v) for v in values(r)]
        if fmt == "moodle":
            ident = r.get(key, "")
            if not ident:
                notes.append(f"not exported: student {sid} has no {MOODLE_ID[by].lower()} on the roster")
                continue
            out.append([ident] + cells)
        else:
            out.append([r.get("name", ""), r.get("canvas_id", ""), sid, r.get("login", ""),
                        r.get("section", "")] + cells)
    return header, [[csv_cell(c) for c in row] for row in out], notes


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("grades", type=Path, help="gradebook written by ctmodule grade --roster (or merge-marks)")
    parser.add_argument("--format", required=True, choices=["moodle", "canvas"], help="the platform's import format")
    parser.add_argument("--out", required=True, type=Path, help="file to write (never replaced without --force)")
    parser.add_argument("--columns", choices=["exercise", "question"], default="exercise",
                        help="one column per exercise (default) or per question")
    parser.add_argument("--by", choices=["email", "idnumber"], default="email",
                        help="Moodle: identify students by Email address (default) or ID number")
    parser.add_argument("--item", default=None, help="grade item / assignment name (default: the exercise id)")
    parser.add_argument("--missing", choices=["blank", "zero"], default="blank",
                        help="cell for a student with no submission (default: blank, i.e. not graded)")
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")


def run(args: argparse.Namespace) -> int:
    mp = meta_path(args.grades)
    if not args.grades.is_file():
        print(f"ctmodule export-grades: {args.grades} not found", file=sys.stderr)
        return 2
    if not mp.is_file():
        print(f"ctmodule export-grades: {mp} not found (ctmodule grade writes it beside the CSV)", file=sys.stderr)
        return 2
    if args.out.exists() and not args.force:
        print(f"ctmodule export-grades: {args.out} exists; not replaced (use --force)", file=sys.stderr)
        return 1
    if args.out.resolve() in (args.grades.resolve(), mp.resolve()):
        print("ctmodule export-grades: --out would replace the gradebook itself", file=sys.stderr)
        return 1
    meta = json.loads(mp.read_text(encoding="utf-8"))
    try:
        header, rows, notes = build(args.grades, meta, args.format, columns=args.columns, by=args.by,
                                    item=args.item, missing=args.missing)
    except ExportError as exc:
        print(exc, file=sys.stderr)
        return 1
    write_csv_atomic(args.out, header, [dict(zip(header, r, strict=True)) for r in rows])
    for n in notes:
        print(f"note: {n}", file=sys.stderr)
    n = len(rows) - (1 if args.format == "canvas" else 0)
    print(f"wrote {n} student row(s) for {args.format} to {args.out}", file=sys.stderr)
    return 0
