"""Guard: every notebook is stored the way a learner should first see it.

Learners read the notebooks before running them — in JupyterLab, on GitHub or nbviewer, with a screen
reader — so each is committed executed top to bottom, with its outputs, without errors and without
TensorFlow's log lines. nbval (run by `make test`) re-executes them; this file only reads the stored
files, so it is fast.

What a stored output must not be:

- a progress bar frozen at "0%" in a plain-text or stream output. GitHub and nbviewer show the text
  fallback of a tqdm widget, not the widget, so a bar stored as `0%|          | 0/300` tells the reader
  that nothing ran. Store the finished bar (100%) or print a one-line summary instead.
- a pandas Styler's repr (`<pandas.io.formats.style.Styler at 0x...>`): show `df.round(3)` or
  `print(df.to_string())` so the table reads well without HTML.
- a widget whose state was not stored (`--ExecutePreprocessor.store_widget_state=True`, as `make notebooks`
  does) and that has no readable text fallback either: the reader would see an empty box.
- a paragraph said twice. A rewritten cell left beside the cell it replaced shows the reader two versions
  of one takeaway, the old one often quoting numbers that the new run no longer prints. No markdown
  paragraph of 100 characters or more may be 80 % the same as another one of the notebook.
- a figure without words. The course's rule for figures (the one authors follow):

  **Every image output (image/png) needs a sentence that describes it, starting with "The figure",
  "The figures", "The plot", "The diagram" or "Figure:"** — at the start of a line or after the end of
  another sentence, optionally in *italics* or **bold** — in one of three places:
  the markdown cell directly before the code cell, the markdown cell directly after it, or the code cell
  itself as a comment (`# Figure: ...`) or printed text (`print("Figure: ...")`). A cell that draws several
  images needs as many such sentences. (Failures name cells by their 0-based index among all cells.) Write the sentence a screen-reader user would need: what is shown
  and what it shows, e.g. "The figure shows the generated sine (orange, dashed) on top of the true one
  (blue) for all 36 steps." The diagrams of `rnn_helpers.plotting` give their alt text in their docstrings.
"""

import difflib
import json
import pathlib
import re

import pytest

NOTEBOOKS = sorted((pathlib.Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))
LOG_NOISE = re.compile(r"cuda|cuInit|oneDNN|absl::|I0000|W0000|E0000|computation placer|tensorflow/core")
ZERO_PROGRESS = re.compile(r"(?<![\d.])0%\|")  # tqdm's text at the start: "  0%|          | 0/300"
STYLER_REPR = re.compile(r"Styler at 0x[0-9a-f]+")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
DESCRIPTION = re.compile(r"(?:^|(?<=[.!?]\s))[*_]{0,2}(?:Figure:|The (?:figure|plot|diagram)s?\b)", re.M)
CODE_DESCRIPTION = re.compile(r"^\s*#\s*(?:Figure:|The (?:figure|plot|diagram)s?\b)", re.M)


def load(path):
    return json.loads(path.read_text())


def code_cells(path):
    cells = load(path)["cells"]
    return [c for c in cells if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def text_of(value):
    return "".join(value) if isinstance(value, list) else (value or "")


def plain_texts(output):
    """The text a reader without a kernel sees for one output: its stream text or its text/plain."""
    if output["output_type"] == "stream":
        return text_of(output.get("text"))
    return text_of(output.get("data", {}).get("text/plain"))


def cell_label(index, cell):
    first = text_of(cell["source"]).strip().splitlines()[0][:60]
    return f"cell {index} ({first!r})"


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


def stored_output_problems(notebook):
    """Every progress bar at 0%, Styler repr and widget without state or fallback, as readable strings."""
    state = notebook.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    problems = []
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        for output in cell.get("outputs", []):
            text = plain_texts(output)
            where = cell_label(index, cell)
            if ZERO_PROGRESS.search(text):
                line = next(line for line in text.splitlines() if ZERO_PROGRESS.search(line))
                problems.append(f"{where}: progress bar stored at 0%: {line.strip()[:70]!r}")
            if STYLER_REPR.search(text):
                problems.append(f"{where}: pandas Styler repr instead of a table")
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view is not None and view.get("model_id") not in state:
                if not text.strip() or ZERO_PROGRESS.search(text):
                    problems.append(f"{where}: widget {view.get('model_id')} has no stored state and no text fallback")
    return problems


def undescribed_figures(notebook):
    """Code cells whose image outputs outnumber the describing sentences around them (see the module doc)."""
    cells = notebook["cells"]
    problems = []
    for index, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        images = sum("image/png" in output.get("data", {}) for output in cell.get("outputs", []))
        if not images:
            continue
        sentences = len(CODE_DESCRIPTION.findall(text_of(cell["source"])))
        sentences += sum(len(DESCRIPTION.findall(plain_texts(output))) for output in cell["outputs"])
        for neighbour in (index - 1, index + 1):
            if 0 <= neighbour < len(cells) and cells[neighbour]["cell_type"] == "markdown":
                sentences += len(DESCRIPTION.findall(text_of(cells[neighbour]["source"])))
        if sentences < images:
            problems.append(f"{cell_label(index, cell)}: {images} image(s), {sentences} describing sentence(s)")
    return problems


def repeated_paragraphs(notebook, shortest=100, alike=0.8):
    """Pairs of markdown paragraphs (at least `shortest` characters) that are `alike` or more the same."""
    paragraphs = []  # (cell index, the paragraph's words): compared word by word, which is quick
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] == "markdown":
            paragraphs += [(index, part.split()) for part in re.split(r"\n\s*\n", text_of(cell["source"]))
                           if len(" ".join(part.split())) >= shortest]
    problems = []
    for k, (index, words) in enumerate(paragraphs):
        for other_index, other in paragraphs[k + 1:]:
            matcher = difflib.SequenceMatcher(None, words, other, autojunk=False)
            if matcher.real_quick_ratio() >= alike and matcher.quick_ratio() >= alike and matcher.ratio() >= alike:
                problems.append(f"cells {index} and {other_index} say nearly the same: {' '.join(words)[:70]!r}")
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_paragraph_is_said_twice(path):
    problems = repeated_paragraphs(load(path))
    assert not problems, f"{path.name} (keep the newer version of each):\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_outputs_read_well_without_a_kernel(path):
    problems = stored_output_problems(load(path))
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_figure_has_a_sentence_describing_it(path):
    problems = undescribed_figures(load(path))
    assert not problems, f"{path.name} (rule in this file's docstring):\n  " + "\n  ".join(problems)


def test_every_notebook_opens_with_the_colab_link_and_set_up_cell():
    """The cells site/colab_cells.py writes, with the repository of pyproject.toml; it fixes what this finds."""
    import importlib.util

    script = pathlib.Path(__file__).parent.parent / "site" / "colab_cells.py"
    spec = importlib.util.spec_from_file_location("colab_cells", script)
    colab = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(colab)
    repository, wordfreq = colab.settings()
    for path in NOTEBOOKS:
        link, setup = load(path)["cells"][0], code_cells(path)[0]
        assert (link.get("id"), text_of(link["source"])) == (colab.LINK_ID, colab.link_source(repository, path.name)), \
            f"{path.name} does not open with the Colab link; run: python site/colab_cells.py"
        expected_setup = colab.setup_source(repository, wordfreq)
        assert (setup.get("id"), text_of(setup["source"])) == (colab.SETUP_ID, expected_setup), \
            f"{path.name}'s first code cell is not the Colab set-up cell; run: python site/colab_cells.py"


# --- the checks themselves, on small notebooks made here ---------------------------------------------------


def notebook_of(*cells, state=()):
    metadata = {"widgets": {WIDGET_STATE: {"state": {model: {} for model in state}}}}
    return {"cells": list(cells), "metadata": metadata}


def code(source, *outputs):
    return {"cell_type": "code", "source": source, "outputs": list(outputs), "execution_count": 1}


def markdown(source):
    return {"cell_type": "markdown", "source": source}


def widget_output(model_id, text):
    return {"output_type": "display_data", "data": {WIDGET_VIEW: {"model_id": model_id}, "text/plain": text}}


PNG = {"output_type": "display_data", "data": {"image/png": "iVBOR", "text/plain": "<Figure>"}}


def test_the_output_checks_catch_what_they_promise():
    zero = "sine:   0%|          | 0/300 [00:00<?, ?epoch/s]"
    done = "sine: 100%|██████████| 300/300 [00:09<00:00, 31.2epoch/s]"
    styler = {"output_type": "execute_result", "data": {"text/plain": "<pandas.io.formats.style.Styler at 0x7f3a>"}}
    bad = notebook_of(code("train()", widget_output("a", zero)), code("table", styler),
                      code("train()", {"output_type": "stream", "name": "stderr", "text": [zero]}),
                      code("train()", widget_output("b", "")), state=("a",))
    problems = stored_output_problems(bad)
    assert sum("0%" in p for p in problems) == 2
    assert sum("Styler" in p for p in problems) == 1
    assert [p for p in problems if "no stored state" in p] == ["cell 3 ('train()'): widget b has no stored state "
                                                                "and no text fallback"]
    good = notebook_of(code("train()", widget_output("a", done)), code("train()", widget_output("b", "10% done")),
                       code("x = 10", {"output_type": "stream", "name": "stdout", "text": ["accuracy 10.0%|"]}),
                       state=("a",))
    assert stored_output_problems(good) == []


def test_the_repeat_check_finds_a_rewritten_takeaway_left_beside_the_old_one():
    figure = ("The figure shows, top, one test digit revealed row by row with the network's best guess and its "
              "probability after each row.")
    old = ("**Takeaway:** the network commits late. After one to five rows its best guess is right for at most "
           "16 % of the test digits, after six rows for 31 %, after seven for 86 %.")
    new = ("**Takeaway:** the network commits late. After one to five rows its best guess is right for hardly "
           "more test digits than chance; the last two rows bring it to its final accuracy.")
    stale = notebook_of(markdown(figure + "\n\n" + new), code("plot()"), markdown(figure + "\n\n" + old + "\n\n## 6."))
    assert repeated_paragraphs(stale) == [f"cells 0 and 2 say nearly the same: {figure[:70]!r}"]
    assert len(repeated_paragraphs(notebook_of(markdown(old), markdown(old.replace("16 %", "15 %"))))) == 1
    assert repeated_paragraphs(notebook_of(markdown(new), markdown(old))) == []
    short = "The figure shows the loss."
    assert repeated_paragraphs(notebook_of(markdown(short), markdown(short))) == []  # a short line may recur


def test_the_figure_rule_accepts_each_documented_place_and_nothing_else():
    described = [
        notebook_of(markdown("## 2 Warm-up\nThe figure shows the state settling."), code("plot()", PNG)),
        notebook_of(code("plot()", PNG), markdown("Both lines agree. *The plot* shows them overlap.")),
        notebook_of(code("# Figure: the loss falls for both cells.\nplot()", PNG)),
        notebook_of(code("plot()", {"output_type": "stream", "name": "stdout", "text": ["Figure: loss\n"]}, PNG)),
        notebook_of(markdown("The diagram below is the LSTM cell."), code("draw()", PNG)),
    ]
    assert all(undescribed_figures(nb) == [] for nb in described)
    not_described = [
        notebook_of(markdown("In the figure we see the state."), code("plot()", PNG)),  # not a sentence start
        notebook_of(markdown("The figure shows it."), markdown("Next:"), code("plot()", PNG)),  # not adjacent
        notebook_of(markdown("The figure shows the loss."), code("plot(); plot()", PNG, PNG)),  # one for two
        notebook_of(code("plot()  # the figure", PNG)),
    ]
    assert all(len(undescribed_figures(nb)) == 1 for nb in not_described)
