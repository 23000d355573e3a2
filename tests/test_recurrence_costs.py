"""rnn_helpers.recurrence_costs: the timings compute what they time, and the committed benchmark is complete."""

import numpy as np
import pytest

from rnn_helpers import linear_recurrence as lr
from rnn_helpers import recurrence_costs


def test_generation_cost_counts_the_numbers_kept_and_times_every_position():
    table = recurrence_costs.generation_cost([8, 64], d=16, repeats=3)
    assert list(table.position) == [8, 64] and list(table.softmax_floats) == [256, 2048]
    assert list(table.linear_floats) == [16 * 16 + 16] * 2 and np.all(table[["softmax_us", "linear_us"]] > 0)


def test_the_fast_token_step_is_the_checked_one():
    rng = np.random.default_rng(8)
    q, k, v = rng.normal(size=(3, 5))
    S, z = np.abs(rng.normal(size=(5, 5))), np.abs(rng.normal(size=5)) + 1
    expected, S_new, z_new = lr.linear_attention_step(q, k, v, S, z)
    assert recurrence_costs._linear_token(q, k, v, S, z) == pytest.approx(expected, abs=1e-12)
    np.testing.assert_allclose(S, S_new, atol=1e-12)  # the fast step updated S and z in place
    np.testing.assert_allclose(z, z_new, atol=1e-12)


@pytest.mark.slow  # traces and times every method, about a second: part of make test, not make check
def test_loop_and_scan_times_agree_with_the_loop_and_time_each_method():
    times = recurrence_costs.loop_and_scan_times(16, batch=2, units=3, repeats=2, methods=("numpy scan", "keras scan"))
    assert set(times) == {"numpy scan", "keras scan"}
    assert times["numpy scan"]["max_diff"] < 1e-12 and times["keras scan"]["max_diff"] < 1e-5
    assert all(t["cold"] > 0 and t["warm"] > 0 for t in times.values())


def test_the_committed_benchmark_has_every_part_the_notebook_reads(tmp_path):
    results = recurrence_costs.load_benchmark()
    assert {"machine", "timing", "memory", "parity"} <= set(results)
    assert {row["T"] for row in results["timing"]} == {64, 128, 256, 512, 1024, 2048, 4096}
    assert {row["method"] for row in results["timing"]} == set(recurrence_costs.TIMED_METHODS)
    assert {(row["task"], row["length"]) for row in results["memory"]} == {
        (task, lag) for task in ("recall_first", "adding") for lag in (10, 30, 100)}
    assert {row["seed"] for row in results["parity"]} == {0, 1, 2}
    with pytest.raises(FileNotFoundError, match="benchmarks/linear_recurrence.py"):
        recurrence_costs.load_benchmark(tmp_path / "missing.json")


@pytest.mark.parametrize("call, error, match", [
    (lambda: recurrence_costs.generation_cost([0, 4]), ValueError, ">= 1"),
    (lambda: recurrence_costs.median_seconds(3), TypeError, "function"),
    (lambda: recurrence_costs.loop_and_scan_times(8, methods="numpy loop"), TypeError, "tuple"),
])
def test_bad_input_is_explained(call, error, match):
    with pytest.raises(error, match=match):
        call()
