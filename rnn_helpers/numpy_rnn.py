"""Recurrent cells written from scratch in numpy (forward passes).

Introduced in notebook 02 (Elman, Jordan). Batch first everywhere: inputs `(batch, time, features)`,
states `(batch, units)`, row vectors `x @ W` — the Keras kernel layout `(input_dim, units)`, so weights
copy straight between numpy and Keras.
"""

import numpy as np

from . import cells
from ._validation import (Array, Bool, Check, Choice, Numbers, Size, check_array, check_float, check_int,
                          check_lstm_trace, check_params, check_shape, check_state, validate, weight_shape)


@validate(cell=Choice(cells.CLASSIC), reset_after=Bool())
def param_names(cell, reset_after=True):
    """The weight names of a cell, named after its equations.

    Introduced in notebook 02 (Elman, Jordan); notebooks 04-05 add the LSTM and GRU.

    Args:
        cell: "elman", "jordan", "lstm" or "gru".
        reset_after: GRU form: True (the Keras default) has two biases per gate, `b_x?` and `b_h?`.

    Returns:
        tuple of names, e.g. `("W_xh", "W_hh", "b_h")` for Elman.
    """
    gates = cells.get(cell).gates  # Keras' order inside its fused weights
    if cell == "elman":
        return ("W_xh", "W_hh", "b_h")
    if cell == "jordan":
        return ("W_xh", "W_yh", "b_h", "W_hy", "b_y")
    if cell == "lstm":
        return tuple(name for g in gates for name in (f"W_x{g}", f"W_h{g}", f"b_{g}"))
    if reset_after:
        return tuple(name for g in gates for name in (f"W_x{g}", f"W_h{g}", f"b_x{g}", f"b_h{g}"))
    return tuple(name for g in gates for name in (f"W_x{g}", f"W_h{g}", f"b_{g}"))


def _check_names(name, names):
    """Weight names: a non-empty tuple or list of strings, each starting with 'W_' or 'b_'."""
    if isinstance(names, str) or not isinstance(names, (tuple, list)) or not names:
        raise TypeError(f"{name} must be a non-empty tuple of weight names such as param_names('elman'), "
                        f"got {names!r}.")
    for weight in names:
        if not isinstance(weight, str) or not weight[:2] in ("W_", "b_"):
            raise ValueError(f"each weight name must start with 'W_' or 'b_', got {weight!r}.")
    return names


def _check_seed(name, seed):
    """A seed, an int >= 0; or a `numpy.random.Generator`, passed on as it is."""
    return seed if isinstance(seed, np.random.Generator) else check_int(name, seed, minimum=0)


@validate(names=Check(_check_names), features=Size(), units=Size(), outputs=Size(), seed=Check(_check_seed),
          checked_in_body=("scale",))
def random_params(names, features, units, outputs=1, seed=0, scale=0.5):
    """Random weights `N(0, scale²)` for the given weight names, shaped by what each name means.

    Introduced in notebook 02; the parity and gradient tests use it for random shapes.

    Args:
        names: weight names, e.g. `param_names("lstm")`, or an Elman network's
            `param_names("elman") + ("W_hy", "b_y")` (cell plus output layer).
        features: inputs per step; an int in [1, 4096].
        units: size of the state; an int in [1, 4096].
        outputs: outputs per step, for `W_hy`, `b_y`, `W_yh`; an int in [1, 4096].
        seed: seed of the draws, an int >= 0; or a `numpy.random.Generator`, whose draws then continue.
        scale: standard deviation of every weight, in (0, 10] (larger weights saturate tanh at every step); or
            a dict giving each name its own.

    Returns:
        dict name -> float64 array, drawn in the order of `names`.
    """
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    scales = _check_scales(scale, names)
    params = {}
    for name in names:
        params[name] = scales[name] * rng.standard_normal(weight_shape(name, features, units, outputs))
    return params


def _check_scales(scale, names):
    """`{name: standard deviation}` from one scale or a dict of scales covering `names`."""
    if not isinstance(scale, dict):
        scale = check_float("scale", scale, strictly_positive=True, maximum=10.0)
        return dict.fromkeys(names, scale)
    missing = [name for name in names if name not in scale]
    if missing:
        raise ValueError(f"scale must give every weight a scale, got none for {missing}. Add them or pass one float.")
    return {name: check_float(f"scale[{name!r}]", scale[name], strictly_positive=True, maximum=10.0) for name in names}


def _check_step(cell, x_t, states, params, reset_after=True):
    """Validate one step's inputs: `x_t` `(batch, features)`, the states `{name: (value, size_key)}`, the weights.

    Returns `(x_t, states as a list of float64 arrays, params as float64 arrays)`.
    """
    x_t = check_array("x_t", x_t, ndim=2)
    p, units = check_params(params, param_names(cell, reset_after), x_t.shape[1])
    checked = []
    for name, value in states.items():
        size = p["b_y"].shape[0] if name == "y_prev" else units
        value = check_array(name, value, ndim=2)
        checked.append(check_shape(name, value, (x_t.shape[0], size), "A state has one row per row of x_t."))
    return x_t, checked, p


@validate(checked_in_body=("x_t", "h_prev", "params"))
def elman_step(x_t, h_prev, params):
    """One Elman step: the new hidden state from this input and the previous hidden state.

    h_t = tanh(x_t W_xh + h_{t-1} W_hh + b_h)

    Introduced in notebook 02. `x_t` is `(batch, features)`, `h_prev` `(batch, units)`, `params` as for
    `elman_forward`.
    """
    x_t, (h_prev,), p = _check_step("elman", x_t, {"h_prev": h_prev}, params)
    return np.tanh(x_t @ p["W_xh"] + h_prev @ p["W_hh"] + p["b_h"])


@validate(X=Array(ndim=3), checked_in_body=("params", "h0"))
def elman_forward(X, params, h0=None):
    """Run an Elman cell over a batch of sequences; same maths as `keras.layers.SimpleRNN`.

    Introduced in notebook 02.

    Args:
        X: inputs, `(batch, time, features)`.
        params: dict with `W_xh` `(features, units)` (Keras: `kernel`), `W_hh` `(units, units)`
            (Keras: `recurrent_kernel`) and `b_h` `(units,)`.
        h0: initial state, `(batch, units)`; zeros if None.

    Returns:
        H, the hidden state at every step, `(batch, time, units)`.
    """
    batch, time, features = X.shape
    p, units = check_params(params, param_names("elman"), features)
    h = check_state("h0", h0, batch, units)
    H = np.empty((batch, time, units))
    for t in range(time):
        h = elman_step(X[:, t], h, p)
        H[:, t] = h
    return H


@validate(checked_in_body=("x_t", "y_prev", "params"))
def jordan_step(x_t, y_prev, params):
    """One Jordan step: the hidden layer sees this input and the previous *output*.

    h_t = tanh(x_t W_xh + y_{t-1} W_yh + b_h)
    y_t = h_t W_hy + b_y

    Introduced in notebook 02. `x_t` is `(batch, features)`, `y_prev` `(batch, outputs)`, `params` as for
    `jordan_forward`.

    Returns:
        `(y_t, h_t)`.
    """
    x_t, (y_prev,), p = _check_step("jordan", x_t, {"y_prev": y_prev}, params)
    h_t = np.tanh(x_t @ p["W_xh"] + y_prev @ p["W_yh"] + p["b_h"])
    y_t = h_t @ p["W_hy"] + p["b_y"]
    return y_t, h_t


@validate(X=Array(ndim=3), checked_in_body=("params", "y0"))
def jordan_forward(X, params, y0=None):
    """Run a Jordan cell over a batch of sequences; the output of each step is fed back to the next.

    Introduced in notebook 02. The output layer is part of the cell, because its value is the state.

    Args:
        X: inputs, `(batch, time, features)`.
        params: dict with `W_xh` `(features, units)`, `W_yh` `(outputs, units)` (output feedback),
            `b_h` `(units,)`, `W_hy` `(units, outputs)`, `b_y` `(outputs,)`.
        y0: initial fed-back output, `(batch, outputs)`; zeros if None.

    Returns:
        `(Y, H)`: outputs `(batch, time, outputs)` and hidden states `(batch, time, units)`.
    """
    batch, time, features = X.shape
    p, units = check_params(params, param_names("jordan"), features)
    outputs = p["b_y"].shape[0]
    y = check_state("y0", y0, batch, outputs)
    Y = np.empty((batch, time, outputs))
    H = np.empty((batch, time, units))
    for t in range(time):
        y, h = jordan_step(X[:, t], y, p)
        Y[:, t], H[:, t] = y, h
    return Y, H


# ---------------------------------------------------------------------------------------------------------
# LSTM and GRU (notebooks 04 and 05). Weights come as a dict named after the equations, e.g. W_xf, W_hf, b_f
# for the forget gate; `rnn_helpers.keras_rnn` copies them to and from the fused Keras weights.
# ---------------------------------------------------------------------------------------------------------

@validate(a=Numbers())
def sigmoid(a):
    """The logistic function 1 / (1 + e^-a), written so that large negative `a` does not overflow."""
    return 0.5 * (1.0 + np.tanh(0.5 * a))


@validate(checked_in_body=("x_t", "h_prev", "c_prev", "params"))
def lstm_step(x_t, h_prev, c_prev, params):
    """One LSTM step, the five parts in the order of the cell diagram (left to right).

    f_t = σ(x_t W_xf + h_{t-1} W_hf + b_f)           forget gate: what to keep of the old cell state
    i_t = σ(x_t W_xi + h_{t-1} W_hi + b_i)           input gate: how much of the candidate to store
    c̃_t = tanh(x_t W_xc + h_{t-1} W_hc + b_c)        candidate
    c_t = f_t ⊙ c_{t-1} + i_t ⊙ c̃_t                  new cell state
    o_t = σ(x_t W_xo + h_{t-1} W_ho + b_o)           output gate
    h_t = o_t ⊙ tanh(c_t)                            tanh squashes the state before it is shown

    Introduced in notebook 04. `x_t` is `(batch, features)`, `h_prev` and `c_prev` `(batch, units)`.

    Returns:
        `(h_t, c_t, gates)` with `gates = {"f", "i", "c_tilde", "o"}`, each `(batch, units)`.
    """
    x_t, (h_prev, c_prev), p = _check_step("lstm", x_t, {"h_prev": h_prev, "c_prev": c_prev}, params)
    f = sigmoid(x_t @ p["W_xf"] + h_prev @ p["W_hf"] + p["b_f"])  # forget gate
    i = sigmoid(x_t @ p["W_xi"] + h_prev @ p["W_hi"] + p["b_i"])  # input gate
    c_tilde = np.tanh(x_t @ p["W_xc"] + h_prev @ p["W_hc"] + p["b_c"])  # candidate
    c = f * c_prev + i * c_tilde  # new cell state
    o = sigmoid(x_t @ p["W_xo"] + h_prev @ p["W_ho"] + p["b_o"])  # output gate
    h = o * np.tanh(c)  # output
    return h, c, {"f": f, "i": i, "c_tilde": c_tilde, "o": o}


@validate(X=Array(ndim=3), checked_in_body=("params", "h0", "c0"))
def lstm_forward(X, params, h0=None, c0=None):
    """Run an LSTM cell over a batch of sequences; same maths as `keras.layers.LSTM`.

    Introduced in notebook 04.

    Args:
        X: inputs, `(batch, time, features)`.
        params: dict with the 12 weights of `param_names("lstm")`: `W_x?` `(features, units)`,
            `W_h?` `(units, units)`, `b_?` `(units,)` for ? in i, f, c, o.
        h0: initial hidden state, `(batch, units)`; zeros if None.
        c0: initial cell state, `(batch, units)`; zeros if None.

    Returns:
        `(H, C, gates)`: hidden states `(batch, time, units)`, cell states `(batch, time, units)` and a dict
        of the gate values at every step, keys "f", "i", "c_tilde", "o", each `(batch, time, units)`.

    Raises:
        ValueError: if `X` is not 3-D, a weight is missing or a shape does not fit.
    """
    batch, time, features = X.shape
    p, units = check_params(params, param_names("lstm"), features)
    h = check_state("h0", h0, batch, units)
    c = check_state("c0", c0, batch, units)
    H, C = np.empty((batch, time, units)), np.empty((batch, time, units))
    gates = {name: np.empty((batch, time, units)) for name in ("f", "i", "c_tilde", "o")}
    for t in range(time):
        h, c, g = lstm_step(X[:, t], h, c, p)
        H[:, t], C[:, t] = h, c
        for name, value in g.items():
            gates[name][:, t] = value
    return H, C, gates


@validate(reset_after=Bool(), checked_in_body=("x_t", "h_prev", "params"))
def gru_step(x_t, h_prev, params, reset_after=True):
    """One GRU step with the update gate z and the reset gate r (Keras conventions).

    z_t = σ(x_t W_xz + h_{t-1} W_hz + b)             update gate: how much of the old state to keep
    r_t = σ(x_t W_xr + h_{t-1} W_hr + b)             reset gate: how much of the old state the candidate sees
    reset_after=True  (Keras default, as cuDNN):  h̃_t = tanh(x_t W_xh + b_xh + r_t ⊙ (h_{t-1} W_hh + b_hh))
    reset_after=False (the 2014 paper):           h̃_t = tanh(x_t W_xh + (r_t ⊙ h_{t-1}) W_hh + b_h)
    h_t = z_t ⊙ h_{t-1} + (1 − z_t) ⊙ h̃_t

    With `reset_after=True` each gate has an input bias `b_x?` and a recurrent bias `b_h?`; with False
    one bias `b_?`. Introduced in notebook 05. `x_t` is `(batch, features)`, `h_prev` `(batch, units)`.

    Returns:
        `(h_t, gates)` with `gates = {"z", "r", "h_tilde"}`, each `(batch, units)`.
    """
    x_t, (h_prev,), p = _check_step("gru", x_t, {"h_prev": h_prev}, params, reset_after)
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


@validate(X=Array(ndim=3), reset_after=Bool(), checked_in_body=("params", "h0"))
def gru_forward(X, params, h0=None, reset_after=True):
    """Run a GRU cell over a batch of sequences; same maths as `keras.layers.GRU(reset_after=...)`.

    Introduced in notebook 05.

    Args:
        X: inputs, `(batch, time, features)`.
        params: dict with the weights of `param_names("gru", reset_after)`: `W_x?` `(features, units)`,
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
    batch, time, features = X.shape
    p, units = check_params(params, param_names("gru", reset_after), features)
    h = check_state("h0", h0, batch, units)
    H = np.empty((batch, time, units))
    gates = {name: np.empty((batch, time, units)) for name in ("z", "r", "h_tilde")}
    for t in range(time):
        h, g = gru_step(X[:, t], h, p, reset_after=reset_after)
        H[:, t] = h
        for name, value in g.items():
            gates[name][:, t] = value
    return H, gates


@validate(trace=Check(check_lstm_trace), checked_in_body=("step", "unit"))
def lstm_cell_values(trace, step, unit):
    """Every part of LSTM unit `unit` at time `step` of a gate trace, as numbers.

    Introduced in notebook 04: `rnn_helpers.plotting.lstm_cell_picture` draws them, the gate explorer shows them.

    Args:
        trace: dict from `rnn_helpers.gates.lstm_gate_trace`, arrays `(time, units)`.
        step: time step, 0 <= step < time.
        unit: unit, 0 <= unit < units.

    Returns:
        dict of floats: "x" (first input feature), "c_prev", "h_prev" (0 at step 0), "f", "i", "c_tilde",
        "o", "c", "h".
    """
    time, units = trace["f"].shape
    step = check_int("step", step, minimum=0, maximum=time - 1)
    unit = check_int("unit", unit, minimum=0, maximum=units - 1)
    values = {key: float(trace[key][step, unit]) for key in ("f", "i", "c_tilde", "o", "c", "h")}
    values["x"] = float(trace["x"][step, 0])
    values["c_prev"] = float(trace["c"][step - 1, unit]) if step > 0 else 0.0
    values["h_prev"] = float(trace["h"][step - 1, unit]) if step > 0 else 0.0
    return values
