"""Backpropagation through time (BPTT) written by hand in numpy, for the Elman and Jordan cells.

Introduced in notebook 03. The forward pass keeps a cache of every state it computed; the backward pass
walks time in reverse and adds up the gradients of the shared weights over all steps. `truncate=k` cuts
every path after `k` cell applications (truncated BPTT); the article's stateful training is `truncate=1`.

Both cells here have a linear output layer `y_t = h_t W_hy + b_y`, and the loss is a sum over steps:

    L = 1 / (2 B) * sum_t sum_b ||y_{b,t} - target_{b,t}||^2

Parameters travel as dicts whose keys are the names in the equations (`W_xh`, `W_hh`, ...), in the Keras
kernel layout `(inputs, outputs)`, so they copy straight into `keras.layers.SimpleRNN` + `Dense`.
"""

import numpy as np

from . import cells
from ._validation import (Array, Choice, Float, Function, Int, Optional, Seed, Size, check_array, check_params,
                          check_shape, check_state, validate)
from .numpy_rnn import elman_step, jordan_step, param_names, random_params

ELMAN_PARAMS = param_names("elman") + ("W_hy", "b_y")  # the cell plus a linear output layer
JORDAN_PARAMS = param_names("jordan")  # the output layer is part of the Jordan cell
CELLS = tuple(cell for cell in cells.CLASSIC if not cells.get(cell).gates)  # by hand: the cells without gates
_OUTPUTS_HINT = "dY is dL/dY: one value per output of the forward pass."


# ----------------------------------------------------------------------------------------------- checks
def _check_network(params, names, features):
    """Validate a network's parameter dict; return it as float64 arrays and the size of its state."""
    p, units = check_params(params, names, features)
    return p, (units if "W_hh" in p else p["b_y"].shape[0])  # Elman carries h, Jordan carries y


def _check_data(X, Y_target):
    """Raise unless the targets have one row per input step; return both."""
    if Y_target.shape[:2] != X.shape[:2]:
        raise ValueError(
            f"Y_target must have the same batch and time sizes as X {X.shape[:2]}, got {Y_target.shape[:2]}. "
            "Give one target per input step."
        )
    return X, Y_target


# --------------------------------------------------------------------------------------------- Elman
@validate(features=Size(), units=Size(), outputs=Size(), seed=Seed(),
          scale=Float(strictly_positive=True, maximum=10))
def init_elman(features, units, outputs=1, seed=0, scale=0.5):
    """Random Elman parameters drawn from `N(0, scale²)`.

    Introduced in notebook 03.

    Args:
        features: input features per step; an int >= 1.
        units: hidden units; an int >= 1.
        outputs: outputs per step; an int >= 1.
        seed: random seed, an int >= 0.
        scale: standard deviation of every weight, in (0, 10].

    Returns:
        dict with `W_xh (features, units)`, `W_hh (units, units)`, `b_h (units,)`, `W_hy (units, outputs)`,
        `b_y (outputs,)`.
    """
    return random_params(ELMAN_PARAMS, features, units, outputs=outputs, seed=seed, scale=scale)


@validate(X=Array(ndim=3), checked_in_body=("params", "h0"))
def elman_forward_with_cache(X, params, h0=None):
    """Run an Elman network over `X` and keep everything the backward pass needs.

    Introduced in notebook 03.

        h_t = tanh(x_t W_xh + h_{t-1} W_hh + b_h)
        y_t = h_t W_hy + b_y

    Args:
        X: inputs, `(batch, time, features)`.
        params: dict from `init_elman` (or copied from Keras).
        h0: initial state `(batch, units)`; zeros if None.

    Returns:
        `(Y, cache)`: outputs `(batch, time, outputs)` and a dict with `X`, `H` (`(batch, time + 1, units)`,
        where `H[:, 0]` is `h0`) and the parameters.
    """
    p, units = _check_network(params, ELMAN_PARAMS, X.shape[2])
    cell = {name: p[name] for name in param_names("elman")}  # the output layer is not part of the cell
    batch, time, _ = X.shape
    H = np.zeros((batch, time + 1, units))
    H[:, 0] = check_state("h0", h0, batch, units)
    for t in range(time):
        H[:, t + 1] = elman_step(X[:, t], H[:, t], cell)
    Y = H[:, 1:] @ p["W_hy"] + p["b_y"]
    return Y, {"X": X, "H": H, "params": p}


@validate(dY=Array(ndim=3), truncate=Optional(Int(minimum=1)), checked_in_body=("cache",))
def elman_backward(dY, cache, truncate=None):
    """Backpropagate `dL/dY` through time in an Elman network.

    Introduced in notebook 03. With `truncate=None` this is full BPTT: one walk from the last step back to
    the first, carrying the gradient that arrives from the future. With `truncate=k`, the loss at each step
    flows back through at most `k` cell applications (`k=1`: the previous state is treated as a constant).

    Args:
        dY: gradient of the loss with respect to the outputs, `(batch, time, outputs)`.
        cache: the cache returned by `elman_forward_with_cache`.
        truncate: None for full BPTT, or an int >= 1.

    Returns:
        dict of gradients with the same keys and shapes as the parameters.
    """
    X, H, p = _check_cache(cache)
    check_shape("dY", dY, H[:, 1:].shape[:2] + p["b_y"].shape, _OUTPUTS_HINT)
    g = {name: np.zeros_like(value) for name, value in p.items()}
    time = X.shape[1]
    g["W_hy"] = np.einsum("btu,bto->uo", H[:, 1:], dY)      # dL/dW_hy = sum_t h_t^T dy_t
    g["b_y"] = dY.sum(axis=(0, 1))

    def through_cell(t, dh):
        """Gradient through h_t = tanh(a_t); returns dL/dh_{t-1}. (H[:, t + 1] is h_t, H[:, t] is h_{t-1}.)"""
        da = (1.0 - H[:, t + 1] ** 2) * dh                 # through tanh
        g["W_xh"] += X[:, t].T @ da                         # shared weights: gradients add up over time
        g["W_hh"] += H[:, t].T @ da
        g["b_h"] += da.sum(axis=0)
        return da @ p["W_hh"].T                             # to the previous state

    if truncate is None:
        dh_next = np.zeros_like(H[:, 0])
        for t in reversed(range(time)):
            dh = dY[:, t] @ p["W_hy"].T + dh_next           # output path + gradient from the future
            dh_next = through_cell(t, dh)
    else:
        for t in reversed(range(time)):                     # the loss at step t ...
            dh = dY[:, t] @ p["W_hy"].T
            for s in range(t, max(t - truncate, -1), -1):   # ... flows back through `truncate` steps only
                dh = through_cell(s, dh)
    return g


@validate(X=Array(ndim=3), Y_target=Array(ndim=3), truncate=Optional(Int(minimum=1)),
          checked_in_body=("params", "h0"))
def elman_loss_and_grads(X, Y_target, params, truncate=None, h0=None):
    """The sequence loss of an Elman network and its gradients by (truncated) BPTT.

    Introduced in notebook 03. `L = 1/(2B) * sum over batch and steps of ||y_t - target_t||²`.

    Args:
        X: inputs, `(batch, time, features)`.
        Y_target: targets, `(batch, time, outputs)`.
        params: dict from `init_elman`.
        truncate: None for full BPTT, or an int >= 1.
        h0: initial state `(batch, units)`; zeros if None.

    Returns:
        `(loss, grads)`: a float and a dict of gradients shaped like `params`.
    """
    X, Y_target = _check_data(X, Y_target)
    Y, cache = elman_forward_with_cache(X, params, h0=h0)
    loss, dY = _sequence_loss(Y, Y_target)
    return loss, elman_backward(dY, cache, truncate=truncate)


# -------------------------------------------------------------------------------------------- Jordan
# The Jordan functions below mirror the Elman ones line for line on purpose: a learner reads the two
# backward passes side by side and sees that only the state (h_{t-1} or y_{t-1}) differs.
@validate(features=Size(), units=Size(), outputs=Size(), seed=Seed(),
          scale=Float(strictly_positive=True, maximum=10))
def init_jordan(features, units, outputs=1, seed=0, scale=0.5):
    """Random Jordan parameters drawn from `N(0, scale²)`.

    Introduced in notebook 03.

    Args:
        features: input features per step; an int >= 1.
        units: hidden units; an int >= 1.
        outputs: outputs per step (also the size of the fed-back state); an int >= 1.
        seed: random seed, an int >= 0.
        scale: standard deviation of every weight, in (0, 10].

    Returns:
        dict with `W_xh (features, units)`, `W_yh (outputs, units)`, `b_h (units,)`, `W_hy (units, outputs)`,
        `b_y (outputs,)`.
    """
    return random_params(JORDAN_PARAMS, features, units, outputs=outputs, seed=seed, scale=scale)


@validate(X=Array(ndim=3), checked_in_body=("params", "y0"))
def jordan_forward_with_cache(X, params, y0=None):
    """Run a Jordan network over `X` and keep everything the backward pass needs.

    Introduced in notebook 03.

        h_t = tanh(x_t W_xh + y_{t-1} W_yh + b_h)
        y_t = h_t W_hy + b_y

    Args:
        X: inputs, `(batch, time, features)`.
        params: dict from `init_jordan` (or copied from a Keras `JordanCell`).
        y0: initial fed-back output `(batch, outputs)`; zeros if None.

    Returns:
        `(Y, cache)`: outputs `(batch, time, outputs)` and a dict with `X`, `H` (`(batch, time, units)`),
        `Yfull` (`(batch, time + 1, outputs)`, where `Yfull[:, 0]` is `y0`) and the parameters.
    """
    p, outputs = _check_network(params, JORDAN_PARAMS, X.shape[2])
    batch, time, _ = X.shape
    units = p["W_hy"].shape[0]
    H = np.zeros((batch, time, units))
    Yfull = np.zeros((batch, time + 1, outputs))
    Yfull[:, 0] = check_state("y0", y0, batch, outputs)
    for t in range(time):
        Yfull[:, t + 1], H[:, t] = jordan_step(X[:, t], Yfull[:, t], p)
    return Yfull[:, 1:].copy(), {"X": X, "H": H, "Yfull": Yfull, "params": p}


@validate(dY=Array(ndim=3), truncate=Optional(Int(minimum=1)), checked_in_body=("cache",))
def jordan_backward(dY, cache, truncate=None):
    """Backpropagate `dL/dY` through time in a Jordan network (the state is the previous output).

    Introduced in notebook 03. One cell application is the hidden layer *and* the output layer, so with
    `truncate=k` the output weights also receive gradient from at most `k` steps per loss term.

    Args:
        dY: gradient of the loss with respect to the outputs, `(batch, time, outputs)`.
        cache: the cache returned by `jordan_forward_with_cache`.
        truncate: None for full BPTT, or an int >= 1.

    Returns:
        dict of gradients with the same keys and shapes as the parameters.
    """
    if not isinstance(cache, dict) or "Yfull" not in cache:
        raise TypeError("cache must be the dict returned by jordan_forward_with_cache(X, params); call that first.")
    X, H, p = _check_cache(cache)
    Yfull = cache["Yfull"]
    check_shape("dY", dY, Yfull[:, 1:].shape, _OUTPUTS_HINT)
    g = {name: np.zeros_like(value) for name, value in p.items()}
    time = X.shape[1]

    def through_cell(t, dy):
        """Gradient through y_t = tanh(a_t) W_hy + b_y; returns dL/dy_{t-1}. (Yfull[:, t] is y_{t-1}.)"""
        g["W_hy"] += H[:, t].T @ dy
        g["b_y"] += dy.sum(axis=0)
        da = (1.0 - H[:, t] ** 2) * (dy @ p["W_hy"].T)      # through the output layer and tanh
        g["W_xh"] += X[:, t].T @ da                         # shared weights: gradients add up over time
        g["W_yh"] += Yfull[:, t].T @ da
        g["b_h"] += da.sum(axis=0)
        return da @ p["W_yh"].T                             # to the previous output (the state)

    if truncate is None:
        dy_next = np.zeros_like(Yfull[:, 0])
        for t in reversed(range(time)):
            dy_next = through_cell(t, dY[:, t] + dy_next)   # loss at this step + gradient from the future
    else:
        for t in reversed(range(time)):
            dy = dY[:, t]
            for s in range(t, max(t - truncate, -1), -1):
                dy = through_cell(s, dy)
    return g


@validate(X=Array(ndim=3), Y_target=Array(ndim=3), truncate=Optional(Int(minimum=1)),
          checked_in_body=("params", "y0"))
def jordan_loss_and_grads(X, Y_target, params, truncate=None, y0=None):
    """The sequence loss of a Jordan network and its gradients by (truncated) BPTT.

    Introduced in notebook 03. Same loss as `elman_loss_and_grads`.

    Args:
        X: inputs, `(batch, time, features)`.
        Y_target: targets, `(batch, time, outputs)`.
        params: dict from `init_jordan`.
        truncate: None for full BPTT, or an int >= 1.
        y0: initial fed-back output `(batch, outputs)`; zeros if None.

    Returns:
        `(loss, grads)`: a float and a dict of gradients shaped like `params`.
    """
    X, Y_target = _check_data(X, Y_target)
    Y, cache = jordan_forward_with_cache(X, params, y0=y0)
    loss, dY = _sequence_loss(Y, Y_target)
    return loss, jordan_backward(dY, cache, truncate=truncate)


# ------------------------------------------------------------------------------------ gradient check
@validate(loss_fn=Function("a function params -> loss"), eps=Float(strictly_positive=True, maximum=0.1),
          checked_in_body=("params",))
def numerical_gradients(loss_fn, params, eps=1e-5):
    """Central finite differences: `dL/dw ≈ (L(w + eps) - L(w - eps)) / (2 eps)` for every single weight.

    Introduced in notebook 03. Slow (two forward passes per weight) but obviously right — the referee for
    hand-written backward passes. Use float64.

    Args:
        loss_fn: a function `params -> float`.
        params: dict of float arrays; it is not modified.
        eps: the step, in (0, 0.1]; 1e-5 suits float64.

    Returns:
        dict of numerical gradients shaped like `params`.
    """
    if not isinstance(params, dict) or not params:
        raise TypeError(f"params must be a non-empty dict of arrays, got {type(params).__name__}.")
    work = {name: check_array(name, value).copy() for name, value in params.items()}
    grads = {}
    for name, w in work.items():
        grad = np.zeros_like(w)
        for index in np.ndindex(w.shape):
            original = w[index]
            w[index] = original + eps
            loss_plus = float(loss_fn(work))
            w[index] = original - eps
            loss_minus = float(loss_fn(work))
            w[index] = original
            grad[index] = (loss_plus - loss_minus) / (2.0 * eps)
        grads[name] = grad
    return grads


@validate(checked_in_body=("grads_a", "grads_b"))
def relative_error(grads_a, grads_b):
    """Largest relative difference `||a - b|| / (||a|| + ||b||)` over the parameters of two gradient dicts.

    Introduced in notebook 03. Below 1e-7 in float64 means the two gradients agree.

    Args:
        grads_a: dict of arrays.
        grads_b: dict of arrays with the same keys and shapes.

    Returns:
        float in `[0, 1]`.
    """
    if not isinstance(grads_a, dict) or not isinstance(grads_b, dict):
        raise TypeError("grads_a and grads_b must both be dicts of arrays, e.g. the grads from elman_loss_and_grads.")
    if set(grads_a) != set(grads_b):
        raise ValueError(f"grads_a and grads_b must have the same keys, got {sorted(grads_a)} and {sorted(grads_b)}.")
    worst = 0.0
    for name in grads_a:
        a = check_array(name, grads_a[name])
        b = check_array(name, grads_b[name])
        if a.shape != b.shape:
            raise ValueError(f"{name} has shape {a.shape} in grads_a but {b.shape} in grads_b; they must match.")
        denominator = np.linalg.norm(a) + np.linalg.norm(b)
        if denominator > 0:
            worst = max(worst, float(np.linalg.norm(a - b) / denominator))
    return worst


@validate(cell=Choice(CELLS), X=Array(ndim=3), Y_target=Array(ndim=3), eps=Float(strictly_positive=True, maximum=0.1),
          checked_in_body=("params",))
def gradient_check(cell, X, Y_target, params, eps=1e-5):
    """Compare full BPTT with central finite differences; return the largest relative error.

    Introduced in notebook 03.

    Args:
        cell: `"elman"` or `"jordan"`.
        X: inputs, `(batch, time, features)`.
        Y_target: targets, `(batch, time, outputs)`.
        params: dict from `init_elman` or `init_jordan`.
        eps: finite-difference step, in (0, 0.1].

    Returns:
        float: `relative_error(bptt, finite differences)`; below 1e-7 means BPTT is right.
    """
    loss_and_grads = elman_loss_and_grads if cell == "elman" else jordan_loss_and_grads
    X, Y_target = _check_data(X, Y_target)
    _, grads = loss_and_grads(X, Y_target, params)
    numeric = numerical_gradients(lambda p: loss_and_grads(X, Y_target, p)[0], params, eps=eps)
    return relative_error(grads, numeric)


@validate(cell=Choice(CELLS), X=Array(ndim=3), Y_target=Array(ndim=3), dtype=Choice(("float32", "float64")),
          checked_in_body=("params",))
def keras_gradients(cell, X, Y_target, params, dtype="float32"):
    """The same loss and gradients computed by `tf.GradientTape` on a Keras model holding `params`.

    Introduced in notebook 03: an independent check of the hand-written backward passes. Elman is
    `keras.layers.SimpleRNN` + `Dense`; Jordan is `keras.layers.RNN(JordanCell)` (its output layer is part
    of the cell).

    Args:
        cell: `"elman"` or `"jordan"`.
        X: inputs, `(batch, time, features)`.
        Y_target: targets, `(batch, time, outputs)`.
        params: dict from `init_elman` or `init_jordan`.
        dtype: "float32" (Keras' default) or "float64".

    Returns:
        `(loss, grads)`: a float and a dict of numpy gradients with the keys of `params`.
    """
    X, Y_target = _check_data(X, Y_target)
    p, _ = _check_network(params, ELMAN_PARAMS if cell == "elman" else JORDAN_PARAMS, X.shape[2])
    from . import keras_rnn
    import keras
    import tensorflow as tf

    recurrent = keras_rnn.layer_from_numpy(cell, {name: p[name] for name in param_names(cell)}, dtype=dtype)
    variables = dict(zip(param_names(cell), recurrent.trainable_weights))
    dense = None
    if cell == "elman":  # the Elman network's output layer sits outside the cell
        dense = keras.layers.Dense(p["b_y"].shape[0], dtype=dtype)
        dense.build((None, p["W_hy"].shape[0]))
        dense.set_weights([p["W_hy"], p["b_y"]])
        variables.update(W_hy=dense.kernel, b_y=dense.bias)
    X_tf = tf.constant(X, dtype=dtype)
    Y_tf = tf.constant(Y_target, dtype=dtype)
    with tf.GradientTape() as tape:
        Y = recurrent(X_tf) if dense is None else dense(recurrent(X_tf))
        loss = 0.5 * tf.reduce_sum(tf.square(Y - Y_tf)) / X.shape[0]      # the same loss as _sequence_loss
    grads = tape.gradient(loss, list(variables.values()))
    return float(loss), {name: g.numpy().astype(np.float64) for name, g in zip(variables, grads)}


# --------------------------------------------------------------------------------------------- helpers
def _sequence_loss(Y, Y_target):
    """L = 1/(2B) sum ||Y - Y_target||² and dL/dY."""
    if Y.shape != Y_target.shape:
        raise ValueError(
            f"Y_target must have shape {Y.shape} (one target per output per step), got {Y_target.shape}."
        )
    batch = Y.shape[0]
    error = Y - Y_target
    return 0.5 * float(np.sum(error**2)) / batch, error / batch


def _check_cache(cache):
    if not isinstance(cache, dict) or not {"X", "H", "params"} <= set(cache):
        raise TypeError("cache must be the dict returned by the matching forward pass; "
                        "call elman_forward_with_cache or jordan_forward_with_cache first.")
    return cache["X"], cache["H"], cache["params"]

