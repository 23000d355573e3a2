"""rnn_helpers.one_step: the one-value sine task and its models (notebooks 01–02)."""

import time

import keras
import numpy as np
import pytest

from rnn_helpers import data, one_step


def test_floor_is_the_error_of_the_best_one_value_predictor():
    assert one_step.floor_mse() == pytest.approx(np.sin(1.0) ** 2 / 2, rel=1e-12)
    phase = np.random.default_rng(0).uniform(0, 2 * np.pi, 200_000)
    x_now, x_next = np.sin(phase), np.sin(phase + 1.0)
    best = np.mean((one_step.best_one_value_prediction(x_now) - x_next) ** 2)
    assert best == pytest.approx(one_step.floor_mse(), rel=0.01)
    for slope in (0.8 * np.cos(1.0), 1.2 * np.cos(1.0)):  # any other line does worse
        assert np.mean((slope * x_now - x_next) ** 2) > best * 1.01
    # The conditional mean estimated in narrow bins of x_t (any function of x_t) cannot beat it either.
    bins = np.digitize(x_now, np.linspace(-1, 1, 201))
    sums = np.bincount(bins, weights=x_next, minlength=203)
    counts = np.bincount(bins, minlength=203)
    binned = (sums / np.maximum(counts, 1))[bins]
    assert np.mean((binned - x_next) ** 2) > 0.99 * one_step.floor_mse()


def test_floor_depends_on_the_step():
    assert one_step.floor_mse(0.5) == pytest.approx(np.sin(0.5) ** 2 / 2)
    x = np.array([0.5, -1.0])
    np.testing.assert_allclose(one_step.best_one_value_prediction(x, step=0.5), np.cos(0.5) * x)


def test_task_windows_are_reproducible_and_train_differs_from_test():
    train = one_step.task_windows("train", seed=0)
    assert train.shape == (one_step.N_TRAIN, one_step.LENGTH)
    np.testing.assert_array_equal(train, one_step.task_windows("train", seed=0))
    test = one_step.task_windows("test", seed=0)
    assert test.shape == (one_step.N_TEST, one_step.LENGTH)
    assert not np.allclose(train[:, 0], test[:, 0])


def test_task_windows_cut_into_the_examples_the_models_take():
    windows = one_step.task_windows("test", seed=0)
    X, Y = data.sequence_pairs(windows)
    assert X.shape == Y.shape == (one_step.N_TEST, one_step.LENGTH - 1, 1)
    X, y = data.lagged_pairs(windows, lags=2)
    assert X.shape == (one_step.N_TEST * (one_step.LENGTH - 2), 2) and y.shape == (X.shape[0], 1)


def test_models_have_the_documented_shapes_and_sizes():
    assert one_step.build_feedforward(lags=2, units=16).count_params() == 2 * 16 + 16 + 16 + 1
    elman = one_step.build_recurrent("elman", units=16)
    assert elman.count_params() == 16 + 16 * 16 + 16 + 16 + 1
    jordan_wide = one_step.build_recurrent("jordan", units=16, context=2)
    assert jordan_wide.count_params() == 16 + 2 * 16 + 16 + 16 * 2 + 2
    X = np.zeros((3, 5, 1), dtype="float32")
    for model in (elman, jordan_wide, one_step.build_recurrent("jordan", units=4)):
        assert tuple(model(X).shape) == (3, 5, 1)


@pytest.mark.slow  # trains for about a second: make test
def test_training_returns_a_filled_result():
    start = time.perf_counter()
    result = one_step.train_recurrent("jordan", units=4, context=2, epochs=1, seed=3)
    assert 0 < result.seconds < time.perf_counter() - start  # the fit alone, inside the whole call
    assert isinstance(result.model, keras.Model)
    assert result.params == 4 + 2 * 4 + 4 + 4 * 2 + 2 and len(result.losses) == 1
    steps = one_step.per_step_mse(result.model, one_step.task_windows("test", seed=3))
    assert steps.shape == (one_step.LENGTH - 1,)
    assert result.mse == pytest.approx(steps[one_step.WARMUP:].mean(), rel=1e-6)
    x_t, y_prev, rising = one_step.fed_back_vs_input(result.model, one_step.task_windows("test", seed=3))
    assert x_t.shape == y_prev.shape == rising.shape == (one_step.N_TEST, one_step.LENGTH - 2 - one_step.WARMUP)


@pytest.mark.slow  # trains for seconds: make test
def test_training_is_reproducible_with_a_seed():
    first = one_step.train_feedforward(lags=1, units=4, epochs=2, seed=5)
    second = one_step.train_feedforward(lags=1, units=4, epochs=2, seed=5)
    assert first.losses == second.losses and first.mse == second.mse


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: one_step.floor_mse(0), ValueError, "step must be > 0"),
        (lambda: one_step.floor_mse("1"), TypeError, "step must be a number"),
        (lambda: one_step.best_one_value_prediction("x"), TypeError, "x must be an array of numbers"),
        (lambda: one_step.task_windows("valid"), ValueError, "split must be one of"),
        (lambda: one_step.task_windows("train", seed=-1), ValueError, "seed must be >= 0"),
        (lambda: one_step.build_feedforward(units=0), ValueError, "units must be >= 1"),
        (lambda: one_step.build_recurrent("lstm"), ValueError, "kind must be one of"),
        (lambda: one_step.build_recurrent("jordan", context=0), ValueError, "context must be >= 1"),
        (lambda: one_step.build_recurrent("elman", context=2), ValueError, "context only applies to kind='jordan'"),
        (lambda: one_step.train_feedforward(lags=17), ValueError, "lags must be <= 16"),
        (lambda: one_step.train_feedforward(epochs=0), ValueError, "epochs must be >= 1"),
        (lambda: one_step.train_recurrent("elman", epochs=1.5), TypeError, "epochs must be an int"),
        (lambda: one_step.train_recurrent("elman", name=3), TypeError, "name must be a string or None"),
        (lambda: one_step.train_recurrent("gru"), ValueError, "kind must be one of"),
        (lambda: one_step.per_step_mse("model", np.zeros((2, 5))), TypeError, "model must be a keras.Model"),
        (lambda: one_step.predict(None, np.zeros((2, 1))), TypeError, "model must be a keras.Model"),
        (
            lambda: one_step.fed_back_vs_input(one_step.build_recurrent("jordan", 2), np.zeros((2, 5))),
            ValueError,
            "more than 5 values",
        ),
    ],
)
def test_bad_input_is_rejected_clearly(call, error, match):
    with pytest.raises(error, match=match):
        call()
