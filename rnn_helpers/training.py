"""Training shared by the lessons: one cell and task vocabulary, one model builder, the compiled loops, the
timed races, and the scores.

Introduced in notebooks 03-06. What is inside:

- `TASKS`: the memory tasks every lesson uses ("recall_first", "adding"); the cells come from `rnn_helpers.cells`.
- `build_model`: a recurrent layer of any cell (`keras_rnn.build_layer`) followed by `Dense(1)`.
- `full_bptt_runner` (one Adam step on a whole sequence per epoch) and `minibatch_runner` (one pass over a
  data set in mini-batches per epoch): compiled TensorFlow loops, far faster than `fit` on small models.
- `race_sine`/`train_sine` (the article's sine forecast) and `race_memory`/`train_memory` (the memory tasks):
  several cells trained in turns, with fair timing; `train_*` trains one cell exactly as its race would.
- `r2_score`, `evaluate_forecast`, `task_data`, and the progress helpers `run_in_chunks`, `fit_progress`.

Lesson modules (`memory`, `gates`, `forecast`, ...) build on this module, never the other way round.
"""

import contextlib
import time

import numpy as np

from . import data, stateful
from ._validation import (check_array, check_bool, check_choice, check_count, check_float, check_int, check_keras_model,
                          check_size, check_text)
from .cells import CLASSIC
from .progress import progress_bar

TASKS = ("recall_first", "adding")  # the memory tasks of notebook 03, made by `rnn_helpers.data`
_TASK_DATA = {"recall_first": data.recall_first, "adding": data.adding_problem}


def run_in_chunks(run_epochs, epochs, desc, progress=True, chunk=50):
    """Call a compiled `run_epochs(n)` (returns `n` losses) in chunks, updating a progress bar between calls.

    Introduced in notebook 06. A compiled loop runs many epochs without returning to Python, which is
    what makes it fast; returning every `chunk` epochs keeps the progress bar alive.

    Args:
        run_epochs: a `tf.function` taking an int tensor `n` and returning `n` losses.
        epochs: total epochs; an int >= 1.
        desc: the bar's label. progress: show the bar. chunk: epochs per call; an int >= 1.

    Returns:
        1-D float array of the `epochs` losses.
    """
    import tensorflow as tf

    epochs = check_count("epochs", epochs)
    chunk = check_size("chunk", chunk)
    losses = []
    with progress_bar(epochs, desc, enabled=progress) as bar:
        while len(losses) < epochs:
            n = min(chunk, epochs - len(losses))
            losses.extend(run_epochs(tf.constant(n)).numpy().tolist())
            bar.update(n)
    return np.array(losses)


def fit_progress(epochs, desc):
    """A Keras callback that shows `fit`'s epochs as one progress bar (use with `fit(..., verbose=0)`).

    Introduced in notebook 07.

    Args:
        epochs: the `epochs` given to `fit`; an int >= 1.
        desc: the bar's label.

    Returns:
        A `keras.callbacks.Callback`.
    """
    import keras

    epochs = check_count("epochs", epochs)
    desc = check_text("desc", desc)

    class _EpochBar(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.bar = progress_bar(epochs, desc)

        def on_epoch_end(self, epoch, logs=None):
            self.bar.update(1)

        def on_train_end(self, logs=None):
            self.bar.close()

    return _EpochBar()


# --- data and scores ----------------------------------------------------------------------------------------


def task_data(task, n_samples, length, seed=0):
    """The data of a memory task: `data.recall_first` or `data.adding_problem`.

    Introduced in notebook 03.

    Args:
        task: "recall_first" (say the first of `length` random values) or "adding" (add the two marked values).
        n_samples: number of sequences; an int >= 1.
        length: steps per sequence; an int >= 2.
        seed: seed of the draws; an int >= 0.

    Returns:
        `(X, y)`: float32 `(n_samples, length, features)` (1 feature for recall, 2 for adding) and `(n_samples, 1)`.
    """
    task = check_choice("task", task, TASKS)
    length = check_count("length", length, minimum=2)
    return _TASK_DATA[task](n_samples, length, seed=seed)


def r2_score(y_true, y_pred):
    """The coefficient of determination `1 - MSE / Var(y_true)`.

    Introduced in notebook 03: 1 is perfect, 0 is no better than always answering the mean of `y_true`, and
    below 0 is worse than that.

    Args:
        y_true: true values, any shape with at least two different values.
        y_pred: predictions of the same shape.

    Returns:
        float.
    """
    y_true = check_array("y_true", y_true)
    y_pred = check_array("y_pred", y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same shape, got {y_true.shape} and {y_pred.shape}.")
    variance = float(np.var(y_true))
    if variance == 0.0:
        raise ValueError("y_true must hold at least two different values; R² divides by their variance.")
    return 1.0 - float(np.mean((y_pred - y_true) ** 2)) / variance


def evaluate_forecast(generated, expected):
    """Compare a generated continuation with the truth.

    Introduced in notebook 06; notebooks 04-05 score their sine forecasters with it.

    Args:
        generated: 1-D array of forecasts. expected: 1-D array of true values, same length.

    Returns:
        dict with `mse` (mean squared error), `max_abs_err`, and `abs_err_by_horizon` (1-D array).
    """
    generated = check_array("generated", generated, ndim=1)
    expected = check_array("expected", expected, ndim=1)
    if generated.shape != expected.shape:
        raise ValueError(
            f"generated and expected must have the same length, got {generated.size} and {expected.size}."
        )
    error = np.abs(generated - expected)
    return {"mse": float(np.mean(error**2)), "max_abs_err": float(error.max()), "abs_err_by_horizon": error}


# --- one model builder and the compiled loops ----------------------------------------------------------------


def build_model(cell, units=16, features=1, return_sequences=False, reset_after=True):
    """One recurrent layer of `cell` followed by `Dense(1)`.

    Introduced in notebook 03 (many-to-one, for the memory tasks); notebooks 04-05 use the many-to-many form
    (`return_sequences=True`, one prediction per step) for the sine forecast.

    Args:
        cell: "elman", "jordan", "lstm" or "gru" (see `keras_rnn.build_layer`).
        units: size of the state; an int >= 1.
        features: inputs per step; an int >= 1.
        return_sequences: False answers once after the whole sequence, `(batch, 1)`; True answers at every
            step, `(batch, time, 1)`.
        reset_after: GRU form (ignored for the others).

    Returns:
        an uncompiled `keras.Sequential` whose layers are named `cell` and "dense".
    """
    import keras

    from . import keras_rnn  # imports Keras: loaded on first use, so the command lines start fast

    features = check_size("features", features)
    layer = keras_rnn.build_layer(cell, units, return_sequences=return_sequences, reset_after=reset_after)
    return keras.Sequential([keras.Input(shape=(None, features)), layer, keras.layers.Dense(1, name="dense")],
                            name=cell)


def _adam_for(model, learning_rate):
    """An Adam optimizer built for the model's trainable variables, and those variables."""
    import keras

    model = check_keras_model("model", model)
    learning_rate = check_float("learning_rate", learning_rate, strictly_positive=True, maximum=10.0)
    optimizer = keras.optimizers.Adam(learning_rate)
    variables = model.trainable_variables
    optimizer.build(variables)
    return optimizer, variables


def full_bptt_runner(model, x, y, learning_rate):
    """A compiled `run_epochs(n)` that takes n Adam steps on the whole sequence and returns the n losses.

    Introduced in notebook 06 (the fast forecaster); notebooks 04-05 train their sine forecasters with it.
    Each step feeds all of `x` as one batch, compares the output at every step with `y`, and backpropagates
    through every time step (full BPTT). Use it with `run_in_chunks`.

    Args:
        model: a built Keras model `(1, time, 1) -> (1, time, 1)`. x, y: 1-D inputs and targets of equal length.
        learning_rate: Adam's step size; > 0.

    Returns:
        a `tf.function` taking an int tensor `n` and returning `n` losses.
    """
    import tensorflow as tf

    x, y = check_array("x", x, ndim=1), check_array("y", y, ndim=1)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same length, got {x.size} and {y.size}.")
    optimizer, variables = _adam_for(model, learning_rate)
    X = tf.constant(x.reshape(1, -1, 1), dtype=tf.float32)  # one batch: the whole sequence
    Y = tf.constant(y.reshape(1, -1, 1), dtype=tf.float32)

    @tf.function
    def run_epochs(n_epochs):
        losses = tf.TensorArray(tf.float32, size=n_epochs)
        for epoch in tf.range(n_epochs):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(model(X, training=True) - Y))
            optimizer.apply(tape.gradient(loss, variables), variables)  # gradient through all time steps
            losses = losses.write(epoch, loss)
        return losses.stack()

    return run_epochs


def minibatch_runner(model, learning_rate, batch_size):
    """A compiled `run_epoch(X, y)`: one pass over `X` in mini-batches, one Adam step on the MSE per batch.

    Introduced in notebook 03 (the memory tasks). The caller shuffles; the batches are taken in order.

    Args:
        model: a built Keras model. learning_rate: Adam's step size; > 0.
        batch_size: sequences per Adam step; an int >= 1.

    Returns:
        a `tf.function` taking tensors `X`, `y` and returning the mean batch loss (what `fit` reports).
    """
    import tensorflow as tf

    batch_size = check_count("batch_size", batch_size)
    optimizer, variables = _adam_for(model, learning_rate)

    @tf.function
    def run_epoch(X, y):
        n_batches = (tf.shape(X)[0] + batch_size - 1) // batch_size
        total = tf.constant(0.0)
        for k in tf.range(n_batches):
            X_batch, y_batch = X[k * batch_size:(k + 1) * batch_size], y[k * batch_size:(k + 1) * batch_size]
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(model(X_batch, training=True) - y_batch))
            optimizer.apply(tape.gradient(loss, variables), variables)
            total += loss
        return total / tf.cast(n_batches, tf.float32)

    return run_epoch


# --- races: several cells trained in turns, timed fairly --------------------------------------------------------


def _check_cells(cells):
    """Validate a tuple of cell names: non-empty, each one of CLASSIC, no repeats."""
    if isinstance(cells, str) or not isinstance(cells, (tuple, list)):
        raise TypeError(f"cells must be a tuple of cell names from {CLASSIC}, got {type(cells).__name__} {cells!r}.")
    if not cells:
        raise ValueError(f"cells must name at least one cell from {CLASSIC}, got an empty {type(cells).__name__}.")
    cells = tuple(check_choice("each cell", cell, CLASSIC) for cell in cells)
    if len(set(cells)) != len(cells):
        raise ValueError(f"cells must not repeat a cell, got {cells}.")
    return cells


@contextlib.contextmanager
def quiet_tracing():
    """Silence TensorFlow's "frequent retracing" warning inside the block.

    Introduced in notebook 05: a race traces every model's loop once, on purpose, and so does every fresh model
    of notebook 06; the warning would only be noise in a learner's notebook.
    """
    import tensorflow as tf

    logger = tf.get_logger()
    level = logger.level
    logger.setLevel("ERROR")
    try:
        yield
    finally:
        logger.setLevel(level)


def _take_turns(runners, epochs, chunk, desc, progress):
    """Call every runner in turn, `chunk` epochs each, round and round, timing every call.

    `runners` maps a cell to `run(start, n)`, which trains epochs `start .. start + n - 1` and returns their
    `n` losses. Taking turns lets a burst of work from other programs slow every model alike.

    Returns:
        dict cell -> `(losses, train_seconds, seconds_per_epoch)`: the losses of every epoch, the total time,
        and the fastest chunk after the first (which also traces the graph), per epoch.
    """
    losses = {cell: [] for cell in runners}
    times = {cell: [] for cell in runners}  # (seconds, epochs) of every call
    done = 0
    with quiet_tracing(), progress_bar(epochs * len(runners), desc, enabled=progress) as bar:
        while done < epochs:
            n = min(chunk, epochs - done)
            for cell, run in runners.items():
                start = time.perf_counter()
                losses[cell].extend(run(done, n))
                times[cell].append((time.perf_counter() - start, n))
                bar.update(n)
            done += n
    return {cell: (np.array(losses[cell]), float(sum(s for s, _ in times[cell])),
                   min(s / n for s, n in times[cell][1:])) for cell in runners}


def race_sine(cells=CLASSIC, units=16, epochs=300, learning_rate=0.01, seed=0, progress=True):
    """Train one sine forecaster per cell on the article's data, side by side, and time their epochs fairly.

    Introduced in notebook 05 (notebook 04 trains the LSTM alone with `train_sine`). Every epoch is one Adam
    step on the whole 36-step sequence (`full_bptt_runner`); then the model reads sin(0..35) and generates
    sin(36..71) by feeding each forecast back (`stateful.generate`). Each model is trained exactly as it would
    be alone (same seed, same steps); the models only take turns, a chunk of epochs each.

    Args:
        cells: tuple of cell names, e.g. ("elman", "gru", "lstm").
        units: size of the state; an int >= 1.
        epochs: Adam steps; an int >= 2 (the first chunk also traces the graph and is not timed).
        learning_rate: Adam step size; > 0.
        seed: seed of the initial weights; an int >= 0.
        progress: show a tqdm bar.

    Returns:
        dict cell -> dict with `cell, units, params` (weights of the recurrent layer), `model`, `losses`,
        `train_seconds`, `seconds_per_epoch` (the fastest chunk after the first, per epoch: the least
        disturbed by other programs), `generated`, `expected` (sin(36..71)), `mse_36`, `max_abs_err_36`.
    """
    import keras

    cells, units = _check_cells(cells), check_size("units", units)
    epochs = check_count("epochs", epochs, minimum=2)
    learning_rate = check_float("learning_rate", learning_rate, strictly_positive=True, maximum=10.0)
    seed, progress = check_int("seed", seed, minimum=0), check_bool("progress", progress)
    x, y = data.article_data()
    models, runners = {}, {}
    for cell in cells:
        keras.utils.set_random_seed(seed)  # each model starts from the weights it would get on its own
        models[cell] = build_model(cell, units, return_sequences=True)
        run_epochs = full_bptt_runner(models[cell], x, y, learning_rate)
        runners[cell] = lambda start, n, run_epochs=run_epochs: run_epochs(n).numpy().tolist()
    timed = _take_turns(runners, epochs, max(1, min(50, epochs // 4)), "sine", progress)
    expected = data.article_continuation()
    results = {}
    for cell, (losses, train_seconds, seconds_per_epoch) in timed.items():
        generated = stateful.generate(models[cell], x, expected.size)
        scores = evaluate_forecast(generated, expected)
        results[cell] = {"cell": cell, "units": units, "params": int(models[cell].layers[0].count_params()),
                         "model": models[cell], "losses": losses, "train_seconds": train_seconds,
                         "seconds_per_epoch": seconds_per_epoch, "generated": generated, "expected": expected,
                         "mse_36": scores["mse"], "max_abs_err_36": scores["max_abs_err"]}
    return results


def train_sine(cell, units=16, epochs=300, learning_rate=0.01, seed=0, progress=True):
    """Train one sine forecaster exactly as `race_sine` does, alone.

    Introduced in notebook 04 (the LSTM whose gates it then watches).

    Args:
        cell: "elman", "jordan", "lstm" or "gru".
        units, epochs, learning_rate, seed, progress: as for `race_sine`.

    Returns:
        the result dict of `race_sine` for this cell.
    """
    cell = check_choice("cell", cell, CLASSIC)
    return race_sine((cell,), units=units, epochs=epochs, learning_rate=learning_rate, seed=seed,
                     progress=progress)[cell]


def race_memory(cells=CLASSIC, task="adding", length=20, units=16, epochs=10, n_train=2048, n_test=512,
                batch_size=64, learning_rate=0.01, seed=0, progress=True):
    """Train one many-to-one model per cell on a memory task, side by side; score each on fresh sequences.

    Introduced in notebook 03 (how far back each cell remembers); notebook 05 times the cells with it. The
    data is `task_data(task, ...)`. Every epoch is one pass over the training set in a new order (the same for
    every model) in mini-batches (`minibatch_runner`). The models take turns, one epoch each, so that a burst
    of work from other programs slows all of them alike; each is trained exactly as it would be alone.

    Args:
        cells: tuple of cell names, e.g. ("elman", "gru", "lstm").
        task: "adding" or "recall_first".
        length: steps per sequence; an int >= 2.
        units: size of the state; an int >= 1.
        epochs: passes over the training set; an int >= 2 (the first one also traces the graph).
        n_train, n_test: training and test sequences; ints >= 1 (n_test >= 2).
        batch_size: sequences per Adam step; an int >= 1.
        learning_rate: Adam step size; > 0.
        seed: seed of the weights, the training data and its order (the test data uses seed + 1).
        progress: show a tqdm bar.

    Returns:
        dict cell -> dict with `cell, task, length, model, params` (weights of the recurrent layer), `r2`
        (`r2_score` on the test set), `mse`, `losses` (per epoch), `train_seconds`, `seconds_per_epoch` (the
        fastest epoch after the first: the least disturbed by other programs).
    """
    import keras
    import tensorflow as tf

    cells, task = _check_cells(cells), check_choice("task", task, TASKS)
    length, units = check_count("length", length, minimum=2), check_size("units", units)
    epochs, n_train = check_count("epochs", epochs, minimum=2), check_count("n_train", n_train)
    n_test, batch_size = check_count("n_test", n_test, minimum=2), check_count("batch_size", batch_size)
    learning_rate = check_float("learning_rate", learning_rate, strictly_positive=True, maximum=10.0)
    seed, progress = check_int("seed", seed, minimum=0), check_bool("progress", progress)
    X, y = task_data(task, n_train, length, seed=seed)
    X_test, y_test = task_data(task, n_test, length, seed=seed + 1)
    order = np.random.default_rng(seed)
    shuffles = [order.permutation(n_train) for _ in range(epochs)]  # the same data order for every model
    epoch_data = [(tf.constant(X[rows]), tf.constant(y[rows])) for rows in shuffles]
    models, runners = {}, {}
    for cell in cells:
        keras.utils.set_random_seed(seed)  # each model starts from the weights it would get on its own
        models[cell] = build_model(cell, units, features=X.shape[2])
        run_epoch = minibatch_runner(models[cell], learning_rate, batch_size)
        runners[cell] = lambda start, n, run_epoch=run_epoch: [float(run_epoch(*epoch_data[start]))]
    results = {}
    for cell, (losses, train_seconds, seconds_per_epoch) in _take_turns(runners, epochs, 1, task, progress).items():
        prediction = np.asarray(models[cell](X_test), dtype=np.float64)
        results[cell] = {"cell": cell, "task": task, "length": length, "model": models[cell],
                         "params": int(models[cell].layers[0].count_params()), "r2": r2_score(y_test, prediction),
                         "mse": float(np.mean((prediction - y_test) ** 2)), "losses": losses,
                         "train_seconds": train_seconds, "seconds_per_epoch": seconds_per_epoch}
    return results


def train_memory(cell, task="adding", length=20, units=16, epochs=10, n_train=2048, n_test=512, batch_size=64,
                 learning_rate=0.01, seed=0, progress=True):
    """Train one cell on a memory task exactly as `race_memory` does, alone.

    Introduced in notebook 04 (the LSTM whose gates switch on the adding problem).

    Args:
        cell: "elman", "jordan", "lstm" or "gru".
        task, length, units, epochs, n_train, n_test, batch_size, learning_rate, seed, progress: as for
            `race_memory`.

    Returns:
        the result dict of `race_memory` for this cell.
    """
    cell = check_choice("cell", cell, CLASSIC)
    return race_memory((cell,), task=task, length=length, units=units, epochs=epochs, n_train=n_train,
                       n_test=n_test, batch_size=batch_size, learning_rate=learning_rate, seed=seed,
                       progress=progress)[cell]
