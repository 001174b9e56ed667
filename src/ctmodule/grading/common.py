"""What the grading commands share: the exercise (questions and test cases from the
autograder zip), reading and checking submissions without running them, and atomic
writes of gradebooks and their metadata.

This module sits beneath every other grading module and imports none of them except
:mod:`ctmodule.grading.release` (to build an exercise from its master), so that no
grading module imports another one back.
"""

from __future__ import annotations

import ast
import csv
import json
import os
import tempfile
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ctmodule.grading import release as _release
from ctmodule.grading.safety import csv_cell, display_name

#: CPython 3.11 keeps the AST constructor's recursion depth in state shared by the threads, so two
#: threads parsing at once can fail with a spurious "SystemError: AST constructor recursion depth
#: mismatch" (python/cpython#106905); the grader parses the test cases from several threads.
_AST_LOCK = threading.Lock()


def parse_python(source: str) -> ast.Module:
    """``ast.parse(source)``, one thread at a time."""
    with _AST_LOCK:
        return ast.parse(source)


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
    tree = parse_python(source)
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


#: caps on what a batch reads: folder depth, entries, a zip's members, its size and compression ratio
MAX_DEPTH = 32
MAX_ENTRIES = 20_000
MAX_ZIP_MEMBERS = 10_000
MAX_ZIP_TOTAL = 2 * 2**30
MAX_ZIP_RATIO = 200
MAX_ZIP_NOTEBOOK = 64 * 2**20


@dataclass
class Entry:
    """One input of a batch: a file to grade (``path``) or a problem that gets an error row."""

    name: str
    path: Path | None = None
    problem: str = ""


def _member_problem(info: zipfile.ZipInfo) -> str:
    """Why a zip member must not be extracted (checked before extracting), or ""."""
    if info.file_size > MAX_ZIP_NOTEBOOK:
        return f"larger than {MAX_ZIP_NOTEBOOK // 2**20} MB when extracted; not read"
    if info.file_size > 2**20 and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
        return f"compressed more than {MAX_ZIP_RATIO} to 1 (a zip bomb?); not extracted"
    return ""


def _copy_capped(src, dst, limit: int) -> bool:
    n = 0
    while True:
        chunk = src.read(1 << 20)
        if not chunk:
            return True
        n += len(chunk)
        if n > limit:
            return False
        dst.write(chunk)


def _extract(path: Path, dest: Path) -> tuple[list[Entry], Path]:
    """Extract a zip of submissions safely; members that cannot be extracted become problem entries."""
    entries: list[Entry] = []
    dest.mkdir(mode=0o700)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SystemExit(f"ctmodule grade: {path} cannot be read as a zip ({exc})") from None
    with zf:
        root = dest.resolve()
        total = 0
        for n, info in enumerate(zf.infolist()):
            raw = info.filename
            shown = display_name(raw)
            if info.is_dir():
                continue
            if n >= MAX_ZIP_MEMBERS:
                entries.append(Entry(f"{display_name(path.name)} (entries after the first {MAX_ZIP_MEMBERS})",
                                     problem=f"the zip holds more than {MAX_ZIP_MEMBERS} entries; the rest were not read"))
                break
            bomb = _member_problem(info)
            total += info.file_size
            if not bomb and total > MAX_ZIP_TOTAL:
                bomb = f"the zip's members add up to more than {MAX_ZIP_TOTAL // 2**30} GB; not extracted"
            if bomb:
                entries.append(Entry(shown, problem=bomb))
                continue
            mode = (info.external_attr >> 16) & 0o170000
            if mode == 0o120000:
                entries.append(Entry(shown, problem="a symbolic link inside the zip; links are never followed"))
                continue
            parts = [p for p in raw.replace("\\", "/").split("/") if p not in ("", ".")]
            if raw.startswith(("/", "\\")) or ".." in parts or not parts or len(parts) > MAX_DEPTH:
                entries.append(Entry(shown, problem="a path that leads outside the zip's folder (or too deep); "
                                                     "not extracted"))
                continue
            safe_parts = [f"{i:05d}-" + "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in p)[:100]
                          for i, p in enumerate(parts[:-1])]
            suffix = os.path.splitext(parts[-1])[1].lower()
            suffix = suffix if suffix in (".ipynb", ".zip") else ".member"
            target = root.joinpath(*safe_parts, f"{n:05d}{suffix}")
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with zf.open(info) as src, open(target, "wb") as dst:
                    ok = _copy_capped(src, dst, max(info.file_size, 0) + 1 if info.file_size < MAX_ZIP_NOTEBOOK
                                      else MAX_ZIP_NOTEBOOK)
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError) as exc:
                target.unlink(missing_ok=True)
                entries.append(Entry(shown, problem=f"this entry of the zip cannot be extracted ({exc})"))
                continue
            if not ok:
                target.unlink(missing_ok=True)
                entries.append(Entry(shown, problem="this entry of the zip is larger than it claims, or larger "
                                                     f"than {MAX_ZIP_NOTEBOOK // 2**20} MB; not read"))
                continue
            entries.append(Entry(shown, path=target))
    return entries, dest


def gather_submissions(path: Path, tmp: Path) -> list[Entry]:
    """Every input in a folder or zip of submissions, each once, in a stable order.

    Nothing is skipped silently: dotfiles, links, special files, folders nested too deep and a
    zip's unsafe members all become entries with a problem (an error row in the gradebook). The
    walk is iterative (no recursion limit) and never follows a symbolic link.
    """
    if path.is_file() and zipfile.is_zipfile(path):
        entries, _ = _extract(path, tmp / "submissions")
        return sorted(entries, key=lambda e: e.name)
    if not path.is_dir():
        raise SystemExit(f"ctmodule grade: {path} is neither a folder nor a zip of notebooks")
    entries: list[Entry] = []
    stack: list[tuple[bytes, tuple[bytes, ...]]] = [(os.fsencode(str(path)), ())]
    seen = 0
    while stack:
        folder, rel = stack.pop()
        try:
            with os.scandir(folder) as it:
                items = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            entries.append(Entry(display_name(b"/".join(rel) or b"."),
                                 problem=f"this folder cannot be read ({exc.strerror})"))
            continue
        for item in items:
            seen += 1
            r = rel + (item.name,)
            shown = display_name(b"/".join(r))
            if seen > MAX_ENTRIES:
                entries.append(Entry(display_name(b"/".join(rel) or b"."),
                                     problem=f"more than {MAX_ENTRIES} entries; the rest of this folder was not read"))
                stack.clear()
                break
            try:
                if item.is_symlink():
                    entries.append(Entry(shown, problem="a symbolic link; links are never followed"))
                elif item.is_dir(follow_symlinks=False):
                    if len(r) >= MAX_DEPTH:
                        entries.append(Entry(shown + "/", problem=f"a folder nested more than {MAX_DEPTH} levels "
                                                                 "deep; not read"))
                    else:
                        stack.append((item.path, r))
                elif item.is_file(follow_symlinks=False):
                    entries.append(Entry(shown, path=Path(os.fsdecode(item.path))))
                else:
                    entries.append(Entry(shown, problem="not a regular file (a device, pipe or socket)"))
            except OSError as exc:
                entries.append(Entry(shown, problem=f"cannot be read ({exc.strerror})"))
    entries.sort(key=lambda e: e.name)
    used: dict[str, int] = {}
    for e in entries:  # two inputs never share a row name
        k = used.get(e.name, 0)
        used[e.name] = k + 1
        if k:
            e.name = f"{e.name} ({k + 1})"
    return entries


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
                if len(zf.infolist()) > MAX_ZIP_MEMBERS:
                    return None, f"the zip holds more than {MAX_ZIP_MEMBERS} entries"
                if len(notebooks) != 1:
                    return None, (f"the zip holds {len(notebooks)} notebooks; a submitted zip must hold "
                                  "exactly one (the zip that the notebook's export cell writes)")
                bomb = _member_problem(notebooks[0])
                if bomb:
                    return None, f"the notebook in the zip is {bomb}"
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
        size = path.stat().st_size
        if size > MAX_NOTEBOOK_BYTES:
            return None, f"the notebook is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB"
        with open(path, "rb") as f:
            data = f.read(MAX_NOTEBOOK_BYTES + 1)
        if len(data) > MAX_NOTEBOOK_BYTES:
            return None, f"the notebook is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB"
        return data, ""
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
# atomic writes
# ---------------------------------------------------------------------------------------


def write_csv_atomic(path: Path, header: list[str], rows: list[dict]) -> None:
    """Write a CSV through a temporary file in the same folder and ``os.replace``."""
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace", newline="") as f:
            w = csv.writer(f)
            w.writerow([csv_cell(h) for h in header])
            for row in rows:  # no cell is ever read as a formula by a spreadsheet
                w.writerow([csv_cell(row.get(h, "")) for h in header])
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


def meta_path(grades: Path) -> Path:
    """The gradebook's metadata file (exercise, questions and their maxima) beside ``grades``."""
    return grades.with_name(grades.stem + ".meta.json")


# ---------------------------------------------------------------------------------------
# the names a test case reads from the notebook
# ---------------------------------------------------------------------------------------

_BUILTIN_NAMES = set(dir(__import__("builtins")))


def _free_names(source: str) -> tuple[set[str], bool]:
    """Names ``source`` reads without defining them, and whether it asks for the whole namespace."""
    try:
        tree = parse_python(source)
    except SyntaxError:
        return set(), False
    loaded, bound, whole = set(), set(), False
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            bound.add(node.name)
            for a in node.args.args + node.args.kwonlyargs + node.args.posonlyargs:
                if a.arg == "env":
                    whole = True
                bound.add(a.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                bound.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    return loaded - bound - _BUILTIN_NAMES, whole


def names_used(cases: list[dict]) -> list[str]:
    """The notebook names the test cases read (``"*"`` if a case takes the whole namespace)."""
    import doctest

    names: set[str] = set()
    for case in cases:
        if case.get("format") == "exception":
            tree = parse_python(case["code"])
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef) and node.name == case.get("function"):
                    for a in node.args.args:
                        if a.arg == "env":
                            names.add("*")
                        else:
                            names.add(a.arg)
            free, whole = _free_names(case["code"])
            names |= free
            if whole:
                names.add("*")
        else:
            src = "\n".join(ex.source for ex in doctest.DocTestParser().get_examples(case["code"]))
            free, whole = _free_names(src)
            names |= free
    return sorted(names)
