"""Benchmarks: how long the book takes to build, test and grade, against floors measured in the same run.

Usage (from the repository root; ``make bench`` runs the first line)::

    .venv/bin/python benchmarks/run.py                      # full run, JSON to benchmarks/results/
    .venv/bin/python benchmarks/run.py --quick              # development: 4 grading copies, no serial nbval
    .venv/bin/python benchmarks/run.py --json out.json --update-readme
    .venv/bin/python benchmarks/run.py --table benchmarks/results/reference-2026-11-23.json

Every measurement runs on a copy of the repository in a temporary folder (git's tracked and
untracked files plus ``_vendor/``), so the edits made for the rebuild measurements never touch the
working tree, and the book is built into the copy's ``_build``. The tools come from the repository's
``.venv`` (absolute paths); the copy's ``src/`` is put first on ``PYTHONPATH``.

The script prints a table, writes JSON, and exits 0 unless it crashes: a missed target is a ✗ in
the table, not a failure. See benchmarks/README.md for the method and the targets.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import json
import os
import platform
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
RESULTS = ROOT / "benchmarks" / "results"
README = ROOT / "benchmarks" / "README.md"
# both show the latest table between the markers
READMES = (README, ROOT / "README.md")
TABLE_START = "<!-- bench-table:start -->"
TABLE_END = "<!-- bench-table:end -->"

# The targets of issue 9, as ratios (absolute times vary from machine to machine).
TARGETS = {
    "clean_build_exec_ratio": 1.5,     # (clean build - Sphinx cost) / notebook floor
    "nochange_rebuild_s": 3.0,
    "markdown_edit_ratio": 2.0,        # markdown-edit rebuild / no-change rebuild
    "editions_clean_ratio": 1.5,       # clean build of every edition / English-only clean build (issue 18)
    "editions_nochange_ratio": 1.5,    # no-change rebuild of every edition / English-only one (issue 18)
    "nbval_parallel_ratio": 0.7,       # nbval -n 2 / nbval serial
    "grade_speedup": 1.6,              # throughput --jobs 2 / --jobs 1
    "grade_floor_ratio": 1.5,          # seconds per submission, --jobs 2 / the per-submission floor
    "import_s": 0.5,
    "page_bytes": 1.5e6,
}
# Pages that are generated or hold only generated content: not the page to edit for the
# "one-line markdown edit" measurement.
GENERATED_PAGES = {"appendix/glossary", "appendix/bibliography", "appendix/data-dictionary"}
# Site folders of shared assets (not counted in a page's transfer size).
SHARED_DIRS = ("_static", "_vendor", "_sphinx_design_static", "_sources", "_panels_static")


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- helpers

def cpu_now() -> float:
    """CPU seconds (user + system) used so far by this process and its waited-for children."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def machine_busy() -> float | None:
    """CPU ticks (user, nice, system, irq, softirq) the whole machine has used so far (Linux)."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()
        return sum(int(fields[i]) for i in (1, 2, 3, 6, 7)) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def run(cmd: list, cwd: Path, env: dict, logfile: Path | None = None, timeout: float | None = None) -> dict:
    """Run ``cmd``; return wall and CPU seconds, exit code and output (also written to ``logfile``).

    ``machine_cpus_busy`` is how many CPUs the whole machine kept busy on average meanwhile: more
    than the command itself needs means other work competed with it.
    """
    t, c, m = time.perf_counter(), cpu_now(), machine_busy()
    try:
        p = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=timeout)
        code, out = p.returncode, p.stdout
    except subprocess.TimeoutExpired as e:
        code, out = -9, (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        out += f"\n[bench] timed out after {timeout} s"
    seconds, cpu, m1 = time.perf_counter() - t, cpu_now() - c, machine_busy()
    if logfile:
        logfile.write_text(out, encoding="utf-8")
    busy = round((m1 - m) / seconds, 2) if m is not None and m1 is not None and seconds > 0 else None
    return {"seconds": seconds, "cpu_s": cpu, "code": code, "output": out, "machine_cpus_busy": busy}


def median_of(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def rnd(x, n=2):
    return None if x is None else round(x, n)


def copy_repo(src: Path, dest: Path) -> int:
    """Copy the files git knows about (tracked and untracked, not ignored) and ``_vendor/``."""
    files: list[str] = []
    try:
        out = subprocess.run(["git", "-C", str(src), "ls-files", "-z", "--cached", "--others",
                              "--exclude-standard"], check=True, stdout=subprocess.PIPE).stdout
        files = sorted({f for f in out.decode().split("\0") if f})
    except (OSError, subprocess.CalledProcessError):
        skip = {".venv", "_build", ".git", "node_modules", "_vendor", ".pytest_cache", ".ruff_cache"}
        files = [str(p.relative_to(src)) for p in src.rglob("*")
                 if p.is_file() and not (set(p.relative_to(src).parts) & skip)]
    n = 0
    for rel in files:
        s, d = src / rel, dest / rel
        if s.is_symlink():  # e.g. exercises/<id>/data -> ../../data: keep it a link
            d.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(os.readlink(s), d)
        elif s.is_file():  # (not: deleted in the working tree, or a submodule)
            d.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(s, d)
        else:
            continue
        n += 1
    vendor = src / "_vendor"
    if vendor.is_dir():
        shutil.copytree(vendor, dest / "_vendor", dirs_exist_ok=True)
    return n


def bench_env(copy: Path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("COVERAGE_", "PYTEST_", "JUPYTER_", "VIRTUAL_ENV"))}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(VENV)
    env["PYTHONPATH"] = str(copy / "src")  # the copy's ctmodule before the editable install's
    env["CTMODULE_ROOT"] = str(copy)
    env.pop("PYTHONHOME", None)
    return env


def toc_docs(copy: Path) -> list[str]:
    """Docnames in ``_toc.yml`` order (root first)."""
    import yaml

    toc = yaml.safe_load((copy / "_toc.yml").read_text(encoding="utf-8"))
    docs = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                docs.append(str(node["file"]))
            for key in ("parts", "chapters", "sections"):
                for child in node.get(key, []) or []:
                    walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(toc)
    return [re.sub(r"\.(md|ipynb)$", "", d) for d in docs]


def doc_path(copy: Path, doc: str) -> Path | None:
    for ext in (".ipynb", ".md"):
        if (copy / f"{doc}{ext}").is_file():
            return copy / f"{doc}{ext}"
    return None


def has_code(nb_path: Path) -> bool:
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    return any(c.get("cell_type") == "code" and "".join(c.get("source", "")).strip() for c in nb["cells"])


def exercises(copy: Path) -> list[str]:
    root = copy / "exercises"
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / f"{p.name}.ipynb").is_file())


def makefile_var(name: str, default: str) -> str:
    try:
        text = (ROOT / "Makefile").read_text(encoding="utf-8")
    except OSError:
        return default
    m = re.search(rf"^{name}\s*[:?]?=\s*(.*)$", text, re.M)
    return m.group(1).strip() if m else default


# ----------------------------------------------------------------------------- jupyter-cache and build log

def cache_records(copy: Path) -> dict[int, str]:
    """{pk: notebook path} of the jupyter-cache records in the copy's build."""
    path = copy / "_build" / ".jupyter_cache"
    if not path.is_dir():
        return {}
    from jupyter_cache import get_cache

    return {r.pk: str(Path(r.uri).resolve().relative_to(copy)) if Path(r.uri).is_absolute() else r.uri
            for r in get_cache(str(path)).list_cache_records()}


def parse_build_log(text: str, copy: Path) -> dict:
    """Which docs Sphinx read and wrote, which notebooks ran, warnings, config changes."""
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
    read = re.findall(r"^reading sources\.\.\. \[\s*\d+%\] (\S+)", plain, re.M)
    written = re.findall(r"^writing output\.\.\. \[\s*\d+%\] (\S+)", plain, re.M)
    executed = []
    for m in re.finditer(r"^(\S+?)(?::\d+)?: (?:\S+: )?Executed notebook in ([\d.]+) seconds", plain, re.M):
        name = m.group(1)
        try:
            name = str(Path(name).resolve().relative_to(copy.resolve()))
        except ValueError:
            pass
        executed.append({"doc": re.sub(r"\.(ipynb|md)$", "", name), "seconds": float(m.group(2))})
    cached = len(re.findall(r"Using cached notebook", plain))
    env = re.search(r"updating environment: (?:\[([^\]]*)\] )?(\d+) added, (\d+) changed, (\d+) removed", plain)
    return {
        "read": read, "written": written, "executed": executed, "cached_notebooks": cached,
        "env_reason": env.group(1) if env else None,
        "env_changed": int(env.group(3)) if env else None,
        "warnings": len(re.findall(r"WARNING", plain)),
        "succeeded": "build succeeded" in plain or "Finished generating HTML" in plain,
    }


# ----------------------------------------------------------------------------- measurements

def kernel_start(n: int, cwd: Path) -> dict:
    from jupyter_client.manager import start_new_kernel

    times = []
    for _ in range(n):
        t = time.perf_counter()
        km, kc = start_new_kernel(kernel_name="python3", cwd=str(cwd))
        times.append(time.perf_counter() - t)
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return {"median_s": rnd(median_of(times), 3), "runs_s": [rnd(x, 3) for x in times]}


def execute_notebooks(paths: list[Path], copy: Path, timeout: int = 300) -> dict:
    """Execute each notebook once with nbclient (a fresh kernel each, cwd = its folder)."""
    import nbformat
    from nbclient import NotebookClient

    per = {}
    for p in paths:
        nb = nbformat.read(p, as_version=4)
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(p.parent)}})
        t, c = time.perf_counter(), cpu_now()
        error = None
        try:
            client.execute()
        except Exception as e:  # noqa: BLE001 - a failing notebook is recorded, not fatal
            error = f"{type(e).__name__}: {str(e).strip().splitlines()[-1] if str(e).strip() else ''}"[:300]
        per[str(p.relative_to(copy))] = {"seconds": rnd(time.perf_counter() - t, 2),
                                         "cpu_s": rnd(cpu_now() - c, 2), "error": error}
        log(f"  executed {p.relative_to(copy)} in {per[str(p.relative_to(copy))]['seconds']} s"
            + (f" ({error})" if error else ""))
    return per


def release_exercise(ex_id: str, copy: Path, env: dict, work: Path) -> dict:
    rel = work / "release"
    r = run([BIN / "ctmodule", "release", ex_id, "--out", rel, "--no-run-tests",
             "--exercise-root", copy / "exercises"], copy, env, work / "release.log", timeout=900)
    out = {"seconds": rnd(r["seconds"]), "code": r["code"], "release_dir": str(rel)}
    if r["code"] != 0:
        out["error"] = r["output"].strip().splitlines()[-1:] or ["?"]
        return out
    ag = rel / ex_id / "autograder"
    zips = sorted(ag.glob("*.zip"))
    sols = sorted(ag.glob("*solution*.ipynb"))
    out["autograder_zip"] = str(zips[0]) if zips else None
    out["solution"] = str(sols[0]) if sols else None
    return out


def otter_floor(rel: dict, copy: Path, env: dict, work: Path) -> dict:
    if not rel.get("autograder_zip") or not rel.get("solution"):
        return {"available": False, "reason": "the release has no autograder zip or solution notebook"}
    outdir = work / "otter-run"
    outdir.mkdir(exist_ok=True)
    sub = outdir / Path(rel["solution"]).name
    shutil.copyfile(rel["solution"], sub)
    r = run([BIN / "otter", "run", "-a", rel["autograder_zip"], "-o", outdir, "--no-logo", sub],
            outdir, env, work / "otter-run.log", timeout=900)
    res = {"available": r["code"] == 0, "seconds": rnd(r["seconds"]), "cpu_s": rnd(r["cpu_s"]), "code": r["code"]}
    if r["code"] != 0:
        res["reason"] = f"otter run exited {r['code']}: " + " ".join(r["output"].strip().splitlines()[-2:])[:300]
        return res
    try:
        data = json.loads((outdir / "results.json").read_text(encoding="utf-8"))
        tests = data.get("tests", [])
        res["score"] = sum(float(t.get("score") or 0) for t in tests)
        res["possible"] = sum(float(t.get("max_score") or 0) for t in tests)
    except (OSError, ValueError):
        pass
    return res


def build(copy: Path, env: dict, logfile: Path, all_files: bool = False) -> dict:
    flags = makefile_var("JB_FLAGS", "-W -n --keep-going").split()
    cmd = [BIN / "jupyter-book", "build", copy, *flags] + (["--all"] if all_files else [])
    before = cache_records(copy)
    r = run(cmd, copy, env, logfile, timeout=3600)
    after = cache_records(copy)
    parsed = parse_build_log(r["output"], copy)
    return {"seconds": rnd(r["seconds"]), "cpu_s": rnd(r["cpu_s"]), "code": r["code"],
            "machine_cpus_busy": r["machine_cpus_busy"],
            "new_cache_records": sorted(v for k, v in after.items() if k not in before),
            **{k: parsed[k] for k in ("executed", "cached_notebooks", "env_reason", "env_changed",
                                       "warnings", "succeeded")},
            "read": parsed["read"], "written_count": len(parsed["written"])}


def build_editions(copy: Path, env: dict, logfile: Path) -> dict:
    """The other editions (``ctmodule i18n build``, as ``make book`` runs it after the English
    build): their Sphinx builds from the English execution cache."""
    flags = makefile_var("JB_FLAGS", "-W -n --keep-going")
    cmd = [BIN / "ctmodule", "i18n", "build", "--root", copy] + ([] if "-W" in flags.split() else ["--no-strict"])
    before = cache_records(copy)
    r = run(cmd, copy, env, logfile, timeout=3600)
    after = cache_records(copy)
    return {"seconds": rnd(r["seconds"]), "cpu_s": rnd(r["cpu_s"]), "code": r["code"],
            "machine_cpus_busy": r["machine_cpus_busy"],
            "languages": sorted(p.parent.name for p in (copy / "locales").glob("*/LC_MESSAGES")),
            # a notebook the other editions executed again (none expected: they share the cache)
            "new_cache_records": sorted(v for k, v in after.items() if k not in before)}


def editions_block(copy: Path, env: dict, logs: Path, b: dict, repeat: int) -> None:
    """Two-edition rows: the other editions right after the English clean build (that is the
    clean build of ``make book``), and the no-change rebuild of both."""
    if not (copy / "locales").is_dir():
        b["editions"] = {"available": False, "reason": "no catalogs in locales/"}
        return
    e = b["editions"] = {"clean_other": build_editions(copy, env, logs / "editions-clean.log")}
    runs = []
    for i in range(max(1, repeat - 2)):
        en = build(copy, env, logs / f"editions-nochange-en-{i}.log")
        other = build_editions(copy, env, logs / f"editions-nochange-other-{i}.log")
        runs.append({"seconds": en["seconds"] + other["seconds"], "cpu_s": en["cpu_s"] + other["cpu_s"],
                     "code": en["code"] or other["code"]})
    e["nochange"] = {"median_s": rnd(median_of([x["seconds"] for x in runs])),
                     "median_cpu_s": rnd(median_of([x["cpu_s"] for x in runs])),
                     "runs_s": [rnd(x["seconds"]) for x in runs], "last": runs[-1]}


def edit_markdown(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + "\n\nA one-line edit made by the benchmark.\n", encoding="utf-8")


def edit_notebook(path: Path) -> None:
    """Append a comment line to the first non-empty code cell (changes the execution-cache key)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        src = "".join(cell.get("source", ""))
        if cell.get("cell_type") == "code" and src.strip():
            cell["source"] = src.rstrip("\n") + "\n# a one-line edit made by the benchmark"
            break
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def nbval(copy: Path, env: dict, jobs: int, logfile: Path) -> dict:
    flags = makefile_var("NBVAL", "--nbval-lax --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg")
    paths = [p for p in makefile_var("NB_PATHS", "chapters exercises").split() if (copy / p).exists()]
    cmd = [BIN / "python", "-m", "pytest", *flags.split(), "-n", str(jobs), "--dist", "loadfile",
           "-p", "no:cacheprovider", "-q", *paths]
    r = run(cmd, copy, env, logfile, timeout=3600)
    tail = r["output"].strip().splitlines()[-1:] or [""]
    return {"seconds": rnd(r["seconds"]), "cpu_s": rnd(r["cpu_s"]), "code": r["code"],
            "machine_cpus_busy": r["machine_cpus_busy"], "summary": tail[0][-200:]}


def grade(ex_id: str, rel: dict, copy: Path, env: dict, work: Path, copies: int, jobs: int,
          unsafe: bool = False) -> dict:
    subs = work / "submissions"
    if not subs.is_dir():
        subs.mkdir()
        for i in range(copies):
            shutil.copyfile(rel["solution"], subs / f"student{i:03d}.ipynb")
    tag = f"jobs{jobs}" + ("-unsafe" if unsafe else "")
    out = work / f"grades-{tag}.csv"
    r = run([BIN / "ctmodule", "grade", ex_id, subs, "--out", out, "--release", rel["release_dir"],
             "--jobs", str(jobs)] + (["--unsafe"] if unsafe else []), copy, env, work / f"grade-{tag}.log",
            timeout=7200)
    # (no CPU time: the sandboxed grading processes are not reaped by this process's children,
    # so getrusage does not see them)
    res = {"jobs": jobs, "unsafe": unsafe, "copies": copies, "seconds": rnd(r["seconds"]), "code": r["code"],
           "per_submission_s": rnd(r["seconds"] / copies),
           "machine_cpus_busy": r["machine_cpus_busy"],
           "per_minute": rnd(copies / r["seconds"] * 60, 1)}
    try:
        rows = list(csv.DictReader(out.open(encoding="utf-8")))
        res["rows"] = len(rows)
        res["full_marks"] = sum(1 for row in rows if row.get("status", "ok") == "ok"
                                and row.get("score") not in (None, "")
                                and row.get("score") == row.get("max_score"))
    except OSError:
        res["rows"] = 0
        res["error"] = " ".join(r["output"].strip().splitlines()[-2:])[:300]
    return res


def import_time(env: dict, cwd: Path, n: int) -> dict:
    py = str(BIN / "python")
    code = "import time; t=time.perf_counter(); import ctmodule; print(time.perf_counter()-t)"
    inproc = [float(subprocess.run([py, "-c", code], cwd=cwd, env=env, check=True, text=True,
                                   stdout=subprocess.PIPE).stdout) for _ in range(n)]
    startup = [run([py, "-c", "pass"], cwd, env)["seconds"] for _ in range(n)]
    with_import = [run([py, "-c", "import ctmodule"], cwd, env)["seconds"] for _ in range(n)]
    cli = [run([BIN / "ctmodule", "--help"], cwd, env)["seconds"] for _ in range(n)]
    # the heaviest imports behind `import ctmodule` and behind the CLI (python -X importtime)
    heavy = {}
    for label, stmt in (("ctmodule", "import ctmodule"), ("ctmodule.cli", "import ctmodule.cli")):
        err = subprocess.run([py, "-X", "importtime", "-c", stmt], cwd=cwd, env=env, text=True,
                             stderr=subprocess.PIPE, stdout=subprocess.DEVNULL).stderr
        rows = []
        for line in err.splitlines():
            m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
            if m and len(m.group(3)) <= 3:  # top-level imports only
                rows.append((int(m.group(2)), m.group(4)))
        heavy[label] = [{"module": mod, "cumulative_ms": round(us / 1000, 1)}
                        for us, mod in sorted(rows, reverse=True)[:5]]
    return {"in_process_median_s": rnd(median_of(inproc), 4),
            "python_startup_median_s": rnd(median_of(startup), 3),
            "python_c_import_median_s": rnd(median_of(with_import), 3),
            "cli_help_median_s": rnd(median_of(cli), 3), "heaviest": heavy}


def jupyter_book_import(env: dict, cwd: Path, n: int) -> dict:
    """What every jupyter-book run pays before Sphinx starts: importing its config module.

    jupyter_book.config imports jsonschema, which (from jsonschema 4.24, when the optional
    rfc3987-syntax is installed, as jupyter-events' ``jsonschema[format-nongpl]`` does) compiles
    dozens of lark grammars at import time.
    """
    py = str(BIN / "python")
    code = "import time; t=time.perf_counter(); import jupyter_book.config; print(time.perf_counter()-t)"
    times = []
    for _ in range(n):
        p = subprocess.run([py, "-c", code], cwd=cwd, env=env, text=True, stdout=subprocess.PIPE)
        if p.returncode == 0:
            times.append(float(p.stdout))
    err = subprocess.run([py, "-X", "importtime", "-c", "import jupyter_book.config"], cwd=cwd, env=env,
                         text=True, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL).stderr
    rfc = [int(m.group(1)) for m in re.finditer(r"import time:\s+\d+ \|\s+(\d+) \|\s*rfc3987_syntax$", err, re.M)]
    return {"jupyter_book_config_import_s": rnd(median_of(times), 3) if times else None,
            "rfc3987_syntax_import_s": rnd(rfc[0] / 1e6, 3) if rfc else None}


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("img", "source", "video", "audio", "embed", "track", "iframe") and a.get("src"):
            self.refs.append(a["src"])
        if tag in ("img", "source") and a.get("srcset"):
            self.refs += [part.strip().split()[0] for part in a["srcset"].split(",") if part.strip()]
        if tag == "object" and a.get("data"):
            self.refs.append(a["data"])


def site_size(html: Path) -> dict:
    if not html.is_dir():
        return {"available": False, "reason": f"{html} does not exist"}
    total = sum(p.stat().st_size for p in html.rglob("*") if p.is_file())
    by_top: dict[str, int] = {}
    for p in html.rglob("*"):
        if p.is_file():
            top = p.relative_to(html).parts[0] if len(p.relative_to(html).parts) > 1 else "(pages)"
            by_top[top] = by_top.get(top, 0) + p.stat().st_size
    pages = []
    for page in html.rglob("*.html"):
        rel = page.relative_to(html)
        if rel.parts[0] in SHARED_DIRS:
            continue
        text = page.read_text(encoding="utf-8", errors="replace")
        parser = _Refs()
        parser.feed(text)
        assets, asset_bytes = set(), 0
        for ref in parser.refs:
            if re.match(r"^(https?:|data:|//)", ref):
                continue
            target = (page.parent / ref.split("#")[0].split("?")[0]).resolve()
            try:
                trel = target.relative_to(html.resolve())
            except ValueError:
                continue
            if trel.parts and trel.parts[0] in SHARED_DIRS:
                continue
            if target.is_file() and target not in assets:
                assets.add(target)
                asset_bytes += target.stat().st_size
        raw = text.encode("utf-8")
        pages.append({"page": str(rel), "html_bytes": len(raw), "asset_bytes": asset_bytes,
                      "assets": len(assets), "bytes": len(raw) + asset_bytes,
                      "html_gzip_bytes": len(gzip.compress(raw, 6))})
    pages.sort(key=lambda p: p["bytes"], reverse=True)
    return {"available": True, "total_bytes": total, "files": sum(1 for p in html.rglob("*") if p.is_file()),
            "by_folder_bytes": dict(sorted(by_top.items(), key=lambda kv: -kv[1])),
            "largest_pages": pages[:5], "pages": len(pages)}


def machine() -> dict:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        m = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
        mem = round(int(m.group(1)) / 1024**2, 1) if m else None
    except OSError:
        pass
    versions = {}
    try:
        from importlib.metadata import version

        for pkg in ("jupyter-book", "sphinx", "myst-nb", "nbclient", "jupyter-cache", "otter-grader",
                    "nbval", "pytest-xdist", "ipykernel"):
            try:
                versions[pkg] = version(pkg)
            except Exception:  # noqa: BLE001
                versions[pkg] = None
    except ImportError:
        pass

    def git(*a):
        try:
            return subprocess.run(["git", "-C", str(ROOT), *a], stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return None

    return {"host": socket.gethostname(), "cpu": cpu, "cpus": os.cpu_count(), "memory_gb": mem,
            "platform": platform.platform(), "python": platform.python_version(), "versions": versions,
            "git_commit": git("rev-parse", "HEAD"),
            "git_dirty": bool(git("status", "--porcelain")) if git("rev-parse", "HEAD") else None}


# ----------------------------------------------------------------------------- the table

def _fmt_s(x):
    return "n/a" if x is None else f"{x:.1f} s" if x >= 10 else f"{x:.2f} s"


def _mark(ok):
    return "–" if ok is None else ("✓" if ok else "✗")


def _exit(x: dict) -> str:
    return "" if x.get("code", 0) == 0 else f" (exit {x['code']}!)"


def table_rows(res: dict) -> list[tuple[str, ...]]:
    """(measurement, wall, CPU, ratio, target, met) rows."""
    r = res["results"]
    rows: list[tuple[str, ...]] = []

    def row(name, wall="", cpu="", ratio="", target="", met=""):
        rows.append((name, wall, cpu, ratio, target, met))

    fl = r.get("floor", {})
    book_floor = fl.get("book_notebooks_s")
    all_floor = fl.get("all_notebooks_s")
    ot = fl.get("otter_run", {})
    if fl:
        row("Floor: kernel start (median)", _fmt_s(fl["kernel_start"]["median_s"]))
        row(f"Floor: execute the book's {fl['book_notebook_count']} notebooks once (nbclient)",
            _fmt_s(book_floor), _fmt_s(fl.get("book_notebooks_cpu_s")), "1.00")
        if fl.get("all_notebook_count") != fl.get("book_notebook_count"):
            row(f"Floor: execute all {fl['all_notebook_count']} notebooks (chapters + exercises)",
                _fmt_s(all_floor), _fmt_s(fl.get("all_notebooks_cpu_s")))
        if fl.get("errors"):
            row(f"  notebooks that failed: {', '.join(fl['errors'])}", "", "", "", "none", "✗")
        if ot.get("available"):
            row(f"Floor: one `otter run` of a correct submission ({ot.get('exercise')})",
                _fmt_s(ot["seconds"]), _fmt_s(ot.get("cpu_s")),
                f"{ot.get('score', 0):g}/{ot.get('possible', 0):g} points" if "possible" in ot else "")
        else:
            row("Floor: one `otter run` of a correct submission", f"not available: {ot.get('reason', '?')}")
    b = r.get("builds", {})
    clean, sph = b.get("clean"), b.get("sphinx_only")
    if clean:
        row("Clean build (`jupyter-book build --all`, no `_build`)" + _exit(clean), _fmt_s(clean["seconds"]),
            _fmt_s(clean.get("cpu_s")), f"{clean['seconds'] / book_floor:.2f} × floor" if book_floor else "")
    if sph:
        row("  S: fixed Sphinx cost (`--all` again, warm execution cache)" + _exit(sph), _fmt_s(sph["seconds"]),
            _fmt_s(sph.get("cpu_s")))
    if clean and sph:
        ratio = (clean["seconds"] - sph["seconds"]) / book_floor if book_floor else None
        row("  (clean − S) / notebook floor", "", "", "n/a" if ratio is None else f"{ratio:.2f}",
            f"≤ {TARGETS['clean_build_exec_ratio']}",
            _mark(None if ratio is None else ratio <= TARGETS["clean_build_exec_ratio"]))
    nc = b.get("nochange")
    if nc:
        row("Rebuild, nothing changed (median)" + _exit(nc["last"]), _fmt_s(nc["median_s"]),
            _fmt_s(nc.get("median_cpu_s")), "", f"≤ {TARGETS['nochange_rebuild_s']:.0f} s",
            _mark(nc["median_s"] <= TARGETS["nochange_rebuild_s"]))
    ed = b.get("editions")
    if ed and ed.get("available") is False:
        row("Every edition (`ctmodule i18n build`)", f"not available: {ed['reason']}")
    elif ed and clean:
        co = ed["clean_other"]
        total = clean["seconds"] + co["seconds"]
        ratio = total / clean["seconds"] if clean["seconds"] else None
        rerun = f"; re-executed: {', '.join(co['new_cache_records'])}" if co.get("new_cache_records") else ""
        row("Clean build, every edition (English, then `ctmodule i18n build`)" + _exit(co), _fmt_s(total),
            _fmt_s(clean.get("cpu_s", 0) + co.get("cpu_s", 0)),
            ("n/a" if ratio is None else f"{ratio:.2f} × English-only") + rerun,
            f"≤ {TARGETS['editions_clean_ratio']} ×",
            _mark(None if ratio is None else ratio <= TARGETS["editions_clean_ratio"] and not rerun))
        en_nc = ed.get("nochange")
        if en_nc and nc:
            ratio = en_nc["median_s"] / nc["median_s"] if nc["median_s"] else None
            row("Rebuild, nothing changed, every edition (median)" + _exit(en_nc["last"]), _fmt_s(en_nc["median_s"]),
                _fmt_s(en_nc.get("median_cpu_s")), "n/a" if ratio is None else f"{ratio:.2f} × English-only",
                f"≤ {TARGETS['editions_nochange_ratio']} ×",
                _mark(None if ratio is None else ratio <= TARGETS["editions_nochange_ratio"]))
    pdf = b.get("pdf")
    if pdf and pdf.get("available") is False:
        row("Print edition (`ctmodule pdf`)", f"not available: {pdf['reason']}")
    elif pdf:
        ratio = pdf["seconds"] / clean["seconds"] if clean else None
        row("Print edition, warm cache (`ctmodule pdf --force`: LaTeX build, XeLaTeX, checks)" + _exit(pdf),
            _fmt_s(pdf["seconds"]), _fmt_s(pdf.get("cpu_s")),
            "" if ratio is None else f"{ratio:.2f} × clean build")
        for key, seconds in (pdf.get("timings") or {}).items():
            # sphinx_latex_s: the English edition; sphinx_latex_<lang>_s: the edition in <lang>
            lang = "en" if key == "sphinx_latex_s" else key.removeprefix("sphinx_latex_").removesuffix("_s")
            row(f"  of which Sphinx's LaTeX builder ({lang})", _fmt_s(seconds))
        for name, doc in (pdf.get("documents") or {}).items():
            passes = f", {doc['latex_passes']} XeLaTeX passes" if doc.get("latex_passes") else ""
            row(f"  `{name}` ({doc.get('lang', 'en')}): {doc['pages']} pages (XeLaTeX and checks{passes})",
                _fmt_s(doc["seconds"]), "", "", "no problem", _mark(not doc["problems"]))
        pn = b.get("pdf_nochange")
        if pn:
            row("Print edition, nothing changed (digest check)" + _exit(pn), _fmt_s(pn["seconds"]),
                _fmt_s(pn.get("cpu_s")), "", "≤ 2 s", _mark(pn["seconds"] <= 2))
    md = b.get("markdown_edit")
    if md and nc:
        ratio = md["seconds"] / nc["median_s"]
        row(f"Rebuild after a one-line edit of `{md['doc']}`" + _exit(md), _fmt_s(md["seconds"]),
            _fmt_s(md.get("cpu_s")), f"{ratio:.2f} × no-change; {len(md.get('read', []))} page(s) read, "
            f"{md.get('written_count', '?')} written", f"≤ {TARGETS['markdown_edit_ratio']:.0f} × no-change",
            _mark(ratio <= TARGETS["markdown_edit_ratio"]))
    ne = b.get("notebook_edit")
    if ne:
        expected = f"; expected ≈ {_fmt_s(ne['expected_s'])}" if ne.get("expected_s") else ""
        row(f"Rebuild after a one-line edit of `{ne['doc']}`" + _exit(ne), _fmt_s(ne["seconds"]),
            _fmt_s(ne.get("cpu_s")), f"re-executed: {', '.join(ne.get('reexecuted') or ['none'])}{expected}",
            "that notebook only", _mark(ne.get("only_that_notebook")))
    nv = r.get("nbval", {})
    ser, par = nv.get("serial"), nv.get("parallel")
    if ser:
        row("nbval, serial" + _exit(ser), _fmt_s(ser["seconds"]), _fmt_s(ser.get("cpu_s")),
            f"{ser['seconds'] / all_floor:.2f} × floor" if all_floor else "")
    if par:
        ratio = par["seconds"] / ser["seconds"] if ser else None
        parts = ([f"{ratio:.2f} × serial"] if ratio else []) + ([f"{par['seconds'] / all_floor:.2f} × floor"]
                                                                 if all_floor else [])
        row("nbval, `-n 2`" + _exit(par), _fmt_s(par["seconds"]), _fmt_s(par.get("cpu_s")), "; ".join(parts),
            f"≤ {TARGETS['nbval_parallel_ratio']} × serial",
            _mark(None if ratio is None else ratio <= TARGETS["nbval_parallel_ratio"]))
    g = r.get("grading")
    if g is not None and not g.get("available"):
        row("Grading (`ctmodule grade`)", f"not available: {g.get('reason', '?')}")
    elif g:
        runs = {x["jobs"]: x for x in g["runs"] if not x.get("unsafe")}
        floor_pm = 60 / ot["seconds"] if ot.get("available") and ot.get("seconds") else None
        for jobs, x in sorted(runs.items()):
            wrong = "" if x.get("full_marks") == x["copies"] else f"; only {x.get('full_marks', 0)} full marks!"
            row(f"Grading {x['copies']} correct submissions of {g['exercise']}, `--jobs {jobs}`" + _exit(x),
                f"{x['per_minute']:.1f} /min ({_fmt_s(x['seconds'])})", "",
                "; ".join(([f"{x['per_minute'] / floor_pm:.2f} × otter-run floor"] if floor_pm else [])
                          + ([f"machine busy {x['machine_cpus_busy']:.2f} CPUs"]
                             if x.get("machine_cpus_busy") is not None else [])) + wrong)
        fl = g.get("floor")
        if fl and fl.get("per_submission_s"):
            row("  per-submission floor (`--jobs 1 --unsafe`: run and judge, no sandbox)",
                _fmt_s(fl["per_submission_s"]))
            if 1 in runs:
                cost = runs[1]["seconds"] / runs[1]["copies"] - fl["per_submission_s"]
                row("  cost of the sandbox per submission (`--jobs 1` minus the floor)", _fmt_s(max(cost, 0.0)))
            if 2 in runs:
                ratio = runs[2]["seconds"] / runs[2]["copies"] / fl["per_submission_s"]
                row("  seconds per submission, `--jobs 2` / floor", "", "", f"{ratio:.2f}",
                    f"≤ {TARGETS['grade_floor_ratio']}", _mark(ratio <= TARGETS["grade_floor_ratio"]))
        if 1 in runs and 2 in runs:
            sp = runs[2]["per_minute"] / runs[1]["per_minute"]
            row("  throughput `--jobs 2` / `--jobs 1`", "", "", f"{sp:.2f}", f"≥ {TARGETS['grade_speedup']}",
                _mark(sp >= TARGETS["grade_speedup"]))
    im = r.get("import")
    if im:
        v = im["in_process_median_s"]
        row("`import ctmodule` (median, in process)", f"{v * 1000:.0f} ms", "", "",
            f"≤ {TARGETS['import_s']} s", _mark(v <= TARGETS["import_s"]))
        row("`ctmodule --help` (median, whole process)", _fmt_s(im["cli_help_median_s"]))
    s = r.get("site", {})
    if s.get("available"):
        row("Size of `_build/html`", f"{s['total_bytes'] / 1e6:.1f} MB ({s['files']} files)")
        big = s["largest_pages"][0] if s["largest_pages"] else None
        if big:
            row(f"Largest page: `{big['page']}` (HTML + its own images)", f"{big['bytes'] / 1e6:.2f} MB", "",
                f"HTML {big['html_bytes'] / 1e3:.0f} kB (gzip {big['html_gzip_bytes'] / 1e3:.0f} kB)",
                "≤ 1.5 MB", _mark(big["bytes"] <= TARGETS["page_bytes"]))
    d = r.get("diagnostics", {})
    if d.get("jupyter_book_config_import_s") is not None:
        row("Diagnostic: `import jupyter_book.config` (median; of it rfc3987_syntax)",
            _fmt_s(d["jupyter_book_config_import_s"]), "",
            f"rfc3987_syntax {d.get('rfc3987_syntax_import_s', 0):.2f} s" if d.get("rfc3987_syntax_import_s")
            else "rfc3987_syntax not imported")
    return rows


def render_table(res: dict) -> str:
    m = res["machine"]
    la = res["load_average"]
    head = (f"Run {res['date']} on {m['host']} ({m['cpu']}, {m['cpus']} CPUs, {m['memory_gb']} GB), commit "
            f"{(m.get('git_commit') or '?')[:10]}{' + local changes' if m.get('git_dirty') else ''}; "
            f"load average {la.get('before')} before, {la.get('after')} after"
            f"{'; `--quick`' if res['options'].get('quick') else ''}; {res.get('seconds_total', '?')} s in all.\n\n")
    lines = ["| Measurement | Wall | CPU | Ratio / detail | Target | Met |", "|---|---|---|---|---|---|"]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in table_rows(res)]
    return head + "\n".join(lines) + "\n"


def shown(path: Path) -> str:
    """``path`` relative to the repository if it is inside it."""
    p = path.resolve()
    return str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p)


def update_readme(table: str, source: str) -> None:
    for readme in READMES:
        text = readme.read_text(encoding="utf-8")
        if TABLE_START not in text or TABLE_END not in text:
            log(f"{readme.name} has no {TABLE_START} … {TABLE_END} block; not updated")
            continue
        pre, rest = text.split(TABLE_START, 1)
        _, post = rest.split(TABLE_END, 1)
        readme.write_text(f"{pre}{TABLE_START}\n{table}\n(From `{source}`.)\n{TABLE_END}{post}", encoding="utf-8")
        log(f"updated {readme}")


# ----------------------------------------------------------------------------- main

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true",
                    help="development run: 4 grading copies, no serial nbval, fewer repeats")
    ap.add_argument("--json", type=Path, help="where to write the results (default: "
                    "benchmarks/results/<date>-<host>.json)")
    ap.add_argument("--copies", type=int, help="grading copies (default 20, --quick 4)")
    ap.add_argument("--repeat", type=int, help="repeats of short measurements (default 5, --quick 3)")
    ap.add_argument("--edit-markdown", help="docname of the markdown page to edit (default: first in the toc)")
    ap.add_argument("--edit-notebook", help="docname of the notebook to edit (default: first chapter with code)")
    ap.add_argument("--exercise", help="exercise to release and grade (default: the first, sorted by id)")
    ap.add_argument("--skip", nargs="*", default=[], choices=["floor", "build", "nbval", "grade", "import"],
                    help="leave out parts (development only)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary copy (its path is printed)")
    ap.add_argument("--update-readme", action="store_true", help="put the table into benchmarks/README.md and README.md")
    ap.add_argument("--table", type=Path, metavar="JSON", help="only print the table of an earlier run")
    args = ap.parse_args()

    if args.table:
        res = json.loads(args.table.read_text(encoding="utf-8"))
        table = render_table(res)
        print(table)
        if args.update_readme:
            update_readme(table, shown(args.table))
        return 0

    if Path(sys.prefix).resolve() != VENV.resolve() and (BIN / "python").exists():
        os.execv(str(BIN / "python"), [str(BIN / "python"), __file__, *sys.argv[1:]])

    quick = args.quick
    copies = args.copies or (4 if quick else 20)
    repeat = args.repeat or (3 if quick else 5)
    started = dt.datetime.now(dt.timezone.utc)
    res = {"schema": 1, "date": started.strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(),
           "options": {"quick": quick, "copies": copies, "repeat": repeat, "skip": args.skip},
           "load_average": {"before": round(os.getloadavg()[0], 2)}, "targets": TARGETS, "results": {}}
    r = res["results"]
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    copy = work / "book"
    logs = work / "logs"
    logs.mkdir()
    try:
        log(f"copying {ROOT} to {copy}")
        res["copied_files"] = copy_repo(ROOT, copy)
        env = bench_env(copy)
        os.environ.update({k: env[k] for k in ("PATH", "PYTHONPATH", "CTMODULE_ROOT", "VIRTUAL_ENV")})
        docs = toc_docs(copy)
        book_nbs = [p for d in docs if (p := doc_path(copy, d)) and p.suffix == ".ipynb"]
        ex_ids = exercises(copy)
        ex_nbs = [copy / "exercises" / e / f"{e}.ipynb" for e in ex_ids]
        res["book"] = {"docs": docs, "notebooks": [str(p.relative_to(copy)) for p in book_nbs],
                       "exercises": ex_ids}

        # --- floor
        if "floor" not in args.skip:
            log("floor: kernel start")
            fl = r["floor"] = {"kernel_start": kernel_start(repeat, copy)}
            log(f"floor: executing {len(book_nbs) + len(ex_nbs)} notebooks with nbclient")
            per = execute_notebooks(book_nbs + ex_nbs, copy)
            fl["per_notebook"] = per
            book_keys = {str(p.relative_to(copy)) for p in book_nbs}
            fl["book_notebooks_s"] = rnd(sum(v["seconds"] for k, v in per.items() if k in book_keys))
            fl["book_notebooks_cpu_s"] = rnd(sum(v["cpu_s"] for k, v in per.items() if k in book_keys))
            fl["all_notebooks_cpu_s"] = rnd(sum(v["cpu_s"] for v in per.values()))
            fl["book_notebook_count"] = len(book_nbs)
            fl["all_notebooks_s"] = rnd(sum(v["seconds"] for v in per.values()))
            fl["all_notebook_count"] = len(per)
            fl["errors"] = {k: v["error"] for k, v in per.items() if v["error"]}

        # --- exercise release (needed by the otter floor and the grading rows)
        rel, ex_id, grade_reason = None, args.exercise or (ex_ids[0] if ex_ids else None), None
        if ex_id is None:
            grade_reason = "no exercise in exercises/<id>/<id>.ipynb"
        elif ex_id not in ex_ids:
            grade_reason = f"no exercise notebook exercises/{ex_id}/{ex_id}.ipynb"
        elif run([BIN / "ctmodule", "grade", "--help"], copy, env)["code"] != 0:
            grade_reason = "`ctmodule grade` is missing"
        if ("floor" not in args.skip or "grade" not in args.skip) and not grade_reason:
            log(f"releasing exercise {ex_id}")
            rel = release_exercise(ex_id, copy, env, work)
            if rel["code"] != 0:
                grade_reason = f"`ctmodule release {ex_id}` failed: {rel.get('error')}"
            elif not rel.get("solution"):
                grade_reason = "the release has no solution notebook"
        if "floor" not in args.skip:
            if rel and rel["code"] == 0:
                log("floor: one otter run")
                r["floor"]["otter_run"] = otter_floor(rel, copy, env, work)
            else:
                r["floor"]["otter_run"] = {"available": False, "reason": grade_reason or "no release"}
            r["floor"]["otter_run"]["exercise"] = ex_id

        # --- builds
        if "build" not in args.skip:
            b = r["builds"] = {}
            shutil.rmtree(copy / "_build", ignore_errors=True)
            log("clean build")
            b["clean"] = build(copy, env, logs / "build-clean.log", all_files=True)
            log(f"  {b['clean']['seconds']} s, exit {b['clean']['code']}")
            log("the other editions, after the clean build (ctmodule i18n build)")
            editions_block(copy, env, logs, b, repeat)
            log(f"  {b['editions']}")
            log("Sphinx-only build (--all, warm execution cache)")
            b["sphinx_only"] = build(copy, env, logs / "build-sphinx-only.log", all_files=True)
            log(f"  {b['sphinx_only']['seconds']} s")
            runs = []
            for i in range(max(1, repeat - 2)):
                runs.append(build(copy, env, logs / f"build-nochange-{i}.log"))
            b["nochange"] = {"median_s": rnd(median_of([x["seconds"] for x in runs])),
                             "median_cpu_s": rnd(median_of([x["cpu_s"] for x in runs])),
                             "runs_s": [x["seconds"] for x in runs], "last": runs[-1]}
            log(f"no-change rebuild: {b['nochange']['median_s']} s")
            md_doc = args.edit_markdown or next(
                (d for d in docs if d not in GENERATED_PAGES and (p := doc_path(copy, d)) and p.suffix == ".md"), None)
            if md_doc:
                p = doc_path(copy, md_doc)
                original = p.read_bytes()
                edit_markdown(p)
                b["markdown_edit"] = {"doc": md_doc, **build(copy, env, logs / "build-markdown-edit.log")}
                p.write_bytes(original)
                build(copy, env, logs / "build-markdown-revert.log")
                log(f"markdown edit rebuild: {b['markdown_edit']['seconds']} s")
            nb_doc = args.edit_notebook or next(
                (str(p.relative_to(copy).with_suffix("")) for p in book_nbs if has_code(p)), None)
            if nb_doc:
                p = doc_path(copy, nb_doc)
                original = p.read_bytes()
                edit_notebook(p)
                ne = build(copy, env, logs / "build-notebook-edit.log")
                new = [re.sub(r"\.ipynb$", "", x) for x in ne["new_cache_records"]]
                logged = [x["doc"] for x in ne["executed"]]
                ne.update({"doc": nb_doc, "reexecuted": new, "reexecuted_per_log": logged,
                           "only_that_notebook": new == [nb_doc] and (not logged or logged == [nb_doc])})
                if r.get("floor", {}).get("per_notebook", {}).get(f"{nb_doc}.ipynb"):
                    ne["expected_s"] = rnd(b["nochange"]["median_s"] + r["floor"]["per_notebook"][f"{nb_doc}.ipynb"]["seconds"])
                b["notebook_edit"] = ne
                p.write_bytes(original)
                log(f"notebook edit rebuild: {ne['seconds']} s; re-executed {new} (log: {logged})")
            r["site"] = site_size(copy / "_build" / "html")
            # the print edition, from the warm execution cache (as `make book` builds it), then once
            # more with nothing changed (the digest check: nothing is rebuilt)
            if shutil.which("xelatex"):
                log("print edition (ctmodule pdf --force)")
                report = work / "pdf-report.json"
                pdf_run = run([BIN / "ctmodule", "pdf", "--root", copy, "--force", "--report", report],
                              copy, env, logs / "pdf.log")
                b["pdf"] = {**pdf_run, **(json.loads(report.read_text()) if report.exists() else {})}
                b["pdf_nochange"] = run([BIN / "ctmodule", "pdf", "--root", copy], copy, env,
                                        logs / "pdf-nochange.log")
                log(f"  {b['pdf']['seconds']} s; no change: {b['pdf_nochange']['seconds']} s")
            else:
                b["pdf"] = {"available": False, "reason": "xelatex is not installed"}

        # --- nbval
        if "nbval" not in args.skip:
            nv = r["nbval"] = {}
            if not quick:
                log("nbval serial")
                nv["serial"] = nbval(copy, env, 0, logs / "nbval-serial.log")
                log(f"  {nv['serial']['seconds']} s: {nv['serial']['summary']}")
            log("nbval -n 2")
            nv["parallel"] = nbval(copy, env, 2, logs / "nbval-n2.log")
            log(f"  {nv['parallel']['seconds']} s: {nv['parallel']['summary']}")

        # --- grading
        if "grade" not in args.skip:
            if grade_reason:
                r["grading"] = {"available": False, "reason": grade_reason}
            else:
                g = r["grading"] = {"available": True, "exercise": ex_id, "runs": []}
                for jobs in (1, 2):
                    log(f"grading {copies} copies with --jobs {jobs}")
                    x = grade(ex_id, rel, copy, env, work, copies, jobs)
                    g["runs"].append(x)
                    log(f"  {x['seconds']} s, {x['per_minute']} /min, full marks {x.get('full_marks')}/{copies}")
                # the per-submission floor of this design: the same notebooks run and judged one at a
                # time without the sandbox (--unsafe); the difference is the cost of the sandbox itself
                log(f"grading {copies} copies with --jobs 1 --unsafe (the floor)")
                g["floor"] = grade(ex_id, rel, copy, env, work, copies, 1, unsafe=True)

        # --- import
        if "import" not in args.skip:
            log("import ctmodule")
            r["import"] = import_time(env, copy, repeat * 2)
            r["diagnostics"] = jupyter_book_import(env, copy, repeat)
    finally:
        res["load_average"]["after"] = round(os.getloadavg()[0], 2)
        res["seconds_total"] = round((dt.datetime.now(dt.timezone.utc) - started).total_seconds())
        out = args.json or RESULTS / f"{started:%Y-%m-%d}-{socket.gethostname()}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(res, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        log(f"wrote {out}")
        if args.keep:
            log(f"kept the copy and logs in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    table = render_table(res)
    print(table)
    if args.update_readme:
        update_readme(table, shown(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
