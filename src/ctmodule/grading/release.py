"""``ctmodule release``: turn otter master notebooks into student and autograder folders.

For each exercise ``exercises/<id>/<id>.ipynb`` (an otter-grader v1 master notebook) this
runs ``otter assign`` and writes::

    OUT/<id>/student/<id>.ipynb        the notebook to hand out (no solutions, no hidden tests)
    OUT/<id>/student/...               the data it needs and its public tests (``tests/``)
    OUT/<id>/autograder/<id>-autograder.zip   the otter autograder, usable on Gradescope as is
    OUT/<id>/autograder/<id>-solution.ipynb   the notebook with solutions, for the instructor
    OUT/<id>/autograder/grading.json          questions, points, which are graded by hand

Before anything is kept, a leak check compares the student folder with the master: no
line of a solution, no hidden test and no otter marker may appear in it (see
:func:`find_leaks`); a master notebook written in the wrong format (a solution not
inside ``# BEGIN SOLUTION`` / ``# END SOLUTION`` raw cells, say) fails the release
instead of giving the answers away.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "# HIDDEN",
           "BEGIN TESTS", "END TESTS", "ASSIGNMENT CONFIG")


class ReleaseError(RuntimeError):
    """A release that must not go out (bad master notebook, leak, otter failure)."""


def exercise_root(path: str | os.PathLike | None = None) -> Path:
    """The folder of exercises: ``path``, else ``$CTMODULE_EXERCISES``, else ``<repo>/exercises``."""
    if path:
        return Path(path).resolve()
    env = os.environ.get("CTMODULE_EXERCISES")
    if env:
        return Path(env).resolve()
    from ctmodule.paths import repo_root

    return repo_root() / "exercises"


def list_exercises(root: Path) -> list[str]:
    """Exercise ids: folders ``<id>`` of ``root`` that hold a master notebook ``<id>.ipynb``."""
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / f"{p.name}.ipynb").is_file())


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _yaml_block(text: str) -> dict:
    import yaml

    body = "\n".join(text.splitlines()[1:])
    data = yaml.safe_load(body) if body.strip() else {}
    return data if isinstance(data, dict) else {}


def parse_master(path: str | os.PathLike) -> dict:
    """Read an otter v1 master notebook.

    Returns ``{"name", "questions": [{"name", "points", "manual"}], "solutions": [lines],
    "hidden_tests": [lines]}``; the two lists hold the text that must never reach students.
    """
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    name = Path(path).stem
    questions: list[dict] = []
    solutions: list[str] = []
    hidden: list[str] = []
    public: list[str] = []
    in_solution = in_tests = False
    for cell in nb.get("cells", []):
        src = _source(cell)
        first = src.strip().splitlines()[0].strip() if src.strip() else ""
        if cell.get("cell_type") == "raw":
            upper = first.upper()
            if upper.startswith("# ASSIGNMENT CONFIG"):
                name = str(_yaml_block(src).get("name", name))
            elif upper.startswith("# BEGIN QUESTION"):
                q = _yaml_block(src)
                questions.append({"name": str(q.get("name")), "points": q.get("points", 1),
                                  "manual": bool(q.get("manual", False))})
            elif upper.startswith("# BEGIN SOLUTION"):
                in_solution = True
            elif upper.startswith("# END SOLUTION"):
                in_solution = False
            elif upper.startswith("# BEGIN TESTS"):
                in_tests = True
            elif upper.startswith("# END TESTS"):
                in_tests = False
            continue
        is_code = cell.get("cell_type") == "code"
        if in_solution:
            solutions.extend(_solution_lines(src, is_code))
        elif in_tests and is_code and first.upper() == "# HIDDEN":
            hidden.extend(line for line in src.splitlines()[1:] if line.strip())
        elif is_code and not in_tests:
            # in-cell markers outside a raw solution block: otter keeps them, so they must be caught
            sol = _solution_lines(src, True)
            solutions.extend(sol)
            public.append("\n".join(line for line in src.splitlines() if line not in sol))
        elif not in_tests:
            public.append(src)
    for q in questions:
        pts = q["points"]
        q["points"] = float(sum(pts)) if isinstance(pts, list) else float(pts if pts is not None else 1)
    return {"name": name, "questions": questions, "solutions": solutions, "hidden_tests": hidden,
            "public": "\n".join(public)}


def _solution_lines(src: str, is_code: bool) -> list[str]:
    if not is_code:
        return [line for line in src.splitlines() if line.strip()]
    out, inside = [], False
    for line in src.splitlines():
        s = line.strip()
        if re.match(r"#\s*BEGIN SOLUTION", s):
            inside = True
            continue
        if re.match(r"#\s*END SOLUTION", s):
            inside = False
            continue
        if inside:
            out.append(line)
        elif re.search(r"#\s*SOLUTION\s*$", s):
            out.append(re.sub(r"#\s*SOLUTION\s*$", "", line))
    return [line for line in out if line.strip()]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace('\\"', "'").replace('"', "'").replace("\\n", " ")).strip()


def _haystack(folder: Path) -> dict[str, str]:
    texts = {}
    for f in sorted(folder.rglob("*")):
        if not f.is_file() or f.suffix.lower() in (".png", ".jpg", ".jpeg", ".gif", ".pdf", ".zip"):
            continue
        try:
            raw = f.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if f.suffix == ".ipynb":
            try:
                nb = json.loads(raw)
                raw = "\n".join(_source(c) + "\n" + json.dumps(c.get("outputs", [])) for c in nb.get("cells", []))
            except (json.JSONDecodeError, AttributeError):
                pass
        texts[str(f.relative_to(folder))] = _norm(raw)
    return texts


def find_leaks(master: dict, student_dir: Path, min_len: int = 12) -> list[str]:
    """Solution lines, hidden tests and otter markers found in ``student_dir`` (empty list = clean)."""
    texts = _haystack(student_dir)
    public = _norm(master.get("public", ""))
    leaks = []
    for kind, lines in (("solution", master["solutions"]), ("hidden test", master["hidden_tests"])):
        for line in lines:
            needle = _norm(line)
            if len(needle) < min_len or not re.search(r"[A-Za-z0-9]{3}", needle):
                continue  # too short or no words (a table rule, brackets) to identify a solution
            if needle in public:
                continue  # the prompt says the same (a table header, a function signature)
            for fname, text in texts.items():
                if needle in text:
                    leaks.append(f"{fname}: {kind} text {line.strip()[:70]!r}")
    for marker in MARKERS:
        for fname, text in texts.items():
            if marker in text:
                leaks.append(f"{fname}: otter marker {marker!r}")
    return leaks


def build_exercise(exercise_dir: Path, out_dir: Path, *, run_tests: bool = True) -> dict:
    """Release one exercise into ``out_dir`` (which must not exist yet). Returns its grading metadata."""
    ex_id = exercise_dir.name
    master_path = exercise_dir / f"{ex_id}.ipynb"
    if not master_path.is_file():
        raise ReleaseError(f"{master_path} does not exist: an exercise folder holds <id>/<id>.ipynb")
    master = parse_master(master_path)
    if not master["questions"]:
        raise ReleaseError(f"{master_path}: no '# BEGIN QUESTION' raw cell, is this an otter master notebook?")
    with tempfile.TemporaryDirectory(prefix=f"ctrelease-{ex_id}-") as tmp:
        dist = Path(tmp) / "dist"
        cmd = [sys.executable, "-m", "otter", "assign", "--no-pdfs", master_path.name, str(dist)]
        if not run_tests:
            cmd.insert(4, "--no-run-tests")
        proc = subprocess.run(cmd, cwd=exercise_dir, capture_output=True, text=True)
        if proc.returncode != 0:
            tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-6:])
            raise ReleaseError(f"otter assign failed for {ex_id}:\n{tail}")
        zips = sorted((dist / "autograder").glob("*.zip"))
        if len(zips) != 1:
            raise ReleaseError(f"otter assign made {len(zips)} autograder zips for {ex_id}, expected one "
                               "(set 'generate: true' in the ASSIGNMENT CONFIG)")
        leaks = find_leaks(master, dist / "student")
        if leaks:
            raise ReleaseError(f"the student version of {ex_id} would give answers away:\n  " + "\n  ".join(leaks[:10]))
        (dist / "student" / ".OTTER_LOG").unlink(missing_ok=True)
        out_dir.mkdir(parents=True)
        shutil.copytree(dist / "student", out_dir / "student")
        ag = out_dir / "autograder"
        ag.mkdir()
        shutil.copy2(zips[0], ag / f"{ex_id}-autograder.zip")
        shutil.copy2(dist / "autograder" / f"{ex_id}.ipynb", ag / f"{ex_id}-solution.ipynb")
    meta = {"exercise": ex_id, "assignment_name": master["name"], "questions": master["questions"]}
    (ag / "grading.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return meta


def release(ids: list[str], out: Path, *, root: Path, force: bool = False, run_tests: bool = True,
            log=print) -> list[dict]:
    """Release ``ids`` (all exercises when empty) under ``out``."""
    available = list_exercises(root)
    ids = ids or available
    if not ids:
        raise ReleaseError(f"no exercises found in {root} (expected <id>/<id>.ipynb folders)")
    unknown = [i for i in ids if i not in available]
    if unknown:
        raise ReleaseError(f"unknown exercise(s) {', '.join(unknown)}; available in {root}: "
                           f"{', '.join(available) or 'none'}")
    if out.exists() and not out.is_dir():
        raise ReleaseError(f"{out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        n = len(list(out.iterdir()))
        raise ReleaseError(f"{out} is not empty ({n} entries); choose an empty or new folder, "
                           "or pass --force to replace the released exercises in it")
    out.mkdir(parents=True, exist_ok=True)
    metas = []
    for ex_id in ids:
        target = out / ex_id
        staging = out / f".{ex_id}.partial"
        shutil.rmtree(staging, ignore_errors=True)
        try:
            meta = build_exercise(root / ex_id, staging, run_tests=run_tests)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
        metas.append(meta)
        auto = sum(q["points"] for q in meta["questions"] if not q["manual"])
        manual = sum(q["points"] for q in meta["questions"] if q["manual"])
        log(f"released {ex_id}: {len(meta['questions'])} questions ({auto:g} points autograded, "
            f"{manual:g} by hand) -> {target}")
    return metas


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("exercises", nargs="*", metavar="EXERCISE_ID",
                        help="exercises to release (default: all in the exercise folder)")
    parser.add_argument("--out", required=True, type=Path, help="output folder (must be empty or new)")
    parser.add_argument("--force", action="store_true", help="write into a non-empty --out folder")
    parser.add_argument("--exercise-root", type=Path, default=None,
                        help="folder of exercises (default: $CTMODULE_EXERCISES or <repo>/exercises)")
    parser.add_argument("--no-run-tests", action="store_true",
                        help="do not let otter check the solutions against the tests (faster)")


def run(args: argparse.Namespace) -> int:
    root = exercise_root(args.exercise_root)
    try:
        release(args.exercises, args.out.resolve(), root=root, force=args.force,
                run_tests=not args.no_run_tests, log=lambda m: print(m, file=sys.stderr))
    except ReleaseError as exc:
        print(f"ctmodule release: {exc}", file=sys.stderr)
        return 2
    return 0
