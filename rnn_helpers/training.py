"""Timed races: several cells trained in turns on one task, so that the comparison of their times is fair.

Introduced in notebooks 03-06. What is inside:

- `race_sine`/`train_sine` (the article's sine forecast) and `race_memory`/`train_memory` (the memory tasks of
  `data.task_data`): several cells trained in turns, with fair timing; `train_*` trains one cell exactly as its
  race would. The models come from `keras_rnn.build_model`, the loops from `fitting`, the scores from `scores`.

Lesson modules (`memory`, `gates`, `forecast`, ...) build on this module, never the other way round."""

import time

import numpy as np

from . import data, scores, stateful
from .cells import CLASSIC
from ._validation import Bool, Check, Choice, Count, LearningRate, Seed, Size, check_choice, validate
from .fitting import full_bptt_runner, minibatch_runner, quiet_tracing
from .progress import progress_bar


# --- races: several cells trained in turns, timed fairly --------------------------------------------------------


def _check_cells(name, cells):
    """Validate a tuple of cell names: non-empty, each one of CLASSIC, no repeats."""
    if isinstance(cells, str) or not isinstance(cells, (tuple, list)):
        raise TypeError(f"{name} must be a tuple of cell names from {CLASSIC}, got {type(cells).__name__} {cells!r}.")
    if not cells:
        raise ValueError(f"{name} must name at least one cell from {CLASSIC}, got an empty {type(cells).__name__}.")
    cells = tuple(check_choice("each cell", cell, CLASSIC) for cell in cells)
    if len(set(cells)) != len(cells):
        raise ValueError(f"{name} must not repeat a cell, got {cells}.")
    return cells


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


# The settings a race and its one-cell train_* share, declared once for both.
_SINE = dict(units=Size(), epochs=Count(minimum=2), learning_rate=LearningRate(), seed=Seed(), progress=Bool())
_MEMORY = dict(task=Choice(data.TASKS), length=Count(minimum=2), units=Size(), epochs=Count(minimum=2),
               n_train=Count(), n_test=Count(minimum=2), batch_size=Count(), learning_rate=LearningRate(), seed=Seed(),
               progress=Bool())


@validate(cells=Check(_check_cells), **_SINE)
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

    from . import keras_rnn  # imports Keras: loaded on first use, so the command lines start fast

    x, y = data.article_data()
    models, runners = {}, {}
    for cell in cells:
        keras.utils.set_random_seed(seed)  # each model starts from the weights it would get on its own
        models[cell] = keras_rnn.build_model(cell, units, return_sequences=True)
        run_epochs = full_bptt_runner(models[cell], x, y, learning_rate)
        runners[cell] = lambda start, n, run_epochs=run_epochs: run_epochs(n).numpy().tolist()
    timed = _take_turns(runners, epochs, max(1, min(50, epochs // 4)), "sine", progress)
    expected = data.article_continuation()
    results = {}
    for cell, (losses, train_seconds, seconds_per_epoch) in timed.items():
        generated = stateful.generate(models[cell], x, expected.size)
        score = scores.evaluate_forecast(generated, expected)
        results[cell] = {"cell": cell, "units": units, "params": int(models[cell].layers[0].count_params()),
                         "model": models[cell], "losses": losses, "train_seconds": train_seconds,
                         "seconds_per_epoch": seconds_per_epoch, "generated": generated, "expected": expected,
                         "mse_36": score["mse"], "max_abs_err_36": score["max_abs_err"]}
    return results


@validate(cell=Choice(CLASSIC), **_SINE)
def train_sine(cell, units=16, epochs=300, learning_rate=0.01, seed=0, progress=True):
    """Train one sine forecaster exactly as `race_sine` does, alone.

    Introduced in notebook 04 (the LSTM whose gates it then watches).

    Args:
        cell: "elman", "jordan", "lstm" or "gru".
        units, epochs, learning_rate, seed, progress: as for `race_sine`.

    Returns:
        the result dict of `race_sine` for this cell.
    """
    return race_sine((cell,), units=units, epochs=epochs, learning_rate=learning_rate, seed=seed,
                     progress=progress)[cell]


@validate(cells=Check(_check_cells), **_MEMORY)
def race_memory(cells=CLASSIC, task="adding", length=20, units=16, epochs=10, n_train=2048, n_test=512,
                batch_size=64, learning_rate=0.01, seed=0, progress=True):
    """Train one many-to-one model per cell on a memory task, side by side; score each on fresh sequences.

    Introduced in notebook 03 (how far back each cell remembers); notebook 05 times the cells with it. The
    data is `data.task_data(task, ...)`. Every epoch is one pass over the training set in a new order (the same for
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

    from . import keras_rnn

    X, y = data.task_data(task, n_train, length, seed=seed)
    X_test, y_test = data.task_data(task, n_test, length, seed=seed + 1)
    order = np.random.default_rng(seed)
    shuffles = [order.permutation(n_train) for _ in range(epochs)]  # the same data order for every model
    epoch_data = [(tf.constant(X[rows]), tf.constant(y[rows])) for rows in shuffles]
    models, runners = {}, {}
    for cell in cells:
        keras.utils.set_random_seed(seed)  # each model starts from the weights it would get on its own
        models[cell] = keras_rnn.build_model(cell, units, features=X.shape[2])
        run_epoch = minibatch_runner(models[cell], learning_rate, batch_size)
        runners[cell] = lambda start, n, run_epoch=run_epoch: [float(run_epoch(*epoch_data[start]))]
    results = {}
    for cell, (losses, train_seconds, seconds_per_epoch) in _take_turns(runners, epochs, 1, task, progress).items():
        prediction = np.asarray(models[cell](X_test), dtype=np.float64)
        results[cell] = {"cell": cell, "task": task, "length": length, "model": models[cell],
                         "params": int(models[cell].layers[0].count_params()),
                         "r2": scores.r2_score(y_test, prediction),
                         "mse": float(np.mean((prediction - y_test) ** 2)), "losses": losses,
                         "train_seconds": train_seconds, "seconds_per_epoch": seconds_per_epoch}
    return results


@validate(cell=Choice(CLASSIC), **_MEMORY)
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
    return race_memory((cell,), task=task, length=length, units=units, epochs=epochs, n_train=n_train,
                       n_test=n_test, batch_size=batch_size, learning_rate=learning_rate, seed=seed,
                       progress=progress)[cell]
