"""rnn_helpers.min_gru: the Keras minGRU layer equals the numpy loop, and the memory runs train and report."""

import keras
import numpy as np
import pytest
from test_linear_recurrence import random_min_gru

import rnn_helpers as rh
from rnn_helpers import linear_recurrence as lr
from rnn_helpers import min_gru


def test_keras_layer_equals_the_numpy_loop_in_float64_and_builds_a_model_with_a_static_shape():
    X, p = random_min_gru(time=33)
    inputs = keras.Input(shape=(33, 3), dtype="float64")
    layer = min_gru.MinGRU(5, dtype="float64")
    model = keras.Model(inputs, layer(inputs))
    layer.set_weights([p["W_xz"], p["b_z"], p["W_xh"], p["b_h"]])
    assert model.output_shape == (None, 33, 5) and layer.supports_jit is False
    np.testing.assert_allclose(np.asarray(model(X)), lr.min_gru_forward(X, p), atol=1e-12)
    last = keras.Model(inputs, min_gru.MinGRU(5, return_sequences=False, dtype="float64")(inputs))
    last.set_weights(model.get_weights())
    np.testing.assert_allclose(np.asarray(last(X)), lr.min_gru_forward(X, p)[:, -1], atol=1e-12)
    clone = min_gru.MinGRU.from_config(layer.get_config())
    assert (clone.units, clone.return_sequences) == (5, True)


def test_the_min_gru_layer_on_the_fallback_equals_the_loop(monkeypatch):
    import tensorflow as tf

    monkeypatch.setattr(lr, "keras_scan_traces", lambda: False)  # as on Keras 3.13 with TensorFlow
    X, p = random_min_gru(time=33)
    inputs = keras.Input(shape=(33, 3), dtype="float64")
    layer = min_gru.MinGRU(5, dtype="float64")
    model = keras.Model(inputs, layer(inputs))
    layer.set_weights([p["W_xz"], p["b_z"], p["W_xh"], p["b_h"]])
    assert model.output_shape == (None, 33, 5)
    in_a_graph = tf.function(model)(tf.constant(X))
    np.testing.assert_allclose(np.asarray(in_a_graph), lr.min_gru_forward(X, p), atol=1e-12)


@pytest.mark.slow  # traces and trains a Keras model: make test
def test_keras_layer_trains_in_a_graph_and_falls_back_from_xla():
    model = min_gru.build_memory_model("mingru", 12, 2, units=4, layers=2)
    with pytest.warns(UserWarning, match="jit_compile"):  # the scan cannot compile under XLA: Keras falls back
        model.compile(optimizer="adam", loss="mse", jit_compile=True)
    X, y = rh.data.adding_problem(64, 12, seed=0)
    history = model.fit(X, y, epochs=2, verbose=0)
    assert np.all(np.isfinite(history.history["loss"])) and model.output_shape == (None, 1)


@pytest.mark.slow  # trains for about a second: make test
def test_memory_run_learns_parity_with_a_gru_and_reports_its_settings():
    result = min_gru.memory_run("gru", "parity", 4, units=8, n_test=128)
    assert result["score"] > 0.9 and result["params"] == rh.gates.param_count("gru", 1, 8)
    assert (result["cell"], result["task"], result["length"], len(result["losses"])) == ("gru", "parity", 4, 10)


@pytest.mark.parametrize("call, error, match", [
    (lambda: min_gru.memory_run("elman", "parity", 4), ValueError, "must be one of"),
    (lambda: min_gru.memory_data("copy", 4, 4), ValueError, "must be one of"),
    (lambda: min_gru.build_memory_model("gru", 8, 1, layers=0), ValueError, ">= 1"),
    (lambda: min_gru.MinGRU(0), ValueError, ">= 1"),
    (lambda: min_gru.MinGRU(4)(keras.Input(shape=(None, 2))), ValueError, "fixed time length"),
    (lambda: min_gru.not_there, AttributeError, "not_there"),
])
def test_bad_input_is_explained(call, error, match):
    with pytest.raises(error, match=match):
        call()
