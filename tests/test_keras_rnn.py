"""rnn_helpers.keras_rnn: the Keras JordanCell, numpy-to-Keras weight copies, generation (notebook 02)."""

import keras
import numpy as np
import pytest

from random_weights import random_jordan

from rnn_helpers import keras_rnn, numpy_rnn

SHAPES = [(1, 1, 1, 1, 1), (3, 5, 2, 4, 1), (2, 9, 3, 6, 2), (5, 4, 1, 16, 3)]  # batch, time, features, units, outputs


def as_numpy(tensor):
    return keras.ops.convert_to_numpy(tensor)


@pytest.mark.parametrize("batch, time, features, units, outputs", SHAPES)
@pytest.mark.parametrize("dtype, tolerance", [("float64", 1e-12), ("float32", 1e-5)])
def test_simple_rnn_matches_numpy_elman(batch, time, features, units, outputs, dtype, tolerance):
    rng = np.random.default_rng(batch * 100 + units)
    X = rng.normal(size=(batch, time, features))
    W_xh = rng.normal(size=(features, units))
    W_hh = rng.normal(scale=0.5, size=(units, units))
    b_h = rng.normal(size=units)
    layer = keras_rnn.simple_rnn_from_numpy(W_xh, W_hh, b_h, dtype=dtype)
    expected = numpy_rnn.elman_forward(X, W_xh, W_hh, b_h)
    np.testing.assert_allclose(as_numpy(layer(X.astype(dtype))), expected, rtol=tolerance, atol=tolerance)
    last = keras_rnn.simple_rnn_from_numpy(W_xh, W_hh, b_h, return_sequences=False, dtype=dtype)
    np.testing.assert_allclose(as_numpy(last(X.astype(dtype))), expected[:, -1], rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("batch, time, features, units, outputs", SHAPES)
@pytest.mark.parametrize("dtype, tolerance", [("float64", 1e-12), ("float32", 1e-5)])
def test_jordan_cell_matches_numpy_jordan(batch, time, features, units, outputs, dtype, tolerance):
    weights = random_jordan(batch * 100 + units, features, units, outputs)
    X = np.random.default_rng(7).normal(size=(batch, time, features))
    layer = keras_rnn.jordan_rnn_from_numpy(*weights, dtype=dtype)
    Y, _ = numpy_rnn.jordan_forward(X, *weights)
    np.testing.assert_allclose(as_numpy(layer(X.astype(dtype))), Y, rtol=tolerance, atol=tolerance)
    last = keras_rnn.jordan_rnn_from_numpy(*weights, return_sequences=False, dtype=dtype)
    np.testing.assert_allclose(as_numpy(last(X.astype(dtype))), Y[:, -1], rtol=tolerance, atol=tolerance)


def test_jordan_cell_starts_from_a_given_output():
    weights = random_jordan(8, 2, 5, 2)
    rng = np.random.default_rng(8)
    X, y0 = rng.normal(size=(3, 6, 2)), rng.normal(size=(3, 2))
    layer = keras_rnn.jordan_rnn_from_numpy(*weights, dtype="float64")
    Y, _ = numpy_rnn.jordan_forward(X, *weights, y0=y0)
    np.testing.assert_allclose(as_numpy(layer(X, initial_state=[y0])), Y, rtol=1e-12, atol=1e-12)


def test_jordan_cell_contract():
    cell = keras_rnn.JordanCell(7, output_units=3)
    assert cell.state_size == 3 and cell.output_size == 3
    layer = keras.layers.RNN(cell, return_sequences=True)
    out = layer(np.zeros((2, 4, 5), dtype="float32"))
    assert tuple(out.shape) == (2, 4, 3)
    shapes = {w.name: tuple(w.shape) for w in cell.weights}
    assert shapes == {
        "kernel": (5, 7), "feedback_kernel": (3, 7), "bias": (7,), "output_kernel": (7, 3), "output_bias": (3,)
    }
    y, states = cell(np.ones((2, 5), dtype="float32"), [np.zeros((2, 3), dtype="float32")])
    assert isinstance(states, list) and len(states) == 1
    np.testing.assert_array_equal(as_numpy(states[0]), as_numpy(y))


def test_jordan_cell_output_activation_is_applied():
    W_xh, W_yh, b_h, W_hy, b_y = random_jordan(9, 1, 3, 1)
    cell = keras_rnn.JordanCell(3, output_activation="tanh", dtype="float64")
    layer = keras.layers.RNN(cell, return_sequences=True, dtype="float64")
    layer.build((None, None, 1))
    for variable, value in zip(layer.cell.weights, (W_xh, W_yh, b_h, W_hy, b_y)):
        variable.assign(value)
    X = np.random.default_rng(9).normal(size=(2, 5, 1))
    y, expected = np.zeros((2, 1)), []
    for t in range(5):
        y = np.tanh(np.tanh(X[:, t] @ W_xh + y @ W_yh + b_h) @ W_hy + b_y)
        expected.append(y)
    np.testing.assert_allclose(as_numpy(layer(X)), np.stack(expected, axis=1), rtol=1e-12, atol=1e-12)


def test_jordan_cell_config_round_trip():
    cell = keras_rnn.JordanCell(6, output_units=2, activation="relu", output_activation="sigmoid", name="my_cell")
    config = cell.get_config()
    assert {k: config[k] for k in ("units", "output_units", "activation", "output_activation", "name")} == {
        "units": 6, "output_units": 2, "activation": "relu", "output_activation": "sigmoid", "name": "my_cell"
    }
    assert keras_rnn.JordanCell.from_config(config).get_config() == config


# Keras' own saving code trips numpy 2's `copy` deprecation; it is not ours to fix.
@pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning")
def test_jordan_model_saves_and_loads_with_identical_outputs(tmp_path):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((None, 2)),
        keras.layers.RNN(keras_rnn.JordanCell(5, output_units=2, output_activation="tanh"), return_sequences=True),
    ])
    path = tmp_path / "jordan.keras"
    model.save(path)
    loaded = keras.models.load_model(path)  # found through register_keras_serializable, no custom_objects
    assert isinstance(loaded.layers[0].cell, keras_rnn.JordanCell)
    X = np.random.default_rng(0).normal(size=(3, 7, 2)).astype("float32")
    np.testing.assert_array_equal(as_numpy(loaded(X)), as_numpy(model(X)))


def test_jordan_cell_gradients_match_finite_differences_of_numpy_forward():
    import tensorflow as tf

    weights = random_jordan(10, 2, 4, 2)
    rng = np.random.default_rng(10)
    X, R = rng.normal(size=(3, 5, 2)), rng.normal(size=(3, 5, 2))  # loss = sum(Y * R)
    layer = keras_rnn.jordan_rnn_from_numpy(*weights, dtype="float64")
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(X) * R)
    grads = tape.gradient(loss, layer.cell.weights)
    eps = 1e-6
    for index, grad in enumerate(grads):
        numeric = np.zeros_like(weights[index])
        for position in np.ndindex(weights[index].shape):
            plus = [w.copy() for w in weights]
            minus = [w.copy() for w in weights]
            plus[index][position] += eps
            minus[index][position] -= eps
            f_plus = np.sum(numpy_rnn.jordan_forward(X, *plus)[0] * R)
            f_minus = np.sum(numpy_rnn.jordan_forward(X, *minus)[0] * R)
            numeric[position] = (f_plus - f_minus) / (2 * eps)
        analytic = as_numpy(grad)
        relative = np.max(np.abs(analytic - numeric)) / max(np.max(np.abs(numeric)), 1e-12)
        assert relative < 1e-7, f"{layer.cell.weights[index].name}: relative error {relative:.1e}"


@pytest.mark.parametrize(
    "arguments, error, match",
    [
        ({"units": 0}, ValueError, "units must be >= 1"),
        ({"units": 2.5}, TypeError, "units must be an int"),
        ({"units": 3, "output_units": 0}, ValueError, "output_units must be >= 1"),
        ({"units": 3, "activation": "nope"}, ValueError, "activation must be a Keras activation name"),
        ({"units": 3, "activation": 3}, TypeError, "activation must be an activation name"),
        ({"units": 3, "activation": None}, TypeError, "activation must be an activation name"),
        ({"units": 3, "output_activation": "nope"}, ValueError, "output_activation must be a Keras activation"),
    ],
)
def test_jordan_cell_rejects_bad_arguments(arguments, error, match):
    with pytest.raises(error, match=match):
        keras_rnn.JordanCell(**arguments)


def test_jordan_cell_needs_known_features():
    with pytest.raises(ValueError, match="known number of input features"):
        keras_rnn.JordanCell(3).build((None, None))


@pytest.mark.parametrize(
    "change, error, match",
    [
        ({"W_hh": np.zeros((3, 3))}, ValueError, r"W_hh must have shape \(2, 2\)"),
        ({"b_h": np.zeros(4)}, ValueError, r"b_h must have shape \(2,\)"),
        ({"W_xh": np.zeros(2)}, ValueError, "W_xh must be 2-D"),
        ({"dtype": "float16"}, ValueError, "dtype must be one of"),
        ({"return_sequences": "yes"}, TypeError, "return_sequences must be True or False"),
    ],
)
def test_simple_rnn_from_numpy_rejects_bad_input(change, error, match):
    arguments = {"W_xh": np.zeros((1, 2)), "W_hh": np.zeros((2, 2)), "b_h": np.zeros(2)}
    with pytest.raises(error, match=match):
        keras_rnn.simple_rnn_from_numpy(**{**arguments, **change})


@pytest.mark.parametrize(
    "change, error, match",
    [
        ({"W_yh": np.zeros((2, 2))}, ValueError, r"W_yh must have shape \(1, 2\)"),
        ({"W_hy": np.zeros((3, 1))}, ValueError, r"W_hy must have shape \(2, 1\)"),
        ({"b_y": np.zeros(2)}, ValueError, r"b_y must have shape \(1,\)"),
        ({"b_h": [np.nan, 0.0]}, ValueError, "finite"),
        ({"dtype": 32}, TypeError, "dtype must be a string"),
    ],
)
def test_jordan_rnn_from_numpy_rejects_bad_input(change, error, match):
    arguments = {
        "W_xh": np.zeros((1, 2)), "W_yh": np.zeros((1, 2)), "b_h": np.zeros(2),
        "W_hy": np.zeros((2, 1)), "b_y": np.zeros(1),
    }
    with pytest.raises(error, match=match):
        keras_rnn.jordan_rnn_from_numpy(**{**arguments, **change})
