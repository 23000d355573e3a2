"""rnn_helpers.gates: parameter counts, gate traces and gate statistics, the heat maps, bad input."""

import keras
import matplotlib
import numpy as np
import pytest
from numpy.testing import assert_allclose

from rnn_helpers import gates, keras_rnn, numpy_rnn, plotting

matplotlib.use("Agg")


# --- parameter counts ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("features, units", [(1, 1), (1, 16), (3, 7), (8, 64)])
@pytest.mark.parametrize("cell, reset_after", [("elman", True), ("jordan", True), ("gru", True), ("gru", False),
                                               ("lstm", True)])
def test_param_count_formula_equals_count_params(cell, reset_after, features, units):
    expected = gates.param_count(cell, features, units, reset_after=reset_after)
    assert gates.keras_param_count(cell, features, units, reset_after=reset_after) == expected


def test_param_count_ratios():
    assert gates.param_count("gru", 5, 10, reset_after=False) * 4 == gates.param_count("lstm", 5, 10) * 3
    assert gates.param_count("elman", 5, 10) * 4 == gates.param_count("lstm", 5, 10)
    assert gates.param_count("gru", 5, 10) - gates.param_count("gru", 5, 10, reset_after=False) == 3 * 10


# --- traces and statistics ------------------------------------------------------------------------------------


def sequence_model(cell, units, seed=0):
    keras.utils.set_random_seed(seed)
    model = keras_rnn.build_model(cell, units, return_sequences=True)
    model(np.zeros((1, 1, 1), dtype="float32"))
    return model


def test_lstm_gate_trace_reproduces_the_keras_layer():
    layer = sequence_model("lstm", units=5).get_layer("lstm")
    x = np.sin(np.arange(15.0))
    trace = gates.lstm_gate_trace(layer, x)
    H_keras = np.asarray(layer(x[None, :, None].astype("float32")))[0]
    assert_allclose(trace["h"], H_keras, atol=1e-5)
    for g in ("f", "i", "o"):
        assert trace[g].shape == (15, 5) and 0 < trace[g].min() and trace[g].max() < 1
    assert_allclose(trace["h"], trace["o"] * np.tanh(trace["c"]))
    assert trace["x"].shape == (15, 1)


def test_lstm_gate_trace_starts_from_the_given_states():
    layer = sequence_model("lstm", units=3).get_layer("lstm")
    h0, c0 = np.array([0.5, -0.2, 0.1]), np.array([1.0, 0.0, -1.0])
    trace = gates.lstm_gate_trace(layer, np.zeros(4), h0=h0, c0=c0)
    assert_allclose(trace["c"][0], trace["f"][0] * c0 + trace["i"][0] * trace["c_tilde"][0])
    keras_h = layer(np.zeros((1, 4, 1), "float32"), initial_state=[h0[None].astype("float32"),
                                                                   c0[None].astype("float32")])
    assert_allclose(trace["h"], np.asarray(keras_h)[0], atol=1e-5)


@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_gate_trace_reproduces_the_keras_layer(reset_after):
    keras.utils.set_random_seed(1)
    layer = keras.layers.GRU(4, reset_after=reset_after, return_sequences=True)
    x = np.random.default_rng(1).normal(size=(11, 2))
    H_keras = np.asarray(layer(x[None].astype("float32")))[0]
    trace = gates.gru_gate_trace(layer, x)
    assert_allclose(trace["h"], H_keras, atol=1e-5)
    assert_allclose(trace["h"][1:], trace["z"][1:] * trace["h"][:-1] + (1 - trace["z"][1:]) * trace["h_tilde"][1:])
    assert sorted(trace) == ["h", "h_tilde", "r", "x", "z"]


def test_gate_means_by_mask_works_for_a_gru():
    keras.utils.set_random_seed(2)
    layer = keras.layers.GRU(3)
    layer.build((None, None, 1))
    X = np.random.default_rng(2).normal(size=(5, 4, 1))
    mask = np.zeros((5, 4), dtype=bool)
    mask[:, 0] = True
    means = gates.gate_means_by_mask(layer, X, mask)
    _, g = numpy_rnn.gru_forward(X, keras_rnn.params_from_keras(layer))
    assert sorted(means) == ["h_tilde", "r", "z"]
    assert_allclose(means["z"][0], g["z"][:, 0].mean(axis=0))
    assert_allclose(means["r"][1], g["r"][:, 1:].reshape(-1, 3).mean(axis=0))
    fig = plotting.plot_gate_traces(gates.gru_gate_trace(layer, X[0]), keys=("z", "r", "h"))
    assert len([ax for ax in fig.axes if ax.images]) == 3
    with pytest.raises(ValueError, match="key in keys must be one of"):
        plotting.plot_gate_traces(gates.gru_gate_trace(layer, X[0]), keys=("f",))


def test_gate_means_by_mask_matches_a_direct_average():
    layer = sequence_model("lstm", units=3).get_layer("lstm")
    X = np.random.default_rng(0).normal(size=(4, 6, 1))
    mask = np.zeros((4, 6), dtype=bool)
    mask[:, 2] = True
    means = gates.gate_means_by_mask(layer, X, mask)
    _, _, g = numpy_rnn.lstm_forward(X, keras_rnn.params_from_keras(layer))
    assert_allclose(means["i"][0], g["i"][:, 2].mean(axis=0))
    assert_allclose(means["f"][1], np.concatenate([g["f"][:, :2], g["f"][:, 3:]], axis=1).reshape(-1, 3).mean(axis=0))


def test_plot_gate_traces_draws_one_heat_map_per_key():
    layer = sequence_model("lstm", units=3).get_layer("lstm")
    trace = gates.lstm_gate_trace(layer, np.linspace(-1, 1, 12))
    fig = plotting.plot_gate_traces(trace, keys=("f", "c"), marks=[3, 7])
    heat_maps = [ax for ax in fig.axes if ax.images]
    assert len(heat_maps) == 2
    assert heat_maps[0].images[0].get_array().shape == (3, 12)  # units down, time across


# --- bad input ------------------------------------------------------------------------------------------------


def test_counts_reject_bad_input():
    with pytest.raises(TypeError, match="cell must be a string"):
        gates.param_count(3, 1, 2)
    with pytest.raises(ValueError, match="cell must be one of"):
        gates.param_count("LSTM", 1, 2)
    with pytest.raises(TypeError, match="features must be an int"):
        gates.param_count("gru", 1.5, 2)
    with pytest.raises(TypeError, match="reset_after must be True or False"):
        gates.param_count("gru", 1, 2, reset_after=1)
    with pytest.raises(ValueError, match="features must be >= 1"):
        gates.keras_param_count("lstm", 0, 2)
    with pytest.raises(ValueError, match="units must be >= 1"):
        gates.keras_param_count("lstm", 1, 0)


def test_traces_reject_bad_input():
    layer = sequence_model("lstm", units=3).get_layer("lstm")
    with pytest.raises(TypeError, match="must be a keras.layers.GRU"):
        gates.gru_gate_trace(layer, np.zeros(5))
    with pytest.raises(TypeError, match="must be a keras.layers.LSTM"):
        gates.lstm_gate_trace("lstm", np.zeros(5))
    with pytest.raises(ValueError, match="must be built"):
        gates.lstm_gate_trace(keras.layers.LSTM(3), np.zeros(5))
    with pytest.raises(ValueError, match="x must be one sequence"):
        gates.lstm_gate_trace(layer, np.zeros((2, 5, 1)))
    with pytest.raises(ValueError, match="h0 must have shape"):
        gates.lstm_gate_trace(layer, np.zeros(5), h0=np.zeros(4))
    X = np.zeros((2, 5, 1))
    with pytest.raises(TypeError, match="must be a keras.layers.LSTM or GRU"):
        gates.gate_means_by_mask(keras.layers.Dense(2), X, np.ones((2, 5), dtype=bool))
    with pytest.raises(TypeError, match="mask must be an array of booleans"):
        gates.gate_means_by_mask(layer, X, np.zeros((2, 5)))
    with pytest.raises(ValueError, match="mask must have shape"):
        gates.gate_means_by_mask(layer, X, np.zeros((2, 4), dtype=bool))
    with pytest.raises(ValueError, match="on at some steps and off at others"):
        gates.gate_means_by_mask(layer, X, np.ones((2, 5), dtype=bool))
    trace = gates.lstm_gate_trace(layer, np.zeros(5))
    with pytest.raises(ValueError, match="key in keys must be one of"):
        plotting.plot_gate_traces(trace, keys=("forget",))
    with pytest.raises(ValueError, match="input_labels must be a list of 1"):
        plotting.plot_gate_traces(trace, input_labels=("value", "marker"))
    with pytest.raises(TypeError, match="trace must be the dict"):
        plotting.plot_gate_traces([1, 2])
