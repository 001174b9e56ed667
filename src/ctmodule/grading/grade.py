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

from ctmodule.grading.common import (
    Exercise,
    check_notebook,
    gather_submissions,
    load_exercise,
    meta_path,
    names_used,
    read_submission,
    write_csv_atomic,
    write_json_atomic,
)
from ctmodule.grading.safety import terminal
from ctmodule.grading.sandbox import (
    CGroup,
    Limits,
    become_subreaper,
    bwrap_command,
    join_cgroup_prefix,
    kill_orphans,
    kill_tree,
    prepare_runner_dir,
    private_dir,
    remove_tree,
)

BASE_COLUMNS = ["submission", "status", "score", "max_score", "seconds", "error", "sandbox"]


# ---------------------------------------------------------------------------------------
# one submission
# ---------------------------------------------------------------------------------------


@dataclass
class Settings:
    timeout: float = 300.0
    output_limit: int = 1_000_000
    otter_stub: bool = True
    sandbox: bool = True          # False only with --unsafe
    cgroups: bool = False
    limits: Limits = field(default_factory=Limits)
    runner_dir: Path | None = None
    case_timeout: float = 30.0
    max_message: int = 64 * 2**20  # bytes of data accepted from one sandbox
    cleanup_errors: list = field(default_factory=list)

    @property
    def mode(self) -> str:
        return "bubblewrap" if self.sandbox else "none (--unsafe)"


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
    sandbox: str = ""


class _Lines:
    """Read JSON lines from a pipe with a deadline and a size cap (no thread per pipe)."""

    def __init__(self, stream, cap: int = 64 * 2**20):
        self.stream = stream
        self.sel = selectors.DefaultSelector()
        self.sel.register(stream, selectors.EVENT_READ)
        self.buf = b""
        self.cap = cap

    def read(self, deadline: float) -> dict | None:
        fd = self.stream.fileno()
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            if not self.sel.select(timeout=left):
                raise TimeoutError
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return None
            self.buf += chunk
            if len(self.buf) > self.cap:
                return None
        line, self.buf = self.buf.split(b"\n", 1)
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError, ValueError):
            return None
        return obj if isinstance(obj, dict) else None


_LIVE: set = set()
_LIVE_LOCK = threading.Lock()


def _send(proc: subprocess.Popen, obj: dict) -> None:
    proc.stdin.write((json.dumps(obj, allow_nan=False) + "\n").encode())
    proc.stdin.flush()


def _start(cmd: list[str], cwd: Path, env: dict | None = None) -> subprocess.Popen:
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            start_new_session=True, cwd=cwd, env=env)
    with _LIVE_LOCK:
        _LIVE.add(proc)
    return proc


def _stop(proc: subprocess.Popen | None) -> None:
    if proc is None:
        return
    kill_tree(proc)
    proc.wait()
    for s in (proc.stdin, proc.stdout):
        try:
            s.close()
        except OSError:
            pass
    with _LIVE_LOCK:
        _LIVE.discard(proc)


def _clean_executed(msg: dict) -> dict:
    """Keep only well-typed fields of the runner's report (it speaks for the student's process)."""
    errors = []
    for e in msg.get("cell_errors") or []:
        if isinstance(e, dict) and isinstance(e.get("cell"), int) and isinstance(e.get("error"), str):
            errors.append({"cell": e["cell"], "error": e["error"][:300]})
    values = msg.get("values")
    return {"cell_errors": errors[:1000], "values": values if isinstance(values, dict) else {},
            "output_truncated": bool(msg.get("output_truncated"))}


def grade_one(path: Path, name: str, ex: Exercise, settings: Settings, batch_dir: Path) -> Result:
    start = time.monotonic()
    nb, reason = check_notebook(path, ex)
    if nb is None:
        return Result(name, "error", 0.0, time.monotonic() - start, reason, sandbox=settings.mode)
    job_dir = private_dir("job-", batch_dir)
    runner = judge = group = None
    res = Result(name, "ok", 0.0, 0.0, notebook=nb, sandbox=settings.mode)
    try:
        exdir = job_dir / "exercise"
        shutil.copytree(ex.student_dir, exdir, ignore=shutil.ignore_patterns(f"{ex.id}.ipynb", ".OTTER_LOG"))
        (exdir / f"{ex.id}.ipynb").write_bytes(read_submission(path)[0])  # the submission is only ever read
        names = names_used(ex.cases)
        if settings.sandbox:
            group = CGroup.create(f"ctgrade-{os.getpid()}-{job_dir.name}", settings.limits) if settings.cgroups else None
            cmd = join_cgroup_prefix(group) + bwrap_command(settings.runner_dir, exdir, settings.limits)
            rl = settings.limits.rlimits(per_process_memory=group is None,
                                         nproc=None if group is not None else _nproc_limit(settings))
            job = {"workdir": "/home/student", "src": "/srv/exercise", "notebook": f"/home/student/{ex.id}.ipynb",
                   "pythonpath": ["/opt/ctgrade/stub"] if settings.otter_stub else [], "limits": rl}
            runner = _start(cmd, job_dir)
        else:
            work = job_dir / "work"
            shutil.copytree(exdir, work)
            rl = settings.limits.rlimits(per_process_memory=True, nproc=None)
            job = {"workdir": str(work), "src": None, "notebook": str(work / f"{ex.id}.ipynb"),
                   "pythonpath": [str(settings.runner_dir / "stub")] if settings.otter_stub else [], "limits": rl}
            env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "HOME": str(work)}
            runner = _start([sys.executable, "-I", str(settings.runner_dir / "runner.py")], job_dir, env)
        job.update({"names": names, "output_limit": settings.output_limit})
        deadline = start + settings.timeout
        from_runner = _Lines(runner.stdout, settings.max_message)
        _send(runner, job)
        executed = from_runner.read(deadline)
        if executed is None or executed.get("event") != "executed":
            res.status, res.error = "error", ("the notebook's process stopped without a report (out of memory, "
                                              "a process or file limit, or it ended itself)")
            return res
        executed = _clean_executed(executed)
        res.cell_errors, res.output_truncated = executed["cell_errors"], executed["output_truncated"]
        # the tests run now, in a fresh interpreter that the student's code never touched
        judge = _start([sys.executable, "-m", "ctmodule.grading.judge"], job_dir)
        from_judge = _Lines(judge.stdout, settings.max_message)
        _send(judge, {"cases": ex.cases, "values": executed["values"], "case_timeout": settings.case_timeout})
        while True:
            msg = from_judge.read(deadline)
            if msg is None:
                res.status, res.error = "error", "the tests could not be run on this submission's values"
                return res
            if "results" in msg:
                res.cases = msg["results"] if isinstance(msg["results"], list) else []
                break
            try:
                _send(runner, msg)
                reply = from_runner.read(deadline)
            except (BrokenPipeError, OSError):
                reply = None
            _send(judge, reply if reply is not None and ("return" in reply or "raise" in reply)
                  else {"raise": "the notebook's process stopped while its function ran"})
        _score(res, ex)
        return res
    except TimeoutError:
        return Result(name, "timeout", 0.0, time.monotonic() - start,
                      f"grading took longer than {settings.timeout:g} s (an endless loop, or very slow code); "
                      "the submission was stopped", sandbox=settings.mode)
    except (BrokenPipeError, ConnectionResetError):
        res.status, res.error = "error", "the notebook's process stopped unexpectedly"
        res.score, res.per_question, res.cases = 0.0, {}, []
        return res
    finally:
        res.seconds = time.monotonic() - start
        _stop(runner)
        _stop(judge)
        if group is not None:
            group.remove()
        problem = remove_tree(job_dir)
        if problem:
            settings.cleanup_errors.append(problem)


def _nproc_limit(settings: Settings) -> int | None:
    """Without a cgroup, RLIMIT_NPROC counts every process of the user: allow what runs now plus a margin."""
    if os.geteuid() == 0:
        return None  # root is exempt from RLIMIT_NPROC; the cgroup is the limit there
    mine = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == os.geteuid():
                    mine += 1
            except OSError:
                pass
    return mine + settings.limits.processes * 4


def _score(res: Result, ex: Exercise) -> None:
    """Score from the judge's verdicts: each (question, test) of the autograder counts once, at most its points."""
    verdicts: dict = {}
    for r in res.cases:
        if isinstance(r, dict):
            verdicts.setdefault((r.get("question"), r.get("index")), r)
    per_q = {q["name"]: 0.0 for q in ex.auto_questions}
    total, cases = 0.0, []
    for case in ex.cases:
        r = verdicts.get((case["question"], case["index"]))
        passed = bool(r and r.get("passed") is True)
        cases.append({"question": case["question"], "index": case["index"], "passed": passed,
                      "message": "" if passed else str((r or {}).get("message") or "test not run")[:600],
                      "hidden": case["hidden"], "points": case["points"]})
        if passed:
            per_q[case["question"]] = per_q.get(case["question"], 0.0) + case["points"]
            total += case["points"]
    res.cases = cases
    res.per_question = per_q
    res.score = min(total, ex.max_score)


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
           "max_score": _fmt(ex.max_score), "seconds": f"{res.seconds:.2f}", "error": res.error,
           "sandbox": res.sandbox}
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
                         f"{el:5.0f}s  {terminal(label)[:30]:<30}")
        sys.stderr.flush()
        if self.done == self.total:
            sys.stderr.write("\n")


def grade_batch(ex: Exercise, files: list[tuple[Path | None, str, str]], settings: Settings, jobs: int,
                progress: bool = False) -> list[Result]:
    batch_dir = private_dir("ctgrade-")
    become_subreaper()  # a double-forked child of an unsandboxed submission is adopted, then killed
    if settings.runner_dir is None:
        settings.runner_dir = prepare_runner_dir(batch_dir, settings.otter_stub)
        os.chmod(batch_dir, 0o711)  # the sandbox must reach the runner; job folders stay 0700
    results: dict[str, Result] = {}
    bar = _Progress(len(files), progress)
    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futs = {}
            for p, n, problem in files:
                if problem or p is None:
                    results[n] = Result(n, "error", 0.0, 0.0, problem or "not a file", sandbox=settings.mode)
                    bar.step(n)
                else:
                    futs[pool.submit(grade_one, p, n, ex, settings, batch_dir)] = n
            try:
                for fut in as_completed(futs):
                    name = futs[fut]
                    try:
                        results[name] = fut.result()
                    except Exception as exc:  # a bug of ours must not lose the row
                        results[name] = Result(name, "error", 0.0, 0.0, f"internal grader error: {exc!r}",
                                               sandbox=settings.mode)
                    bar.step(name)
            except BaseException:
                for fut in futs:
                    fut.cancel()
                with _LIVE_LOCK:
                    for proc in list(_LIVE):
                        kill_tree(proc)
                raise
    finally:
        kill_orphans(set())
        problem = remove_tree(batch_dir)
        if problem:
            settings.cleanup_errors.append(problem)
        settings.runner_dir = None
    return [results[n] for _, n, _ in files]


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
    parser.add_argument("--memory", type=int, default=2048,
                        help="memory limit per submission in MB, whole submission where cgroups allow (default 2048; 0: none)")
    parser.add_argument("--processes", type=int, default=64, help="processes per submission (default 64)")
    parser.add_argument("--disk", type=int, default=256, help="MB a submission may write in its folder (default 256)")
    parser.add_argument("--real-otter", action="store_true",
                        help="let grader.check() in the notebooks run the real otter (slower; scores do not change)")
    parser.add_argument("--unsafe", action="store_true",
                        help="grade WITHOUT the sandbox (student code runs with your rights and network); "
                             "every gradebook row records it. Use only for trusted notebooks")
    from ctmodule.grading.roster import add_roster_arguments

    add_roster_arguments(parser)


REFUSAL = """ctmodule grade: cannot start the sandbox: {reason}.
Student notebooks are graded only inside a bubblewrap sandbox, so that no submission can read the
solutions, touch other submissions or your files, or reach the network. To fix this:
  - install bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap; Fedora: sudo dnf install bubblewrap),
    and allow unprivileged user namespaces if your system disables them; or
  - grade on Gradescope with the autograder zip that `ctmodule release` writes; or
  - for notebooks you trust, pass --unsafe (every row of the gradebook then records it)."""


def run(args: argparse.Namespace) -> int:
    from ctmodule.grading.roster import load_roster_arg
    from ctmodule.grading.sandbox import cgroup_available, probe

    roster = load_roster_arg(args)
    if roster is False:
        return 1
    t0 = time.monotonic()
    limits = Limits(memory_mb=args.memory, processes=args.processes, home_mb=args.disk)
    settings = Settings(timeout=args.timeout, output_limit=args.max_output,
                        otter_stub=not args.real_otter, limits=limits)
    if args.unsafe:
        settings.sandbox = False
        print("ctmodule grade: WARNING: --unsafe: no sandbox; student code runs with your rights and network "
              "access. The tests still run outside the student's process, and every row records it.",
              file=sys.stderr)
    else:
        plan = probe()
        if not plan["ok"]:
            print(REFUSAL.format(reason=plan["reason"]), file=sys.stderr)
            return 3
        settings.cgroups = cgroup_available()
    with tempfile.TemporaryDirectory(prefix="ctgrade-setup-") as tmp:
        tmp = Path(tmp)
        ex = load_exercise(args.exercise, release_dir=args.release.resolve() if args.release else None,
                           exercise_root=args.exercise_root, work=tmp / "release")
        entries = gather_submissions(args.submissions.resolve(), tmp)
        if not entries:
            print(f"ctmodule grade: no files in {terminal(str(args.submissions))}", file=sys.stderr)
            return 2
        pairs = [(e.path, e.name, e.problem) for e in entries]
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
    for problem in settings.cleanup_errors[:5]:
        print(f"ctmodule grade: warning: {problem}", file=sys.stderr)
    print(summary(results, ex, time.monotonic() - t0), file=sys.stderr)
    return 0
