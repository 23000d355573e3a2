"""Input checks shared by every public helper.

Each `check_*` function returns the validated (and possibly converted) value, so callers write
`steps = check_int("steps", steps, minimum=1)` and use the result. Messages follow one pattern:
what was expected, what arrived, and how to fix it.
"""

import numbers

import numpy as np


def _describe(value):
    """A short description of a value for error messages: its type, and its shape for arrays."""
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    return f"{type(value).__name__} {value!r}" if not isinstance(value, (list, tuple)) else type(value).__name__


# The largest size (features, units, outputs, steps) a helper accepts: a 4096-unit LSTM already holds 67 million
# weights, and bigger sizes would exhaust a laptop's memory or run for hours. Checked before anything is allocated.
MAX_SIZE = 4096
SIZE_HINT = "Larger sizes would not fit a laptop's memory or time; the course's networks use a few to a few hundred."


def check_int(name, value, minimum=None, maximum=None, hint=""):
    """Return `value` as an int, or raise if it is not an integer within [minimum, maximum].

    `hint` is added to the message when `value` is above `maximum`, to say why there is a maximum.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {_describe(value)}. Pass a whole number, e.g. {name}=10.")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}. {hint}".rstrip())
    return value


def check_size(name, value):
    """Return `value` as a size (features, units, outputs, steps): an int in [1, MAX_SIZE]."""
    return check_int(name, value, minimum=1, maximum=MAX_SIZE, hint=SIZE_HINT)


def check_float(name, value, minimum=None, maximum=None, strictly_positive=False):
    """Return `value` as a finite float, or raise if it is not a real number in range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {_describe(value)}. Pass e.g. {name}=0.01.")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}.")
    if strictly_positive and value <= 0:
        raise ValueError(f"{name} must be > 0, got {value}.")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}.")
    return value


def check_choice(name, value, choices):
    """Return `value` if it is one of `choices`, else raise with the list of valid choices."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, one of {sorted(choices)}; got {_describe(value)}.")
    if value not in choices:
        raise ValueError(f"{name} must be one of {sorted(choices)}, got {value!r}.")
    return value


_RANK_HINTS = {
    1: "Flatten it with np.ravel(x), or pass a single sequence.",
    2: "Use x[:, :, 0] to drop a feature axis, or x[None, :] to make one row.",
    3: "Use x[..., None] to add a feature axis (one value per step), or x[None] for a batch of one.",
}
_RANK_NAMES = {1: "1-D", 2: "2-D (batch, features)", 3: "3-D (batch, time, features)"}


def check_array(name, value, ndim=None, allow_empty=False, dtype=np.float64):
    """Return `value` as a finite numpy array of rank `ndim`, or raise a clear error.

    Args:
        name: the argument's name, used in messages.
        value: anything `np.asarray` accepts that holds numbers.
        ndim: the required number of dimensions, or None for any.
        allow_empty: whether an array with no elements is acceptable.
        dtype: the dtype of the returned array.
    """
    if isinstance(value, (str, bytes, dict, bool, np.bool_)) or value is None:
        raise TypeError(f"{name} must be an array of numbers, got {_describe(value)}.")
    try:
        array = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"{name} must be an array of numbers, got {_describe(value)} that numpy cannot convert ({error})."
        ) from None
    if ndim is not None and array.ndim != ndim:
        shape_word = _RANK_NAMES.get(ndim, f"{ndim}-D")
        hint = _RANK_HINTS.get(ndim, "")
        raise ValueError(f"{name} must be {shape_word}, got shape {array.shape}. {hint}".rstrip())
    if not allow_empty and array.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}. Pass at least one value.")
    if not np.all(np.isfinite(array)):
        bad = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
        raise ValueError(
            f"{name} must hold only finite numbers, got {bad} NaN/inf value(s). "
            "Check how it was computed, or drop them with x[np.isfinite(x)]."
        )
    return array


def check_keras_model(name, value):
    """Return `value` if it is a built Keras model, else raise TypeError."""
    import keras  # imported here so numpy-only helpers never pay for TensorFlow

    if not isinstance(value, keras.Model):
        raise TypeError(
            f"{name} must be a keras.Model, got {_describe(value)}. "
            "Build one with keras.Sequential([...]) or rnn_helpers.forecast.build_article_model()."
        )
    if not value.built:
        raise ValueError(f"{name} must be built (have weights). Call it on data or give it a keras.Input first.")
    return value


def check_bool(name, value):
    """Return `value` as a bool, or raise TypeError if it is not True or False."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {_describe(value)}.")
    return bool(value)


def check_callable(name, value, example="a function"):
    """Return `value` if it can be called, else raise TypeError naming what was expected."""
    if not callable(value):
        raise TypeError(f"{name} must be {example}, got {_describe(value)}.")
    return value


def check_shape(name, array, expected, hint="Check the sizes of the other weights."):
    """Raise ValueError unless `array.shape == expected`; return the array."""
    if array.shape != tuple(expected):
        raise ValueError(f"{name} must have shape {tuple(expected)}, got {array.shape}. {hint}".rstrip())
    return array


def check_state(name, value, batch, units):
    """An initial state `(batch, units)`: zeros for None, else a checked float64 array of that shape."""
    if value is None:
        return np.zeros((batch, units))
    value = check_array(name, value, ndim=2)
    return check_shape(name, value, (batch, units), "A state has one row per sequence and one column per unit.")


def check_numbers(name, value):
    """Return `value` unchanged if numpy reads it as numbers, of any shape; NaN and inf pass (elementwise maths)."""
    if isinstance(value, (str, bytes, dict)) or value is None:
        raise TypeError(f"{name} must be a number or an array of numbers, got {_describe(value)}.")
    try:
        np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"{name} must be a number or an array of numbers, got {_describe(value)} that numpy cannot convert "
            f"({error})."
        ) from None
    return value


def check_sequence(name, value):
    """One input sequence as a float64 `(time, features)` array; a 1-D array is one feature per step."""
    value = check_array(name, value)
    if value.ndim == 1:
        value = value[:, None]
    if value.ndim != 2:
        raise ValueError(
            f"{name} must be one sequence, (time, features) or 1-D, got shape {value.shape}. Use X[0] for a batch."
        )
    return value


def weight_shape(name, features, units, outputs):
    """The shape a weight must have, read from its name: W_x? input kernels, W_h? recurrent kernels, ..."""
    if name == "W_yh":
        return (outputs, units)  # Jordan: fed-back output -> hidden
    if name == "W_hy":
        return (units, outputs)  # output layer
    if name == "b_y":
        return (outputs,)
    if name.startswith("W_x"):
        return (features, units)
    if name.startswith("W_h"):
        return (units, units)
    return (units,)


def check_params(params, names, features):
    """Validate a dict of named weights; return `(float64 dict, units)`.

    The dict must hold exactly `names` (e.g. `numpy_rnn.param_names("lstm")`), each a finite array whose
    shape fits `features` inputs per step: `W_x?` `(features, units)`, `W_h?` `(units, units)`, biases
    `(units,)`, and for an output layer `W_hy` `(units, outputs)`, `b_y` `(outputs,)`, `W_yh` `(outputs, units)`.
    """
    names = list(names)
    if not isinstance(params, dict):
        raise TypeError(
            f"params must be a dict of weight arrays with keys {names}, got {_describe(params)}. "
            "Make one with rnn_helpers.numpy_rnn.random_params(...) or keras_rnn.params_from_keras(layer)."
        )
    hint = " For a GRU, check reset_after: True needs b_x?/b_h?, False needs b_?." if "W_xz" in names else ""
    missing = [name for name in names if name not in params]
    extra = sorted(set(params) - set(names), key=str)
    if missing or extra:
        raise ValueError(f"params must hold exactly the keys {names}; missing {missing}, unexpected {extra}.{hint}")
    checked = {name: check_array(name, params[name], ndim=1 if name.startswith("b_") else 2) for name in names}
    units = checked[names[0]].shape[1]  # every cell's first weight is its input kernel W_x?
    outputs = checked["b_y"].shape[0] if "b_y" in checked else 0
    for name, array in checked.items():
        check_shape(name, array, weight_shape(name, features, units, outputs),
                    f"With {features} input feature(s) and {units} unit(s); check the sizes of the other weights.")
    return checked, units


def check_keras_layer(name, layer, class_names, hint="Pass the layer itself, e.g. model.layers[0].",
                      build_hint="Call the model on data or give it a keras.Input."):
    """Return `layer` if it is a built Keras layer (or cell) of one of `class_names` (e.g. ("LSTM",)), else raise.

    `hint` and `build_hint` end the messages for a wrong class and for a layer without weights."""
    import keras

    classes = tuple(getattr(keras.layers, class_name) for class_name in class_names)
    if not isinstance(layer, classes):
        raise TypeError(f"{name} must be a keras.layers.{' or '.join(class_names)}, got {_describe(layer)}. {hint}")
    if not layer.built:
        raise ValueError(f"{name} must be built (have weights). {build_hint}")
    if getattr(layer, "use_bias", True) is False:
        raise ValueError(f"{name} was made with use_bias=False; these helpers expect the default use_bias=True.")
    return layer


def check_table(name, value, columns, source):
    """Return `value` if it is a DataFrame with (at least) `columns`, else raise a TypeError naming `source`."""
    if not hasattr(value, "columns") or not set(columns) <= set(value.columns):
        wanted = " and ".join(repr(column) for column in columns)
        raise TypeError(f"{name} must be a DataFrame with columns {wanted}, e.g. from {source}, "
                        f"got {type(value).__name__}.")
    return value


def check_text(name, value, allow_empty=False):
    """Return `value` if it is a string (non-empty unless `allow_empty`), else raise a clear error."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {_describe(value)}.")
    if not allow_empty and not value.strip():
        raise ValueError(f"{name} must not be empty, got {value!r}. Type some text first.")
    return value


MAX_COUNT = 1_000_000
COUNT_HINT = "More would take hours or more memory than a laptop has; the course uses hundreds to thousands."


def check_count(name, value, minimum=1):
    """Return `value` as a count (samples, steps, epochs, sequence length): an int in [minimum, MAX_COUNT]."""
    return check_int(name, value, minimum=minimum, maximum=MAX_COUNT, hint=COUNT_HINT)


_LSTM_TRACE_KEYS = ("x", "f", "i", "c_tilde", "o", "c", "h")


def check_lstm_trace(name, trace):
    """Validate a gate trace `name` from `rnn_helpers.gates.lstm_gate_trace`; return it with float64 arrays."""
    if not isinstance(trace, dict):
        raise TypeError(
            f"{name} must be the dict returned by rnn_helpers.gates.lstm_gate_trace, got {type(trace).__name__}."
        )
    missing = [key for key in _LSTM_TRACE_KEYS if key not in trace]
    if missing:
        raise ValueError(f"{name} is missing {missing}; make it with rnn_helpers.gates.lstm_gate_trace(layer, x).")
    checked = {key: check_array(f"{name}['{key}']", trace[key], ndim=2) for key in _LSTM_TRACE_KEYS}
    shape = checked["f"].shape
    for key in _LSTM_TRACE_KEYS[1:]:
        if checked[key].shape != shape:
            raise ValueError(f"{name}['{key}'] must have shape {shape} like {name}['f'], got {checked[key].shape}.")
    if checked["x"].shape[0] != shape[0]:
        raise ValueError(f"{name}['x'] must have {shape[0]} time steps like the gates, got {checked['x'].shape[0]}.")
    return checked


# ------------------------------------------------------------------------------------ declared checks
# A public function declares each parameter's contract once, above its definition:
#
#     @validate(units=Size(), learning_rate=Float(strictly_positive=True, maximum=10), cell=Choice(CELLS))
#     def train(cell, units, learning_rate=0.01): ...
#
# The decorator runs the checks before the body and passes the checked values on (an int for an int, a float64
# array for an array), so the body uses them as they are. The declarations stay readable on the function as
# `train.constraints` (parameter -> Constraint): tests/test_bad_input.py makes its bad values from them.


class Constraint:
    """One parameter's contract: a `check_*(name, value, **options)` function and its options.

    Calling the constraint checks a value and returns the checked one; `options` (minimum, maximum, choices,
    ndim, ...) stay readable, so a test can aim just outside them.
    """

    def __init__(self, check, **options):
        self.check = check
        self.options = options

    def __call__(self, name, value):
        return self.check(name, value, **self.options)

    def __repr__(self):
        options = ", ".join(f"{key}={value!r}" for key, value in self.options.items())
        return f"{self.check.__name__}({options})"


def check_optional(name, value, constraint):
    """None passes as it is; anything else must satisfy `constraint`."""
    return None if value is None else constraint(name, value)


def Int(minimum=None, maximum=None, hint=""):
    """An int in [minimum, maximum] (see `check_int`)."""
    return Constraint(check_int, minimum=minimum, maximum=maximum, hint=hint)


def Size():
    """A size (features, units, outputs, steps): an int in [1, MAX_SIZE]."""
    return Int(minimum=1, maximum=MAX_SIZE, hint=SIZE_HINT)


def Count(minimum=1):
    """A count (samples, steps, epochs, a sequence's length): an int in [minimum, MAX_COUNT]."""
    return Int(minimum=minimum, maximum=MAX_COUNT, hint=COUNT_HINT)


def Seed():
    """A random seed: any int >= 0, as numpy's generators take."""
    return Int(minimum=0)


def Float(minimum=None, maximum=None, strictly_positive=False):
    """A finite real number in range (see `check_float`)."""
    return Constraint(check_float, minimum=minimum, maximum=maximum, strictly_positive=strictly_positive)


def Choice(choices):
    """One of the strings `choices`."""
    return Constraint(check_choice, choices=tuple(choices))


def Bool():
    """True or False."""
    return Constraint(check_bool)


def Text(allow_empty=False):
    """A string, non-empty unless `allow_empty`."""
    return Constraint(check_text, allow_empty=allow_empty)


def Array(ndim=None, allow_empty=False, dtype=np.float64):
    """A finite array of rank `ndim`, converted to `dtype` (None: as numpy reads it); see `check_array`."""
    if dtype is np.float64:  # the usual case, left out of the repr
        return Constraint(check_array, ndim=ndim, allow_empty=allow_empty)
    return Constraint(check_array, ndim=ndim, allow_empty=allow_empty, dtype=dtype)


def Sequence():
    """One input sequence, `(time, features)` or 1-D (see `check_sequence`)."""
    return Constraint(check_sequence)


def Numbers():
    """A number or an array of numbers of any shape, NaN and inf included, passed on unchanged (see `check_numbers`)."""
    return Constraint(check_numbers)


def Function(example="a function"):
    """Something callable; `example` names what is expected in the message."""
    return Constraint(check_callable, example=example)


def KerasModel():
    """A built `keras.Model`."""
    return Constraint(check_keras_model)


def KerasLayer(*class_names):
    """A built Keras layer of one of `class_names`, e.g. `KerasLayer("LSTM", "GRU")`."""
    return Constraint(check_keras_layer, class_names=class_names)


def Optional(constraint):
    """None, or a value that satisfies `constraint`."""
    return Constraint(check_optional, constraint=constraint)


def Check(check, **options):
    """Any other `check(name, value, **options)` function, e.g. `Check(check_words)`."""
    return Constraint(check, **options)


def validate(checked_in_body=(), **constraints):
    """Declare the contract of a function's parameters; the decorated function checks them on every call.

    Args:
        checked_in_body: names of parameters that the body checks itself, because their check needs the
            other arguments (a weight dict that must fit `X`, a cache from a forward pass) or belongs to that
            function alone; listed so that the declaration names every parameter.
        **constraints: parameter name -> `Constraint` (`Int`, `Size`, `Float`, `Choice`, `Array`, ...).

    Returns:
        A decorator. The decorated function has the same signature and `constraints` (a dict) and
        `checked_in_body` (a tuple) attributes.
    """
    import functools
    import inspect

    def decorate(function):
        signature = inspect.signature(function)
        named = set(constraints) | set(checked_in_body)
        unknown = sorted(named - set(signature.parameters))
        if unknown:
            raise TypeError(f"validate() names {unknown}, which {function.__name__}() does not take; "
                            f"its parameters are {list(signature.parameters)}.")
        for name, constraint in constraints.items():
            if not isinstance(constraint, Constraint):
                raise TypeError(f"the constraint of {name} must be a Constraint such as Int() or Array(ndim=3), "
                                f"got {_describe(constraint)}.")

        @functools.wraps(function)
        def checked(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            for name, constraint in constraints.items():
                bound.arguments[name] = constraint(name, bound.arguments[name])
            return function(*bound.args, **bound.kwargs)

        checked.__signature__ = signature  # also for inspect.getfullargspec, which Keras reads from __init__
        checked.constraints = dict(constraints)
        checked.checked_in_body = tuple(checked_in_body)
        return checked

    return decorate


def validate_fields(checked_in_body=(), **constraints):
    """`validate` for a dataclass: its `__post_init__` first checks the fields and stores the checked values.

    Put it below `@dataclasses.dataclass`; the class gets the same `constraints` and `checked_in_body` attributes.
    """

    def decorate(cls):
        post_init = getattr(cls, "__post_init__", None)

        def __post_init__(self):
            for name, constraint in constraints.items():
                setattr(self, name, constraint(name, getattr(self, name)))
            if post_init is not None:
                post_init(self)

        cls.__post_init__ = __post_init__
        cls.constraints = dict(constraints)
        cls.checked_in_body = tuple(checked_in_body)
        return cls

    return decorate


def LearningRate():
    """An optimizer's step size: a finite float in (0, 10] (larger steps only diverge)."""
    return Float(strictly_positive=True, maximum=10.0)


def check_learning_rate(value, name="learning_rate"):
    """Return `value` as an optimizer's step size (see `LearningRate`)."""
    return LearningRate()(name, value)
