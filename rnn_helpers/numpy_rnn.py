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


# ---------------------------------------------------------------------------------------------------------
# LSTM and GRU (notebooks 04 and 05). Weights come as a dict named after the equations, e.g. W_xf, W_hf, b_f
# for the forget gate; `rnn_helpers.gates` copies them to and from the fused Keras weights.
# ---------------------------------------------------------------------------------------------------------

LSTM_GATES = ("i", "f", "c", "o")  # Keras order inside the fused kernel, recurrent kernel and bias
GRU_GATES = ("z", "r", "h")  # Keras order inside the fused GRU weights


def sigmoid(a):
    """The logistic function 1 / (1 + e^-a), written so that large negative `a` does not overflow."""
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def lstm_param_names():
    """The 12 weight names of an LSTM cell, gate by gate: `W_x?` `(features, units)`, `W_h?` `(units, units)`, `b_?`."""
    return [name for g in LSTM_GATES for name in (f"W_x{g}", f"W_h{g}", f"b_{g}")]


def gru_param_names(reset_after=True):
    """The weight names of a GRU cell; `reset_after=True` (the Keras default) has two biases per gate."""
    if reset_after:
        return [name for g in GRU_GATES for name in (f"W_x{g}", f"W_h{g}", f"b_x{g}", f"b_h{g}")]
    return [name for g in GRU_GATES for name in (f"W_x{g}", f"W_h{g}", f"b_{g}")]


def _check_params(params, names, features):
    """Validate a weight dict: every name present, float64, shapes consistent with `features` inputs."""
    if not isinstance(params, dict):
        raise TypeError(
            f"params must be a dict of weight arrays named {names[:3]}..., got {type(params).__name__}. "
            "Build it with rnn_helpers.gates.lstm_params_from_keras(layer) or gates.random_params(...)."
        )
    hint = " For a GRU, check reset_after: True needs b_x?/b_h?, False needs b_?." if "W_xz" in names else ""
    missing = [name for name in names if name not in params]
    if missing:
        raise ValueError(f"params is missing {missing}; it must hold exactly {names}.{hint}")
    extra = sorted(set(params) - set(names))
    if extra:
        raise ValueError(f"params has unexpected keys {extra}; it must hold exactly {names}.{hint}")
    checked = {}
    for name in names:
        checked[name] = check_array(name, params[name], ndim=1 if name.startswith("b_") else 2)
    units = checked[names[1]].shape[0]  # W_h? is (units, units)
    for name, array in checked.items():
        if name.startswith("W_x"):
            expected = (features, units)
        elif name.startswith("W_h"):
            expected = (units, units)
        else:
            expected = (units,)
        _check_shape(name, array, expected)
    return checked, units


def _initial_state(name, value, batch, units):
    if value is None:
        return np.zeros((batch, units))
    value = check_array(name, value, ndim=2)
    _check_shape(name, value, (batch, units))
    return value


def lstm_step(x_t, h_prev, c_prev, params):
    """One LSTM step, the five parts in the order of the cell diagram (left to right).

    f_t = σ(x_t W_xf + h_{t-1} W_hf + b_f)           forget gate: what to keep of the old cell state
    i_t = σ(x_t W_xi + h_{t-1} W_hi + b_i)           input gate: how much of the candidate to store
    c̃_t = tanh(x_t W_xc + h_{t-1} W_hc + b_c)        candidate
    c_t = f_t ⊙ c_{t-1} + i_t ⊙ c̃_t                  new cell state
    o_t = σ(x_t W_xo + h_{t-1} W_ho + b_o)           output gate
    h_t = o_t ⊙ tanh(c_t)                            tanh squashes the state before it is shown

    This is the unchecked inner step; `lstm_forward` validates its inputs.

    Returns:
        `(h_t, c_t, gates)` with `gates = {"f", "i", "c_tilde", "o"}`, each `(batch, units)`.
    """
    p = params
    f = sigmoid(x_t @ p["W_xf"] + h_prev @ p["W_hf"] + p["b_f"])  # forget gate
    i = sigmoid(x_t @ p["W_xi"] + h_prev @ p["W_hi"] + p["b_i"])  # input gate
    c_tilde = np.tanh(x_t @ p["W_xc"] + h_prev @ p["W_hc"] + p["b_c"])  # candidate
    c = f * c_prev + i * c_tilde  # new cell state
    o = sigmoid(x_t @ p["W_xo"] + h_prev @ p["W_ho"] + p["b_o"])  # output gate
    h = o * np.tanh(c)  # output
    return h, c, {"f": f, "i": i, "c_tilde": c_tilde, "o": o}


def lstm_forward(X, params, h0=None, c0=None):
    """Run an LSTM cell over a batch of sequences; same maths as `keras.layers.LSTM`.

    Introduced in notebook 04.

    Args:
        X: inputs, `(batch, time, features)`.
        params: dict with the 12 weights of `lstm_param_names()`: `W_x?` `(features, units)`,
            `W_h?` `(units, units)`, `b_?` `(units,)` for ? in i, f, c, o.
        h0: initial hidden state, `(batch, units)`; zeros if None.
        c0: initial cell state, `(batch, units)`; zeros if None.

    Returns:
        `(H, C, gates)`: hidden states `(batch, time, units)`, cell states `(batch, time, units)` and a dict
        of the gate values at every step, keys "f", "i", "c_tilde", "o", each `(batch, time, units)`.

    Raises:
        ValueError: if `X` is not 3-D, a weight is missing or a shape does not fit.
    """
    X = check_array("X", X, ndim=3)
    batch, time, features = X.shape
    p, units = _check_params(params, lstm_param_names(), features)
    h = _initial_state("h0", h0, batch, units)
    c = _initial_state("c0", c0, batch, units)
    H, C = np.empty((batch, time, units)), np.empty((batch, time, units))
    gates = {name: np.empty((batch, time, units)) for name in ("f", "i", "c_tilde", "o")}
    for t in range(time):
        h, c, g = lstm_step(X[:, t], h, c, p)
        H[:, t], C[:, t] = h, c
        for name, value in g.items():
            gates[name][:, t] = value
    return H, C, gates


def gru_step(x_t, h_prev, params, reset_after=True):
    """One GRU step with the update gate z and the reset gate r (Keras conventions).

    z_t = σ(x_t W_xz + h_{t-1} W_hz + b)             update gate: how much of the old state to keep
    r_t = σ(x_t W_xr + h_{t-1} W_hr + b)             reset gate: how much of the old state the candidate sees
    reset_after=True  (Keras default, as cuDNN):  h̃_t = tanh(x_t W_xh + b_xh + r_t ⊙ (h_{t-1} W_hh + b_hh))
    reset_after=False (the 2014 paper):           h̃_t = tanh(x_t W_xh + (r_t ⊙ h_{t-1}) W_hh + b_h)
    h_t = z_t ⊙ h_{t-1} + (1 − z_t) ⊙ h̃_t

    With `reset_after=True` each gate has an input bias `b_x?` and a recurrent bias `b_h?`; with False
    one bias `b_?`. This is the unchecked inner step; `gru_forward` validates its inputs.

    Returns:
        `(h_t, gates)` with `gates = {"z", "r", "h_tilde"}`, each `(batch, units)`.
    """
    p = params
    if reset_after:
        z = sigmoid(x_t @ p["W_xz"] + p["b_xz"] + h_prev @ p["W_hz"] + p["b_hz"])  # update gate
        r = sigmoid(x_t @ p["W_xr"] + p["b_xr"] + h_prev @ p["W_hr"] + p["b_hr"])  # reset gate
        h_tilde = np.tanh(x_t @ p["W_xh"] + p["b_xh"] + r * (h_prev @ p["W_hh"] + p["b_hh"]))  # candidate
    else:
        z = sigmoid(x_t @ p["W_xz"] + h_prev @ p["W_hz"] + p["b_z"])  # update gate
        r = sigmoid(x_t @ p["W_xr"] + h_prev @ p["W_hr"] + p["b_r"])  # reset gate
        h_tilde = np.tanh(x_t @ p["W_xh"] + (r * h_prev) @ p["W_hh"] + p["b_h"])  # candidate
    h = z * h_prev + (1.0 - z) * h_tilde  # keep part of the old state, take the rest from the candidate
    return h, {"z": z, "r": r, "h_tilde": h_tilde}


def gru_forward(X, params, h0=None, reset_after=True):
    """Run a GRU cell over a batch of sequences; same maths as `keras.layers.GRU(reset_after=...)`.

    Introduced in notebook 05.

    Args:
        X: inputs, `(batch, time, features)`.
        params: dict with the weights of `gru_param_names(reset_after)`: `W_x?` `(features, units)`,
            `W_h?` `(units, units)` and biases `(units,)` for ? in z, r, h.
        h0: initial state, `(batch, units)`; zeros if None.
        reset_after: True for the Keras default form (reset applied after the recurrent product),
            False for the original form (reset applied to h_{t-1} before it).

    Returns:
        `(H, gates)`: hidden states `(batch, time, units)` and a dict with keys "z", "r", "h_tilde",
        each `(batch, time, units)`.

    Raises:
        TypeError: if `reset_after` is not a bool.
        ValueError: if `X` is not 3-D, a weight is missing (check `reset_after`) or a shape does not fit.
    """
    if not isinstance(reset_after, (bool, np.bool_)):
        raise TypeError(f"reset_after must be True or False, got {type(reset_after).__name__} {reset_after!r}.")
    X = check_array("X", X, ndim=3)
    batch, time, features = X.shape
    p, units = _check_params(params, gru_param_names(bool(reset_after)), features)
    h = _initial_state("h0", h0, batch, units)
    H = np.empty((batch, time, units))
    gates = {name: np.empty((batch, time, units)) for name in ("z", "r", "h_tilde")}
    for t in range(time):
        h, g = gru_step(X[:, t], h, p, reset_after=bool(reset_after))
        H[:, t] = h
        for name, value in g.items():
            gates[name][:, t] = value
    return H, gates
