"""The numpy LSTM and GRU cells of notebooks 04-05: parity with Keras, what the gates do, gradients, bad input."""

import keras
import numpy as np
import pytest
from numpy.testing import assert_allclose

from rnn_helpers import bptt, keras_rnn, numpy_rnn

SHAPES = [(1, 1, 1, 1), (3, 7, 2, 5), (4, 12, 3, 8)]  # batch, time, features, units


def random_params(cell, features, units, seed=0, reset_after=True):
    return numpy_rnn.random_params(numpy_rnn.param_names(cell, reset_after), features, units, seed=seed)


def keras_layer(cell, features, units, params, reset_after=True):
    """A float64 Keras layer of `cell` that returns sequences and states, loaded with `params`."""
    if cell == "lstm":
        layer = keras.layers.LSTM(units, return_sequences=True, return_state=True, dtype="float64")
    else:
        layer = keras.layers.GRU(units, reset_after=reset_after, return_sequences=True, return_state=True,
                                 dtype="float64")
    layer.build((None, None, features))
    layer.set_weights(keras_rnn.params_to_keras(cell, params, reset_after=reset_after, dtype="float64"))
    return layer


@pytest.mark.parametrize("batch, time, features, units", SHAPES)
def test_lstm_forward_equals_keras_lstm(batch, time, features, units):
    rng = np.random.default_rng(units)
    X = rng.normal(size=(batch, time, features))
    h0, c0 = rng.normal(size=(batch, units)), rng.normal(size=(batch, units))
    params = random_params("lstm", features, units, seed=time)
    H, C, _ = numpy_rnn.lstm_forward(X, params, h0=h0, c0=c0)
    layer = keras_layer("lstm", features, units, params)
    H_keras, h_last, c_last = layer(X, initial_state=[h0, c0])
    assert_allclose(H, np.asarray(H_keras), rtol=1e-12, atol=1e-12)
    assert_allclose(H[:, -1], np.asarray(h_last), rtol=1e-12, atol=1e-12)
    assert_allclose(C[:, -1], np.asarray(c_last), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("batch, time, features, units", SHAPES)
def test_gru_forward_equals_keras_gru_in_both_forms(batch, time, features, units, reset_after):
    rng = np.random.default_rng(units + 1)
    X = rng.normal(size=(batch, time, features))
    h0 = rng.normal(size=(batch, units))
    params = random_params("gru", features, units, seed=time, reset_after=reset_after)
    H, _ = numpy_rnn.gru_forward(X, params, h0=h0, reset_after=reset_after)
    layer = keras_layer("gru", features, units, params, reset_after=reset_after)
    H_keras, h_last = layer(X, initial_state=[h0])
    assert_allclose(H, np.asarray(H_keras), rtol=1e-12, atol=1e-12)
    assert_allclose(H[:, -1], np.asarray(h_last), rtol=1e-12, atol=1e-12)


def test_the_two_gru_forms_differ():
    # Same weights apart from the biases' layout: the reset gate acts at a different place.
    params = random_params("gru", 2, 4, seed=3, reset_after=False)
    after = {k: v for k, v in params.items() if k.startswith("W")}
    for g in "zrh":
        after[f"b_x{g}"], after[f"b_h{g}"] = params[f"b_{g}"], np.zeros(4)
    X = np.random.default_rng(0).normal(size=(2, 6, 2))
    H_before, _ = numpy_rnn.gru_forward(X, params, reset_after=False)
    H_after, _ = numpy_rnn.gru_forward(X, after, reset_after=True)
    assert np.abs(H_before - H_after).max() > 1e-3


def test_lstm_step_matches_one_step_of_forward():
    params = random_params("lstm", 2, 3, seed=1)
    X = np.random.default_rng(1).normal(size=(2, 1, 2))
    H, C, g = numpy_rnn.lstm_forward(X, params)
    h, c, g_step = numpy_rnn.lstm_step(X[:, 0], np.zeros((2, 3)), np.zeros((2, 3)), params)
    assert_allclose(H[:, 0], h)
    assert_allclose(C[:, 0], c)
    for name in ("f", "i", "c_tilde", "o"):
        assert_allclose(g[name][:, 0], g_step[name])


def test_open_forget_gate_and_closed_input_gate_keep_the_cell_state():
    params = random_params("lstm", 1, 3, seed=2)
    params["b_f"] = np.full(3, 50.0)  # forget gate f = 1: keep everything
    params["b_i"] = np.full(3, -50.0)  # input gate i = 0: store nothing new
    c0 = np.array([[0.3, -0.7, 1.5]])
    X = np.random.default_rng(2).normal(size=(1, 20, 1))
    _, C, g = numpy_rnn.lstm_forward(X, params, c0=c0)
    assert_allclose(C[0], np.repeat(c0, 20, axis=0), atol=1e-12)
    assert g["f"].min() > 1 - 1e-12 and g["i"].max() < 1e-12


def test_closed_forget_gate_forgets_at_once():
    params = random_params("lstm", 1, 3, seed=2)
    params["b_f"] = np.full(3, -50.0)  # f = 0: the old cell state is wiped
    X = np.random.default_rng(3).normal(size=(1, 5, 1))
    _, C_a, g_a = numpy_rnn.lstm_forward(X, params, c0=np.full((1, 3), 5.0))
    _, C_b, _ = numpy_rnn.lstm_forward(X, params, c0=np.full((1, 3), -5.0))
    # with f = 0 the first cell state is i * c_tilde alone: nothing of c0 = +5 or -5 is left
    assert_allclose(C_a[0, 0], (g_a["i"] * g_a["c_tilde"])[0, 0], atol=1e-12)
    assert_allclose(C_a[0, 0], C_b[0, 0], atol=1e-12)


def test_gru_update_gate_one_keeps_the_state():
    params = random_params("gru", 1, 4, seed=4)
    params["b_xz"] = np.full(4, 50.0)  # z = 1: keep h_{t-1}
    h0 = np.array([[0.1, -0.2, 0.3, -0.4]])
    H, _ = numpy_rnn.gru_forward(np.random.default_rng(4).normal(size=(1, 9, 1)), params, h0=h0)
    assert_allclose(H[0], np.repeat(h0, 9, axis=0), atol=1e-12)


def test_sigmoid_is_stable_and_correct():
    a = np.array([-1000.0, -3.0, 0.0, 2.0, 1000.0])
    with np.errstate(all="raise"):
        s = numpy_rnn.sigmoid(a)
    assert_allclose(s[1:4], 1 / (1 + np.exp(-a[1:4])))
    assert s[0] == 0.0 and s[-1] == 1.0


def test_param_names():
    assert numpy_rnn.param_names("lstm") == tuple(
        name for g in "ifco" for name in (f"W_x{g}", f"W_h{g}", f"b_{g}"))
    assert numpy_rnn.param_names("gru", True)[:4] == ("W_xz", "W_hz", "b_xz", "b_hz")
    assert len(numpy_rnn.param_names("gru", True)) == 12
    assert numpy_rnn.param_names("gru", False)[:3] == ("W_xz", "W_hz", "b_z")
    assert len(numpy_rnn.param_names("gru", False)) == 9


# --- bad input ---------------------------------------------------------------------------------------------


def test_lstm_forward_rejects_bad_input():
    params = random_params("lstm", 2, 3)
    with pytest.raises(ValueError, match="must be 3-D"):
        numpy_rnn.lstm_forward(np.zeros((4, 2)), params)
    with pytest.raises(TypeError, match="params must be a dict"):
        numpy_rnn.lstm_forward(np.zeros((1, 4, 2)), [1, 2])
    with pytest.raises(ValueError, match=r"missing \['W_xi'\]"):
        numpy_rnn.lstm_forward(np.zeros((1, 4, 2)), {k: v for k, v in params.items() if k != "W_xi"})
    with pytest.raises(ValueError, match="W_xi must have shape \\(3, 3\\)"):
        numpy_rnn.lstm_forward(np.zeros((1, 4, 3)), params)
    with pytest.raises(ValueError, match="h0 must have shape \\(1, 3\\)"):
        numpy_rnn.lstm_forward(np.zeros((1, 4, 2)), params, h0=np.zeros((2, 3)))
    with pytest.raises(ValueError, match="c0 must hold only finite"):
        numpy_rnn.lstm_forward(np.zeros((1, 4, 2)), params, c0=np.full((1, 3), np.nan))


def test_gru_forward_rejects_bad_input():
    params = random_params("gru", 2, 3, reset_after=True)
    with pytest.raises(ValueError, match=r"unexpected \['b_z'\]"):
        numpy_rnn.gru_forward(np.zeros((1, 4, 2)), {**params, "b_z": np.zeros(3)}, reset_after=True)
    with pytest.raises(ValueError, match="missing.*check reset_after"):
        numpy_rnn.gru_forward(np.zeros((1, 4, 2)), params, reset_after=False)
    with pytest.raises(TypeError, match="reset_after must be True or False"):
        numpy_rnn.gru_forward(np.zeros((1, 4, 2)), params, reset_after="yes")
    with pytest.raises(ValueError, match="b_xz must have shape \\(3,\\)"):
        numpy_rnn.gru_forward(np.zeros((1, 4, 2)), {**params, "b_xz": np.zeros(4)})


# --- gradients: the numpy cells and Keras are the same function of every weight --------------------------------


@pytest.mark.parametrize("cell, reset_after", [("lstm", True), ("gru", True), ("gru", False)])
def test_finite_differences_of_the_numpy_cell_equal_keras_gradient_tape(cell, reset_after):
    import tensorflow as tf

    features, units = 2, 3
    X = np.random.default_rng(7).normal(size=(2, 4, features))
    target = np.random.default_rng(8).normal(size=(2, 4, units))
    params = random_params(cell, features, units, seed=9, reset_after=reset_after)

    def loss(p):
        if cell == "lstm":
            H = numpy_rnn.lstm_forward(X, p)[0]
        else:
            H = numpy_rnn.gru_forward(X, p, reset_after=reset_after)[0]
        return 0.5 * np.sum((H - target) ** 2)

    numeric = bptt.numerical_gradients(loss, params, eps=1e-6)
    layer = keras_rnn.layer_from_numpy(cell, params, reset_after=reset_after, dtype="float64")
    with tf.GradientTape() as tape:
        keras_loss = 0.5 * tf.reduce_sum((layer(tf.constant(X)) - target) ** 2)
    kernel_grad, recurrent_grad, bias_grad = (np.asarray(g) for g in tape.gradient(keras_loss, layer.weights))
    assert float(keras_loss) == pytest.approx(loss(params), rel=1e-12)
    # cut the fused Keras gradients like the weights and compare weight by weight
    tape_grads = keras_rnn.params_from_fused(cell, kernel_grad, recurrent_grad, bias_grad)
    assert sorted(tape_grads) == sorted(numpy_rnn.param_names(cell, reset_after))
    for name in tape_grads:
        assert_allclose(numeric[name], tape_grads[name], rtol=1e-6, atol=1e-8, err_msg=name)
    assert bptt.relative_error(numeric, tape_grads) < 1e-7
