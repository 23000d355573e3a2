"""rnn_helpers.gates: weight conversion, parameter counts, gate traces, generation, trainers, bad input."""

import keras
import matplotlib
import numpy as np
import pytest
from numpy.testing import assert_allclose

import rnn_helpers as rh
from rnn_helpers import gates, numpy_rnn

matplotlib.use("Agg")


def built(layer, features):
    layer.build((None, None, features))
    return layer


# --- conversion ---------------------------------------------------------------------------------------------


def test_lstm_weights_round_trip_through_keras():
    params = gates.random_params("LSTM", 3, 5, seed=1)
    layer = built(keras.layers.LSTM(5), 3)
    layer.set_weights(gates.lstm_params_to_keras(params))
    back = gates.lstm_params_from_keras(layer)
    assert sorted(back) == sorted(numpy_rnn.lstm_param_names())
    for name, value in params.items():
        assert_allclose(back[name], value, atol=1e-7)


def test_lstm_from_keras_cuts_blocks_in_order_i_f_c_o():
    layer = built(keras.layers.LSTM(2), 1)
    kernel, recurrent_kernel, bias = layer.get_weights()
    layer.set_weights([kernel, recurrent_kernel, np.repeat(np.arange(4.0), 2).astype("float32")])
    params = gates.lstm_params_from_keras(layer)
    assert [params[f"b_{g}"][0] for g in "ifco"] == [0.0, 1.0, 2.0, 3.0]


@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_weights_round_trip_through_keras(reset_after):
    params = gates.random_params("GRU", 2, 4, seed=2, reset_after=reset_after)
    layer = built(keras.layers.GRU(4, reset_after=reset_after), 2)
    layer.set_weights(gates.gru_params_to_keras(params, reset_after=reset_after))
    back = gates.gru_params_from_keras(layer)
    assert sorted(back) == sorted(numpy_rnn.gru_param_names(reset_after))
    for name, value in params.items():
        assert_allclose(back[name], value, atol=1e-7)


def test_gru_reset_after_bias_rows_are_input_then_recurrent():
    layer = built(keras.layers.GRU(2, reset_after=True), 1)
    kernel, recurrent_kernel, _ = layer.get_weights()
    bias = np.stack([np.full(6, 1.0), np.full(6, 2.0)]).astype("float32")
    layer.set_weights([kernel, recurrent_kernel, bias])
    params = gates.gru_params_from_keras(layer)
    assert_allclose(params["b_xz"], 1.0)
    assert_allclose(params["b_hh"], 2.0)


def test_random_params_are_reproducible_and_in_range():
    a = gates.random_params("GRU", 2, 3, seed=5, scale=0.1, reset_after=False)
    b = gates.random_params("GRU", 2, 3, seed=5, scale=0.1, reset_after=False)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert max(np.abs(v).max() for v in a.values()) <= 0.1
    assert a["W_xz"].shape == (2, 3) and a["W_hz"].shape == (3, 3) and a["b_z"].shape == (3,)


# --- parameter counts ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("features, units", [(1, 1), (1, 16), (3, 7), (8, 64)])
@pytest.mark.parametrize("kind, reset_after", [("SimpleRNN", True), ("GRU", True), ("GRU", False), ("LSTM", True)])
def test_param_count_formula_equals_count_params(kind, reset_after, features, units):
    expected = gates.param_count(kind, features, units, reset_after=reset_after)
    assert gates.keras_param_count(kind, features, units, reset_after=reset_after) == expected
    layer = built(getattr(keras.layers, kind)(units, **({"reset_after": reset_after} if kind == "GRU" else {})),
                  features)
    assert layer.count_params() == expected


def test_param_count_ratios():
    assert gates.param_count("GRU", 5, 10, reset_after=False) * 4 == gates.param_count("LSTM", 5, 10) * 3
    assert gates.param_count("SimpleRNN", 5, 10) * 4 == gates.param_count("LSTM", 5, 10)


# --- traces, generation, plots --------------------------------------------------------------------------------


def forecaster(kind, units=4, seed=0):
    keras.utils.set_random_seed(seed)
    model = gates.build_forecaster(kind, units)
    model(np.zeros((1, 1, 1), dtype="float32"))
    return model


def test_lstm_gate_trace_reproduces_the_keras_layer():
    model = forecaster("LSTM", units=5)
    x = np.sin(np.arange(15.0))
    trace = gates.lstm_gate_trace(model.get_layer("lstm"), x)
    H_keras = np.asarray(model.get_layer("lstm")(x[None, :, None].astype("float32")))[0]
    assert_allclose(trace["h"], H_keras, atol=1e-5)
    for g in ("f", "i", "o"):
        assert trace[g].shape == (15, 5) and 0 < trace[g].min() and trace[g].max() < 1
    assert_allclose(trace["h"], trace["o"] * np.tanh(trace["c"]))
    assert trace["x"].shape == (15, 1)


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
    _, g = numpy_rnn.gru_forward(X, gates.gru_params_from_keras(layer))
    assert sorted(means) == ["h_tilde", "r", "z"]
    assert_allclose(means["z"][0], g["z"][:, 0].mean(axis=0))
    assert_allclose(means["r"][1], g["r"][:, 1:].reshape(-1, 3).mean(axis=0))
    fig = gates.plot_gate_traces(gates.gru_gate_trace(layer, X[0]), keys=("z", "r", "h"))
    assert len([ax for ax in fig.axes if ax.images]) == 3
    with pytest.raises(ValueError, match="key in keys must be one of"):
        gates.plot_gate_traces(gates.gru_gate_trace(layer, X[0]), keys=("f",))
    with pytest.raises(TypeError, match="must be a keras.layers.GRU"):
        gates.gru_gate_trace(keras.layers.LSTM(3), X[0])
    with pytest.raises(ValueError, match="x must be one sequence"):
        gates.gru_gate_trace(layer, X)


@pytest.mark.parametrize("kind", gates.KINDS)
def test_generation_feeds_back_its_own_forecasts_for_every_kind(kind):
    model = forecaster(kind)
    warmup = np.sin(np.arange(10.0))
    generated = rh.stateful.generate(model, warmup, 6)
    # teacher forcing on [warmup, generated] must reproduce the generated values
    inputs = np.concatenate([warmup, generated[:-1]])[None, :, None].astype("float32")
    predicted = np.asarray(model(inputs))[0, :, 0]
    assert_allclose(generated, predicted[len(warmup) - 1:], atol=1e-5)


def test_gate_means_by_mask_matches_a_direct_average():
    model = forecaster("LSTM", units=3)
    layer = model.get_layer("lstm")
    X = np.random.default_rng(0).normal(size=(4, 6, 1))
    mask = np.zeros((4, 6), dtype=bool)
    mask[:, 2] = True
    means = gates.gate_means_by_mask(layer, X, mask)
    _, _, g = numpy_rnn.lstm_forward(X, gates.lstm_params_from_keras(layer))
    assert_allclose(means["i"][0], g["i"][:, 2].mean(axis=0))
    assert_allclose(means["f"][1], np.concatenate([g["f"][:, :2], g["f"][:, 3:]], axis=1).reshape(-1, 3).mean(axis=0))


def test_plot_gate_traces_draws_one_heat_map_per_key():
    model = forecaster("LSTM", units=3)
    trace = gates.lstm_gate_trace(model.get_layer("lstm"), np.linspace(-1, 1, 12))
    fig = gates.plot_gate_traces(trace, keys=("f", "c"), marks=[3, 7])
    heat_maps = [ax for ax in fig.axes if ax.images]
    assert len(heat_maps) == 2
    assert heat_maps[0].images[0].get_array().shape == (3, 12)  # units down, time across


# --- trainers (tiny settings: these check the plumbing, the claims tests check the results) ----------------


def test_train_sine_forecaster_runs_and_reports():
    result = gates.train_sine_forecaster("GRU", units=4, epochs=8, seed=1, progress=False)
    assert len(result["losses"]) == 8 and result["params"] == gates.param_count("GRU", 1, 4)
    assert result["seconds_per_epoch"] > 0 and result["generated"].shape == (36,)
    assert result["mse_36"] == pytest.approx(np.mean((result["generated"] - result["expected"]) ** 2))
    assert_allclose(result["expected"], np.sin(np.arange(36, 72)))


def test_a_race_trains_each_model_exactly_as_it_would_be_trained_alone():
    race = gates.race_sine(("LSTM", "SimpleRNN"), units=3, epochs=6, seed=2, progress=False)
    alone = gates.train_sine_forecaster("SimpleRNN", units=3, epochs=6, seed=2, progress=False)
    assert np.array_equal(race["SimpleRNN"]["losses"], alone["losses"])
    assert np.array_equal(race["SimpleRNN"]["generated"], alone["generated"])
    race = gates.race_memory(("GRU", "LSTM"), length=6, units=3, epochs=3, n_train=100, batch_size=32,
                             seed=3, progress=False)
    alone = gates.train_memory("LSTM", length=6, units=3, epochs=3, n_train=100, batch_size=32, seed=3,
                               progress=False)
    assert np.array_equal(race["LSTM"]["losses"], alone["losses"])
    assert race["LSTM"]["r2"] == alone["r2"]


def test_train_memory_runs_and_reports():
    result = gates.train_memory("SimpleRNN", task="recall_first", length=5, units=4, epochs=2, n_train=64, batch_size=32,
                                progress=False)
    assert len(result["losses"]) == 2 and result["seconds_per_epoch"] > 0
    assert result["params"] == gates.param_count("SimpleRNN", 1, 4)
    assert result["r2"] <= 1.0


# --- bad input ------------------------------------------------------------------------------------------------


def test_conversion_rejects_bad_input():
    with pytest.raises(TypeError, match="must be a keras.layers.LSTM"):
        gates.lstm_params_from_keras(keras.layers.GRU(3))
    with pytest.raises(ValueError, match="must be built"):
        gates.lstm_params_from_keras(keras.layers.LSTM(3))
    with pytest.raises(TypeError, match="must be a keras.layers.GRU"):
        gates.gru_params_from_keras("GRU")
    with pytest.raises(ValueError, match="use_bias=False"):
        gates.gru_params_from_keras(built(keras.layers.GRU(2, use_bias=False), 1))
    with pytest.raises(TypeError, match="params must be a dict"):
        gates.lstm_params_to_keras([1, 2, 3])
    with pytest.raises(ValueError, match="missing"):
        gates.lstm_params_to_keras({"W_xi": np.zeros((1, 2))})
    with pytest.raises(TypeError, match="reset_after must be True or False"):
        gates.gru_params_to_keras(gates.random_params("GRU", 1, 2), reset_after=1)
    with pytest.raises(ValueError, match="missing.*check reset_after"):
        gates.gru_params_to_keras(gates.random_params("GRU", 1, 2, reset_after=True), reset_after=False)


def test_counts_and_builders_reject_bad_input():
    with pytest.raises(ValueError, match="kind must be one of"):
        gates.random_params("RNN", 1, 2)
    with pytest.raises(ValueError, match="units must be >= 1"):
        gates.random_params("LSTM", 1, 0)
    with pytest.raises(ValueError, match="scale must be > 0"):
        gates.random_params("LSTM", 1, 2, scale=0)
    with pytest.raises(TypeError, match="kind must be a string"):
        gates.param_count(3, 1, 2)
    with pytest.raises(TypeError, match="features must be an int"):
        gates.param_count("GRU", 1.5, 2)
    with pytest.raises(ValueError, match="features must be >= 1"):
        gates.keras_param_count("LSTM", 0, 2)
    with pytest.raises(ValueError, match="kind must be one of"):
        gates.build_layer("Elman", 2)
    with pytest.raises(TypeError, match="return_sequences must be True or False"):
        gates.build_layer("LSTM", 2, return_sequences="yes")
    with pytest.raises(ValueError, match="kind must be one of"):
        gates.build_forecaster("lstm")


def test_traces_and_generation_reject_bad_input():
    model = forecaster("LSTM", units=3)
    layer = model.get_layer("lstm")
    with pytest.raises(ValueError, match="x must be one sequence"):
        gates.lstm_gate_trace(layer, np.zeros((2, 5, 1)))
    with pytest.raises(ValueError, match="h0 must have shape"):
        gates.lstm_gate_trace(layer, np.zeros(5), h0=np.zeros(4))
    X = np.zeros((2, 5, 1))
    with pytest.raises(TypeError, match="mask must be an array of booleans"):
        gates.gate_means_by_mask(layer, X, np.zeros((2, 5)))
    with pytest.raises(ValueError, match="mask must have shape"):
        gates.gate_means_by_mask(layer, X, np.zeros((2, 4), dtype=bool))
    with pytest.raises(ValueError, match="on at some steps and off at others"):
        gates.gate_means_by_mask(layer, X, np.ones((2, 5), dtype=bool))
    trace = gates.lstm_gate_trace(layer, np.zeros(5))
    with pytest.raises(ValueError, match="key in keys must be one of"):
        gates.plot_gate_traces(trace, keys=("forget",))
    with pytest.raises(ValueError, match="input_labels must be a list of 1"):
        gates.plot_gate_traces(trace, input_labels=("value", "marker"))
    with pytest.raises(TypeError, match="trace must be the dict"):
        gates.plot_gate_traces([1, 2])


def test_trainers_reject_bad_input_before_training():
    with pytest.raises(ValueError, match="epochs must be >= 2"):
        gates.train_sine_forecaster("LSTM", epochs=1)
    with pytest.raises(TypeError, match="progress must be True or False"):
        gates.train_sine_forecaster("LSTM", progress=None)
    with pytest.raises(ValueError, match="learning_rate must be > 0"):
        gates.train_sine_forecaster("GRU", learning_rate=-0.1)
    with pytest.raises(ValueError, match="task must be one of"):
        gates.train_memory("GRU", task="copy")
    with pytest.raises(ValueError, match="length must be >= 2"):
        gates.train_memory("GRU", length=1)
    with pytest.raises(TypeError, match="seed must be an int"):
        gates.train_memory("LSTM", seed=0.5)
    with pytest.raises(TypeError, match="progress must be True or False"):
        gates.train_memory("LSTM", progress="no")
    with pytest.raises(TypeError, match="kinds must be a tuple"):
        gates.race_sine("LSTM")
    with pytest.raises(ValueError, match="kinds must name at least one"):
        gates.race_memory(())
    with pytest.raises(ValueError, match="kinds must not repeat"):
        gates.race_memory(("GRU", "GRU"))
    with pytest.raises(ValueError, match="each kind must be one of"):
        gates.race_sine(("GRU", "Elman"))
