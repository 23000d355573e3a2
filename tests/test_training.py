"""rnn_helpers.training: vocabulary, the model builder, the compiled loops, races, scores, bad input."""

import keras
import numpy as np
import pytest
from conftest import TINY_MEMORY, TINY_SINE
from numpy.testing import assert_allclose

import rnn_helpers as rh
from rnn_helpers import data, fitting, gates, keras_rnn, scores, training


def test_one_vocabulary_of_cells_and_tasks():
    assert rh.cells.CLASSIC == ("elman", "jordan", "lstm", "gru")
    assert data.TASKS == ("recall_first", "adding")


@pytest.mark.parametrize("task, make, features", [("recall_first", data.recall_first, 1),
                                                   ("adding", data.adding_problem, 2)])
def test_task_data_is_the_data_modules_task(task, make, features):
    X, y = data.task_data(task, 5, 7, seed=2)
    expected_X, expected_y = make(5, 7, seed=2)
    assert X.shape == (5, 7, features) and y.shape == (5, 1)
    np.testing.assert_array_equal(X, expected_X)
    np.testing.assert_array_equal(y, expected_y)


def test_r2_score_is_one_for_perfect_zero_for_the_mean_and_negative_for_worse():
    y = np.array([1.0, 2.0, 3.0, 4.0])
    assert scores.r2_score(y, y) == 1.0
    assert scores.r2_score(y, np.full(4, y.mean())) == pytest.approx(0.0, abs=1e-15)
    assert scores.r2_score(y, y[::-1]) == pytest.approx(-3.0)  # MSE 5 against a variance of 1.25


def test_evaluate_forecast():
    score = scores.evaluate_forecast([0.0, 1.0, -1.0], [0.0, 0.5, -1.0])
    assert score["mse"] == pytest.approx(0.25 / 3)
    assert score["max_abs_err"] == pytest.approx(0.5)
    assert_allclose(score["abs_err_by_horizon"], [0.0, 0.5, 0.0])


@pytest.mark.parametrize("cell", rh.cells.CLASSIC)
def test_build_model_answers_once_or_at_every_step(cell):
    X = np.zeros((4, 5, 2), dtype="float32")
    many_to_one = keras_rnn.build_model(cell, units=3, features=2)
    many_to_many = keras_rnn.build_model(cell, units=3, features=2, return_sequences=True)
    assert tuple(many_to_one(X).shape) == (4, 1)
    assert tuple(many_to_many(X).shape) == (4, 5, 1)
    assert [layer.name for layer in many_to_many.layers] == [cell, "dense"]
    assert many_to_one.layers[0].count_params() == gates.param_count(cell, 2, 3)


@pytest.mark.parametrize("cell", rh.cells.CLASSIC)
def test_a_sequence_model_generates_by_feeding_back_its_own_forecasts(cell):
    keras.utils.set_random_seed(0)
    model = keras_rnn.build_model(cell, units=4, return_sequences=True)
    warmup = np.sin(np.arange(10.0))
    generated = rh.stateful.generate(model, warmup, 6)
    # teacher forcing on [warmup, generated] must reproduce the generated values
    inputs = np.concatenate([warmup, generated[:-1]])[None, :, None].astype("float32")
    predicted = np.asarray(model(inputs))[0, :, 0]
    assert_allclose(generated, predicted[len(warmup) - 1:], atol=1e-5)


# --- races (tiny settings from conftest: these check the plumbing, the claims files check the results) ---------


@pytest.mark.slow  # trains the tiny races: make test
def test_memory_race_scores_each_model_on_the_test_set(tiny_memory_race):
    X_test, y_test = data.task_data("adding", TINY_MEMORY["n_test"], TINY_MEMORY["length"],
                                        seed=TINY_MEMORY["seed"] + 1)
    assert sorted(tiny_memory_race) == ["elman", "lstm"]
    for cell, result in tiny_memory_race.items():
        assert (result["cell"], result["task"], result["length"]) == (cell, "adding", TINY_MEMORY["length"])
        assert result["losses"].shape == (TINY_MEMORY["epochs"],)
        assert result["params"] == gates.param_count(cell, 2, TINY_MEMORY["units"])
        prediction = np.asarray(result["model"](X_test))
        assert result["r2"] == pytest.approx(scores.r2_score(y_test, prediction), abs=1e-6)
        assert result["mse"] == pytest.approx(np.mean((prediction - y_test) ** 2), rel=1e-5)
        # the fastest timed epoch cannot exceed the average of the epochs after the first
        assert 0 < result["seconds_per_epoch"] * (TINY_MEMORY["epochs"] - 1) <= result["train_seconds"]


@pytest.mark.slow  # trains the tiny races: make test
def test_sine_race_generates_36_values_and_scores_them(tiny_sine_race):
    x, _ = data.article_data()
    for cell, result in tiny_sine_race.items():
        assert result["cell"] == cell and result["losses"].shape == (TINY_SINE["epochs"],)
        assert result["params"] == gates.param_count(cell, 1, TINY_SINE["units"])
        assert_allclose(result["expected"], np.sin(np.arange(36, 72)))
        assert_allclose(result["generated"], rh.stateful.generate(result["model"], x, 36), atol=1e-6)
        score = scores.evaluate_forecast(result["generated"], result["expected"])
        assert (result["mse_36"], result["max_abs_err_36"]) == (score["mse"], score["max_abs_err"])


@pytest.mark.slow
@pytest.mark.slow  # trains the tiny races: make test
def test_a_race_trains_each_model_exactly_as_it_would_be_trained_alone(tiny_memory_race, tiny_sine_race):
    alone = training.train_sine("gru", progress=False, **TINY_SINE)
    np.testing.assert_array_equal(tiny_sine_race["gru"]["losses"], alone["losses"])
    np.testing.assert_array_equal(tiny_sine_race["gru"]["generated"], alone["generated"])
    alone = training.train_memory("lstm", progress=False, **TINY_MEMORY)
    np.testing.assert_array_equal(tiny_memory_race["lstm"]["losses"], alone["losses"])
    assert tiny_memory_race["lstm"]["r2"] == alone["r2"]


# --- bad input ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: data.task_data("copy", 5, 5), ValueError, "task must be one of"),
        (lambda: data.task_data("adding", 5, 1), ValueError, "length must be >= 2"),
        (lambda: scores.r2_score([1.0, 2.0], [1.0]), ValueError, "same shape"),
        (lambda: scores.r2_score([1.0, 1.0], [1.0, 2.0]), ValueError, "two different values"),
        (lambda: scores.r2_score("y", [1.0]), TypeError, "y_true must be an array"),
        (lambda: scores.evaluate_forecast([1.0], [1.0, 2.0]), ValueError, "same length"),
        (lambda: keras_rnn.build_model("rnn"), ValueError, "cell must be one of"),
        (lambda: keras_rnn.build_model("lstm", units=0), ValueError, "units must be >= 1"),
        (lambda: keras_rnn.build_model("gru", features=0), ValueError, "features must be >= 1"),
        (lambda: keras_rnn.build_model("gru", return_sequences="yes"), TypeError, "return_sequences must be True or False"),
        (lambda: fitting.full_bptt_runner("model", [1.0], [1.0], 0.1), TypeError, "model must be a keras.Model"),
        (lambda: fitting.minibatch_runner(keras_rnn.build_model("gru"), 0.1, 0), ValueError, "batch_size must be >= 1"),
        (lambda: fitting.run_in_chunks(lambda n: n, 0, "x"), ValueError, "epochs must be >= 1"),
        (lambda: fitting.fit_progress(0, "x"), ValueError, "epochs must be >= 1"),
        (lambda: training.train_sine("lstm", epochs=1), ValueError, "epochs must be >= 2"),
        (lambda: training.train_sine("lstm", progress=None), TypeError, "progress must be True or False"),
        (lambda: training.train_sine("gru", learning_rate=-0.1), ValueError, "learning_rate must be > 0"),
        (lambda: training.train_sine("LSTM"), ValueError, "cell must be one of"),
        (lambda: training.train_memory("gru", task="copy"), ValueError, "task must be one of"),
        (lambda: training.train_memory("gru", length=1), ValueError, "length must be >= 2"),
        (lambda: training.train_memory("lstm", seed=0.5), TypeError, "seed must be an int"),
        (lambda: training.train_memory("lstm", n_test=1), ValueError, "n_test must be >= 2"),
        (lambda: training.train_memory("lstm", progress="no"), TypeError, "progress must be True or False"),
        (lambda: training.race_sine("lstm"), TypeError, "cells must be a tuple"),
        (lambda: training.race_memory(()), ValueError, "cells must name at least one"),
        (lambda: training.race_memory(("gru", "gru")), ValueError, "cells must not repeat"),
        (lambda: training.race_sine(("gru", "SimpleRNN")), ValueError, "each cell must be one of"),
    ],
)
def test_bad_input_is_rejected_before_any_training(call, error, match):
    with pytest.raises(error, match=match):
        call()
