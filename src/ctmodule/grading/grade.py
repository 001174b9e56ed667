"""``ctmodule grade``: grade a folder (or zip) of student notebooks in batch, safely.

Each submission is graded by its own worker process (:mod:`ctmodule.grading.sandbox`) in its own
temporary working copy, with a hard timeout; the tests that decide the score come from
the autograder zip, read here and handed to the worker only after the student's code
has run (see the sandbox module for the full argument). Every file in SUBMISSIONS gets
exactly one CSV row, whatever it contains::

    submission,status,score,max_score,seconds,error,q1,q2,...

``status`` is ``ok``, ``timeout`` or ``error``; ``error`` says what went wrong in a
sentence. Rows that are not ``ok`` score 0. ``max_score`` counts the autograded points;
the columns of hand-graded questions stay empty until ``ctmodule merge-marks`` fills them
(and adds their points to ``score`` and ``max_score``). The CSV is written atomically.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import selectors
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from ctmodule.grading import release as _release
from ctmodule.grading.common import (
    Exercise,
    check_notebook,
    collect_submissions,
    load_exercise,
    meta_path,
    read_submission,
    write_csv_atomic,
    write_json_atomic,
)

BASE_COLUMNS = ["submission", "status", "score", "max_score", "seconds", "error"]


# ---------------------------------------------------------------------------------------
# one submission
# ---------------------------------------------------------------------------------------


@dataclass
class Settings:
    timeout: float = 300.0
    output_limit: int = 1_000_000
    memory_mb: int = 4096
    isolate: bool = True
    otter_stub: bool = True
    prefix: list = field(default_factory=list)
    hide: list = field(default_factory=list)


@dataclass
class Result:
    submission: str
    status: str
    score: float
    seconds: float
    error: str = ""
    per_question: dict = field(default_factory=dict)
    cases: list = field(default_factory=list)
    cell_errors: list = field(default_factory=list)
    output_truncated: bool = False
    notebook: dict | None = None


class _Lines:
    """Read JSON lines from a pipe with a deadline (no thread per pipe)."""

    def __init__(self, stream):
        self.stream = stream
        self.sel = selectors.DefaultSelector()
        self.sel.register(stream, selectors.EVENT_READ)
        self.buf = b""

    def read(self, deadline: float) -> dict | None:
        fd = self.stream.fileno()
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            if not self.sel.select(timeout=left):
                raise TimeoutError
            chunk = os.read(fd, 65536)
            if not chunk:
                return None
            self.buf += chunk
            if len(self.buf) > 10_000_000:
                return None
        line, self.buf = self.buf.split(b"\n", 1)
        try:
            return json.loads(line)
        except json.JSONDecodeError:
            return None


_LIVE: set = set()
_LIVE_LOCK = threading.Lock()


def grade_one(path: Path, name: str, ex: Exercise, settings: Settings, batch_dir: Path) -> Result:
    start = time.monotonic()
    nb, reason = check_notebook(path, ex)
    if nb is None:
        return Result(name, "error", 0.0, time.monotonic() - start, reason)
    job_dir = Path(tempfile.mkdtemp(prefix="job-", dir=batch_dir))
    work = job_dir / "work"
    try:
        shutil.copytree(ex.student_dir, work, ignore=shutil.ignore_patterns(f"{ex.id}.ipynb", ".OTTER_LOG"))
        nb_copy = work / f"{ex.id}.ipynb"
        nb_copy.write_bytes(read_submission(path)[0])  # the submission itself is only ever read
        job = {"notebook": str(nb_copy), "workdir": str(work), "job_dir": str(job_dir),
               "output_limit": settings.output_limit, "memory_mb": settings.memory_mb,
               "isolate": settings.isolate, "hide": settings.hide, "otter_stub": settings.otter_stub}
        cmd = [*settings.prefix, sys.executable, "-m", "ctmodule.grading.sandbox"]
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                start_new_session=True, cwd=job_dir)
        with _LIVE_LOCK:
            _LIVE.add(proc)
        deadline = start + settings.timeout
        lines = _Lines(proc.stdout)
        try:
            proc.stdin.write((json.dumps(job) + "\n").encode())
            proc.stdin.flush()
            executed = lines.read(deadline)
            if executed is None:
                return Result(name, "error", 0.0, time.monotonic() - start,
                              "the grading worker stopped without a result (out of memory, or killed)")
            res = Result(name, "ok", 0.0, 0.0, cell_errors=executed.get("cell_errors", []),
                         output_truncated=bool(executed.get("output_truncated")), notebook=nb)
            if executed.get("status") != "ok":
                res.status, res.error = "error", executed.get("error", "execution failed")
                res.seconds = time.monotonic() - start
                return res
            # the tests leave this process only now, after every student cell has run
            proc.stdin.write((json.dumps({"nonce": secrets.token_hex(16), "cases": ex.cases}) + "\n").encode())
            proc.stdin.flush()
            final = lines.read(deadline)
            if final is None:
                res.status, res.error = "error", "the grading worker stopped while running the tests"
            elif final.get("status") != "ok":
                res.status, res.error = "error", final.get("error", "grading failed")
            else:
                res.cases = final["cases"]
                _score(res, ex)
            res.seconds = time.monotonic() - start
            return res
        except TimeoutError:
            return Result(name, "timeout", 0.0, time.monotonic() - start,
                          f"grading took longer than {settings.timeout:g} s (an endless loop, or very slow code); "
                          "the submission was stopped")
        except BrokenPipeError:
            return Result(name, "error", 0.0, time.monotonic() - start, "the grading worker stopped unexpectedly")
        finally:
            from ctmodule.grading.sandbox import kill_tree

            kill_tree(proc)
            proc.wait()
            for s in (proc.stdin, proc.stdout):
                try:
                    s.close()
                except OSError:
                    pass
            with _LIVE_LOCK:
                _LIVE.discard(proc)
    finally:
        shutil.rmtree(job_dir, ignore_errors=True)


def _score(res: Result, ex: Exercise) -> None:
    by_key = {(c["question"], c["index"]): c for c in ex.cases}
    per_q = {q["name"]: 0.0 for q in ex.auto_questions}
    total = 0.0
    for r in res.cases:
        case = by_key[(r["question"], r["index"])]
        r["hidden"], r["points"] = case["hidden"], case["points"]
        if r["passed"]:
            per_q[r["question"]] = per_q.get(r["question"], 0.0) + case["points"]
            total += case["points"]
    res.per_question = per_q
    res.score = total


# ---------------------------------------------------------------------------------------
# the batch
# ---------------------------------------------------------------------------------------


def _fmt(x: float) -> str:
    return f"{x:.4g}" if isinstance(x, float) else str(x)



def gradebook_meta(ex: Exercise) -> dict:
    return {"exercise": ex.id, "auto_max": ex.max_score,
            "questions": [{"name": q["name"], "manual": q["manual"], "max": ex.question_max(q["name"])}
                          for q in ex.questions]}


def result_row(res: Result, ex: Exercise) -> dict:
    row = {"submission": res.submission, "status": res.status, "score": _fmt(res.score),
           "max_score": _fmt(ex.max_score), "seconds": f"{res.seconds:.2f}", "error": res.error}
    for q in ex.questions:
        if not q["manual"] and res.status == "ok":
            row[q["name"]] = _fmt(res.per_question.get(q["name"], 0.0))
        else:
            row[q["name"]] = ""
    return row


class _Progress:
    def __init__(self, total: int, enabled: bool):
        self.total, self.done, self.enabled, self.t0 = total, 0, enabled, time.monotonic()

    def step(self, label: str) -> None:
        self.done += 1
        if not self.enabled:
            return
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        el = time.monotonic() - self.t0
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} "
                         f"{el:5.0f}s  {label[:30]:<30}")
        sys.stderr.flush()
        if self.done == self.total:
            sys.stderr.write("\n")


def grade_batch(ex: Exercise, files: list[tuple[Path, str]], settings: Settings, jobs: int,
                progress: bool = False) -> list[Result]:
    batch_dir = Path(tempfile.mkdtemp(prefix="ctgrade-"))
    results: dict[str, Result] = {}
    bar = _Progress(len(files), progress)
    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futs = {pool.submit(grade_one, p, n, ex, settings, batch_dir): n for p, n in files}
            try:
                for fut in as_completed(futs):
                    name = futs[fut]
                    try:
                        results[name] = fut.result()
                    except Exception as exc:  # a bug of ours must not lose the row
                        results[name] = Result(name, "error", 0.0, 0.0, f"internal grader error: {exc!r}")
                    bar.step(name)
            except BaseException:
                for fut in futs:
                    fut.cancel()
                from ctmodule.grading.sandbox import kill_tree

                with _LIVE_LOCK:
                    for proc in list(_LIVE):
                        kill_tree(proc)
                raise
    finally:
        shutil.rmtree(batch_dir, ignore_errors=True)
    return [results[n] for _, n in files]


def summary(results: list[Result], ex: Exercise, seconds: float) -> str:
    n = len(results)
    ok = [r for r in results if r.status == "ok"]
    errors = sum(r.status == "error" for r in results)
    timeouts = sum(r.status == "timeout" for r in results)
    rate = n / seconds * 60 if seconds > 0 else 0.0
    mean = (sum(r.score for r in ok) / len(ok)) if ok else 0.0
    return (f"graded {n} submission(s) in {seconds:.1f} s ({rate:.1f} per minute): {len(ok)} ok, "
            f"{errors} error(s), {timeouts} timeout(s); mean score of ok rows {mean:.2f} / {ex.max_score:g}")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("exercise", metavar="EXERCISE_ID")
    parser.add_argument("submissions", type=Path, metavar="SUBMISSIONS", help="folder or zip of notebooks")
    parser.add_argument("--out", required=True, type=Path, help="CSV gradebook to write (atomically)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per submission (default 300)")
    parser.add_argument("--jobs", "-j", type=int, default=max(1, min(4, (os.cpu_count() or 2))),
                        help="submissions graded at the same time (default: cores, at most 4)")
    parser.add_argument("--feedback", type=Path, default=None, help="write one feedback file per submission here")
    parser.add_argument("--release", type=Path, default=None,
                        help="folder written by ctmodule release (default: build the exercise now)")
    parser.add_argument("--exercise-root", type=Path, default=None, help="folder of exercise sources")
    parser.add_argument("--max-output", type=int, default=1_000_000, help="bytes of output kept per submission")
    parser.add_argument("--memory", type=int, default=4096, help="memory limit per submission in MB (0: none)")
    parser.add_argument("--real-otter", action="store_true",
                        help="let grader.check() in the notebooks run the real otter (slower; scores do not change)")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="do not use Linux namespaces even if they work (not recommended)")
    from ctmodule.grading.roster import add_roster_arguments

    add_roster_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from ctmodule.grading.roster import load_roster_arg
    from ctmodule.grading.sandbox import probe_isolation

    roster = load_roster_arg(args)
    if roster is False:
        return 1
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="ctgrade-setup-") as tmp:
        tmp = Path(tmp)
        ex = load_exercise(args.exercise, release_dir=args.release.resolve() if args.release else None,
                           exercise_root=args.exercise_root, work=tmp / "release")
        folder, files = collect_submissions(args.submissions.resolve(), tmp)
        if not files:
            print(f"ctmodule grade: no files in {args.submissions}", file=sys.stderr)
            return 2
        settings = Settings(timeout=args.timeout, output_limit=args.max_output, memory_mb=args.memory,
                            otter_stub=not args.real_otter)
        iso = {"ok": False, "reason": "disabled with --no-sandbox", "prefix": []}
        if not args.no_sandbox:
            iso = probe_isolation()
        if iso["ok"]:
            settings.prefix, settings.isolate = iso["prefix"], True
            hide = [_release.exercise_root(args.exercise_root), folder, args.submissions.resolve().parent
                    if args.submissions.is_file() else folder, args.out.resolve().parent]
            if args.release:
                hide.append(args.release.resolve())
            if args.feedback:
                hide.append(args.feedback.resolve())
            settings.hide = [str(p) for p in hide]
        else:
            settings.isolate = False
            print(f"ctmodule grade: WARNING: no sandbox ({iso['reason']}); student code runs with your rights "
                  "and network access. Each submission still runs in its own copy with a timeout.",
                  file=sys.stderr)
        pairs = [(f, str(f.relative_to(folder))) for f in files]
        try:
            results = grade_batch(ex, pairs, settings, args.jobs, progress=sys.stderr.isatty())
        except KeyboardInterrupt:
            print("\nctmodule grade: interrupted; no gradebook written", file=sys.stderr)
            return 130
    header = BASE_COLUMNS + [q["name"] for q in ex.questions]
    rows, meta = [result_row(r, ex) for r in results], gradebook_meta(ex)
    if roster is not None:
        from ctmodule.grading.roster import apply_roster

        header, rows, meta = apply_roster(args, roster, header, rows, meta, ex.max_score)
    write_csv_atomic(args.out, header, rows)

    write_json_atomic(meta_path(args.out), meta)
    if args.feedback:
        from ctmodule.grading.feedback import write_feedback

        write_feedback(args.feedback, results, ex)
    print(summary(results, ex, time.monotonic() - t0), file=sys.stderr)
    return 0
