"""Recurrent cells written from scratch in numpy (forward passes).

Introduced in notebook 02 (Elman, Jordan). Batch first everywhere: inputs `(batch, time, features)`,
states `(batch, units)`, row vectors `x @ W` — the Keras kernel layout `(input_dim, units)`, so weights
copy straight between numpy and Keras.
"""

import numpy as np

from ._validation import check_array


def _check_sequence_and_weights(X, weights):
    """Validate a batch of sequences and the named weight arrays; return them as float64 arrays."""
    X = check_array("X", X, ndim=3)
    checked = {}
    for name, (value, ndim) in weights.items():
        checked[name] = check_array(name, value, ndim=ndim)
    return X, checked


def _check_shape(name, array, expected):
    if array.shape != expected:
        raise ValueError(f"{name} must have shape {expected}, got {array.shape}. Check the sizes of the other weights.")


def elman_step(x_t, h_prev, W_xh, W_hh, b_h):
    """One Elman step: the new hidden state from this input and the previous hidden state.

    h_t = tanh(x_t W_xh + h_{t-1} W_hh + b_h)
    """
    return np.tanh(x_t @ W_xh + h_prev @ W_hh + b_h)


def elman_forward(X, W_xh, W_hh, b_h, h0=None):
    """Run an Elman cell over a batch of sequences; same maths as `keras.layers.SimpleRNN`.

    Introduced in notebook 02.

    Args:
        X: inputs, `(batch, time, features)`.
        W_xh: input kernel, `(features, units)` (Keras: `kernel`).
        W_hh: recurrent kernel, `(units, units)` (Keras: `recurrent_kernel`).
        b_h: bias, `(units,)`.
        h0: initial state, `(batch, units)`; zeros if None.

    Returns:
        H, the hidden state at every step, `(batch, time, units)`.
    """
    X, w = _check_sequence_and_weights(X, {"W_xh": (W_xh, 2), "W_hh": (W_hh, 2), "b_h": (b_h, 1)})
    batch, time, features = X.shape
    units = w["W_hh"].shape[0]
    _check_shape("W_xh", w["W_xh"], (features, units))
    _check_shape("W_hh", w["W_hh"], (units, units))
    _check_shape("b_h", w["b_h"], (units,))
    h = np.zeros((batch, units)) if h0 is None else check_array("h0", h0, ndim=2)
    _check_shape("h0", h, (batch, units))
    H = np.empty((batch, time, units))
    for t in range(time):
        h = elman_step(X[:, t], h, w["W_xh"], w["W_hh"], w["b_h"])
        H[:, t] = h
    return H


def jordan_step(x_t, y_prev, W_xh, W_yh, b_h, W_hy, b_y):
    """One Jordan step: the hidden layer sees this input and the previous *output*.

    h_t = tanh(x_t W_xh + y_{t-1} W_yh + b_h)
    y_t = h_t W_hy + b_y

    Returns:
        `(y_t, h_t)`.
    """
    h_t = np.tanh(x_t @ W_xh + y_prev @ W_yh + b_h)
    y_t = h_t @ W_hy + b_y
    return y_t, h_t


def jordan_forward(X, W_xh, W_yh, b_h, W_hy, b_y, y0=None):
    """Run a Jordan cell over a batch of sequences; the output of each step is fed back to the next.

    Introduced in notebook 02. The output layer is part of the cell, because its value is the state.

    Args:
        X: inputs, `(batch, time, features)`.
        W_xh: input kernel, `(features, units)`.
        W_yh: output-feedback kernel, `(outputs, units)`.
        b_h: hidden bias, `(units,)`.
        W_hy: output kernel, `(units, outputs)`.
        b_y: output bias, `(outputs,)`.
        y0: initial fed-back output, `(batch, outputs)`; zeros if None.

    Returns:
        `(Y, H)`: outputs `(batch, time, outputs)` and hidden states `(batch, time, units)`.
    """
    X, w = _check_sequence_and_weights(
        X, {"W_xh": (W_xh, 2), "W_yh": (W_yh, 2), "b_h": (b_h, 1), "W_hy": (W_hy, 2), "b_y": (b_y, 1)}
    )
    batch, time, features = X.shape
    units, outputs = w["W_hy"].shape
    _check_shape("W_xh", w["W_xh"], (features, units))
    _check_shape("W_yh", w["W_yh"], (outputs, units))
    _check_shape("b_h", w["b_h"], (units,))
    _check_shape("b_y", w["b_y"], (outputs,))
    y = np.zeros((batch, outputs)) if y0 is None else check_array("y0", y0, ndim=2)
    _check_shape("y0", y, (batch, outputs))
    Y = np.empty((batch, time, outputs))
    H = np.empty((batch, time, units))
    for t in range(time):
        y, h = jordan_step(X[:, t], y, w["W_xh"], w["W_yh"], w["b_h"], w["W_hy"], w["b_y"])
        Y[:, t], H[:, t] = y, h
    return Y, H
