"""rnn_helpers.memory: the memory-length experiment runs a plan of races with the one memory trainer."""

import pytest

from rnn_helpers import data, memory, training
from rnn_helpers.cells import CLASSIC


def test_the_full_plan_covers_every_cell_task_and_length():
    runs = {(task, cell, length) for task, cells, lengths in memory.FULL_PLAN for cell in cells for length in lengths}
    assert runs == {(task, cell, length) for task in data.TASKS for cell in CLASSIC
                    for length in (5, 10, 20, 40)}


@pytest.mark.slow
def test_memory_experiment_has_one_row_per_run_and_trains_as_the_one_trainer():
    settings = {"units": 2, "epochs": 2, "n_train": 32, "n_test": 16, "batch_size": 16, "seed": 1}
    plan = [("adding", ["elman", "jordan"], [3, 4]), ("recall_first", ["gru"], [3])]
    table = memory.memory_experiment(plan, progress=False, **settings)
    assert list(zip(table.task, table.cell, table.length)) == [
        ("adding", "elman", 3), ("adding", "jordan", 3), ("adding", "elman", 4), ("adding", "jordan", 4),
        ("recall_first", "gru", 3)]
    alone = training.train_memory("gru", task="recall_first", length=3, progress=False, **settings)
    assert table.r2.iloc[-1] == alone["r2"]
    assert list(table.losses.iloc[-1]) == list(alone["losses"])


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: memory.memory_experiment("adding"), TypeError, "plan must be a list"),
        (lambda: memory.memory_experiment([("adding", ["gru"])]), ValueError, "triple"),
        (lambda: memory.memory_experiment([("adding", "gru", [10])]), TypeError, "must be lists"),
        (lambda: memory.memory_experiment([("adding", ["rnn"], [10])]), ValueError, "cell must be one of"),
        (lambda: memory.memory_experiment([("sum", ["gru"], [10])]), ValueError, "task must be one of"),
        (lambda: memory.memory_experiment([("adding", ["gru"], [1])]), ValueError, "length must be >= 2"),
        (lambda: memory.memory_experiment([("adding", ["gru"], [])]), ValueError, "at least one"),
        (lambda: memory.memory_experiment([("adding", [], [10])]), ValueError, "at least one"),
        (lambda: memory.memory_experiment(task="adding"), TypeError, "from each plan entry"),
        (lambda: memory.memory_experiment(length=10), TypeError, "from each plan entry"),
    ],
)
def test_bad_plans_are_rejected_before_any_training(call, error, match):
    with pytest.raises(error, match=match):
        call()
