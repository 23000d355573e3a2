"""The claims notebook 06 makes in words, checked with the notebook's own settings."""

import numpy as np
import pytest
from notebook_settings import read_settings

import rnn_helpers as rh

S = read_settings("06_sine_forecast.ipynb", "SEED", "CELLS", "ARTICLE_EPOCHS", "TIMED_EPOCHS")
FLOOR = np.sin(1.0) ** 2 / 2  # notebook 01: best MSE from one value and no past


@pytest.fixture(scope="module")
def data():
    return rh.forecast.article_data()


@pytest.fixture(scope="module")
def compiled():
    return rh.forecast.run_method("compiled", epochs=S["ARTICLE_EPOCHS"], cells=S["CELLS"], seed=S["SEED"], progress=False)


@pytest.fixture(scope="module")
def fast():
    return rh.forecast.run_method("bptt", cells=S["CELLS"], seed=S["SEED"], progress=False)


def variant(data, **switches):
    x, y = data
    model, losses = rh.forecast.train_compiled(
        x, y, S["ARTICLE_EPOCHS"], cells=S["CELLS"], seed=S["SEED"], progress=False, **switches
    )
    generated = rh.stateful.generate(model, x, 36)
    return losses, rh.forecast.evaluate(generated, rh.forecast.expected_continuation())["mse"]


def test_compiled_loop_reproduces_the_original_losses(data):
    x, y = data
    _, original = rh.forecast.train_article(x, y, S["TIMED_EPOCHS"], cells=S["CELLS"], seed=S["SEED"], progress=False)
    _, compiled = rh.forecast.train_compiled(x, y, S["TIMED_EPOCHS"], cells=S["CELLS"], seed=S["SEED"], progress=False)
    np.testing.assert_allclose(compiled, original, rtol=1e-5)


def test_the_article_model_generates_a_sine_that_drifts(compiled):
    assert compiled["mse_36"] < 0.05  # a sine (variance 0.5), not noise
    assert compiled["abs_err_by_horizon"][18:].mean() > compiled["abs_err_by_horizon"][:6].mean()  # drifts


def test_the_same_input_twice_gives_different_outputs_until_reset(compiled):
    model, probe = compiled["model"], np.array([[[0.5]]], dtype="float32")
    rh.stateful.reset_rnn_states(model)
    first, second = float(model(probe)[0, 0]), float(model(probe)[0, 0])
    rh.stateful.reset_rnn_states(model)
    assert abs(first - second) > 0.1
    assert float(model(probe)[0, 0]) == pytest.approx(first, abs=1e-6)


def test_shuffled_training_sits_on_the_perceptron_floor(data, compiled):
    losses, mse = variant(data, shuffle=True)
    assert FLOOR - 0.03 < losses[-1] < FLOOR + 0.03
    assert mse > 0.3
    assert compiled["losses"][-1] < 0.01


def test_skipping_the_reset_still_converges_and_with_this_seed_forecasts_better(data, compiled):
    losses, mse = variant(data, reset_states=False)
    assert losses[-1] < 0.01
    assert mse < compiled["mse_36"]


def test_full_bptt_is_faster_and_far_more_accurate(compiled, fast):
    assert fast["mse_36"] < compiled["mse_36"] / 10
    assert fast["max_abs_err_36"] < compiled["max_abs_err_36"] / 5
    assert fast["train_seconds"] < compiled["train_seconds"]
