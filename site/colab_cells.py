"""Give every notebook its "Open in Colab" link and the set-up cell that makes it run there.

    python site/colab_cells.py          # stamp every notebook in notebooks/ (idempotent; run after adding one)
    python site/colab_cells.py --check  # exit 1, naming them, if any notebook lacks the current cells

The repository's address lives in one place, `[project.urls] Repository` in pyproject.toml, and the
wordfreq version in one other, requirements.txt; this script writes both into the notebooks. Two cells are
added (found again by their ids, so a second run only refreshes them):

- a markdown cell first: the link that opens the notebook from GitHub in Colab;
- a code cell before the first code cell: on Colab only (`"google.colab" in sys.modules`) it pip-installs the
  course's helpers from the repository and wordfreq, and nothing else: Colab's own TensorFlow, Keras and
  numpy stay as they are (the package's requirements pin none of them). Elsewhere it does nothing.
  `RNN_HELPERS_SOURCE` replaces the repository by another pip source, e.g. a wheel (`make test-colab`).

Only the sources change: the set-up cell is stored without an output until the notebook is run again.
"""

import json
import pathlib
import re
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
LINK_ID, SETUP_ID = "colab-link", "colab-setup"
BRANCH = "main"


def settings(root=ROOT):
    """`(repository address, wordfreq requirement)` from pyproject.toml and requirements.txt."""
    repository = tomllib.loads((root / "pyproject.toml").read_text())["project"]["urls"]["Repository"]
    wordfreq = re.search(r"^wordfreq==\S+", (root / "requirements.txt").read_text(), re.M).group(0)
    return repository.rstrip("/"), wordfreq


def link_source(repository, name):
    colab = repository.replace("https://github.com/", "https://colab.research.google.com/github/")
    return (f"[Open in Colab]({colab}/blob/{BRANCH}/notebooks/{name}): run this notebook in your browser without "
            "installing anything (its first code cell installs the course's helpers there).")


def setup_source(repository, wordfreq):
    return f'''# On Colab only: install the course's helpers and wordfreq (Colab's TensorFlow, Keras, numpy stay).
import os
import sys

if "google.colab" in sys.modules:
    import subprocess

    course = os.environ.get("RNN_HELPERS_SOURCE", "git+{repository}")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", course, "{wordfreq}"], check=True)'''


def lines(text):
    """A cell source as nbformat stores it: a list of lines, each but the last ending in a newline."""
    return text.splitlines(keepends=True)


def stamped(notebook, name, repository, wordfreq):
    """`notebook` (a dict) with the link first and the set-up cell before the first code cell."""
    cells = [cell for cell in notebook["cells"] if cell.get("id") not in (LINK_ID, SETUP_ID)]
    link = {"cell_type": "markdown", "id": LINK_ID, "metadata": {}, "source": lines(link_source(repository, name))}
    old_setup = next((cell for cell in notebook["cells"] if cell.get("id") == SETUP_ID), None)
    setup = {"cell_type": "code", "execution_count": None, "id": SETUP_ID, "metadata": {}, "outputs": [],
             "source": lines(setup_source(repository, wordfreq))}
    if old_setup is not None and old_setup["source"] == setup["source"]:
        setup = old_setup  # unchanged: keep what its last run stored
    first_code = next((i for i, cell in enumerate(cells) if cell["cell_type"] == "code"), len(cells))
    return {**notebook, "cells": [link, *cells[:first_code], setup, *cells[first_code:]]}


def main(argv=()):
    repository, wordfreq = settings()
    stale = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        text = path.read_text()
        new = json.dumps(stamped(json.loads(text), path.name, repository, wordfreq), indent=1,
                         ensure_ascii=False) + "\n"
        if new != text:
            stale.append(path.name)
            if "--check" not in argv:
                path.write_text(new)
    if "--check" in argv and stale:
        print("Without the current Colab cells: " + ", ".join(stale) + ". Run: python site/colab_cells.py")
        return 1
    print(f"{'Stamped' if stale else 'Already stamped'}: {', '.join(stale) or 'every notebook'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
