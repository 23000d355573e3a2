"""Every explorer and text box is stored with a static copy of what it shows, for readers without a kernel.

GitHub, nbviewer and the course site cannot run a widget: they show the copy stored beside it. Here the
widgets are displayed through IPython's own display formatter, which is what a kernel stores in a notebook.
"""

import base64

import keras
import matplotlib
import numpy as np
import pytest
from IPython.core.formatters import DisplayFormatter

import rnn_helpers as rh
from test_notebooks_stored import DESCRIPTION, WIDGET_VIEW  # the rule: a stored image needs a sentence

matplotlib.use("Agg")


def stored(widget):
    """The mime bundle a notebook stores for `widget` (IPython's display formatter, as a kernel runs it)."""
    data, _ = DisplayFormatter().format(widget)
    return data


@pytest.fixture(scope="module")
def trace():
    keras.utils.set_random_seed(0)
    layer = keras.layers.LSTM(3)
    layer.build((None, None, 2))
    return rh.gates.lstm_gate_trace(layer, np.random.default_rng(0).normal(size=(9, 2)))


def test_gate_explorer_is_stored_with_its_picture_and_a_sentence(trace):
    explorer = rh.widgets.lstm_gate_explorer(trace, step=2, unit=1)
    data = stored(explorer)
    assert data[WIDGET_VIEW]["model_id"] == explorer.model_id
    assert base64.b64decode(data["image/png"]) == bytes(explorer.image.value)
    assert DESCRIPTION.search(data["text/plain"]) and "unit 1 at time step 2" in data["text/plain"]


def test_the_copy_shows_the_state_at_display_time(trace):
    explorer = rh.widgets.lstm_gate_explorer(trace, step=2, unit=1)
    first = stored(explorer)["image/png"]
    explorer.step_slider.value = 5
    moved = stored(explorer)
    assert moved["image/png"] != first and "time step 5" in moved["text/plain"]
    assert base64.b64decode(moved["image/png"]) == bytes(explorer.image.value)


@pytest.mark.slow  # trains the explorer's LSTM: make test
def test_forecast_explorer_is_stored_with_its_text_then_its_figure_after_training():
    explorer = rh.widgets.forecast_explorer(method="bptt", epochs=10, cells=2, seed=1)
    before = stored(explorer)
    assert "image/png" not in before and "Press Train" in before["text/plain"]
    explorer.train_button.click()
    after = stored(explorer)
    assert base64.b64decode(after["image/png"]) == bytes(explorer.image.value)
    assert DESCRIPTION.search(after["text/plain"]) and "36-step MSE" in after["text/plain"]
    assert "<b>" not in after["text/plain"]


def test_text_boxes_are_stored_with_what_they_reply():
    alphabet = rh.text.build_alphabet(["house", "haus"])
    keras.utils.set_random_seed(4)
    model = rh.reading.build_word_model(len(alphabet), 2, "GRU", embedding_dim=3, units=4)
    box = rh.widgets.language_box(model, alphabet, ("en", "de"), value="haus")
    data = stored(box)
    assert set(data) == {WIDGET_VIEW, "text/plain"}
    assert data["text/plain"] == f"Word: haus\n{box.reply_text()}" and "is most likely" in data["text/plain"]
    box.text.value = "hüs"
    assert "never seen in training" in stored(box)["text/plain"]


def test_widget_bundle_keeps_the_fallback_beside_the_widget():
    import ipywidgets

    area = ipywidgets.Output()
    bundle = rh.progress.widget_bundle(area, {"text/plain": "done"})
    assert bundle == {"text/plain": "done",
                      WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": area.model_id}}
    with pytest.raises(TypeError, match="'text/plain' string"):
        rh.progress.widget_bundle(area, {"image/png": "iVBOR"})
