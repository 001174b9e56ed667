"""``ctmodule grade``: grade a folder (or zip) of student notebooks in batch, safely.

Each submission is graded by its own worker process (:mod:`ctmodule.sandbox`) in its own
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
import ast
import csv
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
import zipfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from ctmodule import release as _release

BASE_COLUMNS = ["submission", "status", "score", "max_score", "seconds", "error"]


# ---------------------------------------------------------------------------------------
# the exercise: questions, test cases from the autograder zip
# ---------------------------------------------------------------------------------------


@dataclass
class Exercise:
    id: str
    assignment_name: str
    student_dir: Path
    autograder_zip: Path
    questions: list[dict]
    cases: list[dict] = field(default_factory=list)

    @property
    def auto_questions(self) -> list[dict]:
        return [q for q in self.questions if not q["manual"]]

    @property
    def max_score(self) -> float:
        return float(sum(c["points"] for c in self.cases))

    def question_max(self, name: str) -> float:
        for q in self.questions:
            if q["name"] == name:
                if q["manual"]:
                    return float(q["points"])
                return float(sum(c["points"] for c in self.cases if c["question"] == name))
        raise KeyError(name)


def _resolve_points(total, specified: list) -> list[float]:
    """Otter's rule: share a question's points among test cases that do not set their own."""
    if isinstance(total, list):
        return [float(p) for p in total]
    pre = sum(p for p in specified if p is not None)
    n_free = sum(p is None for p in specified)
    if total is not None:
        per = (float(total) - pre) / n_free if n_free else 0.0
    elif pre == 0:
        per = 1.0 / n_free if n_free else 0.0
    else:
        per = 0.0
    return [float(p) if p is not None else per for p in specified]


def _kwargs_of(decorator: ast.expr) -> dict:
    if isinstance(decorator, ast.Call):
        return {k.arg: ast.literal_eval(k.value) for k in decorator.keywords if k.arg}
    return {}


def parse_test_file(name: str, source: str) -> list[dict]:
    """Test cases of one otter test file (OK format or exception format)."""
    tree = ast.parse(source)
    qname = Path(name).stem
    if "OK_FORMAT = True" in source or "OK_FORMAT=True" in source:
        ns: dict = {}
        exec(compile(tree, name, "exec"), ns)  # the autograder's own file, from the zip
        test = ns["test"]
        qname = test.get("name", qname)
        cases = [c for suite in test.get("suites", []) for c in suite.get("cases", [])]
        points = _resolve_points(test.get("points"), [c.get("points") for c in cases])
        return [{"question": qname, "index": i, "format": "ok", "code": c["code"],
                 "hidden": bool(c.get("hidden", False)), "points": p}
                for i, (c, p) in enumerate(zip(cases, points, strict=True))]
    total, funcs = None, []
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if node.targets[0].id == "name":
                qname = ast.literal_eval(node.value)
            elif node.targets[0].id == "points":
                total = ast.literal_eval(node.value)
        elif isinstance(node, ast.FunctionDef):
            decos = [d for d in node.decorator_list
                     if (isinstance(d, ast.Call) and getattr(d.func, "id", "") == "test_case")
                     or getattr(d, "id", "") == "test_case"]
            if decos:
                lines = source.splitlines()[node.lineno - 1:node.end_lineno]
                funcs.append((node.name, "\n".join(lines), _kwargs_of(decos[0])))
    points = _resolve_points(total, [kw.get("points") for _, _, kw in funcs])
    imports = "\n".join(ast.get_source_segment(source, n) for n in tree.body
                        if isinstance(n, (ast.Import, ast.ImportFrom)) and "otter" not in ast.dump(n))
    return [{"question": qname, "index": i, "format": "exception", "function": fname,
             "code": (imports + "\n" if imports else "") + code, "hidden": bool(kw.get("hidden", False)),
             "points": p}
            for i, ((fname, code, kw), p) in enumerate(zip(funcs, points, strict=True))]


def load_cases(autograder_zip: Path) -> list[dict]:
    cases = []
    with zipfile.ZipFile(autograder_zip) as zf:
        for name in sorted(zf.namelist()):
            if name.startswith("tests/") and name.endswith(".py"):
                cases.extend(parse_test_file(name, zf.read(name).decode("utf-8")))
    return cases


def load_exercise(ex_id: str, *, release_dir: Path | None = None, exercise_root: Path | None = None,
                  work: Path | None = None) -> Exercise:
    """Find (or build, with ``otter assign`` into ``work``) the released exercise ``ex_id``."""
    if release_dir is None:
        root = _release.exercise_root(exercise_root)
        available = _release.list_exercises(root)
        if ex_id not in available:
            raise SystemExit(f"ctmodule grade: unknown exercise {ex_id!r}; available in {root}: "
                             f"{', '.join(available) or 'none'}")
        assert work is not None
        _release.build_exercise(root / ex_id, work / ex_id, run_tests=False)
        base = work / ex_id
    else:
        base = release_dir / ex_id
        if not (base / "autograder" / "grading.json").is_file():
            raise SystemExit(f"ctmodule grade: {base} is not a released exercise (run ctmodule release)")
    meta = json.loads((base / "autograder" / "grading.json").read_text(encoding="utf-8"))
    zpath = base / "autograder" / f"{ex_id}-autograder.zip"
    ex = Exercise(ex_id, meta.get("assignment_name", ex_id), base / "student", zpath, meta["questions"])
    ex.cases = load_cases(zpath)
    return ex


# ---------------------------------------------------------------------------------------
# submissions
# ---------------------------------------------------------------------------------------


def collect_submissions(path: Path, tmp: Path) -> tuple[Path, list[Path]]:
    """Return (folder, files). A zip is extracted (safely) into ``tmp`` first."""
    if path.is_file() and zipfile.is_zipfile(path):
        dest = tmp / "submissions"
        dest.mkdir()
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                target = (dest / info.filename).resolve()
                if not str(target).startswith(str(dest.resolve()) + os.sep):
                    continue  # absolute or ../ paths are ignored
                if info.is_dir():
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)
        path = dest
    if not path.is_dir():
        raise SystemExit(f"ctmodule grade: {path} is neither a folder nor a zip of notebooks")
    files = []
    for f in sorted(path.rglob("*")):
        rel = f.relative_to(path)
        if any(part.startswith(".") or part == "__MACOSX" for part in rel.parts):
            continue  # .DS_Store, .ipynb_checkpoints, macOS zip debris
        if f.is_file():
            files.append(f)
    return path, files


MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024  # a notebook inside a student's zip; guards against zip bombs


def read_submission(path: Path) -> tuple[bytes | None, str]:
    """The submitted notebook's bytes: the ``.ipynb`` itself, or the one notebook inside a ``.zip``.

    Students who follow the notebook's own submission cell hand in the zip that
    ``grader.export()`` writes (the notebook plus a log); that zip must hold exactly one notebook.
    """
    suffix = path.suffix.lower()
    if suffix == ".zip":
        try:
            with zipfile.ZipFile(path) as zf:
                notebooks = [
                    info for info in zf.infolist()
                    if not info.is_dir() and info.filename.lower().endswith(".ipynb")
                    and not any(p.startswith(".") or p == "__MACOSX" for p in info.filename.split("/"))
                ]
                if len(notebooks) != 1:
                    return None, (f"the zip holds {len(notebooks)} notebooks; a submitted zip must hold "
                                  "exactly one (the zip that the notebook's export cell writes)")
                with zf.open(notebooks[0]) as member:
                    data = member.read(MAX_NOTEBOOK_BYTES + 1)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
            return None, f"the zip cannot be read ({exc})"
        if len(data) > MAX_NOTEBOOK_BYTES:
            return None, f"the notebook in the zip is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB"
        return data, ""
    if suffix != ".ipynb":
        return None, (f"not a notebook: expected a .ipynb file (or the zip its export cell writes), "
                      f"got {path.suffix or 'a file with no extension'}")
    try:
        return path.read_bytes(), ""
    except OSError as exc:
        return None, f"cannot read the file: {exc.strerror}"


def check_notebook(path: Path, ex: Exercise) -> tuple[dict | None, str]:
    """Read a submission without running it: (notebook, "") or (None, reason)."""
    data, reason = read_submission(path)
    if data is None:
        return None, reason
    if not data.strip():
        return None, "the file is empty"
    try:
        nb = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        return None, "the file is not a notebook (not UTF-8 text; a binary file renamed .ipynb?)"
    except json.JSONDecodeError as exc:
        return None, f"the file is not valid notebook JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list) or nb.get("nbformat") != 4:
        return None, "the file is JSON but not a Jupyter notebook (version 4 with a list of cells)"
    if not all(isinstance(c, dict) and "cell_type" in c for c in nb["cells"]):
        return None, "the notebook's cells are malformed"
    name = ((nb.get("metadata") or {}).get("otter") or {}).get("assignment_name")
    if name and name != ex.assignment_name:
        return None, f"this notebook belongs to exercise {name!r}, not {ex.assignment_name!r}"
    if not name:
        text = "\n".join(_release._source(c) for c in nb["cells"])
        if f"{ex.id}.ipynb" not in text and not any(f'check("{q["name"]}")' in text for q in ex.auto_questions):
            return None, f"this notebook does not look like exercise {ex.id!r} (no otter metadata, none of its checks)"
    return nb, ""


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
        cmd = [*settings.prefix, sys.executable, "-m", "ctmodule.sandbox"]
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
            from ctmodule.sandbox import kill_tree

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


def write_csv_atomic(path: Path, header: list[str], rows: list[dict]) -> None:
    """Write a CSV through a temporary file in the same folder and ``os.replace``."""
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=header, extrasaction="ignore")
            w.writeheader()
            w.writerows(rows)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_json_atomic(path: Path, data: dict) -> None:
    path = path.resolve()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)


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
                from ctmodule.sandbox import kill_tree

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


def run(args: argparse.Namespace) -> int:
    from ctmodule.sandbox import probe_isolation

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
    write_csv_atomic(args.out, header, [result_row(r, ex) for r in results])
    from ctmodule.marks import meta_path

    write_json_atomic(meta_path(args.out), gradebook_meta(ex))
    if args.feedback:
        from ctmodule.feedback import write_feedback

        write_feedback(args.feedback, results, ex)
    print(summary(results, ex, time.monotonic() - t0), file=sys.stderr)
    return 0
