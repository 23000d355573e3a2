"""The one-value-at-a-time sine task of notebooks 01–02, and the models that try it.

Introduced in notebook 01. Every window is `sin(phase + k)` with a random phase, and the task is to predict
the next value. A feed-forward network sees one value (the perceptron of notebook 01) or a window of
values; a recurrent network (notebook 02) sees one value per step and keeps a state. What is inside:

- the task's settings and its windows (`task_windows`), which `rnn_helpers.data.lagged_pairs` and
  `sequence_pairs` cut into examples;
- the error floor of any predictor that sees one value (`floor_mse`, `best_one_value_prediction`);
- the models (`build_feedforward`, and `build_recurrent` on `keras_rnn.build_layer`), their training
  (`train_feedforward`, `train_recurrent`, each returning a `OneStepResult`, so the notebooks and the claims
  tests call the very same code) and measurements (`predict`, `per_step_mse`, `fed_back_vs_input`).
"""

import dataclasses
import time

import keras
import numpy as np

from . import cells, data, fitting, keras_rnn
from ._validation import (Array, Check, Choice, Count, Float, Int, KerasModel, Seed, Size, Text, validate,
                          validate_fields)

# One setting for the whole task, shared by notebooks 01 and 02 and their tests.
N_TRAIN = 256  # training windows
N_TEST = 256  # test windows, drawn with a different seed
LENGTH = 17  # values per window: 16 inputs and 16 next-value targets
STEP = 1.0  # radians between consecutive values, as in the article
WARMUP = 3  # recurrent outputs not scored while the state warms up
LEARNING_RATE = 0.01


@dataclasses.dataclass
@validate_fields(name=Text(), model=KerasModel(), mse=Float(minimum=0.0), params=Count(), seconds=Float(minimum=0.0),
                 losses=Array(ndim=1))
class OneStepResult:
    """What one training run produced.

    Attributes:
        name: a short label for tables and legends.
        model: the trained Keras model.
        mse: mean squared error on the test windows (after the warm-up for recurrent models).
        params: number of trainable parameters.
        seconds: wall-clock training time.
        losses: training loss after every epoch.
    """

    name: str
    model: keras.Model
    mse: float
    params: int
    seconds: float
    losses: list

    def __post_init__(self):
        self.losses = self.losses.tolist()


@validate(step=Float(strictly_positive=True, maximum=1e3))
def floor_mse(step=STEP):
    """The lowest MSE any predictor of `sin(t + step)` from `sin(t)` alone can reach: `sin(step)² / 2`.

    Introduced in notebook 01. With a uniformly random phase, `sin(t)` fixes `cos(t)` only up to its sign,
    so the best guess is the average of the two candidates, `cos(step) · sin(t)`, and the error left over
    averages to `sin(step)² / 2` (≈ 0.354 for a step of 1 rad).

    Args:
        step: distance between consecutive values in radians; > 0.

    Returns:
        The floor as a float.
    """
    return float(np.sin(step) ** 2 / 2)


@validate(x=Array(), step=Float(strictly_positive=True, maximum=1e3))
def best_one_value_prediction(x, step=STEP):
    """The best prediction of the next value from the current value alone: `cos(step) · x`.

    Introduced in notebook 01.

    Args:
        x: array of current values in [-1, 1].
        step: distance between consecutive values in radians; > 0.

    Returns:
        float64 array shaped like `x`.
    """
    if np.any(np.abs(x) > 1):
        raise ValueError(f"x must hold sine values in [-1, 1], got values up to {np.abs(x).max():g}. "
                         "Pass values of the series, e.g. windows[:, :-1].")
    return np.cos(step) * x


@validate(split=Choice(("train", "test")), seed=Seed())
def task_windows(split, seed=0):
    """Random-phase sine windows of the task, `(n_windows, LENGTH)`.

    Introduced in notebook 01.

    Args:
        split: "train" or "test"; the two use different phases.
        seed: base seed; the test windows use `seed + 1`.

    Returns:
        float64 array of shape `(N_TRAIN or N_TEST, LENGTH)`.
    """
    if split == "train":
        return data.sine_windows(N_TRAIN, LENGTH, step=STEP, seed=seed)
    return data.sine_windows(N_TEST, LENGTH, step=STEP, seed=seed + 1)


@validate(lags=Size(), units=Size())
def build_feedforward(lags=1, units=16):
    """A feed-forward network: `lags` values in, one hidden tanh layer, the next value out.

    Introduced in notebook 01. With `lags=1` this is the perceptron of the article.

    Args:
        lags: number of input values; an int >= 1.
        units: hidden units; an int >= 1.

    Returns:
        An uncompiled `keras.Sequential` mapping `(batch, lags)` to `(batch, 1)`.
    """
    hidden = keras.layers.Dense(units, activation="tanh")
    return keras_rnn.build_model(None, features=lags, sequence=False, front=[hidden], head_name=None,
                                 name=f"feedforward_{lags}_in")


@validate(kind=Choice(cells.SIMPLE), units=Size(), context=Size())
def build_recurrent(kind, units=16, context=1):
    """A recurrent network that reads one value per step and predicts the next value at every step.

    Introduced in notebook 02.

    Args:
        kind: "elman" (`SimpleRNN` + a `Dense(1)` read-out) or "jordan" (`RNN(JordanCell)`).
        units: hidden units; an int >= 1.
        context: Jordan only: width of the output that is fed back. Its first unit is the prediction;
            the others are free for the network to use as memory. An int >= 1.

    Returns:
        An uncompiled `keras.Sequential` mapping `(batch, time, 1)` to `(batch, time, 1)`.
    """
    if kind == "elman" and context != 1:
        raise ValueError(f"context only applies to kind='jordan', got context={context} with kind='elman'.")
    prediction = [keras.layers.Lambda(lambda y: y[..., :1], name="prediction")] if context > 1 else []
    return keras_rnn.build_model(kind, units, outputs=1 if kind == "elman" else None, return_sequences=True,
                                 output_units=context, back=prediction, head_name=None,
                                 name=f"{kind}_{units}_{context}")


@validate(model=KerasModel(), X=Array())
def predict(model, X):
    """Run a model on a numpy batch in one call; return float64 numpy.

    Introduced in notebook 01. Calling the model directly avoids `model.predict`'s progress bar and
    the retracing warnings it prints when many small models are evaluated in a row.

    Args:
        model: a built Keras model.
        X: a batch of inputs in the shape the model expects.

    Returns:
        The model's outputs as a float64 array.
    """
    return np.asarray(keras.ops.convert_to_numpy(model(X.astype("float32"), training=False)), dtype=np.float64)


def _fit(model, X, Y, epochs, batch_size):
    """Train with Adam + MSE (`fitting.compile_and_fit`, no bar: a second or two), return (losses, seconds)."""
    start = time.perf_counter()
    losses = fitting.compile_and_fit(model, X, Y, epochs, batch_size, "mse", learning_rate=LEARNING_RATE)
    return losses.tolist(), time.perf_counter() - start


def _check_name(name, value):
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{name} must be a string or None, got {type(value).__name__} {value!r}. "
                        "Pass e.g. name='my run'.")
    return value


def _params(model):
    return int(sum(np.prod(w.shape) for w in model.trainable_weights))


@validate(lags=Int(minimum=1, maximum=LENGTH - 1), units=Size(), epochs=Count(), seed=Seed(),
          name=Check(_check_name))
def train_feedforward(lags=1, units=16, epochs=20, seed=0, name=None):
    """Train a feed-forward network on the task and measure its test MSE.

    Introduced in notebook 01.

    Args:
        lags: number of past values the network sees (1 = the perceptron); an int in [1, LENGTH - 1].
        units: hidden units; an int >= 1.
        epochs: passes over the training examples; an int >= 1.
        seed: seeds the weights, the shuffling and the training windows.
        name: label for the result; a default is made from `lags` and `units`.

    Returns:
        A `OneStepResult`.
    """
    keras.utils.set_random_seed(seed)
    model = build_feedforward(lags, units)
    X, y = data.lagged_pairs(task_windows("train", seed), lags)
    losses, seconds = _fit(model, X, y, epochs, batch_size=256)
    X_test, y_test = data.lagged_pairs(task_windows("test", seed), lags)
    mse = float(np.mean((predict(model, X_test) - y_test) ** 2))
    label = name or f"{lags} value{'s' if lags > 1 else ''} in, {units} units"
    return OneStepResult(label, model, mse, _params(model), seconds, losses)


@validate(model=KerasModel(), checked_in_body=("windows",))
def per_step_mse(model, windows):
    """Test MSE of a recurrent model at each time step, averaged over windows.

    Introduced in notebook 02: the first outputs are worse because the state has seen little.

    Args:
        model: a model mapping `(batch, time, 1)` to `(batch, time, 1)`.
        windows: `(n_windows, length)` array.

    Returns:
        float64 array of length `length - 1`.
    """
    X, Y = data.sequence_pairs(windows)
    return np.mean((predict(model, X) - Y) ** 2, axis=(0, 2))


@validate(kind=Choice(cells.SIMPLE), units=Size(), context=Size(), epochs=Count(), seed=Seed(),
          name=Check(_check_name))
def train_recurrent(kind, units=16, context=1, epochs=40, seed=0, name=None):
    """Train an Elman or Jordan network on the task and measure its test MSE after the warm-up.

    Introduced in notebook 02. The loss covers every step; the reported `mse` skips the first `WARMUP`
    outputs, made before the state has seen enough values.

    Args:
        kind: "elman" or "jordan".
        units: hidden units; an int >= 1.
        context: Jordan only: width of the fed-back output (see `build_recurrent`).
        epochs: passes over the training windows; an int >= 1.
        seed: seeds the weights, the shuffling and the training windows.
        name: label for the result; a default is made from the arguments.

    Returns:
        A `OneStepResult`.
    """
    keras.utils.set_random_seed(seed)
    model = build_recurrent(kind, units, context)
    X, Y = data.sequence_pairs(task_windows("train", seed))
    losses, seconds = _fit(model, X, Y, epochs, batch_size=32)
    mse = float(per_step_mse(model, task_windows("test", seed))[WARMUP:].mean())
    label = name or (f"Elman, {units} units" if kind == "elman" else f"Jordan, {units} units, context {context}")
    return OneStepResult(label, model, mse, _params(model), seconds, losses)


@validate(model=KerasModel(), windows=Array(ndim=2))
def fed_back_vs_input(model, windows):
    """What a one-output Jordan network remembers: its fed-back output next to the input it arrives with.

    Introduced in notebook 02. At step `t` the Jordan cell reads `x_t` together with its previous output
    `y_{t-1}`, which training pushes towards `x_t` itself. Steps inside the warm-up are left out.

    Args:
        model: a recurrent model mapping `(batch, time, 1)` to `(batch, time, 1)` whose output is the
            fed-back state (e.g. `build_recurrent("jordan")`).
        windows: `(n_windows, length)` array, length > WARMUP + 2.

    Returns:
        `(x_t, y_prev, rising)`, three arrays of shape `(n_windows, length - 2 - WARMUP)`: the inputs, the
        fed-back outputs arriving with them, and whether the next value is above `x_t`.
    """
    if windows.shape[1] <= WARMUP + 2:
        raise ValueError(f"windows must hold more than {WARMUP + 2} values each, got length {windows.shape[1]}.")
    X, Y = data.sequence_pairs(windows)
    y_prev = predict(model, X)[:, :-1, 0][:, WARMUP:]  # y_{t-1}, arriving at step t
    x_t = X[:, 1:, 0][:, WARMUP:]
    rising = Y[:, 1:, 0][:, WARMUP:] > x_t  # x_{t+1} > x_t
    return x_t, y_prev, rising
