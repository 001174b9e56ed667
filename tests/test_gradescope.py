"""The Gradescope path, as far as it can be checked here: each autograder zip, run by otter's own runner.

For every exercise, ``ctmodule release`` builds ``<id>-autograder.zip``. Gradescope builds a grading
image from the zip's own set-up files (``setup.sh`` installs Miniforge, then ``mamba env create -f
environment.yml``) and runs ``run_autograder``, which calls otter's ``run_autograder`` on
``/autograder``. Neither Gradescope nor conda is reachable here, so this test does the same with
what is:

* a clean virtual environment built from the zip's own ``environment.yml`` alone: the Python version
  it names (when this machine has that interpreter; otherwise the one running the tests, and the test
  says so), its pip packages at the versions it gives, and its conda packages from PyPI under the same
  names; nothing from this repository's pinned stack. It is built once per distinct environment, in
  ``.cache/gradescope/<hash>`` (the hash of the environment and the interpreter), and reused;
* ``otter run -a <zip> <notebook>`` from that environment: otter's runner for one submission, which
  unpacks the zip into an ``/autograder``-like folder and calls the same ``run_autograder`` as the zip's
  ``run_otter.py``; the submission alone in a folder of its own, as Gradescope's
  ``/autograder/submission``, with a fresh ``HOME`` and no variables of this project;
* the ``results.json`` it writes (Gradescope's format) must give the solution notebook full marks on
  every autograded question, and a half-done notebook (the solution with the answers of the later half
  of the questions put back to the student's ``...``) full marks on the questions it answers, less on
  the others, and a total strictly between zero and the maximum.

What is not checked here: the upload to Gradescope itself, its image build (conda, ``apt-get``), and
its Python being the one ``environment.yml`` names where this machine lacks that version.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from ctmodule.cli import main as cli
from ctmodule.grading import release

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("CTMODULE_CACHE", ROOT / ".cache")) / "gradescope"
EXERCISES = release.list_exercises(ROOT / "exercises")

pytestmark = pytest.mark.slow


def _environment(zip_path: Path) -> dict:
    """The zip's environment.yml: {"python": "3.13" or None, "packages": [pip requirement strings]}."""
    with zipfile.ZipFile(zip_path) as z:
        names = z.namelist()
        assert "environment.yml" in names, f"{zip_path.name} has no environment.yml: {names}"
        env = yaml.safe_load(z.read("environment.yml"))
        if "requirements.txt" in names:  # otter writes one when the master lists requirements as a file
            extra = z.read("requirements.txt").decode().splitlines()
        else:
            extra = []
    python, packages = None, []
    for dep in env.get("dependencies", []):
        if isinstance(dep, dict):
            packages += [str(p) for p in dep.get("pip", [])]
            continue
        name, _, version = str(dep).partition("=")
        name, version = name.strip(), version.lstrip("=").strip()
        if name == "python":
            python = version or None
        elif name != "pip":  # a conda package: take PyPI's package of the same name
            packages.append(f"{name}=={version}" if version else name)
    packages += [line.strip() for line in extra if line.strip() and not line.startswith("#")]
    return {"python": python, "packages": packages}


def _interpreter(version: str | None) -> tuple[str, str]:
    """An interpreter of ``version`` (e.g. "3.13") if this machine has one, else the running one."""
    if version:
        pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
        cands = [shutil.which(f"python{version}"),
                 *(sorted(map(str, pyenv.glob(f"{version}*/bin/python{version}")), reverse=True)
                   if pyenv.is_dir() else [])]
        for cand in filter(None, cands):
            try:  # a shim (pyenv's) may exist without the version behind it
                out = subprocess.run([cand, "-c", "import sys, venv; print('%d.%d' % sys.version_info[:2])"],
                                     capture_output=True, text=True, timeout=30).stdout.strip()
            except (OSError, subprocess.TimeoutExpired):
                continue
            if out == version:
                return cand, version
    base = getattr(sys, "_base_executable", sys.executable)
    return base, f"{sys.version_info.major}.{sys.version_info.minor}"


def _venv_for(env: dict) -> Path:
    python, have = _interpreter(env["python"])
    key = hashlib.sha256(json.dumps({"python": have, "packages": sorted(env["packages"])}).encode()).hexdigest()[:16]
    venv = CACHE / key
    done = venv / ".complete"
    if done.is_file():
        return venv
    shutil.rmtree(venv, ignore_errors=True)  # an earlier build that did not finish
    venv.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    clean = _clean_env(venv, Path(os.environ.get("HOME", venv)))  # pip keeps the machine's own settings
    pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", *env["packages"]],
                         env=clean, capture_output=True, text=True)
    if pip.returncode != 0:
        shutil.rmtree(venv, ignore_errors=True)
        pytest.fail(f"pip could not install the autograder's environment {env}:\n{pip.stderr[-3000:]}")
    done.write_text(json.dumps({"interpreter": python, "python": have, **env}, indent=1) + "\n")
    return venv


def _clean_env(venv: Path, home: Path) -> dict:
    """The environment a grading container would give: the venv first on PATH, nothing of this project."""
    keep = {k: v for k, v in os.environ.items()
            if k in ("LANG", "LC_ALL", "TZ", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS",
                     "PIP_CONSTRAINT", "PIP_CERT", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE",
                     "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    path = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and not p.startswith(str(ROOT))]
    return {**keep, "HOME": str(home), "PATH": os.pathsep.join([str(venv / "bin"), *path]),
            "PYTHONNOUSERSITE": "1", "MPLBACKEND": "Agg"}


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gradescope") / "release"
    assert cli(["release", "--out", str(out), "--no-run-tests"]) == 0
    return out


@pytest.fixture(scope="module")
def environments(released) -> dict[str, Path]:
    """One clean venv per distinct autograder environment (all six exercises share one today)."""
    envs, venvs = {}, {}
    for ex_id in EXERCISES:
        env = _environment(released / ex_id / "autograder" / f"{ex_id}-autograder.zip")
        key = json.dumps(env, sort_keys=True)
        if key not in venvs:
            venvs[key] = _venv_for(env)
        envs[ex_id] = venvs[key]
    return envs


def _code_cells(nb: dict) -> list[int]:
    return [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"]


def _src(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def answer_cells(solution: dict, student: dict) -> dict[str, list[int]]:
    """For each autograded question, the solution's code cells that hold its answer.

    A code cell whose text differs between the solution and the student notebook (the student's has
    ``...``) belongs to the question whose ``grader.check("qN")`` follows it before the next question
    starts; cells of a question without a check (graded by hand) belong to none.
    """
    sol, stu = _code_cells(solution), _code_cells(student)
    assert len(sol) == len(stu), "the solution and the student notebook differ in their code cells"
    differs = {s for s, t in zip(sol, stu, strict=True) if _src(solution["cells"][s]) != _src(student["cells"][t])}
    out: dict[str, list[int]] = {}
    pending: list[int] = []
    for i, cell in enumerate(solution["cells"]):
        text = _src(cell)
        if cell["cell_type"] == "markdown" and "<!-- BEGIN QUESTION -->" in text:
            pending = []
        elif cell["cell_type"] == "code":
            m = re.search(r'grader\.check\("([^"]+)"\)', text)
            if m:
                out.setdefault(m.group(1), []).extend(pending)
                pending = []
            elif i in differs:
                pending.append(i)
    return out


def half_done(solution: dict, student: dict, auto: list[str]) -> tuple[dict, list[str]]:
    """The solution with the answers of the later half of ``auto`` put back to the student's version."""
    cells = answer_cells(solution, student)
    answered = [q for q in auto if cells.get(q)]
    blank = answered[(len(answered) + 1) // 2:]
    to_student = dict(zip(_code_cells(solution), _code_cells(student), strict=True))
    nb = json.loads(json.dumps(solution))
    for q in blank:
        for i in cells[q]:
            nb["cells"][i]["source"] = student["cells"][to_student[i]]["source"]
    return nb, blank


def otter_run(venv: Path, zip_path: Path, notebook: dict, name: str, work: Path) -> dict:
    """``otter run`` on one submission, alone in its folder as on Gradescope; the parsed results.json."""
    sub, out, home = work / "submission", work / "results", work / "home"
    for d in (sub, out, home):
        d.mkdir(parents=True)
    (sub / name).write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    proc = subprocess.run([str(venv / "bin" / "otter"), "run", "--no-logo", "-a", str(zip_path), "-o", str(out),
                           str(sub / name)], cwd=sub, env=_clean_env(venv, home),
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"otter run failed on {name}:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
    results = out / "results.json"
    assert results.is_file(), f"otter run wrote no results.json:\n{proc.stdout[-2000:]}"
    return json.loads(results.read_text(encoding="utf-8"))


def scores(results: dict) -> tuple[dict[str, tuple[float, float]], float]:
    """Per test ``(score, max_score)`` and the total Gradescope shows (``score`` if given, else the sum)."""
    per = {t["name"]: (float(t.get("score") or 0), float(t.get("max_score") or 0))
           for t in results["tests"] if t.get("max_score") is not None}
    total = float(results["score"]) if results.get("score") is not None else sum(s for s, _ in per.values())
    return per, total


def test_half_done_blanks_answers_only(released):
    ex_id = EXERCISES[0]
    sol = json.loads((released / ex_id / "autograder" / f"{ex_id}-solution.ipynb").read_text(encoding="utf-8"))
    stu = json.loads((released / ex_id / "student" / f"{ex_id}.ipynb").read_text(encoding="utf-8"))
    meta = json.loads((released / ex_id / "autograder" / "grading.json").read_text(encoding="utf-8"))
    auto = [q["name"] for q in meta["questions"] if not q["manual"]]
    cells = answer_cells(sol, stu)
    assert set(cells) == set(auto) and all(cells.values()), cells
    nb, blank = half_done(sol, stu, auto)
    assert 0 < len(blank) < len(auto)
    for q in blank:
        for i in cells[q]:
            assert "..." in _src(nb["cells"][i]) and "SOLUTION" not in _src(nb["cells"][i])
    kept = [i for q in auto if q not in blank for i in cells[q]]
    assert all(nb["cells"][i] == sol["cells"][i] for i in kept)


def test_autograder_zips_score_as_on_gradescope(released, environments, tmp_path):
    assert len(EXERCISES) == 6, EXERCISES
    jobs = []
    for ex_id in EXERCISES:
        ag = released / ex_id / "autograder"
        zip_path = ag / f"{ex_id}-autograder.zip"
        meta = json.loads((ag / "grading.json").read_text(encoding="utf-8"))
        points = {q["name"]: float(q["points"]) for q in meta["questions"] if not q["manual"]}
        sol = json.loads((ag / f"{ex_id}-solution.ipynb").read_text(encoding="utf-8"))
        stu = json.loads((released / ex_id / "student" / f"{ex_id}.ipynb").read_text(encoding="utf-8"))
        half, blank = half_done(sol, stu, list(points))
        for kind, nb in (("solution", sol), ("half", half)):
            jobs.append((ex_id, kind, points, blank, environments[ex_id], zip_path, nb))

    def run(job):
        ex_id, kind, points, blank, venv, zip_path, nb = job
        return job, otter_run(venv, zip_path, nb, f"{ex_id}.ipynb", tmp_path / ex_id / kind)

    with ThreadPoolExecutor(max_workers=2) as pool:
        done = list(pool.map(run, jobs))
    problems = []
    for (ex_id, kind, points, blank, *_), results in done:
        per, total = scores(results)
        got = {name: per[name] for name in per if name in points}
        if set(got) != set(points) or any(got[q][1] != points[q] for q in points):
            problems.append(f"{ex_id} {kind}: questions {got} do not match grading.json {points}")
            continue
        full = sum(points.values())
        if kind == "solution":
            if total != full:
                problems.append(f"{ex_id} solution: {total} of {full}: {got}")
        else:
            short = [q for q in points if q not in blank and got[q][0] != points[q]]
            extra = [q for q in blank if got[q][0] >= points[q]]
            if short or extra or not 0 < total < full:
                problems.append(f"{ex_id} half-done (blank {blank}): {total} of {full}: {got}")
    assert not problems, "\n".join(problems)
