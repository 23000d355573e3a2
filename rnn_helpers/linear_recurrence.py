"""Where recurrence went next: linear recurrences, parallel scans, linear attention and state-space models.

Introduced in notebook 09. What is inside:

- `min_gru_gates`, `min_lstm_gates`: notebook 05's GRU (and notebook 04's LSTM) with `h_{t-1}` taken out of
  the gates (Feng et al., 2024), which leaves a linear recurrence `h_t = a_t ⊙ h_{t-1} + b_t`.
- `linear_recurrence` (the loop), `combine` (the scan's operator), `hillis_steele_scan` (a parallel scan in
  numpy), `log_space_recurrence` (the same sums in log space), `scan_cost` (depth and work), and
  `min_gru_forward`, which runs a minGRU either way.
- `keras_scan`: `keras.ops.associative_scan`, or the same Hillis–Steele rounds in `keras.ops` where Keras
  cannot trace it (before 3.14 on TensorFlow); `MinGRU`, a Keras layer on it (fixed sequence length), and
  `memory_run`, which trains minGRU, GRU or LSTM models on the memory tasks and on prefix parity.
- `linear_attention_*`: causal linear attention (Katharopoulos et al., 2020) as a masked product, a cumulative
  sum and a recurrent state; `softmax_step`/`linear_attention_step`: one generated token of each.
- `ssm_*`: a linear time-invariant state-space model as a recurrence and as an FFT convolution.
"""

import functools
import math
import pathlib

import numpy as np

from . import data, fitting, numpy_rnn, scores
from ._validation import (check_array, check_bool, check_choice, check_count, check_float, check_int, check_params,
                          check_shape, check_size, check_state)
from ._validation import check_learning_rate

MIN_CELLS = ("mingru", "minlstm")
MEMORY_CELLS = ("mingru", "gru", "lstm")
MEMORY_TASKS = ("recall_first", "adding", "parity")
BENCHMARK_RESULTS = pathlib.Path(__file__).resolve().parent / "linear_recurrence_results.json"  # package data


def load_benchmark(path=BENCHMARK_RESULTS):
    """The committed results of `benchmarks/linear_recurrence.py`: the timing sweep and the trainings too slow
    for notebook 09 (`timing`, `memory`, `parity`, each a list of rows, and `machine`).

    Raises:
        TypeError: if `path` is not a path. FileNotFoundError: if the file is missing (the script makes it).
    """
    return data.benchmark_results(path, "benchmarks/linear_recurrence.py", "about half an hour on 2 cores")


def min_param_names(cell):
    """The weight names of a minimal cell: only input kernels and biases, no recurrent kernel.

    Introduced in notebook 09. minGRU: update gate z and candidate h; minLSTM: forget f, input i, candidate h.
    """
    cell = check_choice("cell", cell, MIN_CELLS)
    gates = ("z", "h") if cell == "mingru" else ("f", "i", "h")
    return tuple(name for g in gates for name in (f"W_x{g}", f"b_{g}"))


def _check_inputs(cell, X, params):
    X = check_array("X", X, ndim=3)
    p, units = check_params(params, min_param_names(cell), X.shape[2])
    return X, p, units


def min_gru_gates(X, params):
    """The coefficients of a minGRU: its update gate and candidate see only the input.

    z_t = σ(x_t W_xz + b_z),   h̃_t = x_t W_xh + b_h,   h_t = z_t ⊙ h_{t-1} + (1 − z_t) ⊙ h̃_t
    so h_t = a_t ⊙ h_{t-1} + b_t with a_t = z_t and b_t = (1 − z_t) ⊙ h̃_t (Keras's convention: z keeps).

    Introduced in notebook 09.

    Args:
        X: inputs `(batch, time, features)`.
        params: dict with `W_xz`, `W_xh` `(features, units)` and `b_z`, `b_h` `(units,)`.

    Returns:
        `(a, b)`, each float64 `(batch, time, units)`: all time steps at once, since no gate waits for a state.
    """
    X, p, _ = _check_inputs("mingru", X, params)
    z = numpy_rnn.sigmoid(X @ p["W_xz"] + p["b_z"])  # update gate, from the input only
    h_tilde = X @ p["W_xh"] + p["b_h"]  # candidate, from the input only (no tanh)
    return z, (1.0 - z) * h_tilde


def min_lstm_gates(X, params):
    """The coefficients of a minLSTM: forget and input gates from the input only, normalised to sum to 1.

    f_t = σ(x_t W_xf + b_f), i_t = σ(x_t W_xi + b_i), h̃_t = x_t W_xh + b_h,
    h_t = f_t/(f_t + i_t) ⊙ h_{t-1} + i_t/(f_t + i_t) ⊙ h̃_t.

    Introduced in notebook 09. `params` holds `W_xf, b_f, W_xi, b_i, W_xh, b_h`.

    Returns:
        `(a, b)`, each float64 `(batch, time, units)`.
    """
    X, p, _ = _check_inputs("minlstm", X, params)
    f = numpy_rnn.sigmoid(X @ p["W_xf"] + p["b_f"])  # forget gate
    i = numpy_rnn.sigmoid(X @ p["W_xi"] + p["b_i"])  # input gate
    h_tilde = X @ p["W_xh"] + p["b_h"]  # candidate
    return f / (f + i), i / (f + i) * h_tilde


def _check_coefficients(a, b):
    a, b = check_array("a", a, ndim=3), check_array("b", b, ndim=3)
    check_shape("b", b, a.shape, "a and b are (batch, time, units) and must have the same shape.")
    return a, b


def linear_recurrence(a, b, h0=None):
    """The loop: h_t = a_t ⊙ h_{t-1} + b_t, one step after the other (T sequential steps).

    Introduced in notebook 09.

    Args:
        a, b: `(batch, time, units)`. h0: the state before the first step `(batch, units)`; zeros if None.

    Returns:
        H, float64 `(batch, time, units)`.
    """
    a, b = _check_coefficients(a, b)
    h = check_state("h0", h0, a.shape[0], a.shape[2])
    H = np.empty_like(a)
    for t in range(a.shape[1]):
        h = a[:, t] * h + b[:, t]
        H[:, t] = h
    return H


def combine(first, second):
    """The scan's operator: two steps `h ↦ a₁h + b₁` then `h ↦ a₂h + b₂` make one, `(a₁a₂, a₂b₁ + b₂)`.

    Introduced in notebook 09. It is associative, which is all a parallel scan needs. Each argument is a pair
    `(a, b)` of numbers or arrays of one shape.
    """
    for name, pair in (("first", first), ("second", second)):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(f"{name} must be a pair (a, b), got {type(pair).__name__}. Pass e.g. (0.5, 1.0).")
    (a1, b1), (a2, b2) = first, second
    return a1 * a2, a2 * b1 + b2


def hillis_steele_scan(a, b):
    """All prefixes `(A_t, B_t)` = (a₁, b₁) ∘ … ∘ (a_t, b_t) in ⌈log₂ T⌉ rounds (Hillis & Steele, 1986).

    Round k combines every position t ≥ 2^k with the one 2^k steps before it, all at once; after the last
    round position t holds the whole prefix, and h_t = A_t ⊙ h_0 + B_t. Introduced in notebook 09.

    Args:
        a, b: `(batch, time, units)`.

    Returns:
        `(A, B, rounds)`: two float64 arrays of the shape of `a`, and the number of rounds.
    """
    A, B = _check_coefficients(a, b)
    return _hillis_steele_rounds(A.copy(), B.copy(), np.concatenate)


def _hillis_steele_rounds(A, B, concatenate):
    """The rounds of `hillis_steele_scan` on numpy arrays or, with `keras.ops.concatenate`, on Keras tensors of a
    fixed time length. No array is changed in place, so that the same code runs inside a TensorFlow graph."""
    rounds, shift = 0, 1
    while shift < A.shape[1]:
        earlier = (A[:, :-shift], B[:, :-shift])  # position t - shift, before this round changes it
        A_new, B_new = combine(earlier, (A[:, shift:], B[:, shift:]))
        A, B = concatenate([A[:, :shift], A_new], axis=1), concatenate([B[:, :shift], B_new], axis=1)
        rounds, shift = rounds + 1, 2 * shift
    return A, B, rounds


def scan_cost(T):
    """Depth (sequential rounds) and work (combines) of the loop and of the Hillis–Steele scan for T steps.

    Introduced in notebook 09. The loop: depth T, work T. The scan: depth ⌈log₂ T⌉, work Σ_k (T − 2^k).

    Returns:
        dict with `loop_depth, loop_work, scan_depth, scan_work`.
    """
    T = check_count("T", T)
    shifts = [2**k for k in range(math.ceil(math.log2(T)))] if T > 1 else []
    return {"loop_depth": T, "loop_work": T, "scan_depth": len(shifts), "scan_work": sum(T - s for s in shifts)}


def g(x):
    """The paper's positive activation: x + 0.5 for x ≥ 0, σ(x) below (continuous, always > 0)."""
    x = check_array("x", x)
    e = np.exp(np.minimum(x, 0.0))  # σ(x) = eˣ / (1 + eˣ) below 0: exact to the last digit far out, for log g
    return np.where(x >= 0, x + 0.5, e / (1.0 + e))


def log_space_recurrence(log_a, log_b):
    """h_t = a_t h_{t-1} + b_t from h_0 = 0 for positive a, b, computed with logarithms only.

    log h_t = a*_t + log Σ_{s≤t} exp(log b_s − a*_s), with a*_t = Σ_{s≤t} log a_s: a cumulative sum and a
    cumulative log-sum-exp (both scans). Products of thousands of gates underflow; their logarithms do not.
    Introduced in notebook 09.

    Args:
        log_a, log_b: `(batch, time, units)`, the logarithms of the coefficients.

    Returns:
        H, float64 `(batch, time, units)`.
    """
    log_a, log_b = check_array("log_a", log_a, ndim=3), check_array("log_b", log_b, ndim=3)
    check_shape("log_b", log_b, log_a.shape, "log_a and log_b must have the same shape.")
    a_star = np.cumsum(log_a, axis=1)
    return np.exp(a_star + np.logaddexp.accumulate(log_b - a_star, axis=1))


def min_gru_forward(X, params, h0=None, method="loop"):
    """Run a minGRU over a batch of sequences: `method` "loop" (T steps) or "scan" (Hillis–Steele rounds).

    Introduced in notebook 09. Both give the same states to float64 round-off.

    Returns:
        H, float64 `(batch, time, units)`.
    """
    method = check_choice("method", method, ("loop", "scan"))
    a, b = min_gru_gates(X, params)
    if method == "loop":
        return linear_recurrence(a, b, h0)
    h0 = check_state("h0", h0, a.shape[0], a.shape[2])
    A, B, _ = hillis_steele_scan(a, b)
    return A * h0[:, None, :] + B


def min_gru_gradient_norms(X, params):
    """‖∂h_T/∂h_t‖ of a minGRU for every distance T − t = 1 .. T: the largest product of update gates.

    In a minGRU ∂h_T/∂h_t = diag(∏_{s=t+1..T} a_s): no tanh′, no recurrent matrix. Introduced in notebook 09.

    Args:
        X: one sequence as `(1, time, features)`. params: minGRU weights.

    Returns:
        1-D float64 array; entry k − 1 is ‖∂h_T/∂h_{T−k}‖ (largest singular value = largest diagonal entry).
    """
    a, _ = min_gru_gates(X, params)
    if a.shape[0] != 1:
        raise ValueError(f"X must hold one sequence, got a batch of {a.shape[0]}. Pass X[:1].")
    kept = np.cumprod(a[0, ::-1], axis=0)  # row k-1: the product of the last k gates
    return kept.max(axis=1)


# --- the Keras layer: the same minGRU on keras.ops.associative_scan ---------------------------------------------

KERAS_SCAN_TRACES_FROM = (3, 14)  # the first Keras whose associative_scan traces in a TensorFlow graph (keras #22072)
KERAS_BACKENDS = ("tensorflow", "jax", "torch", "numpy", "openvino")


def keras_scan_traces(version=None, backend=None):
    """Whether `keras.ops.associative_scan` can be traced into a graph: not on TensorFlow before Keras 3.14.

    Keras 3.13 (Colab's in 2026) recurses without end while tracing it inside `tf.function` (RecursionError);
    Keras 3.14 fixed it. Introduced in notebook 09.

    Args:
        version: a Keras version such as "3.13.2"; the installed one if None. backend: "tensorflow", "jax",
            "torch", ...; the active one if None.
    """
    if version is None or backend is None:
        import keras

        version = keras.version() if version is None else version
        backend = keras.backend.backend() if backend is None else backend
    if not isinstance(version, str):
        raise TypeError(f"version must be a string such as '3.13.2', got {type(version).__name__}. "
                        "Pass keras.version().")
    parts = version.split(".")
    if len(parts) < 2 or not (parts[0].isdigit() and parts[1].isdigit()):
        raise ValueError(f"version must look like '3.13.2', got {version!r}. Pass keras.version().")
    backend = check_choice("backend", backend, KERAS_BACKENDS)
    return backend != "tensorflow" or (int(parts[0]), int(parts[1])) >= KERAS_SCAN_TRACES_FROM


def _check_keras_coefficients(a, b):
    for name, value in (("a", a), ("b", b)):
        shape = getattr(value, "shape", None)
        if shape is None:
            raise TypeError(f"{name} must be a tensor or array (batch, time, units), got {type(value).__name__}.")
        if len(shape) != 3 or shape[1] is None:
            raise ValueError(f"{name} must be (batch, time, units) with a fixed time length, got shape "
                             f"{tuple(shape)}. Use keras.Input(shape=(T, features)).")
    if tuple(a.shape[1:]) != tuple(b.shape[1:]):
        raise ValueError(f"a and b must have the same shape, got {tuple(a.shape)} and {tuple(b.shape)}.")


def keras_hillis_steele(a, b):
    """`hillis_steele_scan` in `keras.ops`: all prefixes `(A_t, B_t)` along axis 1, by the same rounds.

    For Keras tensors (or arrays) `(batch, time, units)` of a fixed time length; it traces in any graph.
    Introduced in notebook 09, where it stands in for `keras.ops.associative_scan` on Keras before 3.14.

    Returns:
        `(A, B)`, two tensors of the shape of `a`.
    """
    from keras import ops

    _check_keras_coefficients(a, b)
    A, B, _ = _hillis_steele_rounds(a, b, ops.concatenate)
    return A, B


def keras_scan(a, b):
    """All prefixes `(A_t, B_t)` of h_t = a_t ⊙ h_{t-1} + b_t along axis 1, in Keras: with
    `keras.ops.associative_scan(combine, (a, b), axis=1)` where it traces (`keras_scan_traces`), otherwise with
    `keras_hillis_steele`. Both equal the loop to round-off. Introduced in notebook 09.
    """
    from keras import ops

    _check_keras_coefficients(a, b)
    if keras_scan_traces():
        return ops.associative_scan(combine, (a, b), axis=1)
    return keras_hillis_steele(a, b)


@functools.cache
def _min_gru_class():
    """Define the Keras layer on first use, so that the numpy helpers above never import TensorFlow."""
    import keras
    from keras import ops

    @keras.saving.register_keras_serializable(package="rnn_helpers")
    class MinGRU(keras.layers.Layer):
        """A minGRU layer whose states come from a parallel scan (`keras_scan`) instead of a loop over time.

        Introduced in notebook 09. Weights `W_xz, b_z, W_xh, b_h` in that order (`set_weights` takes the
        numpy dict's arrays in that order). It needs a fixed sequence length: `keras.Input(shape=(T, n))`.
        The scan does not compile under XLA, so `supports_jit` is False and `jit_compile=True` falls back.
        """

        def __init__(self, units, return_sequences=True, gate_bias=0.0, **kwargs):
            super().__init__(**kwargs)
            self.units = check_size("units", units)
            self.return_sequences = check_bool("return_sequences", return_sequences)
            self.gate_bias = check_float("gate_bias", gate_bias, minimum=-20.0, maximum=20.0)
            self.supports_jit = False

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
    """`linear_recurrence.MinGRU`: the Keras layer class, defined (and Keras imported) when first asked for."""
    if name == "MinGRU":
        return _min_gru_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- what is lost: minGRU, GRU and LSTM on the memory tasks and on prefix parity -------------------------------


def build_memory_model(cell, length, features, units=16, layers=1, return_sequences=False, gate_bias=0.0):
    """`layers` recurrent layers of `cell` ("mingru", "gru", "lstm") and `Dense(1)`, for sequences of `length`.

    Introduced in notebook 09. The minGRU's `gate_bias` is the initial bias of its update gate (positive: keep).
    """

    from . import keras_rnn

    cell, layers = check_choice("cell", cell, MEMORY_CELLS), check_int("layers", layers, minimum=1, maximum=8)
    length, features = check_count("length", length), check_size("features", features)
    return_sequences = check_bool("return_sequences", return_sequences)
    units, gate_bias = check_size("units", units), check_float("gate_bias", gate_bias, minimum=-20.0, maximum=20.0)
    stack = []
    for k in range(layers):
        sequences = return_sequences or k < layers - 1  # every layer but the last feeds the next one a sequence
        stack.append(_min_gru_class()(units, return_sequences=sequences, gate_bias=gate_bias, name=f"mingru_{k}")
                     if cell == "mingru" else keras_rnn.build_layer(cell, units, return_sequences=sequences,
                                                                    name=f"{cell}_{k}"))
    return keras_rnn.build_model(None, features=features, steps=length, front=stack, name=cell)


def memory_data(task, n_samples, length, seed=0):
    """`(X, y)` of "recall_first", "adding" (one answer at the end) or "parity" (an answer at every step)."""
    task = check_choice("task", task, MEMORY_TASKS)
    if task == "parity":
        return data.prefix_parity(n_samples, length, seed=seed)
    return data.task_data(task, n_samples, length, seed=seed)


def score(task, y_true, prediction):
    """R² for the memory tasks; for parity, the share of sequences whose last running parity is right."""
    task = check_choice("task", task, MEMORY_TASKS)
    y_true, prediction = check_array("y_true", y_true), check_array("prediction", prediction)
    check_shape("prediction", prediction, y_true.shape, "Predict one value for every target.")
    if task == "parity" and y_true.ndim != 3:
        raise ValueError(f"parity targets must be 3-D (batch, time, 1), got shape {y_true.shape}.")
    if task != "parity":
        return scores.r2_score(y_true, prediction)
    return float(np.mean((prediction[:, -1, 0] > 0.5) == (y_true[:, -1, 0] > 0.5)))


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

    task, seed = check_choice("task", task, MEMORY_TASKS), check_int("seed", seed, minimum=0)
    length, epochs = check_count("length", length, minimum=2), check_count("epochs", epochs)
    cell, units = check_choice("cell", cell, MEMORY_CELLS), check_size("units", units)
    layers, gate_bias = check_int("layers", layers, minimum=1, maximum=8), check_float("gate_bias", gate_bias, minimum=-20.0, maximum=20.0)
    batch_size = check_count("batch_size", batch_size)
    learning_rate = check_learning_rate(learning_rate)
    X, y = memory_data(task, n_train, length, seed=seed)
    X_test, y_test = memory_data(task, check_count("n_test", n_test, minimum=2), length, seed=seed + 1)
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


def median_seconds(run, repeats=5):
    """The median wall time of `repeats` calls of `run()` (warm if you called it once before)."""
    import time

    if not callable(run):
        raise TypeError(f"run must be a function of no arguments, got {type(run).__name__}.")
    repeats = check_int("repeats", repeats, minimum=1, maximum=10_000)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


# --- linear attention is a recurrent network (Katharopoulos et al., 2020) ---------------------------------------


def _check_qkv(Q, K, V):
    Q, K, V = (check_array(name, value, ndim=2) for name, value in (("Q", Q), ("K", K), ("V", V)))
    check_shape("K", K, Q.shape, "Queries and keys are (time, d) with the same d.")
    if V.shape[0] != Q.shape[0]:
        raise ValueError(f"V must have one row per step, {Q.shape[0]}, got shape {V.shape}.")
    return Q, K, V


def feature_map(x):
    """φ(x) = elu(x) + 1: positive features, so that φ(q)·φ(k) can stand in for exp(q·k)."""
    x = check_array("x", x)
    return np.where(x > 0, x + 1.0, np.exp(np.minimum(x, 0.0)))


def softmax_attention_causal(Q, K, V):
    """Causal softmax attention (notebook 08's, with a mask): output t averages V over s ≤ t, weights ∝ exp(q·k/√d).

    Introduced in notebook 09. Q, K `(time, d)`, V `(time, d_v)`; O(T²) work: every step looks at all before it.
    """
    Q, K, V = _check_qkv(Q, K, V)
    scores = Q @ K.T / np.sqrt(Q.shape[1])
    scores = np.where(np.tril(np.ones_like(scores, dtype=bool)), scores, -np.inf)  # no peeking ahead
    weights = np.exp(scores - scores.max(axis=1, keepdims=True))
    return (weights / weights.sum(axis=1, keepdims=True)) @ V


def linear_attention_masked(Q, K, V):
    """Causal linear attention as attention: weights φ(q_t)·φ(k_s) for s ≤ t, normalised (O(T²), like softmax)."""
    Q, K, V = _check_qkv(Q, K, V)
    weights = np.tril(feature_map(Q) @ feature_map(K).T)
    return (weights / weights.sum(axis=1, keepdims=True)) @ V


def linear_attention_cumsum(Q, K, V):
    """The same outputs from cumulative sums: S_t = Σ_{s≤t} φ(k_s)ᵀ v_s and z_t = Σ_{s≤t} φ(k_s)."""
    Q, K, V = _check_qkv(Q, K, V)
    phi_q, phi_k = feature_map(Q), feature_map(K)
    S = np.cumsum(phi_k[:, :, None] * V[:, None, :], axis=0)  # (time, d, d_v): one state per step
    z = np.cumsum(phi_k, axis=0)
    return np.einsum("td,tde->te", phi_q, S) / np.sum(phi_q * z, axis=1, keepdims=True)


def linear_attention_step(q, k, v, S, z):
    """One step of the recurrent form: S ← S + φ(k)ᵀv, z ← z + φ(k), output φ(q)S / φ(q)·z.

    Introduced in notebook 09. q, k `(d,)`, v `(d_v,)`, S `(d, d_v)`, z `(d,)`: a state of fixed size.

    Returns:
        `(output (d_v,), S, z)`.
    """
    q, k, v = (check_array(name, value, ndim=1) for name, value in (("q", q), ("k", k), ("v", v)))
    S, z = check_array("S", S, ndim=2), check_array("z", z, ndim=1)
    check_shape("S", S, (k.size, v.size), "S is (d, d_v): start from np.zeros((d, d_v)).")
    check_shape("z", z, k.shape, "z is (d,): start from np.zeros(d).")
    phi_q, phi_k = feature_map(q), feature_map(k)
    S, z = S + np.outer(phi_k, v), z + phi_k
    return phi_q @ S / (phi_q @ z), S, z


def linear_attention_recurrent(Q, K, V):
    """The same outputs from a loop over `linear_attention_step`: a recurrent network with state (S, z)."""
    Q, K, V = _check_qkv(Q, K, V)
    S, z = np.zeros((Q.shape[1], V.shape[1])), np.zeros(Q.shape[1])
    out = np.empty((Q.shape[0], V.shape[1]))
    for t in range(Q.shape[0]):
        out[t], S, z = linear_attention_step(Q[t], K[t], V[t], S, z)
    return out


# --- generation: one new token with a growing cache against a fixed state ---------------------------------------


def _softmax_token(q, K_cache, V_cache):
    """One token of softmax attention over the cache: every earlier key and value is read again."""
    scores = K_cache @ q / np.sqrt(q.size)
    weights = np.exp(scores - scores.max())
    return weights @ V_cache / weights.sum()


def _linear_token(q, k, v, S, z):
    """One token of linear attention: the state absorbs (k, v) and answers q; S and z are updated in place."""
    phi_q, phi_k = np.maximum(q, 0.0) + np.exp(np.minimum(q, 0.0)), np.maximum(k, 0.0) + np.exp(np.minimum(k, 0.0))
    S += np.outer(phi_k, v)
    z += phi_k
    return phi_q @ S / (phi_q @ z)


def generation_cost(positions, d=64, repeats=200, seed=0):
    """Time and memory of generating the token at each position: softmax cache against linear-attention state.

    Introduced in notebook 09. For a token at position t, softmax attention reads a cache of t keys and t
    values (2·t·d numbers) and the linear form a state of d·d + d numbers, whatever t is. Each time is the
    median of `repeats` warm calls (the first call is made and dropped).

    Args:
        positions: increasing ints >= 1, e.g. (64, 256, 1024, 4096). d: model width; an int in [1, 4096].
        repeats: calls per measurement; an int >= 1. seed: seeds the random queries, keys and values.

    Returns:
        DataFrame with columns `position, softmax_us, linear_us, softmax_floats, linear_floats`.
    """
    import pandas as pd

    positions = [check_count("position", t) for t in np.atleast_1d(check_array("positions", positions, ndim=1))
                 .astype(int).tolist()]
    d, repeats = check_size("d", d), check_int("repeats", repeats, minimum=1, maximum=100_000)
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    K, V = rng.standard_normal((max(positions), d)), rng.standard_normal((max(positions), d))
    q, k, v = rng.standard_normal((3, d)) / np.sqrt(d)
    S, z = np.abs(rng.standard_normal((d, d))), np.abs(rng.standard_normal(d)) + 1.0
    rows = []
    for t in positions:
        softmax = functools.partial(_softmax_token, q, K[:t], V[:t])
        linear = functools.partial(_linear_token, q, k, v, S, z)
        softmax(), linear()  # warm up
        rows.append({"position": t, "softmax_us": 1e6 * median_seconds(softmax, repeats),
                     "linear_us": 1e6 * median_seconds(linear, repeats),
                     "softmax_floats": 2 * t * d, "linear_floats": d * d + d})
    return pd.DataFrame(rows)


# --- state-space models: one linear recurrence, two ways to compute it -------------------------------------------


def _check_ssm(u, A, B, C):
    u = check_array("u", u, ndim=1)
    A, B, C = (check_array(name, value, ndim=1) for name, value in (("A", A), ("B", B), ("C", C)))
    for name, value in (("B", B), ("C", C)):
        check_shape(name, value, A.shape, "A (the diagonal of the state matrix), B and C are (n,) for n states.")
    return u, A, B, C


def ssm_recurrence(u, A, B, C):
    """A linear time-invariant state-space model run step by step: x_t = A ⊙ x_{t-1} + B u_t, y_t = C · x_t.

    Introduced in notebook 09. A diagonal state matrix, one input and one output channel.

    Args:
        u: input `(time,)`. A, B, C: `(n,)`; A is the diagonal of the state matrix (|A| < 1 forgets).

    Returns:
        y, float64 `(time,)`.
    """
    u, A, B, C = _check_ssm(u, A, B, C)
    x, y = np.zeros_like(A), np.empty_like(u)
    for t in range(u.size):
        x = A * x + B * u[t]  # the same linear recurrence as the minGRU, with a and b fixed in time
        y[t] = C @ x
    return y


def ssm_kernel(A, B, C, length):
    """The SSM's impulse response K_k = Σ_n C_n A_n^k B_n for k = 0 .. length-1: y = K * u (causal)."""
    _, A, B, C = _check_ssm(np.zeros(1), A, B, C)
    length = check_count("length", length)
    return (C * B) @ (A[:, None] ** np.arange(length))


def ssm_convolution(u, A, B, C):
    """The same outputs as `ssm_recurrence`, as a causal convolution with `ssm_kernel`, computed with the FFT.

    Zero-padding to 2T turns the FFT's circular convolution into an ordinary one. O(T log T) work, no loop.
    """
    u, A, B, C = _check_ssm(u, A, B, C)
    T = u.size
    K = ssm_kernel(A, B, C, T)
    return np.fft.irfft(np.fft.rfft(u, 2 * T) * np.fft.rfft(K, 2 * T), 2 * T)[:T]


# --- measured, not promised: the loop against the scan on this machine ------------------------------------------

TIMED_METHODS = ("numpy loop", "numpy scan", "tf loop", "keras scan", "tf loop (XLA)")


def _timed_runs(a, b):
    """One function of no arguments per method in TIMED_METHODS, each computing all states of h_t = a_t h_{t-1} + b_t."""
    import tensorflow as tf

    a_tf, b_tf = tf.constant(a), tf.constant(b)

    def tf_loop(a, b):  # a compiled while loop over time (time-major for tf.scan)
        step = lambda h, ab: ab[0] * h + ab[1]  # noqa: E731
        return tf.transpose(tf.scan(step, (tf.transpose(a, (1, 0, 2)), tf.transpose(b, (1, 0, 2))),
                                    initializer=tf.zeros_like(a[:, 0])), (1, 0, 2))

    scan = tf.function(lambda a, b: keras_scan(a, b)[1])  # associative_scan; Hillis–Steele before Keras 3.14
    loop, xla = tf.function(tf_loop), tf.function(tf_loop, jit_compile=True)
    return {"numpy loop": lambda: linear_recurrence(a, b), "numpy scan": lambda: hillis_steele_scan(a, b),
            "tf loop": lambda: loop(a_tf, b_tf).numpy(), "keras scan": lambda: scan(a_tf, b_tf).numpy(),
            "tf loop (XLA)": lambda: xla(a_tf, b_tf).numpy()}


def loop_and_scan_times(T, batch=32, units=64, repeats=5, methods=TIMED_METHODS, seed=0):
    """Cold and warm wall time of every method for one sequence length, and their largest difference.

    Introduced in notebook 09. Random gates a in (0, 1) and inputs b, float32 for the TensorFlow methods (the
    numpy ones work in float64). Cold: the first call (TensorFlow traces and compiles its graph then); warm:
    the median of `repeats` later calls.

    Returns:
        dict method -> `{"cold": seconds, "warm": seconds, "max_diff": largest |h - h_loop|}`.
    """
    import time

    T, batch, units = check_count("T", T), check_size("batch", batch), check_size("units", units)
    repeats = check_int("repeats", repeats, minimum=1, maximum=1000)
    if not isinstance(methods, (tuple, list)) or not methods:
        raise TypeError(f"methods must be a non-empty tuple of names from {TIMED_METHODS}, got {methods!r}.")
    methods = [check_choice("method", m, TIMED_METHODS) for m in methods]
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    a = rng.uniform(0.5, 1.0, size=(batch, T, units)).astype(np.float32)
    b = (0.1 * rng.standard_normal((batch, T, units))).astype(np.float32)
    runs, reference = _timed_runs(a, b), linear_recurrence(a, b)
    times = {}
    for method in methods:
        start = time.perf_counter()
        out = runs[method]()
        cold = time.perf_counter() - start
        out = out[1] if isinstance(out, tuple) else out
        times[method] = {"cold": cold, "warm": median_seconds(runs[method], repeats),
                         "max_diff": float(np.abs(np.asarray(out, dtype=np.float64) - reference).max())}
    return times
