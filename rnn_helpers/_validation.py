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


def check_int(name, value, minimum=None, maximum=None):
    """Return `value` as an int, or raise if it is not an integer within [minimum, maximum]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {_describe(value)}. Pass a whole number, e.g. {name}=10.")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}.")
    return value


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
    if isinstance(value, (str, bytes, dict)) or value is None:
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
