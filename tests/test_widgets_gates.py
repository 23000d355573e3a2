"""The LSTM gate explorer (widgets) and the cell picture it shows (plotting), tested without a browser."""

import importlib
import sys

import keras
import matplotlib
import numpy as np
import pytest

from rnn_helpers import gates, numpy_rnn, plotting, widgets

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def trace():
    keras.utils.set_random_seed(0)
    layer = keras.layers.LSTM(3)
    layer.build((None, None, 2))
    X = np.random.default_rng(0).normal(size=(9, 2))
    return gates.lstm_gate_trace(layer, X)


def test_explorer_starts_where_asked(trace):
    explorer = widgets.lstm_gate_explorer(trace, step=2, unit=1)
    assert (explorer.step_slider.value, explorer.unit_slider.value) == (2, 1)
    assert (explorer.step_slider.max, explorer.unit_slider.max) == (8, 2)
    assert explorer.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert explorer.values()["f"] == pytest.approx(trace["f"][2, 1])


def test_moving_the_sliders_redraws_and_updates_the_values(trace):
    explorer = widgets.lstm_gate_explorer(trace)
    first_picture = explorer.image.value
    explorer.step_slider.value = 5
    assert explorer.image.value != first_picture
    values = explorer.values()
    assert values["i"] == pytest.approx(trace["i"][5, 0])
    assert values["c_prev"] == pytest.approx(trace["c"][4, 0])
    assert values["h"] == pytest.approx(trace["h"][5, 0])
    second_picture = explorer.image.value
    explorer.unit_slider.value = 2
    assert explorer.image.value != second_picture
    assert explorer.values()["o"] == pytest.approx(trace["o"][5, 2])


def test_cell_values_at_the_first_step_start_from_zero(trace):
    values = numpy_rnn.lstm_cell_values(trace, 0, 1)
    assert values["c_prev"] == 0.0 and values["h_prev"] == 0.0
    assert values["x"] == pytest.approx(trace["x"][0, 0])
    # the picture's arithmetic: c = f c_prev + i c_tilde and h = o tanh(c)
    v = numpy_rnn.lstm_cell_values(trace, 4, 1)
    assert v["c"] == pytest.approx(v["f"] * v["c_prev"] + v["i"] * v["c_tilde"])
    assert v["h"] == pytest.approx(v["o"] * np.tanh(v["c"]))


def test_picture_shows_the_chosen_unit_and_step(trace):
    fig = plotting.lstm_cell_picture(trace, 6, 2)
    assert fig.axes[0].get_title() == "LSTM unit 2 at time step 6"
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert f"{trace['f'][6, 2]:.2f}" in texts and f"{trace['o'][6, 2]:.2f}" in texts
    assert fig.axes[1].lines[-1].get_xdata()[0] == 6  # the "now" line on the time axis
    # drawing into the same figure again replaces the old picture
    plotting.lstm_cell_picture(trace, 1, 0, fig=fig)
    assert len(fig.axes) == 2 and fig.axes[0].get_title() == "LSTM unit 0 at time step 1"


def test_picture_draws_forget_and_input_in_the_course_palette_not_green_and_orange(trace):
    fig = plotting.lstm_cell_picture(trace, 3, 0)
    lines = {line.get_label(): line for line in fig.axes[1].lines}
    forget, input_gate = lines["forget f"], lines["input i"]
    assert forget.get_color() == plotting.PALETTE["forget"] and input_gate.get_color() == plotting.PALETTE["input"]
    assert {forget.get_color(), input_gate.get_color()}.isdisjoint({"tab:green", "tab:orange", "#2ca02c", "#ff7f0e"})
    assert forget.get_linestyle() != input_gate.get_linestyle()  # told apart without colour too


def test_package_imports_without_ipywidgets(monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # `import ipywidgets` now fails
    module = importlib.reload(widgets)  # the import itself must not need ipywidgets
    with pytest.raises(ImportError, match="ipywidgets"):  # only building a widget does
        module.lstm_gate_explorer({})
    monkeypatch.undo()
    importlib.reload(widgets)


def test_explorer_rejects_bad_input(trace):
    with pytest.raises(TypeError, match="trace must be the dict"):
        widgets.lstm_gate_explorer([1, 2, 3])
    with pytest.raises(ValueError, match=r"trace is missing \['c'\]"):
        widgets.lstm_gate_explorer({k: v for k, v in trace.items() if k != "c"})
    with pytest.raises(ValueError, match="step must be <= 8"):
        widgets.lstm_gate_explorer(trace, step=9)
    with pytest.raises(ValueError, match="unit must be >= 0"):
        numpy_rnn.lstm_cell_values(trace, 0, -1)
    with pytest.raises(TypeError, match="step must be an int"):
        plotting.lstm_cell_picture(trace, 1.5, 0)
    bad = dict(trace, o=trace["o"][:4])
    with pytest.raises(ValueError, match=r"trace\['o'\] must have shape \(9, 3\)"):
        numpy_rnn.lstm_cell_values(bad, 0, 0)
