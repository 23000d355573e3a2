"""Self-checks: they pass right answers, fail wrong ones with a hint, survive errors, and never print the answer."""

import re

import numpy as np
import pytest

import rnn_helpers as rh
from rnn_helpers import checks


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# ---- right answers, written independently of the checks module -------------------------------------


def make_windows(series, window):
    return np.stack([series[i : i + window] for i in range(len(series) - window)]), series[window:]


def elman_step(x_t, h_prev, W_xh, W_hh, b_h):
    return np.tanh(x_t @ W_xh + h_prev @ W_hh + b_h)


def jordan_step(x_t, y_prev, W_xh, W_yh, b_h, W_hy, b_y):
    h_t = np.tanh(x_t @ W_xh + y_prev @ W_yh + b_h)
    return h_t @ W_hy + b_y, h_t


def elman_bptt(X, W_xh, W_hh, b_h, dH, truncate=False):
    H = rh.numpy_rnn.elman_forward(X, {"W_xh": W_xh, "W_hh": W_hh, "b_h": b_h})
    batch, time, units = H.shape
    dW_xh, dW_hh, db_h, dh_next = np.zeros_like(W_xh), np.zeros_like(W_hh), np.zeros_like(b_h), np.zeros((batch, units))
    for t in reversed(range(time)):
        da = (1 - H[:, t] ** 2) * (dH[:, t] + (0 if truncate else dh_next))
        h_prev = H[:, t - 1] if t > 0 else np.zeros((batch, units))
        dW_xh += X[:, t].T @ da
        dW_hh += h_prev.T @ da
        db_h += da.sum(axis=0)
        dh_next = da @ W_hh.T
    return dW_xh, dW_hh, db_h


def lstm_step(x_t, h_prev, c_prev, W, U, b, order="ifco"):
    blocks = dict(zip(order, np.split(x_t @ W + h_prev @ U + b, 4, axis=-1)))
    c_t = sigmoid(blocks["f"]) * c_prev + sigmoid(blocks["i"]) * np.tanh(blocks["c"])
    return sigmoid(blocks["o"]) * np.tanh(c_t), c_t


def gru_step(x_t, h_prev, W, U, b, keep_with_z=True):
    (W_z, W_r, W_h), (U_z, U_r, U_h), (b_z, b_r, b_h) = (np.split(a, 3, axis=-1) for a in (W, U, b))
    z = sigmoid(x_t @ W_z + h_prev @ U_z + b_z)
    r = sigmoid(x_t @ W_r + h_prev @ U_r + b_r)
    h_tilde = np.tanh(x_t @ W_h + (r * h_prev) @ U_h + b_h)
    return z * h_prev + (1 - z) * h_tilde if keep_with_z else (1 - z) * h_prev + z * h_tilde


def train_stateful(model, x, y, epochs, reset_first=False, shuffle=False):
    losses = []
    for _ in range(epochs):
        if reset_first:
            model.layers[0].reset_state()
        history = model.fit(x, y, epochs=1, batch_size=1, shuffle=shuffle, verbose=0)
        if not reset_first:
            model.layers[0].reset_state()
        losses.append(history.history["loss"][0])
    return losses


RIGHT = [
    (checks.windows, make_windows),
    (checks.elman_step, elman_step),
    (checks.jordan_step, jordan_step),
    (checks.elman_bptt, elman_bptt),
    (checks.forget_gate, lambda x, h, W, U, b: sigmoid(x @ W + h @ U + b)),
    (checks.lstm_step, lstm_step),
    (checks.gru_step, gru_step),
    (checks.stateful_training, train_stateful),
]

WRONG = [
    (checks.windows, lambda s, w: (s[:-w, None], s[w:]), "window=3: X"),
    (checks.elman_step, lambda x, h, W, U, b: sigmoid(x @ W + h @ U + b), "add the input term"),
    (checks.jordan_step, lambda x, y, Wx, Wy, b, Wo, bo: (np.tanh(np.tanh(x @ Wx + y @ Wy + b) @ Wo + bo),
                                                          np.tanh(x @ Wx + y @ Wy + b)), "no tanh"),
    (checks.elman_bptt, lambda *args: elman_bptt(*args, truncate=True), "dh_next"),
    (checks.forget_gate, lambda x, h, W, U, b: np.tanh(x @ W + h @ U + b), "sigmoid"),
    (checks.lstm_step, lambda *args: lstm_step(*args, order="fico"), "order i, f, c, o"),
    (checks.gru_step, lambda *args: gru_step(*args, keep_with_z=False), "z*h_prev"),
    (checks.stateful_training, lambda *args: train_stateful(*args, reset_first=True), "after each fit"),
    (checks.stateful_training, lambda *args: train_stateful(*args, shuffle=True), "do not shuffle"),
]


@pytest.mark.parametrize("check, fn", RIGHT, ids=lambda v: getattr(v, "__name__", ""))
def test_right_answers_pass(check, fn, capsys):
    assert check(fn) is True
    out = capsys.readouterr().out
    assert "All checks passed." in out and "✗" not in out


@pytest.mark.parametrize("check, fn, hint", WRONG, ids=lambda v: getattr(v, "__name__", ""))
def test_wrong_answers_fail_with_a_hint(check, fn, hint, capsys):
    assert check(fn) is False
    out = capsys.readouterr().out
    assert "✗" in out and hint in out and "Some checks failed" in out


@pytest.mark.parametrize("check", [c for c, _ in RIGHT], ids=lambda c: c.__name__)
def test_a_function_that_raises_gives_a_failing_row_not_an_error(check, capsys):
    def not_done(*args):
        raise NotImplementedError()

    assert check(not_done) is False
    assert "your function raised NotImplementedError" in capsys.readouterr().out


def test_the_table_shows_how_far_off_not_the_expected_values(capsys):
    rng = np.random.default_rng(2)  # the same inputs the check draws for its first row
    x_t, h_prev = rng.normal(size=(1, 1)), rng.normal(size=(1, 1))
    W_xh, W_hh, b_h = (rng.normal(scale=0.5, size=s) for s in ((1, 1), (1, 1), (1,)))
    expected = elman_step(x_t, h_prev, W_xh, W_hh, b_h)
    assert checks.elman_step(lambda x, h, W, U, b: np.zeros((x.shape[0], U.shape[0]))) is False
    out = capsys.readouterr().out
    printed = re.findall(r"-?\d+\.\d+", out)
    # With zeros as the answer the max abs difference is |expected|: only its magnitude is shown, rounded.
    assert f"{abs(expected[0, 0]):.1e}" in out
    assert not any(number in out for number in (f"{expected[0, 0]:.4f}", f"{expected[0, 0]:.3f}")), printed


def test_wrong_shape_is_reported_with_both_shapes(capsys):
    assert checks.elman_step(lambda x, h, W, U, b: (x @ W + h @ U + b).T) is False
    assert "shape (5, 4), expected (4, 5)" in capsys.readouterr().out


def test_a_huge_forget_bias_must_keep_everything(capsys):
    def clipped(x, h, W, U, b):
        return np.minimum(sigmoid(x @ W + h @ U + b), 0.99)  # right on random inputs, wrong when saturated

    assert checks.forget_gate(clipped) is False
    assert "large bias keeps all" in capsys.readouterr().out


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(TypeError, match="must be a function"):
        checks.elman_step(np.zeros(3))
    with pytest.raises(TypeError, match="must be an int"):
        checks.stateful_training(train_stateful, epochs=2.5)
    with pytest.raises(ValueError, match="epochs must be >= 1"):
        checks.stateful_training(train_stateful, epochs=0)


def keras_lstm_step(x_t, h_prev, c_prev, W, U, b):
    """A learner's answer that is Keras' own LSTM cell (float64) holding the fused weights it is given."""
    import keras

    cell = keras.layers.LSTMCell(U.shape[0], dtype="float64")
    cell.build(x_t.shape)
    cell.set_weights([W, U, b])
    _, (h_t, c_t) = cell(x_t, [h_prev, c_prev])
    return keras.ops.convert_to_numpy(h_t), keras.ops.convert_to_numpy(c_t)


def keras_gru_step(x_t, h_prev, W, U, b):
    """A learner's answer that is Keras' own GRU cell (reset_after=False, float64)."""
    import keras

    cell = keras.layers.GRUCell(U.shape[0], reset_after=False, dtype="float64")
    cell.build(x_t.shape)
    cell.set_weights([W, U, b])
    h_t, _ = cell(x_t, h_prev)
    return keras.ops.convert_to_numpy(h_t)


@pytest.mark.parametrize("check, keras_answer", [(checks.lstm_step, keras_lstm_step), (checks.gru_step, keras_gru_step)],
                         ids=["lstm_step", "gru_step"])
def test_keras_own_cells_pass_the_fused_layout_checks(check, keras_answer, capsys):
    # The checks' references are the package's cells: Keras' cells must pass them to 1e-6.
    assert check(keras_answer) is True
    assert "All checks passed." in capsys.readouterr().out
