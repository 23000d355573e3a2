# Two commands do everything on a fresh machine that has Python 3.11-3.13 and make (make test: and Chromium):
#   make lab     create .venv, install, open the course in JupyterLab
#   make teach   the same, in course/ with nbgrader's teacher tools (formgrader, Create Assignment)
#   make test    look for Chromium, create .venv, install, run every test (unit, notebooks, classroom, browser)
#   make check   the fast tier only (pytest -m "not slow"): the unit tests, to run on every edit
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# JupyterLab reads this file for everyone who uses the environment: no "get Jupyter news?" pop-up over a
# class's notebooks, no update check.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
# Quiet TensorFlow's C++ logs in every process make starts (kernels inherit them).
export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0

.PHONY: install lab teach hub test check chromium notebooks benchmark clean site test-colab

# TensorFlow 2.21 has wheels for Python 3.11-3.13 only. PYTHON=... names the interpreter; otherwise the first
# of these that is in range. Nothing is installed before one is found.
PYTHONS := $(or $(PYTHON),python3 python3.13 python3.12 python3.11)

$(BIN)/python:
	@found=""; \
	for py in $(PYTHONS); do \
	  version=$$($$py -c 'import platform; print(platform.python_version())' 2>/dev/null) || version="not found"; \
	  found="$$found $$py: $$version;"; \
	  if $$py -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' 2>/dev/null; then \
	    echo "Creating $(VENV) with $$py (Python $$version)"; \
	    $$py -m venv $(VENV); exit $$?; \
	  fi; \
	done; \
	echo "No supported Python found. The course needs Python 3.11, 3.12 or 3.13 (TensorFlow 2.21 has no wheels" >&2; \
	echo "for others). Found:$$found" >&2; \
	echo "Install one, e.g. sudo apt-get install python3.12-venv (Debian/Ubuntu), brew install python@3.12 (macOS)," >&2; \
	echo "or 'uv python install 3.12' or https://www.python.org/downloads/, then run make again, naming it if needed:" >&2; \
	echo "    make $(or $(MAKECMDGOALS),install) PYTHON=/path/to/python3.12" >&2; \
	exit 1

$(STAMP): requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

$(LAB_OVERRIDES):
	@mkdir -p $(@D)
	@echo '{"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": false}}' > $@

install: $(STAMP) $(LAB_OVERRIDES)

# JupyterLab refuses to run as root without --allow-root; many class containers and cloud machines are root.
ALLOW_ROOT = $(if $(filter 0,$(shell id -u)),--allow-root)
LAB_ARGS ?=

# A learner's JupyterLab shows none of nbgrader's teacher tools: course/learner_jupyter/ (first on Jupyter's
# config path) switches off the formgrader, the Create Assignment panel and the course list; Validate and
# the assignment list stay. make teach opens course/ with every tool, where nbgrader finds its config.
LEARNER_JUPYTER := $(CURDIR)/course/learner_jupyter

lab: install
	@$(if $(ALLOW_ROOT),echo "make lab: running as root: JupyterLab starts with --allow-root")
	JUPYTER_CONFIG_PATH="$(LEARNER_JUPYTER)$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
	  $(BIN)/jupyter lab $(ALLOW_ROOT) $(LAB_ARGS) notebooks/

teach: install
	cd course && $(abspath $(BIN))/jupyter lab $(ALLOW_ROOT) $(LAB_ARGS)

# The browser test (tests/test_browser.py) drives a Chromium: CHROMIUM=/path/to/chrome, else one of
# CHROMIUM_NAMES on PATH (Debian/Ubuntu's package), else Playwright's own download. make test looks for it
# before installing or testing anything; if there is none it tries Playwright's installer (20 s at most,
# making .venv first if needed) and otherwise stops, printing the command that fixes it.
CHROMIUM_NAMES ?= chromium chromium-browser google-chrome
PLAYWRIGHT_BROWSERS_PATH ?= $(HOME)/.cache/ms-playwright
export PLAYWRIGHT_BROWSERS_PATH
FIND_CHROMIUM = { if [ -n "$(CHROMIUM)" ]; then command -v "$(CHROMIUM)"; else command -v $(CHROMIUM_NAMES); \
	ls -d "$(PLAYWRIGHT_BROWSERS_PATH)"/chromium-*/chrome-linux*/chrome; fi; } 2>/dev/null | head -n 1
SUDO = $(if $(ALLOW_ROOT),,sudo )

chromium:
	@if [ -n "$(CHROMIUM)" ] && [ -z "$$($(FIND_CHROMIUM))" ]; then \
	  echo "CHROMIUM=$(CHROMIUM) is not a program. Point it to Chrome or Chromium, or leave it out." >&2; exit 1; \
	fi; \
	if [ -z "$$($(FIND_CHROMIUM))" ]; then \
	  echo "No Chromium found for the browser test; trying Playwright's installer (20 s at most) ..."; \
	  deadline=$$(( $$(date +%s) + 20 )); \
	  left() { n=$$(( deadline - $$(date +%s) )); [ $$n -gt 0 ] && echo $$n || echo 1; }; \
	  $(MAKE) --no-print-directory $(BIN)/python && \
	  { $(BIN)/python -c "import playwright" 2>/dev/null || \
	    timeout $$(left) $(BIN)/python -m pip install --quiet --no-deps "$$(grep -m 1 '^playwright==' requirements.txt)"; } && \
	  timeout $$(left) $(BIN)/python -m playwright install chromium; \
	fi; \
	if [ -z "$$($(FIND_CHROMIUM))" ]; then \
	  echo "" >&2; \
	  echo "make test needs Chromium for its browser test (tests/test_browser.py) and found none: not on PATH" >&2; \
	  echo "($(CHROMIUM_NAMES)), not in $(PLAYWRIGHT_BROWSERS_PATH), and Playwright's installer failed. Fix:" >&2; \
	  echo "" >&2; \
	  echo "    $(SUDO)apt-get install -y chromium          # Debian (Ubuntu: $(SUDO)snap install chromium)" >&2; \
	  echo "" >&2; \
	  echo "or use a Chrome/Chromium you have: make test CHROMIUM=/path/to/chrome" >&2; \
	  exit 1; \
	fi; \
	echo "Chromium for the browser test: $$($(FIND_CHROMIUM))"

# The class test on a real JupyterHub (tests/test_hub.py) needs, in build/ (not committed): the students'
# environment, made from an interpreter every account can run (Debian's python3.11, not a Python in root's
# home; HUB_PYTHON=... names another) with the course's pins of what a tiny assignment needs, and the proxy
# from npm. If other accounts cannot reach this folder, the environment goes to /var/tmp instead.
HUB_PYTHON ?= $(firstword $(wildcard /usr/bin/python3.11) python3.11)
HUB_PACKAGES := jupyterhub nbgrader jupyterlab nbconvert nbformat nbclient numpy
REACHABLE := $(shell d="$(CURDIR)"; while [ "$$d" != / ]; do [ $$(( 0$$(stat -c %a "$$d") & 1 )) = 1 ] || exit 0; \
	d=$$(dirname "$$d"); done; echo yes)
HUB_ENV ?= $(if $(REACHABLE),$(CURDIR)/build/hub-env,/var/tmp/rnn-course-hub-env)
HUB_PROXY := $(CURDIR)/build/hub-proxy/node_modules/.bin/configurable-http-proxy
export HUB_ENV HUB_PROXY

$(HUB_ENV)/.installed: requirements.txt
	rm -rf $(HUB_ENV)
	$(HUB_PYTHON) -m venv $(HUB_ENV)
	$(HUB_ENV)/bin/python -m pip install --quiet \
	  $$(grep -E '^($(shell echo $(HUB_PACKAGES) | tr ' ' '|'))==' requirements.txt)
	@touch $@

$(HUB_PROXY):
	npm install --silent --no-fund --no-audit --prefix build/hub-proxy configurable-http-proxy@5.3.0

hub: $(HUB_ENV)/.installed $(HUB_PROXY)

# Two passes, each sharing whole files out among one worker per CPU core (pytest-xdist). First nbval executes
# every notebook, and each kernel records the notebook's results in $(RECORDS) (tests/records.py); then the
# tests run, and the claims read those records instead of training the same networks again.
RECORDS := $(CURDIR)/.test-records
test: chromium install hub
	rm -rf $(RECORDS)
	RNN_HELPERS_RECORD_DIR=$(RECORDS) $(BIN)/python -m pytest -n auto --dist loadfile notebooks
	RNN_HELPERS_RECORD_DIR=$(RECORDS) CHROMIUM="$$($(FIND_CHROMIUM))" $(BIN)/python -m pytest -n auto --dist loadfile tests

# The fast tier: unit tests only (no notebook, no training beyond a few steps), spread over the cores.
check: install
	$(BIN)/python -m pytest -m "not slow" -n auto tests

notebooks: install
	@for nb in notebooks/*.ipynb; do \
	  start=$$(date +%s); \
	  $(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=600 --ExecutePreprocessor.store_widget_state=True "$$nb" || exit 1; \
	  echo "$$nb: $$(( $$(date +%s) - start )) s"; \
	done

benchmark: install  # every benchmark the lessons quote; each rewrites its JSON (about two hours on 2 cores)
	for script in sine_forecast date_translation linear_recurrence; do \
	  $(BIN)/python benchmarks/$$script.py || exit 1; \
	done

# The course as a web site, from the stored notebooks (nothing is executed): open _build/html/index.html.
# The first build fetches MathJax and the widget scripts from npm (about 11 MB); after that it needs no network.
site: install
	$(BIN)/python site/build.py

# Colab's versions (as of 2026-08) in a second environment, on this machine's Python: every notebook runs there
# under nbval, its set-up cell taking the Colab branch (tests/colab stands in for google.colab) and installing
# the course from a wheel built here, and wordfreq from PyPI, as on Colab. Colab itself runs Python 3.13.
COLAB_VENV  := .venv-colab
COLAB_STAMP := $(COLAB_VENV)/.installed
COLAB_PINS  := "tensorflow-cpu==2.20.0; platform_machine == 'x86_64' or platform_machine == 'AMD64'" \
	"tensorflow==2.20.0; platform_machine != 'x86_64' and platform_machine != 'AMD64'" keras==3.13.2 \
	numpy==2.1.3 pandas==2.2.3 matplotlib==3.10.0 scikit-learn==1.6.1 ipywidgets==7.7.1 tqdm
COLAB_TOOLS := $(shell grep -E '^(nbval|pytest)==' requirements.txt)

$(COLAB_STAMP): | $(BIN)/python
	$(BIN)/python -m venv $(COLAB_VENV)
	$(COLAB_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(COLAB_VENV)/bin/python -m pip install --quiet $(COLAB_PINS) $(COLAB_TOOLS)
	@touch $@

test-colab: $(COLAB_STAMP)
	rm -rf _build/wheel && $(COLAB_VENV)/bin/python -m pip wheel --quiet --no-deps --wheel-dir _build/wheel .
	$(COLAB_VENV)/bin/python -m pip uninstall --quiet --yes rnn_helpers wordfreq
	RNN_HELPERS_SOURCE="$$(ls $(CURDIR)/_build/wheel/rnn_helpers-*.whl)" PYTHONPATH=$(CURDIR)/tests/colab \
	  $(COLAB_VENV)/bin/python -m pytest notebooks/
	$(COLAB_VENV)/bin/python -m pytest --noconftest tests/test_display_ids.py  # the course as the notebooks installed it

clean:
	rm -rf $(VENV) $(COLAB_VENV)
