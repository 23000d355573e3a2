"""LSTM and GRU gates: weights between Keras and numpy, gate traces, parameter counts, a fair race.

Introduced in notebooks 04 (LSTM) and 05 (GRU). Keras stores the gates of a cell side by side in three
fused arrays — `kernel` `(features, k * units)`, `recurrent_kernel` `(units, k * units)` and `bias` — in the
order i, f, c, o for the LSTM (k = 4) and z, r, h for the GRU (k = 3). The functions here cut them into the
named weights of `rnn_helpers.numpy_rnn` (W_xf, W_hf, b_f, ...) and glue them back together.
"""

import time

import numpy as np

from . import data, forecast, numpy_rnn, stateful
from ._validation import check_array, check_choice, check_float, check_int, check_keras_model

KINDS = ("SimpleRNN", "GRU", "LSTM")


def _check_bool(name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r}.")
    return bool(value)


def _check_layer(name, layer, class_name):
    """Return `layer` if it is a built Keras layer of class `class_name` (e.g. "LSTM")."""
    import keras

    expected = getattr(keras.layers, class_name)
    if not isinstance(layer, expected):
        raise TypeError(
            f"{name} must be a keras.layers.{class_name}, got {type(layer).__name__}. "
            f"Pass the layer itself, e.g. model.layers[0] or model.get_layer('{class_name.lower()}')."
        )
    if not layer.built:
        raise ValueError(f"{name} must be built (have weights). Call the model on data or give it a keras.Input.")
    if getattr(layer, "use_bias", True) is False:
        raise ValueError(f"{name} was made with use_bias=False; these helpers expect the default use_bias=True.")
    return layer


def lstm_params_from_keras(layer):
    """Cut the fused weights of a `keras.layers.LSTM` into the 12 named weights of the numpy cell.

    Introduced in notebook 04. Keras keeps the gates in the order i, f, c, o along the last axis.

    Args:
        layer: a built `keras.layers.LSTM`.

    Returns:
        dict `{"W_xi", "W_hi", "b_i", "W_xf", ...}` of float64 arrays: `W_x?` `(features, units)`,
        `W_h?` `(units, units)`, `b_?` `(units,)` — ready for `numpy_rnn.lstm_forward`.
    """
    layer = _check_layer("layer", layer, "LSTM")
    kernel, recurrent_kernel, bias = (np.asarray(w, dtype=np.float64) for w in layer.get_weights())
    units = layer.units
    params = {}
    for k, gate in enumerate(numpy_rnn.LSTM_GATES):
        columns = slice(k * units, (k + 1) * units)
        params[f"W_x{gate}"] = kernel[:, columns]
        params[f"W_h{gate}"] = recurrent_kernel[:, columns]
        params[f"b_{gate}"] = bias[columns]
    return params


def lstm_params_to_keras(params):
    """Glue named LSTM weights into the `[kernel, recurrent_kernel, bias]` list of `layer.set_weights`.

    Introduced in notebook 04.

    Args:
        params: dict with the 12 weights of `numpy_rnn.lstm_param_names()`.

    Returns:
        list of three float32 arrays: `(features, 4 * units)`, `(units, 4 * units)`, `(4 * units,)`.
    """
    names = numpy_rnn.lstm_param_names()
    features = _features_of(params, names)
    p, _ = numpy_rnn._check_params(params, names, features)
    gates = numpy_rnn.LSTM_GATES
    return [
        np.concatenate([p[f"W_x{g}"] for g in gates], axis=1).astype(np.float32),
        np.concatenate([p[f"W_h{g}"] for g in gates], axis=1).astype(np.float32),
        np.concatenate([p[f"b_{g}"] for g in gates]).astype(np.float32),
    ]


def gru_params_from_keras(layer):
    """Cut the fused weights of a `keras.layers.GRU` into the named weights of the numpy cell.

    Introduced in notebook 05. Keras keeps the gates in the order z, r, h. With `reset_after=True` (the
    default) the bias has shape `(2, 3 * units)`: row 0 is added to the input part, row 1 to the recurrent
    part, so each gate gets two biases `b_x?` and `b_h?`; with `reset_after=False` one bias `b_?`.

    Args:
        layer: a built `keras.layers.GRU`.

    Returns:
        dict of float64 arrays for `numpy_rnn.gru_forward(..., reset_after=layer.reset_after)`.
    """
    layer = _check_layer("layer", layer, "GRU")
    kernel, recurrent_kernel, bias = (np.asarray(w, dtype=np.float64) for w in layer.get_weights())
    units = layer.units
    params = {}
    for k, gate in enumerate(numpy_rnn.GRU_GATES):
        columns = slice(k * units, (k + 1) * units)
        params[f"W_x{gate}"] = kernel[:, columns]
        params[f"W_h{gate}"] = recurrent_kernel[:, columns]
        if layer.reset_after:
            params[f"b_x{gate}"] = bias[0, columns]
            params[f"b_h{gate}"] = bias[1, columns]
        else:
            params[f"b_{gate}"] = bias[columns]
    return params


def gru_params_to_keras(params, reset_after=True):
    """Glue named GRU weights into the `[kernel, recurrent_kernel, bias]` list of `layer.set_weights`.

    Introduced in notebook 05.

    Args:
        params: dict with the weights of `numpy_rnn.gru_param_names(reset_after)`.
        reset_after: the form of the target layer; the bias is `(2, 3 * units)` if True, `(3 * units,)` if not.

    Returns:
        list of three float32 arrays for `keras.layers.GRU(units, reset_after=reset_after).set_weights`.
    """
    reset_after = _check_bool("reset_after", reset_after)
    names = numpy_rnn.gru_param_names(reset_after)
    features = _features_of(params, names)
    p, _ = numpy_rnn._check_params(params, names, features)
    gates = numpy_rnn.GRU_GATES
    if reset_after:
        bias = np.stack([np.concatenate([p[f"b_x{g}"] for g in gates]), np.concatenate([p[f"b_h{g}"] for g in gates])])
    else:
        bias = np.concatenate([p[f"b_{g}"] for g in gates])
    return [
        np.concatenate([p[f"W_x{g}"] for g in gates], axis=1).astype(np.float32),
        np.concatenate([p[f"W_h{g}"] for g in gates], axis=1).astype(np.float32),
        bias.astype(np.float32),
    ]


def _features_of(params, names):
    """The input size implied by the first input kernel, with the same checks as the numpy cells."""
    if not isinstance(params, dict) or names[0] not in params:
        numpy_rnn._check_params(params, names, 0)  # raises the standard TypeError / ValueError
    return check_array(names[0], params[names[0]], ndim=2).shape[0]


def random_params(kind, features, units, seed=0, scale=0.5, reset_after=True):
    """Random named weights for a numpy LSTM or GRU cell: every entry uniform in [-scale, scale).

    Introduced in notebook 04; the parity tests use it for random shapes.

    Args:
        kind: "LSTM" or "GRU".
        features: inputs per step; an int >= 1.
        units: size of the state; an int >= 1.
        seed: seed of the draws; an int >= 0.
        scale: half-width of the uniform range; > 0.
        reset_after: GRU form (ignored for the LSTM).

    Returns:
        dict of float64 arrays named as in `numpy_rnn.lstm_param_names()` / `gru_param_names(reset_after)`.
    """
    kind = check_choice("kind", kind, ("LSTM", "GRU"))
    features = check_int("features", features, minimum=1)
    units = check_int("units", units, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    scale = check_float("scale", scale, strictly_positive=True)
    reset_after = _check_bool("reset_after", reset_after)
    names = numpy_rnn.lstm_param_names() if kind == "LSTM" else numpy_rnn.gru_param_names(reset_after)
    rng = np.random.default_rng(seed)
    shapes = {"W_x": (features, units), "W_h": (units, units), "b_": (units,)}
    return {name: rng.uniform(-scale, scale, size=shapes[name[:3] if name[0] == "W" else "b_"]) for name in names}


def param_count(kind, features, units, reset_after=True):
    """The number of weights of one recurrent layer, from the formula (no Keras needed).

    Introduced in notebook 05. Each gate (or the single tanh layer of SimpleRNN) has an input kernel
    `features × units`, a recurrent kernel `units × units` and a bias of `units`:

        SimpleRNN: 1 · units · (features + units + 1)
        LSTM:      4 · units · (features + units + 1)        (gates i, f, o and the candidate)
        GRU:       3 · units · (features + units + 1)        reset_after=False
                   3 · units · (features + units + 2)        reset_after=True: a second bias per gate

    Args:
        kind: "SimpleRNN", "GRU" or "LSTM".
        features: inputs per step; an int >= 1.
        units: size of the state; an int >= 1.
        reset_after: GRU form (ignored for the others).

    Returns:
        int, equal to `keras.layers.<kind>(units).count_params()` once built on `features` inputs.
    """
    kind = check_choice("kind", kind, KINDS)
    features = check_int("features", features, minimum=1)
    units = check_int("units", units, minimum=1)
    reset_after = _check_bool("reset_after", reset_after)
    if kind == "SimpleRNN":
        return units * (features + units + 1)
    if kind == "LSTM":
        return 4 * units * (features + units + 1)
    return 3 * units * (features + units + (2 if reset_after else 1))


def build_layer(kind, units, reset_after=True, return_sequences=False):
    """A fresh `keras.layers.SimpleRNN`, `GRU` or `LSTM` with `units` units (tanh, Keras defaults).

    Introduced in notebook 05.

    Args:
        kind: "SimpleRNN", "GRU" or "LSTM".
        units: size of the state; an int >= 1.
        reset_after: GRU form (ignored for the others).
        return_sequences: return the output of every step `(batch, time, units)` instead of the last.

    Returns:
        an unbuilt Keras layer named after its kind ("simplernn", "gru", "lstm").
    """
    import keras

    kind = check_choice("kind", kind, KINDS)
    units = check_int("units", units, minimum=1)
    reset_after = _check_bool("reset_after", reset_after)
    return_sequences = _check_bool("return_sequences", return_sequences)
    name = kind.lower()
    if kind == "GRU":
        return keras.layers.GRU(units, reset_after=reset_after, return_sequences=return_sequences, name=name)
    return getattr(keras.layers, kind)(units, return_sequences=return_sequences, name=name)


def keras_param_count(kind, features, units, reset_after=True):
    """`count_params()` of a Keras layer of this kind, built on `(batch, time, features)` inputs.

    Introduced in notebook 05, to check `param_count` against the library.

    Args:
        kind, units, reset_after: as for `build_layer`.
        features: inputs per step; an int >= 1.

    Returns:
        int, the number of weights Keras creates.
    """
    features = check_int("features", features, minimum=1)
    layer = build_layer(kind, units, reset_after=reset_after)
    layer.build((None, None, features))
    return int(layer.count_params())


# --- gate traces (notebook 04) -----------------------------------------------------------------------------


def lstm_gate_trace(layer, x, h0=None, c0=None):
    """Run the numpy copy of a Keras LSTM over one sequence and keep every gate at every step.

    Introduced in notebook 04.

    Args:
        layer: a built `keras.layers.LSTM`.
        x: one sequence, `(time, features)`; a 1-D array is read as one feature per step.
        h0, c0: optional start states `(units,)`.

    Returns:
        dict of `(time, units)` float64 arrays: "f", "i", "c_tilde", "o", "c" (cell state), "h" (output),
        plus "x" `(time, features)`.
    """
    layer = _check_layer("layer", layer, "LSTM")
    x = _check_one_sequence(x)
    starts = {}
    for name, value in (("h0", h0), ("c0", c0)):
        if value is not None:
            starts[name] = check_array(name, value, ndim=1)[None, :]
    H, C, g = numpy_rnn.lstm_forward(x[None], lstm_params_from_keras(layer), **starts)
    trace = {name: value[0] for name, value in g.items()}
    trace.update(c=C[0], h=H[0], x=x)
    return trace


def gru_gate_trace(layer, x, h0=None):
    """Run the numpy copy of a Keras GRU over one sequence and keep every gate at every step.

    Introduced in notebook 05.

    Args:
        layer: a built `keras.layers.GRU` (either form of `reset_after`).
        x: one sequence, `(time, features)`; a 1-D array is read as one feature per step.
        h0: optional start state `(units,)`.

    Returns:
        dict of `(time, units)` float64 arrays: "z" (update gate), "r" (reset gate), "h_tilde" (candidate),
        "h" (state), plus "x" `(time, features)`.
    """
    layer = _check_layer("layer", layer, "GRU")
    x = _check_one_sequence(x)
    starts = {} if h0 is None else {"h0": check_array("h0", h0, ndim=1)[None, :]}
    H, g = numpy_rnn.gru_forward(x[None], gru_params_from_keras(layer), reset_after=layer.reset_after, **starts)
    trace = {name: value[0] for name, value in g.items()}
    trace.update(h=H[0], x=x)
    return trace


def _check_one_sequence(x):
    """Validate one input sequence; return it as `(time, features)` float64."""
    x = check_array("x", x)
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2:
        raise ValueError(f"x must be one sequence, (time, features) or 1-D, got shape {x.shape}. Use X[0] for a batch.")
    return x


def gate_means_by_mask(layer, X, mask):
    """Average every gate of an LSTM or GRU, unit by unit, over the steps where `mask` is on and where it is off.

    Introduced in notebook 04: on the adding problem, `mask = X[:, :, 1] == 1` marks the steps whose value
    must be remembered, and the input gate of some units opens exactly there. Notebook 05 does the same
    for the GRU's update and reset gates.

    Args:
        layer: a built `keras.layers.LSTM` or `keras.layers.GRU`.
        X: inputs, `(batch, time, features)`.
        mask: booleans `(batch, time)`; needs at least one on and one off step.

    Returns:
        dict gate name -> `(on, off)`, two `(units,)` arrays of means; the names are "f", "i", "c_tilde", "o"
        for an LSTM and "z", "r", "h_tilde" for a GRU.
    """
    import keras

    if isinstance(layer, keras.layers.GRU):
        layer = _check_layer("layer", layer, "GRU")
    else:
        layer = _check_layer("layer", layer, "LSTM")
    X = check_array("X", X, ndim=3)
    mask = np.asarray(mask)
    if mask.dtype != bool:
        raise TypeError(f"mask must be an array of booleans, got dtype {mask.dtype}. Use e.g. X[:, :, 1] == 1.")
    if mask.shape != X.shape[:2]:
        raise ValueError(f"mask must have shape (batch, time) = {X.shape[:2]}, got {mask.shape}.")
    if mask.all() or not mask.any():
        raise ValueError("mask must be on at some steps and off at others, to compare the two.")
    if isinstance(layer, keras.layers.GRU):
        _, g = numpy_rnn.gru_forward(X, gru_params_from_keras(layer), reset_after=layer.reset_after)
    else:
        _, _, g = numpy_rnn.lstm_forward(X, lstm_params_from_keras(layer))
    return {name: (value[mask].mean(axis=0), value[~mask].mean(axis=0)) for name, value in g.items()}


# --- the race on the sine forecast and the memory task (notebook 05) ---------------------------------------


def build_forecaster(kind, units=16, reset_after=True):
    """A sequence model `(batch, time, 1) -> (batch, time, 1)`: one recurrent layer, then Dense(1) per step.

    Introduced in notebook 04 (LSTM) and used for all three kinds in notebook 05.

    Args:
        kind: "SimpleRNN", "GRU" or "LSTM".
        units: size of the state; an int >= 1.
        reset_after: GRU form (ignored for the others).

    Returns:
        an unbuilt `keras.Sequential` whose layers are named "<kind in lower case>" and "dense".
    """
    import keras

    layer = build_layer(kind, units, reset_after=reset_after, return_sequences=True)
    return keras.Sequential([keras.Input(shape=(None, 1)), layer, keras.layers.Dense(1, name="dense")], name=kind)


def _check_kinds(kinds):
    """Validate a tuple of cell kinds: non-empty, each one of KINDS, no repeats."""
    if isinstance(kinds, str) or not isinstance(kinds, (tuple, list)):
        raise TypeError(f"kinds must be a tuple of cell names from {KINDS}, got {type(kinds).__name__} {kinds!r}.")
    if not kinds:
        raise ValueError(f"kinds must name at least one cell from {KINDS}, got an empty {type(kinds).__name__}.")
    kinds = tuple(check_choice("each kind", kind, KINDS) for kind in kinds)
    if len(set(kinds)) != len(kinds):
        raise ValueError(f"kinds must not repeat a cell, got {kinds}.")
    return kinds


def race_sine(kinds=KINDS, units=16, epochs=300, learning_rate=0.01, seed=0, progress=True):
    """Train one sine forecaster per kind, side by side, and time their epochs fairly.

    Introduced in notebook 05. Each model is trained exactly as by `train_sine_forecaster` (same seed, same
    steps, same result); the models only take turns, a chunk of epochs each, so that a burst of work
    from other programs slows all of them alike instead of one.

    Args:
        kinds: tuple of cell kinds, e.g. ("SimpleRNN", "GRU", "LSTM").
        units, epochs, learning_rate, seed, progress: as for `train_sine_forecaster`.

    Returns:
        dict kind -> the result dict of `train_sine_forecaster`.
    """
    import keras
    import tensorflow as tf
    from tqdm.auto import tqdm

    kinds = _check_kinds(kinds)
    units = check_int("units", units, minimum=1)
    epochs = check_int("epochs", epochs, minimum=2)
    learning_rate = check_float("learning_rate", learning_rate, strictly_positive=True)
    seed = check_int("seed", seed, minimum=0)
    progress = _check_bool("progress", progress)

    x, y = forecast.article_data()
    models, runners = {}, {}
    for kind in kinds:
        keras.utils.set_random_seed(seed)  # each model starts from the weights it would get on its own
        models[kind] = build_forecaster(kind, units)
        runners[kind] = forecast.full_bptt_runner(models[kind], x, y, learning_rate)

    losses = {kind: [] for kind in kinds}
    seconds = {kind: 0.0 for kind in kinds}
    seconds_per_epoch = {kind: [] for kind in kinds}
    chunk = max(1, min(50, epochs // 4))
    done = 0
    with tqdm(total=epochs * len(kinds), desc="sine", unit="epoch", disable=not progress, leave=False) as bar:
        while done < epochs:
            n = min(chunk, epochs - done)
            for kind in kinds:
                start = time.perf_counter()
                losses[kind].extend(runners[kind](tf.constant(n)).numpy().tolist())
                elapsed = time.perf_counter() - start
                seconds[kind] += elapsed
                if done > 0:  # the first chunk also traces the graph
                    seconds_per_epoch[kind].append(elapsed / n)
                bar.update(n)
            done += n

    expected = forecast.expected_continuation()
    results = {}
    for kind in kinds:
        generated = stateful.generate(models[kind], x, expected.size)
        error = np.abs(generated - expected)
        results[kind] = {
            "kind": kind,
            "units": units,
            "params": int(models[kind].layers[0].count_params()),
            "model": models[kind],
            "losses": np.array(losses[kind]),
            "train_seconds": seconds[kind],
            "seconds_per_epoch": min(seconds_per_epoch[kind]),
            "generated": generated,
            "expected": expected,
            "mse_36": float(np.mean(error**2)),
            "max_abs_err_36": float(error.max()),
        }
    return results


def train_sine_forecaster(kind, units=16, epochs=300, learning_rate=0.01, seed=0, progress=True):
    """Train a forecaster on the article's series with full BPTT, then let it generate 36 values alone.

    Introduced in notebook 04 (LSTM) and notebook 05 (SimpleRNN vs GRU vs LSTM). The inputs are
    sin(0..35), the targets sin(1..36); every epoch is one Adam step on the whole 36-step sequence. After
    training, a stateful twin of the model reads the series and then feeds each forecast back as the next
    input for sin(36..71) (`rh.stateful.generate`).

    Args:
        kind: "SimpleRNN", "GRU" or "LSTM".
        units: units of the recurrent layer; an int >= 1.
        epochs: passes over the series (= gradient steps); an int >= 2 (timing needs two chunks).
        learning_rate: Adam step size; > 0.
        seed: seed of the initial weights; an int >= 0.
        progress: show a tqdm bar.

    Returns:
        dict with `kind, units, params` (count), `model`, `losses` (per epoch), `train_seconds`,
        `seconds_per_epoch` (the best chunk of epochs after the first, which also traces the graph; the
        best rather than the mean, so that other programs on the machine disturb it less),
        `generated`, `expected` (sin(36..71)), `mse_36`, `max_abs_err_36`.
    """
    kind = check_choice("kind", kind, KINDS)
    return race_sine((kind,), units=units, epochs=epochs, learning_rate=learning_rate, seed=seed,
                     progress=progress)[kind]


MEMORY_TASKS = ("adding", "recall_first")  # the names notebook 03 uses


def _memory_runner(model, learning_rate, batch_size):
    """A compiled `run_epoch(X, y)`: one pass in mini-batches of `batch_size`, Adam on the MSE; returns the
    mean batch loss (what Keras' `fit` reports as the epoch's loss)."""
    import keras
    import tensorflow as tf

    optimizer = keras.optimizers.Adam(learning_rate)
    variables = model.trainable_variables
    optimizer.build(variables)

    @tf.function
    def run_epoch(X, y):
        n = tf.shape(X)[0]
        n_batches = (n + batch_size - 1) // batch_size
        total = tf.constant(0.0)
        for k in tf.range(n_batches):
            X_batch, y_batch = X[k * batch_size:(k + 1) * batch_size], y[k * batch_size:(k + 1) * batch_size]
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(model(X_batch, training=True) - y_batch))
            optimizer.apply(tape.gradient(loss, variables), variables)
            total += loss
        return total / tf.cast(n_batches, tf.float32)

    return run_epoch


def race_memory(kinds=KINDS, task="adding", length=20, units=16, epochs=10, n_train=2048, batch_size=64,
                learning_rate=0.01, seed=0, progress=True):
    """Train one model per kind on a memory task of notebook 03, side by side, and time their epochs fairly.

    Introduced in notebook 05. Each model is trained exactly as by `train_memory` (same seed, same data
    order, same result); the models only take turns, one epoch each, so that a burst of work from other
    programs slows all of them alike instead of one.

    Args:
        kinds: tuple of cell kinds, e.g. ("SimpleRNN", "GRU", "LSTM").
        task, length, units, epochs, n_train, batch_size, learning_rate, seed, progress: as for `train_memory`.

    Returns:
        dict kind -> the result dict of `train_memory`.
    """
    import keras
    from tqdm.auto import tqdm

    import tensorflow as tf

    kinds = _check_kinds(kinds)
    task = check_choice("task", task, MEMORY_TASKS)
    length = check_int("length", length, minimum=2)
    units = check_int("units", units, minimum=1)
    epochs = check_int("epochs", epochs, minimum=2)
    n_train = check_int("n_train", n_train, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    learning_rate = check_float("learning_rate", learning_rate, strictly_positive=True)
    seed = check_int("seed", seed, minimum=0)
    progress = _check_bool("progress", progress)

    make = data.adding_problem if task == "adding" else data.recall_first
    X, y = make(n_train, length, seed=seed)
    X_test, y_test = make(512, length, seed=seed + 1)
    order = np.random.default_rng(seed)
    shuffles = [order.permutation(n_train) for _ in range(epochs)]  # the same data order for every model
    models, runners = {}, {}
    for kind in kinds:
        keras.utils.set_random_seed(seed)  # each model starts from the weights it would get on its own
        models[kind] = keras.Sequential(
            [keras.Input(shape=(length, X.shape[2])), build_layer(kind, units), keras.layers.Dense(1, name="dense")]
        )
        runners[kind] = _memory_runner(models[kind], learning_rate, batch_size)

    losses = {kind: [] for kind in kinds}
    seconds = {kind: [] for kind in kinds}
    with tqdm(total=epochs * len(kinds), desc=task, unit="epoch", disable=not progress, leave=False) as bar:
        for rows in shuffles:
            X_epoch, y_epoch = tf.constant(X[rows]), tf.constant(y[rows])
            for kind in kinds:
                start = time.perf_counter()
                losses[kind].append(float(runners[kind](X_epoch, y_epoch)))
                seconds[kind].append(time.perf_counter() - start)
                bar.update(1)

    results = {}
    for kind in kinds:
        prediction = np.asarray(models[kind](X_test))
        mse = float(np.mean((prediction - y_test) ** 2))
        results[kind] = {
            "kind": kind,
            "task": task,
            "length": length,
            "model": models[kind],
            "params": int(models[kind].layers[0].count_params()),
            "r2": 1.0 - mse / float(np.var(y_test)),
            "mse": mse,
            "losses": np.array(losses[kind]),
            "train_seconds": float(np.sum(seconds[kind])),
            "seconds_per_epoch": float(np.min(seconds[kind][1:])),  # the first epoch also traces the graph
        }
    return results


def train_memory(kind, task="adding", length=20, units=16, epochs=10, n_train=2048, batch_size=64,
                 learning_rate=0.01, seed=0, progress=True):
    """Train on a memory task of notebook 03 and score it on 512 fresh sequences.

    Introduced in notebook 04 (LSTM gates on the adding problem); notebook 05 races the three cells with
    `race_memory`. The data comes from `rnn_helpers.data` (notebook 03):
    "adding" — `adding_problem`: add the two values that carry a marker, one in each half of the sequence;
    "recall_first" — `recall_first`: output the first of `length` random values.

    Args:
        kind: "SimpleRNN", "GRU" or "LSTM".
        task: "adding" or "recall_first".
        length: steps per sequence; an int >= 2.
        units: units of the recurrent layer; an int >= 1.
        epochs: passes over the training set; an int >= 2 (the first one is not timed).
        n_train: training sequences; an int >= 1.
        batch_size: sequences per Adam step; an int >= 1.
        learning_rate: Adam step size; > 0.
        seed: seed of the weights, the training data and its order per epoch (the test data uses seed + 1).
        progress: show a tqdm bar over the epochs.

    Returns:
        dict with `kind, task, length, model, params, r2` (test R²: 1 = perfect, 0 = no better than guessing
        the mean), `mse`, `losses`, `train_seconds`, `seconds_per_epoch` (the fastest of epochs 2.., as the
        first one also traces the graph, and the fastest is the least disturbed by other programs).
    """
    kind = check_choice("kind", kind, KINDS)
    return race_memory((kind,), task=task, length=length, units=units, epochs=epochs, n_train=n_train,
                       batch_size=batch_size, learning_rate=learning_rate, seed=seed, progress=progress)[kind]
