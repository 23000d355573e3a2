import numpy as np
import pytest

from rnn_helpers import _validation as v


def test_check_int_accepts_numpy_ints_and_rejects_bools():
    assert v.check_int("n", np.int64(3), minimum=1) == 3
    with pytest.raises(TypeError, match="n must be an int, got bool"):
        v.check_int("n", True)


def test_check_array_explains_rank_with_a_fix():
    with pytest.raises(ValueError, match=r"3-D \(batch, time, features\), got shape \(50, 10\).*x\[\.\.\., None\]"):
        v.check_array("X", np.zeros((50, 10)), ndim=3)


def test_check_array_rejects_empty_and_nan():
    with pytest.raises(ValueError, match="must not be empty"):
        v.check_array("x", [], ndim=1)
    with pytest.raises(ValueError, match="1 NaN/inf"):
        v.check_array("x", [1.0, np.inf], ndim=1)
    assert v.check_array("x", [], ndim=1, allow_empty=True).size == 0


def test_check_choice_lists_the_choices():
    with pytest.raises(ValueError, match=r"one of \['a', 'b'\], got 'c'"):
        v.check_choice("method", "c", ("a", "b"))


def test_check_keras_model_rejects_other_things():
    with pytest.raises(TypeError, match="must be a keras.Model, got list"):
        v.check_keras_model("model", [1, 2])
