"""Claims of notebook 01: the perceptron's limit.

How the claims are checked, once for all nine files: `tests/records.py`.
"""


import keras
import numpy as np
import pytest
from notebook_settings import read_settings
from records import notebook_record

import rnn_helpers as rh
from rnn_helpers import one_step

pytestmark = pytest.mark.slow  # re-trains the notebooks' networks: part of make test, not make check

S01 = read_settings("01_perceptron_limits.ipynb", "SEED", "PERCEPTRON_RUNS", "WINDOW_UNITS", "WINDOW_EPOCHS")
FLOOR = one_step.floor_mse()


# ---------------------------------------------------------------- notebook 01


@pytest.fixture(scope="module")
def nb01():
    """What notebook 01 trained and measured when it ran in this test run."""
    return notebook_record("01_perceptron_limits.ipynb")


@pytest.fixture(scope="module")
def perceptrons(nb01):
    assert S01["PERCEPTRON_RUNS"] == [(4, 20), (16, 20), (64, 20), (16, 80)], "the prose describes these runs"
    return nb01["perceptrons"]


def test_01_the_keras_cell_of_section_4_is_what_train_feedforward_runs(nb01, perceptrons):
    """The visible build-compile-fit cell and the helper, same seed: the same weights and the same test MSE."""
    assert perceptrons[1].name.startswith("16 units, 20 epochs")
    for mine, helpers in zip(nb01["model"].get_weights(), perceptrons[1].model.get_weights()):
        np.testing.assert_array_equal(mine, helpers)
    assert nb01["first_mse"] == pytest.approx(perceptrons[1].mse, rel=1e-6)


def test_01_each_value_has_two_possible_successors():
    x_now, x_next = rh.data.lagged_pairs(one_step.task_windows("train", seed=S01["SEED"]), lags=1)
    at_zero = np.abs(x_now[:, 0]) < 0.02
    assert x_next[at_zero].min() < -0.8 and x_next[at_zero].max() > 0.8


def test_01_the_formula_floor_matches_the_best_predictor_on_the_test_pairs():
    x_now, x_next = rh.data.lagged_pairs(one_step.task_windows("test", seed=S01["SEED"]), lags=1)
    assert FLOOR == pytest.approx(0.354, abs=5e-4)
    assert np.mean((one_step.best_one_value_prediction(x_now) - x_next) ** 2) == pytest.approx(FLOOR, rel=0.01)
    assert FLOOR / np.mean(x_next**2) == pytest.approx(0.71, abs=0.01)  # "about 71 % of guessing 0"


def test_01_every_perceptron_ends_within_a_fraction_of_a_percent_of_the_floor(perceptrons):
    for result in perceptrons:
        assert abs(result.mse / FLOOR - 1) < 0.01, f"{result.name}: MSE {result.mse:.4f} vs floor {FLOOR:.4f}"
    assert [r.params for r in perceptrons] == [13, 49, 193, 49]


def test_01_training_longer_changes_nothing(perceptrons):
    short, long = perceptrons[1], perceptrons[3]  # 16 units for 20 and for 80 epochs
    assert abs(long.mse - short.mse) < 0.01 * FLOOR
    assert min(long.losses[20:]) > 0.99 * FLOOR  # the training loss never dips below the floor either


def test_01_the_perceptron_sits_on_the_line_cos1_x(perceptrons):
    x_grid = np.linspace(-1, 1, 201)[:, None]
    learned = one_step.predict(perceptrons[1].model, x_grid)[:, 0]
    assert np.max(np.abs(learned - one_step.best_one_value_prediction(x_grid[:, 0]))) < 0.05  # "a few hundredths"


def test_01_two_values_make_the_error_collapse(nb01):
    window_in, window_next = rh.data.lagged_pairs(one_step.task_windows("test", seed=S01["SEED"]), lags=2)
    identity = 2 * np.cos(1.0) * window_in[:, 1] - window_in[:, 0]
    assert np.max(np.abs(identity - window_next[:, 0])) < 1e-12
    window_model = nb01["window_model"]
    assert window_model.model.input_shape == (None, 2) and window_model.model.layers[0].units == S01["WINDOW_UNITS"]
    assert window_model.mse < 1e-4  # "below 1e-4"
    assert FLOOR / window_model.mse > 1000  # "thousands of times lower", "more than a thousandfold"


def test_01_a_two_number_linear_fit_continues_the_sine_for_36_steps():
    train_in, train_next = rh.data.lagged_pairs(one_step.task_windows("train", seed=S01["SEED"]), lags=2)
    (b, a), *_ = np.linalg.lstsq(train_in, train_next[:, 0], rcond=None)
    assert a == pytest.approx(2 * np.cos(1.0), abs=1e-9) and b == pytest.approx(-1.0, abs=1e-9)
    series = np.sin(np.arange(72.0))
    forecast = list(series[34:36])
    for _ in range(36):
        forecast.append(a * forecast[-1] + b * forecast[-2])
    assert np.max(np.abs(np.array(forecast[2:]) - series[36:])) < 1e-10  # "to rounding error over all 36 steps"


def test_01_exercise_1_a_smaller_step_lowers_the_floor_to_about_a_third():
    assert one_step.floor_mse(0.5) == pytest.approx(np.sin(0.5) ** 2 / 2) == pytest.approx(0.115, abs=5e-4)
    assert 0.3 < one_step.floor_mse(0.5) / FLOOR < 0.35


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_01_exercise_2_a_single_linear_unit_lands_on_the_floor_with_weight_cos1(seed):
    keras.utils.set_random_seed(seed)
    X, y = rh.data.lagged_pairs(one_step.task_windows("train", seed=seed), lags=1)
    X_test, y_test = rh.data.lagged_pairs(one_step.task_windows("test", seed=seed), lags=1)
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    model.fit(X, y, epochs=20, batch_size=256, shuffle=True, verbose=0)
    assert abs(np.mean((model.predict(X_test, verbose=0) - y_test) ** 2) / FLOOR - 1) < 0.01
    assert abs(model.get_weights()[0].item() - np.cos(1.0)) < 0.02


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_01_exercise_3_a_third_value_stays_a_thousand_times_below_the_floor(seed):
    three = one_step.train_feedforward(lags=3, units=S01["WINDOW_UNITS"], epochs=S01["WINDOW_EPOCHS"], seed=seed)
    assert FLOOR / three.mse > 1000


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_01_exercise_4_one_value_suffices_on_the_rising_half(seed):
    """Exercise 4's stated answer: with phases in [-pi/2, pi/2) the test MSE falls below 0.01."""
    theta = np.random.default_rng(seed).uniform(-np.pi / 2, np.pi / 2, 1000)
    x_now, x_next = np.sin(theta)[:, None], np.sin(theta + 1)
    keras.utils.set_random_seed(seed)
    model = one_step.build_feedforward(lags=1, units=16)
    model.compile(keras.optimizers.Adam(0.01), "mse")
    model.fit(x_now[:800], x_next[:800], epochs=50, batch_size=32, verbose=0)
    assert np.mean((one_step.predict(model, x_now[800:])[:, 0] - x_next[800:]) ** 2) < 0.01
