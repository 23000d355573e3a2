"""How long each notebook takes to run as a learner runs it: JupyterLab's Kernel > Restart Kernel and Run All Cells.

A headless Chromium opens each notebook (a copy, in a temporary folder) in a JupyterLab started with the course's
settings, waits until its first kernel is idle, then clicks Restart Kernel and Run All Cells. The time runs from
the click on the dialog's Restart button until the kernel is idle with every code cell numbered, so it includes
the kernel's restart and its imports. Run it on a quiet machine after `make install`; it prints one line per
notebook and writes nothing. (`make notebooks` times the same work through nbconvert, whose own start-up adds
a few seconds.)

    python benchmarks/restart_run_all.py            # all nine notebooks, about 4 minutes on 2 cores
    python benchmarks/restart_run_all.py 05 07      # the notebooks whose names start with 05 or 07
"""

import os
import pathlib
import re
import shutil
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))
from test_browser import BROWSER_FLAGS, chromium_path, jupyterlab, notebook_kernel, wait_until  # noqa: E402

SETTINGS = ROOT / ".venv" / "share" / "jupyter" / "lab" / "settings"  # what `make install` writes
# The prompt of every code cell, "[7]:" or "[*]:", read from the page's text, on screen or not.
PROMPTS = "Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')).map(e => e.textContent.trim())"
QUIET = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}   # as the Makefile exports them


def restart_and_run_all(page, lab, notebook):
    """Open `notebook`, restart its kernel and run every cell; return the seconds from the click to the end."""
    from playwright.sync_api import expect

    page.goto(f"{lab['url']}/lab/workspaces/timing/tree/{notebook}?reset&token={lab['token']}")
    expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")).to_have_count(1, timeout=60_000)
    wait_until(lambda: (notebook_kernel(lab) or {}).get("execution_state") == "idle", "the kernel's start", 60)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Kernel$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Restart Kernel and Run All Cells")).click()
    restart = page.locator(".jp-Dialog button.jp-mod-accept")
    restart.wait_for(timeout=10_000)
    start = time.perf_counter()
    restart.click()
    page.wait_for_function(f"() => {PROMPTS}.some(p => p === '[*]:')", timeout=30_000)
    page.wait_for_function(f"() => !{PROMPTS}.some(p => p === '[*]:')", timeout=600_000, polling=200)
    wait_until(lambda: notebook_kernel(lab)["execution_state"] == "idle", "the last cell's end", 600)
    seconds = time.perf_counter() - start
    prompts = page.evaluate(f"() => {PROMPTS}")
    if prompts != [f"[{n}]:" for n in range(1, len(prompts) + 1)]:
        raise RuntimeError(f"{notebook}: the code cells did not all run, in order: {prompts}")
    errors = page.locator("[data-mime-type='application/vnd.jupyter.stderr']")
    if errors.count():
        raise RuntimeError(f"{notebook}: error output: {errors.first.inner_text()[:300]}")
    return seconds


def main(prefixes):
    notebooks = [path.name for path in sorted((ROOT / "notebooks").glob("*.ipynb"))
                 if not prefixes or path.name.startswith(tuple(prefixes))]
    if not notebooks:
        raise SystemExit(f"No notebook starts with {' or '.join(prefixes)}; give numbers such as 05 07.")
    if not SETTINGS.is_dir():
        raise SystemExit(f"{SETTINGS} is missing: run `make install` first.")
    os.environ.update(QUIET)
    with tempfile.TemporaryDirectory() as folder:
        for notebook in notebooks:
            shutil.copy(ROOT / "notebooks" / notebook, pathlib.Path(folder) / notebook)
        with jupyterlab(pathlib.Path(folder), SETTINGS) as lab:
            time_each(lab, notebooks)


def time_each(lab, notebooks):
    """Print the Restart-and-Run-All time of each notebook, one after the other, each kernel shut down after."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(playwright), args=BROWSER_FLAGS)
        for notebook in notebooks:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            print(f"{notebook}: {restart_and_run_all(page, lab, notebook):.1f} s", flush=True)
            page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Kernel$")).click()
            page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Shut Down All Kernels")).click()
            page.locator(".jp-Dialog button.jp-mod-accept").click()
            wait_until(lambda: notebook_kernel(lab) is None, "the kernel's shut-down", 30)
            page.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1:])
