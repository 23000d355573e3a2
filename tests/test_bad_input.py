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
PENDING = {"data", "forecast", "gates", "gradient_flow", "memory", "one_step", "plotting", "progress", "reading",
           "stateful", "text", "training", "widgets", "writing"}

# No public function is left out. The only command-line entry points, forecast.main and forecast.parse_args, have
# no tests of their own yet, so they get EXAMPLES entries like every other function when forecast leaves PENDING.

BAD_VALUES = {
    "None": None, "-1": -1, "0": 0, "nan": math.nan, "inf": math.inf, "empty array": np.empty(0),
    "4-D array": np.zeros((2, 2, 2, 2)), "string": "bad", "dict": {"bad": 1}, "10**12": 10**12,
    "True": True, "2.5": 2.5,
}

# Values from BAD_VALUES that are right for one parameter, with the reason. Everything else must be rejected.
ACCEPTED = {
    ("numpy_rnn.random_params", "seed"): {"0", "10**12"},  # any int >= 0 seeds numpy's generator
    ("bptt.init_elman", "seed"): {"0", "10**12"},
    ("bptt.init_jordan", "seed"): {"0", "10**12"},
    ("numpy_rnn.sigmoid", "a"): {"-1", "0", "nan", "inf", "empty array", "4-D array", "10**12", "True", "2.5"},
    # sigmoid is elementwise maths, like np.tanh: any array of numbers is a valid input, NaN gives NaN
    ("bptt.elman_backward", "truncate"): {"10**12"},  # longer than the sequence is full BPTT
    ("bptt.jordan_backward", "truncate"): {"10**12"},
    ("bptt.elman_loss_and_grads", "truncate"): {"10**12"},
    ("bptt.jordan_loss_and_grads", "truncate"): {"10**12"},
    ("bptt.numerical_gradients", "params"): {"dict"},  # {"bad": 1} is a dict of numbers, which it differentiates
    ("keras_rnn.build_layer", "name"): {"string"},  # "bad" is a fine layer name
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
    labels = [label for label in BAD_VALUES if label not in ACCEPTED.get((name, parameter), set())]
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
