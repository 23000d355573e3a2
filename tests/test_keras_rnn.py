"""rnn_helpers.keras_rnn: the Keras JordanCell, the layer builder and every numpy<->Keras weight copy (notebook 02)."""

import keras
import numpy as np
import pytest

from random_weights import parity_params

from rnn_helpers import cells, keras_rnn, numpy_rnn

SHAPES = [(1, 1, 1, 1, 1), (3, 5, 2, 4, 1), (2, 9, 3, 6, 2), (5, 4, 1, 16, 3)]  # batch, time, features, units, outputs
DTYPES = [("float64", 1e-12), ("float32", 1e-6)]


def as_numpy(tensor):
    return keras.ops.convert_to_numpy(tensor)


def numpy_outputs(cell, X, params, reset_after=True):
    """The output sequence of the numpy cell: what the Keras layer returns with return_sequences=True."""
    if cell == "elman":
        return numpy_rnn.elman_forward(X, params)
    if cell == "jordan":
        return numpy_rnn.jordan_forward(X, params)[0]
    if cell == "lstm":
        return numpy_rnn.lstm_forward(X, params)[0]
    return numpy_rnn.gru_forward(X, params, reset_after=reset_after)[0]


def rounded(array, dtype):
    """`array` rounded to `dtype` and back to float64."""
    return array.astype(dtype).astype(np.float64)


def random_cell_params(cell, features, units, outputs, seed, reset_after=True):
    if cell == "elman":
        return parity_params("elman", features, units, seed=seed)
    if cell == "jordan":
        return parity_params("jordan", features, units, outputs, seed=seed)
    return numpy_rnn.random_params(numpy_rnn.param_names(cell, reset_after), features, units, seed=seed)


CELLS = [("elman", True), ("jordan", True), ("lstm", True), ("gru", True), ("gru", False)]


@pytest.mark.parametrize("cell, reset_after", CELLS)
@pytest.mark.parametrize("batch, time, features, units, outputs", SHAPES)
@pytest.mark.parametrize("dtype, tolerance", DTYPES)
def test_keras_layer_matches_numpy_cell(cell, reset_after, batch, time, features, units, outputs, dtype, tolerance):
    params = random_cell_params(cell, features, units, outputs, seed=batch * 100 + units, reset_after=reset_after)
    X = np.random.default_rng(7).normal(size=(batch, time, features))
    # both sides start from the same (rounded) numbers, so only the arithmetic's precision differs
    X, params = rounded(X, dtype), {name: rounded(w, dtype) for name, w in params.items()}
    expected = numpy_outputs(cell, X, params, reset_after)
    layer = keras_rnn.layer_from_numpy(cell, params, reset_after=reset_after, dtype=dtype)
    assert keras_rnn.cell_of(layer) == cell
    np.testing.assert_allclose(as_numpy(layer(X.astype(dtype))), expected, rtol=tolerance, atol=tolerance)
    last = keras_rnn.layer_from_numpy(cell, params, return_sequences=False, reset_after=reset_after, dtype=dtype)
    np.testing.assert_allclose(as_numpy(last(X.astype(dtype))), expected[:, -1], rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("cell, reset_after", CELLS)
def test_params_round_trip_through_keras_exactly(cell, reset_after):
    params = random_cell_params(cell, 3, 4, 2, seed=5, reset_after=reset_after)
    layer = keras_rnn.layer_from_numpy(cell, params, reset_after=reset_after, dtype="float64")
    for got, want in zip(layer.get_weights(), keras_rnn.params_to_keras(cell, params, reset_after, "float64")):
        np.testing.assert_array_equal(got, want)
    back = keras_rnn.params_from_keras(layer)
    assert tuple(back) == numpy_rnn.param_names(cell, reset_after)
    for name in params:
        assert back[name].dtype == np.float64
        np.testing.assert_array_equal(back[name], params[name], err_msg=name)


@pytest.mark.parametrize("cell, reset_after", CELLS)
def test_float32_conversion_rounds_each_weight_once(cell, reset_after):
    params = random_cell_params(cell, 2, 3, 1, seed=6, reset_after=reset_after)
    weights = keras_rnn.params_to_keras(cell, params, reset_after=reset_after)
    assert all(w.dtype == np.float32 for w in weights)
    layer = keras_rnn.layer_from_numpy(cell, params, reset_after=reset_after)
    back = keras_rnn.params_from_keras(layer)
    for name in params:
        np.testing.assert_array_equal(back[name], params[name].astype(np.float32).astype(np.float64), err_msg=name)


@pytest.mark.parametrize("cell", keras_rnn.FUSED_CELLS)
def test_params_from_fused_cuts_blocks_in_keras_gate_order(cell):
    features, units, gate_order = 2, 3, cells.get(cell).gates
    blocks = len(gate_order)
    # every column holds its gate's index, so a block from the wrong gate shows at once
    column_gate = np.repeat(np.arange(blocks), units).astype(float)
    kernel = np.tile(column_gate, (features, 1))
    recurrent = np.tile(column_gate, (units, 1)) + 10
    bias = column_gate + 20
    p = keras_rnn.params_from_fused(cell, kernel, recurrent, bias)
    assert set(p) == set(numpy_rnn.param_names(cell, reset_after=False))
    for k, gate in enumerate(gate_order):
        np.testing.assert_array_equal(p[f"W_x{gate}"], np.full((features, units), k))
        np.testing.assert_array_equal(p[f"W_h{gate}"], np.full((units, units), k + 10))
        np.testing.assert_array_equal(p[f"b_{gate}"], np.full(units, k + 20))


def test_params_from_fused_splits_the_two_gru_biases_by_row():
    units = 2
    bias = np.stack([np.arange(6.0), 100 + np.arange(6.0)])  # row 0: input part, row 1: recurrent part
    p = keras_rnn.params_from_fused("gru", np.zeros((1, 6)), np.zeros((units, 6)), bias)
    assert set(p) == set(numpy_rnn.param_names("gru", reset_after=True))
    np.testing.assert_array_equal(p["b_xr"], [2.0, 3.0])
    np.testing.assert_array_equal(p["b_hh"], [104.0, 105.0])


@pytest.mark.parametrize("cell, reset_after", [("lstm", True), ("gru", True), ("gru", False)])
def test_params_from_fused_inverts_params_to_keras(cell, reset_after):
    params = random_cell_params(cell, 2, 3, 1, seed=8, reset_after=reset_after)
    back = keras_rnn.params_from_fused(cell, *keras_rnn.params_to_keras(cell, params, reset_after, dtype="float64"))
    assert set(back) == set(params)
    for name in params:
        np.testing.assert_array_equal(back[name], params[name], err_msg=name)


@pytest.mark.parametrize("cell, reset_after", CELLS)
def test_build_layer_makes_the_layer_the_numpy_cell_names(cell, reset_after):
    layer = keras_rnn.build_layer(cell, 5, return_sequences=True, reset_after=reset_after, output_units=2)
    out = layer(np.zeros((3, 4, 2), dtype="float32"))
    assert keras_rnn.cell_of(layer) == cell and layer.name == cell
    assert tuple(out.shape) == (3, 4, 2 if cell == "jordan" else 5)
    names = numpy_rnn.param_names(cell, reset_after)
    assert tuple(keras_rnn.params_from_keras(layer)) == names
    if cell == "gru":
        assert layer.reset_after is reset_after
    float64 = keras_rnn.build_layer(cell, 2, dtype="float64", name="my_layer")
    float64.build((None, None, 1))
    assert float64.name == "my_layer" and all(w.dtype == "float64" for w in float64.weights)


def test_jordan_cell_starts_from_a_given_output():
    params = parity_params("jordan", 2, 5, 2, seed=8)
    rng = np.random.default_rng(8)
    X, y0 = rng.normal(size=(3, 6, 2)), rng.normal(size=(3, 2))
    layer = keras_rnn.layer_from_numpy("jordan", params, dtype="float64")
    Y, _ = numpy_rnn.jordan_forward(X, params, y0=y0)
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
    p = parity_params("jordan", 1, 3, 1, seed=9)
    cell = keras_rnn.JordanCell(3, output_activation="tanh", dtype="float64")
    layer = keras.layers.RNN(cell, return_sequences=True, dtype="float64")
    layer.build((None, None, 1))
    layer.set_weights(keras_rnn.params_to_keras("jordan", p, dtype="float64"))
    X = np.random.default_rng(9).normal(size=(2, 5, 1))
    y, expected = np.zeros((2, 1)), []
    for t in range(5):
        y = np.tanh(np.tanh(X[:, t] @ p["W_xh"] + y @ p["W_yh"] + p["b_h"]) @ p["W_hy"] + p["b_y"])
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
    saved, restored = keras_rnn.params_from_keras(model.layers[0]), keras_rnn.params_from_keras(loaded.layers[0])
    for name in numpy_rnn.param_names("jordan"):
        np.testing.assert_array_equal(restored[name], saved[name], err_msg=name)


def test_jordan_cell_gradients_match_finite_differences_of_numpy_forward():
    import tensorflow as tf

    from rnn_helpers.bptt import numerical_gradients, relative_error

    params = parity_params("jordan", 2, 4, 2, seed=10)
    rng = np.random.default_rng(10)
    X, R = rng.normal(size=(3, 5, 2)), rng.normal(size=(3, 5, 2))  # loss = sum(Y * R)
    layer = keras_rnn.layer_from_numpy("jordan", params, dtype="float64")
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(X) * R)
    tape_grads = dict(zip(numpy_rnn.param_names("jordan"), (as_numpy(g) for g in tape.gradient(loss, layer.weights))))
    numeric = numerical_gradients(lambda p: np.sum(numpy_rnn.jordan_forward(X, p)[0] * R), params, eps=1e-6)
    assert relative_error(tape_grads, numeric) < 1e-7


def test_cell_of_tells_a_plain_rnn_from_a_jordan_rnn():
    plain = keras.layers.RNN(keras.layers.SimpleRNNCell(2))
    plain.build((None, None, 1))
    with pytest.raises(TypeError, match="RNN\\(JordanCell\\)"):
        keras_rnn.cell_of(plain)
    with pytest.raises(TypeError, match="must be a keras.layers.SimpleRNN"):
        keras_rnn.cell_of(keras.layers.Dense(2))
    with pytest.raises(ValueError, match="must be built"):
        keras_rnn.cell_of(keras.layers.LSTM(2))


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


ELMAN_OK = {"W_xh": np.zeros((1, 2)), "W_hh": np.zeros((2, 2)), "b_h": np.zeros(2)}
JORDAN_OK = {"W_xh": np.zeros((1, 2)), "W_yh": np.zeros((1, 2)), "b_h": np.zeros(2),
             "W_hy": np.zeros((2, 1)), "b_y": np.zeros(1)}


@pytest.mark.parametrize(
    "arguments, error, match",
    [
        ({"params": {**ELMAN_OK, "W_hh": np.zeros((3, 3))}}, ValueError, r"W_hh must have shape \(2, 2\)"),
        ({"params": {**ELMAN_OK, "b_h": np.zeros(4)}}, ValueError, r"b_h must have shape \(2,\)"),
        ({"params": {**ELMAN_OK, "W_xh": np.zeros(2)}}, ValueError, "W_xh must be 2-D"),
        ({"dtype": "float16"}, ValueError, "dtype must be one of"),
        ({"return_sequences": "yes"}, TypeError, "return_sequences must be True or False"),
        ({"cell": "jordan", "params": {**JORDAN_OK, "W_yh": np.zeros((2, 2))}}, ValueError,
         r"W_yh must have shape \(1, 2\)"),
        ({"cell": "jordan", "params": {**JORDAN_OK, "W_hy": np.zeros((3, 1))}}, ValueError,
         r"W_hy must have shape \(2, 1\)"),
        ({"cell": "jordan", "params": {**JORDAN_OK, "b_h": [np.nan, 0.0]}}, ValueError, "finite"),
        ({"cell": "jordan", "params": JORDAN_OK, "dtype": 32}, TypeError, "dtype must be a string"),
        ({"cell": "gru", "params": numpy_rnn.random_params(numpy_rnn.param_names("gru"), 1, 2), "reset_after": False},
         ValueError, "check reset_after"),
        ({"cell": "rnn"}, ValueError, "cell must be one of"),
        ({"params": None}, TypeError, "params must be a dict"),
    ],
)
def test_layer_from_numpy_rejects_bad_input(arguments, error, match):
    with pytest.raises(error, match=match):
        keras_rnn.layer_from_numpy(**{"cell": "elman", "params": ELMAN_OK, **arguments})


@pytest.mark.parametrize(
    "arguments, error, match",
    [
        ({"cell": "rnn"}, ValueError, "cell must be one of"),
        ({"cell": "lstm", "kernel": np.zeros((1, 8)), "recurrent_kernel": np.zeros((2, 6))}, ValueError,
         r"recurrent_kernel must have shape \(2, 8\)"),
        ({"kernel": np.zeros((1, 5))}, ValueError, r"kernel must have shape \(1, 6\)"),
        ({"bias": np.zeros(5)}, ValueError, r"bias must have shape \(6,\)"),
        ({"bias": np.zeros((2, 5))}, ValueError, r"bias must have shape \(2, 6\)"),
        ({"kernel": "W"}, TypeError, "kernel must be an array of numbers"),
    ],
)
def test_params_from_fused_rejects_bad_input(arguments, error, match):
    ok = {"cell": "gru", "kernel": np.zeros((1, 6)), "recurrent_kernel": np.zeros((2, 6)), "bias": np.zeros(6)}
    with pytest.raises(error, match=match):
        keras_rnn.params_from_fused(**{**ok, **arguments})
