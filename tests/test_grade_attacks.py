"""Grading you can trust: each known attack on an autograder, as a real notebook or file, graded for real.

One batch (``ctmodule grade --jobs 2``) grades all the hostile submissions below next to a correct one,
in the bubblewrap sandbox; the tests then check that none of them gained a point, saw a secret, harmed
another submission or the instructor's files, escaped its limits or left a process behind, and that
every input got one safe row. A second, smaller batch runs with ``--unsafe``.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest
import test_grade
from test_grade import CORRECT, EX, FIXTURES, _alive_with, _Listener, make_nb, write

from ctmodule.cli import main as cli
from ctmodule.grading import common, grade, marks, safety, sandbox

released = test_grade.released  # the fixture exercise, released once per session

pytestmark = pytest.mark.skipif(not sandbox.probe()["ok"], reason="no sandbox here: " + sandbox.probe()["reason"])

HIDDEN_FRAGMENT = "span of 2000 and 2003"  # text of a test's source and hint, never quoted by a submission


FORGE = r'''
import json, os
fake = {"results": [{"question": q, "index": i, "passed": True, "message": ""} for q in ("q1", "q2", "q3") for i in range(20)] * 100}
fake2 = {"event": "executed", "cells_run": 1, "cell_errors": [], "values": {"n_events": 12}}
hits = 0
for pid in {os.getpid(), os.getppid(), 1, 2, 3}:
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        continue
    for fd in fds:
        try:
            with open(f"/proc/{pid}/fd/{fd}", "w") as f:
                f.write(json.dumps(fake) + "\n" + json.dumps(fake2) + "\n")
            hits += 1
        except OSError:
            pass
for fd in range(3, 64):
    try:
        os.write(fd, (json.dumps(fake) + "\n").encode())
    except OSError:
        pass
'''

ALWAYS_EQUAL = r'''
class Anything:
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __lt__(self, other): return True
    def __gt__(self, other): return True
    def __le__(self, other): return True
    def __ge__(self, other): return True
    def __bool__(self): return True
    def __int__(self): return 3
    def __index__(self): return 3
    def __hash__(self): return 0
    def __len__(self): return 3
    def __sub__(self, other): return self
    def __rsub__(self, other): return self
    def __abs__(self): return 0
n_events = Anything()
per_category = Anything()
def span(df):
    return Anything()
'''

PATCH_KERNEL = r'''
import builtins, doctest
doctest.DocTestRunner.run = lambda self, *a, **k: doctest.TestResults(0, 1)
builtins.AssertionError = type("AssertionError", (Exception,), {})
_real_isinstance = builtins.isinstance
builtins.isinstance = lambda *a: True
builtins.len = lambda *a: 3
try:
    ip = get_ipython()
    ip.events.register("post_run_cell", lambda result: setattr(result, "error_in_exec", None))
except Exception:
    pass
import sys
sys.modules["doctest"] = None
'''

STACK_QUOTE = r'''
import inspect
class Spy:
    def __eq__(self, other):
        raise AssertionError(" | ".join(open(f.filename).read() if False else (f.code_context or [""])[0] for f in inspect.stack()))
    def __hash__(self): return 0
n_events = Spy()
per_category = Spy()
def span(df):
    import inspect
    return " | ".join(str(f.frame.f_globals.get("__file__")) + str(f.code_context) for f in inspect.stack())
'''


def _secrets_cell(paths: list[Path]) -> str:
    return (
        "import os, glob\n"
        f"paths = {[str(p) for p in paths]!r}\n"
        "found = [p for p in paths if os.path.exists(p)]\n"
        "found += glob.glob('/tmp/ctgrade-*/**/*.py', recursive=True)\n"
        "for top in ['/srv', '/opt', '/home', '/tmp', '/work', '/root', '/mnt', '/media', '/var', '/run']:\n"
        "    for pattern in ['**/*-autograder.zip', '**/*-solution.ipynb', '**/.git', '**/grading.json']:\n"
        "        found += glob.glob(top + '/' + pattern, recursive=True)[:5]\n"
        "assert not found, 'SECRET VISIBLE: ' + repr(found[:5])\n"
    )


def _harm_cell(targets: list[Path], port: int) -> str:
    return (
        "import os, socket, ctypes, pathlib, glob\n"
        "done = []\n"
        f"for target in {[str(t) for t in targets]!r} + ['/dev/ctgrade-made', '/usr/ctgrade-made']:\n"
        "    try:\n"
        "        pathlib.Path(target).write_text('{}'); done.append(target)\n"
        "    except OSError:\n"
        "        pass\n"
        "for other in glob.glob('/tmp/ctgrade-*/job-*/exercise/*.ipynb') + glob.glob('/home/*/*.ipynb'):\n"
        "    if 'student' not in other:\n"
        "        try:\n"
        "            open(other, 'w').write('{}'); done.append(other)\n"
        "        except OSError:\n"
        "            pass\n"
        "for sysctl in ['/proc/sys/kernel/hostname', '/proc/sys/vm/drop_caches', '/proc/sysrq-trigger']:\n"
        "    try:\n"
        "        open(sysctl, 'w').close(); done.append(sysctl)\n"
        "    except OSError:\n"
        "        pass\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        "if libc.mount(None, b'/usr', None, ctypes.c_ulong(32 | 4096), None) == 0: done.append('remount /usr')\n"
        "if libc.umount2(b'/srv/exercise', 2) == 0: done.append('umount')\n"
        "if libc.unshare(0x10000000) == 0: done.append('new user namespace')\n"
        "for pid in range(1, 50):\n"
        "    try:\n"
        "        fd = os.open(f'/proc/{pid}/ns/net', os.O_RDONLY)\n"
        "        if libc.setns(fd, 0) == 0 and len(socket.if_nameindex()) > 1: done.append('joined a network')\n"
        "    except OSError:\n"
        "        pass\n"
        "try:\n"
        f"    socket.create_connection(('127.0.0.1', {port}), timeout=2).close(); done.append('network')\n"
        "except OSError:\n"
        "    pass\n"
        "assert not done, 'HARM DONE: ' + repr(done)\n"
    )


FORK_BOMB = r'''
import os, time
kids = 0
try:
    for _ in range(400):
        if os.fork() == 0:
            time.sleep(600)
            os._exit(0)
        kids += 1
except OSError:
    pass
assert kids < 200, f"FORKED {kids}"
'''

MEMORY_HOG = r'''
import subprocess, sys
code = "b = bytearray(700 * 2**20)\nfor i in range(0, len(b), 4096): b[i] = 1\nimport time; time.sleep(30)"
procs = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(4)]
blob = bytearray(900 * 2**20)
for i in range(0, len(blob), 4096):
    blob[i] = 1
'''

DISK_FILLER = r'''
wrote = 0
try:
    with open("big.bin", "wb") as f:
        for _ in range(2048):
            f.write(b"\0" * 2**20); wrote += 1
except OSError:
    pass
try:
    with open("/tmp/big.bin", "wb") as f:
        for _ in range(2048):
            f.write(b"\0" * 2**20); wrote += 1
except OSError:
    pass
assert wrote < 600, f"WROTE {wrote} MB"
'''


def _double_fork(marker: str) -> str:
    return (
        "import os, subprocess, sys\n"
        f"subprocess.Popen(['setsid', sys.executable, '-c', 'import os, time\\nif os.fork() == 0:\\n    time.sleep(600)', '{marker}'],"
        " start_new_session=True)\n"
        "import time; time.sleep(1)\n"
    )


@pytest.fixture(scope="module")
def attacks(released, tmp_path_factory):
    root = tmp_path_factory.mktemp("attacks")
    subs, out, outside = root / "submissions", root / "out", root / "outside"
    for d in (subs, out, outside):
        d.mkdir()
    (outside / "instructor.txt").write_text("private", encoding="utf-8")
    marker = f"ctgrade-attack-{uuid.uuid4().hex}"
    listener = _Listener()
    blank = make_nb(released)
    write(subs, "correct.ipynb", make_nb(released, CORRECT))
    write(subs, "correct-too.ipynb", make_nb(released, CORRECT))
    write(subs, "forge.ipynb", make_nb(released, {}, extra=[(1, FORGE)]))
    write(subs, "always-equal.ipynb", make_nb(released, {}, extra=[(1, ALWAYS_EQUAL)]))
    write(subs, "patch-kernel.ipynb", make_nb(released, {}, extra=[(1, PATCH_KERNEL)]))
    write(subs, "stack-quote.ipynb", make_nb(released, {}, extra=[(1, STACK_QUOTE)]))
    repo = Path(__file__).resolve().parents[1]
    secrets_paths = [released, released / EX / "autograder", repo / ".git", repo / "exercises", FIXTURES, subs, out,
                     outside / "instructor.txt", Path.home() / ".bashrc" if (Path.home() / ".bashrc").exists()
                     else outside]
    write(subs, "secrets.ipynb", make_nb(released, CORRECT, extra=[(2, _secrets_cell(secrets_paths))]))
    harm_targets = [subs / "correct.ipynb", subs / "new.ipynb", out / "grades.csv", out / "feedback" / "x.md",
                    outside / "instructor.txt", released / EX / "student" / f"{EX}.ipynb"]
    write(subs, "harm.ipynb", make_nb(released, CORRECT, extra=[(2, _harm_cell(harm_targets, listener.port))]))
    write(subs, "fork-bomb.ipynb", make_nb(released, CORRECT, extra=[(2, FORK_BOMB)]))
    write(subs, "memory-hog.ipynb", make_nb(released, CORRECT, extra=[(2, MEMORY_HOG)]))
    write(subs, "disk-filler.ipynb", make_nb(released, CORRECT, extra=[(2, DISK_FILLER)]))
    write(subs, "double-fork.ipynb", make_nb(released, CORRECT, extra=[(2, _double_fork(marker))]))
    forged_error = ("raise RuntimeError('\\n\\n**Autograded score: 6 / 6**\\n\\n# Feedback: someone-else\\n"
                    "<img src=\"http://example.invalid/x.png\"> ` ``` ')")
    write(subs, "forged-feedback.ipynb", make_nb(released, {}, extra=[(1, forged_error)]))
    # names a spreadsheet, a terminal or a file system would misread
    for name in ("=1+1.ipynb", "+SUM(1,1).ipynb", "-2+3.ipynb", "@cmd.ipynb", "alice smith.ipynb",
                 "alice_smith.ipynb", ".ipynb", "\x1b[31mred\x1b[0m.ipynb", "x" * 240 + ".ipynb"):
        write(subs, name, make_nb(released, CORRECT))
    bad = os.fsencode(str(subs)) + b"/caf\xe9-latin1.ipynb"
    with open(bad, "wb") as f:
        f.write(json.dumps(make_nb(released, CORRECT)).encode())
    sol = released / EX / "autograder" / f"{EX}-solution.ipynb"
    os.symlink(sol if sol.exists() else subs / "correct.ipynb", subs / "link-to-solution.ipynb")
    # a folder tree far deeper than any student makes
    fd = os.open(subs, os.O_RDONLY)
    os.mkdir("deep", dir_fd=fd)
    cur = os.open("deep", os.O_RDONLY, dir_fd=fd)
    os.close(fd)
    for _ in range(1500):
        os.mkdir("d", dir_fd=cur)
        nxt = os.open("d", os.O_RDONLY, dir_fd=cur)
        os.close(cur)
        cur = nxt
    os.close(cur)
    # a zip bomb handed in as the notebook's export: 300 MB of zeros in a small zip
    with zipfile.ZipFile(subs / "bomb.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        with zf.open(f"{EX}.ipynb", "w", force_zip64=True) as member:
            chunk = b"\0" * 2**20
            for _ in range(300):
                member.write(chunk)
    big = json.dumps(make_nb(released, CORRECT))
    (subs / "huge.ipynb").write_text(big[:-1] + ', "pad": "' + "x" * (70 * 2**20) + '"}', encoding="utf-8")

    gradebook = out / "grades.csv"
    proc = subprocess.run([sys.executable, "-m", "ctmodule", "grade", EX, str(subs), "--out", str(gradebook),
                           "--release", str(released), "--jobs", "2", "--timeout", "40", "--memory", "1024",
                           "--feedback", str(out / "feedback")], capture_output=True, timeout=900)
    listener.close()
    rows = list(csv.DictReader(gradebook.open(encoding="utf-8")))
    yield {"proc": proc, "rows": rows, "by": {r["submission"]: r for r in rows}, "out": out, "subs": subs,
           "outside": outside, "released": released, "marker": marker, "hits": listener.hits, "blank": blank}
    assert sandbox.remove_tree(subs / "deep") == ""


def _row(attacks, name):
    return attacks["by"][name]


def test_the_batch_ends_with_a_gradebook_and_one_row_per_input(attacks):
    assert attacks["proc"].returncode == 0, attacks["proc"].stderr[-2000:]
    names = [r["submission"] for r in attacks["rows"]]
    assert len(names) == len(set(names))
    n_inputs = len(os.listdir(attacks["subs"]))  # 'deep' is one folder: one row
    assert len(names) == n_inputs
    assert all(r["sandbox"] == "bubblewrap" for r in attacks["rows"])


@pytest.mark.parametrize("name", ["forge.ipynb", "always-equal.ipynb", "patch-kernel.ipynb", "stack-quote.ipynb",
                                  "forged-feedback.ipynb"])
def test_nothing_the_student_code_does_decides_a_score(attacks, name):
    r = _row(attacks, name)
    assert r["score"] == "0", r
    assert float(r["score"]) <= float(r["max_score"])


def test_hidden_tests_are_not_quoted_into_feedback(attacks):
    for name in ("stack-quote.ipynb", "always-equal.ipynb"):
        text = (attacks["out"] / "feedback" / f"{name}.md").read_text(encoding="utf-8")
        assert "assert" not in text.split("Autograded score")[1].split("## q4")[0] or HIDDEN_FRAGMENT in text
        assert "def span" not in text and "OK_FORMAT" not in text and "/opt/ctgrade" not in text


def test_correct_submissions_graded_next_to_attackers_keep_full_marks(attacks):
    for name in ("correct.ipynb", "correct-too.ipynb"):
        r = _row(attacks, name)
        assert (r["status"], r["score"]) == ("ok", "6"), r


def test_no_secret_is_in_view(attacks):
    r = _row(attacks, "secrets.ipynb")
    assert r["status"] == "ok", r
    text = (attacks["out"] / "feedback" / "secrets.ipynb.md").read_text(encoding="utf-8")
    assert "SECRET VISIBLE" not in text, text


def test_no_harm_to_others(attacks):
    r = _row(attacks, "harm.ipynb")
    assert (r["status"], r["score"]) == ("ok", "6"), r
    text = (attacks["out"] / "feedback" / "harm.ipynb.md").read_text(encoding="utf-8")
    assert "HARM DONE" not in text, text
    assert (attacks["outside"] / "instructor.txt").read_text(encoding="utf-8") == "private"
    assert not (attacks["subs"] / "new.ipynb").exists()
    assert not Path("/dev/ctgrade-made").exists() and not Path("/usr/ctgrade-made").exists()
    assert attacks["hits"] == 0


@pytest.mark.parametrize("name, word", [("fork-bomb.ipynb", "FORKED"), ("disk-filler.ipynb", "WROTE")])
def test_limits_hold(attacks, name, word):
    r = _row(attacks, name)
    assert r["status"] in ("ok", "error", "timeout"), r
    fb = (attacks["out"] / "feedback" / f"{name}.md").read_text(encoding="utf-8")
    assert word not in fb, fb


def test_memory_is_limited_for_the_whole_submission(attacks):
    r = _row(attacks, "memory-hog.ipynb")
    fb = (attacks["out"] / "feedback" / "memory-hog.ipynb.md").read_text(encoding="utf-8")
    assert r["status"] == "error" or "MemoryError" in fb, (r, fb)


def test_nothing_a_submission_started_survives(attacks):
    assert _alive_with(attacks["marker"]) == []
    assert _alive_with("ctmodule.grading.judge") == [] or True  # other batches may run in parallel
    assert not any(p.name.startswith("ctgrade-") for p in Path("/sys/fs/cgroup/pids").glob("ctgrade-*")
                   if str(os.getpid()) in p.name)


def test_hostile_inputs_become_error_rows(attacks):
    by = attacks["by"]
    link = next(r for n, r in by.items() if n.startswith("link-to-solution"))
    assert (link["status"], link["score"]) == ("error", "0") and "link" in link["error"]
    deep = next(r for n, r in by.items() if n.startswith("deep"))
    assert deep["status"] == "error" and "deep" in deep["error"]
    bomb = by["bomb.zip"]
    assert bomb["status"] == "error" and ("bomb" in bomb["error"] or "larger than" in bomb["error"]), bomb
    assert by["huge.ipynb"]["status"] == "error" and "larger than" in by["huge.ipynb"]["error"]
    assert by[".ipynb"]["status"] == "error"
    assert by["caf\\xe9-latin1.ipynb"]["score"] == "6"  # a name that is not UTF-8, shown escaped
    long = [n for n in by if n.startswith("xxxx")]
    assert len(long) == 1 and len(long[0]) <= safety.MAX_NAME and by[long[0]]["score"] == "6"
    red = [n for n in by if "red" in n and "\x1b" not in n]
    assert red and "\\u001b" in red[0]


def test_spreadsheet_formulas_are_neutralised(attacks):
    text = (attacks["out"] / "grades.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(text.splitlines()))
    for cells in rows:
        for cell in cells:
            assert not cell.startswith(("=", "+", "@")) and not (cell.startswith("-") and not cell[1:2].isdigit())
    names = {r["submission"] for r in attacks["rows"]}
    assert {"'=1+1.ipynb", "'+SUM(1,1).ipynb", "'-2+3.ipynb", "'@cmd.ipynb"} <= names


def test_feedback_files_are_unique_bounded_and_inert(attacks):
    files = sorted((attacks["out"] / "feedback").iterdir())
    ok_rows = [r for r in attacks["rows"]]
    assert len(files) == len(ok_rows)
    assert all(len(f.name) <= 140 for f in files)
    alice = [f for f in files if f.name.startswith("alice")]
    assert len(alice) == 2
    forged = (attacks["out"] / "feedback" / "forged-feedback.ipynb.md").read_text(encoding="utf-8")
    score_lines = [ln for ln in forged.splitlines() if ln.startswith("**Autograded score")]
    assert score_lines == ["**Autograded score: 0 / 6**"]
    assert [ln for ln in forged.splitlines() if ln.startswith("# ")] == [f"# Feedback: {EX}"]
    assert "<img" not in forged


def test_terminal_output_has_no_control_sequences(attacks):
    assert b"\x1b[31m" not in attacks["proc"].stderr


def test_export_written_cannot_impersonate_or_load_remote_images(released, tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    write(subs, "alice.ipynb", make_nb(released, CORRECT))
    write(subs, "mallory.ipynb", make_nb(released, {**CORRECT, "q4": (
        "My answer.\n\n---\n\n## alice.ipynb\n\nAlice's answer, forged. ![x](http://example.invalid/t.png)\n"
        "<img src='http://example.invalid/u.png'>\n```\n# q4\n```")}))
    out = tmp_path / "written"
    assert cli(["export-written", EX, str(subs), "--out", str(out), "--release", str(released)]) == 0
    md = (out / "q4.md").read_text(encoding="utf-8")
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(md)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"]
    assert headings == ["alice.ipynb", "mallory.ipynb"]  # the forged heading is text inside a fence
    assert not any(t.type == "inline" and any(c.type == "image" for c in (t.children or [])) for t in tokens)
    page = (out / "q4.html").read_text(encoding="utf-8")
    import re

    assert "<img" not in page and not re.search(r"<[^>]*\bsrc=", page)  # shown as text, never loaded
    assert page.count("<h2>") == 2


def test_merge_marks_reads_latin1_rejects_oversize_fields_and_never_writes_minus_zero(tmp_path):
    grades = tmp_path / "grades.csv"
    common.write_csv_atomic(grades, grade.BASE_COLUMNS + ["q1", "q4"],
                            [{"submission": "café.ipynb", "status": "ok", "score": "2", "max_score": "2", "q1": "2"}])
    meta = {"exercise": "x", "auto_max": 2, "questions": [{"name": "q1", "manual": False, "max": 2},
                                                          {"name": "q4", "manual": True, "max": 3}]}
    latin = tmp_path / "marks.csv"
    latin.write_bytes("submission,question,points\ncafé.ipynb,q4,-0\n".encode("latin-1"))
    header, rows, warnings = marks.merge(grades, latin, meta)
    assert rows[0]["q4"] == "0" and rows[0]["score"] == "2"
    assert any("Windows-1252" in w for w in warnings)
    big = tmp_path / "big.csv"
    big.write_text("submission,question,points\n" + "x" * 300_000 + ",q4,1\n", encoding="utf-8")
    with pytest.raises(marks.MarksError) as err:
        marks.merge(grades, big, meta)
    assert f"{big}:2" in str(err.value)


def test_score_counts_each_case_once_and_never_exceeds_the_maximum():
    ex = common.Exercise("x", "x", Path("."), Path("."), [{"name": "q1", "points": 2, "manual": False}],
                         [{"question": "q1", "index": 0, "points": 1.0, "hidden": False},
                          {"question": "q1", "index": 1, "points": 1.0, "hidden": True}])
    res = grade.Result("a", "ok", 0.0, 0.0)
    res.cases = [{"question": "q1", "index": 0, "passed": True}] * 600 + [
        {"question": "q9", "index": 0, "passed": True}, {"question": "q1", "index": 7, "passed": True}]
    grade._score(res, ex)
    assert res.score == 1.0 and len(res.cases) == 2


def test_unsafe_mode_is_recorded_and_still_judges_outside_and_kills_everything(released, tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    marker = f"ctgrade-unsafe-{uuid.uuid4().hex}"
    write(subs, "correct.ipynb", make_nb(released, CORRECT))
    write(subs, "patch.ipynb", make_nb(released, {}, extra=[(1, PATCH_KERNEL + ALWAYS_EQUAL)]))
    write(subs, "double-fork.ipynb", make_nb(released, CORRECT, extra=[(2, _double_fork(marker))]))
    out = tmp_path / "grades.csv"
    assert cli(["grade", EX, str(subs), "--out", str(out), "--release", str(released), "--unsafe",
                "--timeout", "30"]) == 0
    rows = {r["submission"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert {r["sandbox"] for r in rows.values()} == {"none (--unsafe)"}
    assert rows["correct.ipynb"]["score"] == "6" and rows["patch.ipynb"]["score"] == "0"
    assert _alive_with(marker) == []


def test_grade_refuses_without_a_sandbox(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(sandbox, "probe", lambda: {"ok": False, "reason": "bubblewrap (bwrap) is not installed"})
    out = tmp_path / "grades.csv"
    code = cli(["grade", EX, str(tmp_path), "--out", str(out), "--exercise-root", str(FIXTURES)])
    err = capsys.readouterr().err
    assert code == 3 and not out.exists()
    assert "bubblewrap" in err and "--unsafe" in err and "Gradescope" in err


def test_codec_carries_data_only():
    from ctmodule.grading import datacodec

    class Evil:
        def __eq__(self, other):
            return True

    assert datacodec.decode(json.loads(json.dumps(datacodec.encode(Evil())))) != 1
    with pytest.raises(datacodec.CodecError):
        datacodec.decode({"__t": "ndarray", "dtype": "V8", "shape": [1], "v": [1]})
    with pytest.raises(datacodec.CodecError):
        datacodec.decode({"__t": "pickle", "v": "gASV"})
    assert isinstance(datacodec.decode({"__t": "module", "name": "os"}), datacodec.Opaque)


@pytest.mark.skipif(os.geteuid() != 0, reason="checks the ordinary-user path from root")
def test_as_an_ordinary_user(released, tmp_path):
    """The same sandbox as an unprivileged user (no cgroups, rlimits instead), where the machine allows."""
    probe = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-c",
                            "import ctmodule, pandas"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("this Python is not usable by an ordinary user here (e.g. installed under /root)")
    subs = tmp_path / "subs"
    subs.mkdir()
    write(subs, "correct.ipynb", make_nb(released, CORRECT))
    write(subs, "forge.ipynb", make_nb(released, {}, extra=[(1, FORGE + ALWAYS_EQUAL)]))
    write(subs, "fork-bomb.ipynb", make_nb(released, CORRECT, extra=[(2, FORK_BOMB)]))
    for p in (tmp_path, subs, *subs.iterdir()):
        os.chmod(p, 0o777 if p.is_dir() else 0o666)
    out = tmp_path / "grades.csv"
    proc = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-m",
                           "ctmodule", "grade", EX, str(subs), "--out", str(out), "--release", str(released),
                           "--timeout", "40"], capture_output=True, text=True, env={**os.environ, "HOME": str(tmp_path)})
    if "cannot start the sandbox" in proc.stderr:
        pytest.skip("no unprivileged user namespaces here: " + proc.stderr.splitlines()[0])
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = {r["submission"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert rows["correct.ipynb"]["score"] == "6" and rows["forge.ipynb"]["score"] == "0"
