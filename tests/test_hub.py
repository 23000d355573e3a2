"""A class on a real JupyterHub: three students and a grader, each a UNIX account, nbgrader's exchange between them.

JupyterHub (`course/jupyterhub_config.py`, the file a teacher copies) starts with configurable-http-proxy on
loopback and the local process spawner; its `course-admin` service starts the students' servers and hands
each a token. The grader releases a two-task assignment; through their own servers' nbgrader endpoints the
students fetch it, and hand in a correct, a partial and a blank answer; the grader collects, autogrades
(`course/isolated_grading.py`) and releases feedback, which each student fetches. The tests check every
score exactly, that each student gets only their own feedback, that no student can read another's work or
reach another's server, and that students see no teacher tools.

Needs root (to make the accounts), Debian's python3.11 for the accounts' environment and the proxy from
npm: `make hub` builds both into build/ (`make test` does it first). The accounts, their processes and
every folder are removed afterwards, also when a step fails. Two to three minutes on a busy 2-core machine.
"""

import contextlib
import json
import os
import pathlib
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import nbformat
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")]

ROOT = pathlib.Path(__file__).resolve().parent.parent
HUB_ENV = pathlib.Path(os.environ.get("HUB_ENV", ROOT / "build" / "hub-env"))
HUB_PROXY = pathlib.Path(os.environ.get("HUB_PROXY", ROOT / "build" / "hub-proxy" / "node_modules" / ".bin" /
                                        "configurable-http-proxy"))
COURSE_ID, ASSIGNMENT = "rnn-course", "tiny"
DEADLINE = 420  # seconds for the whole class; every wait below is bounded by it

# The assignment: two tasks with visible and hidden tests, in the course's format.
SETUP = "import numpy as np"
TASKS = {  # answer cell -> (reference answer, wrong answer, test cell, points, test source)
    "square": ("def square(x):\n    return np.asarray(x, dtype=float) ** 2\n",
               None, "test_square", 3,
               "assert square(2) == 4\n### BEGIN HIDDEN TESTS\n"
               "np.testing.assert_allclose(square([1.5, -3.0]), [2.25, 9.0])\n### END HIDDEN TESTS"),
    "running_mean": ("def running_mean(x):\n    x = np.asarray(x, dtype=float)\n"
                     "    return np.cumsum(x) / np.arange(1, len(x) + 1)\n",
                     "def running_mean(x):\n    return np.cumsum(x)\n", "test_running_mean", 2,
                     "assert len(running_mean([1.0, 2.0])) == 2\n### BEGIN HIDDEN TESTS\n"
                     "np.testing.assert_allclose(running_mean([2.0, 4.0, 9.0]), [2.0, 3.0, 5.0])\n"
                     "### END HIDDEN TESTS"),
}
HANDED_IN = {"correct": "reference", "partial": "wrong", "blank": None}  # role -> which answers
EXPECTED = {"correct": 5.0, "partial": 3.0, "blank": 0.0}


def source_notebook():
    """The instructor's version of the assignment, with nbgrader's metadata."""
    def meta(grade_id, **flags):
        return {"nbgrader": {"grade_id": grade_id, "schema_version": 3, "grade": False, "solution": False,
                             "locked": False, **flags}}

    cells = [nbformat.v4.new_code_cell(SETUP, metadata=meta("setup", locked=True))]
    for name, (reference, _, test, points, test_source) in TASKS.items():
        body = reference.split("\n", 1)
        solution = f"{body[0]}\n    ### BEGIN SOLUTION\n{body[1]}    ### END SOLUTION\n"
        cells.append(nbformat.v4.new_code_cell(solution, metadata=meta(name, solution=True)))
        cells.append(nbformat.v4.new_code_cell(test_source, metadata=meta(test, grade=True, locked=True,
                                                                          points=points)))
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


# Run as the grader's account, in its course folder: nbgrader's own API, one step per argument.
GRADER_SCRIPT = r"""
import sys, warnings
warnings.filterwarnings("ignore")
from nbgrader.apps import NbGraderAPI
from traitlets.config.loader import PyFileConfigLoader

course, exchange, *steps = sys.argv[1:]
config = PyFileConfigLoader("nbgrader_config.py", path=course).load_config()
config.Exchange.root = exchange
api = NbGraderAPI(config=config)
for step in steps:
    name, *args = step.split(":")
    outcome = getattr(api, name)(*args)
    if not outcome["success"]:
        sys.exit(f"nbgrader {step} failed: {outcome.get('error')}\n{outcome.get('log')}")
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(url, token, method="GET", body=None):
    """`(status, parsed JSON or text)` of one HTTP request with a JupyterHub/Jupyter token."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"Authorization": f"token {token}",
                                                                          "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode(errors="replace")
    with contextlib.suppress(ValueError):
        return status, json.loads(text)
    return status, text


def wait_until(condition, what, deadline, log=None):
    """Poll `condition()` until it returns something true; fail at `deadline` (time.monotonic())."""
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            result = condition()
            if result:
                return result
        time.sleep(0.5)
    pytest.fail(f"{what} did not happen in time:\n{log.read_text()[-4000:] if log else ''}")


def as_user(user, *command, timeout=120, check=True):
    """Run `command` under `user`'s uid, with the course environment on PATH."""
    env = {"HOME": f"/home/{user}", "PATH": f"{HUB_ENV / 'bin'}:/usr/bin:/bin", "LANG": "C.UTF-8"}
    run = subprocess.run(["runuser", "-u", user, "--", "env", "-i", *[f"{k}={v}" for k, v in env.items()],
                          *command], capture_output=True, text=True, timeout=timeout,
                         cwd=f"/home/{user}")  # not the checkout, which other accounts may not enter
    if check:
        assert run.returncode == 0, f"{command} as {user} failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    return run


def processes_of(uid):
    """PIDs of the processes running under `uid`."""
    pids = []
    for status in pathlib.Path("/proc").glob("[0-9]*/status"):
        with contextlib.suppress(OSError):
            uids = next(line for line in status.read_text().splitlines() if line.startswith("Uid:"))
            if int(uids.split()[1]) == uid:
                pids.append(int(status.parent.name))
    return pids


def stop_group(process, timeout=30):
    """SIGTERM a process started in its own session (JupyterHub then stops the servers and the proxy)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def remove_account(name, uid):
    """End every process left under the account (by PID), then remove it and its home."""
    for _ in range(20):
        pids = processes_of(uid)
        if not pids:
            break
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.2)
    subprocess.run(["userdel", "-r", name], capture_output=True, timeout=60)


def make_accounts(run):
    """The three students and the grader: UNIX accounts with private homes."""
    for name in run["users"].values():
        subprocess.run(["useradd", "-m", "-K", "HOME_MODE=0700", name], check=True, capture_output=True, timeout=60)
        run["uids"][name] = int(subprocess.run(["id", "-u", name], capture_output=True, text=True,
                                               check=True).stdout)


def share_folders(run):
    """The exchange (mode 1777), the learner's Jupyter config and the nbgrader config every account reads."""
    shared = run["shared"]
    shared.chmod(0o755)
    run["exchange"] = shared / "exchange"
    run["exchange"].mkdir()
    run["exchange"].chmod(0o1777)
    shutil.copytree(ROOT / "course" / "learner_jupyter", shared / "learner_jupyter")
    (shared / "jupyter").mkdir()
    (shared / "jupyter" / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.course_id = {COURSE_ID!r}\nc.Exchange.root = {str(run['exchange'])!r}\n")
    for path in shared.rglob("*"):
        path.chmod(path.stat().st_mode | stat.S_IROTH | (stat.S_IXOTH if path.is_dir() else 0))


def grader_course(run):
    """The grader's course folder: the course's nbgrader config and grading step, and the tiny assignment."""
    grader = run["users"]["grader"]
    course = run["course"] = pathlib.Path(f"/home/{grader}/course")
    (course / "source" / ASSIGNMENT).mkdir(parents=True)
    for name in ("nbgrader_config.py", "isolated_grading.py"):
        shutil.copy(ROOT / "course" / name, course / name)
    nbformat.write(source_notebook(), course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    for path in [course, *course.rglob("*")]:
        shutil.chown(path, grader, grader)


def grade(run, *steps):
    """nbgrader steps (`"autograde:tiny:alice"`), run as the grader's account in its course folder."""
    as_user(run["users"]["grader"], str(HUB_ENV / "bin" / "python"), "-c", GRADER_SCRIPT, str(run["course"]),
            str(run["exchange"]), *steps, timeout=max(10, run["deadline"] - time.monotonic()))


def start_hub(run):
    """JupyterHub with the course's config plus this machine's ports and files; wait until it answers."""
    hub_dir, port = run["hub_dir"], run["port"]
    (hub_dir / "jupyterhub_config.py").write_text(f"""
load_subconfig({str(ROOT / 'course' / 'jupyterhub_config.py')!r})
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {free_port()}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{free_port()}"
c.ConfigurableHTTPProxy.command = [{str(HUB_PROXY)!r}]
c.ConfigurableHTTPProxy.pid_file = {str(hub_dir / 'proxy.pid')!r}
c.JupyterHub.db_url = "sqlite:///{hub_dir / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = {str(hub_dir / 'cookie_secret')!r}
c.Spawner.start_timeout = c.Spawner.http_timeout = 120
""")
    shared, users = run["shared"], run["users"]
    env = {**os.environ, "PATH": f"{HUB_ENV / 'bin'}:{os.path.dirname(shutil.which('node'))}:/usr/bin:/bin",
           "RNN_COURSE_ENV": str(HUB_ENV), "RNN_COURSE_LEARNER_JUPYTER": str(shared / "learner_jupyter"),
           "RNN_COURSE_SHARED_JUPYTER": str(shared / "jupyter"), "RNN_COURSE_SERVICE_TOKEN": run["service_token"],
           "RNN_COURSE_STUDENTS": " ".join(users[r] for r in HANDED_IN), "RNN_COURSE_INSTRUCTORS": users["grader"]}
    with open(run["log"], "w") as handle:
        command = [str(HUB_ENV / "bin" / "jupyterhub"), "-f", str(hub_dir / "jupyterhub_config.py")]
        run["hub"] = subprocess.Popen(command, cwd=hub_dir, env=env, stdout=handle, stderr=subprocess.STDOUT,
                                      start_new_session=True)
    wait_until(lambda: run["hub"].poll() is None and request(run["api"], run["service_token"])[0] == 200,
               "the hub's start", run["deadline"], run["log"])


def start_servers(run):
    """The course-admin service starts every student's server and gives each student a token."""
    api, token = run["api"], run["service_token"]
    for name in run["students"].values():
        status, body = request(f"{api}/users/{name}/server", token, "POST", {})
        assert status in (201, 202), (name, status, body)
    for name in run["students"].values():
        wait_until(lambda: request(f"{api}/users/{name}", token)[1]["servers"].get("", {}).get("ready"),
                   f"{name}'s server", run["deadline"], run["log"])
        status, body = request(f"{api}/users/{name}/tokens", token, "POST", {"note": "class test"})
        assert status in (200, 201), (status, body)
        run["tokens"][name] = body["token"]


def nbgrader_call(run, name, action):
    """POST one of nbgrader's student actions (fetch, submit, fetch_feedback) to `name`'s own server."""
    url = f"http://127.0.0.1:{run['port']}/user/{name}/assignments/{action}"
    status, body = request(url, run["tokens"][name], "POST", {"course_id": COURSE_ID, "assignment_id": ASSIGNMENT})
    assert status == 200 and body.get("success"), (name, action, status, body)  # a failed call answers 200 too


def hand_in(run):
    """Each student lists, fetches, answers (correct, partial, blank) and submits, through their server."""
    for role, name in run["students"].items():
        status, listed = request(f"http://127.0.0.1:{run['port']}/user/{name}/assignments?course_id={COURSE_ID}",
                                 run["tokens"][name])
        assert status == 200 and listed["success"], listed
        assert [a["assignment_id"] for a in listed["value"] if a["status"] == "released"] == [ASSIGNMENT]
        nbgrader_call(run, name, "fetch")
        fetched = pathlib.Path(f"/home/{name}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb")
        notebook = nbformat.read(fetched, as_version=4)
        for cell in notebook.cells:
            task = TASKS.get(cell.metadata.get("nbgrader", {}).get("grade_id"))
            if task and HANDED_IN[role]:
                cell.source = task[0] if HANDED_IN[role] == "reference" or task[1] is None else task[1]
        nbformat.write(notebook, fetched)  # written in place: the file stays the student's
        nbgrader_call(run, name, "submit")


def fetch_feedback(run):
    for role, name in run["students"].items():
        nbgrader_call(run, name, "fetch_feedback")
        run["feedback"][role] = sorted(pathlib.Path(f"/home/{name}/{ASSIGNMENT}/feedback").rglob("*.html"))


def clean_up(run):
    """Stop the hub (it stops the servers and the proxy), end what is left, remove the accounts and folders."""
    if run["hub"] is not None:
        stop_group(run["hub"])
        with contextlib.suppress(OSError, ValueError):  # a proxy left behind by a hub that did not stop
            os.kill(int((run["hub_dir"] / "proxy.pid").read_text()), signal.SIGKILL)
    for name, uid in run["uids"].items():
        remove_account(name, uid)
    shutil.rmtree(run["shared"], ignore_errors=True)
    shutil.rmtree(run["hub_dir"], ignore_errors=True)


@pytest.fixture(scope="module")
def hub_class():
    """Run the whole class once on a real hub; return what the tests check. Cleans up whatever happens."""
    if os.geteuid() != 0:
        pytest.fail("the hub test makes UNIX accounts and needs root (CI runs as root)")
    for needed in (HUB_ENV / "bin" / "jupyterhub", HUB_PROXY):
        assert needed.exists(), f"{needed} is missing: run `make hub` first (make test does)"
    prefix, port = f"c{os.getpid() % 100000}", free_port()
    users = {role: f"{prefix}_{role}" for role in (*HANDED_IN, "grader")}
    hub_dir = pathlib.Path(tempfile.mkdtemp(prefix="rnn-hub-state-"))  # root's only
    run = {"deadline": time.monotonic() + DEADLINE, "users": users, "students": {r: users[r] for r in HANDED_IN},
           "uids": {}, "hub": None, "port": port, "api": f"http://127.0.0.1:{port}/hub/api", "hub_dir": hub_dir,
           "log": hub_dir / "hub.log", "service_token": secrets.token_hex(32), "tokens": {}, "feedback": {},
           "shared": pathlib.Path(tempfile.mkdtemp(prefix="rnn-hub-shared-")),  # in /tmp: every account can enter
           "timings": {}}
    steps = [("accounts", make_accounts, ()), ("folders", share_folders, ()), ("course", grader_course, ()),
             ("release", grade, (f"generate_assignment:{ASSIGNMENT}", f"release_assignment:{ASSIGNMENT}")),
             ("hub start", start_hub, ()), ("servers", start_servers, ()), ("fetch and submit", hand_in, ()),
             ("collect, autograde, feedback", grade, (f"collect:{ASSIGNMENT}", *[
                 f"autograde:{ASSIGNMENT}:{name}" for name in run["students"].values()],
                 f"generate_feedback:{ASSIGNMENT}", f"release_feedback:{ASSIGNMENT}")),
             ("fetch feedback", fetch_feedback, ())]
    try:
        for what, step, args in steps:
            clock = time.monotonic()
            step(run, *args)
            run["timings"][what] = round(time.monotonic() - clock, 1)
        print("hub class, seconds per step:", run["timings"], "load average:", os.getloadavg())
        yield run
    finally:
        clean_up(run)


def test_every_student_gets_exactly_their_score(hub_class):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{hub_class['course'] / 'gradebook.db'}") as gradebook:
        scores = {role: gradebook.find_submission(ASSIGNMENT, name).score
                  for role, name in hub_class["students"].items()}
    assert scores == EXPECTED


def test_each_student_fetches_only_their_own_feedback(hub_class):
    for role, pages in hub_class["feedback"].items():
        assert len(pages) == 1, (role, pages)
        text = pages[0].read_text()
        assert f"{ASSIGNMENT} (Score: {EXPECTED[role]} / 5.0)" in text, role
        assert "np.testing.assert_allclose" not in text, "the hidden tests stay hidden"
        assert pages[0].stat().st_uid == os.stat(f"/home/{hub_class['students'][role]}").st_uid


def test_no_student_reads_another_students_work(hub_class):
    students, exchange = hub_class["students"], hub_class["exchange"]
    inbound = exchange / COURSE_ID / "inbound"
    submissions = sorted(p.name for p in inbound.iterdir())
    assert len(submissions) == 3
    for reader in students.values():
        assert as_user(reader, "ls", str(inbound), check=False).returncode != 0, "the inbound folder is not listable"
        assert as_user(reader, "ls", str(exchange / COURSE_ID / "feedback"), check=False).returncode != 0
        for owner in students.values():
            if owner == reader:
                continue
            for path in (f"/home/{owner}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb", f"/home/{owner}"):
                assert as_user(reader, "cat" if path.endswith("ipynb") else "ls", path, check=False).returncode != 0
            # a submission's folder name ends in a random string: without it, the name leads nowhere
            guessed = inbound / "+".join(next(s for s in submissions if s.startswith(owner + "+")).split("+")[:3])
            assert as_user(reader, "ls", str(guessed), check=False).returncode != 0


def test_a_students_token_opens_no_other_server(hub_class):
    (reader, token), (owner, _) = list(hub_class["tokens"].items())[:2]
    status, _ = request(f"http://127.0.0.1:{hub_class['port']}/user/{owner}/api/contents", token)
    assert status == 403
    status, _ = request(f"http://127.0.0.1:{hub_class['port']}/user/{reader}/api/contents", token)
    assert status == 200


def test_students_servers_show_no_teacher_tools(hub_class):
    for name, token in hub_class["tokens"].items():
        base = f"http://127.0.0.1:{hub_class['port']}/user/{name}"
        assert request(f"{base}/formgrader", token)[0] == 404
        assert request(f"{base}/assignments?course_id={COURSE_ID}", token)[0] == 200
