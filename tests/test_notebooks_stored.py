"""Guard: every notebook is stored the way a learner should first see it.

Learners read the notebooks before running them, so each is committed executed top to bottom, with its
outputs, without errors and without TensorFlow's log lines. nbval (run by `make test`) re-executes them.
"""

import json
import pathlib
import re

import pytest

NOTEBOOKS = sorted((pathlib.Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))
LOG_NOISE = re.compile(r"cuda|cuInit|oneDNN|absl::|I0000|W0000|E0000|computation placer|tensorflow/core")


def code_cells(path):
    cells = json.loads(path.read_text())["cells"]
    return [c for c in cells if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found in notebooks/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_executed_in_order(path):
    counts = [cell["execution_count"] for cell in code_cells(path)]
    assert None not in counts, f"{path.name} has code cells that were never run; run `make notebooks`"
    assert counts == list(range(1, len(counts) + 1)), f"{path.name} was not run top to bottom once: {counts}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_no_errors_or_log_noise(path):
    for cell in code_cells(path):
        for output in cell["outputs"]:
            assert output["output_type"] != "error", f"{path.name}: error output in cell {cell['source'][:1]}"
            if output["output_type"] == "stream":
                text = "".join(output["text"])
                assert not LOG_NOISE.search(text), f"{path.name}: TensorFlow log noise in output: {text[:200]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_the_course_structure(path):
    text = path.read_text()
    for heading in ("Learning goals", "## Summary", "## Exercises"):
        assert heading in text, f"{path.name} lacks a '{heading}' section"
