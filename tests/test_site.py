"""The course site (`make site`), opened page by page in headless Chromium with the outside world blocked.

The site is built from the stored notebooks into a scratch folder and served on 127.0.0.1. Every request to
any other address is aborted and recorded, so a page that would load something from the internet fails here.
For every page: no page error, no missing file, every image drawn and as many figures as the notebook
stores, every equation typeset without an error, every internal link and anchor found. Widget pages draw
their widgets from the stored state; opened again without the widget scripts (a reader with JavaScript off,
or a widget whose state is missing), they show each widget's static copy instead. Two screenshots of the site
are saved in docs/ for the README.
"""

import contextlib
import functools
import http.server
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse

import pytest

from test_browser import BROWSER_FLAGS, chromium_path

pytestmark = pytest.mark.slow  # a Sphinx build and a browser: about half a minute

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
OBJECT_REPR = re.compile(r"^[A-Z]\w*\(children=")  # a widget's repr, "VBox(children=(...))": no copy at all
# The README's two pictures of the site. Taken on every run, into the build's scratch folder; copied over the
# README's copies in docs/ only when SITE_SCREENSHOTS_TO=docs is set, so a test run leaves the clone unchanged.
SCREENSHOTS = {"index.html": "site_landing.png", "notebooks/04_lstm_gates.html": "site_gate_explorer.png"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site built by site/build.py (as `make site` does) into a scratch folder; how long the build took."""
    output = tmp_path_factory.mktemp("site") / "html"
    start = time.perf_counter()
    build = subprocess.run([sys.executable, str(ROOT / "site" / "build.py"), str(output)], capture_output=True,
                           text=True, timeout=600)
    seconds = time.perf_counter() - start
    assert build.returncode == 0, f"the site did not build without warnings:\n{build.stdout}\n{build.stderr}"
    print(f"site built in {seconds:.1f} s (npm packages fetched before if _build/npm was empty)")
    return output


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(site):
    """The site served on a free loopback port; its base URL."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=site))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(playwright), args=BROWSER_FLAGS)
        yield chromium
        chromium.close()


@contextlib.contextmanager
def opened(browser, base, name, block=()):
    """Open page `name`; yield `(page, problems)`, where problems lists outside requests, errors and 404s.

    Requests to anything but `base` are aborted; so are the site's own files whose URL contains a string of
    `block`.
    """
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(("data:", "blob:")) or (url.startswith(base) and not any(b in url for b in block)):
            request_route.continue_()
        else:
            if not url.startswith(base):
                problems.append(f"request outside the site: {url}")
            request_route.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("response", lambda response: response.status >= 400 and problems.append(
        f"{response.status} for {response.url}"))
    try:
        page.goto(base + name, wait_until="load")
        # MathJax 3 typesets after the page has loaded; its startup promise ends when it is done
        page.evaluate("window.MathJax && MathJax.startup && MathJax.startup.promise ? "
                      "MathJax.startup.promise.then(() => true) : true")
        yield page, problems
    finally:
        page.close()


def stored_outputs(notebook):
    """`(figures, widget views)` stored in a notebook: image outputs outside widgets, and widget outputs."""
    outputs = [output for cell in json.loads(notebook.read_text())["cells"] if cell["cell_type"] == "code"
               for output in cell["outputs"]]
    figures = sum("image/png" in output.get("data", {}) for output in outputs)
    return figures, sum(WIDGET_VIEW in output.get("data", {}) for output in outputs)


def pages(site):
    """Every page of the site (not the theme's template files in _static/)."""
    return sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html") if "_static" not in path.parts)


def test_every_notebook_and_the_course_readme_is_a_page(site):
    names = pages(site)
    assert [f"notebooks/{path.stem}.html" for path in NOTEBOOKS] == [n for n in names if n.startswith("notebooks/")]
    assert {"index.html", "course/README.html"} <= set(names)
    landing = (site / "index.html").read_text()
    toc = re.findall(r'href="(notebooks/[^"#]+\.html)"', landing)
    assert list(dict.fromkeys(toc)) == [f"notebooks/{path.stem}.html" for path in NOTEBOOKS], "not in order"
    for licence in ("LICENSE.txt", "LICENSE-CC-BY-4.0.txt"):
        assert (site / licence).is_file() and f'href="{licence}"' in landing, f"{licence} not in the footer"


def check_page(page, problems, base, site, name):
    """Every check of one page that was opened with its scripts; returns `(figures, widgets drawn)`."""
    page.wait_for_load_state("networkidle")
    images = page.evaluate("""Array.from(document.images).map(img => ({
        src: img.src.slice(0, 80), ok: img.complete && img.naturalWidth > 0,
        inWidget: !!img.closest('.widget-subarea'), output: !!img.closest('.cell_output')}))""")
    problems += [f"image not drawn: {image['src']}" for image in images if not image["ok"]]
    math = page.evaluate("""[document.querySelectorAll('mjx-merror').length,
        Array.from(document.querySelectorAll('.math')).filter(e => !e.querySelector('mjx-container')).length]""")
    problems += [f"{math[0]} equations with a MathJax error"] * bool(math[0])
    problems += [f"{math[1]} equations not typeset"] * bool(math[1])
    for href in page.evaluate("Array.from(document.querySelectorAll('a[href]')).map(a => a.href)"):
        if href.startswith(base):
            problems += link_problems(href, base, site, name)
    figures = sum(image["output"] and not image["inWidget"] for image in images)
    drawn = page.evaluate("Array.from(document.querySelectorAll('.widget-subarea')).filter(e => e.children.length)"
                          ".length")
    return figures, drawn


@functools.cache
def page_ids(path):
    return set(re.findall(r'\bid="([^"]+)"', path.read_text(errors="replace")))


def link_problems(href, base, site, name):
    """An internal link must name a file of the site and, with a #fragment, an element of that page."""
    url = urllib.parse.urlsplit(href)
    target = site / urllib.parse.unquote(url.path).lstrip("/")
    if target.is_dir():
        target = target / "index.html"
    if not target.is_file():
        return [f"{name}: link to a missing file: {href}"]
    if url.fragment and target.suffix == ".html" and urllib.parse.unquote(url.fragment) not in page_ids(target):
        return [f"{name}: link to a missing anchor: {href}"]
    return []


def test_every_page_loads_everything_from_the_site_and_draws_it(site, server, browser):
    notebooks = {f"notebooks/{path.stem}.html": path for path in NOTEBOOKS}
    failures = []
    for name in pages(site):
        with opened(browser, server, name) as (page, problems):
            stored_figures, stored_widgets = stored_outputs(notebooks[name]) if name in notebooks else (0, 0)
            wait_for_widgets(page, stored_widgets, problems)
            figures, drawn = check_page(page, problems, server, site, name)
            if name in notebooks:
                if figures != stored_figures:
                    problems.append(f"{figures} figures on the page, {stored_figures} stored in the notebook")
                if drawn != stored_widgets:
                    problems.append(f"{drawn} widgets drawn, {stored_widgets} stored in the notebook")
                if drawn and page.locator(".widget-static").evaluate_all("els => els.some(e => e.offsetHeight)"):
                    problems.append("a widget's static copy is shown although the widget drew")
            if name in SCREENSHOTS:
                screenshot(page, site.parent / SCREENSHOTS[name])
        failures += [f"{name}: {problem}" for problem in problems]
    assert not failures, "\n".join(failures)


def wait_for_widgets(page, count, problems):
    """Wait until `count` widgets are drawn from the stored state (the manager draws them after the load)."""
    if count:
        try:
            page.wait_for_function("n => Array.from(document.querySelectorAll('.widget-subarea'))"
                                   ".filter(e => e.children.length).length >= n", arg=count, timeout=30_000)
        except Exception as error:  # playwright's TimeoutError: report it with the page's other problems
            problems.append(f"the widgets were not drawn within 30 s: {type(error).__name__}")


def screenshot(page, path):
    """The landing page from the top; notebook 04 at its gate explorer. Saved to `path`, and to docs/ if asked."""
    if page.locator(".widget-subarea").count():
        page.locator(".widget-subarea").first.scroll_into_view_if_needed()
        page.evaluate("window.scrollBy(0, -120)")
    page.screenshot(path=str(path))
    assert path.stat().st_size > 20_000, f"{path.name} is nearly empty"
    if os.environ.get("SITE_SCREENSHOTS_TO"):  # used to refresh the README's pictures
        shutil.copy(path, pathlib.Path(os.environ["SITE_SCREENSHOTS_TO"]) / path.name)


@pytest.mark.parametrize("notebook", [path for path in NOTEBOOKS if stored_outputs(path)[1]], ids=lambda p: p.name)
def test_without_the_widget_scripts_each_widget_shows_its_static_copy(site, server, browser, notebook):
    """The reader without JavaScript, or a widget whose state is missing: the page is complete all the same."""
    with opened(browser, server, f"notebooks/{notebook.stem}.html", block=("html-manager/",)) as (page, problems):
        copies = page.evaluate("""Array.from(document.querySelectorAll('.widget-static')).map(e => ({
            shown: e.offsetHeight > 0, image: !!e.querySelector('img'),
            drawn: Array.from(e.querySelectorAll('img')).every(img => img.complete && img.naturalWidth > 0),
            text: e.innerText.trim()}))""")
    assert len(copies) == stored_outputs(notebook)[1], f"{len(copies)} static copies for the stored widgets"
    for copy in copies:
        assert copy["shown"] and copy["drawn"], copy
        assert copy["image"] or (copy["text"] and not OBJECT_REPR.match(copy["text"])), \
            f"a widget stored without a static copy (only its repr): {copy['text'][:80]!r}"
    assert not problems, problems
