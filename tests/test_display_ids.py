"""An output that a cell replaces while it runs keeps its last state, under ipywidgets 8 and 7 (Colab's).

Notebook 07 shows each training's progress bar in an output that is then replaced by a one-line summary (a
display id). ipywidgets 7 displays a widget through its own `_ipython_display_`, which drops the display id,
so the replacement was lost without a word. A real kernel runs the helper here; `make test-colab` runs this
file on Colab's ipywidgets 7 as well.
"""

import nbclient
import nbformat
import pytest

pytestmark = pytest.mark.slow  # starts a kernel


def test_the_training_summary_replaces_the_progress_bar():
    source = ("from rnn_helpers import reading\n"
              "with reading._bar_then_summary() as summary:\n"
              "    print('epoch 1/3')\n"
              "    summary['text'] = 'demo: 3 epochs, test accuracy 0.900'")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    shown = [output.get("data", {}).get("text/plain") for output in notebook.cells[0].outputs]
    assert shown == ["demo: 3 epochs, test accuracy 0.900"]
