import json
import subprocess
import sys

import numpy as np
import pytest

import rnn_helpers as rh


def test_article_model_matches_the_article():
    model = rh.forecast.build_article_model(16)
    lstm, dense = model.layers
    assert tuple(model.inputs[0].shape) == (1, 1, 1)
    assert lstm.stateful and lstm.units == 16 and dense.units == 1


@pytest.mark.slow  # trains for about a second: make test
def test_compiled_loop_makes_exactly_the_articles_updates():
    x, y = rh.data.article_data()
    article, article_losses = rh.forecast.train_article(x, y, epochs=2, cells=4, seed=3, progress=False)
    compiled, compiled_losses = rh.forecast.train_compiled(x, y, epochs=2, cells=4, seed=3, progress=False)
    np.testing.assert_allclose(compiled_losses, article_losses, rtol=1e-5)
    for a, c in zip(article.get_weights(), compiled.get_weights()):
        np.testing.assert_allclose(c, a, atol=1e-6)


@pytest.mark.slow  # trains for about a second: make test
def test_compiled_variants_change_the_training():
    x, y = rh.data.article_data()
    _, ordered = rh.forecast.train_compiled(x, y, epochs=3, cells=4, seed=0, progress=False)
    _, carried = rh.forecast.train_compiled(x, y, epochs=3, cells=4, seed=0, progress=False, reset_states=False)
    _, shuffled = rh.forecast.train_compiled(x, y, epochs=3, cells=4, seed=0, progress=False, shuffle=True)
    assert ordered[0] == pytest.approx(carried[0])  # the first epoch starts from zeros either way
    assert ordered[1] != pytest.approx(carried[1])
    assert ordered[0] != pytest.approx(shuffled[0])


@pytest.mark.slow  # trains for seconds: make test
def test_run_method_reports_everything_and_is_repeatable():
    first = rh.forecast.run_method("bptt", epochs=20, cells=4, seed=1, progress=False)
    assert first["train_seconds"] > 0 and first["generate_seconds"] > 0  # measured, not left at zero
    assert first["generated"].shape == first["abs_err_by_horizon"].shape == (36,)
    np.testing.assert_allclose(first["abs_err_by_horizon"], np.abs(first["generated"] - first["expected"]))
    assert first["max_abs_err_36"] == pytest.approx(first["abs_err_by_horizon"].max())
    assert 0 < first["mse_36"] <= first["max_abs_err_36"] ** 2  # a mean of squares is at most the largest square
    assert first["losses"].shape == (1,)  # fit runs all epochs in one call: the trained model's loss
    assert first["mse_36"] == pytest.approx(np.mean((first["generated"] - first["expected"]) ** 2))
    again = rh.forecast.run_method("bptt", epochs=20, cells=4, seed=1, progress=False)
    np.testing.assert_allclose(again["generated"], first["generated"], atol=1e-6)


@pytest.mark.slow  # trains for seconds: make test
def test_fit_recipe_makes_the_same_updates_as_a_hand_written_full_bptt_loop():
    # train_bptt uses Keras' fit on copies of the series; a plain GradientTape loop over the whole sequence
    # (one Adam step per epoch) must reach the same weights
    import keras

    x, y = rh.data.article_data()
    fitted, losses = rh.forecast.train_bptt(x, y, epochs=7, cells=3, seed=2, progress=False)
    keras.utils.set_random_seed(2)
    by_hand = rh.forecast.build_sequence_model(3)
    rh.fitting.full_bptt_runner(by_hand, x, y, rh.forecast.DEFAULTS["bptt"]["learning_rate"])(7)
    for f, h in zip(fitted.get_weights(), by_hand.get_weights()):
        np.testing.assert_allclose(f, h, atol=1e-6)
    prediction = np.asarray(by_hand(x.reshape(1, -1, 1).astype("float32")))[0, :, 0]
    assert losses[0] == pytest.approx(np.mean((prediction - y) ** 2), rel=1e-5)


def test_ar2_finds_the_exact_rule_of_the_sine_and_continues_it():
    x, _ = rh.data.article_data()
    a, b = rh.forecast.fit_ar2(x)
    assert a == pytest.approx(2 * np.cos(1.0), abs=1e-12) and b == pytest.approx(-1.0, abs=1e-12)
    expected = rh.data.article_continuation()
    np.testing.assert_allclose(rh.forecast.generate_ar2((a, b), x, 36), expected, atol=1e-12)
    # and it is the rule it says: each value from the two before it
    np.testing.assert_allclose(rh.forecast.generate_ar2((0.5, 0.25), [2.0, 4.0], 2), [2.5, 2.25])


@pytest.mark.slow  # trains for seconds: make test
def test_ablation_row_changes_one_thing_at_a_time():
    article, default = ("one step", "per value", 0.001, 36_000), ("full", "per sequence", 0.01, 400)
    assert article in rh.forecast.ABLATION and default in rh.forecast.ABLATION
    causes = [(truncation, schedule, lr, updates > 1000)  # 396 ~ 400
              for truncation, schedule, lr, updates in rh.forecast.ABLATION]
    for row in causes:  # every row has a neighbour that differs in exactly one cause
        assert any(sum(a != b for a, b in zip(row, other)) == 1 for other in causes)
    # the truncation alone: a row that differs from the fast default in the truncation only
    assert ("one step", "per sequence", 0.01, 400) in rh.forecast.ABLATION
    one_step = rh.forecast.run_ablation_row("one step", 0.01, 72, seed=1, cells=3)
    assert one_step["schedule"] == "per value"
    x, y = rh.data.article_data()
    model, _ = rh.forecast.train_compiled(x, y, 2, cells=3, seed=1, progress=False, learning_rate=0.01)
    generated = rh.stateful.generate(model, x, 36)
    expected = rh.data.article_continuation()
    assert one_step["mse_36"] == pytest.approx(rh.scores.evaluate_forecast(generated, expected)["mse"])
    full = rh.forecast.run_ablation_row("full", 0.01, 20, seed=1, cells=3)
    assert full["schedule"] == "per sequence"
    assert full["mse_36"] == pytest.approx(rh.forecast.run_method("bptt", epochs=20, cells=3, seed=1, progress=False)["mse_36"])


@pytest.mark.slow  # trains for seconds: make test
def test_the_cut_state_loop_is_full_bptt_but_for_the_cut():
    # "one step, per sequence" must differ from full BPTT in the truncation only: the same loop without the cut
    # reaches the weights of train_bptt (fit), and with the cut it does not
    from rnn_helpers import forecast

    x, y = rh.data.article_data()
    fitted, _ = rh.forecast.train_bptt(x, y, epochs=20, cells=3, seed=2)
    uncut = forecast._train_cut_state(x, y, 20, 3, 2, 0.01, cut=False)
    cut = forecast._train_cut_state(x, y, 20, 3, 2, 0.01, cut=True)
    for f, u, c in zip(fitted.get_weights(), uncut.get_weights(), cut.get_weights()):
        np.testing.assert_allclose(u, f, atol=1e-6)
    assert max(np.abs(f - c).max() for f, c in zip(fitted.get_weights(), cut.get_weights())) > 1e-4
    row = rh.forecast.run_ablation_row("one step", 0.01, 20, seed=2, cells=3, schedule="per sequence")
    expected = rh.data.article_continuation()
    assert row["mse_36"] == pytest.approx(rh.scores.evaluate_forecast(rh.stateful.generate(cut, x, 36), expected)["mse"])


@pytest.mark.slow  # trains for seconds: make test
@pytest.mark.parametrize("method, epochs", [("bptt", 30), ("compiled", 3)])
def test_reuse_gives_exactly_a_fresh_trainings_result(method, epochs):
    # the kept model has trained with another seed before: weights, optimizer and state must all start afresh
    rh.forecast.run_method(method, epochs=epochs, cells=3, seed=5, progress=False, reuse=True)
    kept = rh.forecast.run_method(method, epochs=epochs, cells=3, seed=1, progress=False, reuse=True)
    fresh = rh.forecast.run_method(method, epochs=epochs, cells=3, seed=1, progress=False)
    np.testing.assert_array_equal(kept["generated"], fresh["generated"])
    np.testing.assert_array_equal(kept["losses"], fresh["losses"])
    for k, f in zip(kept["model"].get_weights(), fresh["model"].get_weights()):
        np.testing.assert_array_equal(k, f)
    again = rh.forecast.run_method(method, epochs=epochs, cells=3, seed=1, progress=False, reuse=True)
    assert again["model"] is kept["model"]  # the same model, trained again: nothing new to trace
    assert again["model"] is not fresh["model"]


@pytest.mark.slow  # traces the compiled loop of a 16-cell LSTM: part of make test, not make check
def test_defaults_are_used_when_not_given():
    result = rh.forecast.run_method("compiled", epochs=2, seed=0, progress=False)
    assert result["cells"] == rh.forecast.DEFAULTS["compiled"]["cells"] == 16


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: rh.forecast.run_method("magic"), ValueError, r"method must be one of \['article', 'bptt', 'compiled'\]"),
        (lambda: rh.forecast.run_method("bptt", epochs=0), ValueError, "epochs must be >= 1, got 0"),
        (lambda: rh.forecast.run_method("bptt", cells=0), ValueError, "cells must be >= 1, got 0"),
        (lambda: rh.forecast.run_method("bptt", epochs=2.5), TypeError, "epochs must be an int"),
        (lambda: rh.forecast.run_method("bptt", seed=-1), ValueError, "seed must be >= 0"),
        (lambda: rh.forecast.train_bptt([1.0, 2.0], [1.0], 5), ValueError, "same length"),
        (lambda: rh.forecast.train_bptt([1.0, 2.0], [1.0, 3.0], 5, learning_rate=0), ValueError, "learning_rate must be > 0"),
        (lambda: rh.forecast.train_compiled([1.0, 2.0], [1.0, 3.0], 1, shuffle="yes"), TypeError, "True or False"),
        (lambda: rh.forecast.build_article_model(cells=0), ValueError, "cells must be >= 1"),
        (lambda: rh.forecast.train_compiled([1.0, 2.0], [1.0, 3.0], 1, learning_rate=-1), ValueError, "learning_rate must be > 0"),
        (lambda: rh.forecast.fit_ar2([0.0, 1.0, 0.5]), ValueError, "at least 4 values"),
        (lambda: rh.forecast.generate_ar2((1.0,), [0.0, 1.0], 3), TypeError, r"pair \(a, b\)"),
        (lambda: rh.forecast.generate_ar2((1.0, "b"), [0.0, 1.0], 3), TypeError, "b must be a number"),
        (lambda: rh.forecast.generate_ar2((1.0, -1.0), [1.0], 3), ValueError, "at least 2 values"),
        (lambda: rh.forecast.run_ablation_row("half", 0.01, 36), ValueError, "truncation must be one of"),
        (lambda: rh.forecast.load_benchmark("no/such/results.json"), FileNotFoundError, "benchmarks/sine_forecast.py"),
        (lambda: rh.forecast.run_ablation_row("one step", 0.01, 400), ValueError, "multiple of 36.*Try 396"),
        (lambda: rh.forecast.run_ablation_row("full", 0.01, 40, schedule="per value"), ValueError, "per sequence"),
        (lambda: rh.forecast.run_ablation_row("one step", 0.01, 40, schedule="weekly"), ValueError, "schedule must be one of"),
        (lambda: rh.forecast.run_method("bptt", reuse="yes"), TypeError, "reuse must be"),
    ],
)
def test_bad_input_is_explained_before_any_training(call, error, match):
    with pytest.raises(error, match=match):
        call()


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "rnn_helpers.forecast_cli", *args], capture_output=True, text=True, timeout=300
    )


@pytest.mark.slow  # trains for seconds: make test
def test_cli_prints_one_json_object(tmp_path):
    png = tmp_path / "forecast.png"
    done = run_cli("--method", "bptt", "--epochs", "10", "--cells", "4", "--seed", "2", "--json", "--plot", str(png))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert {"method": "bptt", "epochs": 10, "cells": 4, "seed": 2}.items() <= result.items()
    assert result["train_seconds"] > 0 and result["generate_seconds"] > 0
    assert 0 < result["mse_36"] <= result["max_abs_err_36"] ** 2  # a mean of squares is at most the largest square
    assert png.stat().st_size > 10_000
    assert done.stderr == ""  # no TensorFlow log lines


@pytest.mark.parametrize(
    "args, message",
    [
        (["--method", "magic"], "invalid choice"),
        (["--epochs", "0"], "expected a number >= 1"),
        (["--cells", "many"], "expected a whole number"),
        (["--seed", "-3"], "expected a number >= 0"),
    ],
)
def test_cli_bad_arguments_print_usage_and_exit_2(args, message):
    done = run_cli(*args)
    assert done.returncode == 2
    assert "usage:" in done.stderr and message in done.stderr
    assert "Traceback" not in done.stderr


def test_readme_performance_section_is_the_benchmark_json_rendered():
    import importlib.util
    import pathlib

    root = pathlib.Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location("sine_benchmark", root / "benchmarks" / "sine_forecast.py")
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    record = rh.forecast.load_benchmark()
    assert rh.forecast.BENCHMARK_RESULTS == benchmark.RESULTS
    assert benchmark.markdown(record) in (root / "README.md").read_text()
    assert record["summary"] == benchmark.summarize(record)  # the stored summary is the rows' summary
