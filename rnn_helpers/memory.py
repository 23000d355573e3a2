"""Measuring short memory: gradient norms through time, gradient clipping, and how far back a cell remembers.

Introduced in notebook 03. Three experiments, each a function that the notebook and its claims test both
call with the same arguments:

- `gradient_norms`: ‖∂h_T/∂h_t‖ against the distance T − t, for Elman (with its recurrent matrix scaled
  to a chosen spectral radius), LSTM and GRU cells.
- `clipping_run`: plain gradient descent on an Elman network with numpy BPTT, with or without clipping
  the gradient norm.
- `train_memory_task` / `memory_experiment`: train Elman, Jordan, LSTM and GRU networks on a memory task
  (`rnn_helpers.data.recall_first` or `rnn_helpers.data.adding_problem`) and score them on fresh data.
"""

import time

import numpy as np

from . import bptt, data
from ._validation import check_array, check_choice, check_float, check_int

CELLS = ("elman", "jordan", "lstm", "gru")
GRADIENT_CELLS = ("elman", "lstm", "gru")
TASKS = ("recall_first", "adding")
# Notebook 03's memory experiment, as (task, cells, lags); its claims test runs the same plan. Jordan, which
# already fails at lag 10, is spared the longer lags to keep the notebook within its time budget.
NOTEBOOK_PLAN = (
    ("recall_first", ("elman", "lstm", "gru"), (40,)),
    ("adding", ("elman", "jordan", "lstm", "gru"), (10,)),
    ("adding", ("elman", "lstm", "gru"), (40,)),
)


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
    radius = check_float("radius", radius, strictly_positive=True)
    units = check_int("units", units, minimum=1)
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    Q, R = np.linalg.qr(rng.standard_normal((units, units)))
    return radius * Q * np.sign(np.diag(R))  # the sign fix makes Q uniformly distributed


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
    cell = check_choice("cell", cell, GRADIENT_CELLS)
    length = check_int("length", length, minimum=1)
    units = check_int("units", units, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    if radius is not None:
        if cell != "elman":
            raise ValueError(f"radius applies to the Elman cell only, got radius={radius!r} for cell={cell!r}. "
                             "Pass radius=None for LSTM and GRU.")
        W_hh = orthogonal_times(radius, units, seed)
    import keras

    keras.utils.set_random_seed(seed)
    rnn_cell = {"elman": keras.layers.SimpleRNNCell, "lstm": keras.layers.LSTMCell, "gru": keras.layers.GRUCell}[
        cell](units)
    rnn_cell.build((None, 1))
    if radius is not None:
        rnn_cell.recurrent_kernel.assign(W_hh)
    x = np.random.default_rng(seed).standard_normal((length, 1))
    return state_jacobian_norms(rnn_cell, x)


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

    kinds = (keras.layers.SimpleRNNCell, keras.layers.LSTMCell, keras.layers.GRUCell)
    if not isinstance(rnn_cell, kinds):
        raise TypeError(
            f"rnn_cell must be a Keras SimpleRNNCell, LSTMCell or GRUCell, got {type(rnn_cell).__name__}. "
            "For a layer such as keras.layers.LSTM(16), pass layer.cell."
        )
    if not rnn_cell.built:
        raise ValueError("rnn_cell must be built (have weights). Call rnn_cell.build((None, features)) first.")
    x = check_array("x", x, ndim=2)
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


def clipping_data(length=50, seed=0):
    """The clipping experiment's data: next-value prediction on 32 sine windows (step 0.3 rad, random phase).

    Introduced in notebook 03.

    Args:
        length: steps per sequence; an int >= 1.
        seed: seed of the phases; an int >= 0.

    Returns:
        `(X, Y_target)`, both float64 `(32, length, 1)`; `Y_target` is `X` shifted one step ahead.
    """
    length = check_int("length", length, minimum=1)
    S = data.sine_windows(32, length + 1, step=0.3, seed=seed)
    return S[:, :-1, None], S[:, 1:, None]


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


def clipping_run(clip_norm=None, learning_rate=0.1, radius=2.0, steps=200, length=50, units=16, seed=0):
    """Train an Elman network by full BPTT and plain gradient descent, with or without gradient clipping.

    Introduced in notebook 03. Data from `clipping_data(length, seed)`, starting weights from
    `clipping_params(radius, units, seed)`. Clipping by norm rescales the whole gradient `g` to
    `g * clip_norm / ||g||` whenever `||g|| > clip_norm`. The run stops at the first non-finite value.

    Args:
        clip_norm: the largest allowed gradient norm, > 0; None for no clipping.
        learning_rate: gradient-descent step size, > 0.
        radius: spectral radius of the initial recurrent matrix, > 0.
        steps: number of updates; an int >= 1.
        length: steps per training sequence; an int >= 1.
        units: hidden units; an int >= 1.
        seed: seeds the weights and the data; an int >= 0.

    Returns:
        dict with `loss` (1-D array, one value per update that was computed, `inf` last if the weights
        overflowed), `grad_norm` (1-D array, the norm before clipping) and `diverged` (bool: the loss or the
        gradient stopped being finite).
    """
    if clip_norm is not None:
        clip_norm = check_float("clip_norm", clip_norm, strictly_positive=True)
    learning_rate = check_float("learning_rate", learning_rate, strictly_positive=True)
    steps = check_int("steps", steps, minimum=1)
    X, Y = clipping_data(length, seed)
    params = clipping_params(radius, units, seed)
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


def build_memory_model(cell, features, units=16):
    """A recurrent layer of the chosen cell followed by `Dense(1)`: reads a whole sequence, answers once.

    Introduced in notebook 03. Jordan uses `rnn_helpers.keras_rnn.JordanCell` with one output unit, so its
    state (the previous output) is a single number.

    Args:
        cell: "elman", "jordan", "lstm" or "gru".
        features: input features per step; an int >= 1.
        units: hidden units; an int >= 1.

    Returns:
        An uncompiled `keras.Sequential` mapping `(batch, time, features)` to `(batch, 1)`.
    """
    cell = check_choice("cell", cell, CELLS)
    features = check_int("features", features, minimum=1)
    units = check_int("units", units, minimum=1)
    import keras

    if cell == "jordan":
        from .keras_rnn import JordanCell

        recurrent = keras.layers.RNN(JordanCell(units))
    else:
        recurrent = {"elman": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}[cell](units)
    return keras.Sequential([keras.Input((None, features)), recurrent, keras.layers.Dense(1)], name=f"{cell}_memory")


def train_memory_task(cell, lag, task="adding", epochs=10, n_samples=4096, batch_size=128, units=16,
                      learning_rate=1e-2, seed=0):
    """Train one cell on one memory task and score it on 1000 fresh sequences.

    Introduced in notebook 03. Adam on the mean squared error; the score is R² on the test set
    (1 = perfect, 0 = no better than always guessing the mean).

    Args:
        cell: "elman", "jordan", "lstm" or "gru".
        lag: how far back the answer lies: the sequence length for "recall_first" and "adding".
        task: "recall_first" (`rnn_helpers.data.recall_first`) or "adding" (`rnn_helpers.data.adding_problem`).
        epochs: passes over the training set; an int >= 1.
        n_samples: training sequences; an int >= 1.
        batch_size: sequences per Adam step; an int >= 1.
        units: hidden units; an int >= 1.
        learning_rate: Adam's step size, > 0.
        seed: seeds the weights and the training data (the test data uses `seed + 1`); an int >= 0.

    Returns:
        dict with `cell, task, lag, r2, train_seconds, updates, params` (number of weights) and `model`
        (the trained Keras model).
    """
    cell = check_choice("cell", cell, CELLS)
    task = check_choice("task", task, TASKS)
    lag = check_int("lag", lag, minimum=2)
    epochs = check_int("epochs", epochs, minimum=1)
    n_samples = check_int("n_samples", n_samples, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    units = check_int("units", units, minimum=1)
    learning_rate = check_float("learning_rate", learning_rate, strictly_positive=True)
    seed = check_int("seed", seed, minimum=0)
    import keras

    make = data.recall_first if task == "recall_first" else data.adding_problem
    X, y = make(n_samples, lag, seed=seed)
    X_test, y_test = make(1000, lag, seed=seed + 1)
    keras.utils.set_random_seed(seed)
    model = build_memory_model(cell, X.shape[2], units)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="mse", steps_per_execution=64)
    start = time.perf_counter()
    model.fit(X, y, epochs=epochs, batch_size=batch_size, shuffle=True, verbose=0)
    train_seconds = time.perf_counter() - start
    prediction = keras.ops.convert_to_numpy(model(X_test, training=False))
    r2 = 1.0 - float(np.mean((prediction - y_test) ** 2) / np.var(y_test))
    return {
        "cell": cell,
        "task": task,
        "lag": lag,
        "r2": r2,
        "train_seconds": train_seconds,
        "updates": epochs * int(np.ceil(n_samples / batch_size)),
        "params": int(model.count_params()),
        "model": model,
    }


def memory_experiment(plan=NOTEBOOK_PLAN, progress=True, **settings):
    """Run `train_memory_task` for every (task, cell, lag) of a plan; return the results as a DataFrame.

    Introduced in notebook 03.

    Args:
        plan: a sequence of `(task, cells, lags)` triples, e.g. `[("adding", ["elman", "gru"], [10, 20])]`;
            every cell is trained at every lag of its triple.
        progress: show a tqdm progress bar over all runs.
        **settings: passed on to `train_memory_task` (epochs, n_samples, batch_size, units, learning_rate, seed).

    Returns:
        DataFrame with one row per run and the columns of `train_memory_task`'s result.
    """
    import pandas as pd
    from tqdm.auto import tqdm

    if "task" in settings:
        raise TypeError("memory_experiment takes the task from each plan entry, not as task=...; "
                        "write the plan as [(task, cells, lags), ...].")
    if isinstance(plan, (str, dict)) or not hasattr(plan, "__iter__"):
        raise TypeError(f"plan must be a list of (task, cells, lags) triples, got {type(plan).__name__}.")
    runs = []
    for entry in plan:
        if not isinstance(entry, (tuple, list)) or len(entry) != 3:
            raise ValueError(f"each plan entry must be a (task, cells, lags) triple, got {entry!r}. "
                             "Example: ('adding', ['elman', 'gru'], [10, 20]).")
        task, cells, lags = entry
        task = check_choice("task", task, TASKS)
        if isinstance(cells, str) or isinstance(lags, (int, str)):
            raise TypeError(f"cells and lags must be lists, e.g. ['elman', 'gru'] and [10, 20]; got {cells!r} and "
                            f"{lags!r}.")
        cells = [check_choice("cell", cell, CELLS) for cell in cells]
        lags = [check_int("lag", lag, minimum=2) for lag in lags]
        runs += [(task, cell, lag) for lag in lags for cell in cells]
    if not runs:
        raise ValueError("plan must contain at least one (task, cell, lag) run.")
    rows = [train_memory_task(cell, lag, task=task, **settings)
            for task, cell, lag in tqdm(runs, desc="training", unit="run", disable=not progress)]
    return pd.DataFrame(rows)
