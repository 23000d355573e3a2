"""Every public helper rejects bad input with a clear TypeError or ValueError.

The sweep finds the package's public functions (and public classes' `__init__`) by introspection, so a new
helper is swept as soon as it exists. For each parameter in turn it passes one bad value (None, -1, 0, NaN,
inf, an empty array, a 4-D array, a string, a dict, 10**12, True, 2.5) while the other arguments keep the
valid values of `EXAMPLES`, and asserts the call ends in a TypeError or ValueError with a message. Any other
exception (AttributeError, IndexError, a TensorFlow error...), a hang, or a silent success fails.
"""

import importlib
import inspect
import math
import pkgutil
import signal

import numpy as np
import pytest

import rnn_helpers

# Modules being rewritten right now: their functions are not swept yet. Remove a module from this set when it
# lands, give each of its functions an entry in EXAMPLES, and fix what the sweep finds.
PENDING = {"forecast", "reading", "text", "widgets", "writing"}

# No public function is left out. The only command-line entry points, forecast.main and forecast.parse_args, have
# no tests of their own yet, so they get EXAMPLES entries like every other function when forecast leaves PENDING.

BAD_VALUES = {
    "None": None, "-1": -1, "0": 0, "nan": math.nan, "inf": math.inf, "empty array": np.empty(0),
    "4-D array": np.zeros((2, 2, 2, 2)), "string": "bad", "dict": {"bad": 1}, "10**12": 10**12,
    "True": True, "2.5": 2.5,
}

# Values from BAD_VALUES that are right for one parameter, with the reason. Everything else must be rejected.
ACCEPTED = {
    ("numpy_rnn.sigmoid", "a"): {"-1", "0", "nan", "inf", "empty array", "4-D array", "10**12", "True", "2.5"},
    # sigmoid is elementwise maths, like np.tanh: any array of numbers is a valid input, NaN gives NaN
    ("bptt.elman_backward", "truncate"): {"10**12"},  # longer than the sequence is full BPTT
    ("bptt.jordan_backward", "truncate"): {"10**12"},
    ("bptt.elman_loss_and_grads", "truncate"): {"10**12"},
    ("bptt.jordan_loss_and_grads", "truncate"): {"10**12"},
    ("bptt.numerical_gradients", "params"): {"dict"},  # {"bad": 1} is a dict of numbers, which it differentiates
    ("one_step.best_one_value_prediction", "x"): {"-1", "0", "4-D array"},  # sine values, elementwise
    ("gradient_flow.clipping_run", "clip_norm"): {"2.5", "10**12"},  # a huge norm simply never clips
    ("gradient_flow.orthogonal_times", "radius"): {"2.5"},  # an exploding radius is what notebook 03 studies
    ("gradient_flow.clipping_params", "radius"): {"2.5"},
    ("gradient_flow.clipping_run", "radius"): {"2.5"},
    ("data.sine_series", "start"): {"-1", "0"},  # any phase
    ("gradient_flow.gradient_norms", "radius"): {"2.5"},
    ("one_step.OneStepResult", "mse"): {"0", "2.5", "10**12"},  # any error >= 0 can be a result
    ("one_step.OneStepResult", "seconds"): {"0", "2.5", "10**12"},
    ("plotting.lstm_cell_values", "step"): {"0"}, ("plotting.lstm_cell_values", "unit"): {"0"},  # first step, unit
    ("plotting.lstm_cell_picture", "step"): {"0"}, ("plotting.lstm_cell_picture", "unit"): {"0"},
    ("plotting.plot_gate_traces", "marks"): {"0", "empty array"},  # mark step 0, or mark nothing
    ("training.full_bptt_runner", "learning_rate"): {"2.5"},  # large but allowed (<= 10)
    ("training.minibatch_runner", "learning_rate"): {"2.5"},
    ("plotting.line_style", "fallback_index"): {"10**12"},  # the index wraps around the colour cycle
    ("plotting.line_style", "role"): {"string"},  # an unknown role takes a colour of the cycle, as documented
}

# Parameters that take any value of a kind, whatever function they belong to.
ACCEPTED_FOR_PARAMETER = {
    "seed": {"0", "10**12"},  # any int >= 0 seeds numpy's generator
    "desc": {"string"}, "unit": {"string"}, "name": {"string"}, "title": {"string"},  # any text is a label
}


def _X(batch=1, time=3, features=2):
    return np.random.default_rng(0).normal(size=(batch, time, features))


def _params(cell, features=2, units=3, reset_after=True, outputs=1):
    from rnn_helpers import numpy_rnn

    return numpy_rnn.random_params(numpy_rnn.param_names(cell, reset_after), features, units, outputs=outputs)


def _network(cell):
    from rnn_helpers import bptt

    return (bptt.init_elman if cell == "elman" else bptt.init_jordan)(2, 3)


def _built(cell):
    from rnn_helpers import keras_rnn

    return keras_rnn.layer_from_numpy(cell, _params(cell))


def _cache(cell):
    from rnn_helpers import bptt

    return (bptt.elman_forward if cell == "elman" else bptt.jordan_forward)(_X(), _network(cell))[1]


def _learner_fn(*args):
    return None  # a learner's function that is not written yet: the check prints a failing table


def _model(cell="elman", return_sequences=True):
    from rnn_helpers import training

    model = training.build_model(cell, units=3, return_sequences=return_sequences)
    model.build((None, None, 1))
    return model


def _keras_lstm():
    return _built("lstm")


def _trace():
    from rnn_helpers import gates

    return gates.lstm_gate_trace(_keras_lstm(), np.ones((4, 2)))


def _runner():
    import tensorflow as tf

    return tf.function(lambda n: tf.zeros((n,)))


def _windows():
    from rnn_helpers import data

    return data.sine_windows(4, 6)


def _one_step_model(kind="elman"):
    from rnn_helpers import one_step

    model = one_step.build_recurrent(kind, units=3)
    model.build((None, None, 1))
    return model


# One valid call per function: keyword arguments, built when the test runs. Parameters left out take their defaults.
EXAMPLES = {
    "bptt.init_elman": lambda: dict(features=2, units=3),
    "bptt.init_jordan": lambda: dict(features=2, units=3),
    "bptt.elman_forward": lambda: dict(X=_X(), params=_network("elman")),
    "bptt.jordan_forward": lambda: dict(X=_X(), params=_network("jordan")),
    "bptt.elman_backward": lambda: dict(dY=np.ones((1, 3, 1)), cache=_cache("elman")),
    "bptt.jordan_backward": lambda: dict(dY=np.ones((1, 3, 1)), cache=_cache("jordan")),
    "bptt.elman_loss_and_grads": lambda: dict(X=_X(), Y_target=np.ones((1, 3, 1)), params=_network("elman")),
    "bptt.jordan_loss_and_grads": lambda: dict(X=_X(), Y_target=np.ones((1, 3, 1)), params=_network("jordan")),
    "bptt.numerical_gradients": lambda: dict(loss_fn=lambda p: sum(float(np.sum(w**2)) for w in p.values()),
                                             params={"w": np.ones(2)}),
    "bptt.relative_error": lambda: dict(grads_a={"w": np.ones(2)}, grads_b={"w": np.zeros(2)}),
    "bptt.gradient_check": lambda: dict(cell="elman", X=_X(), Y_target=np.ones((1, 3, 1)), params=_network("elman")),
    "bptt.keras_gradients": lambda: dict(cell="jordan", X=_X(), Y_target=np.ones((1, 3, 1)),
                                         params=_network("jordan")),
    "checks.windows": lambda: dict(fn=_learner_fn),
    "checks.elman_step": lambda: dict(fn=_learner_fn),
    "checks.jordan_step": lambda: dict(fn=_learner_fn),
    "checks.elman_bptt": lambda: dict(fn=_learner_fn),
    "checks.forget_gate": lambda: dict(fn=_learner_fn),
    "checks.lstm_step": lambda: dict(fn=_learner_fn),
    "checks.gru_step": lambda: dict(fn=_learner_fn),
    "checks.stateful_training": lambda: dict(fn=_learner_fn, epochs=2),
    "keras_rnn.JordanCell": lambda: dict(units=3),
    "keras_rnn.cell_of": lambda: dict(layer=_built("lstm")),
    "keras_rnn.params_from_keras": lambda: dict(layer=_built("gru")),
    "keras_rnn.params_from_fused": lambda: dict(cell="lstm", kernel=np.zeros((2, 12)),
                                                recurrent_kernel=np.zeros((3, 12)), bias=np.zeros(12)),
    "keras_rnn.params_to_keras": lambda: dict(cell="gru", params=_params("gru")),
    "keras_rnn.build_layer": lambda: dict(cell="elman", units=3),
    "keras_rnn.layer_from_numpy": lambda: dict(cell="jordan", params=_params("jordan")),
    "numpy_rnn.param_names": lambda: dict(cell="gru", reset_after=False),
    "numpy_rnn.random_params": lambda: dict(names=("W_xh", "b_h"), features=2, units=3),
    "numpy_rnn.elman_step": lambda: dict(x_t=np.ones((1, 2)), h_prev=np.zeros((1, 3)), params=_params("elman")),
    "numpy_rnn.elman_forward": lambda: dict(X=_X(), params=_params("elman")),
    "numpy_rnn.jordan_step": lambda: dict(x_t=np.ones((1, 2)), y_prev=np.zeros((1, 1)), params=_params("jordan")),
    "numpy_rnn.jordan_forward": lambda: dict(X=_X(), params=_params("jordan")),
    "numpy_rnn.sigmoid": lambda: dict(a=np.linspace(-3, 3, 5)),
    "numpy_rnn.lstm_step": lambda: dict(x_t=np.ones((1, 2)), h_prev=np.zeros((1, 3)), c_prev=np.zeros((1, 3)),
                                        params=_params("lstm")),
    "numpy_rnn.lstm_forward": lambda: dict(X=_X(), params=_params("lstm")),
    "numpy_rnn.gru_step": lambda: dict(x_t=np.ones((1, 2)), h_prev=np.zeros((1, 3)), params=_params("gru")),
    "numpy_rnn.gru_forward": lambda: dict(X=_X(), params=_params("gru")),
    "data.sine_series": lambda: dict(n=5),
    "data.supervised_pairs": lambda: dict(series=np.arange(5.0)),
    "data.article_data": lambda: dict(),
    "data.article_continuation": lambda: dict(),
    "data.sine_windows": lambda: dict(n_windows=3, length=5),
    "data.lagged_pairs": lambda: dict(windows=_windows(), lags=2),
    "data.sequence_pairs": lambda: dict(windows=_windows()),
    "data.recall_first": lambda: dict(n_samples=3, length=4),
    "data.adding_problem": lambda: dict(n_samples=3, length=4),
    "progress.progress_bar": lambda: dict(total=3, desc="demo", enabled=False),
    "gates.param_count": lambda: dict(cell="gru", features=2, units=3),
    "gates.keras_param_count": lambda: dict(cell="lstm", features=2, units=3),
    "gates.lstm_gate_trace": lambda: dict(layer=_keras_lstm(), x=np.ones((4, 2))),
    "gates.gru_gate_trace": lambda: dict(layer=_built("gru"), x=np.ones((4, 2))),
    "gates.gate_means_by_mask": lambda: dict(layer=_keras_lstm(), X=_X(2, 4), mask=np.eye(2, 4, dtype=bool)),
    "gradient_flow.orthogonal_times": lambda: dict(radius=0.9, units=3),
    "gradient_flow.gradient_norms": lambda: dict(cell="elman", length=4, units=3),
    "gradient_flow.state_jacobian_norms": lambda: dict(rnn_cell=_built("elman").cell, x=np.ones((4, 2))),
    "gradient_flow.clipping_data": lambda: dict(length=4),
    "gradient_flow.clipping_params": lambda: dict(units=3),
    "gradient_flow.clipping_run": lambda: dict(clip_norm=1.0, steps=2, length=4, units=3),
    "memory.memory_experiment": lambda: dict(plan=[("adding", ["elman"], [4])], progress=False, epochs=2, n_train=8,
                                             n_test=8, batch_size=4, units=2),
    "one_step.OneStepResult": lambda: dict(name="x", model=_one_step_model(), mse=0.1, params=3, seconds=0.1,
                                           losses=[1.0]),
    "one_step.floor_mse": lambda: dict(),
    "one_step.best_one_value_prediction": lambda: dict(x=np.array([0.5, -0.2])),
    "one_step.task_windows": lambda: dict(split="train"),
    "one_step.build_feedforward": lambda: dict(lags=2, units=3),
    "one_step.build_recurrent": lambda: dict(kind="jordan", units=3),
    "one_step.predict": lambda: dict(model=_one_step_model(), X=np.ones((2, 4, 1))),
    "one_step.train_feedforward": lambda: dict(lags=1, units=2, epochs=1),
    "one_step.per_step_mse": lambda: dict(model=_one_step_model(), windows=_windows()),
    "one_step.train_recurrent": lambda: dict(kind="elman", units=2, epochs=1),
    "one_step.fed_back_vs_input": lambda: dict(model=_one_step_model("jordan"), windows=_windows()),
    "training.run_in_chunks": lambda: dict(run_epochs=_runner(), epochs=3, desc="demo", progress=False),
    "training.fit_progress": lambda: dict(epochs=2, desc="demo"),
    "training.task_data": lambda: dict(task="adding", n_samples=3, length=4),
    "training.r2_score": lambda: dict(y_true=np.array([0.0, 1.0, 2.0]), y_pred=np.array([0.0, 1.0, 1.5])),
    "training.evaluate_forecast": lambda: dict(generated=np.zeros(3), expected=np.ones(3)),
    "training.build_model": lambda: dict(cell="gru", units=3),
    "training.full_bptt_runner": lambda: dict(model=_model(), x=np.zeros(4), y=np.ones(4), learning_rate=0.01),
    "training.minibatch_runner": lambda: dict(model=_model(return_sequences=False), learning_rate=0.01, batch_size=2),
    "training.race_sine": lambda: dict(cells=("elman",), units=2, epochs=2, progress=False),
    "training.train_sine": lambda: dict(cell="elman", units=2, epochs=2, progress=False),
    "training.race_memory": lambda: dict(cells=("elman",), length=4, units=2, epochs=2, n_train=8, n_test=8,
                                         batch_size=4, progress=False),
    "training.train_memory": lambda: dict(cell="elman", length=4, units=2, epochs=2, n_train=8, n_test=8,
                                          batch_size=4, progress=False),
    "stateful.reset_rnn_states": lambda: dict(model=_model()),
    "stateful.stateful_twin": lambda: dict(model=_model()),
    "stateful.generate": lambda: dict(model=_model(), warmup=np.zeros(3), steps=2),
    "plotting.use_course_style": lambda: dict(),
    "plotting.line_style": lambda: dict(role="lstm"),
    "plotting.gate_cmap": lambda: dict(),
    "plotting.signed_cmap": lambda: dict(),
    "plotting.forecast_figure": lambda: dict(series=np.zeros(4), expected=np.zeros(3), generated=np.ones(3)),
    "plotting.error_by_horizon": lambda: dict(errors={"bptt": np.ones(3)}),
    "plotting.loss_curves": lambda: dict(losses={"bptt": np.ones(3)}),
    "plotting.plot_gate_traces": lambda: dict(trace=_trace()),
    "plotting.lstm_cell_diagram": lambda: dict(highlight="forget"),
    "plotting.lstm_cell_values": lambda: dict(trace=_trace(), step=1, unit=0),
    "plotting.lstm_cell_picture": lambda: dict(trace=_trace(), step=1, unit=0),
    "plotting.gru_cell_diagram": lambda: dict(highlight="reset"),
    "plotting.usage_modes_diagram": lambda: dict(),
    "plotting.unrolled_bptt_diagram": lambda: dict(steps=4, truncate=2),
    "plotting.elman_jordan_diagram": lambda: dict(kind="Elman"),
}

SECONDS = 10  # a call that runs longer than this on tiny inputs counts as a hang


def public_callables():
    """`(name, callable, parameter names)` for every public function and class of the package."""
    found = []
    for info in pkgutil.iter_modules(rnn_helpers.__path__):
        # _validation holds the check_* helpers themselves: tests/test_validation.py tests them directly.
        if info.name.startswith("_") or info.name in PENDING:
            continue
        module = importlib.import_module(f"rnn_helpers.{info.name}")
        for attribute, obj in vars(module).items():
            name = f"{info.name}.{attribute}"
            if attribute.startswith("_") or getattr(obj, "__module__", None) != module.__name__ or \
                    not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            signature = inspect.signature(obj.__init__ if inspect.isclass(obj) else obj)
            parameters = [p.name for p in signature.parameters.values() if p.name != "self"
                          and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
            found.append((name, obj, parameters))
    return found


CALLABLES = public_callables()


def examples_for(name):
    assert name in EXAMPLES, (f"{name} has no entry in EXAMPLES of tests/test_bad_input.py: add one valid call, "
                              f"e.g. \"{name}\": lambda: dict(x=...), so its input checks are swept.")
    return EXAMPLES[name]()


class Hang(Exception):
    pass


def call_with_timeout(fn, arguments):
    def on_alarm(signum, frame):
        raise Hang(f"still running after {SECONDS} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(SECONDS)
    try:
        return fn(**arguments)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def is_valid_for(parameter, value):
    """True for the parameter's own default, True for a flag, and 2.5 for a float: all valid by definition."""
    default = parameter.default
    if default is inspect.Parameter.empty or isinstance(value, np.ndarray) or isinstance(default, np.ndarray):
        return False
    if type(default) is type(value) and type(value) in (bool, float) and value == value:
        return True  # a bool where a bool is expected, a finite float where a float is expected
    return type(default) is type(value) and default == value


def outcome(name, fn, parameter, label):
    """None if `fn` rejects BAD_VALUES[label] for `parameter` with a clear TypeError/ValueError, else what went wrong."""
    arguments = examples_for(name)
    value = BAD_VALUES[label]
    if is_valid_for(inspect.signature(fn.__init__ if inspect.isclass(fn) else fn).parameters[parameter], value):
        return None
    arguments[parameter] = value
    try:
        result = call_with_timeout(fn, arguments)
    except (TypeError, ValueError) as error:
        return None if str(error).strip() else f"{parameter}={label}: {type(error).__name__} with no message"
    except BaseException as error:  # noqa: BLE001 - the point is to name whatever else escaped
        return f"{parameter}={label}: raised {type(error).__name__}: {str(error)[:200]}"
    return (f"{parameter}={label}: returned {type(result).__name__} instead of raising (reject the value, or add "
            "it to ACCEPTED with the reason it is right)")


CASES = [pytest.param(name, fn, parameter, id=f"{name}-{parameter}")
         for name, fn, parameters in CALLABLES for parameter in parameters]


@pytest.mark.parametrize("name, fn, parameter", CASES)
def test_bad_values_raise_a_clear_type_or_value_error(name, fn, parameter):
    accepted = ACCEPTED.get((name, parameter), set()) | ACCEPTED_FOR_PARAMETER.get(parameter, set())
    labels = [label for label in BAD_VALUES if label not in accepted]
    failures = [problem for label in labels if (problem := outcome(name, fn, parameter, label))]
    assert not failures, f"{name}:\n  " + "\n  ".join(failures)


@pytest.mark.parametrize("name, fn", [(name, fn) for name, fn, _ in CALLABLES], ids=[n for n, _, _ in CALLABLES])
def test_the_valid_example_runs(name, fn):
    """The sweep means something only if the unchanged example call succeeds."""
    call_with_timeout(fn, examples_for(name))


def test_every_entry_of_the_tables_names_a_swept_function():
    swept = {name for name, _, _ in CALLABLES}
    named = set(EXAMPLES) | {name for name, _ in ACCEPTED}
    stale = sorted(name for name in named - swept if name.split(".")[0] not in PENDING)
    assert not stale, f"remove these entries of EXAMPLES/ACCEPTED, no public function has that name now: {stale}"


@pytest.fixture(autouse=True)
def close_figures():
    """The plotting helpers draw into new figures; close them so the sweep does not pile them up."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
