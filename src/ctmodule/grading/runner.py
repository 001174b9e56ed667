"""Run one student notebook inside the sandbox and report the values the tests need, as data.

This file runs *inside* the sandbox (``python runner.py``), where ``ctmodule`` is not installed:
it imports only the standard library, IPython and its sibling :mod:`datacodec` (copied beside it).
Nothing in it decides a score. It executes the student's code cells in an IPython shell, then writes
one JSON line: the cells run, the errors, the first part of the output, and the values of the names
the tests use, described by :func:`datacodec.encode`. Afterwards it serves calls of the student's
functions (arguments and results as data) until the grader says ``end``.

Whatever the student's code does to this process (and it can do anything to it), what reaches the
grader is data about the student's own answers: the tests, the solutions and the score are not here.

Protocol (one JSON object per line, grader ↔ runner on stdin/stdout):
``job`` → ``{"event": "executed", ...}``; then ``{"call": name, "args": [...], "kwargs": {...}}``
→ ``{"return": value}`` or ``{"raise": "message"}``, repeated; ``{"end": true}`` ends it.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import datacodec  # noqa: E402  (the sibling file; ctmodule is not importable here)

_IGNORE_TAG = "otter_ignore"


class _Capped(io.TextIOBase):
    """A text stream that counts everything written and keeps the first ``limit`` characters."""

    def __init__(self, limit: int):
        self.limit, self.parts, self.kept, self.total = limit, [], 0, 0

    def writable(self) -> bool:
        return True

    def write(self, s) -> int:
        s = str(s)
        self.total += len(s)
        if self.kept < self.limit:
            piece = s[: self.limit - self.kept]
            self.parts.append(piece)
            self.kept += len(piece)
        return len(s)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def text(self) -> str:
        return "".join(self.parts)


def set_limits(limits: dict) -> None:
    """Lower the resource limits of this process and all it starts (they can never be raised again)."""
    import resource

    names = {"nproc": "RLIMIT_NPROC", "as": "RLIMIT_AS", "nofile": "RLIMIT_NOFILE", "fsize": "RLIMIT_FSIZE",
             "core": "RLIMIT_CORE", "cpu": "RLIMIT_CPU"}
    for key, attr in names.items():
        if key in limits and limits[key] is not None and hasattr(resource, attr):
            value = int(limits[key])
            res = getattr(resource, attr)
            soft, hard = resource.getrlimit(res)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(res, (value, value))


def code_cells(nb: dict) -> list[str]:
    cells = []
    for cell in nb.get("cells", []):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        meta = cell.get("metadata") or {}
        if not isinstance(meta, dict):
            meta = {}
        tags = meta.get("tags") or []
        otter = meta.get("otter") or {}
        if (isinstance(tags, list) and _IGNORE_TAG in tags) or (isinstance(otter, dict) and otter.get("ignore")):
            continue
        src = cell.get("source", "")
        cells.append("".join(str(s) for s in src) if isinstance(src, list) else str(src))
    return cells


def _copy_in(src: str, dest: str) -> None:
    for name in os.listdir(src):
        s, d = os.path.join(src, name), os.path.join(dest, name)
        if os.path.isdir(s) and not os.path.islink(s):
            shutil.copytree(s, d, symlinks=True)
        elif os.path.isfile(s) and not os.path.islink(s):
            shutil.copyfile(s, d)


def main() -> int:
    # the channel to the grader is a private copy of fd 1; fds 1 and 2 go nowhere, so nothing a
    # subprocess prints can be mistaken for a message (and nothing the student forges counts anyway)
    chan = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    inp = sys.stdin

    def send(obj: dict) -> None:
        chan.write(json.dumps(obj, allow_nan=False) + "\n")
        chan.flush()

    job = json.loads(inp.readline())
    set_limits(job.get("limits") or {})
    work = job["workdir"]
    if job.get("src"):
        _copy_in(job["src"], work)
    os.chdir(work)
    os.environ.update({"HOME": work, "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1",
                       "MPLCONFIGDIR": os.path.join(work, ".mpl"), "JUPYTER_PLATFORM_DIRS": "1"})
    if job.get("pythonpath"):
        sys.path[:0] = list(job["pythonpath"])
    sys.path.insert(0, work)
    with open(job["notebook"], encoding="utf-8") as f:
        cells = code_cells(json.load(f))

    out = _Capped(int(job.get("output_limit", 1_000_000)))
    real_out, real_err = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = out
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance(colors="NoColor")
    shell.run_cell("import os as _o; _o.environ.setdefault('MPLBACKEND', 'Agg'); del _o", store_history=False)
    cells_run, cell_errors = 0, []
    for i, code in enumerate(cells, start=1):
        sys.stdout = sys.stderr = out
        try:
            result = shell.run_cell(code, store_history=True)
        except BaseException as exc:  # SystemExit and the like from the student's code
            cell_errors.append({"cell": i, "error": f"{type(exc).__name__}: {exc}"[:300]})
            cells_run += 1
            continue
        cells_run += 1
        err = result.error_before_exec or result.error_in_exec
        if err is not None:
            cell_errors.append({"cell": i, "error": f"{type(err).__name__}: {err}"[:300]})
    sys.stdout, sys.stderr = real_out, real_err

    ns = shell.user_ns
    values = {}
    names = list(job.get("names", []))
    if "*" in names:  # a test takes the whole namespace: every public name the notebook defined
        hidden = set(getattr(shell, "user_ns_hidden", {}))
        names = [n for n in names if n != "*"] + [
            n for n in list(ns) if not n.startswith("_") and n not in hidden
            and n not in ("In", "Out", "exit", "quit", "get_ipython")]
    for name in dict.fromkeys(names):
        if name not in ns:
            continue
        try:
            values[name] = datacodec.encode(ns[name])
        except BaseException as exc:  # a hostile object that breaks the encoder stays opaque
            values[name] = {"__t": "opaque", "type": f"unreadable value ({type(exc).__name__})"}
    send({"event": "executed", "cells_run": cells_run, "cell_errors": cell_errors,
          "output": out.text()[:20_000], "output_bytes": out.total, "output_truncated": out.total > out.kept,
          "values": values})

    sink = _Capped(0)
    while True:
        line = inp.readline()
        if not line:
            return 0
        msg = json.loads(line)
        if msg.get("end"):
            return 0
        name = msg.get("call")
        try:
            func = ns[name]
            args = [datacodec.decode(a) for a in msg.get("args", [])]
            kwargs = {str(k): datacodec.decode(v) for k, v in (msg.get("kwargs") or {}).items()}
            sys.stdout = sys.stderr = sink
            try:
                value = func(*args, **kwargs)
            finally:
                sys.stdout, sys.stderr = real_out, real_err
            reply = {"return": datacodec.encode(value)}
        except BaseException as exc:  # the student's function raised: the test sees the message
            reply = {"raise": f"{type(exc).__name__}: {exc}"[:500]}
        try:
            send(reply)
        except (TypeError, ValueError):
            send({"raise": "the function returned a value that cannot be passed to the tests"})


if __name__ == "__main__":
    sys.exit(main())
