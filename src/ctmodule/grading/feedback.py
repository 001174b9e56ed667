"""Feedback files for students, and ``ctmodule export-written`` for the hand-graded answers.

* :func:`write_feedback` (used by ``ctmodule grade --feedback DIR``) writes one markdown
  file per submission: status, score, each check that passed or failed with its hint,
  the written questions flagged for manual grading, and errors raised by the notebook.
* ``ctmodule export-written EXERCISE_ID SUBMISSIONS --out DIR`` collects the answers to
  the hand-graded questions of every submission into one file per question
  (``DIR/<question>.md`` and ``.html``), so that the instructor reads all the answers to one
  question side by side, and writes ``DIR/marks-template.csv`` (submission, question,
  points) to fill in and merge with ``ctmodule merge-marks``.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import sys
import tempfile
from pathlib import Path

from ctmodule.grading.safety import fenced, file_stem, markdown_code, markdown_text


def _write_text_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as f:
        f.write(text)
    os.replace(tmp, path)

PLACEHOLDER = "_Type your answer here, replacing this text._"


def _safe_name(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)


def write_feedback(folder: Path, results, ex) -> None:
    """One ``<submission>.md`` per result (see module docstring)."""
    folder.mkdir(parents=True, exist_ok=True)
    manual = [q for q in ex.questions if q["manual"]]
    used: set[str] = set()
    for res in results:
        lines = [f"# Feedback: {ex.id}", "", f"Submission: {markdown_code(res.submission)}", ""]
        if res.status == "ok":
            lines.append(f"**Autograded score: {res.score:g} / {ex.max_score:g}**")
        else:
            lines += [f"**Not graded ({res.status})**: {markdown_text(res.error)}", "",
                      "Your score for the autograded part is 0. Fix the problem and ask your instructor "
                      "whether you may resubmit."]
        lines.append("")
        if res.status == "ok":
            by_q: dict[str, list] = {}
            for c in res.cases:
                by_q.setdefault(c["question"], []).append(c)
            for q in ex.auto_questions:
                cases = by_q.get(q["name"], [])
                got = sum(c["points"] for c in cases if c["passed"])
                lines += [f"## {q['name']}: {got:g} / {ex.question_max(q['name']):g}", ""]
                for c in cases:
                    kind = "hidden check" if c["hidden"] else "check"
                    if c["passed"]:
                        lines.append(f"- passed: {kind} {c['index'] + 1}")
                    else:
                        hint = markdown_text(" ".join(str(c["message"]).split())) or "no message"
                        lines.append(f"- **failed**: {kind} {c['index'] + 1}: {hint}")
                lines.append("")
        for q in manual:
            lines += [f"## {q['name']}: written answer ({q['points']:g} points)", "",
                      "Flagged for manual grading: your instructor marks it by hand.", ""]
        if res.cell_errors:
            lines += ["## Errors while running your notebook", ""]
            for e in res.cell_errors[:5]:
                lines.append(f"- code cell {e['cell']}: {markdown_text(e['error'], 300)}")
            if len(res.cell_errors) > 5:
                lines.append(f"- ... and {len(res.cell_errors) - 5} more")
            lines.append("")
        if res.output_truncated:
            lines += ["Your notebook printed a great deal of output; only the beginning was kept.", ""]
        stem = file_stem(res.submission, used)
        _write_text_atomic(folder / (stem + ".md"), "\n".join(lines))


# ---------------------------------------------------------------------------------------
# written answers
# ---------------------------------------------------------------------------------------


def _src(cell: dict) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


def manual_blocks(nb: dict) -> list[tuple[str, list[dict]]]:
    """(prompt, answer cells) for each ``<!-- BEGIN QUESTION -->`` block of a student notebook, in order."""
    blocks, current = [], None
    for cell in nb.get("cells", []):
        src = _src(cell)
        if cell.get("cell_type") == "markdown" and "<!-- BEGIN QUESTION -->" in src:
            current = (src.replace("<!-- BEGIN QUESTION -->", "").strip(), [])
            blocks.append(current)
            continue
        if current is not None and "<!-- END QUESTION -->" in src:
            current = None
            continue
        if current is not None:
            current[1].append(cell)
    return blocks


def _answer_text(cells: list[dict]) -> str:
    parts = []
    for c in cells:
        src = _src(c).strip()
        if not src or src == PLACEHOLDER:
            continue
        if c.get("cell_type") == "code":
            parts.append(fenced(src, "python"))
            for out in c.get("outputs", []) or []:
                text = out.get("text") or (out.get("data") or {}).get("text/plain")
                if text:
                    text = "".join(text) if isinstance(text, list) else text
                    parts.append(fenced(text[:2000], "text"))
        else:  # the student's Markdown is shown as text: it cannot forge a heading or load an image
            parts.append(fenced(src[:20000], "markdown"))
    return "\n\n".join(parts)


def export_written(ex, files: list[tuple[Path, str]], out: Path) -> dict[str, int]:
    """Write ``out/<question>.md`` / ``.html`` and ``out/marks-template.csv``. Returns answers per question."""
    from markdown_it import MarkdownIt

    from ctmodule.grading.common import check_notebook, write_csv_atomic

    manual = [q for q in ex.questions if q["manual"]]
    out.mkdir(parents=True, exist_ok=True)
    answers: dict[str, list[tuple[str, str]]] = {q["name"]: [] for q in manual}
    prompts: dict[str, str] = {}
    pristine = json.loads((ex.student_dir / f"{ex.id}.ipynb").read_text(encoding="utf-8"))
    for q, (prompt, _) in zip(manual, manual_blocks(pristine), strict=False):
        prompts[q["name"]] = prompt
    for item in files:
        path, name, problem = item if len(item) == 3 else (*item, "")
        nb, reason = (None, problem) if problem or path is None else check_notebook(path, ex)
        blocks = manual_blocks(nb) if nb is not None else []
        for k, q in enumerate(manual):
            if nb is None:
                text = f"_(not readable: {markdown_text(reason)})_"
            elif k >= len(blocks):
                text = "_(answer not found: the question's cells are missing from the notebook)_"
            else:
                text = _answer_text(blocks[k][1]) or "_(no answer)_"
            answers[q["name"]].append((name, text))
    md_parser = MarkdownIt("commonmark", {"html": False})  # student HTML is shown as text, never run
    counts = {}
    rows = []
    for q in manual:
        doc = [f"# {ex.id}, {q['name']} ({q['points']:g} points, graded by hand)", "",
               prompts.get(q["name"], ""), ""]
        for name, text in answers[q["name"]]:
            doc += ["---", "", f"## {markdown_text(name)}", "", text, ""]
            rows.append({"submission": name, "question": q["name"], "points": ""})
        text = "\n".join(doc)
        (out / f"{_safe_name(q['name'])}.md").write_text(text, encoding="utf-8")
        body = md_parser.render(text)
        page = (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(ex.id)} "
                f"{html.escape(q['name'])}</title><style>body{{max-width:50em;margin:auto;font-family:sans-serif;"
                f"line-height:1.5}}pre{{background:#f4f4f4;padding:.5em;overflow:auto}}</style></head>"
                f"<body>{body}</body></html>\n")
        (out / f"{_safe_name(q['name'])}.html").write_text(page, encoding="utf-8")
        counts[q["name"]] = sum(1 for _, t in answers[q["name"]] if not t.startswith("_("))
    write_csv_atomic(out / "marks-template.csv", ["submission", "question", "points"], rows)
    return counts


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("exercise", metavar="EXERCISE_ID")
    parser.add_argument("submissions", type=Path, metavar="SUBMISSIONS", help="folder or zip of notebooks")
    parser.add_argument("--out", required=True, type=Path, help="folder for one file per written question")
    parser.add_argument("--release", type=Path, default=None, help="folder written by ctmodule release")
    parser.add_argument("--exercise-root", type=Path, default=None, help="folder of exercise sources")


def run(args: argparse.Namespace) -> int:
    import tempfile

    from ctmodule.grading.common import gather_submissions, load_exercise

    with tempfile.TemporaryDirectory(prefix="ctexport-") as tmp:
        tmp = Path(tmp)
        ex = load_exercise(args.exercise, release_dir=args.release.resolve() if args.release else None,
                           exercise_root=args.exercise_root, work=tmp / "release")
        if not any(q["manual"] for q in ex.questions):
            print(f"ctmodule export-written: {args.exercise} has no hand-graded question", file=sys.stderr)
            return 0
        files = gather_submissions(args.submissions.resolve(), tmp)
        counts = export_written(ex, [(e.path, e.name, e.problem) for e in files], args.out)
    for q, n in counts.items():
        print(f"{q}: {n} answer(s) of {len(files)} input(s) -> {args.out / (q + '.md')}", file=sys.stderr)
    print(f"fill in {args.out / 'marks-template.csv'} and run ctmodule merge-marks", file=sys.stderr)
    return 0
