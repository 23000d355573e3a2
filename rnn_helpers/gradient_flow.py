"""Gradient flow through time: how ‖∂h_T/∂h_t‖ shrinks or grows with the distance, and gradient clipping.

Introduced in notebook 03. What is inside:

- `orthogonal_times`: a recurrent matrix with a chosen spectral radius.
- `gradient_norms` / `state_jacobian_norms`: ‖∂h_T/∂h_t‖ against the distance T − t, for Elman (with its
  recurrent matrix scaled to a chosen spectral radius), LSTM and GRU cells, fresh or trained.
- `clipping_data`, `clipping_params`, `clipping_run`: plain gradient descent on an Elman network with numpy
  BPTT (`rnn_helpers.bptt`), with or without clipping the gradient norm.
"""

import numpy as np

from . import bptt, cells, data, keras_rnn
from ._validation import Array, Check, Choice, Count, Float, LearningRate, Optional, Seed, Size, check_keras_layer, validate

# The spectral radius of a recurrent matrix: > 0, and at most 100 (larger ones overflow in a few steps).
_RADIUS = Float(strictly_positive=True, maximum=100.0)


@validate(radius=_RADIUS, units=Size(), seed=Seed())
def orthogonal_times(radius, units, seed=0):
    """An orthogonal matrix times `radius`: every eigenvalue then has modulus `radius` (spectral radius).

    Introduced in notebook 03.

    Args:
        radius: the spectral radius, > 0.
        units: the matrix is `(units, units)`; an int >= 1.
        seed: random seed, an int >= 0.

    Returns:
        float64 array `(units, units)`.
    """
    rng = np.random.default_rng(seed)
    Q, R = np.linalg.qr(rng.standard_normal((units, units)))
    return radius * Q * np.sign(np.diag(R))  # the sign fix makes Q uniformly distributed


@validate(cell=Choice(cells.KERAS_BUILTIN), length=Count(), units=Size(), radius=Optional(_RADIUS), seed=Seed())
def gradient_norms(cell, length=100, units=32, radius=None, seed=0):
    """‖∂h_T/∂h_t‖ for a freshly initialised cell, for every distance `T - t = 1 .. length`.

    Introduced in notebook 03. The cell gets Keras' default initial weights (LSTM: forget-gate bias 1)
    and runs over `length` inputs drawn from `N(0, 1)`; see `state_jacobian_norms` for the measurement.

    Args:
        cell: "elman", "lstm" or "gru".
        length: number of steps T; an int >= 1.
        units: state size; an int >= 1.
        radius: for "elman" only: set the recurrent matrix to `orthogonal_times(radius, units, seed)`;
            None keeps Keras' default (orthogonal, so radius 1).
        seed: seeds the weights and the inputs; an int >= 0.

    Returns:
        1-D float64 array `norms` of length `length`; `norms[k - 1]` is ‖∂h_T/∂h_{T-k}‖.
    """
    if radius is not None:
        if cell != "elman":
            raise ValueError(f"radius applies to the Elman cell only, got radius={radius!r} for cell={cell!r}. "
                             "Pass radius=None for LSTM and GRU.")
        W_hh = orthogonal_times(radius, units, seed)
    import keras

    keras.utils.set_random_seed(seed)
    rnn_cell = keras_rnn.build_layer(cell, units).cell
    rnn_cell.build((None, 1))
    if radius is not None:
        rnn_cell.recurrent_kernel.assign(W_hh)
    x = np.random.default_rng(seed).standard_normal((length, 1))
    return state_jacobian_norms(rnn_cell, x)


def _check_rnn_cell(name, rnn_cell):
    """A built Keras cell of a cell Keras ships: SimpleRNNCell, LSTMCell or GRUCell."""
    kinds = tuple(f"{cells.get(cell).keras_class}Cell" for cell in cells.KERAS_BUILTIN)
    return check_keras_layer(name, rnn_cell, kinds, hint="For a layer such as keras.layers.LSTM(16), pass layer.cell.",
                             build_hint=f"Call {name}.build((None, features)) first.")


@validate(rnn_cell=Check(_check_rnn_cell), x=Array(ndim=2))
def state_jacobian_norms(rnn_cell, x):
    """‖∂h_T/∂h_t‖ (largest singular value) of a Keras cell run over one input sequence `x`.

    Introduced in notebook 03. One backward pass gives the whole Jacobian of the last state with respect to
    every earlier state: the batch holds `units` copies of the sequence and copy `i` sends back the
    gradient of unit `i` of `h_T`. For an LSTM, whose state is the pair `(h, c)`, the Jacobian is taken
    with respect to both, so the memory path through `c` counts.

    Args:
        rnn_cell: a built `keras.layers.SimpleRNNCell`, `LSTMCell` or `GRUCell` (e.g. `layer.cell` of a
            trained `keras.layers.LSTM`).
        x: one input sequence, `(time, features)`.

    Returns:
        1-D float64 array `norms` of length `time`; `norms[k - 1]` is ‖∂h_T/∂h_{T-k}‖.
    """
    import keras
    import tensorflow as tf

    features = rnn_cell.kernel.shape[0]
    if x.shape[1] != features:
        raise ValueError(f"x must have {features} feature(s) per step for this cell, got shape {x.shape}.")
    units = rnn_cell.units
    X = tf.constant(np.repeat(x[None], units, axis=0), dtype=tf.float32)   # `units` copies of one sequence
    states = [tf.zeros((units, units)) for _ in range(2 if isinstance(rnn_cell, keras.layers.LSTMCell) else 1)]
    history = []
    with tf.GradientTape() as tape:
        for t in range(x.shape[0]):
            for state in states:
                tape.watch(state)
            history.append(states)
            h, states = rnn_cell(X[:, t], states)
            states = list(states) if isinstance(states, (list, tuple)) else [states]
        seed_gradient = tf.reduce_sum(tf.linalg.diag_part(h))           # copy i backpropagates unit i of h_T
    grads = tape.gradient(seed_gradient, history)
    norms = [np.linalg.norm(np.concatenate([g.numpy() for g in step], axis=1), 2) for step in grads]
    return np.asarray(norms[::-1], dtype=np.float64)


@validate(length=Count(), seed=Seed())
def clipping_data(length=50, seed=0):
    """The clipping experiment's data: next-value prediction on 32 sine windows (step 0.3 rad, random phase).

    Introduced in notebook 03.

    Args:
        length: steps per sequence; an int >= 1.
        seed: seed of the phases; an int >= 0.

    Returns:
        `(X, Y_target)`, both float64 `(32, length, 1)`; `Y_target` is `X` shifted one step ahead.
    """
    S = data.sine_windows(32, length + 1, step=0.3, seed=seed)
    return S[:, :-1, None], S[:, 1:, None]


@validate(radius=_RADIUS, units=Size(), seed=Seed())
def clipping_params(radius=2.0, units=16, seed=0):
    """The clipping experiment's starting weights: `N(0, 0.5²)`, recurrent matrix `orthogonal_times(radius)`.

    Introduced in notebook 03.

    Args:
        radius: spectral radius of the recurrent matrix, > 0.
        units: hidden units; an int >= 1.
        seed: random seed; an int >= 0.

    Returns:
        dict of Elman parameters (see `rnn_helpers.bptt.init_elman`).
    """
    params = bptt.init_elman(1, units, 1, seed=seed, scale=0.5)
    params["W_hh"] = orthogonal_times(radius, units, seed)
    return params


@validate(clip_norm=Optional(Float(strictly_positive=True)), learning_rate=LearningRate(), radius=_RADIUS,
          steps=Count(), length=Count(), units=Size(), seed=Seed(), nudge=Float(minimum=-1e-3, maximum=1e-3))
def clipping_run(clip_norm=None, learning_rate=0.1, radius=2.0, steps=200, length=50, units=16, seed=0, nudge=0.0):
    """Train an Elman network by full BPTT and plain gradient descent, with or without gradient clipping.

    Introduced in notebook 03. Data from `clipping_data(length, seed)`, starting weights from
    `clipping_params(radius, units, seed)`. Clipping by norm rescales the whole gradient `g` to
    `g * clip_norm / ||g||` whenever `||g|| > clip_norm`. The run stops at the first non-finite value.
    With `radius` 2 the run is chaotic: a change in the last digits of the starting weights (`nudge`), like
    the different rounding of another CPU, ends at a visibly different loss.

    Args:
        clip_norm: the largest allowed gradient norm, > 0; None for no clipping.
        learning_rate: gradient-descent step size, > 0.
        radius: spectral radius of the initial recurrent matrix, > 0.
        steps: number of updates; an int >= 1.
        length: steps per training sequence; an int >= 1.
        units: hidden units; an int >= 1.
        seed: seeds the weights and the data; an int >= 0.
        nudge: add `nudge` times a fixed random direction (`N(0, 1)` per weight, drawn with `seed`) to every
            starting weight; 0 for none. A float with |nudge| <= 1e-3.

    Returns:
        dict with `loss` (1-D array, one value per update that was computed, `inf` last if the weights
        overflowed), `grad_norm` (1-D array, the norm before clipping) and `diverged` (bool: the loss or the
        gradient stopped being finite).
    """
    X, Y = clipping_data(length, seed)
    params = clipping_params(radius, units, seed)
    direction = np.random.default_rng(seed)
    params = {name: w + nudge * direction.standard_normal(w.shape) for name, w in params.items()}
    losses, grad_norms = [], []
    with np.errstate(over="ignore", invalid="ignore"):     # overflow is the expected outcome, not a bug
        for _ in range(steps):
            loss, grads = _elman_loss_and_grads_or_inf(X, Y, params)
            if grads is None:
                losses.append(np.inf)
                break
            norm = float(np.sqrt(sum(np.sum(g**2) for g in grads.values())))
            losses.append(loss)
            grad_norms.append(norm)
            scale = 1.0 if clip_norm is None or norm <= clip_norm else clip_norm / norm
            for name in params:
                params[name] = params[name] - learning_rate * scale * grads[name]
    losses, grad_norms = np.asarray(losses), np.asarray(grad_norms)
    diverged = not (np.all(np.isfinite(losses)) and np.all(np.isfinite(grad_norms)))
    return {"loss": losses, "grad_norm": grad_norms, "diverged": diverged}


def _elman_loss_and_grads_or_inf(X, Y, params):
    """BPTT loss and gradients, or `(inf, None)` once the weights or the loss are no longer finite."""
    if not all(np.all(np.isfinite(w)) for w in params.values()):
        return np.inf, None
    loss, grads = bptt.elman_loss_and_grads(X, Y, params)
    return (loss, grads) if np.isfinite(loss) else (np.inf, None)
