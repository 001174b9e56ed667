"""The JupyterHub path, for real: a hub on 127.0.0.1, a student, an nbgitpuller link, a chapter run.

One JupyterHub (PyPI ``jupyterhub``, with ``configurable-http-proxy`` from npm, installed by
``npm ci`` from ``package.json``) runs on free ports of 127.0.0.1, with JupyterHub's
``DummyAuthenticator`` (one shared password) and ``SimpleLocalProcessSpawner`` (each student's server
runs as the current user, with a home folder of its own in a temporary folder). Everything it writes
(its database, cookie secret, proxy pid file, the homes) stays in that temporary folder.

The course repository is a bare git repository made from this checkout's committed tree
(``git archive HEAD``), reached by a ``file://`` URL. The test then does what a student's browser
does, over HTTP with ``requests``:

1. logs in at ``/hub/login`` (a wrong password is refused);
2. follows the link ``ctmodule hub-link 0`` prints: the hub starts the student's server and
   nbgitpuller's page asks its ``git-pull/api`` endpoint (an event stream) to clone the repository,
   as the page's script does, then opens ``urlpath`` in JupyterLab;
3. opens the chapter notebook through the server's contents API and runs every code cell in a kernel
   the server starts for it (a session, as JupyterLab opens one, and the kernel's websocket), with
   the kernel's working folder the notebook's folder in the student's copy;
4. edits the student's copy through the contents API (one notebook changed, another deleted, a line
   the instructor changes too), commits changes upstream, follows the link again, and checks that
   nbgitpuller merged: the instructor's changes arrived, the student's edits survived, the student's
   version won where both changed the same line, the deleted notebook came back, a new upstream
   file arrived.

Every process the hub started (proxy, the student's server, its kernel) is stopped at the end.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import time
import uuid
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CHP = ROOT / "node_modules" / ".bin" / "configurable-http-proxy"
STUDENT = "student1"
PASSWORD = "class-of-2026"
CHAPTER = "chapters/00-how-to-use.ipynb"

pytestmark = pytest.mark.slow

requests = pytest.importorskip("requests")
websocket = pytest.importorskip("websocket")  # websocket-client, a dependency of jupyter_server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _git(*args, cwd: Path) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Instructor", "GIT_AUTHOR_EMAIL": "instructor@uni.example",
           "GIT_COMMITTER_NAME": "Instructor", "GIT_COMMITTER_EMAIL": "instructor@uni.example"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def _log_tail(path: Path, n: int = 60) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return "(no log)"


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children first found through /proc, no psutil needed)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rfind(")") + 2:].split()
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie counts as gone
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


@pytest.fixture(scope="module")
def upstream(tmp_path_factory) -> dict:
    """A bare repository ``ctmodule.git`` holding this checkout's committed tree, and a work clone."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    base = tmp_path_factory.mktemp("upstream")
    work = base / "work"
    work.mkdir()
    archive = base / "tree.tar"
    with open(archive, "wb") as f:
        subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, stdout=f, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(work, filter="tar")
    archive.unlink()
    _git("init", "-q", "-b", "main", cwd=work)
    _git("add", "-A", cwd=work)
    _git("commit", "-q", "-m", "The course as released", cwd=work)
    bare = base / "ctmodule.git"
    _git("init", "-q", "--bare", "-b", "main", str(bare), cwd=base)
    _git("push", "-q", str(bare), "main", cwd=work)
    return {"work": work, "bare": bare, "url": bare.as_uri()}


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed (configurable-http-proxy needs it; .ci/run installs nodejs)")
    assert CHP.is_file(), f"{CHP} is missing: run `npm ci` (make unit does)"
    base = tmp_path_factory.mktemp("hub")
    port, hub_port, api_port = _free_port(), _free_port(), _free_port()
    while len({port, hub_port, api_port}) < 3:
        hub_port, api_port = _free_port(), _free_port()
    homes = base / "home"
    homes.mkdir()
    args = ["--allow-root"] if os.geteuid() == 0 else []
    config = base / "jupyterhub_config.py"
    config.write_text(f"""
c = get_config()  # noqa
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{str(CHP)!r}]
c.ConfigurableHTTPProxy.pid_file = {str(base / "proxy.pid")!r}
c.JupyterHub.db_url = "sqlite:///" + {str(base / "jupyterhub.sqlite")!r}
c.JupyterHub.cookie_secret_file = {str(base / "cookie_secret")!r}
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {PASSWORD!r}
c.Authenticator.allowed_users = {{{STUDENT!r}}}
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(homes)!r} + "/{{username}}"
c.Spawner.cmd = [{str(BIN / "jupyterhub-singleuser")!r}]
c.Spawner.args = {args!r}
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.JupyterHub.tornado_settings = {{"slow_spawn_timeout": 60}}
""", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CTMODULE_", "JUPYTER"))}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    log = base / "jupyterhub.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(BIN / "jupyterhub"), "-f", str(config)], cwd=base, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    seen: set[int] = set()
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"jupyterhub exited with {proc.returncode}:\n{_log_tail(log)}")
            try:
                if requests.get(f"{url}/hub/api", timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"jupyterhub did not answer within 90 s:\n{_log_tail(log)}")
            time.sleep(0.5)
        yield {"url": url, "log": log, "homes": homes, "remember": lambda: seen.update(_descendants(proc.pid))}
    finally:
        seen.update(_descendants(proc.pid))
        # the hub stops the proxy and the student's server (and so its kernels) when it is told to stop
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(_alive(p) for p in seen) and time.monotonic() < deadline:
            time.sleep(0.2)
        for pid in seen:  # whatever is left, by its own id
            if _alive(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass


def _xsrf_from(html: str) -> str:
    m = re.search(r'name="_xsrf"\s+value="([^"]+)"', html)
    assert m, "the hub's login page has no _xsrf field"
    return m.group(1)


def _login(url: str, password: str):
    s = requests.Session()
    page = s.get(f"{url}/hub/login", timeout=30)
    page.raise_for_status()
    r = s.post(f"{url}/hub/login", data={"username": STUDENT, "password": password,
                                         "_xsrf": _xsrf_from(page.text)},
               allow_redirects=False, timeout=30)
    return s, r


def _hub_link(hub_url: str, repo_url: str, target: str) -> str:
    out = subprocess.run([sys.executable, "-m", "ctmodule", "hub-link", target, "--hub", hub_url,
                          "--repo", repo_url], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    links = out.split()
    assert len(links) == 1, out
    return links[0]


def _follow_link(s, hub: dict, link: str) -> tuple[str, list[dict]]:
    """Do what a browser does with the link: land on nbgitpuller's page, run its pull, go to urlpath."""
    deadline = time.monotonic() + 150
    while True:
        r = s.get(link, timeout=150)
        hub["remember"]()
        path = urlsplit(r.url).path
        if r.status_code == 200 and path == f"/user/{STUDENT}/git-pull":
            break
        # the hub shows its spawn-pending page while the server starts; a browser waits there
        if time.monotonic() > deadline:
            pytest.fail(f"the link ended at {r.url} ({r.status_code}), not at nbgitpuller:\n"
                        f"{_log_tail(hub['log'])}")
        time.sleep(1)
    params = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', r.text))
    assert "targetpath" in params and "repo" in params, "nbgitpuller's page lacks its parameters"
    api = {k: unquote(params[k]) for k in ("repo", "branch", "targetpath", "depth") if k in params}
    api["_xsrf"] = unquote(params.get("xsrf", ""))
    events = []
    with s.get(f"{hub['url']}/user/{STUDENT}/git-pull/api", params=api, stream=True, timeout=150) as stream:
        stream.raise_for_status()
        for line in stream.iter_lines(decode_unicode=True):
            if line and line.startswith("data:"):
                events.append(json.loads(line[5:]))
                if events[-1].get("phase") in ("finished", "error"):
                    break
    hub["remember"]()
    assert events and events[-1]["phase"] == "finished", \
        "nbgitpuller's pull did not finish:\n" + "\n".join(str(e.get("output") or e) for e in events)
    target = f"{hub['url']}/user/{STUDENT}/{unquote(params['path']).lstrip('/')}"
    opened = s.get(target, timeout=60)
    assert opened.status_code == 200, f"{target}: {opened.status_code}"
    return urlsplit(target).path, events


def _xsrf_cookie(s) -> str:
    for c in s.cookies:
        if c.name == "_xsrf" and c.path.startswith(f"/user/{STUDENT}"):
            return c.value
    raise AssertionError("the student's server set no _xsrf cookie")


class Server:
    """The student's Jupyter server, over its REST API with the student's cookies (as JupyterLab)."""

    def __init__(self, s, hub_url: str):
        self.s, self.base = s, f"{hub_url}/user/{STUDENT}"
        self.headers = {"X-XSRFToken": _xsrf_cookie(s)}

    def get(self, path: str) -> dict:
        r = self.s.get(f"{self.base}/api/contents/{path}", params={"content": 1}, timeout=30)
        r.raise_for_status()
        return r.json()

    def exists(self, path: str) -> bool:
        return self.s.get(f"{self.base}/api/contents/{path}", params={"content": 0}, timeout=30).status_code == 200

    def save_notebook(self, path: str, nb: dict) -> None:
        r = self.s.put(f"{self.base}/api/contents/{path}", headers=self.headers, timeout=30,
                       json={"type": "notebook", "format": "json", "content": nb})
        assert r.status_code in (200, 201), r.text

    def delete(self, path: str) -> None:
        r = self.s.delete(f"{self.base}/api/contents/{path}", headers=self.headers, timeout=30)
        assert r.status_code == 204, r.text

    def run_notebook(self, path: str, then: str = "", timeout: float = 120) -> list[dict]:
        """Open a session on the notebook (its kernel starts in the notebook's folder), run each code
        cell, then the code ``then`` (its result last)."""
        nb = self.get(path)["content"]
        r = self.s.post(f"{self.base}/api/sessions", headers=self.headers, timeout=60,
                        json={"path": path, "name": path.rsplit("/", 1)[-1], "type": "notebook",
                              "kernel": {"name": "python3"}})
        assert r.status_code == 201, r.text
        session = r.json()
        kid = session["kernel"]["id"]
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.s.cookies)
        ws_url = self.base.replace("http://", "ws://") + f"/api/kernels/{kid}/channels?session_id={uuid.uuid4().hex}"
        ws = websocket.create_connection(ws_url, cookie=cookies, timeout=timeout)
        results = []
        try:
            for i, cell in enumerate(nb["cells"]):
                if cell["cell_type"] != "code":
                    continue
                results.append(_execute(ws, "".join(cell["source"]), i, timeout))
            if then:
                results.append(_execute(ws, then, -1, timeout))
        finally:
            ws.close()
            self.s.delete(f"{self.base}/api/sessions/{session['id']}", headers=self.headers, timeout=60)
        return results


def _execute(ws, code: str, index: int, timeout: float) -> dict:
    msg_id = uuid.uuid4().hex
    ws.send(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": STUDENT,
                   "session": uuid.uuid4().hex, "version": "5.3", "date": ""},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True},
    }))
    result = {"cell": index, "status": None, "errors": [], "outputs": 0, "idle": False, "stdout": ""}
    deadline = time.monotonic() + timeout
    while not (result["status"] and result["idle"]):
        if time.monotonic() > deadline:
            raise AssertionError(f"cell {index} did not finish within {timeout} s")
        msg = json.loads(ws.recv())
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind = msg["header"]["msg_type"]
        if kind == "execute_reply":
            result["status"] = msg["content"]["status"]
        elif kind == "error":
            result["errors"].append(f"{msg['content']['ename']}: {msg['content']['evalue']}")
        elif kind in ("display_data", "execute_result", "stream"):
            result["outputs"] += 1
            if kind == "stream" and msg["content"]["name"] == "stdout":
                result["stdout"] += msg["content"]["text"]
        elif kind == "status" and msg["content"]["execution_state"] == "idle":
            result["idle"] = True
    return result


def _edit_cell(nb: dict, index: int, text: str) -> None:
    src = "".join(nb["cells"][index]["source"])
    nb["cells"][index]["source"] = src.rstrip("\n") + "\n\n" + text


def _upstream_notebook(work: Path, rel: str, index: int, text: str) -> None:
    path = work / rel
    nb = json.loads(path.read_text(encoding="utf-8"))
    src = nb["cells"][index]["source"]
    lines = src if isinstance(src, list) else src.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    nb["cells"][index]["source"] = lines + ["\n", text]
    # the layout the repository's notebooks use (nbformat's: one-space indent, sorted keys)
    path.write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def _joined(src) -> str:
    return "".join(src) if isinstance(src, list) else src


def _text(nb_model: dict) -> str:
    return json.dumps([c["source"] for c in nb_model["content"]["cells"]], ensure_ascii=False)


def test_student_pulls_runs_and_keeps_edits(hub, upstream):
    url = hub["url"]
    # a wrong password is refused: the hub really authenticates
    _, refused = _login(url, "not-the-password")
    assert refused.status_code == 403, refused.status_code
    s, r = _login(url, PASSWORD)
    assert r.status_code == 302, f"login failed: {r.status_code}"

    link = _hub_link(url, upstream["url"], "0")
    q = parse_qs(urlsplit(link).query)
    assert q["targetpath"] == ["ctmodule"] and q["urlpath"] == [f"lab/tree/ctmodule/{CHAPTER}"]
    opened, events = _follow_link(s, hub, link)
    assert opened == f"/user/{STUDENT}/lab/tree/ctmodule/{CHAPTER}"
    assert any("git clone" in str(e.get("output", "")) for e in events), events
    clone = hub["homes"] / STUDENT / "ctmodule"
    assert (clone / ".git").is_dir() and (clone / CHAPTER).is_file()

    server = Server(s, url)
    pulled = server.get(f"ctmodule/{CHAPTER}")
    released = json.loads((upstream["work"] / CHAPTER).read_text(encoding="utf-8"))
    assert [c["source"] for c in pulled["content"]["cells"]] == [_joined(c["source"]) for c in released["cells"]]

    # run the chapter in a kernel of the student's server, in the student's copy
    where = "import os, ctmodule.paths; print(os.getcwd()); print(ctmodule.paths.repo_root())"
    results = server.run_notebook(f"ctmodule/{CHAPTER}", then=where)
    cwd, root = results.pop()["stdout"].split()
    assert Path(cwd) == (clone / CHAPTER).parent and Path(root) == clone, \
        "the chapter ran, but not in the student's copy"
    assert results, "the chapter has no code cells"
    failed = [r for r in results if r["status"] != "ok" or r["errors"]]
    assert not failed, f"cells failed in the student's server: {failed}\n{_log_tail(hub['log'])}"
    assert sum(r["outputs"] for r in results) > 0, "the chapter showed nothing"

    # --- the student works in their copy -------------------------------------------------------
    nb0 = server.get(f"ctmodule/{CHAPTER}")["content"]
    nb0["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "STUDENT-NOTE: my own notes."})
    server.save_notebook(f"ctmodule/{CHAPTER}", nb0)
    both = "chapters/02-legal-instruments.ipynb"       # student: last cell; instructor: first cell
    nb2 = server.get(f"ctmodule/{both}")["content"]
    last = len(nb2["cells"]) - 1
    _edit_cell(nb2, last, "STUDENT-EDIT-LAST-CELL")
    server.save_notebook(f"ctmodule/{both}", nb2)
    clash = "chapters/03-comparing-definitions.ipynb"  # both change the same cell the same way
    nb3 = server.get(f"ctmodule/{clash}")["content"]
    _edit_cell(nb3, 0, "STUDENT-VERSION-OF-THIS-LINE")
    server.save_notebook(f"ctmodule/{clash}", nb3)
    gone = "chapters/04-astana-code-of-conduct.ipynb"
    server.delete(f"ctmodule/{gone}")
    assert not server.exists(f"ctmodule/{gone}")

    # --- the instructor changes the course upstream ---------------------------------------------
    work = upstream["work"]
    only_up = "chapters/01-defining-terrorism.ipynb"
    _upstream_notebook(work, only_up, 0, "INSTRUCTOR-UPDATE-CH1")
    _upstream_notebook(work, both, 0, "INSTRUCTOR-UPDATE-FIRST-CELL")
    _upstream_notebook(work, clash, 0, "INSTRUCTOR-VERSION-OF-THIS-LINE")
    (work / "exercises" / "NEW-WEEK.md").write_text("A new handout.\n", encoding="utf-8")
    _git("add", "-A", cwd=work)
    _git("commit", "-q", "-m", "Week 2 updates", cwd=work)
    _git("push", "-q", str(upstream["bare"]), "main", cwd=work)

    # --- the student clicks the link again -----------------------------------------------------
    _, events = _follow_link(s, hub, link)
    log = "\n".join(str(e.get("output", "")) for e in events)
    assert "git fetch" in log and "merge" in log, log

    assert "INSTRUCTOR-UPDATE-CH1" in _text(server.get(f"ctmodule/{only_up}"))
    t0 = _text(server.get(f"ctmodule/{CHAPTER}"))
    assert "STUDENT-NOTE: my own notes." in t0
    t2 = _text(server.get(f"ctmodule/{both}"))
    assert "STUDENT-EDIT-LAST-CELL" in t2 and "INSTRUCTOR-UPDATE-FIRST-CELL" in t2, \
        "a notebook changed in two places lost one of the changes"
    t3 = _text(server.get(f"ctmodule/{clash}"))
    assert "STUDENT-VERSION-OF-THIS-LINE" in t3 and "INSTRUCTOR-VERSION-OF-THIS-LINE" not in t3
    assert server.exists(f"ctmodule/{gone}"), "a notebook the student deleted did not come back"
    assert server.exists("ctmodule/exercises/NEW-WEEK.md"), "a new upstream file did not arrive"
    # the merged notebooks are still valid notebooks the server reads, and nothing is left in conflict
    status = _git("status", "--porcelain", cwd=clone)
    assert "UU " not in status and "AA " not in status, status
    assert "Automatic commit by nbgitpuller" in _git("log", "--format=%s", cwd=clone)
