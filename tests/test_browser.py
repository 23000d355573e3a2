"""JupyterLab in a real browser: run notebook 06, move the epochs slider, click Train, see the figure change.

Needs Chromium (Debian/Ubuntu: `apt-get install chromium`; `.ci/run` installs it) or a Chrome/Chromium binary
named by the CHROMIUM environment variable. Playwright drives it; no browser is downloaded.
"""

import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOK = "06_sine_forecast.ipynb"
BROWSER_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def chromium_path():
    for candidate in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    pytest.fail("No Chromium found. Install it (Debian/Ubuntu: apt-get install chromium) or set CHROMIUM=/path/to/chrome.")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def lab(tmp_path):
    """A JupyterLab server on a free localhost port, serving a copy of notebook 06; stopped whatever happens."""
    shutil.copy(ROOT / "notebooks" / NOTEBOOK, tmp_path / NOTEBOOK)  # the browser's autosave must not touch ours
    settings = tmp_path / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')  # no news pop-up
    port, token = free_port(), "course-test-token"
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
        f"--ServerApp.token={token}", f"--ServerApp.root_dir={tmp_path}", "--allow-root",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    log = open(tmp_path / "lab.log", "w")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                              env={**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
                                   "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings")})
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start:\n{(tmp_path / 'lab.log').read_text()[-3000:]}")
                time.sleep(0.5)
        yield {"url": url, "token": token, "dir": tmp_path}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def test_forecast_explorer_in_jupyterlab(lab):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=BROWSER_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{lab['url']}/lab/tree/{NOTEBOOK}?token={lab['token']}")
            page.locator(".jp-Notebook").wait_for(timeout=60_000)
            expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")).to_have_count(1, timeout=60_000)

            # Kernel > Restart Kernel and Run All Cells..., as a learner does, then wait for the last cell
            page.locator(".lm-MenuBar-itemLabel", has_text="Kernel").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="Restart Kernel and Run All Cells").first.click()
            page.locator(".jp-Dialog-button.jp-mod-accept").click()
            train = page.locator("button.jupyter-button", has_text="Train")
            train.wait_for(timeout=int(os.environ.get('BROWSER_WAIT_MS', 180_000)))
            expect(page.locator(".jp-InputArea-prompt", has_text="[*]")).to_have_count(0, timeout=180_000)

            explorer = train.locator("xpath=ancestor::div[contains(@class, 'widget-vbox')][1]")
            picture = explorer.locator("img")
            before = picture.get_attribute("src")

            # move the epochs slider: type a new value into its readout
            readout = explorer.locator(".widget-slider", has_text="epochs").locator(".widget-readout")
            readout.click()
            page.keyboard.press("Control+A")
            page.keyboard.type("200")
            page.keyboard.press("Enter")
            expect(readout).to_have_text("200", timeout=10_000)

            start = time.monotonic()
            train.click()
            expect(train).to_be_disabled(timeout=5_000)  # while training, the controls are locked...
            train.click(force=True)  # ...so impatient clicks and slider moves do nothing
            readout.click(force=True)
            expect(picture).not_to_have_attribute("src", before or "", timeout=60_000)
            seconds = time.monotonic() - start
            expect(train).to_be_enabled(timeout=60_000)
            expect(explorer).to_contain_text("36-step MSE")
            expect(explorer).to_contain_text("200 epochs")
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
        except Exception:
            page.screenshot(path=str(lab["dir"] / "failure.png"))
            print(f"screenshot of the failure: {lab['dir'] / 'failure.png'}")
            for output in page.locator("[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts():
                print("stderr output in the notebook:", output[:2000])
            raise
        finally:
            browser.close()
