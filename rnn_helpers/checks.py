"""Self-checks for exercises: run a learner's function on test inputs and compare it with a reference.

Each check prints a small table — check, ok, max abs difference, hint — and returns True when every row
passes. The table shows how far off an answer is, never the expected numbers, so a learner can debug with
it without being handed the solution. If the learner's function raises, the table says so (it does not
raise itself), so a check cell never stops a notebook.

Conventions match the course: batch first, row vectors `x @ W`, and the Keras weight layouts, so a
function that passes here copies straight into a Keras model.

Learners meet them in the exercises of notebooks 01-06: `windows` (01), `elman_step` and `jordan_step` (02),
`elman_bptt` (03), `forget_gate` and `lstm_step` (04), `gru_step` (05), `stateful_training` (06). Each check
practises one lesson's core and is used by that lesson's assignment in `course/source/`; the docstrings name
both. The references are the package's own cells (`numpy_rnn`, `bptt.numerical_gradients`), not copies.
"""

import numpy as np

from ._validation import Function, Int, validate
from .numpy_rnn import param_names, random_params, sigmoid

_TOLERANCE = 1e-6


# ----------------------------------------------------------------------------------------------------
# The table
# ----------------------------------------------------------------------------------------------------


def _row(check, ok, diff=None, hint=""):
    return {"check": check, "ok": bool(ok), "diff": diff, "hint": "" if ok else hint}


def _report(title, rows):
    """Print the rows as a table under `title` and return True if every row is ok."""
    width = max(len("check"), *(len(row["check"]) for row in rows))
    print(f"Self-check: {title}")
    print(f"  {'check':<{width}}  ok  {'max abs diff':>12}  hint")
    for row in rows:
        mark = "✓" if row["ok"] else "✗"
        diff = "—" if row["diff"] is None else f"{row['diff']:.1e}"
        print(f"  {row['check']:<{width}}  {mark:<2}  {diff:>12}  {row['hint']}".rstrip())
    passed = all(row["ok"] for row in rows)
    print("  All checks passed." if passed else "  Some checks failed: read the hints above and try again.")
    return passed


def _learner_function(name):
    """The declaration of a check's `fn`: the learner's function itself (not its result)."""
    return Function(f"a function: write checks.{name}(my_function), not checks.{name}(my_function(...))")


def _run(fn, args, label):
    """Call the learner's function; return `(result, None)` or `(None, failing_row)` if it raised."""
    try:
        return fn(*args), None
    except Exception as error:  # noqa: BLE001 - any error in learner code becomes a table row
        message = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        if len(message) > 80:
            message = message[:77] + "..."
        return None, _row(f"{label} runs", False, hint=f"your function raised {message}")


def _compare(label, got, expected, hint, shape_hint=""):
    """One row comparing an array the learner returned with the expected one."""
    try:
        got = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return _row(label, False, hint=f"expected an array of numbers, got {type(got).__name__}")
    if got.shape != expected.shape:
        return _row(label, False, hint=f"shape {got.shape}, expected {expected.shape}. {shape_hint}".rstrip())
    if not np.all(np.isfinite(got)):
        return _row(label, False, hint="the result holds NaN or inf")
    diff = float(np.max(np.abs(got - expected))) if got.size else 0.0
    return _row(label, diff <= _TOLERANCE, diff, hint)


def _unpack(result, names, label):
    """Split a tuple the learner returned into `len(names)` parts, or return a failing row."""
    if not isinstance(result, (tuple, list)) or len(result) != len(names):
        return None, _row(f"{label} returns", False, hint=f"return a tuple ({', '.join(names)})")
    return result, None


def _fused_weights(rng, features, units, blocks):
    """Keras' fused `(W, U, b)` of a cell with `blocks` gates, N(0, 0.5²) as `numpy_rnn.random_params` draws
    named weights (the learner's step function takes the fused layout)."""
    shapes = ((features, blocks * units), (units, blocks * units), (blocks * units,))
    return [0.5 * rng.standard_normal(shape) for shape in shapes]


# ----------------------------------------------------------------------------------------------------
# Notebook 01: windows
# ----------------------------------------------------------------------------------------------------


@validate(fn=_learner_function("windows"))
def windows(fn):
    """Check `fn(series, window) -> (X, y)`: `X[i] = series[i : i + window]`, `y[i] = series[i + window]`.

    Topic of notebook 01; used in assignment 01_perceptron_limits.

    Args:
        fn: the learner's function.

    Returns:
        True if every check passes.
    """
    series = np.sin(0.7 * np.arange(12) + 0.3)
    rows = []
    for window in (1, 3):
        label = f"window={window}"
        result, failed = _run(fn, (series.copy(), window), label)
        if failed is None:
            result, failed = _unpack(result, ("X", "y"), label)
        if failed is not None:
            rows.append(failed)
            continue
        n = series.size - window
        X_expected = np.stack([series[i : i + window] for i in range(n)])
        rows.append(_compare(f"{label}: X", result[0], X_expected, "row i holds the `window` values before y[i]",
                             "one row per target: len(series) - window rows"))
        rows.append(_compare(f"{label}: y", result[1], series[window:], "y[i] is the value right after row i of X",
                             "one target per row of X"))
    return _report("windows", rows)


# ----------------------------------------------------------------------------------------------------
# Notebook 02: Elman and Jordan steps
# ----------------------------------------------------------------------------------------------------


@validate(fn=_learner_function("elman_step"))
def elman_step(fn):
    """Check `fn(x_t, h_prev, W_xh, W_hh, b_h) -> h_t` with `h_t = tanh(x_t W_xh + h_prev W_hh + b_h)`.

    Topic of notebook 02; used in assignment 02_elman_and_jordan. Shapes: `x_t` `(batch, features)`,
    `h_prev` `(batch, units)`.

    Returns:
        True if every check passes.
    """
    from .numpy_rnn import elman_step as reference

    rng = np.random.default_rng(2)
    rows = []
    for batch, features, units in ((1, 1, 1), (4, 3, 5)):
        label = f"batch={batch}, units={units}"
        x_t, h_prev = rng.normal(size=(batch, features)), rng.normal(size=(batch, units))
        W_xh, W_hh, b_h = random_params(("W_xh", "W_hh", "b_h"), features, units, seed=rng).values()
        got, failed = _run(fn, (x_t, h_prev, W_xh, W_hh, b_h), label)
        rows.append(failed or _compare(
            label, got, reference(x_t, h_prev, {"W_xh": W_xh, "W_hh": W_hh, "b_h": b_h}),
            "add the input term, the recurrent term and the bias, then apply tanh",
            "row vectors: x_t @ W_xh gives (batch, units)"))
    return _report("elman_step", rows)


@validate(fn=_learner_function("jordan_step"))
def jordan_step(fn):
    """Check `fn(x_t, y_prev, W_xh, W_yh, b_h, W_hy, b_y) -> (y_t, h_t)`.

    `h_t = tanh(x_t W_xh + y_prev W_yh + b_h)` and `y_t = h_t W_hy + b_y`. Topic of notebook 02;
    used in assignment 02_elman_and_jordan.

    Returns:
        True if every check passes.
    """
    from .numpy_rnn import jordan_step as reference

    rng = np.random.default_rng(3)
    batch, features, units, outputs = 4, 2, 5, 1
    x_t, y_prev = rng.normal(size=(batch, features)), rng.normal(size=(batch, outputs))
    weights = list(random_params(param_names("jordan"), features, units, outputs, seed=rng).values())
    rows = []
    result, failed = _run(fn, (x_t, y_prev, *weights), "jordan_step")
    if failed is None:
        result, failed = _unpack(result, ("y_t", "h_t"), "jordan_step")
    if failed is not None:
        return _report("jordan_step", [failed])
    y_expected, h_expected = reference(x_t, y_prev, dict(zip(param_names("jordan"), weights)))
    rows.append(_compare("h_t", result[1], h_expected,
                         "the hidden layer sees the input and the previous OUTPUT y_prev, then tanh",
                         "h_t is (batch, units)"))
    rows.append(_compare("y_t", result[0], y_expected, "the output is linear: h_t W_hy + b_y, no tanh",
                         "y_t is (batch, outputs)"))
    return _report("jordan_step", rows)


# ----------------------------------------------------------------------------------------------------
# Notebook 03: backpropagation through time
# ----------------------------------------------------------------------------------------------------


@validate(fn=_learner_function("elman_bptt"))
def elman_bptt(fn):
    """Check `fn(X, W_xh, W_hh, b_h, dH) -> (dW_xh, dW_hh, db_h)` against finite differences.

    The loss is `L = sum(H * dH)`, so `dH` `(batch, time, units)` is the gradient of the loss with respect
    to every hidden state (what the output layer sends back), and the function returns the gradients of
    `L` with respect to the three weights; the initial state is zero. Topic of notebook 03; used in
    assignment 03_bptt.

    Returns:
        True if every check passes.
    """
    from .bptt import numerical_gradients
    from .numpy_rnn import elman_forward

    rng = np.random.default_rng(4)
    batch, time, features, units = 2, 4, 2, 3
    X, dH = rng.normal(size=(batch, time, features)), rng.normal(size=(batch, time, units))
    weights = list(random_params(("W_xh", "W_hh", "b_h"), features, units, seed=rng).values())
    result, failed = _run(fn, (X, *[w.copy() for w in weights], dH), "elman_bptt")
    if failed is None:
        result, failed = _unpack(result, ("dW_xh", "dW_hh", "db_h"), "elman_bptt")
    if failed is not None:
        return _report("elman_bptt", [failed])
    hints = {
        "dW_xh": "x_t.T @ da at every step, summed over time",
        "dW_hh": "h_{t-1}.T @ da, with h_{-1} = 0; and pass dh_next = da @ W_hh.T back in time",
        "db_h": "sum da over the batch and over time",
    }
    params = dict(zip(("W_xh", "W_hh", "b_h"), weights))
    numeric = numerical_gradients(lambda p: np.sum(elman_forward(X, p) * dH), params, eps=1e-6)
    rows = [_compare(f"d{name}", result[index], numeric[name], hints[f"d{name}"], f"d{name} has the shape of {name}")
            for index, name in enumerate(params)]
    return _report("elman_bptt", rows)


# ----------------------------------------------------------------------------------------------------
# Notebook 04: LSTM
# ----------------------------------------------------------------------------------------------------


@validate(fn=_learner_function("forget_gate"))
def forget_gate(fn):
    """Check `fn(x_t, h_prev, W_xf, W_hf, b_f) -> f_t` with `f_t = sigmoid(x_t W_xf + h_prev W_hf + b_f)`.

    Introduced in notebook 04 (exercise 1); used in assignment 04_lstm_gates.

    Returns:
        True if every check passes.
    """
    rng = np.random.default_rng(5)
    batch, features, units = 3, 2, 4
    x_t, h_prev = rng.normal(size=(batch, features)), rng.normal(size=(batch, units))
    W_xf, W_hf, b_f = random_params(("W_xf", "W_hf", "b_f"), features, units, seed=rng).values()
    got, failed = _run(fn, (x_t, h_prev, W_xf, W_hf, b_f), "forget_gate")
    rows = [failed or _compare("values", got, sigmoid(x_t @ W_xf + h_prev @ W_hf + b_f),
                               "a gate is a sigmoid of input term + recurrent term + bias",
                               "one gate value per unit: (batch, units)")]
    if failed is None and rows[0]["ok"]:
        big, _ = _run(fn, (x_t, h_prev, W_xf, W_hf, b_f + 1000.0), "large bias")
        rows.append(_compare("large bias keeps all", big, np.ones((batch, units)),
                             "with a huge bias the gate must be 1: squash the sum with a sigmoid"))
    return _report("forget_gate", rows)


@validate(fn=_learner_function("lstm_step"))
def lstm_step(fn):
    """Check `fn(x_t, h_prev, c_prev, W, U, b) -> (h_t, c_t)` in the Keras LSTM layout.

    `W` is `(features, 4 * units)`, `U` is `(units, 4 * units)` and `b` is `(4 * units,)`, with the four
    blocks in Keras order: input gate, forget gate, candidate, output gate. Introduced in notebook 04
    (exercise 1); used in assignment 04_lstm_gates.

    Returns:
        True if every check passes.
    """
    rng = np.random.default_rng(6)
    batch, features, units = 3, 2, 4
    x_t, h_prev, c_prev = (rng.normal(size=(batch, n)) for n in (features, units, units))
    W, U, b = _fused_weights(rng, features, units, blocks=4)
    result, failed = _run(fn, (x_t, h_prev, c_prev, W, U, b), "lstm_step")
    if failed is None:
        result, failed = _unpack(result, ("h_t", "c_t"), "lstm_step")
    if failed is not None:
        return _report("lstm_step", [failed])
    from .keras_rnn import params_from_fused
    from .numpy_rnn import lstm_step as reference

    h_expected, c_expected, _ = reference(x_t, h_prev, c_prev, params_from_fused("lstm", W, U, b))
    rows = [
        _compare("c_t", result[1], c_expected,
                 "c_t = f * c_prev + i * c_tilde; blocks are in the order i, f, c, o",
                 "c_t is (batch, units)"),
        _compare("h_t", result[0], h_expected, "h_t = o * tanh(c_t), using the NEW cell state",
                 "h_t is (batch, units)"),
    ]
    return _report("lstm_step", rows)


# ----------------------------------------------------------------------------------------------------
# Notebook 05: GRU
# ----------------------------------------------------------------------------------------------------


@validate(fn=_learner_function("gru_step"))
def gru_step(fn):
    """Check `fn(x_t, h_prev, W, U, b) -> h_t` in the Keras GRU layout (`reset_after=False`).

    `W` is `(features, 3 * units)`, `U` is `(units, 3 * units)` and `b` is `(3 * units,)`, blocks in
    Keras order: update gate z, reset gate r, candidate. The update keeps the old state where z is 1:
    `h_t = z * h_prev + (1 - z) * h_tilde`. Introduced in notebook 05 (exercise 1);
    used in assignment 05_gru_gates.

    Returns:
        True if every check passes.
    """
    rng = np.random.default_rng(7)
    batch, features, units = 3, 2, 4
    x_t, h_prev = rng.normal(size=(batch, features)), rng.normal(size=(batch, units))
    W, U, b = _fused_weights(rng, features, units, blocks=3)
    got, failed = _run(fn, (x_t, h_prev, W, U, b), "gru_step")
    from .keras_rnn import params_from_fused
    from .numpy_rnn import gru_step as reference

    h_expected, _ = reference(x_t, h_prev, params_from_fused("gru", W, U, b), reset_after=False)
    rows = [failed or _compare("h_t", got, h_expected,
                               "blocks z, r, h; reset multiplies h_prev BEFORE U_h; h_t = z*h_prev + (1-z)*h~",
                               "h_t is (batch, units)")]
    if failed is None and rows[0]["ok"]:
        closed = b.copy()
        closed[:units] = 1000.0  # update gate fully shut: the state must pass through unchanged
        kept, _ = _run(fn, (x_t, h_prev, W, U, closed), "z = 1")
        rows.append(_compare("z = 1 keeps h_prev", kept, h_prev, "where z is 1 the old state passes unchanged"))
    return _report("gru_step", rows)


# ----------------------------------------------------------------------------------------------------
# Notebook 06: the stateful training loop
# ----------------------------------------------------------------------------------------------------


class _History:
    def __init__(self, loss):
        self.history = {"loss": [loss]}


class _RecordingLayer:
    """Stands in for a stateful LSTM layer and records when its state is reset."""

    stateful = True

    def __init__(self, events):
        self._events = events

    def reset_state(self):
        self._events.append(("reset", None))

    def reset_states(self):
        self.reset_state()


class _RecordingModel:
    """Stands in for a Keras model: records every `fit` call and every state reset, trains nothing."""

    def __init__(self):
        self.events = []
        self.layers = [_RecordingLayer(self.events)]

    def fit(self, x=None, y=None, **kwargs):
        self.events.append(("fit", kwargs))
        return _History(1.0 / (1 + sum(kind == "fit" for kind, _ in self.events)))


@validate(fn=_learner_function("stateful_training"),
          epochs=Int(minimum=1, maximum=100, hint="A few epochs show the pattern of the loop."))
def stateful_training(fn, epochs=3):
    """Check `fn(model, x, y, epochs) -> losses` trains a stateful model the way the article does.

    The check passes a recording stand-in for the model (nothing is trained) and verifies: one `fit` per
    epoch with `epochs=1`, `batch_size=1`, `shuffle=False`, the state reset after every epoch, and one
    loss per epoch returned. Topic of notebook 06; used in
    assignment 06_sine_forecast.

    Args:
        fn: the learner's training loop.
        epochs: how many epochs to ask for; an int in [1, 100].

    Returns:
        True if every check passes.
    """
    model = _RecordingModel()
    x, y = np.zeros((5, 1, 1)), np.zeros((5, 1))
    losses, failed = _run(fn, (model, x, y, epochs), "training loop")
    if failed is not None:
        return _report("stateful_training", [failed])
    fits = [kwargs for kind, kwargs in model.events if kind == "fit"]
    kinds = [kind for kind, _ in model.events]
    # After each fit there must be a reset before the next fit (or the end).
    resets_after_fit = ["reset" in kinds[i + 1 : _next_fit(kinds, i)] for i, kind in enumerate(kinds) if kind == "fit"]
    rows = [
        _row("one fit per epoch", len(fits) == epochs, hint=f"called fit {len(fits)} times for {epochs} epochs"),
        _row("fit(epochs=1)", fits and all(f.get("epochs") == 1 for f in fits),
             hint="each call trains exactly one epoch, so the loop can reset between epochs"),
        _row("fit(batch_size=1)", fits and all(f.get("batch_size") == 1 for f in fits),
             hint="a stateful model with batch shape (1, 1, 1) takes one sample per batch"),
        _row("fit(shuffle=False)", fits and all(f.get("shuffle") is False for f in fits),
             hint="the order of the steps is the signal: do not shuffle"),
        _row("state reset after every epoch", fits and all(resets_after_fit),
             hint="call reset_state() on the stateful layer after each fit"),
    ]
    try:
        n_losses = len(losses)
    except TypeError:
        n_losses = None
    rows.append(_row("one loss per epoch returned", n_losses == epochs,
                     hint="collect history.history['loss'][0] from each fit in a list"))
    return _report("stateful_training", rows)


def _next_fit(kinds, i):
    """Index of the next 'fit' after position i, or len(kinds)."""
    for j in range(i + 1, len(kinds)):
        if kinds[j] == "fit":
            return j
    return len(kinds)
