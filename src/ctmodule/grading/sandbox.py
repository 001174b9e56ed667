"""Run one student notebook in a sandbox and score it against the autograder's tests.

This module is the *worker* behind ``ctmodule grade`` (``python -m ctmodule.grading.sandbox``),
plus the helpers the batch grader uses to start and stop it.

Design, and why it resists the obvious attacks
----------------------------------------------

* **One process tree per submission.** The grader starts one worker per submission
  with ``start_new_session=True`` and a hard wall-clock timeout. The worker starts an
  IPython kernel (``jupyter_client``), runs the student's code cells one by one in it,
  then runs the test cases. On timeout the grader kills the worker's whole process
  group *and* every descendant it can find (the kernel runs in a session of its own), or,
  when Linux namespaces are available, the whole PID namespace at once.
* **The tests are not on disk where student code runs, and arrive late.** The worker
  reads its job in two steps on a pipe: first the notebook to run, then, only after
  every student cell has finished, the test cases (code, points, hidden flag), which
  the grader took from the pristine autograder zip and kept in its own memory. The
  working copy holds only what the student already has (notebook, data, *public*
  tests for ``grader.check``). A cell that rewrites ``tests/q1.py`` only changes the
  student's own self-check; the score comes from the autograder's copy. Student code
  cannot read the hidden tests ahead of time because they do not exist in its
  process or its files while its code runs.
* **Tamper canaries.** Before the real test cases, the worker sends a case that must
  fail (with a random nonce in its message) and one that must pass. If student code has
  rigged the kernel so that failures look like passes (patching IPython, ``doctest``,
  ``AssertionError``), the canary catches it and the submission gets status ``error``.
  Code that rewrites the interpreter itself can never be fully contained in-process;
  this is the same trust model as otter and Gradescope, with a tripwire added.
* **Namespaces where the machine allows.** If ``unshare`` works (as root, or for an
  ordinary user through a user namespace, ``--map-root-user``), the worker and its
  kernel run in new network, mount and PID namespaces: no network interface but ``lo``
  (kept down; the kernel talks to the worker over Unix sockets), every mount remounted
  read-only, a fresh small ``/tmp`` with only this submission's working copy re-attached
  read-write, and the exercise sources (master notebooks with solutions), the release
  folder and the submissions folder covered by empty read-only ``tmpfs`` mounts. So a
  cell cannot write outside its working copy, read the solutions, touch another
  student's files or grading, or reach the network. :func:`probe_isolation` checks all
  of this at start-up; if it fails, grading still runs, without that layer, and the
  grader prints a warning.
* **Capped output, limited memory.** Output is counted and only the first
  ``output_limit`` bytes are kept; a cell that prints megabytes costs nothing.
  The address space is limited (``RLIMIT_AS``) so a runaway allocation fails in the
  kernel instead of swapping the instructor's laptop.

Protocol on the worker's stdin/stdout (one JSON object per line): grader → worker
``job``; worker → grader ``{"event": "executed", ...}``; grader → worker ``{"cases": [...]}``;
worker → grader ``{"event": "result", ...}``. The worker redirects its own file
descriptors 1 and 2 to ``/dev/null`` before starting the kernel and keeps the pipe on a
private descriptor, so nothing the kernel prints can forge a result line.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

#: cells whose metadata asks otter to skip them during grading
_IGNORE_TAG = "otter_ignore"

PRELUDE = """\
import os as _ct_os
_ct_os.environ.setdefault("MPLBACKEND", "Agg")
try:
    from otter import Notebook as _CtNotebook
    _CtNotebook.init_grading_mode("tests")
    del _CtNotebook
except Exception:
    pass
del _ct_os
"""

# During batch grading the student's ``otter.Notebook`` is only a self-check: the score comes
# from the autograder's tests. ``import otter`` costs seconds (it loads nbformat's schema
# validators), so by default the kernel sees this stand-in instead (``--real-otter`` opts out).
OTTER_STUB = '''"""Stand-in for otter-grader used by ctmodule grade: checks are no-ops here."""


class Notebook:
    def __init__(self, *args, **kwargs):
        pass

    @classmethod
    def init_grading_mode(cls, *args, **kwargs):
        pass

    def check(self, *args, **kwargs):
        return None

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def __getattr__(name):
    raise AttributeError(f"otter.{name} is not available during batch grading")
'''

# A test case is sent as one cell. OK-format cases (what otter assign writes from plain
# assert cells) are doctests; exception-format cases are a function called with
# arguments taken from the notebook's globals. Either way the cell raises
# AssertionError(<hint>) when the case fails, and the reply status is the verdict.
_OK_CASE = '''\
def _ct_case(_src={src!r}, _name={name!r}):
    import doctest
    class _R(doctest.DocTestRunner):
        def report_failure(self, out, test, example, got):
            self._ct_msg = ("expected " + example.want.strip() + ", got " + got.strip())
        def report_unexpected_exception(self, out, test, example, exc_info):
            e = exc_info[1]
            msg = str(e).strip()
            self._ct_msg = msg if isinstance(e, AssertionError) and msg else (type(e).__name__ + ": " + msg)
    t = doctest.DocTestParser().get_doctest(_src, globals(), _name, None, 0)
    r = _R(verbose=False, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    r._ct_msg = ""
    r.run(t, out=lambda s: None, clear_globs=False)
    if r.failures:
        raise AssertionError(r._ct_msg or "test failed")
try:
    _ct_case()
finally:
    del _ct_case
'''

_EXC_CASE = '''\
def _ct_case():
    import inspect
{func}
    _f = {fname}
    _g = globals()
    _kw = {{a: (_g if a == "env" else _g.get(a)) for a in inspect.signature(_f).parameters}}
    try:
        _f(**_kw)
    except AssertionError as e:
        raise AssertionError(str(e) or "test failed") from None
    except Exception as e:
        raise AssertionError(type(e).__name__ + ": " + str(e)) from None
try:
    _ct_case()
finally:
    del _ct_case
'''


def case_cell(case: dict) -> str:
    """Return the code of the cell that runs one test case in the student's kernel."""
    if case.get("format") == "exception":
        func = "\n".join("    " + line for line in case["code"].splitlines())
        return _EXC_CASE.format(func=func, fname=case["function"])
    return _OK_CASE.format(src=case["code"], name=f"{case['question']}-{case['index']}")


# ---------------------------------------------------------------------------------------
# isolation: probe, command prefix, mount setup (Linux only)
# ---------------------------------------------------------------------------------------

MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18


def _libc():
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def _mount(src: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    libc = _libc()

    def enc(s: str | None) -> bytes | None:
        return s.encode() if s is not None else None

    if libc.mount(enc(src), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {src} on {target}: {os.strerror(err)}")


def _mountpoints() -> list[str]:
    points = []
    with open("/proc/self/mountinfo", encoding="utf-8") as f:
        for line in f:
            mp = line.split()[4].replace("\\040", " ")
            points.append(mp)
    return points


def _is_within(path: str, other: str) -> bool:
    path, other = os.path.abspath(path), os.path.abspath(other)
    return path == other or path.startswith(other.rstrip("/") + "/")


def setup_mounts(job_dir: str, hide: list[str], tmp_size: str = "512m") -> None:
    """Inside a fresh mount namespace: read-only everything, new /tmp, hide paths, rw job dir.

    Must run before the kernel starts. Raises OSError if a step fails.
    """
    job_dir = os.path.realpath(job_dir)
    fd = os.open(job_dir, os.O_RDONLY | os.O_DIRECTORY)
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    # 1. every mount read-only (pseudo file systems that refuse are left as they are)
    for mp in sorted(set(_mountpoints()), key=len):
        if mp.startswith(("/proc", "/sys", "/dev")):
            continue
        try:
            _mount(None, mp, None, MS_REMOUNT | MS_BIND | MS_RDONLY)
        except OSError:
            pass
    # 2. a fresh, small, writable /tmp (this also hides the other submissions' copies);
    #    if Python itself lives under /tmp, cover only the batch folder instead
    pkg_dir = os.path.dirname(os.path.abspath(__file__))
    tmp_root = "/tmp"
    if any(_is_within(p, "/tmp") for p in (sys.prefix, pkg_dir)):
        tmp_root = os.path.dirname(job_dir)
    _mount("tmpfs", tmp_root, "tmpfs", MS_NOSUID | MS_NODEV, f"size={tmp_size},mode=1777")
    if os.path.isdir("/dev/shm"):
        try:
            _mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "size=64m,mode=1777")
        except OSError:
            pass
    # 3. hide the solutions, the release, the submissions (empty read-only tmpfs)
    protected = [job_dir, sys.prefix, pkg_dir]
    for path in hide:
        path = os.path.realpath(path)
        if not os.path.isdir(path) or _is_within(path, tmp_root):
            continue
        if any(_is_within(p, path) for p in protected):
            continue  # never hide Python, ctmodule or the working copy itself
        _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_RDONLY, "size=4k,mode=755")
    # 4. the working copy, read-write, at its usual path
    os.makedirs(job_dir, exist_ok=True)
    _mount(f"/proc/self/fd/{fd}", job_dir, None, MS_BIND | MS_REC)
    try:
        _mount(None, job_dir, None, MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NODEV)
    except OSError:
        pass
    os.close(fd)


def unshare_prefix() -> list[str]:
    """The ``unshare`` command line that puts the worker in new net/mount/PID namespaces."""
    exe = shutil.which("unshare")
    if not exe or not sys.platform.startswith("linux"):
        return []
    cmd = [exe, "--net", "--mount", "--pid", "--fork", "--kill-child", "--mount-proc"]
    if os.geteuid() != 0:
        cmd.insert(1, "--map-root-user")
    return cmd


_PROBE_RESULT: dict | None = None


def probe_isolation() -> dict:
    """Check whether the sandbox layer works here. Returns ``{"ok": bool, "reason": str, "prefix": [...]}``.

    Runs the worker's own mount set-up in a throw-away namespace and checks that no
    network interface other than ``lo`` is visible, that ``/`` is read-only, that a
    hidden folder looks empty and that the working copy is writable.
    """
    global _PROBE_RESULT
    if _PROBE_RESULT is not None:
        return _PROBE_RESULT
    prefix = unshare_prefix()
    if not prefix:
        _PROBE_RESULT = {"ok": False, "reason": "no unshare command (Linux util-linux) on this machine", "prefix": []}
        return _PROBE_RESULT
    with tempfile.TemporaryDirectory(prefix="ctgrade-probe-") as tmp:
        job = os.path.join(tmp, "job")
        os.makedirs(job)
        try:  # a folder outside /tmp, to check that hidden folders really look empty
            secret_dir = tempfile.mkdtemp(prefix=".ctgrade-probe-secret-", dir=os.path.expanduser("~"))
        except OSError:
            secret_dir = tempfile.mkdtemp(prefix="ctgrade-probe-secret-", dir=tmp)
        try:
            Path(secret_dir, "solution.txt").write_text("secret", encoding="utf-8")
            cmd = [*prefix, sys.executable, "-m", "ctmodule.grading.sandbox", "--probe", job, secret_dir]
            try:
                proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
            except (OSError, subprocess.TimeoutExpired) as exc:
                _PROBE_RESULT = {"ok": False, "reason": f"unshare failed to start: {exc}", "prefix": []}
                return _PROBE_RESULT
            out = proc.stdout.strip().splitlines()
            try:
                res = json.loads(out[-1])
            except (IndexError, json.JSONDecodeError):
                err = (proc.stderr.strip().splitlines() or ["no output"])[-1]
                _PROBE_RESULT = {"ok": False, "reason": f"unshare refused: {err}", "prefix": []}
                return _PROBE_RESULT
        finally:
            shutil.rmtree(secret_dir, ignore_errors=True)
    if res.get("ok"):
        _PROBE_RESULT = {"ok": True, "reason": "network, mount and PID namespaces", "prefix": prefix}
    else:
        _PROBE_RESULT = {"ok": False, "reason": res.get("reason", "probe failed"), "prefix": []}
    return _PROBE_RESULT


def _probe_inside(job: str, secret_dir: str) -> dict:
    try:
        setup_mounts(job, [secret_dir])
    except OSError as exc:
        return {"ok": False, "reason": f"cannot set up mounts: {exc}"}
    ifaces = [name for _, name in socket.if_nameindex()]
    if ifaces != ["lo"]:
        return {"ok": False, "reason": f"network interfaces still visible: {ifaces}"}
    if os.path.isdir(secret_dir) and os.listdir(secret_dir):
        return {"ok": False, "reason": "hidden folder still readable"}
    try:
        Path(job, "w.txt").write_text("x", encoding="utf-8")
    except OSError as exc:
        return {"ok": False, "reason": f"working copy not writable: {exc}"}
    for target in (os.path.join(os.path.dirname(os.path.abspath(__file__)), "ctgrade-probe.txt"),):
        try:
            Path(target).write_text("x", encoding="utf-8")
            return {"ok": False, "reason": f"could write outside the working copy: {target}"}
        except OSError:
            pass
    return {"ok": True}


def _probe_main(job: str, secret_dir: str) -> dict:
    try:
        return _probe_inside(job, secret_dir)
    except Exception as exc:  # report, do not crash: the grader falls back with a warning
        return {"ok": False, "reason": f"{type(exc).__name__}: {exc}"}


# ---------------------------------------------------------------------------------------
# killing a process tree
# ---------------------------------------------------------------------------------------


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as f:
                stat = f.read()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    return children


def descendants(pid: int) -> list[int]:
    """All live descendants of ``pid`` (Linux ``/proc``; empty elsewhere)."""
    tree = _children_map()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for c in tree.get(p, []):
            out.append(c)
            todo.append(c)
    return out


def kill_tree(proc: subprocess.Popen) -> None:
    """SIGKILL a worker started with ``start_new_session=True``, its group and all descendants."""
    pids = descendants(proc.pid)
    groups = {proc.pid}
    for p in pids:
        try:
            groups.add(os.getpgid(p))
        except OSError:
            pass
    for g in groups:
        try:
            os.killpg(g, signal.SIGKILL)
        except OSError:
            pass
    for p in [proc.pid, *pids]:
        try:
            os.kill(p, signal.SIGKILL)
        except OSError:
            pass


# ---------------------------------------------------------------------------------------
# the worker
# ---------------------------------------------------------------------------------------


class KernelDied(RuntimeError):
    pass


class _Output:
    """Counts output bytes and keeps the first ``limit`` of them."""

    def __init__(self, limit: int):
        self.limit = limit
        self.parts: list[str] = []
        self.kept = 0
        self.total = 0

    def add(self, text: str) -> None:
        n = len(text.encode("utf-8", "replace"))
        self.total += n
        if self.kept < self.limit:
            piece = text[: self.limit - self.kept]
            self.parts.append(piece)
            self.kept += len(piece.encode("utf-8", "replace"))

    @property
    def truncated(self) -> bool:
        return self.total > self.kept


def _execute(km, kc, code: str, out: _Output | None) -> dict:
    """Run ``code``; return the execute reply content. Raise KernelDied if the kernel dies."""
    from queue import Empty

    msg_id = kc.execute(code, store_history=False, allow_stdin=False, stop_on_error=False)
    while True:
        try:
            msg = kc.get_iopub_msg(timeout=0.5)
        except Empty:
            if not km.is_alive():
                raise KernelDied() from None
            continue
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        mtype, content = msg["msg_type"], msg["content"]
        if out is not None:
            if mtype == "stream":
                out.add(content.get("text", ""))
            elif mtype in ("execute_result", "display_data"):
                out.add(str(content.get("data", {}).get("text/plain", "")) + "\n")
            elif mtype == "error":
                out.add("\n".join(content.get("traceback", [])) + "\n")
        if mtype == "status" and content.get("execution_state") == "idle":
            break
    while True:
        try:
            reply = kc.get_shell_msg(timeout=0.5)
        except Empty:
            if not km.is_alive():
                raise KernelDied() from None
            continue
        if reply.get("parent_header", {}).get("msg_id") == msg_id:
            return reply["content"]


def _strip_ansi(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)


def _cap(text: str, n: int = 600) -> str:
    text = _strip_ansi(text).strip()
    return text if len(text) <= n else text[: n - 1] + "…"


def _code_cells(nb: dict) -> list[str]:
    cells = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        meta = cell.get("metadata", {}) or {}
        if _IGNORE_TAG in (meta.get("tags") or []) or (meta.get("otter") or {}).get("ignore"):
            continue
        src = cell.get("source", "")
        cells.append("".join(src) if isinstance(src, list) else src)
    return cells


def worker_main() -> int:
    """Entry point of ``python -m ctmodule.grading.sandbox`` (the grader talks to it over stdin/stdout)."""
    result_fd = os.dup(1)  # not inheritable: the kernel never gets it
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    res = os.fdopen(result_fd, "w", encoding="utf-8", buffering=1)
    inp = sys.stdin

    def send(obj: dict) -> None:
        res.write(json.dumps(obj) + "\n")
        res.flush()

    job = json.loads(inp.readline())
    try:
        return _work(job, inp, send)
    except Exception as exc:  # report in the gradebook rather than die silently
        send({"event": "executed", "status": "error",
              "error": f"the grader could not run this submission: {type(exc).__name__}: {_cap(str(exc), 200)}"})
        return 1


def _work(job: dict, inp, send) -> int:
    if job.get("isolate"):
        setup_mounts(job["job_dir"], job.get("hide", []))
    if job.get("memory_mb"):
        import resource

        limit = int(job["memory_mb"]) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    from jupyter_client import KernelManager

    out = _Output(int(job.get("output_limit", 1_000_000)))
    workdir = job["workdir"]
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update({"HOME": workdir, "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1",
                "MPLCONFIGDIR": os.path.join(job["job_dir"], "mpl"), "JUPYTER_PLATFORM_DIRS": "1"})
    if job.get("otter_stub", True):
        stub = Path(job["job_dir"], "stub", "otter")
        stub.mkdir(parents=True, exist_ok=True)
        (stub / "__init__.py").write_text(OTTER_STUB, encoding="utf-8")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(stub.parent), env.get("PYTHONPATH")]))
    km = KernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(job["job_dir"], "k"))
    cells_run, cell_errors = 0, []
    try:
        km.start_kernel(cwd=workdir, env=env)
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=120)
            _execute(km, kc, PRELUDE, None)
            cells = _code_cells(json.load(open(job["notebook"], encoding="utf-8")))
            for i, code in enumerate(cells, start=1):
                try:
                    reply = _execute(km, kc, code, out)
                except KernelDied:
                    send({"event": "executed", "status": "error",
                          "error": f"the Python kernel died while running code cell {i} "
                                   "(the code ended the process, e.g. with os._exit or exit(), or crashed)",
                          "cells_run": cells_run, "cell_errors": cell_errors})
                    return 0
                cells_run += 1
                if reply.get("status") == "error":
                    cell_errors.append({"cell": i, "error": _cap(f"{reply.get('ename')}: {reply.get('evalue')}", 300)})
            send({"event": "executed", "status": "ok", "cells_run": cells_run, "cell_errors": cell_errors,
                  "output_bytes": out.total, "output_truncated": out.truncated})
            msg = json.loads(inp.readline())
            nonce = msg["nonce"]
            canary_fail = case_cell({"code": f">>> assert False, {nonce!r}\n", "question": "canary", "index": 0})
            canary_pass = case_cell({"code": ">>> assert 1 + 1 == 2\n", "question": "canary", "index": 1})
            try:
                r1 = _execute(km, kc, canary_fail, None)
                r2 = _execute(km, kc, canary_pass, None)
                tampered = not (r1.get("status") == "error" and nonce in str(r1.get("evalue", ""))
                                and r2.get("status") == "ok")
                results = []
                if not tampered:
                    for case in msg["cases"]:
                        reply = _execute(km, kc, case_cell(case), None)
                        passed = reply.get("status") == "ok"
                        message = "" if passed else _cap(str(reply.get("evalue", "")) or str(reply.get("ename")))
                        results.append({"question": case["question"], "index": case["index"], "passed": passed,
                                        "message": message})
            except KernelDied:
                send({"event": "result", "status": "error",
                      "error": "the Python kernel died while the tests ran (the submission left code that ends the process)"})
                return 0
            if tampered:
                send({"event": "result", "status": "error",
                      "error": "the submission tampered with the grading environment (a control test gave the wrong verdict)"})
            else:
                send({"event": "result", "status": "ok", "cases": results,
                      "output_head": _cap("".join(out.parts), 2000)})
        finally:
            kc.stop_channels()
    finally:
        try:
            km.shutdown_kernel(now=True)
        except Exception:
            pass
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--probe"]:
        print(json.dumps(_probe_main(argv[1], argv[2])))
        return 0
    return worker_main()


if __name__ == "__main__":
    sys.exit(main())
