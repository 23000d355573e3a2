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


def test_check_size_rejects_huge_sizes_with_the_reason():
    assert v.check_size("units", np.int32(v.MAX_SIZE)) == v.MAX_SIZE
    with pytest.raises(ValueError, match=r"units must be <= 4096, got 1000000000000\. Larger sizes would not fit"):
        v.check_size("units", 10**12)
    with pytest.raises(ValueError, match="units must be >= 1, got 0"):
        v.check_size("units", 0)


def test_check_float_rejects_bools_nan_and_out_of_range():
    assert v.check_float("lr", np.float32(0.5), maximum=1.0) == 0.5
    with pytest.raises(TypeError, match="lr must be a number, got bool"):
        v.check_float("lr", True)
    with pytest.raises(ValueError, match="lr must be finite, got nan"):
        v.check_float("lr", float("nan"))
    with pytest.raises(ValueError, match="lr must be > 0, got 0.0"):
        v.check_float("lr", 0, strictly_positive=True)
    with pytest.raises(ValueError, match="lr must be <= 1.0, got 2.0"):
        v.check_float("lr", 2, maximum=1.0)


def test_check_bool_callable_text():
    assert v.check_bool("flag", np.bool_(True)) is True
    with pytest.raises(TypeError, match="flag must be True or False, got int 1"):
        v.check_bool("flag", 1)
    with pytest.raises(TypeError, match="fn must be a loss function, got int"):
        v.check_callable("fn", 3, "a loss function")
    assert v.check_text("text", "a b") == "a b"
    with pytest.raises(ValueError, match="text must not be empty"):
        v.check_text("text", "  ")
    with pytest.raises(TypeError, match="text must be a string, got int"):
        v.check_text("text", 3)


def test_check_state_sequence_and_shape():
    np.testing.assert_array_equal(v.check_state("h0", None, 2, 3), np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"h0 must have shape \(2, 3\), got \(3, 2\)"):
        v.check_state("h0", np.zeros((3, 2)), 2, 3)
    assert v.check_sequence("x", [1.0, 2.0, 3.0]).shape == (3, 1)
    with pytest.raises(ValueError, match=r"x must be one sequence.*Use X\[0\]"):
        v.check_sequence("x", np.zeros((2, 3, 1)))


def test_check_params_names_what_is_missing_and_what_does_not_fit():
    names = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")
    good = {"W_xh": np.zeros((2, 3)), "W_hh": np.zeros((3, 3)), "b_h": np.zeros(3), "W_hy": np.zeros((3, 4)),
            "b_y": np.zeros(4)}
    checked, units = v.check_params(good, names, features=2)
    assert units == 3 and all(checked[name].dtype == np.float64 for name in names)
    assert v.weight_shape("W_yh", 2, 3, 4) == (4, 3) and v.weight_shape("W_xf", 2, 3, 4) == (2, 3)
    with pytest.raises(ValueError, match=r"W_hy must have shape \(3, 4\), got \(3, 5\)"):
        v.check_params({**good, "W_hy": np.zeros((3, 5))}, names, features=2)
    with pytest.raises(ValueError, match=r"missing \['b_y'\], unexpected \['c'\]"):
        v.check_params({**{k: good[k] for k in names[:4]}, "c": np.zeros(1)}, names, features=2)
    with pytest.raises(TypeError, match="params must be a dict"):
        v.check_params([good], names, features=2)


def test_check_keras_layer_wants_a_built_layer_with_biases():
    import keras

    layer = keras.layers.GRU(2)
    with pytest.raises(ValueError, match="must be built"):
        v.check_keras_layer("layer", layer, ("GRU",))
    layer.build((None, None, 1))
    assert v.check_keras_layer("layer", layer, ("LSTM", "GRU")) is layer
    with pytest.raises(TypeError, match=r"must be a keras.layers.LSTM, got GRU"):
        v.check_keras_layer("layer", layer, ("LSTM",))
    no_bias = keras.layers.LSTM(2, use_bias=False)
    no_bias.build((None, None, 1))
    with pytest.raises(ValueError, match="use_bias=False"):
        v.check_keras_layer("layer", no_bias, ("LSTM",))


# --- declared checks (validate) ------------------------------------------------------------------------------
from rnn_helpers._validation import Count, Float, Optional, validate  # noqa: E402


@validate(steps=Count(), rate=Float(strictly_positive=True, maximum=10), h0=Optional(Count()))
def _declared(steps, rate=0.5, h0=None):
    return steps, rate, h0


def test_a_declared_function_gets_checked_values_and_keeps_its_signature():
    import inspect

    assert _declared(np.int64(3)) == (3, 0.5, None) and type(_declared(np.int64(3))[0]) is int
    assert list(inspect.signature(_declared).parameters) == ["steps", "rate", "h0"]
    assert set(_declared.constraints) == {"steps", "rate", "h0"}
    with pytest.raises(ValueError, match="rate must be > 0, got 0.0"):
        _declared(3, rate=0)
    with pytest.raises(TypeError, match="h0 must be an int"):
        _declared(3, h0="x")


def test_a_declaration_naming_a_parameter_the_function_lacks_fails_at_definition():
    with pytest.raises(TypeError, match=r"validate\(\) names \['step'\]"):
        validate(step=Count())(lambda steps: steps)
    with pytest.raises(TypeError, match="must be a Constraint"):
        validate(steps=int)(lambda steps: steps)
