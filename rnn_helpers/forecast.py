"""The article's sine forecast: three ways to train the same LSTM, evaluation, and a command line.

Introduced in notebook 06. The task: sin at the integers 0..35 with one-step-ahead targets; after training,
the model is warmed up on the series and then generates the next 36 values by feeding its own output back.

Methods (all train LSTM(cells) + Dense(1) with Adam on the mean squared error):
    "article"  — the article's loop: a stateful LSTM on batch shape (1, 1, 1), one `fit` per epoch with
                 batch size 1 and shuffle off, then a state reset. One Adam step per sample, and the gradient
                 sees one step only (BPTT truncated to a single step).
    "compiled" — exactly the same updates, written as one TensorFlow graph loop over epochs and steps, so
                 Python and `fit` overhead are paid once instead of 36 000 times.
    "bptt"     — the fast default: the whole 36-step sequence in one batch, full backpropagation through
                 time, one Adam step per epoch; the weights are then copied into a stateful twin.

Command line (for teachers and benchmarks):
    python -m rnn_helpers.forecast --method bptt --epochs 300 --cells 16 --seed 0 --json --plot out.png
"""

import argparse
import json
import sys
import time

import numpy as np

from . import data, training
from ._validation import check_array, check_choice, check_float, check_int
from .stateful import generate, reset_rnn_states, stateful_twin
from .training import run_in_chunks

METHODS = ("article", "compiled", "bptt")
DEFAULTS = {
    # epochs and cells: the article's for its method, the notebook's for the fast one
    "article": {"epochs": 1000, "cells": 16, "learning_rate": 0.001},
    "compiled": {"epochs": 1000, "cells": 16, "learning_rate": 0.001},
    "bptt": {"epochs": 400, "cells": 16, "learning_rate": 0.01},
}


def build_article_model(cells=16):
    """The article's model: a stateful LSTM on batch shape (1, 1, 1) and a Dense(1) output.

    Introduced in notebook 06. Keras 3 spells the article's `batch_input_shape=(1, 1, 1)` as a
    `keras.Input(batch_shape=(1, 1, 1))`.
    """
    import keras

    cells = check_int("cells", cells, minimum=1)
    return keras.Sequential(
        [keras.Input(batch_shape=(1, 1, 1)), keras.layers.LSTM(cells, stateful=True), keras.layers.Dense(1)],
        name="article_lstm",
    )


def build_sequence_model(cells=16):
    """A non-stateful LSTM that reads a whole sequence and predicts the next value at every step."""
    import keras

    cells = check_int("cells", cells, minimum=1)
    return keras.Sequential(
        [
            keras.Input(shape=(None, 1)),
            keras.layers.LSTM(cells, return_sequences=True),
            keras.layers.Dense(1),
        ],
        name="sequence_lstm",
    )


def train_article(x, y, epochs, cells=16, seed=0, progress=True):
    """The article's training loop on Keras 3: one `fit` per epoch, then a state reset.

    Introduced in notebook 06.

    Args:
        x: 1-D training inputs. y: 1-D targets, same length.
        epochs: number of passes over the series; an int >= 1.
        cells: LSTM units. seed: seeds the weights. progress: show a tqdm bar.

    Returns:
        `(model, losses)`: the trained stateful model and the mean loss of each epoch.
    """
    import keras

    x, y = _check_pairs(x, y)
    epochs = check_int("epochs", epochs, minimum=1)
    keras.utils.set_random_seed(check_int("seed", seed, minimum=0))
    model = build_article_model(cells)
    model.compile(loss="mean_squared_error", optimizer=keras.optimizers.Adam(DEFAULTS["article"]["learning_rate"]))
    from tqdm.auto import tqdm

    losses = []
    for _ in tqdm(range(epochs), desc="article", unit="epoch", disable=not progress, leave=False):
        history = model.fit(x.reshape(-1, 1, 1), y, epochs=1, batch_size=1, verbose=0, shuffle=False)
        reset_rnn_states(model)  # fit() never resets a stateful layer; the article does it by hand
        losses.append(history.history["loss"][0])
    return model, np.array(losses)


def train_compiled(x, y, epochs, cells=16, seed=0, progress=True, reset_states=True, shuffle=False):
    """The article's algorithm compiled into one TensorFlow loop: same updates, far less overhead.

    For every epoch the state starts at zero; for every step the model sees one value, Adam takes one step
    on that value's squared error, and the new state is carried to the next step without a gradient path
    back — exactly what the article's `fit(batch_size=1, shuffle=False)` + reset does.

    Introduced in notebook 06.

    Args:
        x, y, epochs, cells, seed, progress: as for `train_article`.
        reset_states: zero the state at the start of every epoch (the article does). False carries the
            state of the last step into the next epoch's first step.
        shuffle: visit the steps in a new random order every epoch (the article turns this off). The state
            is still carried from one visited step to the next, so it no longer matches the input.

    Returns:
        `(model, losses)` as for `train_article`; `model` is the article's stateful model.
    """
    import keras
    import tensorflow as tf

    x, y = _check_pairs(x, y)
    epochs = check_int("epochs", epochs, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    if not isinstance(reset_states, bool) or not isinstance(shuffle, bool):
        raise TypeError(f"reset_states and shuffle must be True or False, got {reset_states!r} and {shuffle!r}.")
    keras.utils.set_random_seed(seed)
    model = build_article_model(cells)
    lstm, dense = model.layers
    optimizer = keras.optimizers.Adam(DEFAULTS["compiled"]["learning_rate"])
    variables = model.trainable_variables
    optimizer.build(variables)
    X = tf.constant(x.reshape(-1, 1, 1), dtype=tf.float32)  # (steps, batch=1, features=1)
    Y = tf.constant(y.reshape(-1, 1, 1), dtype=tf.float32)
    zeros = tf.zeros((1, lstm.units))

    state = [tf.Variable(zeros), tf.Variable(zeros)]  # survives between chunks when reset_states=False
    order_rng = tf.random.Generator.from_seed(seed)
    n_steps = X.shape[0]

    @tf.function
    def run_epochs(n_epochs):
        losses = tf.TensorArray(tf.float32, size=n_epochs)
        for epoch in tf.range(n_epochs):
            h, c = (zeros, zeros) if reset_states else (state[0].read_value(), state[1].read_value())
            order = tf.argsort(order_rng.uniform([n_steps])) if shuffle else tf.range(n_steps)
            total = tf.constant(0.0)
            for t in order:
                with tf.GradientTape() as tape:
                    out, (h_next, c_next) = lstm.cell(X[t], (h, c))
                    loss = tf.reduce_mean(tf.square(dense(out) - Y[t]))
                optimizer.apply(tape.gradient(loss, variables), variables)
                h, c = h_next, c_next  # the state moves on; its gradient path ends here
                total += loss
            state[0].assign(h)
            state[1].assign(c)
            losses = losses.write(epoch, total / n_steps)
        return losses.stack()

    losses = run_in_chunks(run_epochs, epochs, "compiled", progress)
    reset_rnn_states(model)
    return model, np.array(losses)


def train_bptt(x, y, epochs, cells=16, seed=0, progress=True, learning_rate=None):
    """Fast default: the whole sequence as one batch, full backpropagation through time, one step per epoch.

    Introduced in notebook 06.

    Returns:
        `(model, losses)`: a non-stateful sequence model (use `stateful_twin` to generate) and the loss
        of each epoch.
    """
    import keras

    x, y = _check_pairs(x, y)
    epochs = check_int("epochs", epochs, minimum=1)
    if learning_rate is None:
        learning_rate = DEFAULTS["bptt"]["learning_rate"]
    learning_rate = check_float("learning_rate", learning_rate, strictly_positive=True)
    keras.utils.set_random_seed(check_int("seed", seed, minimum=0))
    model = build_sequence_model(cells)
    run_epochs = training.full_bptt_runner(model, x, y, learning_rate)
    return model, run_in_chunks(run_epochs, epochs, "bptt", progress)


_TRAINERS = {"article": train_article, "compiled": train_compiled, "bptt": train_bptt}


def run_method(method, epochs=None, cells=None, seed=0, progress=True):
    """Train with one method, generate 36 values after the series, and measure time and error.

    Introduced in notebook 06; used by the command line, the benchmark and the widgets.

    Args:
        method: "article", "compiled" or "bptt".
        epochs: training epochs; None for the method's default (`DEFAULTS`).
        cells: LSTM units; None for the default (16).
        seed: seeds the initial weights; an int >= 0.
        progress: show a tqdm progress bar while training.

    Returns:
        dict with `method, epochs, cells, seed, train_seconds, generate_seconds, mse_36, max_abs_err_36,
        abs_err_by_horizon, losses, generated, expected, model` (the stateful model used for generation).
    """
    method = check_choice("method", method, METHODS)
    epochs = DEFAULTS[method]["epochs"] if epochs is None else check_int("epochs", epochs, minimum=1)
    cells = DEFAULTS[method]["cells"] if cells is None else check_int("cells", cells, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    x, y = data.article_data()
    start = time.perf_counter()
    model, losses = _TRAINERS[method](x, y, epochs, cells=cells, seed=seed, progress=progress)
    train_seconds = time.perf_counter() - start
    start = time.perf_counter()
    generator = stateful_twin(model) if method == "bptt" else model
    generated = generate(generator, x, data.ARTICLE_HORIZON)
    generate_seconds = time.perf_counter() - start
    expected = data.article_continuation()
    scores = training.evaluate_forecast(generated, expected)
    return {
        "method": method,
        "epochs": epochs,
        "cells": cells,
        "seed": seed,
        "train_seconds": train_seconds,
        "generate_seconds": generate_seconds,
        "mse_36": scores["mse"],
        "max_abs_err_36": scores["max_abs_err"],
        "abs_err_by_horizon": scores["abs_err_by_horizon"],
        "losses": losses,
        "generated": generated,
        "expected": expected,
        "model": generator,
    }


def _check_pairs(x, y):
    x = check_array("x", x, ndim=1)
    y = check_array("y", y, ndim=1)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same length, got {x.size} and {y.size}. Use supervised_pairs().")
    return x, y


def _int_at_least(minimum):
    """An argparse type: a whole number >= `minimum`, else a usage error (exit code 2, no traceback)."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected a number >= {minimum}, got {value}")
        return value

    return parse


def parse_args(argv=None):
    """Parse the command line; bad arguments print the usage and exit with code 2."""
    parser = argparse.ArgumentParser(
        prog="python -m rnn_helpers.forecast",
        description="Train the article's sine forecaster and generate 36 values by feedback.",
    )
    parser.add_argument("--method", choices=METHODS, default="bptt", help="training method (default: bptt)")
    parser.add_argument("--epochs", type=_int_at_least(1), help="epochs (default: the method's default)")
    parser.add_argument("--cells", type=_int_at_least(1), help="LSTM cells (default: 16)")
    parser.add_argument("--seed", type=_int_at_least(0), default=0, help="random seed (default: 0)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--plot", metavar="PNG", help="save the expected-vs-generated figure here")
    return parser.parse_args(argv)


def main(argv=None):
    """Command-line entry point; returns the process exit code."""
    args = parse_args(argv)
    result = run_method(args.method, epochs=args.epochs, cells=args.cells, seed=args.seed, progress=not args.json)
    summary = {key: result[key] for key in ("method", "epochs", "cells", "seed")}
    summary.update({key: round(result[key], 6) for key in ("train_seconds", "generate_seconds", "mse_36", "max_abs_err_36")})
    if args.plot:
        from . import plotting

        figure = plotting.forecast_figure(data.article_data()[0], result["expected"], result["generated"]).figure
        figure.savefig(args.plot, dpi=100, bbox_inches="tight")
        summary["plot"] = args.plot
    if args.json:
        print(json.dumps(summary))
    else:
        for key, value in summary.items():
            print(f"{key:>16}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
