"""The first run a learner or teacher makes, in a real browser and through the Makefile.

- `make lab` starts a JupyterLab that answers (as root too), with Jupyter's news pop-up turned off;
- `make test` without Chromium stops within seconds with the command that fixes it, and the set-up without a
  supported Python stops before installing anything;
- JupyterLab in headless Chromium: run notebook 06's set-up and explorer cells (nbval has run the whole lesson
  already), move the epochs slider, click Train, see the figure change; and notebook 08's keyboard box, fed
  the models that nbval's run of notebook 08 trained (its record), suggests words that fit what is typed.

Needs Chromium (Debian: `apt-get install chromium`; `.ci/run` installs it; `make test` looks for it first),
Chrome/Chromium named by the CHROMIUM environment variable, or Playwright's own download. Playwright drives
it. Without one the browser test fails; it never skips.
"""

import contextlib
import json
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from records import notebook_record, record_path

pytestmark = pytest.mark.slow  # JupyterLab servers, a browser, make: about a minute and a half

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOK = "06_sine_forecast.ipynb"
EXPLORER_NOTEBOOK = "06_forecast_explorer.ipynb"   # notebook 06's set-up and explorer cells (see `excerpt`)
KEYBOARD_EXCERPT = "08_keyboard_box.ipynb"          # notebook 08's set-up, its trained models, the keyboard box
KEYBOARD_CELLS = ["lstm = rh.writing.lstm_predictor(", "rh.widgets.keyboard_box("]
KEYBOARD_NOTEBOOK = "08_writing_sequences.ipynb"
BROWSER_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")  # as the Makefile's CHROMIUM_NAMES
CHROMIUM_FIX = "apt-get install -y chromium"
SUPPORTED_PYTHONS = "3.11, 3.12 or 3.13"


def chromium_path(playwright):
    """CHROMIUM, else a Chromium on PATH, else Playwright's own download; fails (never skips) without one."""
    if os.environ.get("CHROMIUM"):
        path = shutil.which(os.environ["CHROMIUM"])
        if path is None:
            pytest.fail(f"CHROMIUM={os.environ['CHROMIUM']} is not a program. Point it to Chrome or Chromium.")
        return path
    for name in CHROMIUM_NAMES:
        if shutil.which(name):
            return shutil.which(name)
    if os.path.exists(playwright.chromium.executable_path):
        return playwright.chromium.executable_path
    pytest.fail(f"No Chromium found. Install it (Debian: {CHROMIUM_FIX}) or set CHROMIUM=/path/to/chrome.")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_json(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


def wait_until(condition, what, timeout, process=None, log=None):
    """Poll `condition()` until it is true; fail after `timeout` s or if `process` ends."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if condition():
                return
        except OSError:
            pass  # the server is not listening yet
        if (process is not None and process.poll() is not None) or time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {timeout} s:\n{log.read_text()[-3000:] if log else ''}")
        time.sleep(0.5)


def stop(process):
    """Stop a process started with `start_new_session=True`, and everything it started."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def jupyter_env(tmp_path):
    """Keep a test server's Jupyter config, data and runtime files in `tmp_path`."""
    return {**os.environ, **{name: str(tmp_path / name.lower()) for name in
                             ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR")}}


def make(*args, env=None, timeout=120):
    return subprocess.run([shutil.which("make"), "--no-print-directory", *args], cwd=ROOT, capture_output=True,
                          text=True, env=env, timeout=timeout)


@pytest.fixture
def course_settings(tmp_path):
    """The JupyterLab settings `make install` writes into an environment, written here into a scratch one."""
    venv = tmp_path / "venv"
    overrides = venv / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    result = make(f"VENV={venv}", str(overrides))
    assert result.returncode == 0, result.stderr
    return overrides.parent


@contextlib.contextmanager
def jupyterlab(root, settings):
    """A JupyterLab server on a free localhost port serving `root`, with the settings in the folder `settings`.

    Its Jupyter files go to `root` too; it is stopped whatever happens. Yields `{"url", "token", "dir"}`.
    """
    port, token = free_port(), "course-test-token"
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
        f"--ServerApp.token={token}", f"--ServerApp.root_dir={root}", "--allow-root",
        f"--LabApp.app_settings_dir={settings}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    log_path = root / "lab.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                  env={**jupyter_env(root), "JUPYTERLAB_SETTINGS_DIR": str(root / "user")})
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until(lambda: get_json(f"{url}/api/status?token={token}"), "JupyterLab's start", 60, server, log_path)
            yield {"url": url, "token": token, "dir": root}
        finally:
            stop(server)


@pytest.fixture
def lab(tmp_path, course_settings):
    """A JupyterLab server serving a copy of notebook 06's explorer, with the course's settings (`course_settings`,
    where JupyterLab reads an environment's settings)."""
    excerpt(NOTEBOOK, ["forecast_explorer("], tmp_path / EXPLORER_NOTEBOOK)
    with jupyterlab(tmp_path, course_settings) as server:
        yield server


def excerpt(notebook, markers, path, record=None):
    """Save to `path` the set-up cell of `notebook` and, in order, its code cells that contain each marker.

    nbval has already run the whole lesson; the browser needs only what makes the widget: the notebook's own
    set-up (imports, seed, settings) and its widget cells, unchanged. A widget that needs what the lesson
    trained gets it from the lesson's record (`record`: the file `tests/records.py` keeps), loaded into the
    namespace after the set-up, as if the cells between had run.
    """
    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / notebook, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    cells = [next(cell for cell in code if "import rnn_helpers as rh" in cell.source)]
    if record is not None:
        cells.append(nbformat.v4.new_code_cell(
            f"import pickle\n\nglobals().update(pickle.loads(open({str(record)!r}, 'rb').read())['results'])"))
    cells += [next(cell for cell in code if marker in cell.source) for marker in markers]
    nb.cells = cells
    for cell in nb.cells:
        cell.outputs, cell.execution_count = [], None
    nbformat.write(nb, path)
    return path


def test_the_excerpt_keeps_the_lessons_own_set_up_and_widget_cells(tmp_path):
    import nbformat

    cells = nbformat.read(excerpt(NOTEBOOK, ["forecast_explorer("], tmp_path / "x.ipynb"), as_version=4).cells
    assert len(cells) == 2 and "import rnn_helpers as rh" in cells[0].source and "SEED =" in cells[0].source
    assert "forecast_explorer(" in cells[1].source and all(not cell.outputs for cell in cells)
    cells = nbformat.read(excerpt(KEYBOARD_NOTEBOOK, KEYBOARD_CELLS, tmp_path / "y.ipynb", record=tmp_path / "r.pkl"),
                          as_version=4).cells
    assert "r.pkl" in cells[1].source and [m in c.source for m, c in zip(KEYBOARD_CELLS, cells[2:])] == [True, True]


def test_jupyterlab_reads_its_settings_where_make_install_writes_them():
    from jupyterlab.labapp import LabApp

    # `make install` writes $(VENV)/share/jupyter/lab/settings/overrides.json (the browser test checks that
    # JupyterLab takes its defaults from that file); this environment's JupyterLab reads exactly there.
    assert pathlib.Path(LabApp().app_settings_dir) == pathlib.Path(sys.prefix, "share", "jupyter", "lab", "settings")


def news_settings(lab):
    """JupyterLab's defaults for its news and update checks, as the running server hands them to the page."""
    notification = get_json(f"{lab['url']}/lab/api/settings/@jupyterlab/apputils-extension:notification"
                            f"?token={lab['token']}")
    return {name: spec["default"] for name, spec in notification["schema"]["properties"].items()
            if name in ("fetchNews", "checkForUpdates")}


def notebook_kernel(lab):
    """The notebook's kernel as the server sees it: `{"execution_state": ..., "connections": ...}` or None."""
    sessions = get_json(f"{lab['url']}/api/sessions?token={lab['token']}")
    return sessions[0]["kernel"] if sessions else None


def open_and_run_all(page, lab, notebook):
    """Open `notebook` in JupyterLab and run all its cells as a learner does; return when the last one is done."""
    from playwright.sync_api import expect

    page.goto(f"{lab['url']}/lab/tree/{notebook}?token={lab['token']}")
    page.locator(".jp-Notebook").wait_for(timeout=60_000)
    # Opening the notebook started a fresh kernel. Run everything once the page is connected to it and
    # it is idle, as the page shows it and as the server sees it. (Restart Kernel and Run All, clicked
    # right after the page connected, raced that first connection: the server logged "Replacing stale
    # connection", could not decode the page's next message, and no cell ran.)
    expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")).to_have_count(1, timeout=60_000)
    wait_until(lambda: notebook_kernel(lab) is not None and notebook_kernel(lab)["connections"] >= 1
               and notebook_kernel(lab)["execution_state"] == "idle", "the kernel's start", 60)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    expect(page.locator(".jp-InputArea-prompt", has_text="[*]").first).to_be_visible(timeout=30_000)
    expect(page.locator(".jp-InputArea-prompt", has_text="[*]")).to_have_count(0, timeout=300_000)
    errors = page.locator("[data-mime-type='application/vnd.jupyter.stderr']")
    assert errors.count() == 0, f"stderr or error output in a cell: {errors.first.inner_text()[:500]}"


@contextlib.contextmanager
def notebook_page(lab, failure_name):
    """A headless Chromium page; on a failure it saves a screenshot and prints the notebook's stderr outputs."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(playwright), args=BROWSER_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            yield page
        except Exception:
            page.screenshot(path=str(lab["dir"] / failure_name))
            print(f"screenshot of the failure: {lab['dir'] / failure_name}")
            for output in page.locator("[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts():
                print("stderr output in the notebook:", output[:2000])
            raise
        finally:
            browser.close()


def test_forecast_explorer_in_jupyterlab(lab):
    from playwright.sync_api import expect

    with notebook_page(lab, "failure.png") as page:
        open_and_run_all(page, lab, EXPLORER_NOTEBOOK)
        train = page.locator("button.jupyter-button", has_text="Train")
        # the course's settings (JupyterLab's own defaults: "none", which asks, and true): no news pop-up
        assert news_settings(lab) == {"fetchNews": "false", "checkForUpdates": False}
        expect(page.get_by_text("Jupyter news")).to_have_count(0)

        explorer = train.locator("xpath=ancestor::div[contains(@class, 'widget-vbox')][1]")
        picture = explorer.locator("img")
        before = picture.get_attribute("src")

        # move the epochs slider: type a new value into its readout
        readout = explorer.locator(".widget-slider", has_text="epochs").locator(".widget-readout")
        readout.click()
        page.keyboard.press("Control+A")
        # 2000 epochs: a training of a few seconds, so the locked controls can be seen (200 takes about 1 s)
        page.keyboard.type("2000")
        page.keyboard.press("Enter")
        expect(readout).to_have_text("2000", timeout=10_000)

        start = time.monotonic()
        train.click()
        expect(train).to_be_disabled(timeout=5_000)  # while training, the controls are locked...
        train.click(force=True)  # ...so impatient clicks and slider moves do nothing
        readout.click(force=True)
        expect(picture).not_to_have_attribute("src", before or "", timeout=60_000)
        seconds = time.monotonic() - start
        expect(train).to_be_enabled(timeout=60_000)
        expect(explorer).to_contain_text("36-step MSE")
        expect(explorer).to_contain_text("2000 epochs")
        print(f"slider-to-plot in the browser: {seconds:.1f} s")
        after = picture.get_attribute("src")
        time.sleep(3)  # a second training, had one started, would have locked the button again by now
        expect(train).to_be_enabled()
        assert picture.get_attribute("src") == after

        errors = page.locator("[data-mime-type='application/vnd.jupyter.stderr']")
        assert errors.count() == 0, f"stderr or error output in a cell: {errors.first.inner_text()[:500]}"
        screenshot = lab["dir"] / "forecast_explorer.png"
        explorer.scroll_into_view_if_needed()
        page.screenshot(path=str(screenshot))
        assert screenshot.stat().st_size > 20_000
        if os.environ.get("SCREENSHOT_TO"):  # used once to refresh the README's picture
            shutil.copy(screenshot, os.environ["SCREENSHOT_TO"])


def test_make_lab_starts_jupyterlab_that_answers(tmp_path):
    """`make lab`'s own command (its install step skipped: this environment is installed), as root too."""
    port, token = free_port(), "make-lab-token"
    log_path = tmp_path / "make-lab.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            ["make", "--no-print-directory", "-o", "install", "lab", f"VENV={sys.prefix}",
             f"LAB_ARGS=--no-browser --ip=127.0.0.1 --port={port} --ServerApp.token={token}"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=jupyter_env(tmp_path))
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until(lambda: get_json(f"{url}/api/status?token={token}"), "make lab's server start", 90, server,
                       log_path)
            served = {item["name"] for item in get_json(f"{url}/api/contents?token={token}")["content"]}
            assert NOTEBOOK in served  # the course's notebooks
        finally:
            stop(server)
    if os.geteuid() == 0:
        assert "running as root: JupyterLab starts with --allow-root" in log_path.read_text()



TEACHER_UI = {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:course-list"}


@pytest.mark.parametrize("target", ["lab", "teach"])
def test_make_lab_hides_the_teachers_tools_and_make_teach_shows_them(tmp_path, target):
    """A learner's JupyterLab has no formgrader, no Create Assignment panel, no course list; a teacher's has all."""
    port, token = free_port(), "make-teach-token"
    log_path = tmp_path / f"make-{target}.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            ["make", "--no-print-directory", "-o", "install", target, f"VENV={sys.prefix}",
             f"LAB_ARGS=--no-browser --ip=127.0.0.1 --port={port} --ServerApp.token={token}"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=jupyter_env(tmp_path))
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until(lambda: get_json(f"{url}/api/status?token={token}"), f"make {target}'s server start", 90,
                       server, log_path)
            with urllib.request.urlopen(f"{url}/lab?token={token}", timeout=30) as response:
                page = response.read().decode()
            config = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                                          page, re.S).group(1))
            disabled = set(config.get("disabledExtensions", []))
            if target == "lab":  # (a teacher's formgrader page would open the course's gradebook)
                with pytest.raises(urllib.error.HTTPError) as refused:
                    urllib.request.urlopen(f"{url}/formgrader?token={token}", timeout=30)
                assert refused.value.code == 404
        finally:
            stop(server)
    loaded = "nbgrader.server_extensions.formgrader | extension was successfully loaded" in log_path.read_text()
    if target == "lab":
        assert TEACHER_UI <= disabled and not loaded
        assert "@jupyter/nbgrader:assignment-list" not in disabled  # Validate and the assignment list stay
    else:
        assert not TEACHER_UI & disabled and loaded

def test_make_test_without_chromium_stops_within_30_s_with_the_fix(tmp_path):
    """As on a fresh clone: no Chromium on PATH, none of Playwright's, no environment yet.

    `make test` then tries Playwright's installer (whose download fails on a machine that cannot reach
    Playwright's servers, as in CI) and stops before installing anything else or running a test.
    """
    env = {name: value for name, value in os.environ.items() if name != "CHROMIUM"}  # make test sets it for us
    start = time.monotonic()
    result = make("test", f"VENV={tmp_path / 'venv'}", "CHROMIUM_NAMES=no-such-browser",
                  f"PLAYWRIGHT_BROWSERS_PATH={tmp_path / 'browsers'}", env=env, timeout=120)
    seconds = time.monotonic() - start
    if result.returncode == 0:
        pytest.fail("Playwright's installer fetched a Chromium, so the no-Chromium path was not exercised; "
                    f"run this where Playwright's servers are unreachable.\n{result.stdout[-2000:]}")
    assert "trying Playwright's installer" in result.stdout
    assert CHROMIUM_FIX in result.stderr and "CHROMIUM=/path/to/chrome" in result.stderr, result.stderr
    assert not (tmp_path / "venv" / ".installed").exists(), "it installed the course before stopping"
    assert "test session starts" not in result.stdout  # no test ran
    assert seconds < 30, f"took {seconds:.0f} s"


def test_make_with_chromium_named_wrongly_stops_at_once():
    result = make("test", "CHROMIUM=/no/such/chrome", "VENV=/nonexistent-venv", timeout=30)
    assert result.returncode != 0 and "CHROMIUM=/no/such/chrome is not a program" in result.stderr


def test_setup_without_a_supported_python_stops_before_installing(tmp_path):
    """A machine whose python3 is 3.14 (TensorFlow 2.21 has no wheel for it) and no python3.11-3.13."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "python3"  # answers the version question like Python 3.14 and fails everything else
    fake.write_text('#!/bin/sh\ncase "$*" in *python_version*) echo 3.14.0;; *) exit 1;; esac\n')
    fake.chmod(0o755)
    venv = tmp_path / "venv"
    result = make("install", f"VENV={venv}", env={**os.environ, "PATH": str(bin_dir)}, timeout=30)
    assert result.returncode != 0
    assert f"needs Python {SUPPORTED_PYTHONS}" in result.stderr, result.stderr
    assert "python3: 3.14.0; python3.13: not found; python3.12: not found; python3.11: not found" in result.stderr
    assert "PYTHON=/path/to/python3.12" in result.stderr
    assert not venv.exists(), "it created the environment before stopping"


def suggested_words(reply):
    """The words of the keyboard box's reply: one line per model, "label: word ✓ 12%, word (new) 7%, ..."."""
    return [item.split()[0] for line in reply.splitlines() if ": " in line
            for item in line.split(": ", 1)[1].split(", ") if item.strip()]


def test_keyboard_box_suggests_as_you_type_in_jupyterlab(lab):
    """Notebook 08's keyboard box in a real browser: type a prefix, and the suggestions change to fit it."""
    from playwright.sync_api import expect

    notebook_record(KEYBOARD_NOTEBOOK)  # the models nbval's run of notebook 08 trained (trained here if run alone)
    excerpt(KEYBOARD_NOTEBOOK, KEYBOARD_CELLS, lab["dir"] / KEYBOARD_EXCERPT, record=record_path(KEYBOARD_NOTEBOOK))
    with notebook_page(lab, "failure_keyboard.png") as page:
        open_and_run_all(page, lab, KEYBOARD_EXCERPT)
        typed = page.locator(".widget-text", has_text="Type:").locator("input")
        typed.scroll_into_view_if_needed()
        box = typed.locator("xpath=ancestor::div[contains(@class, 'widget-vbox')][1]")
        suggestions = box.locator(".widget-output")
        expect(suggestions).to_contain_text("wor", timeout=10_000)  # the notebook's starting prefix
        typed.fill("")
        typed.press_sequentially("th", delay=100)  # as a learner types, one key at a time
        # one line per model, "label: word ✓ 12%, word (new) 7%, ...": wait until every word starts with "th"
        wait_until(lambda: suggested_words(suggestions.inner_text()) and all(
            word.startswith("th") for word in suggested_words(suggestions.inner_text())), "suggestions for th", 15)
        assert len(suggested_words(suggestions.inner_text())) >= 2, suggestions.inner_text()
        typed.fill("")
        expect(suggestions).to_contain_text("Type the first letters", timeout=15_000)  # empty box: a hint
