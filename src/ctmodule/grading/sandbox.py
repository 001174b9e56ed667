"""The sandbox a student's notebook runs in: bubblewrap, resource limits, and a clean end.

``ctmodule grade`` runs each submission's code in its own bubblewrap sandbox (``bwrap``, the tool
Flatpak uses; Debian package ``bubblewrap``). The sandbox's root holds only:

* the Python runtime, read-only (``/usr``, the interpreter's prefix and the virtual environment's
  packages; not the repository, not the instructor's home beyond the interpreter itself);
* the runner and its data codec (:mod:`ctmodule.grading.runner`), read-only, in ``/opt/ctgrade``;
* the student's files for this exercise (the released student folder: notebook, data, public tests),
  read-only in ``/srv/exercise``, copied by the runner into ``/home/student``, a size-limited tmpfs;
* a fresh ``/proc`` for its own PID namespace, a minimal ``/dev`` and a size-limited ``/tmp``.

All namespaces are new (user, mount, PID, network with no interface, IPC, UTS, cgroup), every
capability is dropped, ``no_new_privs`` is set (bubblewrap always does), user namespaces cannot be
created inside (``--disable-userns``), the sandbox gets its own session (no terminal injection) and
dies with the grader. The release, the solutions, the autograder zip, the repository, the other
submissions and the output folders are not in its view at all.

Limits per submission: processes and memory for the whole submission through a cgroup when the
grader may create one (as root on most Linux machines), otherwise per-process rlimits; address
space, open files, file size and core dumps through rlimits set by the runner before any student
code runs; disk through the tmpfs sizes; wall-clock time by the grader, which kills the sandbox's
process tree (the PID namespace goes with it, so nothing a submission started survives).
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: the files copied into the sandbox: the runner and the codec it needs (ctmodule is not there)
RUNNER_FILES = ("runner.py", "datacodec.py")

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


@dataclass
class Limits:
    """What one submission may use."""

    memory_mb: int = 2048         # the whole submission (cgroup), or each process (rlimit) without one; 0: none
    processes: int = 64           # processes and threads of the submission
    open_files: int = 256
    file_mb: int = 64             # largest file it may write
    home_mb: int = 256            # its working folder (a tmpfs: counts against memory too)
    tmp_mb: int = 64

    def rlimits(self, per_process_memory: bool, nproc: int | None) -> dict:
        mb = 2 ** 20
        out = {"nofile": self.open_files, "fsize": self.file_mb * mb, "core": 0}
        if per_process_memory and self.memory_mb:
            out["as"] = self.memory_mb * mb
        if nproc is not None:
            out["nproc"] = nproc
        return out


# ---------------------------------------------------------------------------------------
# bubblewrap
# ---------------------------------------------------------------------------------------


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


def _runtime_paths() -> list[str]:
    """Read-only paths the sandboxed Python needs: its prefixes and the packages it imports."""
    paths = {os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix), os.path.realpath(sys.exec_prefix)}
    for p in sys.path:
        if p and "site-packages" in p and os.path.isdir(p):
            paths.add(os.path.realpath(p))
    real_exe = os.path.realpath(sys.executable)
    paths.add(os.path.dirname(os.path.dirname(real_exe)))
    keep = []
    for p in sorted(paths, key=len):
        if p in ("/", "") or any(p == k or p.startswith(k.rstrip("/") + "/") for k in keep):
            continue
        if p == "/usr" or p.startswith("/usr/"):
            continue  # /usr is bound as a whole
        keep.append(p)
    return keep


def bwrap_command(runner_dir: Path, exercise_dir: Path, limits: Limits) -> list[str]:
    """The bubblewrap command line that runs the runner in a sandbox of its own."""
    exe = bwrap_path()
    if not exe:
        raise FileNotFoundError("bwrap")
    mb = 2 ** 20
    cmd = [exe, "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--new-session",
           "--cap-drop", "ALL", "--hostname", "sandbox", "--clearenv",
           "--ro-bind", "/usr", "/usr"]
    for link in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        if os.path.islink(f"/{link}"):
            cmd += ["--symlink", os.readlink(f"/{link}"), f"/{link}"]
        elif os.path.isdir(f"/{link}"):
            cmd += ["--ro-bind", f"/{link}", f"/{link}"]
    for etc in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives",
                "/etc/localtime", "/etc/fonts", "/etc/mime.types"):
        cmd += ["--ro-bind-try", etc, etc]
    # a runtime under /tmp (a checkout or a venv there) is bound after the sandbox's own /tmp,
    # which would otherwise hide it (the runner's interpreter would not be found)
    runtime = _runtime_paths()
    under_tmp = [p for p in runtime if p == "/tmp" or p.startswith("/tmp/")]
    for p in runtime:
        if p not in under_tmp:
            cmd += ["--ro-bind", p, p]
    cmd += ["--proc", "/proc", "--remount-ro", "/proc", "--dev", "/dev", "--remount-ro", "/dev",
            "--size", str(limits.tmp_mb * mb), "--tmpfs", "/tmp"]
    for p in under_tmp:
        cmd += ["--ro-bind", p, p]
    cmd += ["--size", str(limits.home_mb * mb), "--tmpfs", "/home/student",
            "--ro-bind", str(runner_dir), "/opt/ctgrade",
            "--ro-bind", str(exercise_dir), "/srv/exercise",
            "--chdir", "/home/student",
            "--setenv", "HOME", "/home/student", "--setenv", "PATH", "/usr/local/bin:/usr/bin:/bin",
            "--setenv", "LANG", "C.UTF-8", "--setenv", "PYTHONDONTWRITEBYTECODE", "1",
            "--setenv", "PYTHONNOUSERSITE", "1", "--setenv", "MPLBACKEND", "Agg",
            sys.executable, "-I", "/opt/ctgrade/runner.py"]
    return cmd


_PROBE: dict | None = None
_PROBE_LOCK = threading.Lock()


def probe() -> dict:
    """Check that the sandbox starts here and isolates: ``{"ok": bool, "reason": str}`` (cached)."""
    global _PROBE
    with _PROBE_LOCK:
        if _PROBE is None:
            _PROBE = _probe()
        return dict(_PROBE)


_PROBE_CODE = r"""
import json, os, socket
r = {"ifaces": [n for _, n in socket.if_nameindex()], "pid": os.getpid(),
     "caps": open("/proc/self/status").read().split("CapEff:")[1].split()[0],
     "secret": os.path.exists(%(secret)r), "root_writable": os.access("/usr", os.W_OK)}
try:
    open("/usr/ctgrade-probe", "w"); r["wrote"] = True
except OSError:
    r["wrote"] = False
print(json.dumps(r))
"""


def _probe() -> dict:
    exe = bwrap_path()
    if not exe:
        return {"ok": False, "reason": "bubblewrap (bwrap) is not installed"}
    with tempfile.TemporaryDirectory(prefix="ctgrade-probe-") as tmp:
        tmp = Path(tmp)
        runner = tmp / "runner"
        runner.mkdir()
        ex = tmp / "exercise"
        ex.mkdir()
        secret = tmp / "secret.txt"
        secret.write_text("x", encoding="utf-8")
        cmd = bwrap_command(runner, ex, Limits())
        cmd = cmd[: cmd.index("/opt/ctgrade/runner.py")] + ["-c", _PROBE_CODE % {"secret": str(secret)}]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return {"ok": False, "reason": f"bubblewrap did not start: {exc}"}
        if proc.returncode != 0:
            err = (proc.stderr.strip().splitlines() or ["no message"])[-1]
            return {"ok": False, "reason": f"bubblewrap refused to start a sandbox here: {err[:300]}"}
        import json

        try:
            r = json.loads(proc.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError):
            return {"ok": False, "reason": "the probe sandbox gave no answer"}
    problems = []
    if r.get("ifaces") not in (["lo"], []):
        problems.append(f"network interfaces visible: {r.get('ifaces')}")
    if int(str(r.get("caps", "1")), 16) != 0:
        problems.append("capabilities were not dropped")
    if r.get("secret"):
        problems.append("files outside the sandbox are visible")
    if r.get("wrote") or r.get("root_writable"):
        problems.append("the runtime is writable")
    if problems:
        return {"ok": False, "reason": "the sandbox does not isolate: " + "; ".join(problems)}
    return {"ok": True, "reason": "bubblewrap: new user, mount, PID, network, IPC and UTS namespaces; "
                                  "no capabilities; read-only runtime"}


# ---------------------------------------------------------------------------------------
# cgroups: processes and memory for a whole submission
# ---------------------------------------------------------------------------------------


class CGroup:
    """A cgroup (v2, or v1 ``pids`` + ``memory``) for one submission, or nothing if not allowed here."""

    def __init__(self, paths: list[Path], version: int):
        self.paths, self.version = paths, version

    @classmethod
    def create(cls, name: str, limits: Limits) -> CGroup | None:
        mb = 2 ** 20
        v2 = Path("/sys/fs/cgroup")
        try:
            if (v2 / "cgroup.controllers").is_file():
                ctl = (v2 / "cgroup.subtree_control").read_text().split()
                if "pids" in ctl and "memory" in ctl:
                    p = v2 / name
                    p.mkdir(mode=0o700)
                    (p / "pids.max").write_text(str(limits.processes))
                    if limits.memory_mb > 0:
                        (p / "memory.max").write_text(str(limits.memory_mb * mb))
                        if (p / "memory.swap.max").exists():
                            (p / "memory.swap.max").write_text("0")
                    return cls([p], 2)
                return None
            pids, mem = Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup/memory")
            if (pids / "cgroup.procs").is_file() and (mem / "cgroup.procs").is_file():
                made = []
                try:
                    p = pids / name
                    p.mkdir(mode=0o700)
                    made.append(p)
                    (p / "pids.max").write_text(str(limits.processes))
                    m = mem / name
                    m.mkdir(mode=0o700)
                    made.append(m)
                    if limits.memory_mb > 0:
                        (m / "memory.limit_in_bytes").write_text(str(limits.memory_mb * mb))
                    return cls(made, 1)
                except OSError:
                    cls(made, 1).remove()
                    raise
        except OSError:
            return None
        return None

    def procs_files(self) -> list[str]:
        return [str(p / "cgroup.procs") for p in self.paths]

    def remove(self) -> None:
        for p in self.paths:
            pids = []
            try:
                pids = [int(x) for x in (p / "cgroup.procs").read_text().split()]
            except (OSError, ValueError):
                pass
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            for _ in range(50):
                try:
                    p.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    import time

                    time.sleep(0.02)


def cgroup_available() -> bool:
    g = CGroup.create(f"ctgrade-probe-{os.getpid()}", Limits())
    if g is None:
        return False
    g.remove()
    return True


def join_cgroup_prefix(group: CGroup | None) -> list[str]:
    """A shell prefix that moves the new process into ``group`` before it execs the sandbox."""
    if group is None:
        return []
    script = "".join(f'echo $$ > "{f}" && ' for f in group.procs_files()) + 'exec "$@"'
    return ["/bin/sh", "-c", script, "ctgrade"]


# ---------------------------------------------------------------------------------------
# ending everything a submission started
# ---------------------------------------------------------------------------------------


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as f:
                data = f.read()
            ppid = int(data.rsplit(")", 1)[1].split()[1])
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
    """SIGKILL a process started with ``start_new_session=True``, its group and all descendants."""
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


def become_subreaper() -> bool:
    """Make this process adopt orphans of its descendants (so a double-forked child can be found)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def kill_orphans(live: set[int]) -> int:
    """Kill every descendant of this process that is not one of ``live`` (nor below one)."""
    me = os.getpid()
    keep = set(live)
    for p in list(live):
        keep.update(descendants(p))
    killed = 0
    for pid in descendants(me):
        if pid in keep:
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if b"ctmodule.grading.judge" in f.read():
                    continue
            os.kill(pid, signal.SIGKILL)
            killed += 1
        except OSError:
            pass
    return killed


# ---------------------------------------------------------------------------------------
# working folders
# ---------------------------------------------------------------------------------------


def private_dir(prefix: str, parent: Path | None = None) -> Path:
    """A new folder only its owner can enter (mode 0700)."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    os.chmod(path, 0o700)
    return path


def remove_tree(path: Path) -> str:
    """Remove ``path`` whatever is in it: any depth, read-only folders, odd names. Returns "" or a reason.

    Iterative (no recursion limit), never follows symbolic links, makes folders writable before
    emptying them. A failure is reported to the caller, never raised.
    """
    root = os.fsencode(str(path))
    if not os.path.lexists(root):
        return ""
    errors = []
    stack = [(root, False)]
    while stack:
        p, emptied = stack.pop()
        try:
            st = os.lstat(p)
        except FileNotFoundError:
            continue
        except OSError as exc:
            errors.append(exc)
            continue
        if not stat.S_ISDIR(st.st_mode):
            try:
                os.unlink(p)
            except FileNotFoundError:
                pass
            except OSError as exc:
                errors.append(exc)
            continue
        if emptied:
            try:
                os.rmdir(p)
            except OSError as exc:
                errors.append(exc)
            continue
        try:
            os.chmod(p, 0o700)
        except OSError:
            pass
        stack.append((p, True))
        try:
            with os.scandir(p) as it:
                for entry in it:
                    stack.append((entry.path, False))
        except OSError as exc:
            errors.append(exc)
    if errors:
        return f"could not remove {len(errors)} item(s) under {path}: {errors[0]}"
    return ""


def prepare_runner_dir(parent: Path, otter_stub: bool) -> Path:
    """The read-only folder the sandbox sees as ``/opt/ctgrade``: runner, codec, otter stand-in."""
    d = parent / "runner"
    d.mkdir(mode=0o755)
    for name in RUNNER_FILES:
        shutil.copyfile(HERE / name, d / name)
    if otter_stub:
        (d / "stub" / "otter").mkdir(parents=True)
        (d / "stub" / "otter" / "__init__.py").write_text(OTTER_STUB, encoding="utf-8")
    for p in [d, *d.rglob("*")]:
        os.chmod(p, 0o755 if p.is_dir() else 0o644)
    return d
