"""The minGRU as a Keras layer, and what it loses: minGRU, GRU and LSTM trained on the memory tasks and on
prefix parity.

Introduced in notebook 09. `MinGRU` runs the minGRU of `rnn_helpers.linear_recurrence` on `keras_scan`
(a parallel scan, no loop over time); `memory_run` trains one minGRU, GRU or LSTM stack with the course's
compiled mini-batch loop (`rnn_helpers.training`) and scores it.
"""

import functools

import numpy as np

from . import cells, data, fitting, scores
from ._validation import (Array, Bool, Choice, Count, Float, Int, LearningRate, Seed, Size, check_shape, validate)
from .linear_recurrence import keras_scan

# the gated cells that have a Keras layer: the LSTM, the GRU, and the minGRU (`MinGRU` below)
MEMORY_CELLS = tuple(cell for cell, row in cells.TABLE.items() if row.gates and row.keras_class)
MEMORY_TASKS = ("recall_first", "adding", "parity")
_GATE_BIAS = Float(minimum=-20.0, maximum=20.0)  # the minGRU's initial update-gate bias (positive: keep)
_LAYERS = Int(minimum=1, maximum=8)  # recurrent layers in a stack


@functools.cache
def _min_gru_class():
    """Define the Keras layer on first use, so that importing this module does not import TensorFlow."""
    import keras
    from keras import ops

    @keras.saving.register_keras_serializable(package="rnn_helpers")
    class MinGRU(keras.layers.Layer):
        """A minGRU layer whose states come from a parallel scan (`keras_scan`) instead of a loop over time.

        Introduced in notebook 09. Weights `W_xz, b_z, W_xh, b_h` in that order (`set_weights` takes the
        numpy dict's arrays in that order). It needs a fixed sequence length: `keras.Input(shape=(T, n))`.
        The scan does not compile under XLA, so `supports_jit` is False and `jit_compile=True` falls back.
        """

        @validate(units=Size(), return_sequences=Bool(), gate_bias=_GATE_BIAS)
        def __init__(self, units, return_sequences=True, gate_bias=0.0, **kwargs):
            super().__init__(**kwargs)
            self.units, self.return_sequences, self.gate_bias = units, return_sequences, gate_bias
            self.supports_jit = False

        constraints, checked_in_body = __init__.constraints, __init__.checked_in_body  # the class's declaration

        def build(self, input_shape):
            if len(input_shape) != 3 or input_shape[1] is None:
                raise ValueError(f"MinGRU needs inputs (batch, time, features) with a fixed time length, got "
                                 f"{tuple(input_shape)}. Use keras.Input(shape=(T, features)).")
            self.time, features = int(input_shape[1]), int(input_shape[2])
            self.W_xz = self.add_weight(name="W_xz", shape=(features, self.units), initializer="glorot_uniform")
            self.b_z = self.add_weight(name="b_z", shape=(self.units,),
                                       initializer=keras.initializers.Constant(self.gate_bias))
            self.W_xh = self.add_weight(name="W_xh", shape=(features, self.units), initializer="glorot_uniform")
            self.b_h = self.add_weight(name="b_h", shape=(self.units,), initializer="zeros")

        def call(self, inputs):
            z = ops.sigmoid(ops.matmul(inputs, self.W_xz) + self.b_z)  # update gate: input only
            b = (1.0 - z) * (ops.matmul(inputs, self.W_xh) + self.b_h)  # (1 - z) times the candidate
            _, H = keras_scan(z, b)  # every prefix (a, b) ∘ ... ∘ (a_t, b_t)
            H = ops.reshape(H, (-1, self.time, self.units))  # the scan loses the static shape in a graph
            return H if self.return_sequences else H[:, -1]

        def compute_output_shape(self, input_shape):
            batch = input_shape[0]
            return (batch, input_shape[1], self.units) if self.return_sequences else (batch, self.units)

        def get_config(self):
            return {**super().get_config(), "units": self.units, "return_sequences": self.return_sequences,
                    "gate_bias": self.gate_bias}

    return MinGRU


def __getattr__(name):
    """`min_gru.MinGRU`: the Keras layer class, defined (and Keras imported) when first asked for."""
    if name == "MinGRU":
        return _min_gru_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- what is lost: minGRU, GRU and LSTM on the memory tasks and on prefix parity -------------------------------


@validate(cell=Choice(MEMORY_CELLS), length=Count(), features=Size(), units=Size(), layers=_LAYERS,
          return_sequences=Bool(), gate_bias=_GATE_BIAS)
def build_memory_model(cell, length, features, units=16, layers=1, return_sequences=False, gate_bias=0.0):
    """`layers` recurrent layers of `cell` ("mingru", "gru", "lstm") and `Dense(1)`, for sequences of `length`.

    Introduced in notebook 09. The minGRU's `gate_bias` is the initial bias of its update gate (positive: keep).
    """
    from . import keras_rnn

    stack = []
    for k in range(layers):
        sequences = return_sequences or k < layers - 1  # every layer but the last feeds the next one a sequence
        stack.append(_min_gru_class()(units, return_sequences=sequences, gate_bias=gate_bias, name=f"mingru_{k}")
                     if cell == "mingru" else keras_rnn.build_layer(cell, units, return_sequences=sequences,
                                                                    name=f"{cell}_{k}"))
    return keras_rnn.build_model(None, features=features, steps=length, front=stack, name=cell)


@validate(task=Choice(MEMORY_TASKS), n_samples=Count(), seed=Seed(), checked_in_body=("length",))
def memory_data(task, n_samples, length, seed=0):
    """`(X, y)` of "recall_first", "adding" (one answer at the end) or "parity" (an answer at every step)."""
    if task == "parity":
        return data.prefix_parity(n_samples, length, seed=seed)
    return data.task_data(task, n_samples, length, seed=seed)


@validate(task=Choice(MEMORY_TASKS), y_true=Array(), prediction=Array())
def score(task, y_true, prediction):
    """R² for the memory tasks; for parity, the share of sequences whose last running parity is right."""
    check_shape("prediction", prediction, y_true.shape, "Predict one value for every target.")
    if task == "parity" and y_true.ndim != 3:
        raise ValueError(f"parity targets must be 3-D (batch, time, 1), got shape {y_true.shape}.")
    if task != "parity":
        return scores.r2_score(y_true, prediction)
    return float(np.mean((prediction[:, -1, 0] > 0.5) == (y_true[:, -1, 0] > 0.5)))


@validate(cell=Choice(MEMORY_CELLS), task=Choice(MEMORY_TASKS), length=Count(minimum=2), units=Size(), layers=_LAYERS,
          epochs=Count(), n_train=Count(), n_test=Count(minimum=2), batch_size=Count(), learning_rate=LearningRate(),
          seed=Seed(), gate_bias=_GATE_BIAS)
def memory_run(cell, task, length, units=16, layers=1, epochs=10, n_train=2048, n_test=512, batch_size=64,
               learning_rate=0.01, seed=0, gate_bias=0.0):
    """Train one model on a memory task or prefix parity with the course's compiled mini-batch loop; score it.

    Introduced in notebook 09. The data, the order of the batches and the initial weights depend on `seed`
    only (the test set uses seed + 1), as in `training.race_memory`; every epoch is one pass in a new order.

    Args:
        cell: "mingru", "gru" or "lstm". task: "recall_first", "adding" or "parity".
        length: steps per sequence; an int >= 2. units, layers: size and depth of the recurrent stack.
        epochs, n_train, n_test, batch_size, learning_rate: the training budget (notebook 05's by default).
        seed: an int >= 0. gate_bias: the minGRU's initial update-gate bias (ignored by GRU and LSTM).

    Returns:
        dict with `cell, task, length, layers, seed, gate_bias, score` (R², or the share of right final
        parities), `params`, `losses` (per epoch) and `seconds` (cold: building and tracing included).
    """
    import time

    import keras
    import tensorflow as tf

    X, y = memory_data(task, n_train, length, seed=seed)
    X_test, y_test = memory_data(task, n_test, length, seed=seed + 1)
    start = time.perf_counter()
    keras.utils.set_random_seed(seed)
    model = build_memory_model(cell, length, X.shape[2], units=units, layers=layers,
                               return_sequences=task == "parity", gate_bias=gate_bias)
    run_epoch = fitting.minibatch_runner(model, learning_rate, batch_size)
    order = np.random.default_rng(seed)
    with fitting.quiet_tracing():
        losses = [float(run_epoch(tf.constant(X[rows]), tf.constant(y[rows])))
                  for rows in (order.permutation(len(X)) for _ in range(epochs))]
    prediction = np.asarray(model(X_test), dtype=np.float64)
    return {"cell": cell, "task": task, "length": length, "layers": layers, "seed": seed, "gate_bias": gate_bias,
            "score": score(task, y_test, prediction), "params": int(model.count_params()) - (units + 1),
            "losses": np.array(losses), "seconds": time.perf_counter() - start}
