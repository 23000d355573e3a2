"""The article's sine forecast: ways to train the same LSTM, a linear baseline, an ablation.

Introduced in notebook 06. The task: sin at the integers 0..35 with one-step-ahead targets; after training,
the model is warmed up on the series and then generates the next 36 values by feeding its own output back.

Methods (all train LSTM(cells) + Dense(1) with Adam on the mean squared error):
    "article"  — the article's loop: a stateful LSTM on batch shape (1, 1, 1), one `fit` per epoch with
                 batch size 1 and shuffle off, then a state reset. One Adam step per sample, and the gradient
                 sees one step only (BPTT truncated to a single step); learning rate 0.001, 36 000 steps.
    "compiled" — exactly the same updates, written as one TensorFlow graph loop over epochs and steps, so
                 Python and `fit` overhead are paid once instead of 36 000 times (notebook 06 writes this loop
                 out in plain TensorFlow).
    "bptt"     — the fast default, notebook 06's recipe: a sequence LSTM trained with `fit` on the whole
                 series (full backpropagation through time, one Adam step per epoch, learning rate 0.01,
                 400 steps); the weights are then copied into a stateful twin that generates.

The methods differ in four ways at once — truncation, update schedule (after every value or once per pass),
learning rate and number of updates; `ABLATION` and `run_ablation_row` change one at a time.
`run_method(..., reuse=True)` keeps one model per method and size and re-initialises it for each seed, so a
second training traces nothing new (the forecast explorer's clicks). `fit_ar2`/`generate_ar2` are the simplest baseline: the two-value
linear rule of notebook 01, which continues a sine exactly.

The command line is `python -m rnn_helpers.forecast_cli` (see that module).
"""

import pathlib
import time

import numpy as np

from . import data, scores
from ._validation import Array, Bool, Check, Choice, Count, LearningRate, Optional, Seed, Size, check_float, validate
from .progress import progress_bar
from .stateful import _compiled_call, generate, reset_rnn_states, stateful_twin
from .fitting import (_check_pair, build_adam, compile_and_fit, cut_state_runner, per_value_runner, quiet_tracing,
                      run_in_chunks)

# Inside the package (package data), so that an installed course — on Colab, from a wheel — has it too.
BENCHMARK_RESULTS = pathlib.Path(__file__).resolve().parent / "sine_forecast_results.json"
METHODS = ("article", "compiled", "bptt")
DEFAULTS = {
    # epochs and cells: the article's for its method, the notebook's for the fast one
    "article": {"epochs": 1000, "cells": 16, "learning_rate": 0.001},
    "compiled": {"epochs": 1000, "cells": 16, "learning_rate": 0.001},
    "bptt": {"epochs": 400, "cells": 16, "learning_rate": 0.01},
}
STEPS_PER_EXECUTION = 50  # full-BPTT updates per call of Keras' compiled training loop
TRUNCATIONS = ("one step", "full")
SCHEDULES = ("per value", "per sequence")
# The ablation of notebook 06: the ways in which the article's method and the fast default differ, changed one
# at a time (every pair of rows that differ in one entry isolates that cause). The article's loop makes one
# update after each value ("per value": 11 epochs x 36 = 396 is its "about 400"); full BPTT one per pass over
# the series ("per sequence"). The "one step, per sequence" rows change the truncation alone: the updates of
# full BPTT, with the gradient cut at the state handed over from the step before (notebook 03's truncate=1).
ABLATION = (
    # (truncation, schedule, learning rate, Adam updates)
    ("one step", "per value", 0.001, 36_000),  # the article's method
    ("one step", "per value", 0.01, 36_000),  # ... at the fast default's learning rate
    ("one step", "per value", 0.01, 396),  # ... and with about as many updates as the fast default
    ("one step", "per value", 0.001, 396),
    ("one step", "per sequence", 0.01, 400),  # the fast default's updates, gradient cut after one step
    ("one step", "per sequence", 0.001, 36_000),  # ... and with the article's learning rate and number of updates
    ("full", "per sequence", 0.01, 400),  # the fast default
    ("full", "per sequence", 0.001, 400),  # ... at the article's learning rate
    ("full", "per sequence", 0.001, 36_000),  # ... and with the article's number of updates
)


@validate(cells=Size())
def build_article_model(cells=16):
    """The article's model: a stateful LSTM on batch shape (1, 1, 1) and a Dense(1) output.

    Introduced in notebook 06. Keras 3 spells the article's `batch_input_shape=(1, 1, 1)` as a
    `keras.Input(batch_shape=(1, 1, 1))`.
    """
    from . import keras_rnn

    return keras_rnn.build_model("lstm", cells, steps=1, stateful=True, name="article_lstm")


@validate(cells=Size())
def build_sequence_model(cells=16):
    """A non-stateful LSTM that reads a whole sequence and predicts the next value at every step."""
    from . import keras_rnn

    return keras_rnn.build_model("lstm", cells, return_sequences=True, name="sequence_lstm")


def _restart(model, build, cells, seed, optimizer, optimizer_start):
    """Give `model` the weights a fresh `build(cells)` gets with `seed`, and its optimizer its first state.

    What makes a kept model train exactly like a new one: the weights are those of a model built right after
    `keras.utils.set_random_seed(seed)`, Adam's moments and step count are back at their start, and the
    recurrent state is zero. TensorFlow's traced training graphs are kept.
    """
    import keras

    keras.utils.set_random_seed(seed)
    model.set_weights(build(cells).get_weights())
    for variable, start in zip(optimizer.variables, optimizer_start):
        variable.assign(start)
    reset_rnn_states(model)


def _adam_and_start(model, learning_rate):
    """`build_adam(model, learning_rate)` and a copy of its starting values (for `_restart`)."""
    optimizer = build_adam(model, learning_rate)
    return optimizer, [variable.numpy() for variable in optimizer.variables]


def _article_trainer(x, y, cells, learning_rate):
    """`(model, train)`: `train(epochs, seed, progress)` runs the article's loop (see `train_article`)."""
    model = build_article_model(cells)
    optimizer, optimizer_start = _adam_and_start(model, learning_rate)

    def train(epochs, seed, progress):
        _restart(model, build_article_model, cells, seed, optimizer, optimizer_start)
        losses = []
        with progress_bar(epochs, "article", enabled=progress) as bar:
            for _ in range(epochs):  # one fit per epoch: compiled on the first, the same traced step after
                losses.extend(compile_and_fit(model, x.reshape(-1, 1, 1), y, 1, 1, "mean_squared_error",
                                              optimizer=optimizer, shuffle=False))
                reset_rnn_states(model)  # fit() never resets a stateful layer; the article does it by hand
                bar.update(1)
        return np.array(losses)

    return model, train


def _compiled_trainer(x, y, cells, learning_rate, reset_states=True, shuffle=False):
    """`(model, train)`: `train(epochs, seed, progress)` makes the article's updates in one graph loop."""
    model = build_article_model(cells)
    optimizer, optimizer_start = _adam_and_start(model, learning_rate)
    run_epochs, restart_runner = per_value_runner(model, optimizer, x, y, reset_states, shuffle)

    def train(epochs, seed, progress):
        _restart(model, build_article_model, cells, seed, optimizer, optimizer_start)
        restart_runner(seed)
        with quiet_tracing():  # every model traces its own loop; no need to warn about it
            losses = run_in_chunks(run_epochs, epochs, "compiled", progress)
        reset_rnn_states(model)
        return losses

    return model, train


def _bptt_trainer(x, y, cells, learning_rate):
    """`(model, train)`: `train(epochs, seed, progress)` runs notebook 06's recipe (see `train_bptt`)."""
    model = build_sequence_model(cells)
    optimizer, optimizer_start = _adam_and_start(model, learning_rate)
    X, Y = x.reshape(1, -1, 1).astype("float32"), y.reshape(1, -1, 1).astype("float32")

    def train(epochs, seed, progress):
        _restart(model, build_sequence_model, cells, seed, optimizer, optimizer_start)
        with quiet_tracing():  # every model traces its own training function; no need to warn about it
            compile_and_fit(model, np.repeat(X, epochs, axis=0), np.repeat(Y, epochs, axis=0), 1, 1,
                            "mean_squared_error", optimizer=optimizer, shuffle=False,
                            steps_per_execution=STEPS_PER_EXECUTION)
        return np.array([float(np.mean((np.asarray(_compiled_call(model)(X)) - Y) ** 2))])

    return model, train


@validate(epochs=Count(), cells=Size(), seed=Seed(), progress=Bool(), checked_in_body=("x", "y"))
def train_article(x, y, epochs, cells=16, seed=0, progress=True):
    """The article's training loop on Keras 3: one `fit` per epoch, then a state reset.

    Introduced in notebook 06.

    Args:
        x: 1-D training inputs. y: 1-D targets, same length.
        epochs: number of passes over the series; an int >= 1.
        cells: LSTM units. seed: seeds the weights. progress: show a progress bar.

    Returns:
        `(model, losses)`: the trained stateful model and the mean loss of each epoch.
    """
    x, y = _check_pair(x, y)
    model, train = _article_trainer(x, y, cells, DEFAULTS["article"]["learning_rate"])
    return model, train(epochs, seed, progress)


@validate(epochs=Count(), cells=Size(), seed=Seed(), progress=Bool(), reset_states=Bool(), shuffle=Bool(),
          learning_rate=Optional(LearningRate()), checked_in_body=("x", "y"))
def train_compiled(x, y, epochs, cells=16, seed=0, progress=True, reset_states=True, shuffle=False,
                   learning_rate=None):
    """The article's algorithm compiled into one TensorFlow loop: same updates, far less overhead.

    For every epoch the state starts at zero; for every step the model sees one value, Adam takes one step
    on that value's squared error, and the new state is carried to the next step without a gradient path
    back — exactly what the article's `fit(batch_size=1, shuffle=False)` + reset does. Notebook 06 writes
    this loop out in plain TensorFlow (a test checks that both give the same numbers).

    Introduced in notebook 06.

    Args:
        x, y, epochs, cells, seed, progress: as for `train_article`.
        reset_states: zero the state at the start of every epoch (the article does). False carries the
            state of the last step into the next epoch's first step.
        shuffle: visit the steps in a new random order every epoch (the article turns this off). The state
            is still carried from one visited step to the next, so it no longer matches the input.
        learning_rate: Adam's step size; None for the article's 0.001 (the ablation of notebook 06 changes it).

    Returns:
        `(model, losses)` as for `train_article`; `model` is the article's stateful model.
    """
    x, y = _check_pair(x, y)
    learning_rate = DEFAULTS["compiled"]["learning_rate"] if learning_rate is None else learning_rate
    model, train = _compiled_trainer(x, y, cells, learning_rate, reset_states, shuffle)
    return model, train(epochs, seed, progress)


@validate(epochs=Count(), cells=Size(), seed=Seed(), progress=Bool(), learning_rate=Optional(LearningRate()),
          checked_in_body=("x", "y"))
def train_bptt(x, y, epochs, cells=16, seed=0, progress=True, learning_rate=None):
    """Fast default, notebook 06's recipe: `fit` on the whole series, full BPTT, one Adam step per epoch.

    Introduced in notebook 06, whose recipe cell writes the same steps out in plain Keras (a test checks that
    both give the same weights). Every epoch is one pass over the series: the 36 values go in as one
    sequence, the loss is the mean squared error over all 36 predictions, and its gradient flows back through
    every time step. `fit` gets `epochs` copies of the series in one Keras epoch, so that its compiled loop
    takes `STEPS_PER_EXECUTION` of these steps per call instead of paying Keras' per-epoch overhead 400 times.

    Args:
        x: 1-D training inputs. y: 1-D targets, same length.
        epochs: passes over the series (= Adam steps); an int >= 1.
        cells: LSTM units. seed: seeds the weights.
        progress: accepted for a common signature with the other trainers; this training takes about a
            second, so it shows no bar.
        learning_rate: Adam's step size; None for the default 0.01.

    Returns:
        `(model, losses)`: the trained non-stateful sequence model (use `stateful_twin` to generate) and a
        1-element array, the mean squared error of the trained model over the series.
    """
    x, y = _check_pair(x, y)
    learning_rate = DEFAULTS["bptt"]["learning_rate"] if learning_rate is None else learning_rate
    model, train = _bptt_trainer(x, y, cells, learning_rate)
    return model, train(epochs, seed, False)


@validate(series=Array(ndim=1))
def fit_ar2(series):
    """The two-value linear rule of notebook 01, `x[t+1] = a·x[t] + b·x[t-1]`, fitted by least squares.

    Introduced in notebook 06 as the simplest baseline. For a sine sampled every radian the rule is exact,
    with `a = 2·cos(1)` and `b = -1`, so a fit to a handful of values recovers it.

    Args:
        series: 1-D array of at least 4 known values.

    Returns:
        `(a, b)`, two floats.
    """
    if series.size < 4:
        raise ValueError(f"series must hold at least 4 values to fit 2 coefficients, got {series.size}.")
    X = np.stack([series[1:-1], series[:-2]], axis=1)  # (x[t], x[t-1])
    (a, b), *_ = np.linalg.lstsq(X, series[2:], rcond=None)
    return float(a), float(b)


def _check_coefficients(name, coefficients):
    """The pair `(a, b)` of `fit_ar2`, as two finite floats."""
    if not isinstance(coefficients, (tuple, list)) or len(coefficients) != 2:
        raise TypeError(f"{name} must be the pair (a, b) from fit_ar2, got {coefficients!r}.")
    return check_float("a", coefficients[0]), check_float("b", coefficients[1])


@validate(coefficients=Check(_check_coefficients), warmup=Array(ndim=1), steps=Count())
def generate_ar2(coefficients, warmup, steps):
    """Continue a series with the rule `x[t+1] = a·x[t] + b·x[t-1]`, each new value fed back.

    Introduced in notebook 06.

    Args:
        coefficients: `(a, b)` from `fit_ar2`.
        warmup: 1-D array of known values; the rule starts from its last two.
        steps: how many new values to generate; an int >= 1.

    Returns:
        1-D float64 array of length `steps`.
    """
    a, b = coefficients
    if warmup.size < 2:
        raise ValueError(f"warmup must hold at least 2 values for a two-value rule, got {warmup.size}.")
    previous, current = warmup[-2], warmup[-1]
    generated = np.empty(steps)
    for k in range(steps):
        previous, current = current, a * current + b * previous
        generated[k] = current
    return generated


@validate(checked_in_body=("path",))
def load_benchmark(path=BENCHMARK_RESULTS):
    """The committed results of `benchmarks/sine_forecast.py`: five seeds, cold and warm times, the ablation.

    Introduced in notebook 06, which loads the runs too slow for a notebook from here instead of retyping them.

    Args:
        path: the results file; by default the one in the course's `benchmarks/` folder.

    Returns:
        dict with `machine`, `runs`, `ablation`, `ar2` and `summary`.

    Raises:
        FileNotFoundError: if the file is missing (re-create it with `python benchmarks/sine_forecast.py`).
    """
    return data.benchmark_results(path, "benchmarks/sine_forecast.py", "about an hour on 2 cores")


_TRAINERS = {"article": _article_trainer, "compiled": _compiled_trainer, "bptt": _bptt_trainer}
_KEPT = {}  # (method, cells) -> (model, train, generator): what `run_method(..., reuse=True)` trains again


def _trainer_for(method, cells, reuse):
    """`(model, train, generator)` for a method: kept from an earlier call if `reuse`, else new."""
    if reuse and (method, cells) in _KEPT:
        return _KEPT[(method, cells)]
    x, y = data.article_data()
    model, train = _TRAINERS[method](x, y, cells, DEFAULTS[method]["learning_rate"])
    generator = stateful_twin(model) if method == "bptt" else model  # the twin gets the weights after training
    if reuse:
        _KEPT[(method, cells)] = model, train, generator
    return model, train, generator


@validate(method=Choice(METHODS), epochs=Optional(Count()), cells=Optional(Size()), seed=Seed(), progress=Bool(),
          reuse=Bool())
def run_method(method, epochs=None, cells=None, seed=0, progress=True, reuse=False):
    """Train with one method, generate 36 values after the series, and measure time and error.

    Introduced in notebook 06; used by the command line, the benchmark and the widgets.

    Args:
        method: "article", "compiled" or "bptt".
        epochs: training epochs; None for the method's default (`DEFAULTS`).
        cells: LSTM units; None for the default (16).
        seed: seeds the initial weights; an int >= 0.
        progress: show a tqdm progress bar while training.
        reuse: False builds a new model, and TensorFlow traces its training graph again (a second or two).
            True keeps one model per method and number of cells from call to call and only gives it the
            weights of `seed` and a fresh optimizer before training: the same result as a new model (tested),
            without tracing again.

    Returns:
        dict with `method, epochs, cells, seed, train_seconds, generate_seconds, mse_36, max_abs_err_36,
        abs_err_by_horizon, losses, generated, expected, model` (the stateful model used for generation).
    """
    epochs = DEFAULTS[method]["epochs"] if epochs is None else epochs
    cells = DEFAULTS[method]["cells"] if cells is None else cells
    import keras  # noqa: F401  (TensorFlow's import is not part of the training time)

    x, _ = data.article_data()
    start = time.perf_counter()
    model, train, generator = _trainer_for(method, cells, reuse)
    losses = train(epochs, seed, progress)
    train_seconds = time.perf_counter() - start
    start = time.perf_counter()
    if generator is not model:
        generator.set_weights(model.get_weights())
    generated = generate(generator, x, data.ARTICLE_HORIZON)
    generate_seconds = time.perf_counter() - start
    expected = data.article_continuation()
    score = scores.evaluate_forecast(generated, expected)
    return {
        "method": method,
        "epochs": epochs,
        "cells": cells,
        "seed": seed,
        "train_seconds": train_seconds,
        "generate_seconds": generate_seconds,
        "mse_36": score["mse"],
        "max_abs_err_36": score["max_abs_err"],
        "abs_err_by_horizon": score["abs_err_by_horizon"],
        "losses": losses,
        "generated": generated,
        "expected": expected,
        "model": generator,
    }


@validate(truncation=Choice(TRUNCATIONS), learning_rate=LearningRate(), updates=Count(), seed=Seed(), cells=Size(),
          progress=Bool(), schedule=Optional(Choice(SCHEDULES)))
def run_ablation_row(truncation, learning_rate, updates, seed=0, cells=16, progress=False, schedule=None):
    """Train with one combination of truncation, update schedule, learning rate and number of updates; score
    36 generated values.

    Introduced in notebook 06, whose ablation (`ABLATION`) changes one of them at a time.

    Args:
        truncation: "one step" (the gradient stops at the state handed over from the step before) or "full"
            (it flows back through all 36 steps).
        learning_rate: Adam's step size; > 0.
        updates: Adam steps; for "per value" a multiple of 36 (whole epochs).
        seed: seeds the weights. cells: LSTM units. progress: show a bar for the per-value loop.
        schedule: "per value" (the article's stateful loop: one update after each value, the weights change
            within the sequence) or "per sequence" (one update per pass on the mean error over all 36 values);
            None for the usual one: "per value" with one-step truncation, "per sequence" with full BPTT.

    Returns:
        dict with `truncation, schedule, learning_rate, updates, seed, cells, train_seconds, mse_36,
        max_abs_err_36`.
    """
    schedule = SCHEDULES[truncation != "one step"] if schedule is None else schedule
    if (truncation, schedule) == ("full", "per value"):
        raise ValueError("full BPTT with an update after each value is not a method of notebook 06: use "
                         "schedule='per sequence' (or None) with truncation='full'.")
    if schedule == "per value" and updates % data.ARTICLE_POINTS:
        points = data.ARTICLE_POINTS
        raise ValueError(f"updates must be a multiple of {points} for one update per value (whole epochs), "
                         f"got {updates}. Try {points * max(1, round(updates / points))}.")
    x, y = data.article_data()
    start = time.perf_counter()
    if schedule == "per value":
        model, _ = train_compiled(x, y, updates // data.ARTICLE_POINTS, cells=cells, seed=seed, progress=progress,
                                  learning_rate=learning_rate)
    elif truncation == "full":
        model, _ = train_bptt(x, y, updates, cells=cells, seed=seed, learning_rate=learning_rate)
    else:
        model = _train_cut_state(x, y, updates, cells, seed, learning_rate)
    train_seconds = time.perf_counter() - start
    score = scores.evaluate_forecast(generate(model, x, data.ARTICLE_HORIZON), data.article_continuation())
    return {"truncation": truncation, "schedule": schedule, "learning_rate": learning_rate, "updates": updates,
            "seed": seed, "cells": cells, "train_seconds": train_seconds, "mse_36": score["mse"],
            "max_abs_err_36": score["max_abs_err"]}


def _train_cut_state(x, y, updates, cells, seed, learning_rate, cut=True):
    """A sequence model trained by `cut_state_runner` from the weights `seed` gives; returns the model."""
    import keras

    keras.utils.set_random_seed(seed)
    model = build_sequence_model(cells)
    with quiet_tracing():
        run_in_chunks(cut_state_runner(model, x, y, learning_rate, cut=cut), updates, "one step", progress=False,
                      chunk=1000)
    return model
